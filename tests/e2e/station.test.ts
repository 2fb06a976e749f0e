/**
 * The cross-border station view in a real browser (Debian's Chromium through playwright-core, as in
 * map.test.ts): the user of the Qiaoxi joint station on the Zhejiang–Jiangsu line signs in on the
 * sign-in page, lands on the station's view, sees the band and both sides' incidents in their colours
 * and the station's figures, and sees nothing of a station elsewhere (outside its scope).
 * Set SHANSHUI_E2E_URL to run against a server you started yourself.
 */
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
import { testWorld } from '../helpers/test-world.ts'

/** The incident dots of each side (client/map/station-layers.ts), opaque, as the screenshot shows them. */
const zhejiangBlue: ColourRange = { r: [10, 50], g: [60, 100], b: [190, 240] }
const jiangsuAmber: ColourRange = { r: [195, 240], g: [100, 140], b: [0, 40] }

requireChromium('the station view in the browser')

describe.skipIf(!haveChromium)('the station view in the browser', { timeout: 600_000 }, () => {
  let suite: BrowserSuite | undefined
  let baseUrl: string
  let browser: Browser
  let context: BrowserContext
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    suite = await startBrowserSuite()
    baseUrl = suite.baseUrl
    browser = suite.browser
    context = await browser.newContext({ viewport, locale: 'en-US' })
    page = await context.newPage()
    page.setDefaultTimeout(120_000)
    page.on('pageerror', (error) => pageErrors.push(error.message))
  })

  afterAll(async () => {
    await context?.close()
    await suite?.close()
  })

  async function waitForMap(): Promise<void> {
    await page.waitForSelector('.app[data-map-state="ready"]', { timeout: 150_000 })
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
    )
  }

  /** The map right of the side panel and above the time slider, as a PNG (base64). */
  async function mapShot(): Promise<string> {
    const box = await page.locator('.map-canvas').boundingBox()
    if (!box) throw new Error('no .map-canvas on the page')
    const clip = { x: box.x + 400, y: box.y + 10, width: box.width - 460, height: box.height - 190 }
    return (await page.screenshot({ clip })).toString('base64')
  }

  it('signs in as the Qiaoxi station and lands on its cross-border view', async () => {
    await page.goto(`${baseUrl}/`)
    await page.getByTestId('sign-in').waitFor()
    await page.locator('input[name="username"]').fill('station-qiaoxi')
    await page.locator('input[name="password"]').fill(testWorld.password)
    await page.getByTestId('sign-in-submit').click()

    const figures = page.locator('[data-testid="station-figures"][data-station="station-qiaoxi"]')
    await figures.waitFor()
    await waitForMap()
    expect(await page.locator('.app').getAttribute('data-mode')).toBe('station')
    expect(await page.evaluate(() => location.hash)).toMatch(/mode=station&station=station-qiaoxi/)
    await expect.poll(() => figures.textContent()).toMatch(/Qiaoxi/)
    expect(await figures.textContent()).toMatch(/Cross-border/)
    expect(await page.getByTestId('station-band').textContent()).toMatch(
      /5 km either side of the province line/,
    )

    // Both sides of the line, with incidents on each.
    const count = async (province: number) =>
      Number(
        (
          await page
            .locator(`[data-testid="station-sides"] tr[data-province="${province}"] td`)
            .nth(1)
            .textContent()
        )?.replace(/\D/g, '') ?? 0,
      )
    expect(await count(330000)).toBeGreaterThan(0)
    expect(await count(320000)).toBeGreaterThan(0)
    expect(await page.getByTestId('station-sides').textContent()).toMatch(
      /Zhejiang.*Jiangsu|Jiangsu.*Zhejiang/s,
    )
    expect(await page.getByTestId('station-handling').textContent()).toMatch(/Resolved within 30 min/)
    expect(await page.locator('[data-testid="station-places"] li').count()).toBeGreaterThan(0)
    // A supervisor's buttons are not a station's concern; an admin's editor is not either.
    expect(await page.getByTestId('station-editor').count()).toBe(0)

    // On the map: Zhejiang's incidents in blue, Jiangsu's in amber.
    const shot = await mapShot()
    expect((await colourPixels(page, shot, zhejiangBlue)).count, 'Zhejiang incident pixels').toBeGreaterThan(
      40,
    )
    expect((await colourPixels(page, shot, jiangsuAmber)).count, 'Jiangsu incident pixels').toBeGreaterThan(
      20,
    )
    await page.screenshot({ path: path.join(resultsDir, 'station-qiaoxi.png') })
    expect(pageErrors).toEqual([])
  })

  it("shows nothing of a station outside the user's scope", async () => {
    await page.getByTestId('station-select').selectOption('station-fushi')
    const figures = page.locator('[data-testid="station-figures"][data-station="station-fushi"]')
    await figures.waitFor()
    expect(await figures.textContent()).toMatch(/No incidents or patrols in this window/)
    expect(await page.getByTestId('station-band').textContent()).toMatch(/Not on a province line/)
    expect(await page.evaluate(() => location.hash)).toMatch(/station=station-fushi/)
    expect(pageErrors).toEqual([])
  })
})
