import type { Queryable } from '../db/db.ts'
import { copiedDays, type DayTable } from './day-copy.ts'

/**
 * What the tracks of a window reached of each patrolled line and area, from this server's copy of
 * place_patrol_cells (migrations/009_coverage_windows.sql; kept fresh by day-copy.ts): a window's
 * ~56 k rows at a million incidents a year are made distinct per place square and per place patrol
 * here in a few milliseconds, where PostgreSQL took most of a coverage request.
 */

/** One UTC day of place_patrol_cells, one entry per row; `place` indexes `placeIds`. */
interface PlacePatrolDay {
  placeIds: string[]
  place: Int32Array
  cx: Int32Array
  cy: Int32Array
  patrol: Int32Array
  /** When the track reached the square, epoch milliseconds. */
  at: Float64Array
  amount: Float64Array
}

type Row = {
  day: string
  place_id: string
  cx: number
  cy: number
  patrol_id: number
  at: Date
  amount: number
}

function placePatrolDay(rows: readonly Row[]): PlacePatrolDay {
  const placeIds: string[] = []
  const indexOf = new Map<string, number>()
  const place = Int32Array.from(rows, (row) => {
    let index = indexOf.get(row.place_id)
    if (index === undefined) {
      index = placeIds.push(row.place_id) - 1
      indexOf.set(row.place_id, index)
    }
    return index
  })
  return {
    placeIds,
    place,
    cx: Int32Array.from(rows, (row) => row.cx),
    cy: Int32Array.from(rows, (row) => row.cy),
    patrol: Int32Array.from(rows, (row) => row.patrol_id),
    at: Float64Array.from(rows, (row) => row.at.getTime()),
    amount: Float64Array.from(rows, (row) => row.amount),
  }
}

const placePatrolCells: DayTable<Row, PlacePatrolDay> = {
  name: 'place_patrol_cells',
  // Each day as a range of `at`, so that the rows come off place_patrol_cells_at_idx alone.
  read: (db, days) =>
    db.query<Row>(
      `SELECT d.day::text AS day, x.place_id, x.cx, x.cy, x.patrol_id, x.at, x.amount
         FROM unnest($1::date[]) AS d (day)
         JOIN place_patrol_cells x
           ON x.at >= d.day::timestamp AT TIME ZONE 'UTC'
          AND x.at < (d.day + 1)::timestamp AT TIME ZONE 'UTC'`,
      [days],
    ),
  copy: placePatrolDay,
}

export interface PlaceReached {
  /** The sum of `amount` over the place's squares a track reached in the window (each once). */
  covered: number
  /** The tracks that reached one of its squares in the window. */
  patrols: Set<number>
}

const DAY_MS = 86_400_000
// A square as one number: cx and cy are 250 m steps of EPSG:4549, far inside ±2^20.
const squareKey = (cx: number, cy: number) => (cx + 2 ** 20) * 2 ** 21 + (cy + 2 ** 20)

/** Per place of `placeIds` that a track reached in [from, to): what it reached. */
export async function placesReachedInWindow(
  db: Queryable,
  window: { from: Date; to: Date },
  placeIds: ReadonlySet<string>,
): Promise<Map<string, PlaceReached>> {
  const from = window.from.getTime()
  const to = window.to.getTime()
  const days = await copiedDays(
    db,
    placePatrolCells,
    new Date(Math.floor(from / DAY_MS) * DAY_MS),
    new Date(Math.ceil(to / DAY_MS) * DAY_MS),
  )
  type Entry = PlaceReached & { squares: Set<number> }
  const reached = new Map<string, Entry>()
  for (const day of days) {
    // The day's places as this window's entries: null when not asked for, made at their first row.
    const entries: (Entry | null | undefined)[] = day.placeIds.map((id) =>
      placeIds.has(id) ? undefined : null,
    )
    for (let i = 0; i < day.place.length; i++) {
      const at = day.at[i] as number
      const p = day.place[i] as number
      let entry = entries[p]
      if (entry === null || at < from || at >= to) continue
      if (entry === undefined) {
        const id = day.placeIds[p] as string
        entry = reached.get(id) ?? { covered: 0, patrols: new Set(), squares: new Set() }
        reached.set(id, entry)
        entries[p] = entry
      }
      entry.patrols.add(day.patrol[i] as number)
      const square = squareKey(day.cx[i] as number, day.cy[i] as number)
      if (!entry.squares.has(square)) {
        entry.squares.add(square)
        entry.covered += day.amount[i] as number
      }
    }
  }
  return new Map([...reached].map(([id, { covered, patrols }]) => [id, { covered, patrols }]))
}
