// Bulk import of incidents from CSV (issue 9: 1 M incidents via COPY in ≤ 5 s on PostgreSQL), into the
// bench world (bench/world.ts) as it is, so the import meets a table that already holds its million:
// the file is generated in memory, imported with importIncidentsIn inside a transaction that is then
// rolled back, so the world stays as it was. Printed, and appended to test-results/bench.jsonl in
// bench/run.ts's shape.
//   npm run bench:import -- --backend postgres                       1 M rows into shanshui_bench
//   SHANSHUI_BENCH_DIR=… npm run bench:import -- --backend embedded --rows 100000
// The import locks incidents (ACCESS EXCLUSIVE) until the rollback: nothing else reads the world meanwhile.
import { appendFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { parseArgs } from 'node:util'
import { projectRoot } from '../server/config.ts'
import type { Queryable } from '../server/db/db.ts'
import { type IncidentImportResult, importIncidentsIn } from '../server/domain/incident-import.ts'
import { incidentCategories, incidentSources } from '../server/domain/incidents.ts'
import { seededRandom } from '../tests/helpers/seeded-random.ts'
import { openBenchWorld, world } from './world.ts'

const { values } = parseArgs({
  options: {
    backend: { type: 'string' },
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '1' },
    out: { type: 'string', default: path.join(projectRoot, 'test-results', 'bench.jsonl') },
  },
})

const yearMs = 365 * 86_400_000

/**
 * `rows` synthetic incidents as CSV, in chunks of 10,000 lines: uniform over Huzhou's extent (as
 * bench/world.ts addSyntheticIncidents) and the year before the world's end, closed, every column
 * but place_id given.
 */
function* syntheticCsv(rows: number): Generator<string> {
  const random = seededRandom(9)
  const end = world.end.getTime()
  yield 'occurred_at,lon,lat,category,severity,source,status,description,reported_at\n'
  for (let done = 0; done < rows; done += 10_000) {
    const lines: string[] = []
    for (let i = done; i < Math.min(rows, done + 10_000); i++) {
      const occurred = end - random() * yearMs
      lines.push(
        [
          new Date(occurred).toISOString(),
          (119.24 + random() * 1.1).toFixed(6),
          (30.38 + random() * 0.76).toFixed(6),
          incidentCategories[i % incidentCategories.length],
          1 + (i % 3),
          incidentSources[i % incidentSources.length],
          'closed',
          'bench: imported',
          new Date(occurred + random() * 3_600_000).toISOString(),
        ].join(','),
      )
    }
    yield `${lines.join('\n')}\n`
  }
}

/** Thrown to roll the import back once timed. */
class RollBack extends Error {}

/** The transaction with each statement's time recorded under its first words, to print where the time goes. */
function timed(tx: Queryable, steps: Map<string, number>): Queryable {
  const record = async <T>(name: string, work: Promise<T>) => {
    const started = performance.now()
    const result = await work
    steps.set(name, (steps.get(name) ?? 0) + performance.now() - started)
    return result
  }
  return {
    database: tx.database,
    query: (sql, params) => record(sql.replace(/\s+/g, ' ').trim().slice(0, 60), tx.query(sql, params)),
    copyRows: (...args) => record('COPY rows', tx.copyRows(...args)),
    copyCsv: (...args) => record('COPY csv', tx.copyCsv(...args)),
  }
}

async function main() {
  const rows = Number(values.rows)
  const runs = Number(values.runs)
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(runs) || runs < 1) {
    throw new Error('--rows and --runs are positive integers')
  }
  if (values.backend !== undefined && values.backend !== 'embedded' && values.backend !== 'postgres') {
    throw new Error(`--backend is embedded or postgres, not "${values.backend}"`)
  }
  const { db, app } = await openBenchWorld({ backend: values.backend })
  await app.close()
  const [counts] = await db.query<{ incidents: number; patrols: number }>(
    'SELECT (SELECT count(*) FROM incidents)::int AS incidents, (SELECT count(*) FROM patrols)::int AS patrols',
  )
  console.log(`backend ${db.kind}; ${counts?.incidents} incidents stored; importing ${rows} rows ${runs}×`)
  const times: number[] = []
  for (let run = 0; run < runs; run++) {
    let result: IncidentImportResult | undefined
    let elapsed = 0
    const steps = new Map<string, number>()
    await db
      .transaction(async (tx) => {
        const started = performance.now()
        result = await importIncidentsIn(timed(tx, steps), Readable.from(syntheticCsv(rows)), 'bench')
        elapsed = performance.now() - started
        throw new RollBack()
      })
      .catch((error) => {
        if (!(error instanceof RollBack)) throw error
      })
    if (result?.imported !== rows) throw new Error(`imported ${result?.imported} of ${rows} rows`)
    times.push(elapsed)
    console.log(
      `run ${run + 1}: ${(elapsed / 1000).toFixed(2)} s (${Math.round(rows / (elapsed / 1000))} rows/s)`,
    )
    for (const [step, ms] of [...steps].filter(([, ms]) => ms >= 10).sort((a, b) => b[1] - a[1])) {
      console.log(`  ${(ms / 1000).toFixed(2).padStart(7)} s  ${step}`)
    }
  }
  const p50 = [...times].sort((a, b) => a - b)[Math.floor((times.length - 1) / 2)] ?? 0
  const record = {
    query: `import ${rows} incidents (CSV, COPY)`,
    backend: db.kind,
    incidents: counts?.incidents ?? 0,
    tracks: counts?.patrols ?? 0,
    rows,
    p50_ms: Math.round(p50),
    target_ms: db.kind === 'postgres' ? Math.round((5000 * rows) / 1_000_000) : null,
    at: new Date().toISOString(),
  }
  mkdirSync(path.dirname(values.out), { recursive: true })
  appendFileSync(values.out, `${JSON.stringify(record)}\n`)
  console.log(`p50 ${(p50 / 1000).toFixed(2)} s; the same as a JSON line: ${values.out}`)
  await db.close()
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
