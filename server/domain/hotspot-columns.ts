import type { BBox } from './bbox.ts'
import { allocateFrame, type ColumnSpec, type ColumnType, type Frame, readFrame } from './column-frame.ts'
import type { IncidentCategory } from './incidents.ts'
import { type HotspotClass, hotspotClasses } from './statistics.ts'

/**
 * The hotspot cells of a window as columns (GET /api/hotspots, docs/hotspots.md): one value per
 * cell in each typed array, hottest cell first. No polygons: a cell is named by (q, r) on the grid of
 * hex-grid.ts, and the browser draws its hexagon from that (hexLonLatRings), so 15 k cells are
 * ~0.6 MB of numbers instead of ~6 MB of GeoJSON text. Encoder and decoder are both here (no server
 * dependency: the client imports this file). A frame of column-frame.ts whose header is a
 * HotspotColumnsHeader, its columns in order:
 *     z           float64: Getis-Ord Gi* z-score
 *     p           float64: its two-sided p-value
 *     per_100km   float64: incidents per 100 km patrolled, NaN where not given (null in GeoJSON)
 *     q, r        int32: axial coordinates of the cell
 *     count       uint32: incidents
 *     effort_m    uint32: metres of patrol track
 *     class       uint8: index into the header's `classes`
 */

export interface HotspotSummary {
  cells: number
  incidents: number
  effort_km: number
  mean: number
  sd: number
  hot: number
  cold: number
}

/** What the request asked and what the study area came to: the same in both forms of the answer. */
export interface HotspotWindow {
  from: string
  to: string
  /** Hexagon edge length in metres. */
  cell: number
  categories: IncidentCategory[] | null
  bbox: BBox | null
  summary: HotspotSummary
}

export interface HotspotColumns extends HotspotWindow {
  /** Number of cells (values in each column). */
  length: number
  z: Float64Array
  p: Float64Array
  /** NaN where effort is under minEffortKm (the rate would be noise). */
  per100km: Float64Array
  q: Int32Array
  r: Int32Array
  count: Uint32Array
  effortMetres: Uint32Array
  /** Indexes into `classNames`. */
  classIndex: Uint8Array
  classNames: readonly HotspotClass[]
}

/** The columns in their order in the frame: the 8-byte ones first, so that each is aligned. */
const columnTypes = {
  z: 'float64',
  p: 'float64',
  per_100km: 'float64',
  q: 'int32',
  r: 'int32',
  count: 'uint32',
  effort_m: 'uint32',
  class: 'uint8',
} as const satisfies Record<string, ColumnType>
type ColumnName = keyof typeof columnTypes

interface HotspotColumnsHeader extends HotspotWindow {
  version: 1
  length: number
  classes: readonly string[]
  columns: Record<ColumnName, ColumnSpec>
}

/** Empty columns for `length` cells, to be filled. */
export function allocateHotspotColumns(
  window: HotspotWindow,
  length: number,
): HotspotColumns & { bytes: Uint8Array } {
  const layout = Object.fromEntries(
    Object.entries(columnTypes).map(([name, type]) => [name, { type, length }]),
  ) as Record<ColumnName, { type: ColumnType; length: number }>
  const frame = allocateFrame<HotspotColumnsHeader>(
    { version: 1, ...window, length, classes: hotspotClasses },
    layout,
  )
  return { ...hotspotColumnsOf(frame), bytes: frame.bytes }
}

/** The columns of an answer, as typed arrays over its own bytes (nothing is copied). */
export const decodeHotspotColumns = (buffer: ArrayBuffer): HotspotColumns =>
  hotspotColumnsOf(readFrame<HotspotColumnsHeader>(buffer, 'hotspot columns', 1))

function hotspotColumnsOf({ header, column }: Frame<HotspotColumnsHeader>): HotspotColumns {
  return {
    from: header.from,
    to: header.to,
    cell: header.cell,
    categories: header.categories,
    bbox: header.bbox,
    summary: header.summary,
    length: header.length,
    z: column('z', 'float64'),
    p: column('p', 'float64'),
    per100km: column('per_100km', 'float64'),
    q: column('q', 'int32'),
    r: column('r', 'int32'),
    count: column('count', 'uint32'),
    effortMetres: column('effort_m', 'uint32'),
    classIndex: column('class', 'uint8'),
    classNames: header.classes as HotspotClass[],
  }
}

/** A cell as the GeoJSON form's properties (and the map's hover card) give it. */
export interface HotspotProperties {
  q: number
  r: number
  count: number
  z: number
  p: number
  class: HotspotClass
  effort_km: number
  /** Incidents per 100 km patrolled; null under minEffortKm of patrol. */
  per_100km: number | null
}

/** The properties of cell `i` of the columns. */
export function hotspotProperties(columns: HotspotColumns, i: number): HotspotProperties {
  const per100km = columns.per100km[i] as number
  return {
    q: columns.q[i] as number,
    r: columns.r[i] as number,
    count: columns.count[i] as number,
    z: columns.z[i] as number,
    p: columns.p[i] as number,
    class: columns.classNames[columns.classIndex[i] as number] ?? 'none',
    effort_km: (columns.effortMetres[i] as number) / 1000,
    per_100km: Number.isNaN(per100km) ? null : per100km,
  }
}

/** The index of cell (q, r), or -1. */
export function indexOfCell(columns: HotspotColumns, q: number, r: number): number {
  for (let i = 0; i < columns.length; i++) if (columns.q[i] === q && columns.r[i] === r) return i
  return -1
}
