// Scale runs over the demo world, through the API (app.inject): each scenario is run a few times
// after a warm-up and its median and slowest time are printed. Figures, not tests: nothing here fails.
//   npm run bench                      embedded PGlite, kept in $TMPDIR/shanshui-bench
//   DATABASE_URL=… npm run bench       PostgreSQL (the database should be empty or hold the bench world)
//   npm run bench -- hotspots          only the scenarios whose name holds the word
import os from 'node:os'
import { openBenchWorld, world } from './world.ts'

const day = 86_400_000
const iso = (t: number) => new Date(t).toISOString()
const from30 = iso(world.end.getTime() - 30 * day)
const to = world.end.toISOString()
// About 20 × 20 km around Anji's county seat.
const viewport = '119.58,30.54,119.79,30.72'

interface Scenario {
  name: string
  runs: number
  request: () => { method: 'GET' | 'POST'; url: string; payload?: Record<string, unknown> }
}

const scenarios: Scenario[] = [
  { name: 'layers list', runs: 10, request: () => ({ method: 'GET', url: '/api/layers' }) },
  { name: 'rivers layer (all)', runs: 10, request: () => ({ method: 'GET', url: '/api/layers/rivers' }) },
  {
    name: 'incidents, 20 km viewport, 30 days',
    runs: 10,
    request: () => ({ method: 'GET', url: `/api/incidents?bbox=${viewport}&from=${from30}&to=${to}` }),
  },
  {
    name: 'hotspots 500 m + Gi*, 30 days',
    runs: 5,
    request: () => ({ method: 'GET', url: `/api/hotspots?from=${from30}&to=${to}` }),
  },
  {
    name: 'DBSCAN clusters 250 m / 5, 30 days',
    runs: 5,
    request: () => ({ method: 'GET', url: `/api/hotspots/clusters?from=${from30}&to=${to}` }),
  },
  {
    name: 'coverage of every place, 30 days',
    runs: 3,
    request: () => ({ method: 'GET', url: `/api/coverage?from=${from30}&to=${to}` }),
  },
  {
    name: 'gap list, 30 days',
    runs: 3,
    request: () => ({ method: 'GET', url: `/api/coverage/gaps?from=${from30}&to=${to}` }),
  },
  {
    name: 'responsible units',
    runs: 20,
    request: () => ({ method: 'GET', url: '/api/incidents/1/responsible' }),
  },
  {
    name: 'report an incident',
    runs: 20,
    request: () => ({
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
  },
]

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0

async function main() {
  const { db, app, cookie } = await openBenchWorld({ writesPerMinute: 1_000_000 })
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
  // `npm run bench -- hotspot` runs only the scenarios whose name holds the word.
  const only = process.argv[2]
  for (const s of scenarios.filter((scenario) => !only || scenario.name.includes(only))) {
    const times: number[] = []
    let bytes = 0
    for (let i = 0; i <= s.runs; i++) {
      const started = performance.now()
      const res = await app.inject({ ...s.request(), headers: { cookie } })
      const elapsed = performance.now() - started
      if (res.statusCode >= 400) throw new Error(`${s.name}: ${res.statusCode} ${res.body.slice(0, 200)}`)
      bytes = res.rawPayload.length
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
