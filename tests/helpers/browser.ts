import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { startTestServer } from './server.ts'

/**
 * What the browser tests share: Debian's Chromium (never a downloaded one) and how it is started,
 * where screenshots go, and reading colours out of screenshots.
 */

export const chromiumPath = '/usr/bin/chromium'
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
export const haveChromium = existsSync(chromiumPath)
export const resultsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-results')
export const viewport = { width: 1280, height: 800 }

/** A browser and the server it tests: a test server over a fresh test world, or SHANSHUI_E2E_URL. */
export interface BrowserSuite {
  baseUrl: string
  browser: Browser
  close(): Promise<void>
}

export async function startBrowserSuite(): Promise<BrowserSuite> {
  const external = process.env.SHANSHUI_E2E_URL?.replace(/\/$/, '')
  const server = external ? undefined : await startTestServer()
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
  mkdirSync(resultsDir, { recursive: true })
  return {
    baseUrl: external ?? (server as { url: string }).url,
    browser,
    async close() {
      await browser.close()
      await server?.close()
    },
  }
}

/** Without Chromium: a failing test in CI (CI=true), a warning elsewhere. Call at the top of a file. */
export function requireChromium(suite: string): void {
  if (!haveChromium && process.env.CI === 'true') {
    describe(suite, () => {
      it('needs Chromium at /usr/bin/chromium', () => {
        expect.fail(`CI=true and there is no ${chromiumPath}: install Debian's chromium package`)
      })
    })
  } else if (!haveChromium) {
    console.warn(`[e2e] skipping the browser tests: no ${chromiumPath} (apt-get install chromium)`)
  }
}

/** An RGB range of a colour a layer draws (after blending on the light map). */
export interface ColourRange {
  r: [number, number]
  g: [number, number]
  b: [number, number]
}

/**
 * How many pixels of a PNG (base64) fall in a colour range, and where the first one is whose
 * neighbours `margin` pixels away are in the range too (a point well inside a shape, to click).
 * Decoded inside the page (a 2D canvas).
 */
export async function colourPixels(
  page: Page,
  png: string,
  range: ColourRange,
  margin = 0,
): Promise<{ count: number; first: [number, number] | null }> {
  return page.evaluate(
    async ([b64, want, m]) => {
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
      const within = (value: number, [low, high]: [number, number]) => value >= low && value <= high
      const inRange = (x: number, y: number) => {
        if (x < 0 || y < 0 || x >= image.width || y >= image.height) return false
        const i = (y * image.width + x) * 4
        return (
          within(data[i] ?? 0, want.r) && within(data[i + 1] ?? 0, want.g) && within(data[i + 2] ?? 0, want.b)
        )
      }
      let count = 0
      let first: [number, number] | null = null
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          if (!inRange(x, y)) continue
          count++
          if (
            !first &&
            inRange(x - m, y) &&
            inRange(x + m, y) &&
            inRange(x, y - m) &&
            inRange(x, y + m) &&
            inRange(x - m, y - m) &&
            inRange(x + m, y + m)
          )
            first = [x, y]
        }
      }
      return { count, first }
    },
    [png, range, margin] as const,
  )
}
