import type { Queryable } from './db.ts'

/**
 * The per-row triggers that keep the tables derived from incidents and patrols (migrations 004, 005, 007
 * and 008), and how to rebuild each table from the raw rows at once. Row by row, they cost a
 * bulk load as much again as the load itself (the demo world: 36 s instead of 24 s on PGlite).
 */
const derived = [
  {
    on: 'incidents',
    trigger: 'incidents_cell_days',
    table: 'incident_cell_days',
    fill: `INSERT INTO incident_cell_days (day, q, r, category, n)
           SELECT (i.occurred_at AT TIME ZONE 'UTC')::date, c.q, c.r, i.category, count(*)
             FROM incidents i CROSS JOIN LATERAL incident_cell(ST_X(i.geom_m), ST_Y(i.geom_m)) AS c
            GROUP BY 1, 2, 3, 4`,
  },
  {
    on: 'incidents',
    trigger: 'incidents_place_days',
    table: 'place_incident_days',
    fill: `INSERT INTO place_incident_days (place_id, day, n)
           SELECT p.id, (i.occurred_at AT TIME ZONE 'UTC')::date, count(*)
             FROM places p JOIN incidents i ON ST_DWithin(i.geom_m, p.geom_m, 500)
            WHERE p.patrol_every_days IS NOT NULL AND i.status <> 'cancelled'
            GROUP BY 1, 2`,
  },
  {
    on: 'patrols',
    trigger: 'patrols_cells',
    table: 'patrol_cells',
    fill: `INSERT INTO patrol_cells (patrol_id, cx, cy, at)
           SELECT p.id, c.cx, c.cy, c.at
             FROM patrols p CROSS JOIN LATERAL patrol_cells_of(p.track_m) AS c
            WHERE p.kind = 'actual'`,
  },
  {
    on: 'patrols',
    trigger: 'patrols_effort_days',
    table: 'patrol_effort_days',
    fill: `INSERT INTO patrol_effort_days (patrol_id, day, q, r, metres)
           SELECT p.id, e.day, e.q, e.r, e.metres
             FROM patrols p CROSS JOIN LATERAL patrol_effort_of(p.track_m) AS e
            WHERE p.kind = 'actual'`,
  },
]

/**
 * Runs `load` (many inserts, updates or deletes of incidents and patrols) inside the caller's
 * transaction with the per-row triggers on incidents and patrols off, then rebuilds their tables
 * from every row, set-based. The triggers on places stay on: places are few, and their cells are
 * costly enough that rebuilding all of them (the whole of Taihu) would cost more than it saves.
 * ALTER TABLE is transactional: if anything fails, the rollback turns the triggers back on.
 */
export async function withDerivedTablesRebuilt<T>(tx: Queryable, load: () => Promise<T>): Promise<T> {
  for (const { on, trigger } of derived) await tx.query(`ALTER TABLE ${on} DISABLE TRIGGER ${trigger}`)
  const result = await load()
  for (const { table, fill } of derived) {
    await tx.query(`DELETE FROM ${table}`)
    await tx.query(fill)
  }
  for (const { on, trigger } of derived) await tx.query(`ALTER TABLE ${on} ENABLE TRIGGER ${trigger}`)
  return result
}
