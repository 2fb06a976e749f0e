import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { buildApp } from '../server/app.ts'
import { loadConfig } from '../server/config.ts'
import type { Db } from '../server/db/db.ts'
import { migrate } from '../server/db/migrate.ts'
import { openDb } from '../server/db/open.ts'
import { prepareWorld } from '../server/demo/prepare.ts'

/**
 * The world the bench and the load test run on: the demo world of a fixed seed and end, in
 * $TMPDIR/shanshui-bench (embedded) or in the database DATABASE_URL names, loaded once and kept.
 */
export const world = { seed: 20201201, end: new Date('2026-11-01T00:00:00Z'), password: 'shanshui-demo' }

export async function openBenchWorld(
  options: { writesPerMinute?: number; backend?: Db['kind'] } = {},
): Promise<{ db: Db; app: FastifyInstance; cookie: string }> {
  const config = loadConfig()
  const dataDir = process.env.SHANSHUI_BENCH_DIR ?? path.join(os.tmpdir(), 'shanshui-bench')
  const databaseUrl =
    options.backend === 'embedded'
      ? undefined
      : options.backend === 'postgres'
        ? await benchDatabase(config.databaseUrl)
        : config.databaseUrl
  const db = await openDb({ databaseUrl, dataDir })
  await migrate(db)
  const [demo] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM dataset_info WHERE key = 'demo'",
  )
  if (!demo?.n) {
    console.log('loading the bench world (once)…')
    await prepareWorld(db, world)
  }
  const app = await buildApp({
    db,
    config: {
      ...config,
      logLevel: 'silent',
      writesPerMinute: options.writesPerMinute ?? config.writesPerMinute,
    },
    logger: false,
  })
  const session = await app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username: 'coordinator', password: world.password },
  })
  const token = session.cookies.find((c) => c.name === 'shanshui_session')
  if (!token)
    throw new Error(`could not sign in as the demo coordinator: ${session.statusCode} ${session.body}`)
  return { db, app, cookie: `${token.name}=${token.value}` }
}

/**
 * The PostgreSQL database of `--backend postgres`: DATABASE_URL when set, else `shanshui_bench` on
 * the local server, created when missing.
 */
async function benchDatabase(databaseUrl: string | undefined): Promise<string> {
  if (databaseUrl) return databaseUrl
  const server = 'postgres://postgres@127.0.0.1:5432'
  const admin = new pg.Client({ connectionString: `${server}/postgres` })
  await admin.connect()
  try {
    const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'shanshui_bench'")
    if (!found.rowCount) await admin.query('CREATE DATABASE shanshui_bench')
  } finally {
    await admin.end()
  }
  return `${server}/shanshui_bench`
}

/**
 * Tops the world up to `n` synthetic incidents (description 'bench: synthetic'): uniform over
 * Huzhou's extent and the year before the world's end, categories at random, stored in time order.
 * For measuring the queries at city scale (issue 9: 1 M a year); the demo's own incidents stay as
 * they are.
 */
export async function addSyntheticIncidents(db: Db, n: number): Promise<number> {
  const [have] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM incidents WHERE description = 'bench: synthetic'",
  )
  const missing = n - (have?.n ?? 0)
  const batch = 50_000
  const batches = Math.ceil(missing / batch)
  // In time order, as reports arrive: batch b holds the b-th slice of the year, sorted. (Rows stored
  // in random time order made every 30-day read touch a page per incident.)
  for (let b = 0; b < batches; b++) {
    await db.query(
      `INSERT INTO incidents (category, source, description, status, occurred_at, reported_at, geom)
       SELECT (ARRAY['illegal_fishing', 'poaching', 'wildlife_trade', 'dumping', 'pollution', 'illegal_mining',
                     'illegal_logging', 'unsafe_camping', 'drowning_risk', 'food_safety'])[1 + floor(random() * 10)::int],
              'app', 'bench: synthetic', 'closed', t, t,
              ST_SetSRID(ST_MakePoint(119.24 + random() * 1.1, 30.38 + random() * 0.76), 4326)
         FROM (SELECT $1::timestamptz - interval '365 days' + ($3 + random()) * interval '365 days' / $4 AS t
                 FROM generate_series(1, $2)) AS g
        ORDER BY t`,
      [world.end, Math.min(batch, missing - b * batch), b, batches],
    )
  }
  return Math.max(0, missing)
}

/**
 * Tops the world up to `n` actual patrols with synthetic tracks (properties.bench = 'synthetic'):
 * 200 fixes 10 s apart (33 minutes), a random walk of about 35 m per fix that keeps a heading of its
 * own, from a random start over Huzhou's extent within the year before the world's end. Inserted a
 * thousand at a time through the same table, so the ingest triggers (cells, effort) do their work.
 */
export async function addSyntheticTracks(db: Db, n: number): Promise<number> {
  const [have] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM patrols WHERE properties->>'bench' = 'synthetic'",
  )
  const missing = n - (have?.n ?? 0)
  for (let done = 0; done < missing; done += 1000) {
    await db.query(
      `INSERT INTO patrols (kind, status, started_at, ended_at, length_m, properties, track)
       SELECT 'actual', 'closed', t.started_at, t.ended_at, ST_Length(ST_Transform(t.line, 4549)),
              '{"bench": "synthetic"}', t.line
         FROM (
           SELECT min(w.at) AS started_at, max(w.at) AS ended_at,
                  ST_SetSRID(ST_MakeLine(ST_MakePointM(w.lon, w.lat, extract(epoch FROM w.at)) ORDER BY w.k), 4326) AS line
             FROM (
               SELECT s.track, k, s.t0 + k * interval '10 seconds' AS at,
                      s.lon0 + sum(0.00036 * cos(s.heading + (random() - 0.5) * 1.2)) OVER w AS lon,
                      s.lat0 + sum(0.0003 * sin(s.heading + (random() - 0.5) * 1.2)) OVER w AS lat
                 FROM (SELECT g AS track, 119.3 + random() * 1.0 AS lon0, 30.42 + random() * 0.66 AS lat0,
                              random() * 2 * pi() AS heading, $1::timestamptz - random() * interval '365 days' AS t0
                         FROM generate_series(1, $2) AS g) AS s
                CROSS JOIN generate_series(0, 199) AS k
               WINDOW w AS (PARTITION BY s.track ORDER BY k)
             ) AS w
            GROUP BY w.track
         ) AS t`,
      [world.end, Math.min(1000, missing - done)],
    )
  }
  return Math.max(0, missing)
}
