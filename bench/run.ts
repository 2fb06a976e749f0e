// Scale runs over the demo world, through the API (app.inject) and the SQL under a route alone:
// each scenario is run a few times after a warm-up; its median and 95th percentile are printed
// beside issue 9's target and appended as JSON lines to test-results/bench.jsonl (--out).
// Figures, not tests: nothing here fails on a missed target.
//   npm run bench                      embedded PGlite, kept in $TMPDIR/shanshui-bench
//   DATABASE_URL=… npm run bench       PostgreSQL (the database should be empty or hold the bench world)
//   npm run bench -- hotspots          only the scenarios whose name holds the word
//   npm run bench -- --incidents 1000000   first tops the world up to that many synthetic incidents
//   npm run bench -- --tracks 10000        … and actual patrols (synthetic tracks of 200 fixes)
//   npm run bench -- --backend postgres    PostgreSQL at DATABASE_URL, or shanshui_bench on 127.0.0.1
//   npm run bench -- --backend embedded    PGlite even when DATABASE_URL is set
//   npm run bench -- positions         sustained ingest of live positions (bench/positions.ts)
import { appendFileSync, mkdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { FastifyInstance } from 'fastify'
import { projectRoot } from '../server/config.ts'
import type { Db } from '../server/db/db.ts'
import { DAILY_CELL, incidentCountsByCell, scanIncidentCounts } from '../server/domain/hotspots.ts'
import { positionRuns, runPositions } from './positions.ts'
import { addSyntheticIncidents, addSyntheticTracks, openBenchWorld, world } from './world.ts'

const day = 86_400_000
const iso = (t: number) => new Date(t).toISOString()
const from30 = iso(world.end.getTime() - 30 * day)
const to = world.end.toISOString()
// About 20 × 20 km around Anji's county seat.
const viewport = '119.58,30.54,119.79,30.72'

interface Context {
  app: FastifyInstance
  db: Db
  cookie: string
}

interface Scenario {
  name: string
  runs: number
  /** Issue 9's target for the median on PostgreSQL at 1 M incidents, ms. */
  target?: number
  /** One run; resolves to the bytes of the answer (0 for a query alone). */
  run: (context: Context) => Promise<number>
}

type Request = { method: 'GET' | 'POST'; url: string; payload?: Record<string, unknown> }

/** A request through the app (app.inject, signed in as the demo coordinator). */
const api = (name: string, runs: number, request: () => Request, target?: number): Scenario => ({
  name,
  runs,
  target,
  run: async ({ app, cookie }) => {
    const res = await app.inject({ ...request(), headers: { cookie } })
    if (res.statusCode >= 400) throw new Error(`${name}: ${res.statusCode} ${res.body.slice(0, 200)}`)
    return res.rawPayload.length
  },
})

/** The query underneath a route, alone. */
const sql = (name: string, runs: number, query: (db: Db) => Promise<unknown>, target?: number): Scenario => ({
  name,
  runs,
  target,
  run: async ({ db }) => {
    await query(db)
    return 0
  },
})

const hotspotWindow = { from: new Date(from30), to: world.end, cell: DAILY_CELL }

const get = (url: string) => (): Request => ({ method: 'GET', url })
// Tracks the bench uploads start at this time (long before the world's year) and are removed after.
const benchTrackStart = '2020-01-01T00:00:00Z'
const window30 = `from=${from30}&to=${to}`

const scenarios: Scenario[] = [
  api('layers list', 10, get('/api/layers')),
  api('rivers layer (all)', 10, get('/api/layers/rivers')),
  api('forests layer (all, GeoJSON)', 10, get('/api/layers/forests')),
  // Vector tiles of the same layer: all of Huzhou at zoom 7, and the tile of its centre at zoom 9.
  api('forests tile z7', 10, get('/api/tiles/forests/7/106/52.mvt')),
  api('forests tile z9', 10, get('/api/tiles/forests/9/426/209.mvt')),
  // The map's path: typed columns (incident-columns.ts), for a viewport and for the whole city.
  api(
    'incidents as columns, 20 km viewport, 30 days',
    10,
    get(`/api/incidents.bin?bbox=${viewport}&${window30}`),
    30,
  ),
  api('incidents as columns, whole city, 30 days', 5, get(`/api/incidents.bin?${window30}`)),
  // The list's path: GeoJSON features with every property (a client for the records, not the map).
  api(
    'incidents as GeoJSON, 20 km viewport, 30 days',
    10,
    get(`/api/incidents?bbox=${viewport}&${window30}`),
  ),
  api('hotspots 500 m + Gi*, 30 days', 10, get(`/api/hotspots?${window30}`), 25),
  api('hotspots 500 m + Gi*, 30 days, GeoJSON', 3, get(`/api/hotspots?${window30}&format=geojson`)),
  sql('hotspot counts, 30 days: daily cells', 10, (db) => incidentCountsByCell(db, hotspotWindow)),
  sql('hotspot counts, 30 days: scan', 10, (db) => scanIncidentCounts(db, hotspotWindow)),
  api('DBSCAN clusters 250 m / 5, 30 days', 5, get(`/api/hotspots/clusters?${window30}`)),
  api('coverage of every place, 30 days', 3, get(`/api/coverage?${window30}`), 100),
  api("coverage of one chief's places, 30 days", 10, get(`/api/coverage?chief=chief-0001&${window30}`)),
  api('gap list, 30 days', 3, get(`/api/coverage/gaps?${window30}`), 100),
  api('responsible units', 20, get('/api/incidents/1/responsible'), 5),
  // The writes run 100 times: their first ~20 requests warm the JIT up, and medians of 20 runs
  // moved by up to 4 ms from one bench to the next (the upload: 5.5–9.4 ms).
  api(
    'report an incident',
    100,
    () => ({
      method: 'POST',
      url: '/api/incidents',
      payload: {
        category: 'poaching',
        source: 'app',
        description: 'bench: bird trap',
        occurred_at: to,
        location: { type: 'Point', coordinates: [119.5608, 30.5566] },
      },
    }),
    10,
  ),
  api(
    'upload a 200-fix track',
    100,
    () => ({
      method: 'POST',
      url: '/api/patrols',
      payload: {
        type: 'Feature',
        // About 6 km east along the Xitiao near Anji's county seat, fixes 30 m apart.
        geometry: {
          type: 'LineString',
          coordinates: Array.from({ length: 200 }, (_, i) => [119.6 + i * 0.0003, 30.63]),
        },
        properties: { chief_id: 'chief-0001', started_at: benchTrackStart, ended_at: '2020-01-01T01:00:00Z' },
      },
    }),
    5,
  ),
]

/** The p-quantile of the times (nearest rank). */
const quantile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(p * xs.length) - 1)] ?? 0

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      backend: { type: 'string' },
      incidents: { type: 'string', default: '0' },
      tracks: { type: 'string', default: '0' },
      out: { type: 'string', default: path.join(projectRoot, 'test-results', 'bench.jsonl') },
    },
  })
  // `npm run bench -- hotspot` runs only the scenarios whose name holds the word.
  const only = positionals[0]
  if (values.backend !== undefined && values.backend !== 'embedded' && values.backend !== 'postgres') {
    throw new Error(`--backend is embedded or postgres, not "${values.backend}"`)
  }
  const { db, app, cookie } = await openBenchWorld({ writesPerMinute: 1_000_000, backend: values.backend })
  const added = await addSyntheticIncidents(db, Number(values.incidents))
  if (added) console.log(`added ${added} synthetic incidents`)
  const started = performance.now()
  const tracks = await addSyntheticTracks(db, Number(values.tracks))
  // What autovacuum would give a database that grew this much (it may be off, as on this machine):
  // fresh planner statistics, and pages marked all-visible so that index-only scans stay so.
  if (added || tracks) await db.query('VACUUM ANALYZE')
  if (tracks) {
    const ms = performance.now() - started
    console.log(
      `added ${tracks} synthetic tracks of 200 fixes in ${(ms / 1000).toFixed(1)} s (${(ms / tracks).toFixed(2)} ms a track with its cells and effort)`,
    )
  }
  const [counts] = await db.query<{ incidents: number; patrols: number; places: number }>(
    `SELECT (SELECT count(*) FROM incidents)::int AS incidents, (SELECT count(*) FROM patrols)::int AS patrols,
            (SELECT count(*) FROM places WHERE patrol_every_days IS NOT NULL)::int AS places`,
  )
  console.log(
    `backend ${db.kind}; ${counts.incidents} incidents, ${counts.patrols} patrols, ${counts.places} patrolled places; ` +
      `${os.cpus().length} cores\n`,
  )
  console.log(
    `${'scenario'.padEnd(46)} ${'p50 ms'.padStart(9)} ${'p95 ms'.padStart(9)} ${'target'.padStart(7)} ${'kB'.padStart(7)}`,
  )
  mkdirSync(path.dirname(values.out), { recursive: true })
  /** One line of the table, and the same as a JSON line in --out. */
  const report = (name: string, times: number[], columns: string, extra: Record<string, unknown>) => {
    const p50 = quantile(times, 0.5)
    const p95 = quantile(times, 0.95)
    console.log(`${name.padEnd(46)} ${p50.toFixed(1).padStart(9)} ${p95.toFixed(1).padStart(9)} ${columns}`)
    const record = {
      query: name,
      backend: db.kind,
      incidents: counts.incidents,
      tracks: counts.patrols,
      p50_ms: Math.round(p50 * 10) / 10,
      p95_ms: Math.round(p95 * 10) / 10,
      ...extra,
      at: new Date().toISOString(),
    }
    appendFileSync(values.out, `${JSON.stringify(record)}\n`)
  }
  for (const s of scenarios.filter((scenario) => !only || scenario.name.includes(only))) {
    const times: number[] = []
    let bytes = 0
    for (let i = 0; i <= s.runs; i++) {
      const started = performance.now()
      bytes = await s.run({ app, db, cookie })
      const elapsed = performance.now() - started
      if (i > 0) times.push(elapsed) // the first run warms caches up
    }
    const columns = `${String(s.target ?? '').padStart(7)} ${(bytes / 1024).toFixed(0).padStart(7)}`
    report(s.name, times, columns, { target_ms: s.target ?? null })
  }
  for (const run of positionRuns.filter((r) => !only || r.name.includes(only))) {
    const result = await runPositions({ app, db, cookie }, run)
    const perSecond = Math.round(result.perSecond)
    report(
      run.name,
      result.batchMs,
      ` ${perSecond} positions/s (${result.positions} in ${result.seconds.toFixed(1)} s)`,
      { target_ms: null, positions: result.positions, positions_per_s: perSecond },
    )
  }
  console.log(`\nthe same as JSON lines: ${values.out}`)
  // Bench reports are not kept: the world stays as it was loaded.
  await db.query("DELETE FROM incidents WHERE description = 'bench: bird trap'")
  await db.query('DELETE FROM patrols WHERE started_at = $1', [benchTrackStart])
  await app.close()
  await db.close()
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
