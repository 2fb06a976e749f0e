/**
 * The incident import in a real browser (Debian's Chromium through playwright-core): the admin opens
 * "Import incidents" in the header, imports a CSV file and reads what was imported, then tries a file
 * with mistakes and reads its problems with their lines; nothing of that file is stored.
 */
import path from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserSuite,
  haveChromium,
  requireChromium,
  resultsDir,
  startBrowserSuite,
  viewport,
} from '../helpers/browser.ts'
import { testWorld } from '../helpers/test-world.ts'

requireChromium('the incident import in the browser')

const goodCsv = [
  'occurred_at,lon,lat,category,severity,description',
  '2026-10-20T08:30:00Z,119.68,30.63,illegal_fishing,2,e2e import: electric fishing at the weir',
  '2026-10-21T22:10:00Z,119.91,30.87,dumping,3,e2e import: sludge by the canal',
].join('\n')

const badCsv = [
  'occurred_at,lon,lat,category',
  '2026-10-20T08:30:00Z,119.68,30.63,illegal_fishing',
  'yesterday,119.68,30.63,illegal_fishing',
  '2026-10-22T08:30:00Z,219.68,30.63,fishing',
].join('\n')

describe.skipIf(!haveChromium)('the incident import in the browser', { timeout: 600_000 }, () => {
  let suite: BrowserSuite | undefined
  let context: BrowserContext
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    suite = await startBrowserSuite()
    context = await suite.browser.newContext({ viewport, locale: 'en-US' })
    page = await context.newPage()
    page.setDefaultTimeout(120_000)
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await page.goto(`${suite.baseUrl}/`)
    await page.getByTestId('sign-in').waitFor()
    await page.locator('input[name="username"]').fill('admin')
    await page.locator('input[name="password"]').fill(testWorld.password)
    await page.getByTestId('sign-in-submit').click()
  })

  afterAll(async () => {
    await context?.close()
    await suite?.close()
  })

  const chooseFile = (name: string, text: string) =>
    page.getByTestId('import-file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) })

  // The ids the good file got: nothing after them may be stored by the refused one.
  let lastId = 0

  it('imports a CSV file and says what it stored', async () => {
    await page.getByTestId('import-button').click()
    await chooseFile('incidents.csv', goodCsv)
    await page.getByTestId('import-submit').click()
    const result = page.getByTestId('import-result')
    await result.waitFor()
    const text = (await result.textContent()) ?? ''
    expect(text).toMatch(/^2 incidents imported \(ids \d+–\d+\)\.$/)
    const [firstId, last] = (/ids (\d+)–(\d+)/.exec(text) ?? []).slice(1).map(Number)
    lastId = last ?? 0
    const stored = await page.evaluate(async (id) => (await fetch(`/api/incidents/${id}`)).json(), firstId)
    expect(stored.description).toBe('e2e import: electric fishing at the weir')
    expect(stored.category).toBe('illegal_fishing')
    await page.screenshot({ path: path.join(resultsDir, 'import-done.png') })
  })

  it('refuses a file with mistakes, lists them by line and stores none of it', async () => {
    await chooseFile('mistakes.csv', badCsv)
    await page.getByTestId('import-submit').click()
    const refused = page.getByTestId('import-refused')
    await refused.waitFor()
    const text = (await refused.textContent()) ?? ''
    expect(text).toMatch(/Nothing was imported/)
    expect(text).toMatch(/line 3/)
    expect(text).toMatch(/line 4/)
    expect(text).not.toMatch(/line 2\b/)
    expect(lastId).toBeGreaterThan(0)
    const next = await page.evaluate(async (id) => (await fetch(`/api/incidents/${id}`)).status, lastId + 1)
    expect(next).toBe(404)
    await page.screenshot({ path: path.join(resultsDir, 'import-refused.png') })

    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('.import-dialog').count()).toBe(0)
    expect(pageErrors).toEqual([])
  })
})
