import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withDerivedTablesRebuilt } from '../../server/db/bulk-load.ts'
import type { Db, Queryable } from '../../server/db/db.ts'
import { openTestDb } from '../helpers/test-db.ts'

// A bulk load with the ingest triggers off and the derived tables rebuilt at the end
// (server/db/bulk-load.ts) must leave the same tables as the triggers do, row by row.

let db: Db
beforeAll(async () => {
  db = await openTestDb()
})
afterAll(() => db?.close())

// The derived tables and the rows that count: the triggers leave counts at zero after deletes.
const derivedRows = {
  incident_cell_days: 'x.n > 0',
  place_incident_days: 'x.n > 0',
  patrol_cells: 'true',
  patrol_effort_days: 'true',
  place_patrol_cells: 'true',
}

/** Each derived table's rows as one digest. */
async function digests(q: Queryable): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const [table, counts] of Object.entries(derivedRows)) {
    const [row] = await q.query<{ digest: string }>(
      `SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, ',' ORDER BY x::text)), '') AS digest
         FROM ${table} x WHERE ${counts}`,
    )
    out[table] = row?.digest ?? ''
  }
  return out
}

/**
 * Most of the world's incidents and patrols deleted (so the rebuild stays quick), an incident and
 * a patrol added next to a patrolled place, another incident moved and cancelled.
 */
async function writeSome(q: Queryable): Promise<void> {
  await q.query('DELETE FROM incidents WHERE id % 10 <> 0')
  await q.query('DELETE FROM patrols WHERE id % 10 <> 0')
  await q.query(
    `INSERT INTO incidents (id, category, source, status, occurred_at, geom)
     OVERRIDING SYSTEM VALUE
     SELECT 900001, 'dumping', 'app', 'reported', '2026-10-20T23:30:00Z', ST_PointOnSurface(p.geom)
       FROM places p WHERE p.patrol_every_days IS NOT NULL AND p.properties ? 'synthetic' ORDER BY p.id LIMIT 1`,
  )
  await q.query(
    `UPDATE incidents SET status = 'cancelled', geom = ST_Translate(geom, 0.01, 0)
      WHERE id = (SELECT min(id) FROM incidents)`,
  )
  await q.query(
    `INSERT INTO patrols (id, kind, status, started_at, ended_at, track)
     OVERRIDING SYSTEM VALUE
     VALUES (900001, 'actual', 'closed', '2026-10-20T23:00:00Z', '2026-10-21T01:00:00Z',
             ST_GeomFromText('LINESTRING M(119.6 30.63 1792537200, 119.63 30.63 1792540800,
                                           119.63 30.66 1792544400)', 4326))`,
  )
}

class RolledBack extends Error {}

const triggersEnabled = () =>
  db.query<{ tgname: string; tgenabled: string }>(
    `SELECT tgname, tgenabled FROM pg_trigger
      WHERE tgname IN ('incidents_cell_days', 'incidents_place_days', 'patrols_cells', 'patrols_effort_days')
      ORDER BY tgname`,
  )

describe('a bulk load with the derived tables rebuilt', () => {
  it('leaves the tables the per-row triggers leave', async () => {
    let byTriggers: Record<string, string> = {}
    await db
      .transaction(async (tx) => {
        await writeSome(tx)
        byTriggers = await digests(tx)
        throw new RolledBack()
      })
      .catch((error) => {
        if (!(error instanceof RolledBack)) throw error
      })

    const before = await digests(db)
    await db.transaction((tx) =>
      withDerivedTablesRebuilt(tx, async () => {
        await writeSome(tx)
        // The triggers are off while loading: the incidents' tables still count the deleted ones.
        const during = await digests(tx)
        expect(during.incident_cell_days).toBe(before.incident_cell_days)
        expect(during.place_incident_days).toBe(before.place_incident_days)
      }),
    )
    expect(await digests(db)).toEqual(byTriggers)
    expect(byTriggers.patrol_cells).not.toBe(before.patrol_cells)
  })

  it('turns the triggers back on, also when the load fails', async () => {
    await expect(
      db.transaction((tx) =>
        withDerivedTablesRebuilt(tx, async () => {
          throw new Error('the load failed')
        }),
      ),
    ).rejects.toThrow('the load failed')
    const triggers = await triggersEnabled()
    expect(triggers).toHaveLength(4)
    for (const trigger of triggers) expect(trigger.tgenabled).toBe('O')

    const [cells] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incident_cell_days')
    await db.query(
      `INSERT INTO incidents (category, source, occurred_at, geom)
       VALUES ('dumping', 'app', '2019-01-01T00:00:00Z', ST_SetSRID(ST_MakePoint(119.6, 30.6), 4326))`,
    )
    const [after] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incident_cell_days')
    expect(after?.n).toBe((cells?.n ?? 0) + 1)
  })
})
