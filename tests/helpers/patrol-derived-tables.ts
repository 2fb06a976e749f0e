import { expect } from 'vitest'
import type { Queryable } from '../../server/db/db.ts'
import type { TestApp } from './test-app.ts'

/**
 * For the tests of the tables kept per patrol at ingest (patrol_cells, patrol_effort_days): the
 * writes that feed them (a chief of the test's own, an uploaded track, a live patrol and its fixes)
 * and the kept rows against a recomputation from the tracks.
 */

/** A table kept per patrol, the function that computes its rows from one track, and what to compare. */
export interface PatrolDerivedTable {
  /** The kept table, with a patrol_id column. */
  table: string
  /** The set-returning function of a track (patrols.track_m) that gives its rows. */
  of: string
  /** The columns to compare, over `x` (a row of the table, or of the function). */
  columns: string
}

/** Rows as sorted JSON strings, one a row: compared whatever order a query gives them in. */
export const sortedRows = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort()

/**
 * The table's rows as kept and as recomputed from the actual tracks (sorted JSON, one row a
 * string): those of one chief's patrols, or of every `nth` patrol of the world (null chief).
 */
export async function keptAndRecomputed(
  db: Queryable,
  derived: PatrolDerivedTable,
  chiefId: string | null,
  nth = 1,
): Promise<{ kept: string[]; recomputed: string[] }> {
  const kept = await db.query(
    `SELECT x.patrol_id, ${derived.columns}
       FROM ${derived.table} x JOIN patrols p ON p.id = x.patrol_id
      WHERE ($1::text IS NULL OR p.chief_id = $1) AND p.id % $2 = 0`,
    [chiefId, nth],
  )
  const recomputed = await db.query(
    `SELECT p.id AS patrol_id, ${derived.columns}
       FROM patrols p CROSS JOIN LATERAL ${derived.of}(p.track_m) AS x
      WHERE p.kind = 'actual' AND ($1::text IS NULL OR p.chief_id = $1) AND p.id % $2 = 0`,
    [chiefId, nth],
  )
  return { kept: sortedRows(kept), recomputed: sortedRows(recomputed) }
}

/** A river chief in Wuxing with no patrols yet. */
export async function insertTestChief(db: Queryable, id: string, nameZh: string, nameEn: string) {
  await db.query(
    `INSERT INTO chiefs (id, name_zh, name_en, kind, district_code) VALUES ($1, $2, $3, 'river', 330502)`,
    [id, nameZh, nameEn],
  )
}

/** Uploads a finished patrol (POST /api/patrols, a GeoJSON line); its id. */
export async function uploadTrack(
  t: TestApp,
  chiefId: string,
  coordinates: [number, number][],
  startedAt: string,
  endedAt: string,
): Promise<number> {
  const upload = await t.inject({
    method: 'POST',
    url: '/api/patrols',
    payload: {
      type: 'Feature',
      geometry: { type: 'LineString', coordinates },
      properties: { chief_id: chiefId, started_at: startedAt, ended_at: endedAt },
    },
  })
  expect(upload.statusCode, upload.body).toBe(201)
  return upload.json().id
}

export interface Fix {
  lon: number
  lat: number
  /** Unix milliseconds. */
  at: number
}

/** Opens a live patrol at its first fix, then appends the others one request each; its id. */
export async function driveLivePatrol(t: TestApp, chiefId: string, [first, ...more]: [Fix, ...Fix[]]) {
  const opened = await t.inject({
    method: 'POST',
    url: '/api/patrols',
    payload: { chief_id: chiefId, open: true, position: first },
  })
  expect(opened.statusCode, opened.body).toBe(201)
  const id: number = opened.json().id
  for (const fix of more) {
    const appended = await t.inject({
      method: 'POST',
      url: `/api/patrols/${id}/positions`,
      payload: { positions: [fix] },
    })
    expect(appended.statusCode, appended.body).toBe(200)
  }
  return id
}
