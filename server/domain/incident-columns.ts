import type { Queryable } from '../db/db.ts'
import { allocateFrame, type ColumnSpec, type ColumnType } from './column-frame.ts'
import { incidentStatuses } from './incident-lifecycle.ts'
import { filterConditions, type IncidentFilter, incidentCategories } from './incidents.ts'

/**
 * The incidents of a filter as columns for the map (GET /api/incidents.bin): a million points are
 * ~14 MB of typed arrays that the browser hands to deck.gl as they are, where the same as GeoJSON
 * would be ~200 MB of text to parse. A frame of column-frame.ts whose header is an
 * IncidentColumnsHeader, its columns in order:
 *     id           uint32 × count
 *     position     float32 × 2·count: lon, lat of each incident minus `origin` (degrees)
 *     occurred     uint32 × count: occurred_at in whole seconds since `epoch` (Unix seconds)
 *     category     uint8 × count: index into `categories`
 *     status       uint8 × count: index into `statuses`
 *
 * Rows come newest report first (id descending), so a client finds an id by binary search; at most
 * `limit` of them, `truncated` saying that more matched. Offsets from an origin keep float32 within
 * 1e-7° over a city (absolute longitudes in float32 would be off by up to 4e-6°, ~0.4 m).
 */

/** The most rows one answer carries (issue 9: a year of a city is ~1 M incidents). */
export const columnsLimitMax = 2_000_000

/** Column types and values per row, in their order in the frame: the 4-byte ones first, so each is aligned. */
const columnTypes = {
  id: { type: 'uint32', perRow: 1 },
  position: { type: 'float32', perRow: 2 },
  occurred: { type: 'uint32', perRow: 1 },
  category: { type: 'uint8', perRow: 1 },
  status: { type: 'uint8', perRow: 1 },
} as const satisfies Record<string, { type: ColumnType; perRow: number }>
type ColumnName = keyof typeof columnTypes

export interface IncidentColumnsHeader {
  version: 1
  count: number
  limit: number
  truncated: boolean
  /** [lon, lat] the positions are offsets from. */
  origin: [number, number]
  /** Unix seconds that `occurred` counts from. */
  epoch: number
  categories: string[]
  statuses: string[]
  /** `length` counts values, not rows (two per row for positions). */
  columns: Record<ColumnName, ColumnSpec>
}

interface ColumnRow {
  id: number
  lon: number
  lat: number
  category: number
  status: number
  occurred: number
}

/** The filter's incidents (the same WHERE as the JSON list, scope included) as the binary payload. */
export async function incidentColumns(
  db: Queryable,
  filter: Omit<IncidentFilter, 'limit'> & { limit?: number },
): Promise<Buffer> {
  const limit = Math.min(filter.limit ?? columnsLimitMax, columnsLimitMax)
  const params: unknown[] = [incidentCategories, incidentStatuses]
  const param = (value: unknown) => {
    params.push(value)
    return `$${params.length}`
  }
  const conditions = filterConditions(filter, param)
  // Only what the map draws: no joins, no GeoJSON; the dictionaries' indexes come from the database.
  const rows = await db.query<ColumnRow>(
    `SELECT i.id, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat,
            array_position($1::text[], i.category) - 1 AS category,
            array_position($2::text[], i.status) - 1 AS status,
            floor(extract(epoch FROM i.occurred_at))::int8 AS occurred
       FROM incidents i
      ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY i.id DESC
      LIMIT ${param(limit + 1)}`,
    params,
  )
  const truncated = rows.length > limit
  if (truncated) rows.length = limit
  return encodeColumns(rows, { limit, truncated })
}

/** Writes rows into the layout above. */
export function encodeColumns(
  rows: readonly ColumnRow[],
  meta: { limit: number; truncated: boolean },
): Buffer {
  const count = rows.length
  let minLon = Infinity
  let minLat = Infinity
  let epoch = Infinity
  for (const row of rows) {
    if (row.lon < minLon) minLon = row.lon
    if (row.lat < minLat) minLat = row.lat
    if (row.occurred < epoch) epoch = row.occurred
  }
  // A round origin, so that the header reads well; zeros for an empty answer.
  const origin: [number, number] = count
    ? [Math.floor(minLon * 100) / 100, Math.floor(minLat * 100) / 100]
    : [0, 0]
  if (!count) epoch = 0

  const layout = Object.fromEntries(
    Object.entries(columnTypes).map(([name, { type, perRow }]) => [name, { type, length: perRow * count }]),
  ) as Record<ColumnName, { type: ColumnType; length: number }>
  const { bytes, column } = allocateFrame<IncidentColumnsHeader>(
    {
      version: 1,
      count,
      limit: meta.limit,
      truncated: meta.truncated,
      origin,
      epoch,
      categories: [...incidentCategories],
      statuses: [...incidentStatuses],
    },
    layout,
  )
  const ids = column('id', 'uint32')
  const positions = column('position', 'float32')
  const occurred = column('occurred', 'uint32')
  const categories = column('category', 'uint8')
  const statuses = column('status', 'uint8')
  for (let i = 0; i < count; i++) {
    const row = rows[i] as ColumnRow
    ids[i] = row.id
    positions[2 * i] = row.lon - origin[0]
    positions[2 * i + 1] = row.lat - origin[1]
    occurred[i] = row.occurred - epoch
    categories[i] = row.category
    statuses[i] = row.status
  }
  return Buffer.from(bytes.buffer)
}
