import type { Queryable } from '../db/db.ts'

/**
 * This server's copies of tables that requests read a window of days from, kept per UTC day: the
 * per-day cell tables of the hotspot grid (cell-day-cache.ts) and the place squares each track
 * reached (coverage.ts). A window's days are summed in JavaScript from typed arrays instead of
 * being read from the database on every request.
 *
 * Freshness: before each read the window's day versions are read (migrations 013 and 014, bumped
 * by statement triggers on the tables themselves, so every writer counts: a report, a track, the
 * import, another server process, psql), and the days whose version moved are read again. Versions
 * are read before rows, so a write landing between the two leaves rows newer than their version:
 * read again next time, never stale. Versions come from a sequence and are never reused, so rows
 * read inside a transaction that rolls back are read again too.
 */

export interface DayTable<Row extends { day: string }, Day> {
  /** The table's name, which its versions are kept under (cell_day_versions.source). */
  readonly name: string
  /** Reads the rows of the UTC days `days` ('YYYY-MM-DD'), each with its day. */
  read(db: Queryable, days: readonly string[]): Promise<Row[]>
  /** The copy of one day's rows (none, for a day whose rows are gone). */
  copy(rows: Row[]): Day
}

/** Days kept per table (three years); the least recently read go first. */
const maxDays = 1100
/** Days read per query: a year's window at a million incidents is a million rows, better not in flight at once. */
const readChunkDays = 31

type Kept = Map<string, { version: string; day: unknown }>
const copies = new WeakMap<object, Map<string, Kept>>()

function keptOf(db: Queryable, table: string): Kept {
  let tables = copies.get(db.database)
  if (!tables) {
    tables = new Map()
    copies.set(db.database, tables)
  }
  let kept = tables.get(table)
  if (!kept) {
    kept = new Map()
    tables.set(table, kept)
  }
  return kept
}

/** The UTC days [first, end) of `table` that have (or had) rows, as fresh as the database's. */
export async function copiedDays<Row extends { day: string }, Day>(
  db: Queryable,
  table: DayTable<Row, Day>,
  first: Date,
  end: Date,
): Promise<Day[]> {
  const kept = keptOf(db, table.name)
  const versions = await db.query<{ day: string; version: string }>(
    `SELECT day::text AS day, version::text AS version
       FROM cell_day_versions
      WHERE source = $1 AND day >= $2::date AND day < $3::date`,
    [table.name, first.toISOString().slice(0, 10), end.toISOString().slice(0, 10)],
  )
  const days: Day[] = []
  const stale: { day: string; version: string }[] = []
  for (const entry of versions) {
    const held = kept.get(entry.day)
    if (held?.version === entry.version) days.push(held.day as Day)
    else stale.push(entry)
  }
  for (let i = 0; i < stale.length; i += readChunkDays) {
    const chunk = stale.slice(i, i + readChunkDays)
    const names = chunk.map((d) => d.day)
    const byDay = new Map<string, Row[]>(names.map((day) => [day, []]))
    for (const row of await table.read(db, names)) byDay.get(row.day)?.push(row)
    for (const { day, version } of chunk) {
      const copy = table.copy(byDay.get(day) ?? [])
      // Deleted first, so that the map's order stays the order days were read in.
      kept.delete(day)
      kept.set(day, { version, day: copy })
      days.push(copy)
    }
  }
  // Days of this window may go too (a window longer than maxDays): the caller holds them.
  while (kept.size > maxDays) kept.delete(kept.keys().next().value as string)
  return days
}
