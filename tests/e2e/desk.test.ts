/**
 * The supervisor's desk in a real browser (Debian's Chromium through playwright-core, as in
 * map.test.ts): the figures beside the map with the districts washed in their coverage, a figure
 * that opens the map filtered to it, the map image with legend and scale bar, and the printable
 * brief, whose screenshots are saved to test-results/.
 */
import { readFileSync } from 'node:fs'
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
import { signInContext } from '../helpers/browser-session.ts'

/** The coverage ramp's red and yellow half, washed over the districts (alpha 110/255 on the light map). */
const washed: ColourRange = { r: [200, 255], g: [120, 225], b: [90, 190] }

requireChromium("the supervisor's desk in the browser")

describe.skipIf(!haveChromium)("the supervisor's desk in the browser", { timeout: 600_000 }, () => {
  let suite: BrowserSuite | undefined
  let browser: Browser
  let context: BrowserContext
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    suite = await startBrowserSuite()
    browser = suite.browser
    context = await browser.newContext({ viewport, locale: 'en-US', acceptDownloads: true })
    await signInContext(context, suite.baseUrl, 'supervisor')
    page = await context.newPage()
    page.setDefaultTimeout(120_000)
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await page.goto(`${suite.baseUrl}/#mode=desk`)
  })

  afterAll(async () => {
    await context?.close()
    await suite?.close()
  })

  it('shows the figures beside the map, the districts washed in their coverage', async () => {
    await page.getByTestId('desk-figures').waitFor({ timeout: 180_000 })
    await page.waitForSelector('.app[data-map-state="ready"]', { timeout: 150_000 })
    const keys = await page.getByTestId('desk-keys').textContent()
    expect(keys).toMatch(/Coverage/)
    expect(keys).toMatch(/\d+ %/)
    expect(keys).toMatch(/vs before/)
    expect(await page.locator('[data-testid="desk-districts"] tbody tr').count()).toBeGreaterThanOrEqual(5)
    expect(await page.getByTestId('desk-districts').textContent()).toMatch(/Anji/)
    expect(await page.locator('[data-testid="desk-kinds"] tbody tr').count()).toBeGreaterThan(3)
    // The category chart drew bars (Chart.js on its canvas): more than its background.
    const chart = await page.getByTestId('category-chart').screenshot()
    const blue = await colourPixels(page, chart.toString('base64'), {
      r: [20, 40],
      g: [68, 88],
      b: [206, 226],
    })
    expect(blue.count, 'bars of the current window').toBeGreaterThan(200)
    // The districts wash: coverage colours over a good part of the map right of the panel.
    const box = await page.locator('.map-canvas').boundingBox()
    if (!box) throw new Error('no map canvas')
    const map = await page.screenshot({
      clip: { x: box.x + 500, y: box.y + 20, width: box.width - 560, height: box.height - 200 },
    })
    const wash = await colourPixels(page, map.toString('base64'), washed)
    expect(wash.count, 'district wash pixels').toBeGreaterThan(5000)
    await page.screenshot({ path: path.join(resultsDir, 'desk.png') })
    expect(pageErrors).toEqual([])
  })

  it('saves the map as a PNG with its legend and scale bar', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('desk-image').click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^shanshui-map-\d{4}-\d{2}-\d{2}\.png$/)
    const file = path.join(resultsDir, 'desk-map-image.png')
    await download.saveAs(file)
    const png = readFileSync(file)
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect(png.length).toBeGreaterThan(20_000)
  })

  it('renders the printable brief: map, key figures, gaps with chiefs, handling times', async () => {
    await page.getByTestId('desk-brief').click()
    const brief = page.locator('[data-testid="brief"][data-ready="true"]')
    await brief.waitFor()
    expect(await brief.textContent()).toMatch(/Eco-policing weekly brief/)
    expect(await brief.textContent()).toMatch(/Produced by Supervisor/)
    expect(await page.locator('[data-testid="brief-gaps"] tbody tr').count()).toBeGreaterThan(0)
    expect(await page.getByTestId('brief-gaps').textContent()).toMatch(/overdue|covered/)
    expect(await page.locator('[data-testid="brief-handling"] tbody tr').count()).toBeGreaterThan(0)
    const image = page.locator('img.brief-map')
    expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(500)
    await brief.screenshot({ path: path.join(resultsDir, 'brief.png') })
    // Printed, only the brief is on the page.
    await page.emulateMedia({ media: 'print' })
    expect(await page.locator('#root').evaluate((root) => getComputedStyle(root).display)).toBe('none')
    await page.screenshot({ path: path.join(resultsDir, 'brief-print.png'), fullPage: true })
    await page.emulateMedia({ media: 'screen' })
    await page.keyboard.press('Escape')
    await brief.waitFor({ state: 'detached' })
    expect(pageErrors).toEqual([])
  })

  it("opens the map filtered to a district's incidents from its figure", async () => {
    const row = page.locator('[data-testid="desk-districts"] tbody tr').first()
    await row.locator('td').nth(3).locator('button').click()
    await page.waitForFunction(() => document.querySelector('.app')?.getAttribute('data-mode') === 'map')
    const hash = await page.evaluate(() => location.hash)
    expect(hash).toMatch(/inc-from=\d{4}-\d{2}-\d{2}&inc-to=\d{4}-\d{2}-\d{2}/)
    expect(hash).toMatch(/map=\d/)
    expect(pageErrors).toEqual([])
  })
})
