import type { Queryable } from '../db/db.ts'
import { incidentStatuses } from './incident-lifecycle.ts'
import { filterConditions, type IncidentFilter, incidentCategories } from './incidents.ts'

/**
 * The incidents of a filter as columns for the map (GET /api/incidents.bin): a million points are
 * ~14 MB of typed arrays that the browser hands to deck.gl as they are, where the same as GeoJSON
 * would be ~200 MB of text to parse. The layout, all numbers little-endian:
 *
 *   uint32          header length H in bytes (a multiple of 4)
 *   H bytes         header: UTF-8 JSON (IncidentColumnsHeader), padded with spaces
 *   columns         from byte 4 + H on, each at its `offset` from there (`length` values), in order:
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

export const columnNames = ['id', 'position', 'occurred', 'category', 'status'] as const
export type ColumnName = (typeof columnNames)[number]

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
  /** Byte offset from the end of the header, and number of values (not rows). */
  columns: Record<ColumnName, { type: 'uint32' | 'float32' | 'uint8'; offset: number; length: number }>
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

  const columns = {} as IncidentColumnsHeader['columns']
  let bodyBytes = 0
  for (const name of columnNames) {
    const { type, perRow } = columnTypes[name]
    columns[name] = { type, offset: bodyBytes, length: perRow * count }
    bodyBytes += perRow * count * bytesOf[type]
  }
  const header: IncidentColumnsHeader = {
    version: 1,
    count,
    limit: meta.limit,
    truncated: meta.truncated,
    origin,
    epoch,
    categories: [...incidentCategories],
    statuses: [...incidentStatuses],
    columns,
  }
  const json = Buffer.from(JSON.stringify(header))
  const headerBytes = Math.ceil(json.length / 4) * 4
  const body = 4 + headerBytes
  const bytes = new ArrayBuffer(body + bodyBytes)
  new DataView(bytes).setUint32(0, headerBytes, true)
  const text = new Uint8Array(bytes, 4, headerBytes).fill(0x20)
  text.set(json)

  const ids = new Uint32Array(bytes, body + columns.id.offset, count)
  const positions = new Float32Array(bytes, body + columns.position.offset, 2 * count)
  const occurred = new Uint32Array(bytes, body + columns.occurred.offset, count)
  const categories = new Uint8Array(bytes, body + columns.category.offset, count)
  const statuses = new Uint8Array(bytes, body + columns.status.offset, count)
  for (let i = 0; i < count; i++) {
    const row = rows[i] as ColumnRow
    ids[i] = row.id
    positions[2 * i] = row.lon - origin[0]
    positions[2 * i + 1] = row.lat - origin[1]
    occurred[i] = row.occurred - epoch
    categories[i] = row.category
    statuses[i] = row.status
  }
  return Buffer.from(bytes)
}

const bytesOf = { uint32: 4, float32: 4, uint8: 1 } as const
/** Column types and values per row; the 4-byte columns come first, so every column is aligned. */
const columnTypes: Record<ColumnName, { type: keyof typeof bytesOf; perRow: number }> = {
  id: { type: 'uint32', perRow: 1 },
  position: { type: 'float32', perRow: 2 },
  occurred: { type: 'uint32', perRow: 1 },
  category: { type: 'uint8', perRow: 1 },
  status: { type: 'uint8', perRow: 1 },
}
