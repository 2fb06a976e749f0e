// The load test: the app on a free port of 127.0.0.1 over the bench world (bench/world.ts), hit by
// autocannon with mixed reads (layers in a viewport, incidents, hotspots, a chief's coverage) and
// writes (reports, live patrols opened) for a bounded time. Figures, not a test: it prints
// throughput, p50/p99 latency and errors, and the same as one JSON line.
//   npm run load                           60 s, 20 connections, embedded PGlite
//   npm run load -- --seconds 10           shorter (CI runs it so)
//   DATABASE_URL=… npm run load            PostgreSQL
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import type { Db } from '../server/db/db.ts'
import { openBenchWorld, world } from './world.ts'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '20' },
  },
})
const seconds = Number(values.seconds)
const connections = Number(values.connections)
if (!(seconds > 0 && seconds <= 600) || !(connections > 0 && connections <= 500)) {
  throw new Error('--seconds must be 1..600 and --connections 1..500')
}

const day = 86_400_000
const to = world.end.toISOString()
const from30 = new Date(world.end.getTime() - 30 * day).toISOString()
// About 20 × 20 km around Anji's county seat, and a 10 km square in Wuxing.
const viewport = '119.58,30.54,119.79,30.72'
const small = '120.05,30.82,120.15,30.92'

/**
 * Leaves the world as it was loaded. autocannon stops at the deadline without waiting for answers,
 * so a report may still be being written: its trigger and the delete's can count into the same
 * cells in opposite orders, and PostgreSQL then rolls one back as a deadlock's victim. Tried again.
 */
async function removeLoadWrites(db: Db) {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.transaction(async (tx) => {
        await tx.query("DELETE FROM incidents WHERE description = 'load: bird trap'")
        await tx.query("DELETE FROM patrols WHERE properties ->> 'source' = 'load'")
      })
      return
    } catch (error) {
      if (attempt === 3 || (error as { code?: string }).code !== '40P01') throw error
    }
  }
}

async function main() {
  const { db, app, cookie } = await openBenchWorld({ writesPerMinute: 1_000_000 })
  const [chief] = await db.query<{ id: string }>(
    'SELECT chief_id AS id FROM chief_places GROUP BY chief_id ORDER BY count(*) DESC, chief_id LIMIT 1',
  )
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const headers = { cookie, 'content-type': 'application/json' }
  let n = 0
  const report = () =>
    JSON.stringify({
      category: 'poaching',
      source: 'app',
      description: 'load: bird trap',
      occurred_at: new Date(Date.now() - 60_000).toISOString(),
      location: { type: 'Point', coordinates: [119.55 + (n++ % 100) * 0.001, 30.55] },
    })
  const livePatrol = () =>
    JSON.stringify({
      chief_id: chief?.id,
      open: true,
      position: { lon: 120.1 + (n++ % 100) * 0.0005, lat: 30.85, at: new Date().toISOString() },
      properties: { source: 'load' },
    })
  console.log(`load: ${connections} connections for ${seconds} s against ${base} (${db.kind})`)
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    headers,
    requests: [
      { method: 'GET', path: `/api/layers/markets?bbox=${viewport}` },
      { method: 'GET', path: `/api/incidents?bbox=${viewport}&from=${from30}&to=${to}` },
      { method: 'GET', path: `/api/layers/rivers?bbox=${small}` },
      { method: 'GET', path: `/api/hotspots?bbox=${small}&from=${from30}&to=${to}` },
      { method: 'GET', path: `/api/coverage?chief=${chief?.id}&from=${from30}&to=${to}` },
      { method: 'POST', path: '/api/incidents', setupRequest: (r) => ({ ...r, body: report() }) },
      { method: 'GET', path: `/api/incidents?bbox=${small}&from=${from30}&to=${to}` },
      { method: 'POST', path: '/api/patrols', setupRequest: (r) => ({ ...r, body: livePatrol() }) },
    ],
  })
  const figures = {
    backend: db.kind,
    seconds,
    connections,
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non_2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }
  console.log(
    `${figures.requests} requests, ${figures.rps} req/s; latency p50 ${figures.p50_ms} ms, p99 ${figures.p99_ms} ms; ` +
      `${figures.non_2xx} non-2xx, ${figures.errors} errors, ${figures.timeouts} timeouts`,
  )
  console.log(JSON.stringify({ load: figures }))
  await app.close()
  await removeLoadWrites(db)
  await db.close()
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
