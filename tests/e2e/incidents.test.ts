/**
 * Incidents and one-key dispatch in a real browser (Debian's Chromium through playwright-core, as in
 * map.test.ts): the Fushi Reservoir bird trap told across two screens. A coordinator (page A, English)
 * reports it by clicking the map; a second screen (page B, Chinese, already open) sees it arrive through
 * the live feed without a reload; A opens it, finds the reservoir's chief first among the responsible
 * units, dispatches with one key and walks it to resolved while B follows every step.
 * Set SHANSHUI_E2E_URL to run against a server you started yourself (e.g. `npm run dev`).
 */
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserSuite,
  haveChromium,
  requireChromium,
  resultsDir,
  startBrowserSuite,
  viewport,
} from '../helpers/browser.ts'
import { sessionCookie, signInContext } from '../helpers/browser-session.ts'

/** On the shore of Fushi Reservoir (赋石水库, Anji), inside its drinking-water source area. */
const fushi = { lon: 119.5608, lat: 30.5566 }

requireChromium('incidents in the browser')

// Software WebGL on a small machine: a page load can take half a minute; two pages and a reload here.
describe.skipIf(!haveChromium)('incidents and one-key dispatch in the browser', { timeout: 600_000 }, () => {
  let suite: BrowserSuite | undefined
  let baseUrl: string
  let browser: Browser
  const contexts: BrowserContext[] = []
  const pageErrors: string[] = []
  const externalRequests: string[] = []

  beforeAll(async () => {
    suite = await startBrowserSuite()
    baseUrl = suite.baseUrl
    browser = suite.browser
  })

  afterAll(async () => {
    for (const context of contexts) await context.close()
    await suite?.close()
  })

  /** A page of its own browser context (own storage, own EventSource) in `locale`, map drawn, feed live. */
  async function openScreen(name: string, hash: string, locale: string): Promise<Page> {
    const context = await browser.newContext({ viewport, locale })
    await signInContext(context, baseUrl)
    contexts.push(context)
    const page = await context.newPage()
    // A click on the map costs a deck.gl picking pass (readPixels), seconds in software WebGL.
    page.setDefaultTimeout(120_000)
    page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.message}`))
    page.on('request', (request) => {
      const url = request.url()
      if (!url.startsWith(baseUrl) && !/^(data|blob):/.test(url)) externalRequests.push(url)
    })
    await page.goto(`${baseUrl}/${hash}`)
    await waitForMap(page)
    await page.waitForSelector('[data-testid="incidents-dock"][data-live="open"]')
    await page.waitForSelector('[data-testid="incidents-dock"]:not([data-loading])')
    return page
  }

  async function waitForMap(page: Page): Promise<void> {
    try {
      await page.waitForSelector('.app[data-map-state="ready"]', { timeout: 150_000 })
    } catch (error) {
      const state = await page.evaluate(() => ({
        state: document.querySelector('.app')?.getAttribute('data-map-state'),
        notices: [...document.querySelectorAll('.notice')].map((n) => n.textContent),
      }))
      throw new Error(
        `the map did not get ready: ${JSON.stringify(state)}; page errors: ${pageErrors.join(' | ')}`,
        {
          cause: error,
        },
      )
    }
    await frames(page)
  }

  /** A few animation frames, so the compositor has the last deck.gl frame. */
  const frames = (page: Page) =>
    page.evaluate(
      () =>
        new Promise<void>((resolve) =>
          requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
        ),
    )

  /** Where a position is on the page, from the view in the URL (Web Mercator, 512-pixel tiles). */
  async function screenPoint(page: Page, lon: number, lat: number): Promise<{ x: number; y: number }> {
    const match = /map=([\d.]+)\/([\d.-]+)\/([\d.-]+)/.exec(await page.evaluate(() => location.hash))
    const box = await page.locator('.map-canvas').boundingBox()
    if (!match || !box) throw new Error('no view in the URL or no map on the page')
    const [zoom, centreLat, centreLon] = [Number(match[1]), Number(match[2]), Number(match[3])]
    const world = (x: number, y: number) => {
      const size = 512 * 2 ** zoom
      const sin = Math.sin((y * Math.PI) / 180)
      return [((x + 180) / 360) * size, (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size]
    }
    const [px, py] = world(lon, lat)
    const [cx, cy] = world(centreLon, centreLat)
    return {
      x: box.x + box.width / 2 + ((px ?? 0) - (cx ?? 0)),
      y: box.y + box.height / 2 + ((py ?? 0) - (cy ?? 0)),
    }
  }

  /** The detail panel of incident `id` showing `status`. */
  const panel = (id: number, status: string) =>
    `[data-testid="incident-panel"][data-incident-id="${id}"][data-incident-status="${status}"]`

  it('the Fushi Reservoir bird trap: reported on one screen, seen live on another, dispatched and resolved', async () => {
    const hash = `#map=14.00/${fushi.lat}/${fushi.lon}`
    // Screen B (a station's wall screen, in Chinese) is already open before anything happens.
    const b = await openScreen('B', hash, 'zh-CN')
    const a = await openScreen('A', hash, 'en-US')

    // A: report mode, then a click on the map at Fushi Reservoir (the centre of the view).
    await a.click('[data-testid="report-button"]')
    await a.waitForSelector('[data-testid="report-hint"]')
    const box = await a.locator('.map-canvas').boundingBox()
    if (!box) throw new Error('no .map-canvas on page A')
    await a.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    await a.waitForSelector('[data-testid="report-form"]')
    await a.waitForSelector('[data-testid="report-pin"]')
    const position = (await a.locator('[data-testid="report-position"]').textContent()) ?? ''
    const [lon, lat] = (position.match(/\d+\.\d+/g) ?? []).map(Number)
    expect(lon).toBeCloseTo(fushi.lon, 3)
    expect(lat).toBeCloseTo(fushi.lat, 3)

    await a.locator('[data-testid="report-form"] input[name="category"][value="poaching"]').check()
    await a.locator('[data-testid="report-form"] select[name="source"]').selectOption('app')
    await a
      .locator('[data-testid="report-form"] textarea[name="description"]')
      .fill('bird trap beside the reservoir')

    // A time in the future is refused by the server; the form shows its message and stays open.
    await a.locator('[data-testid="report-form"] input[name="occurred_at"]').fill('2099-01-01T08:00')
    await a.click('[data-testid="report-submit"]')
    await a.waitForSelector('[data-testid="report-error"]')
    expect(await a.locator('[data-testid="report-error"]').textContent()).toMatch(/lies in the future/)

    // B watches its own page: when the feed line, the toast, the glow and each status of the open panel
    // first appear (toast and glow last a few seconds, and polling from here is slow while the
    // software GPU is busy drawing A: the page's own clock measures the live feed's delay).
    await b.evaluate(() => {
      const seen: Record<string, number> = {}
      ;(window as unknown as { seen: typeof seen }).seen = seen
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[data-testid="incident-panel"][data-incident-status]'))
          seen[`status:${el.getAttribute('data-incident-id')}:${el.getAttribute('data-incident-status')}`] ??=
            Date.now()
        for (const el of document.querySelectorAll(
          '[data-feed-item], .incident-toast, [data-highlight-incident]',
        )) {
          const key = el.matches('[data-feed-item]')
            ? `feed:${el.getAttribute('data-incident-id')}:${el.getAttribute('data-event-type')}`
            : el.matches('.incident-toast')
              ? `toast:${el.getAttribute('data-incident-id')}`
              : `glow:${el.getAttribute('data-highlight-incident')}`
          seen[key] ??= Date.now()
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true })
    })

    // Now (Beijing time, to the minute), and the report goes through.
    const now = new Date(Date.now() + 8 * 3600_000 - 60_000).toISOString().slice(0, 16)
    await a.locator('[data-testid="report-form"] input[name="occurred_at"]').fill(now)
    await a.click('[data-testid="report-submit"]')
    // On success the new incident is selected and its panel opens.
    await a
      .waitForSelector('[data-testid="incident-panel"][data-incident-status="reported"]')
      .catch(async (error) => {
        const form = await a.locator('[data-testid="incidents-dock"]').textContent()
        throw new Error(`no panel for the new incident; the dock says: ${form}`, { cause: error })
      })
    const id = Number(await a.locator('[data-testid="incident-panel"]').getAttribute('data-incident-id'))
    expect(id).toBeGreaterThan(0)
    expect(await a.locator('[data-testid="incident-description"]').textContent()).toBe(
      'bird trap beside the reservoir',
    )
    expect(await a.evaluate(() => location.hash)).toContain(`incident=${id}`)
    // The view stays in the URL beside the incident.
    expect(await a.evaluate(() => location.hash)).toMatch(/^#map=14\.00\//)

    // B: the new incident arrives through the live feed, without a reload: in the feed (in Chinese),
    // as a toast, and glowing on the map.
    const created = `[data-feed-item][data-incident-id="${id}"][data-event-type="incident.created"]`
    await b.waitForSelector(created)
    const feedText = (await b.locator(created).textContent()) ?? ''
    expect(feedText).toContain('新警情')
    expect(feedText).toContain('非法狩猎、捕鸟')
    expect(feedText).toContain('赋石水库')
    const seen = await b.evaluate(() => (window as unknown as { seen: Record<string, number> }).seen)
    const reportedAt = Date.parse(
      (
        await (
          await fetch(`${baseUrl}/api/incidents/${id}`, { headers: { cookie: await sessionCookie(baseUrl) } })
        ).json()
      ).reported_at,
    )
    const arrived = seen[`feed:${id}:incident.created`] ?? Number.NaN
    console.info(`[e2e] the new incident reached screen B ${arrived - reportedAt} ms after it was recorded`)
    expect(arrived - reportedAt).toBeLessThan(3000)
    expect(Math.abs((seen[`toast:${id}`] ?? Number.NaN) - arrived)).toBeLessThan(1000)
    expect(Math.abs((seen[`glow:${id}`] ?? Number.NaN) - arrived)).toBeLessThan(1000)

    // B opens it from the feed, to follow it.
    await b.click(created)
    await b.waitForSelector(panel(id, 'reported'))

    // A: who answers for it. The first responsible unit is a chief of Fushi Reservoir (a reservoir's
    // chiefs also answer for its drinking-water source area, where the shore point lies).
    const first = a.locator('[data-candidate-rank="1"]')
    await first.waitFor()
    expect(await first.getAttribute('data-reason-code')).toBe('place_chief')
    expect((await first.getAttribute('data-places'))?.split(',')).toContain('reservoir-fushi')
    expect(await a.locator('.inc-candidate-reason').first().textContent()).toContain('Fushi Reservoir')
    const firstName = (await first.locator('.inc-candidate-name').textContent()) ?? ''
    expect(firstName).not.toBe('')
    // One key goes to that chief: the button says so.
    expect(await a.locator('[data-testid="dispatch-button"]').textContent()).toContain(firstName)
    // Before dispatch only Dispatch and Cancel are offered.
    expect(
      await a.locator('[data-action]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action'))),
    ).toEqual(['cancelled'])
    await a.waitForSelector('[data-testid="responsible"][data-on-map]')
    // "Show on map": the incident and the units listed fit into the free part of the map.
    const before = await a.evaluate(() => location.hash)
    await a.click('[data-testid="fit-responsible"]')
    await a.waitForFunction((hash) => location.hash !== hash, before)
    await waitForMap(a)
    await a.screenshot({ path: path.join(resultsDir, 'incident-detail.png') })

    // A: Dispatch (one key: no body, the server sends the first responsible on-duty chief).
    await a.click('[data-testid="dispatch-button"]')
    await a.waitForSelector(panel(id, 'dispatched'))
    expect(await a.locator('[data-testid="assigned-chief"]').textContent()).toBe(firstName)
    expect(await a.locator('[data-testid="dispatch-button"]').count()).toBe(0)

    // B: the status changes to dispatched, live.
    await b.waitForSelector(panel(id, 'dispatched'))
    await b.waitForSelector(`[data-testid="assigned-chief"]`)

    // A: the chief is on scene (with a note), then it is resolved.
    await a.fill('[data-testid="status-note"]', 'trap confirmed')
    await a.click('[data-action="on_scene"]')
    await a.waitForSelector(panel(id, 'on_scene'))
    await b.waitForSelector(panel(id, 'on_scene'))
    await a.fill('[data-testid="status-note"]', 'net removed, 3 birds released')
    await a.click('[data-action="resolved"]')
    await a.waitForSelector(panel(id, 'resolved'))
    // After resolved the lifecycle allows only closing.
    expect(
      await a.locator('[data-action]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action'))),
    ).toEqual(['closed'])

    // B: resolved, with the whole record: reported → dispatched → on scene → resolved, notes included.
    await b.waitForSelector(panel(id, 'resolved'))
    // Each step showed on B within a second or so of being recorded on the server.
    const record = (await (
      await fetch(`${baseUrl}/api/incidents/${id}`, { headers: { cookie: await sessionCookie(baseUrl) } })
    ).json()) as {
      events: { to_status: string; at: string }[]
    }
    const shown = await b.evaluate(() => (window as unknown as { seen: Record<string, number> }).seen)
    for (const event of record.events.slice(1)) {
      const delay = (shown[`status:${id}:${event.to_status}`] ?? Number.NaN) - Date.parse(event.at)
      console.info(`[e2e] B showed "${event.to_status}" ${delay} ms after it was recorded`)
      expect(delay).toBeLessThan(3000)
    }
    const steps = await b
      .locator('[data-testid="timeline"] li')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-event-to')))
    expect(steps).toEqual(['reported', 'dispatched', 'on_scene', 'resolved'])
    expect(await b.locator('[data-testid="timeline"]').textContent()).toContain(
      'net removed, 3 birds released',
    )

    // B goes back to the overview: its feed lists every step, newest first.
    await b.click('[data-testid="incident-close"]')
    const feedOf = (incident: number) =>
      b
        .locator(`[data-feed-item][data-incident-id="${incident}"]`)
        .evaluateAll((els) =>
          els.map((e) => `${e.getAttribute('data-event-type')}:${e.getAttribute('data-status')}`),
        )
    await b.waitForSelector(`[data-feed-item][data-incident-id="${id}"][data-status="resolved"]`)
    expect(await feedOf(id)).toEqual([
      'incident.updated:resolved',
      'incident.updated:on_scene',
      'incident.dispatched:dispatched',
      'incident.created:reported',
    ])

    // Meanwhile the Eco Guard app reports a campfire on the shore (straight to the API): B, idle now,
    // shows it at once with a toast and a glowing ring.
    const campfire = await fetch(`${baseUrl}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: await sessionCookie(baseUrl) },
      body: JSON.stringify({
        category: 'unsafe_camping',
        source: 'app',
        description: 'campfire and tents on the shore',
        occurred_at: new Date(Date.now() - 120_000).toISOString(),
        location: { type: 'Point', coordinates: [fushi.lon - 0.003, fushi.lat + 0.0015] },
      }),
    })
    expect(campfire.status).toBe(201)
    const second = (await campfire.json()).id as number
    await b.waitForSelector(`[data-feed-item][data-incident-id="${second}"]`)
    await b.screenshot({ path: path.join(resultsDir, 'incident-live.png') })
    const seenLater = await b.evaluate(() => (window as unknown as { seen: Record<string, number> }).seen)
    expect(seenLater[`toast:${second}`]).toBeDefined()
    expect(seenLater[`glow:${second}`]).toBeDefined()

    // B points at the campfire on the map (a hover card), and a click opens it.
    const campfireAt = await screenPoint(b, fushi.lon - 0.003, fushi.lat + 0.0015)
    await b.mouse.move(campfireAt.x, campfireAt.y)
    await b.waitForSelector('.incident-tooltip')
    expect(await b.locator('.incident-tooltip').textContent()).toContain('违规露营')
    await b.mouse.click(campfireAt.x, campfireAt.y)
    await b.waitForSelector(panel(second, 'reported'))
    expect(await b.locator('[data-testid="incident-description"]').textContent()).toBe(
      'campfire and tents on the shore',
    )
    await b.click('[data-testid="incident-close"]')

    // B: the filters live in the URL beside the view; a reload keeps them.
    await b.click('[data-window="24h"]')
    await b.waitForFunction(() => location.hash.includes('inc-window=24h'))
    await b.click('[data-testid="status-open-only"]')
    await b.waitForFunction(() => location.hash.includes('inc-status=reported,dispatched,on_scene'))
    expect(await b.evaluate(() => location.hash)).not.toContain('incident=')
    await b.reload()
    await waitForMap(b)
    // (Other parts of the screen may add their own keys; the view and the incident keys stay.)
    const reloaded = await b.evaluate(() => location.hash)
    expect(reloaded).toMatch(/^#map=14\.00\//)
    expect(reloaded).toContain('&inc-window=24h&inc-status=reported,dispatched,on_scene')
    await b.waitForSelector('[data-window="24h"][aria-pressed="true"]')
    await b.waitForSelector('[data-status-filter="resolved"][aria-pressed="false"]')
    await b.waitForSelector('[data-status-filter="on_scene"][aria-pressed="true"]')

    expect(pageErrors).toEqual([])
    expect(externalRequests).toEqual([])
  })
})
