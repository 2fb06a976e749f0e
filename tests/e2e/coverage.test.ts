/**
 * The analysis modes in a real browser (Debian's Chromium driven by playwright-core, against a real
 * server over the test world, whose records end on 2026-11-01): patrol coverage and gaps, then
 * incident hotspots and the time slider. Set SHANSHUI_E2E_URL to run against a server of your own.
 */
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserSuite,
  type ColourRange,
  colourPixels,
  haveChromium,
  requireChromium,
  resultsDir,
  startBrowserSuite,
  viewport,
} from '../helpers/browser.ts'
import { sessionCookie, signInContext } from '../helpers/browser-session.ts'

requireChromium('coverage and hotspots in the browser')

/** The red end of the coverage ramp (0–25 %), as forests, rivers and reservoirs show it. */
const coverageRed: ColourRange = { r: [190, 255], g: [40, 170], b: [30, 160] }
/** The sky-blue halo of the selected place. */
const halo: ColourRange = { r: [0, 110], g: [140, 200], b: [200, 255] }
/** Hot spots at 99 % (dark red hexagons). */
const hot99: ColourRange = { r: [160, 205], g: [10, 80], b: [25, 90] }

// Software WebGL (SwiftShader) on a small machine is slow, and coverage takes the server seconds.
describe.skipIf(!haveChromium)('coverage and hotspots in the browser', { timeout: 420_000 }, () => {
  let suite: BrowserSuite | undefined
  let baseUrl: string
  let browser: Browser
  let context: BrowserContext | undefined
  let pageErrors: string[] = []
  let externalRequests: string[] = []

  beforeAll(async () => {
    suite = await startBrowserSuite()
    baseUrl = suite.baseUrl
    browser = suite.browser
  })

  afterAll(async () => {
    await suite?.close()
  })

  afterEach(async () => {
    await context?.close()
    context = undefined
  })

  async function openMap(hash = '', locale = 'en-US'): Promise<Page> {
    context = await browser.newContext({ viewport, locale })
    await signInContext(context, baseUrl)
    const page = await context.newPage()
    // Software WebGL on two busy cores: a click can wait on a frame for many seconds.
    page.setDefaultTimeout(120_000)
    pageErrors = []
    externalRequests = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    page.on('request', (request) => {
      const url = request.url()
      if (!url.startsWith(baseUrl) && !/^(data|blob):/.test(url)) externalRequests.push(url)
    })
    await page.goto(`${baseUrl}/${hash}`)
    await waitForMap(page)
    return page
  }

  async function waitForMap(page: Page): Promise<void> {
    try {
      await page.waitForSelector('.app[data-map-state="ready"]', { timeout: 150_000 })
    } catch (error) {
      const state = await page.evaluate(() => ({
        state: document.querySelector('.app')?.getAttribute('data-map-state'),
        notices: [...document.querySelectorAll('.notice')].map((n) => n.textContent),
        hash: location.hash,
      }))
      throw new Error(
        `the map did not get ready: ${JSON.stringify(state)}; page errors: ${pageErrors.join(' | ')}`,
        { cause: error },
      )
    }
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
    )
  }

  /** The map right of the side panel and above the time slider, as a PNG (base64), and its offset. */
  async function mapShot(page: Page): Promise<{ png: string; x: number; y: number }> {
    const box = await page.locator('.map-canvas').boundingBox()
    if (!box) throw new Error('no .map-canvas on the page')
    const clip = { x: box.x + 400, y: box.y + 10, width: box.width - 460, height: box.height - 190 }
    const png = (await page.screenshot({ clip })).toString('base64')
    return { png, x: clip.x, y: clip.y }
  }

  /** Share of pixels that differ clearly between two PNGs of the same size. */
  async function pixelDifference(page: Page, a: string, b: string): Promise<number> {
    return page.evaluate(
      async ([first, second]) => {
        const decode = async (b64: string) => {
          const image = new Image()
          image.src = `data:image/png;base64,${b64}`
          await image.decode()
          const canvas = document.createElement('canvas')
          canvas.width = image.width
          canvas.height = image.height
          const context2d = canvas.getContext('2d')
          if (!context2d) throw new Error('no 2D canvas')
          context2d.drawImage(image, 0, 0)
          return context2d.getImageData(0, 0, image.width, image.height).data
        }
        const x = await decode(first)
        const y = await decode(second)
        if (x.length !== y.length) return 1
        let changed = 0
        for (let i = 0; i < x.length; i += 4) {
          const d = Math.max(
            Math.abs((x[i] ?? 0) - (y[i] ?? 0)),
            Math.abs((x[i + 1] ?? 0) - (y[i + 1] ?? 0)),
            Math.abs((x[i + 2] ?? 0) - (y[i + 2] ?? 0)),
          )
          if (d > 24) changed++
        }
        return changed / (x.length / 4)
      },
      [a, b] as const,
    )
  }

  /** Polls the map until at least `min` pixels of a colour show (deck.gl draws after the data comes). */
  async function waitForColour(page: Page, range: ColourRange, min: number, what: string, margin = 0) {
    const deadline = Date.now() + 90_000
    let last = { count: 0, first: null as [number, number] | null }
    let shot = await mapShot(page)
    while (Date.now() < deadline) {
      shot = await mapShot(page)
      last = await colourPixels(page, shot.png, range, margin)
      if (last.count >= min && (margin === 0 || last.first)) return { ...last, shot }
      await page.waitForTimeout(1000)
    }
    throw new Error(`${what}: only ${last.count} pixels of the colour after 90 s (wanted ${min})`)
  }

  /** Centres the map on a pixel of the page at a zoom, by editing the view in the URL hash. */
  async function zoomTo(page: Page, x: number, y: number, zoom: number): Promise<void> {
    const box = await page.locator('.map-canvas').boundingBox()
    if (!box) throw new Error('no .map-canvas on the page')
    const dx = x - (box.x + box.width / 2)
    const dy = y - (box.y + box.height / 2)
    await page.evaluate(
      ([dx, dy, zoom]) => {
        const match = /map=([\d.]+)\/([\d.-]+)\/([\d.-]+)/.exec(location.hash)
        if (!match) throw new Error(`no view in ${location.hash}`)
        const [z, lat, lon] = [Number(match[1]), Number(match[2]), Number(match[3])]
        // Web Mercator with MapLibre's 512-pixel world at zoom 0.
        const size = 512 * 2 ** z
        const wx = ((lon + 180) / 360) * size + dx
        const phi = (lat * Math.PI) / 180
        const wy = ((1 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / Math.PI) / 2) * size + dy
        const newLon = (wx / size) * 360 - 180
        const newLat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * wy) / size))) * 180) / Math.PI
        location.hash = location.hash.replace(
          /map=[^&]*/,
          `map=${zoom.toFixed(2)}/${newLat.toFixed(4)}/${newLon.toFixed(4)}`,
        )
      },
      [dx, dy, zoom] as const,
    )
    await page.waitForFunction((z) => location.hash.includes(`map=${z.toFixed(2)}/`), zoom)
    await waitForMap(page)
  }

  const hashOf = (page: Page) => page.evaluate(() => location.hash)
  const viewPart = (hash: string) => /map=[^&]*/.exec(hash)?.[0] ?? ''

  /** The page pixel of a longitude and latitude, from the view in the URL (the canvas centre). */
  async function pixelOf(page: Page, lon: number, lat: number): Promise<[number, number]> {
    const box = await page.locator('.map-canvas').boundingBox()
    if (!box) throw new Error('no .map-canvas on the page')
    const match = /map=([\d.]+)\/([\d.-]+)\/([\d.-]+)/.exec(await hashOf(page))
    if (!match) throw new Error('no view in the URL')
    const [z, cLat, cLon] = [Number(match[1]), Number(match[2]), Number(match[3])]
    const size = 512 * 2 ** z
    const world = (lo: number, la: number) => {
      const phi = (la * Math.PI) / 180
      return [
        ((lo + 180) / 360) * size,
        ((1 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / Math.PI) / 2) * size,
      ]
    }
    const [x, y] = world(lon, lat) as [number, number]
    const [cx, cy] = world(cLon, cLat) as [number, number]
    return [box.x + box.width / 2 + (x - cx), box.y + box.height / 2 + (y - cy)]
  }

  /** A place's geometry by id, from the layers the server serves. */
  async function placeGeometry(id: string): Promise<{ type: string; coordinates: unknown }> {
    const layers = [
      'forests',
      'scenic',
      'projects',
      'mines',
      'water_sources',
      'reservoirs',
      'lakes',
      'rivers',
      'roads',
      'markets',
    ]
    for (const layer of layers) {
      const collection = (await (
        await fetch(`${baseUrl}/api/layers/${layer}`, { headers: { cookie: await sessionCookie(baseUrl) } })
      ).json()) as {
        features: { properties: { id: string }; geometry: { type: string; coordinates: unknown } }[]
      }
      const feature = collection.features.find((f) => f.properties.id === id)
      if (feature) return feature.geometry
    }
    throw new Error(`no place ${id} in the layers`)
  }

  it('coverage mode: gap list with chiefs, a click flies to the gap and highlights it, places coloured; a route drawn through it is previewed and saved', async () => {
    const page = await openMap()
    const mapMode = await mapShot(page)
    const redInMapMode = await colourPixels(page, mapMode.png, coverageRed)

    await page.locator('.mode-switch [data-mode="coverage"]').click()
    expect(await hashOf(page)).toContain('mode=coverage')
    // Coverage takes the server seconds: a loading card says what it is doing meanwhile.
    // Read in one step: the card may be gone by the time a second look would wait for it.
    const loading = await page.evaluate(
      () => document.querySelector('[data-testid="coverage-loading"]')?.textContent ?? null,
    )
    if (loading !== null) expect(loading).toMatch(/Computing coverage/)

    await page.waitForSelector('[data-testid="gap-row"]', { timeout: 150_000 })
    await waitForMap(page)
    const rows = page.locator('[data-testid="gap-row"]')
    expect(await rows.count()).toBeGreaterThan(5)
    expect(await page.locator('.gap-count').getAttribute('data-total')).toMatch(/^[1-9]\d*$/)
    // Gaps carry the chiefs who answer for them.
    const chiefs = await page.locator('[data-testid="gap-chiefs"]').allTextContents()
    expect(
      chiefs.slice(0, 10).filter((text) => /Chiefs: \S/.test(text) && !/no chief/.test(text)).length,
    ).toBeGreaterThan(0)
    // Each row says why it is a gap.
    expect(await rows.first().locator('.gap-reason').textContent()).toMatch(/Overdue|Low coverage/)
    // The definitions are there to read.
    expect(await page.locator('[data-testid="coverage-help"]').textContent()).toContain('within 200 m')

    // The coverage layer: places in the ramp's colours, many more red ones than the map mode has.
    const coloured = await waitForColour(
      page,
      coverageRed,
      Math.max(2000, redInMapMode.count * 3),
      'coverage layer',
    )
    expect(await pixelDifference(page, mapMode.png, coloured.shot.png)).toBeGreaterThan(0.03)

    // Click the most urgent gap: the map flies there and shows the place and its chiefs.
    const before = viewPart(await hashOf(page))
    const placeId = await rows.first().getAttribute('data-place-id')
    expect(placeId).toBeTruthy()
    await rows.first().click()
    await page.waitForFunction(
      ([view, place]) =>
        location.hash.includes(`place=${place}`) && (/map=[^&]*/.exec(location.hash)?.[0] ?? '') !== view,
      [before, placeId ?? ''] as const,
      { timeout: 60_000 },
    )
    await waitForMap(page)
    const after = viewPart(await hashOf(page))
    expect(after).not.toBe(before)
    const zoom = Number(/map=([\d.]+)/.exec(after)?.[1])
    expect(zoom).toBeGreaterThan(9.5)
    const card = page.locator('[data-testid="place-card"]')
    await card.waitFor()
    expect(await card.getAttribute('data-place-id')).toBe(placeId)
    expect(await page.locator('[data-testid="place-chiefs"] li .chief-name').count()).toBeGreaterThan(0)
    expect(await rows.first().getAttribute('aria-pressed')).toBe('true')
    await waitForColour(page, halo, 150, 'the highlight around the selected place')

    // The figures come from 250 m cells; the card measures this place exactly on request.
    const exact = card.locator('[data-testid="exact-coverage"]')
    expect(await exact.textContent()).toMatch(/Estimated from 250 m cells/)
    await exact.locator('button').click()
    await page.waitForFunction(
      () =>
        /Measured exactly: \d/.test(
          document.querySelector('[data-testid="exact-coverage"]')?.textContent ?? '',
        ),
      undefined,
      { timeout: 60_000 },
    )

    await page.screenshot({ path: path.join(resultsDir, 'coverage.png') })

    // Plan a patrol for one of its chiefs by drawing a route through it.
    const chiefId = (
      await page.locator('[data-testid="place-chiefs"] li .muted').first().textContent()
    )?.trim()
    expect(chiefId).toBeTruthy()
    // "Plan for" hands the chief to the plan form.
    await page.locator('[data-testid="place-chiefs"] li .link-button').first().click()
    expect(await page.locator('[data-testid="plan-chief"]').inputValue()).toBe(chiefId)

    await page.locator('[data-testid="plan-how-draw"]').click()
    expect(await page.locator('[data-testid="plan-submit"]').isDisabled()).toBe(true)
    const routeOrange: ColourRange = { r: [220, 245], g: [70, 110], b: [0, 40] }
    const orangeBefore = (await colourPixels(page, (await mapShot(page)).png, routeOrange)).count
    await page.locator('[data-testid="draw-start"]').click()
    expect(await page.locator('[data-testid="draw-hint"]').textContent()).toMatch(/Click to add points/)

    // Draw through the place: across the map and over its vertex nearest the middle of its box
    // (Terra Draw finishes a line on a click within 40 px of its last point, so the points are far apart).
    const flat = (c: unknown): number[][] =>
      Array.isArray(c) && typeof c[0] === 'number' ? [c as number[]] : (c as unknown[]).flatMap(flat)
    const geometry = await placeGeometry(placeId ?? '')
    const vertices = flat(geometry.coordinates)
    const lons = vertices.map((v) => v[0] as number)
    const lats = vertices.map((v) => v[1] as number)
    const middle = [(Math.min(...lons) + Math.max(...lons)) / 2, (Math.min(...lats) + Math.max(...lats)) / 2]
    const through = vertices.reduce((best, v) =>
      Math.hypot((v[0] as number) - (middle[0] as number), (v[1] as number) - (middle[1] as number)) <
      Math.hypot((best[0] as number) - (middle[0] as number), (best[1] as number) - (middle[1] as number))
        ? v
        : best,
    )
    const [mx, my] = await pixelOf(page, through[0] as number, through[1] as number)
    const points: [number, number][] = [
      [mx - 160, my - 70],
      [mx, my],
      [mx + 160, my + 50],
    ]
    for (const [x, y] of points) await page.mouse.click(x, y)
    // The preview follows while drawing: the route's length, and this gap first among what it covers.
    const gains = page.locator('[data-testid="route-gains"]')
    await gains.waitFor()
    const row = gains.locator(`li[data-place-id="${placeId}"]`)
    await row.waitFor()
    expect(await gains.textContent()).toMatch(/Route [\d.]+ km · about \d+ min at 15 km\/h/)
    expect(await gains.textContent()).toMatch(/Passes \d+ places? within 200 m, [1-9]\d* of them gaps/)
    expect(await row.getAttribute('data-gap')).toBe('true')
    expect(await gains.locator('li').first().getAttribute('data-gap')).toBe('true')
    expect(await row.textContent()).toMatch(/route (covers \d+(\.\d)? ?%|visits it)/)
    // Enter finishes the route; the drawn line is orange on the map.
    await page.keyboard.press('Enter')
    await page.waitForFunction(() => !document.querySelector('[data-testid="draw-hint"]'), undefined, {
      timeout: 10_000,
    })
    await waitForColour(page, routeOrange, orangeBefore + 80, 'the drawn route')
    await page.screenshot({ path: path.join(resultsDir, 'plan-drawn.png') })

    // Save: the server times it, stops at the gaps it passes and says exactly what it adds.
    await page.locator('[data-testid="plan-submit"]').click()
    const summary = page.locator('[data-testid="plan-summary"]')
    await summary.waitFor({ timeout: 60_000 })
    const text = (await summary.textContent()) ?? ''
    expect(text).toMatch(/Drawn route, saved as plan #\d+/)
    expect(text).toMatch(/Would add coverage to [1-9]\d* places?/)
    const planId = /plan #(\d+)/.exec(text)?.[1]
    const saved = await (
      await fetch(`${baseUrl}/api/plans/${planId}`, { headers: { cookie: await sessionCookie(baseUrl) } })
    ).json()
    expect(saved).toMatchObject({ source: 'drawn', chief_id: chiefId })
    expect(saved.stops.map((stop: { place_id: string }) => stop.place_id)).toContain(placeId)
    expect(pageErrors).toEqual([])
    expect(externalRequests).toEqual([])
  })

  it('hotspots mode: hexagons and legend, a cell with its sparkline; the time slider plays', async () => {
    const page = await openMap()
    const mapMode = await mapShot(page)

    await page.locator('.mode-switch [data-mode="hotspots"]').click()
    expect(await hashOf(page)).toContain('mode=hotspots')
    await page.waitForSelector('[data-testid="hotspot-summary"]', { timeout: 120_000 })
    await waitForMap(page)
    const legend = page.locator('[data-testid="hotspot-legend"]')
    expect(await legend.textContent()).toContain('Getis-Ord Gi*')
    expect(await legend.locator('[data-class="hot99"]').textContent()).toContain('99')

    // Hexagon cells: dark red hot spots where there were none in the map mode.
    const hot = await waitForColour(page, hot99, 60, 'hot-spot hexagons', 1)
    expect(await pixelDifference(page, mapMode.png, hot.shot.png)).toBeGreaterThan(0.02)

    // Zoom in on a hot spot (cells are 4 px wide at zoom 9) through the URL, as a shared link would,
    // then click well inside a hot cell: its incidents by category, its trend class and a sparkline.
    const [hx, hy] = hot.first ?? [0, 0]
    await zoomTo(page, hot.shot.x + hx, hot.shot.y + hy, 12)
    const inside = await waitForColour(page, hot99, 60, 'hot cells after zooming in', 4)
    const [x, y] = inside.first ?? [0, 0]
    await page.mouse.click(inside.shot.x + x, inside.shot.y + y)
    const cell = page.locator('[data-testid="hotspot-cell"]')
    await cell.waitFor({ timeout: 30_000 })
    expect(await hashOf(page)).toMatch(/cell=-?\d+,-?\d+/)
    await page.waitForSelector('[data-testid="cell-categories"] li', { timeout: 60_000 })
    expect(await page.locator('[data-testid="cell-categories"] li .bar-value').count()).toBeGreaterThan(0)
    await page.waitForSelector('[data-testid="sparkline"]', { timeout: 90_000 })
    expect(await page.locator('[data-testid="sparkline"] circle').count()).toBe(12)
    expect(await page.locator('.cell-trend').getAttribute('data-trend-class')).toBeTruthy()

    // Switch the colouring to counts: the legend follows.
    await page.locator('[data-metric="count"]').click()
    expect(await legend.textContent()).toContain('Incidents per cell')
    await page.locator('[data-metric="gi"]').click()

    await page.waitForTimeout(2000)
    await page.screenshot({ path: path.join(resultsDir, 'hotspots.png') })

    // Play: the window moves (the label changes); pause keeps the new end in the URL.
    const label = page.locator('[data-testid="time-window-label"]')
    // Start a month back, so that playback has time to run before the end of the records.
    await page.locator('[data-days="7"]').click()
    const range = page.locator('[data-testid="time-range"]')
    const max = Number(await range.getAttribute('max'))
    await range.evaluate(
      (input, value) => {
        const slider = input as HTMLInputElement
        slider.value = String(value)
        slider.dispatchEvent(new Event('input', { bubbles: true }))
      },
      max - 30 * 86_400_000,
    )
    const start = await label.textContent()
    await page.locator('[data-testid="time-play"]').click()
    await page.waitForFunction(
      (initial) => document.querySelector('[data-testid="time-window-label"]')?.textContent !== initial,
      start,
      { timeout: 30_000 },
    )
    expect(await page.locator('[data-testid="time-slider"]').getAttribute('data-playing')).toBe('true')
    await page.locator('[data-testid="time-play"]').click()
    expect(await label.textContent()).not.toBe(start)
    await page.waitForFunction(() => /[#&]t=\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z/.test(location.hash), undefined, {
      timeout: 10_000,
    })
    expect(await hashOf(page)).toContain('win=7')

    expect(pageErrors).toEqual([])
    expect(externalRequests).toEqual([])
  })
})
