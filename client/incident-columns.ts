import { readFrame } from '../server/domain/column-frame.ts'
import type { IncidentColumnsHeader } from '../server/domain/incident-columns.ts'
import {
  type IncidentCategory,
  type IncidentStatus,
  incidentCategories,
  incidentStatuses,
} from './incidents-api.ts'

/**
 * The decoder of GET /api/incidents.bin (layout: server/domain/incident-columns.ts): the header is
 * read as JSON, the columns become typed arrays over the answer's own bytes (nothing is copied), so
 * the positions can go to deck.gl as they are.
 */

export interface IncidentColumns {
  count: number
  limit: number
  truncated: boolean
  /** [lon, lat] that `positions` are offsets from. */
  origin: [number, number]
  /** Unix seconds that `occurred` counts from. */
  epoch: number
  /** Newest report first (descending), so `indexOfId` is a binary search. */
  ids: Uint32Array
  /** lon, lat − origin of each incident (degrees). */
  positions: Float32Array
  /** occurred_at in seconds since `epoch`. */
  occurred: Uint32Array
  /** Indexes into `incidentCategories` / `incidentStatuses` of this client (remapped if the server's differ). */
  categories: Uint8Array
  statuses: Uint8Array
}

export function decodeIncidentColumns(bytes: ArrayBuffer): IncidentColumns {
  // The server's header type, as sent; the version and each column are still checked, the bytes
  // may come from a server of another version.
  const { header, column } = readFrame<IncidentColumnsHeader>(bytes, 'incident columns', 1)
  return {
    count: header.count,
    limit: header.limit,
    truncated: header.truncated,
    origin: header.origin,
    epoch: header.epoch,
    ids: column('id', 'uint32'),
    positions: column('position', 'float32'),
    occurred: column('occurred', 'uint32'),
    categories: remap(column('category', 'uint8'), header.categories, incidentCategories),
    statuses: remap(column('status', 'uint8'), header.statuses, incidentStatuses),
  }
}

/** Indexes of the server's dictionary as indexes of ours: the same array when they agree (always, today). */
function remap(values: Uint8Array, theirs: readonly string[], ours: readonly string[]): Uint8Array {
  if (theirs.length === ours.length && theirs.every((name, i) => name === ours[i])) return values
  const table = theirs.map((name) => Math.max(0, ours.indexOf(name)))
  return values.map((value) => table[value] ?? 0)
}

/** The row of an id, or -1. */
export function indexOfId(columns: IncidentColumns, id: number): number {
  const ids = columns.ids
  let low = 0
  let high = ids.length - 1
  while (low <= high) {
    const mid = (low + high) >>> 1
    const value = ids[mid] as number
    if (value === id) return mid
    // Descending: larger ids lie to the left.
    if (value > id) low = mid + 1
    else high = mid - 1
  }
  return -1
}

export const categoryAt = (columns: IncidentColumns, index: number): IncidentCategory =>
  incidentCategories[columns.categories[index] as number] ?? 'poaching'
export const statusAt = (columns: IncidentColumns, index: number): IncidentStatus =>
  incidentStatuses[columns.statuses[index] as number] ?? 'reported'
export const lonLatAt = (columns: IncidentColumns, index: number): [number, number] => [
  columns.origin[0] + (columns.positions[2 * index] as number),
  columns.origin[1] + (columns.positions[2 * index + 1] as number),
]
export const occurredAt = (columns: IncidentColumns, index: number): Date =>
  new Date((columns.epoch + (columns.occurred[index] as number)) * 1000)
