import type { Queryable } from '../db/db.ts'
import { copiedDays, type DayTable } from './day-copy.ts'
import type { Hex } from './hex-grid.ts'
import { type IncidentCategory, incidentCategories } from './incidents.ts'

/**
 * The per-day cell tables of the hotspot grid, as this server has read them (day-copy.ts): a
 * window's whole days are summed here from typed arrays (~80 k day rows for 30 days of a million
 * incidents: ~2 ms) instead of by PostgreSQL (~20 ms, and 14 k rows to parse).
 */

/** One UTC day of a table: one entry per row. */
interface CellDay {
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

type CellDayRow = { day: string; q: number; r: number; group: number; value: number }

/**
 * A per-day cell table: `sql` reads the rows of the UTC days $1 (date[]) as day (text), q, r, group
 * (an index into the source's groups), value.
 */
const cellDayTable = (name: string, sql: string, params: unknown[]): DayTable<CellDayRow, CellDay> => ({
  name,
  read: (db, days) => db.query<CellDayRow>(sql, [days, ...params]),
  copy: cellDay,
})

function cellDay(rows: readonly CellDayRow[]): CellDay {
  const q = Int32Array.from(rows, (row) => row.q)
  const r = Int32Array.from(rows, (row) => row.r)
  // A loop, not Math.min(...q): a day of a province would pass too many arguments.
  const bounds = { qMin: Infinity, qMax: -Infinity, rMin: Infinity, rMax: -Infinity }
  for (let i = 0; i < q.length; i++) {
    bounds.qMin = Math.min(bounds.qMin, q[i] as number)
    bounds.qMax = Math.max(bounds.qMax, q[i] as number)
    bounds.rMin = Math.min(bounds.rMin, r[i] as number)
    bounds.rMax = Math.max(bounds.rMax, r[i] as number)
  }
  return {
    q,
    r,
    group: Uint8Array.from(rows, (row) => row.group),
    value: Float64Array.from(rows, (row) => row.value),
    ...bounds,
  }
}

const tables = {
  incident_cell_days: cellDayTable(
    'incident_cell_days',
    `SELECT day::text AS day, q, r, array_position($2::text[], category) - 1 AS "group", n AS value
       FROM incident_cell_days
      WHERE day = ANY ($1::date[]) AND n > 0`,
    [incidentCategories],
  ),
  patrol_effort_days: cellDayTable(
    'patrol_effort_days',
    `SELECT day::text AS day, q, r, 0 AS "group", metres AS value
       FROM patrol_effort_days
      WHERE day = ANY ($1::date[])`,
    [],
  ),
}
export type CellDayTable = keyof typeof tables

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
  const days = await copiedDays(db, tables[table], first, end)

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
