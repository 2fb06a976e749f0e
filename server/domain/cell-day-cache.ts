import type { Queryable } from '../db/db.ts'
import type { Hex } from './hex-grid.ts'
import { type IncidentCategory, incidentCategories } from './incidents.ts'

/**
 * The per-day cell tables of the hotspot grid, as this server has read them: a window's whole days
 * are summed here from typed arrays (~80 k day rows for 30 days of a million incidents: ~2 ms)
 * instead of by PostgreSQL (~20 ms, and 14 k rows to parse). Before each sum the window's day
 * versions are read (migrations/013_cell_day_versions.sql, bumped by every write to these tables),
 * and the days whose version moved are read again: what a report, another server process or the
 * import wrote is in the next answer.
 *
 * Versions are read before rows, so a write landing between the two leaves rows newer than their
 * version: read again next time, never stale.
 */

interface CellDaySource {
  /** Rows of the UTC days $1 (date[]): day as text, q, r, group (index into `groups`), value. */
  sql: string
  params: unknown[]
}

const sources = {
  incident_cell_days: {
    sql: `SELECT day::text AS day, q, r, array_position($2::text[], category) - 1 AS "group", n AS value
            FROM incident_cell_days
           WHERE day = ANY ($1::date[]) AND n > 0`,
    params: [incidentCategories],
  },
  patrol_effort_days: {
    sql: `SELECT day::text AS day, q, r, 0 AS "group", metres AS value
            FROM patrol_effort_days
           WHERE day = ANY ($1::date[])`,
    params: [],
  },
} satisfies Record<string, CellDaySource>
export type CellDayTable = keyof typeof sources

/** One UTC day of a table: one entry per row. */
interface CellDay {
  version: string
  q: Int32Array
  r: Int32Array
  group: Uint8Array
  value: Float64Array
  /** Bounds of q and r (Infinity and -Infinity for an empty day). */
  qMin: number
  qMax: number
  rMin: number
  rMax: number
}

/** Days kept per table (three years); the least recently read go first. */
const maxDays = 1100
/** Days read per query. */
const readChunkDays = 31

const caches = new WeakMap<Queryable, Record<CellDayTable, Map<string, CellDay>>>()

function cacheOf(db: Queryable, table: CellDayTable): Map<string, CellDay> {
  let tables = caches.get(db)
  if (!tables) {
    tables = { incident_cell_days: new Map(), patrol_effort_days: new Map() }
    caches.set(db, tables)
  }
  return tables[table]
}

/**
 * The sum of `value` per cell over the UTC days [first, end) of `table`, each cell made by `cell`;
 * for incidents only the given categories when there are any. Cells whose sum is not positive are
 * left out.
 */
export async function sumCellDays<C extends Hex>(
  db: Queryable,
  table: CellDayTable,
  span: { first: Date; end: Date; categories?: readonly IncidentCategory[] },
  cell: (q: number, r: number, sum: number) => C,
): Promise<C[]> {
  const { first, end, categories } = span
  const cache = cacheOf(db, table)
  const versions = await db.query<{ day: string; version: string }>(
    `SELECT day::text AS day, version::text AS version
       FROM cell_day_versions
      WHERE source = $1 AND day >= $2::date AND day < $3::date`,
    [table, first.toISOString().slice(0, 10), end.toISOString().slice(0, 10)],
  )
  // The days of the window as kept, and those read again in chunks of a month: a year's window at
  // a million incidents is a million rows, better not in flight at once.
  const days: CellDay[] = []
  const stale: { day: string; version: string }[] = []
  for (const entry of versions) {
    const kept = cache.get(entry.day)
    if (kept?.version === entry.version) days.push(kept)
    else stale.push(entry)
  }
  for (let i = 0; i < stale.length; i += readChunkDays) {
    days.push(...(await readDays(db, table, stale.slice(i, i + readChunkDays), cache)))
  }

  const groups = categories ? new Set(categories.map((c) => incidentCategories.indexOf(c))) : undefined
  // The sums live on a lattice over the days' bounds, one slot per cell: typed-array adds instead of
  // a Map's lookups (80 k of them for 30 days at a million incidents).
  const qMin = Math.min(...days.map((d) => d.qMin))
  const rMin = Math.min(...days.map((d) => d.rMin))
  const height = Math.max(...days.map((d) => d.rMax)) - rMin + 1
  const width = Math.max(...days.map((d) => d.qMax)) - qMin + 1
  if (!(width > 0 && height > 0)) return []
  const lattice = new Float64Array(width * height)
  for (const rows of days) {
    for (let i = 0; i < rows.q.length; i++) {
      if (groups && !groups.has(rows.group[i] as number)) continue
      const slot = ((rows.q[i] as number) - qMin) * height + ((rows.r[i] as number) - rMin)
      lattice[slot] += rows.value[i] as number
    }
  }
  const sums: C[] = []
  for (let slot = 0; slot < lattice.length; slot++) {
    const sum = lattice[slot] as number
    if (sum > 0) sums.push(cell(qMin + Math.floor(slot / height), rMin + (slot % height), sum))
  }
  return sums
}

/** Reads `days` of `table` into the cache under their versions; returns them. */
async function readDays(
  db: Queryable,
  table: CellDayTable,
  days: readonly { day: string; version: string }[],
  cache: Map<string, CellDay>,
): Promise<CellDay[]> {
  const source: CellDaySource = sources[table]
  type Row = { day: string; q: number; r: number; group: number; value: number }
  const rows = await db.query<Row>(source.sql, [days.map((d) => d.day), ...source.params])
  const byDay = new Map<string, Row[]>()
  for (const row of rows) {
    const list = byDay.get(row.day)
    if (list) list.push(row)
    else byDay.set(row.day, [row])
  }
  const read = days.map(({ day, version }) => {
    const run = byDay.get(day) ?? []
    const q = Int32Array.from(run, (row) => row.q)
    const r = Int32Array.from(run, (row) => row.r)
    // A loop, not Math.min(...q): a day of a province would pass too many arguments.
    const bounds = { qMin: Infinity, qMax: -Infinity, rMin: Infinity, rMax: -Infinity }
    for (let i = 0; i < q.length; i++) {
      bounds.qMin = Math.min(bounds.qMin, q[i] as number)
      bounds.qMax = Math.max(bounds.qMax, q[i] as number)
      bounds.rMin = Math.min(bounds.rMin, r[i] as number)
      bounds.rMax = Math.max(bounds.rMax, r[i] as number)
    }
    const kept: CellDay = {
      version,
      q,
      r,
      group: Uint8Array.from(run, (row) => row.group),
      value: Float64Array.from(run, (row) => row.value),
      ...bounds,
    }
    // Deleted first, so that the map's order stays the order days were read in.
    cache.delete(day)
    cache.set(day, kept)
    return kept
  })
  // Days of this window may go too (a window longer than maxDays): the caller holds them.
  while (cache.size > maxDays) cache.delete(cache.keys().next().value as string)
  return read
}
