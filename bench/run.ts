// Scale runs over the demo world, through the API (app.inject): each scenario is run a few times
// after a warm-up and its median and slowest time are printed. Figures, not tests: nothing here fails.
//   npm run bench                      embedded PGlite, kept in $TMPDIR/shanshui-bench
//   DATABASE_URL=… npm run bench       PostgreSQL (the database should be empty or hold the bench world)
//   npm run bench -- hotspots          only the scenarios whose name holds the word
//   npm run bench -- --incidents 1000000   first tops the world up to that many synthetic incidents
import os from 'node:os'
import { parseArgs } from 'node:util'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../server/db/db.ts'
import { DAILY_CELL, incidentCountsByCell, scanIncidentCounts } from '../server/domain/hotspots.ts'
import { addSyntheticIncidents, openBenchWorld, world } from './world.ts'

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
  /** One run; resolves to the bytes of the answer (0 for a query alone). */
  run: (context: Context) => Promise<number>
}

type Request = { method: 'GET' | 'POST'; url: string; payload?: Record<string, unknown> }

/** A request through the app (app.inject, signed in as the demo coordinator). */
const api = (name: string, runs: number, request: () => Request): Scenario => ({
  name,
  runs,
  run: async ({ app, cookie }) => {
    const res = await app.inject({ ...request(), headers: { cookie } })
    if (res.statusCode >= 400) throw new Error(`${name}: ${res.statusCode} ${res.body.slice(0, 200)}`)
    return res.rawPayload.length
  },
})

/** The query underneath a route, alone. */
const sql = (name: string, runs: number, query: (db: Db) => Promise<unknown>): Scenario => ({
  name,
  runs,
  run: async ({ db }) => {
    await query(db)
    return 0
  },
})

const hotspotWindow = { from: new Date(from30), to: world.end, cell: DAILY_CELL }

const scenarios: Scenario[] = [
  api('layers list', 10, () => ({ method: 'GET', url: '/api/layers' })),
  api('rivers layer (all)', 10, () => ({ method: 'GET', url: '/api/layers/rivers' })),
  api('incidents, 20 km viewport, 30 days', 10, () => ({
    method: 'GET',
    url: `/api/incidents?bbox=${viewport}&from=${from30}&to=${to}`,
  })),
  api('hotspots 500 m + Gi*, 30 days', 5, () => ({
    method: 'GET',
    url: `/api/hotspots?from=${from30}&to=${to}`,
  })),
  sql('hotspot counts, 30 days: daily cells', 10, (db) => incidentCountsByCell(db, hotspotWindow)),
  sql('hotspot counts, 30 days: scan', 10, (db) => scanIncidentCounts(db, hotspotWindow)),
  api('DBSCAN clusters 250 m / 5, 30 days', 5, () => ({
    method: 'GET',
    url: `/api/hotspots/clusters?from=${from30}&to=${to}`,
  })),
  api('coverage of every place, 30 days', 3, () => ({
    method: 'GET',
    url: `/api/coverage?from=${from30}&to=${to}`,
  })),
  api('gap list, 30 days', 3, () => ({ method: 'GET', url: `/api/coverage/gaps?from=${from30}&to=${to}` })),
  api('responsible units', 20, () => ({ method: 'GET', url: '/api/incidents/1/responsible' })),
  api('report an incident', 20, () => ({
    method: 'POST',
    url: '/api/incidents',
    payload: {
      category: 'poaching',
      source: 'app',
      description: 'bench: bird trap',
      occurred_at: to,
      location: { type: 'Point', coordinates: [119.5608, 30.5566] },
    },
  })),
]

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { incidents: { type: 'string', default: '0' } },
  })
  // `npm run bench -- hotspot` runs only the scenarios whose name holds the word.
  const only = positionals[0]
  const { db, app, cookie } = await openBenchWorld({ writesPerMinute: 1_000_000 })
  const added = await addSyntheticIncidents(db, Number(values.incidents))
  if (added) console.log(`added ${added} synthetic incidents`)
  const [counts] = await db.query<{ incidents: number; patrols: number; places: number }>(
    `SELECT (SELECT count(*) FROM incidents) AS incidents, (SELECT count(*) FROM patrols) AS patrols,
            (SELECT count(*) FROM places WHERE patrol_every_days IS NOT NULL) AS places`,
  )
  console.log(
    `backend ${db.kind}; ${counts.incidents} incidents, ${counts.patrols} patrols, ${counts.places} patrolled places; ` +
      `${os.cpus().length} cores\n`,
  )
  console.log(
    `${'scenario'.padEnd(40)} ${'median ms'.padStart(10)} ${'max ms'.padStart(10)} ${'kB'.padStart(8)}`,
  )
  for (const s of scenarios.filter((scenario) => !only || scenario.name.includes(only))) {
    const times: number[] = []
    let bytes = 0
    for (let i = 0; i <= s.runs; i++) {
      const started = performance.now()
      bytes = await s.run({ app, db, cookie })
      const elapsed = performance.now() - started
      if (i > 0) times.push(elapsed) // the first run warms caches up
    }
    console.log(
      `${s.name.padEnd(40)} ${median(times).toFixed(1).padStart(10)} ${Math.max(...times)
        .toFixed(1)
        .padStart(10)} ${(bytes / 1024).toFixed(0).padStart(8)}`,
    )
  }
  // Bench reports are not kept: the world stays as it was loaded.
  await db.query("DELETE FROM incidents WHERE description = 'bench: bird trap'")
  await app.close()
  await db.close()
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
