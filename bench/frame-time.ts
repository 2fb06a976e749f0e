// Frame time of the map with every incident of the bench world loaded (issue 9: 1 M incidents,
// 10 k tracks; no main-thread work over 50 ms on pan/zoom). Starts the app with the built client on
// a free port, opens the map in Debian's Chromium over a window holding every incident, then pans
// and zooms with the mouse while it records requestAnimationFrame intervals and long tasks.
// Printed, and appended to test-results/bench.jsonl in bench/run.ts's shape.
//   npm run bench:frame                               the bench world as it is (embedded)
//   npm run bench:frame -- --incidents 1000000        topped up to that many synthetic incidents first
//   DATABASE_URL=… npm run bench:frame -- --seconds 20
// Chromium here draws WebGL in software (SwiftShader): frame times say more about this machine's
// CPU than about a GPU; long tasks are the figure that carries over.
import { appendFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'
import { buildApp } from '../server/app.ts'
import { clientDist, ensureClientBuilt } from '../server/client-bundle.ts'
import { loadConfig, projectRoot } from '../server/config.ts'
import { chromiumArgs, chromiumPath, viewport } from '../tests/helpers/browser.ts'
import { addSyntheticIncidents, openBenchWorld, world } from './world.ts'

const { values } = parseArgs({
  options: {
    incidents: { type: 'string' },
    seconds: { type: 'string', default: '12' },
    out: { type: 'string', default: path.join(projectRoot, 'test-results', 'bench.jsonl') },
  },
})

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
}
const round = (ms: number) => Math.round(ms * 10) / 10

async function main() {
  await ensureClientBuilt((message) => console.log(message))
  const { db, app: benchApp, cookie } = await openBenchWorld()
  if (values.incidents) {
    const added = await addSyntheticIncidents(db, Number(values.incidents))
    if (added) console.log(`added ${added} synthetic incidents`)
  }
  const [counts] = await db.query<{ incidents: number; patrols: number }>(
    'SELECT (SELECT count(*) FROM incidents)::int AS incidents, (SELECT count(*) FROM patrols)::int AS patrols',
  )
  // The bench world's app has no client; this one serves it, over the same database and sessions.
  await benchApp.close()
  const app = await buildApp({
    db,
    config: { ...loadConfig(), logLevel: 'silent' },
    clientDir: clientDist,
    logger: false,
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`

  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
  try {
    const context = await browser.newContext({ viewport, locale: 'zh-CN' })
    const [name, value] = cookie.split('=') as [string, string]
    await context.addCookies([{ name, value, url: base }])
    const page = await context.newPage()
    // A custom window over the bench world's whole year (China days, both included): every incident.
    const from = new Date(world.end.getTime() - 366 * 86_400_000).toISOString().slice(0, 10)
    const to = world.end.toISOString().slice(0, 10)
    // How long the columns take from request to last byte, apart from what the page then does.
    let payloadMs = Number.NaN
    page.on('requestfinished', (request) => {
      if (request.url().includes('/api/incidents.bin')) payloadMs = request.timing().responseEnd
    })
    const started = performance.now()
    await page.goto(`${base}/#map=11.00/30.8700/120.0900&inc-from=${from}&inc-to=${to}`)
    const dock = page.getByTestId('incidents-dock')
    await dock.waitFor({ timeout: 120_000 })
    await page.waitForFunction(
      `(() => {
        const el = document.querySelector('[data-testid="incidents-dock"]')
        return el && !el.hasAttribute('data-loading') && Number(el.getAttribute('data-incident-count')) > 0
      })()`,
      undefined,
      { timeout: 900_000, polling: 500 },
    )
    const loadMs = performance.now() - started
    const shown = Number(await dock.getAttribute('data-incident-count'))
    console.log(
      `map loaded with ${shown} incidents in ${(loadMs / 1000).toFixed(1)} s (the columns: ${(payloadMs / 1000).toFixed(1)} s)`,
    )
    await page.waitForTimeout(3000)

    // Scripts as text: tsx would wrap functions passed to evaluate in helpers the page lacks.
    await page.evaluate(`(() => {
      window.frames_ = []
      window.tasks_ = []
      window.stop_ = false
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.tasks_.push(entry.duration)
      }).observe({ type: 'longtask' })
      let last = performance.now()
      const tick = (now) => {
        window.frames_.push(now - last)
        last = now
        if (!window.stop_) requestAnimationFrame(tick)
      }
      requestAnimationFrame(tick)
    })()`)

    // Pan with drags, zoom with the wheel: out past the cluster zoom and back in to the dots.
    const centre = { x: viewport.width / 2, y: viewport.height / 2 }
    const until = Date.now() + Number(values.seconds) * 1000
    let round_ = 0
    while (Date.now() < until) {
      const dx = round_ % 2 === 0 ? 240 : -240
      await page.mouse.move(centre.x, centre.y)
      await page.mouse.down()
      await page.mouse.move(centre.x + dx, centre.y + dx / 3, { steps: 12 })
      await page.mouse.up()
      for (let i = 0; i < 4; i++) {
        await page.mouse.wheel(0, round_ % 2 === 0 ? 240 : -240)
        await page.waitForTimeout(120)
      }
      round_++
    }
    await page.waitForTimeout(1000)
    const { frames, tasks } = await page.evaluate<{ frames: number[]; tasks: number[] }>(
      '(() => { window.stop_ = true; return { frames: window.frames_.slice(1), tasks: window.tasks_ } })()',
    )
    mkdirSync(path.join(projectRoot, 'test-results'), { recursive: true })
    await page.screenshot({ path: path.join(projectRoot, 'test-results', 'bench-frame.png') })

    const record = {
      query: 'map frame time, pan and zoom with every incident loaded',
      backend: db.kind,
      incidents: counts?.incidents ?? 0,
      tracks: counts?.patrols ?? 0,
      p50_ms: round(quantile(frames, 0.5)),
      p95_ms: round(quantile(frames, 0.95)),
      // Issue 9: no main-thread work over 50 ms on pan/zoom.
      target_ms: 50,
      max_frame_ms: round(Math.max(...frames)),
      frames: frames.length,
      long_tasks_over_50ms: tasks.filter((ms) => ms > 50).length,
      longest_task_ms: round(Math.max(0, ...tasks)),
      incidents_drawn: shown,
      load_ms: Math.round(loadMs),
      columns_ms: Math.round(payloadMs),
      at: new Date().toISOString(),
    }
    console.log(
      `frames ${record.frames}: p50 ${record.p50_ms} ms, p95 ${record.p95_ms} ms, max ${record.max_frame_ms} ms; ` +
        `long tasks over 50 ms: ${record.long_tasks_over_50ms}, longest ${record.longest_task_ms} ms`,
    )
    appendFileSync(values.out, `${JSON.stringify(record)}\n`)
  } finally {
    await browser.close()
    await app.close()
    await db.close()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
