import type { Queryable } from './db.ts'

/**
 * The per-row triggers that keep the tables derived from incidents and patrols (migrations 004,
 * 005, 007 and 008), and how to add the contribution of every row with an id above `$1` to each
 * table at once. Row by row, the triggers cost a bulk load as much again as the load itself (the
 * demo world: 36 s instead of 24 s on PGlite). Counts are added to what a table holds, so the same
 * statements serve a rebuild (an emptied table, `$1` = 0) and an import (the new rows only).
 */
const derived = [
  {
    on: 'incidents',
    trigger: 'incidents_cell_days',
    table: 'incident_cell_days',
    add: `INSERT INTO incident_cell_days (day, q, r, category, n)
          SELECT (i.occurred_at AT TIME ZONE 'UTC')::date, c.q, c.r, i.category, count(*)
            FROM incidents i CROSS JOIN LATERAL incident_hexagon(ST_X(i.geom_m), ST_Y(i.geom_m)) AS c
           WHERE i.id > $1
           GROUP BY 1, 2, 3, 4
          ON CONFLICT (day, q, r, category) DO UPDATE SET n = incident_cell_days.n + excluded.n`,
  },
  {
    on: 'incidents',
    trigger: 'incidents_place_days',
    table: 'place_incident_days',
    // The places drive (a thousand GiST probes of the incidents, not one probe per incident);
    // `i.id + 0` keeps the planner from intersecting every probe with the id range.
    add: `INSERT INTO place_incident_days (place_id, day, n)
          SELECT p.id, (i.occurred_at AT TIME ZONE 'UTC')::date, count(*)
            FROM places p JOIN incidents i ON ST_DWithin(i.geom_m, p.geom_m, 500)
           WHERE p.patrol_every_days IS NOT NULL AND i.status <> 'cancelled' AND i.id + 0 > $1
           GROUP BY 1, 2
          ON CONFLICT (place_id, day) DO UPDATE SET n = place_incident_days.n + excluded.n`,
  },
  {
    on: 'patrols',
    trigger: 'patrols_cells',
    table: 'patrol_cells',
    add: `INSERT INTO patrol_cells (patrol_id, cx, cy, at)
          SELECT p.id, c.cx, c.cy, c.at
            FROM patrols p CROSS JOIN LATERAL patrol_cells_of(p.track_m) AS c
           WHERE p.kind = 'actual' AND p.id > $1`,
  },
  {
    on: 'patrols',
    trigger: 'patrols_effort_days',
    table: 'patrol_effort_days',
    add: `INSERT INTO patrol_effort_days (patrol_id, day, q, r, metres)
          SELECT p.id, e.day, e.q, e.r, e.metres
            FROM patrols p CROSS JOIN LATERAL patrol_effort_of(p.track_m) AS e
           WHERE p.kind = 'actual' AND p.id > $1`,
  },
]

type Derived = (typeof derived)[number]

async function setTriggers(tx: Queryable, tables: readonly Derived[], state: 'ENABLE' | 'DISABLE') {
  for (const { on, trigger } of tables) await tx.query(`ALTER TABLE ${on} ${state} TRIGGER ${trigger}`)
}

/**
 * Runs `load` (many inserts, updates or deletes of incidents and patrols) inside the caller's
 * transaction with the per-row triggers on incidents and patrols off, then rebuilds their tables
 * from every row, set-based. The triggers on places stay on: places are few, and their cells are
 * costly enough that rebuilding all of them (the whole of Taihu) would cost more than it saves.
 * ALTER TABLE is transactional: if anything fails, the rollback turns the triggers back on.
 */
export async function withDerivedTablesRebuilt<T>(tx: Queryable, load: () => Promise<T>): Promise<T> {
  await setTriggers(tx, derived, 'DISABLE')
  const result = await load()
  for (const { table, add } of derived) {
    await tx.query(`DELETE FROM ${table}`)
    await tx.query(add, [0])
  }
  await setTriggers(tx, derived, 'ENABLE')
  return result
}

/**
 * Runs `insert` (new incidents only, no updates or deletes of stored ones) inside the caller's
 * transaction with the per-row triggers on incidents off, then adds the new rows' counts to their
 * tables set-based: an import into a database of millions costs in proportion to the import. The
 * new rows are those with an id above the highest before `insert` (its argument): DISABLE TRIGGER
 * locks incidents (ACCESS EXCLUSIVE) until the transaction ends, so no other session inserts
 * meanwhile, and every insert begun before has ended. Reads of incidents wait for the transaction too.
 */
export async function withIncidentCountsAdded<T>(
  tx: Queryable,
  insert: (lastIdBefore: number) => Promise<T>,
): Promise<T> {
  const onIncidents = derived.filter((d) => d.on === 'incidents')
  await setTriggers(tx, onIncidents, 'DISABLE')
  const [before] = await tx.query<{ id: number }>('SELECT coalesce(max(id), 0) AS id FROM incidents')
  const lastIdBefore = before?.id ?? 0
  const result = await insert(lastIdBefore)
  for (const { add } of onIncidents) await tx.query(add, [lastIdBefore])
  await setTriggers(tx, onIncidents, 'ENABLE')
  return result
}
