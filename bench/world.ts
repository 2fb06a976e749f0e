import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
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
  options: { writesPerMinute?: number } = {},
): Promise<{ db: Db; app: FastifyInstance; cookie: string }> {
  const config = loadConfig()
  const dataDir = process.env.SHANSHUI_BENCH_DIR ?? path.join(os.tmpdir(), 'shanshui-bench')
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir })
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
 * Tops the world up to `n` synthetic incidents (description 'bench: synthetic'): uniform over
 * Huzhou's extent and the year before the world's end, categories at random. For measuring the
 * queries at city scale (issue 9: 1 M a year); the demo's own incidents stay as they are.
 */
export async function addSyntheticIncidents(db: Db, n: number): Promise<number> {
  const [have] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM incidents WHERE description = 'bench: synthetic'",
  )
  const missing = n - (have?.n ?? 0)
  for (let done = 0; done < missing; done += 50_000) {
    await db.query(
      `INSERT INTO incidents (category, source, description, status, occurred_at, reported_at, geom)
       SELECT (ARRAY['illegal_fishing', 'poaching', 'wildlife_trade', 'dumping', 'pollution', 'illegal_mining',
                     'illegal_logging', 'unsafe_camping', 'drowning_risk', 'food_safety'])[1 + floor(random() * 10)::int],
              'app', 'bench: synthetic', 'closed', t, t,
              ST_SetSRID(ST_MakePoint(119.24 + random() * 1.1, 30.38 + random() * 0.76), 4326)
         FROM (SELECT $1::timestamptz - random() * interval '365 days' AS t
                 FROM generate_series(1, $2)) AS g`,
      [world.end, Math.min(50_000, missing - done)],
    )
  }
  return Math.max(0, missing)
}
