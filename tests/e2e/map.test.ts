/**
 * The map in a real browser: Debian's Chromium (/usr/bin/chromium, never a downloaded one) driven by
 * playwright-core against a real server over the test world, the client built into dist/client.
 * Set SHANSHUI_E2E_URL to run against a server you started yourself (e.g. `npm run dev`).
 */
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserSuite,
  haveChromium,
  requireChromium,
  resultsDir,
  startBrowserSuite,
  viewport,
} from '../helpers/browser.ts'
import { signInContext } from '../helpers/browser-session.ts'
import { testWorld } from '../helpers/test-world.ts'

requireChromium('map in the browser')

interface PixelStats {
  /** Distinct colours among the sampled pixels. */
  distinct: number
  /** Share of the most common colour. */
  dominant: number
}

// Software WebGL (SwiftShader) on a small machine compiles every shader on the CPU: a page load can
// take half a minute, so each test gets minutes rather than the project's default.
describe.skipIf(!haveChromium)('map in the browser', { timeout: 300_000 }, () => {
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

  /**
   * A fresh browser context (own storage) in `locale` signed in as `as` (the coordinator), on the
   * page, waiting until the map is drawn; with `as` null, on the sign-in page.
   */
  async function openMap(hash = '', locale = 'en-US', as: string | null = 'coordinator'): Promise<Page> {
    context = await browser.newContext({ viewport, locale })
    if (as) await signInContext(context, baseUrl, as)
    const page = await context.newPage()
    // Software WebGL on two busy cores: a click can wait on a frame for many seconds.
    page.setDefaultTimeout(120_000)
    pageErrors = []
    externalRequests = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    // No tiles, fonts or scripts from the internet: every request stays on our own server.
    page.on('request', (request) => {
      const url = request.url()
      if (!url.startsWith(baseUrl) && !/^(data|blob):/.test(url)) externalRequests.push(url)
    })
    await page.goto(`${baseUrl}/${hash}`)
    if (as) await waitForMap(page)
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
        {
          cause: error,
        },
      )
    }
    // Two more frames so the compositor has the last MapLibre frame.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
    )
  }

  /** A PNG of the map only (the canvas area right of the layer panel, below the header). */
  async function mapShot(page: Page): Promise<string> {
    const box = await page.locator('.map-canvas').boundingBox()
    if (!box) throw new Error('no .map-canvas on the page')
    const left = 300
    const png = await page.screenshot({
      clip: { x: box.x + left, y: box.y, width: box.width - left - 60, height: box.height - 40 },
    })
    return png.toString('base64')
  }

  /** Decodes PNGs inside the page (a 2D canvas) and measures them. */
  async function pixelStats(page: Page, png: string): Promise<PixelStats> {
    return page.evaluate(async (b64) => {
      const image = new Image()
      image.src = `data:image/png;base64,${b64}`
      await image.decode()
      const canvas = document.createElement('canvas')
      canvas.width = image.width
      canvas.height = image.height
      const context2d = canvas.getContext('2d')
      if (!context2d) throw new Error('no 2D canvas')
      context2d.drawImage(image, 0, 0)
      const { data } = context2d.getImageData(0, 0, image.width, image.height)
      const counts = new Map<number, number>()
      for (let i = 0; i < data.length; i += 4) {
        const key = ((data[i] ?? 0) << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0)
        counts.set(key, (counts.get(key) ?? 0) + 1)
      }
      const total = data.length / 4
      return { distinct: counts.size, dominant: Math.max(...counts.values()) / total }
    }, png)
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

  const hashOf = (page: Page) => page.evaluate(() => location.hash)

  /** zoom, lat, lon from '#map=z/lat/lon&layers=…'. */
  function viewInHash(hash: string): { zoom: number; lat: number; lon: number } {
    const match = /map=([\d.]+)\/([\d.-]+)\/([\d.-]+)/.exec(hash)
    if (!match) throw new Error(`no view in the URL hash "${hash}"`)
    return { zoom: Number(match[1]), lat: Number(match[2]), lon: Number(match[3]) }
  }

  it('asks to sign in: a wrong password is refused; a supervisor gets the map read-only, then signs out', async () => {
    const page = await openMap('', 'en-US', null)
    await page.waitForSelector('[data-testid="sign-in"]')
    await page.fill('input[name="username"]', 'supervisor')
    await page.fill('input[name="password"]', 'not-the-password')
    await page.click('[data-testid="sign-in-submit"]')
    await page.waitForSelector('[data-testid="sign-in-error"]')
    expect(await page.locator('[data-testid="sign-in-error"]').textContent()).toBe(
      'Wrong username or password.',
    )
    await page.fill('input[name="password"]', testWorld.password)
    await page.click('[data-testid="sign-in-submit"]')
    await waitForMap(page)
    expect(await page.locator('[data-testid="user-chip"]').getAttribute('data-role')).toBe('supervisor')
    expect(await page.locator('[data-testid="user-chip"]').textContent()).toContain('Supervisor')
    // A supervisor changes nothing operational: no report button.
    expect(await page.locator('[data-testid="report-button"]').count()).toBe(0)
    // The session cookie is HttpOnly: the page's scripts cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain('shanshui_session')
    await page.click('[data-testid="sign-out"]')
    await page.waitForSelector('[data-testid="sign-in"]')
    expect(pageErrors).toEqual([])
    expect(externalRequests).toEqual([])
  })

  it('draws the map: base map, layers and labels, with the backend in the status line', async () => {
    const page = await openMap()

    const stats = await pixelStats(page, await mapShot(page))
    // A blank or one-colour canvas has a handful of colours; the drawn map has hundreds.
    expect(stats.distinct).toBeGreaterThan(150)
    expect(stats.dominant).toBeLessThan(0.85)

    // The layer panel lists the layers with their counts.
    const count = async (id: string) =>
      Number(
        ((await page.locator(`[data-layer="${id}"] .layer-count`).textContent()) ?? '').replace(/\D/g, ''),
      )
    expect(await count('boundaries')).toBeGreaterThan(0)
    expect(await count('stations')).toBeGreaterThan(0)
    // Chiefs are off by default (there are about 2,185 of them).
    await expect(page.locator('[data-layer-toggle="chiefs"]').isChecked()).resolves.toBe(false)

    // The status line names the backend that answered /api/health.
    await page.waitForSelector('[data-testid="backend"] [data-db]')
    const db = await page.locator('[data-testid="backend"] [data-db]').getAttribute('data-db')
    expect(['embedded', 'postgres']).toContain(db)

    expect(pageErrors).toEqual([])
    expect(externalRequests).toEqual([])
    await page.screenshot({ path: path.join(resultsDir, 'map.png') })
  })

  it('toggles a layer in the layer panel and the map changes', async () => {
    const page = await openMap()
    const before = await mapShot(page)

    await page.locator('[data-layer-toggle="forests"]').uncheck()
    await page.waitForFunction(
      () => !document.querySelector('.app')?.getAttribute('data-visible-layers')?.includes('forests'),
    )
    await waitForMap(page)
    const without = await mapShot(page)
    expect(await pixelDifference(page, before, without)).toBeGreaterThan(0.005)
    expect(await hashOf(page)).not.toContain('forests')

    await page.locator('[data-layer-toggle="forests"]').check()
    await waitForMap(page)
    const again = await mapShot(page)
    // Back on: (nearly) the picture we started with.
    expect(await pixelDifference(page, before, again)).toBeLessThan(0.002)
    expect(await hashOf(page)).toContain('forests')
    expect(pageErrors).toEqual([])
  })

  it('switches the language from the header and remembers it', async () => {
    const page = await openMap('', 'en-US')
    const subtitle = page.locator('[data-testid="subtitle"]')
    expect(await subtitle.textContent()).toBe('Eco-policing situational map · Huzhou')
    expect(await page.locator('[data-layer="forests"] .layer-name').textContent()).toBe('Forest zones')
    const before = await mapShot(page)

    await page.locator('.language-switch [data-locale="zh-CN"]').click()
    expect(await subtitle.textContent()).toBe('湖州生态警务态势一张图')
    expect(await page.locator('[data-layer="forests"] .layer-name').textContent()).toBe('林区')
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN')
    await waitForMap(page)
    // The map's labels are redrawn in Chinese.
    expect(await pixelDifference(page, before, await mapShot(page))).toBeGreaterThan(0)

    // Remembered across a reload, whatever the browser's language.
    await page.reload()
    await waitForMap(page)
    expect(await page.locator('[data-testid="subtitle"]').textContent()).toBe('湖州生态警务态势一张图')
    expect(pageErrors).toEqual([])
  })

  it('keeps the view in the URL after a pan, so a reload shows the same map', async () => {
    const page = await openMap()
    const startHash = await hashOf(page)
    const start = viewInHash(startHash)

    const box = await page.locator('.map-canvas').boundingBox()
    if (!box) throw new Error('no .map-canvas on the page')
    const x = box.x + box.width * 0.6
    const y = box.y + box.height * 0.5
    await page.mouse.move(x, y)
    await page.mouse.down()
    for (let step = 1; step <= 10; step++) await page.mouse.move(x - 24 * step, y + 12 * step)
    await page.mouse.up()
    await page.waitForFunction(
      (initial) =>
        location.hash !== initial &&
        document.querySelector('.app')?.getAttribute('data-map-state') === 'ready',
      startHash,
      { timeout: 60_000 },
    )
    const panned = viewInHash(await hashOf(page))
    expect(panned.lon).toBeGreaterThan(start.lon)
    expect(panned.lat).toBeGreaterThan(start.lat)
    expect(panned.zoom).toBeCloseTo(start.zoom, 2)

    await page.reload()
    await waitForMap(page)
    const reloaded = viewInHash(await hashOf(page))
    expect(reloaded.lon).toBeCloseTo(panned.lon, 3)
    expect(reloaded.lat).toBeCloseTo(panned.lat, 3)
    expect(reloaded.zoom).toBeCloseTo(panned.zoom, 2)

    // A shared link opens at its view with its layers.
    await page.goto(`${baseUrl}/#map=11.00/30.6000/119.6000&layers=boundaries,stations`)
    await page.waitForFunction(
      () => document.querySelector('.app')?.getAttribute('data-visible-layers') === 'boundaries,stations',
    )
    await page.reload()
    await waitForMap(page)
    expect(viewInHash(await hashOf(page))).toEqual({ zoom: 11, lat: 30.6, lon: 119.6 })
    expect(await hashOf(page)).toContain('layers=boundaries,stations')
    expect(await page.locator('.app').getAttribute('data-visible-layers')).toBe('boundaries,stations')
    expect(await page.locator('[data-layer-toggle="forests"]').isChecked()).toBe(false)
    expect(await page.locator('[data-layer-toggle="stations"]').isChecked()).toBe(true)
    expect(pageErrors).toEqual([])
  })
})
