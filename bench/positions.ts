// Sustained ingest of live positions (issue 9: Huzhou's 2,185 chiefs with a fix every 10 s is
// ~6 M a day, ~73/s on average). Many open patrols each receive batches of fixes, a few batches in
// flight at once, through the API (POST /api/patrols/:id/positions) and through appendPositions
// directly; the figure is positions stored per second of wall time over the whole run.
import type { FastifyInstance } from 'fastify'
import type { Db } from '../server/db/db.ts'
import type { Fix } from '../server/domain/patrol-tracks.ts'
import { appendPositions } from '../server/domain/patrols.ts'

export interface PositionsRun {
  name: string
  /** Open patrols fed at the same time. */
  patrols: number
  /** Batches each patrol receives, one after the other. */
  rounds: number
  /** Fixes in one batch (the route takes at most 1,000). */
  batch: number
  via: 'api' | 'direct'
}

export const positionRuns: PositionsRun[] = [
  { name: 'positions: API, 40 patrols × 10-fix batches', patrols: 40, rounds: 25, batch: 10, via: 'api' },
  {
    name: 'positions: direct, 40 patrols × 10-fix batches',
    patrols: 40,
    rounds: 25,
    batch: 10,
    via: 'direct',
  },
  { name: 'positions: API, 8 patrols × 1000-fix batches', patrols: 8, rounds: 5, batch: 1000, via: 'api' },
]

/** Batches in flight at once: the PostgreSQL pool holds 8 connections. */
const IN_FLIGHT = 8

/** The positions' times: a day after the bench world ends, so every fix is later than the world's. */
const BASE_MS = Date.parse('2026-11-02T00:00:00Z')
const STEP_MS = 10_000
/** 10 m east per fix (3.6 km/h, a walk), about 0.0001° at 30.8° N. */
const STEP_DEG = 0.0001

export interface PositionsResult {
  positions: number
  seconds: number
  perSecond: number
  /** Time of each batch, ms. */
  batchMs: number[]
}

/** Runs one ingest run and removes its patrols afterwards (positions go with them, ON DELETE CASCADE). */
export async function runPositions(
  context: { app: FastifyInstance; db: Db; cookie: string },
  run: PositionsRun,
): Promise<PositionsResult> {
  const { app, db, cookie } = context
  const chiefs = await db.query<{ id: string }>('SELECT id FROM chiefs ORDER BY id LIMIT $1', [run.patrols])
  // Each patrol walks east along its own parallel from Huzhou's city towards Nanxun.
  const fixOf = (p: number, k: number): Fix => ({
    lon: 119.95 + k * STEP_DEG,
    lat: 30.8 + p * 0.002,
    at: BASE_MS + k * STEP_MS,
  })
  const ids: number[] = []
  for (const [p, chief] of chiefs.entries()) {
    const start = fixOf(p, 0)
    const res = await app.inject({
      method: 'POST',
      url: '/api/patrols',
      headers: { cookie },
      payload: { chief_id: chief.id, open: true, position: start, properties: { bench: run.name } },
    })
    if (res.statusCode !== 201) throw new Error(`opening a patrol: ${res.statusCode} ${res.body}`)
    ids.push(res.json<{ id: number }>().id)
  }
  const batchMs: number[] = []
  const send = async (p: number, round: number) => {
    const id = ids[p] as number
    const fixes = Array.from({ length: run.batch }, (_, i) => fixOf(p, 1 + round * run.batch + i))
    const started = performance.now()
    if (run.via === 'api') {
      const res = await app.inject({
        method: 'POST',
        url: `/api/patrols/${id}/positions`,
        headers: { cookie },
        payload: { positions: fixes },
      })
      if (res.statusCode !== 200) throw new Error(`positions: ${res.statusCode} ${res.body.slice(0, 200)}`)
    } else {
      await appendPositions(db, id, fixes)
    }
    batchMs.push(performance.now() - started)
  }
  const started = performance.now()
  let seconds: number
  try {
    for (let round = 0; round < run.rounds; round++) {
      for (let first = 0; first < ids.length; first += IN_FLIGHT) {
        await Promise.all(ids.slice(first, first + IN_FLIGHT).map((_, i) => send(first + i, round)))
      }
    }
    seconds = (performance.now() - started) / 1000
  } finally {
    await db.query('DELETE FROM patrols WHERE id = ANY($1::int[])', [ids])
  }
  const positions = ids.length * run.rounds * run.batch
  return { positions, seconds, perSecond: positions / seconds, batchMs }
}
