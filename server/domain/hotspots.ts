import { inScopeSql, type Viewer } from '../auth/scope.ts'
import type { Queryable } from '../db/db.ts'
import { badRequest } from '../errors.ts'
import type { BBox } from './bbox.ts'
import { sumCellDays } from './cell-day-cache.ts'
import {
  epsg4549ToLonLat,
  type Hex,
  hexArea,
  hexBinSql,
  hexCentre,
  hexKey,
  hexLonLatRings,
  hexNumber,
  hexOfNumber,
  hexOfPoint,
  neighbourOffsets,
} from './hex-grid.ts'
import {
  allocateHotspotColumns,
  type HotspotColumns,
  type HotspotProperties,
  type HotspotWindow,
  hotspotProperties,
} from './hotspot-columns.ts'
import type { IncidentCategory } from './incidents.ts'
import {
  descendingOrder,
  getisOrdGiStar,
  type HotspotClass,
  hotspotClass,
  hotspotClasses,
  type NeighbourTable,
  twoSidedP,
} from './statistics.ts'
import { parseInstant } from './time.ts'

/**
 * Incident hotspots on a hexagon grid (DESIGN.md, "Hotspot"): incidents and patrol effort per cell in
 * a time window, and a Getis-Ord Gi* z-score per cell so that "significantly hot" is not just "many".
 * docs/hotspots.md states every definition used here; hex-grid.ts holds the grid's maths.
 */

/** Hexagon edge length (= centre-to-corner radius) in metres: default and limits. */
export const cellDefault = 500
export const cellMin = 50
export const cellMax = 20_000
/** A request whose area would hold more hexagons than this is refused. */
export const maxCells = 200_000
/** Below this much patrolling in a cell the rate per 100 km is not given (null): it would be noise. */
export const minEffortKm = 0.1
/** The window when `from` is not given: this many days before `to`. */
export const defaultWindowDays = 90

export interface TimeWindow {
  /** occurred_at ≥ from */
  from: Date
  /** occurred_at < to */
  to: Date
}

export interface HotspotFilter extends TimeWindow {
  /** Hexagon edge length in metres (EPSG:4549). */
  cell: number
  /** Only these categories; all when absent. */
  categories?: IncidentCategory[]
  /** Only cells whose centre lies in this lon/lat box; the study area is then cut to it. */
  bbox?: BBox
  /** Only incidents in this user's scope (auth/scope.ts). */
  viewer?: Viewer
}

// --- parameters ----------------------------------------------------------------------------------

/**
 * The time window of a request: `to` defaults to now, `from` to `defaultFrom(to)`.
 * `from` must come before `to` (an empty window is refused too).
 */
export function parseWindow(
  fromText: string | undefined,
  toText: string | undefined,
  defaultFrom: (to: Date) => Date = (to) => new Date(to.getTime() - defaultWindowDays * 86_400_000),
): TimeWindow {
  const to = toText === undefined ? new Date() : parseInstant('to', toText)
  const from = fromText === undefined ? defaultFrom(to) : parseInstant('from', fromText)
  if (from.getTime() >= to.getTime()) {
    throw badRequest(`from (${from.toISOString()}) must be before to (${to.toISOString()})`, [
      { field: 'from', code: 'after_to', from: from.toISOString(), to: to.toISOString() },
    ])
  }
  return { from, to }
}

/** Checks a hexagon edge length in metres. */
export function checkCell(cell: number): number {
  if (!Number.isFinite(cell) || cell < cellMin || cell > cellMax) {
    throw badRequest(
      `cell is the hexagon's edge length in metres and must lie within ${cellMin}..${cellMax}, got ${cell}`,
      [{ field: 'cell', code: 'out_of_range', min: cellMin, max: cellMax, value: cell }],
    )
  }
  return cell
}

const earthRadiusM = 6_371_008.8

/** Area in m² of a lon/lat box on the sphere: R² · Δλ · (sin φ2 − sin φ1). */
export function bboxAreaM2([minLon, minLat, maxLon, maxLat]: BBox): number {
  const rad = Math.PI / 180
  return earthRadiusM ** 2 * (maxLon - minLon) * rad * (Math.sin(maxLat * rad) - Math.sin(minLat * rad))
}

/**
 * The served area as a lon/lat box: the box around Huzhou's districts. Null when the database holds
 * no districts. (Incidents up to 50 km outside are still counted; the box only sizes the estimate.)
 */
export async function servedExtent(db: Queryable): Promise<BBox | null> {
  const [row] = await db.query<{ min_lon: number | null; min_lat: number; max_lon: number; max_lat: number }>(
    `SELECT ST_XMin(e) AS min_lon, ST_YMin(e) AS min_lat, ST_XMax(e) AS max_lon, ST_YMax(e) AS max_lat
       FROM (SELECT ST_Extent(geom) AS e FROM boundaries WHERE level = 'district') AS extent`,
  )
  if (!row || row.min_lon === null) return null
  return [row.min_lon, row.min_lat, row.max_lon, row.max_lat]
}

/**
 * Refuses a cell size that would cut the area into more than `maxCells` hexagons. The area is the
 * bbox clipped to the served area's box (or the served area's box without a bbox), so zooming far out
 * on the map is no mistake. Returns the estimate.
 */
export async function checkCellBudget(db: Queryable, cell: number, bbox?: BBox): Promise<number> {
  const served = await servedExtent(db)
  let area = 0
  if (served && bbox) {
    const clipped: BBox = [
      Math.max(bbox[0], served[0]),
      Math.max(bbox[1], served[1]),
      Math.min(bbox[2], served[2]),
      Math.min(bbox[3], served[3]),
    ]
    area = clipped[0] < clipped[2] && clipped[1] < clipped[3] ? bboxAreaM2(clipped) : 0
  } else if (served) {
    area = bboxAreaM2(served)
  } else if (bbox) {
    area = bboxAreaM2(bbox)
  }
  const estimate = Math.ceil(area / hexArea(cell))
  if (estimate > maxCells) {
    // The smallest edge that keeps the same area under the limit, rounded up to 10 m.
    const smallest = Math.ceil(Math.sqrt(area / maxCells / ((3 * Math.sqrt(3)) / 2)) / 10) * 10
    throw badRequest(
      `a ${cell} m cell cuts this area (${Math.round(area / 1e6)} km²) into about ${estimate} hexagons, more than the limit of ${maxCells}; use cell=${smallest} or more, or a smaller bbox`,
      [{ field: 'cell', code: 'too_many_cells', estimate, max: maxCells, smallest_cell: smallest }],
    )
  }
  return estimate
}

// --- the queries ---------------------------------------------------------------------------------

/** Collects query parameters as `$n` placeholders. */
export class Params {
  readonly values: unknown[] = []
  add(value: unknown): string {
    this.values.push(value)
    return `$${this.values.length}`
  }
}

/**
 * The bbox widened by a little more than one cell's radius, in degrees, so that every incident of a
 * cell whose centre lies in the bbox is counted, however the bbox cuts the cell.
 */
export function widenedBBox(bbox: BBox, cell: number): BBox {
  const worstLat = Math.min(89, Math.max(Math.abs(bbox[1]), Math.abs(bbox[3])))
  const dLat = (1.01 * cell) / 110_000
  const dLon = (1.01 * cell) / (111_000 * Math.cos((worstLat * Math.PI) / 180))
  return [
    Math.max(-180, bbox[0] - dLon),
    Math.max(-90, bbox[1] - dLat),
    Math.min(180, bbox[2] + dLon),
    Math.min(90, bbox[3] + dLat),
  ]
}

/** The WHERE conditions on `incidents i` for a window, categories, a lon/lat box and a user's scope. */
export function incidentConditions(
  params: Params,
  filter: TimeWindow & { categories?: IncidentCategory[]; bbox?: BBox; viewer?: Viewer },
): string[] {
  const conditions = [
    `i.occurred_at >= ${params.add(filter.from)}`,
    `i.occurred_at < ${params.add(filter.to)}`,
  ]
  if (filter.categories) conditions.push(`i.category = ANY (${params.add(filter.categories)}::text[])`)
  if (filter.bbox) {
    // The envelope, not the column, is built from the input, so the GiST index on geom is used.
    const [a, b, c, d] = filter.bbox.map((v) => params.add(v))
    conditions.push(`i.geom && ST_MakeEnvelope(${a}, ${b}, ${c}, ${d}, 4326)`)
  }
  if (filter.viewer != null) conditions.push(inScopeSql('i.geom_m', params.add(filter.viewer)))
  return conditions
}

export interface CellCount extends Hex {
  count: number
}

/** The cell size whose incident counts are kept per UTC day (migrations/004_incident_cell_days.sql). */
export const DAILY_CELL = 500
const DAY_MS = 86_400_000

/**
 * Incidents of the filter per hexagon. For the 500 m grid and a user who sees everything, the
 * whole UTC days of the window are summed from incident_cell_days and only the hours at its two
 * ends are counted from the incidents; anything else scans the incidents (scanIncidentCounts).
 * With a bbox the daily part returns every cell: cells whose centre lies outside are dropped by
 * buildStudyArea, and those inside are complete either way.
 */
export function incidentCountsByCell(db: Queryable, filter: HotspotFilter): Promise<CellCount[]> {
  if (filter.viewer != null) return scanIncidentCounts(db, filter)
  return sumOverDays(filter, {
    // Sums of incident_cell_days, through the server's copy of it.
    daily: (first, end) =>
      sumCellDays(db, 'incident_cell_days', { first, end, categories: filter.categories }, (q, r, count) => ({
        q,
        r,
        count,
      })),
    scan: (part) => scanIncidentCounts(db, { ...filter, ...part }),
    add: (sum, c) => {
      sum.count += c.count
    },
  })
}

/**
 * A per-cell figure of a window on the 500 m grid, from what is kept per UTC day for the window's
 * whole days and from `scan` for the hours at its two ends; the whole window from `scan` for
 * another cell size or a window within one day.
 */
async function sumOverDays<C extends Hex>(
  filter: Pick<HotspotFilter, 'from' | 'to' | 'cell'>,
  how: {
    daily: (first: Date, end: Date) => Promise<C[]>
    scan: (part: { from: Date; to: Date }) => Promise<C[]>
    add: (sum: C, part: C) => void
  },
): Promise<C[]> {
  const firstDay = new Date(Math.ceil(filter.from.getTime() / DAY_MS) * DAY_MS)
  const endDay = new Date(Math.floor(filter.to.getTime() / DAY_MS) * DAY_MS)
  if (filter.cell !== DAILY_CELL || firstDay >= endDay) return how.scan(filter)
  const parts = [how.daily(firstDay, endDay)]
  if (filter.from < firstDay) parts.push(how.scan({ from: filter.from, to: firstDay }))
  if (endDay < filter.to) parts.push(how.scan({ from: endDay, to: filter.to }))
  const [days, ...ends] = await Promise.all(parts)
  // A window of whole days (the usual case) needs no merge: the daily sums are the answer.
  if (!ends.length) return days as C[]
  const sums = new Map<number, C>()
  for (const part of [days as C[], ...ends]) {
    for (const c of part) {
      const key = hexNumber(c.q, c.r)
      const sum = sums.get(key)
      if (sum) how.add(sum, c)
      else sums.set(key, { ...c })
    }
  }
  return [...sums.values()]
}

/** Incidents of the filter per hexagon, binned from the incidents themselves. */
export async function scanIncidentCounts(db: Queryable, filter: HotspotFilter): Promise<CellCount[]> {
  const params = new Params()
  const size = params.add(filter.cell)
  const where = incidentConditions(params, {
    ...filter,
    bbox: filter.bbox ? widenedBBox(filter.bbox, filter.cell) : undefined,
  })
  // Each incident's hexagon (q, r) is computed arithmetically from its stored metric point (see
  // hexBinSql), and the incidents are grouped by it: no grid is generated and nothing is joined.
  return db.query<CellCount>(
    `SELECT hex.q, hex.r, count(*)::integer AS count
       FROM incidents i
       CROSS JOIN LATERAL (${hexBinSql('ST_X(i.geom_m)', 'ST_Y(i.geom_m)', size)}) AS hex
      WHERE ${where.join(' AND ')}
      GROUP BY hex.q, hex.r`,
    params.values,
  )
}

export interface CellEffort extends Hex {
  effort_km: number
}

/**
 * The line work of a TWKB geometry (https://github.com/TWKB/Specification) as flat coordinate arrays
 * [x0, y0, x1, y1, …], one per line; points are skipped, Z and M values read and dropped. Handles what
 * the effort query sends — LineString, MultiLineString — and, defensively, collections of those.
 */
export function twkbLines(bytes: Uint8Array): Float64Array[] {
  const lines: Float64Array[] = []
  let at = 0
  const varint = () => {
    let value = 0
    let factor = 1
    let byte: number
    do {
      if (at >= bytes.length) throw new Error('TWKB: unexpected end of data')
      byte = bytes[at++] as number
      value += (byte & 0x7f) * factor
      factor *= 128
    } while (byte & 0x80)
    return value
  }
  const signed = () => {
    const v = varint()
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2
  }
  const read = (): void => {
    const head = bytes[at++] as number
    const type = head & 0x0f
    const zig = (head >> 4) & 0x0f
    const scale = 10 ** (zig % 2 === 0 ? zig / 2 : -(zig + 1) / 2)
    const meta = bytes[at++] as number
    let dims = 2
    if (meta & 0x08) {
      const ext = bytes[at++] as number
      dims += (ext & 1) + ((ext >> 1) & 1)
    }
    if (meta & 0x02) varint() // size in bytes
    if (meta & 0x01) for (let d = 0; d < 2 * dims; d++) varint() // bounding box
    if (meta & 0x10) return // empty
    const last = new Array<number>(dims).fill(0)
    const coords = (n: number): Float64Array => {
      const out = new Float64Array(2 * n)
      for (let p = 0; p < n; p++) {
        for (let d = 0; d < dims; d++) {
          last[d] = (last[d] as number) + signed()
          if (d < 2) out[2 * p + d] = (last[d] as number) / scale
        }
      }
      return out
    }
    const idList = (n: number) => {
      if (meta & 0x04) for (let k = 0; k < n; k++) varint()
    }
    switch (type) {
      case 1:
        coords(1)
        return
      case 2:
        lines.push(coords(varint()))
        return
      case 4: {
        const n = varint()
        idList(n)
        coords(n)
        return
      }
      case 5: {
        const n = varint()
        idList(n)
        for (let k = 0; k < n; k++) lines.push(coords(varint()))
        return
      }
      case 7: {
        const n = varint()
        idList(n)
        for (let k = 0; k < n; k++) read()
        return
      }
      default:
        throw new Error(`TWKB: unexpected geometry type ${type}`)
    }
  }
  while (at < bytes.length) read()
  return lines
}

/**
 * Adds the length of lines (metric coordinates) to the hexagons they pass through: each segment is
 * cut into equal pieces of at most `piece` metres (as ST_Segmentize does) and each piece's length
 * goes to the hexagon holding its midpoint. Keys of `into` are numeric cell keys (hexNumber).
 */
export function addTrackLength(
  lines: Iterable<Float64Array>,
  cell: number,
  piece: number,
  into: Map<number, number>,
) {
  for (const line of lines) {
    for (let i = 2; i + 1 < line.length; i += 2) {
      const ax = line[i - 2] as number
      const ay = line[i - 1] as number
      const dx = (line[i] as number) - ax
      const dy = (line[i + 1] as number) - ay
      const length = Math.hypot(dx, dy)
      if (length === 0) continue
      const pieces = Math.ceil(length / piece)
      for (let k = 0; k < pieces; k++) {
        const f = (k + 0.5) / pieces
        const hex = hexOfPoint(ax + f * dx, ay + f * dy, cell)
        const key = hexNumber(hex.q, hex.r)
        into.set(key, (into.get(key) ?? 0) + length / pieces)
      }
    }
  }
}

/**
 * Patrol effort per hexagon: kilometres of actual patrol track in the window. On the 500 m grid the
 * window's whole UTC days are summed from patrol_effort_days (migrations/007_patrol_effort_days.sql,
 * binned at ingest as scanPatrolEffort bins) and only its two ends are binned from the tracks.
 * Effort is not case data: every user sees all of it.
 */
export function patrolEffortByCell(
  db: Queryable,
  filter: Pick<HotspotFilter, 'from' | 'to' | 'cell' | 'bbox'>,
): Promise<CellEffort[]> {
  return sumOverDays(filter, {
    daily: (first, end) =>
      sumCellDays(db, 'patrol_effort_days', { first, end }, (q, r, metres) => ({
        q,
        r,
        effort_km: metres / 1000,
      })),
    scan: (part) => scanPatrolEffort(db, { ...filter, ...part }),
    add: (sum, e) => {
      sum.effort_km += e.effort_km
    },
  })
}

/**
 * Patrol effort per hexagon binned from the tracks of the window. A track that runs over an end of
 * the window is cut there by its M values (epoch seconds). Tracks are cut into pieces of at most a
 * quarter of the cell's edge, and each piece's length goes to the hexagon holding its midpoint, so a
 * piece that crosses a cell border is credited to one side: the error per crossing is at most half a
 * piece (an eighth of the edge) and evens out along a track.
 *
 * The database selects and clips the tracks and sends them as compact TWKB (decimetres); the pieces
 * are binned here, with the same arithmetic as hexBinSql. Binning a whole window's pieces in SQL
 * costs a PostGIS call per piece, ten times slower on the embedded database (docs/hotspots.md);
 * at ingest (patrol_effort_days) it is one track's pieces at a time.
 */
export async function scanPatrolEffort(
  db: Queryable,
  filter: Pick<HotspotFilter, 'from' | 'to' | 'cell' | 'bbox'>,
): Promise<CellEffort[]> {
  const params = new Params()
  const from = params.add(filter.from)
  const to = params.add(filter.to)
  const conditions = [`p.kind = 'actual'`, `p.started_at < ${to}`, `p.ended_at > ${from}`]
  if (filter.bbox) {
    const [a, b, c, d] = widenedBBox(filter.bbox, filter.cell).map((v) => params.add(v))
    conditions.push(`p.track && ST_MakeEnvelope(${a}, ${b}, ${c}, ${d}, 4326)`)
  }
  // Hex text rather than bytea: both drivers turn long bytea values into bytes slowly.
  const rows = await db.query<{ twkb: string }>(
    `SELECT encode(ST_AsTWKB(ST_Force2D(
              CASE WHEN p.started_at >= ${from} AND p.ended_at <= ${to} THEN p.track_m
                   ELSE ST_CollectionExtract(ST_LocateBetween(p.track_m, extract(epoch FROM ${from}::timestamptz),
                                                              extract(epoch FROM ${to}::timestamptz)), 2) END), 1), 'hex') AS twkb
       FROM patrols p
      WHERE ${conditions.join(' AND ')}`,
    params.values,
  )
  const metres = new Map<number, number>()
  for (const row of rows)
    addTrackLength(twkbLines(Buffer.from(row.twkb, 'hex')), filter.cell, filter.cell / 4, metres)
  return [...metres].map(([key, m]) => ({ ...hexOfNumber(key), effort_km: m / 1000 }))
}

// --- the study area ------------------------------------------------------------------------------

export interface StudyCell extends Hex {
  count: number
  effortKm: number
}

export interface StudyArea {
  /** The cells, by q then r. */
  cells: StudyCell[]
  /** For each cell, the indices of the cells of the study area that share an edge with it. */
  neighbours: NeighbourTable
  /** The index in `cells` of a cell, if it is there. */
  indexOf: (q: number, r: number) => number | undefined
}

/** Whether a cell's centre lies in a lon/lat box. */
export function centreInBBox(hex: Hex, cell: number, bbox: BBox): boolean {
  const [x, y] = hexCentre(hex, cell)
  const [lon, lat] = epsg4549ToLonLat(x, y)
  return lon >= bbox[0] && lon <= bbox[2] && lat >= bbox[1] && lat <= bbox[3]
}

/**
 * The cells Gi* is computed over: every cell with an incident or with patrol effort in the window,
 * plus the six neighbours of each (with zero counts), all cut to the bbox (by cell centre) when one is
 * given. Cells nobody patrolled and where nothing happened, away from those, are unobserved rather than
 * quiet and stay out; docs/hotspots.md explains the choice.
 */
export function buildStudyArea(
  counts: readonly CellCount[],
  effort: readonly CellEffort[],
  cell: number,
  bbox?: BBox,
): StudyArea {
  // With a bbox, only cells within two cells of it can be in the study area or next to one that is
  // (neighbours' centres are √3 cells apart): the others are left out before the lattice is sized.
  const near = bbox ? widenedBBox(bbox, 2 * cell) : undefined
  const matters = (c: Hex) => !near || centreInBBox(c, cell, near)
  const observedCounts = counts.filter(matters)
  const observedEffort = effort.filter((e) => e.effort_km > 0 && matters(e))

  // The study area lives on a lattice over the box around the observed cells widened by the ring of
  // neighbours, one slot per cell, column by column (so slot order is (q, r) order): typed-array
  // lookups instead of a Map's and no garbage per lookup (a city's month is ~100 k of them).
  let qMin = Infinity
  let qMax = -Infinity
  let rMin = Infinity
  let rMax = -Infinity
  for (const list of [observedCounts, observedEffort]) {
    for (const c of list) {
      qMin = Math.min(qMin, c.q - 1)
      qMax = Math.max(qMax, c.q + 1)
      rMin = Math.min(rMin, c.r - 1)
      rMax = Math.max(rMax, c.r + 1)
    }
  }
  const height = rMax - rMin + 1
  const slotOf = (q: number, r: number) => (q - qMin) * height + (r - rMin)
  const inBox = (q: number, r: number) => q >= qMin && q <= qMax && r >= rMin && r <= rMax
  /** Per slot: 1 + the index of its cell in `seeded` (later in `cells`), 0 for none. */
  const slots = new Int32Array(qMin <= qMax ? (qMax - qMin + 1) * height : 0)
  const seeded: StudyCell[] = []
  const seed = (q: number, r: number) => {
    const slot = slotOf(q, r)
    let at = slots[slot] as number
    if (!at) {
      at = seeded.push({ q, r, count: 0, effortKm: 0 })
      slots[slot] = at
    }
    return seeded[at - 1] as StudyCell
  }
  for (const c of observedCounts) seed(c.q, c.r).count += c.count
  for (const e of observedEffort) seed(e.q, e.r).effortKm += e.effort_km
  const occupied = seeded.length
  for (let i = 0; i < occupied; i++) {
    const c = seeded[i] as StudyCell
    for (const d of neighbourOffsets) seed(c.q + d.q, c.r + d.r)
  }

  const cells: StudyCell[] = []
  for (let slot = 0; slot < slots.length; slot++) {
    const at = slots[slot] as number
    if (!at) continue
    const c = seeded[at - 1] as StudyCell
    if (bbox && !centreInBBox(c, cell, bbox)) {
      slots[slot] = 0
      continue
    }
    slots[slot] = cells.push(c)
  }
  const indexOf = (q: number, r: number) => {
    const at = inBox(q, r) ? (slots[slotOf(q, r)] as number) : 0
    return at ? at - 1 : undefined
  }
  const start = new Uint32Array(cells.length + 1)
  const index = new Uint32Array(cells.length * neighbourOffsets.length)
  let k = 0
  cells.forEach((c, i) => {
    start[i] = k
    for (const d of neighbourOffsets) {
      const j = indexOf(c.q + d.q, c.r + d.r)
      if (j !== undefined) index[k++] = j
    }
  })
  start[cells.length] = k
  return { cells, neighbours: { start, index: index.subarray(0, k) }, indexOf }
}

// --- the answer ----------------------------------------------------------------------------------

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits

/**
 * The hotspot cells of a window as columns (hotspot-columns.ts): every cell of the study area with its
 * incident count, Gi* z-score, p-value and confidence class, and its patrol effort and incidents per
 * 100 km patrolled; hottest first. The caller checks the parameters (parseWindow, checkCell,
 * checkCellBudget). `bytes` is the answer as sent.
 */
export async function findHotspots(
  db: Queryable,
  filter: HotspotFilter,
): Promise<HotspotColumns & { bytes: Uint8Array }> {
  // Two independent queries: on PostgreSQL they run side by side on two connections.
  const [counts, effort] = await Promise.all([
    incidentCountsByCell(db, filter),
    patrolEffortByCell(db, filter),
  ])
  const area = buildStudyArea(counts, effort, filter.cell, filter.bbox)
  const values = area.cells.map((c) => c.count)
  const z = getisOrdGiStar(values, area.neighbours)
  const p = z.map(twoSidedP)
  const classes = z.map((zi, i) => hotspotClass(zi, p[i] as number))

  const n = values.length
  const incidents = values.reduce((a, b) => a + b, 0)
  const mean = n ? incidents / n : 0
  const sd = n ? Math.sqrt(Math.max(0, values.reduce((a, v) => a + v * v, 0) / n - mean * mean)) : 0

  const columns = allocateHotspotColumns(
    {
      from: filter.from.toISOString(),
      to: filter.to.toISOString(),
      cell: filter.cell,
      categories: filter.categories ?? null,
      bbox: filter.bbox ?? null,
      summary: {
        cells: n,
        incidents,
        effort_km: round(
          area.cells.reduce((a, c) => a + c.effortKm, 0),
          3,
        ),
        mean,
        sd,
        hot: classes.filter((c) => c.startsWith('hot')).length,
        cold: classes.filter((c) => c.startsWith('cold')).length,
      },
    },
    n,
  )
  // Hottest first, equal z-scores in (q, r) order (the order of the study area's cells).
  const zs = Float64Array.from(z)
  const order = descendingOrder(zs)
  for (let to = 0; to < n; to++) {
    const from = order[to] as number
    const c = area.cells[from] as StudyCell
    columns.z[to] = zs[from] as number
    columns.p[to] = p[from] as number
    columns.per100km[to] = c.effortKm >= minEffortKm ? round((100 * c.count) / c.effortKm, 2) : Number.NaN
    columns.q[to] = c.q
    columns.r[to] = c.r
    columns.count[to] = c.count
    columns.effortMetres[to] = Math.round(c.effortKm * 1000)
    columns.classIndex[to] = hotspotClasses.indexOf(classes[from] as HotspotClass)
  }
  return columns
}

// --- the GeoJSON form ----------------------------------------------------------------------------

export interface PolygonGeometry {
  type: 'Polygon'
  coordinates: [number, number][][]
}

export interface HotspotFeature {
  type: 'Feature'
  id: string
  geometry: PolygonGeometry
  properties: HotspotProperties
}

export interface HotspotCollection extends HotspotWindow {
  type: 'FeatureCollection'
  features: HotspotFeature[]
}

/** The columns as a GeoJSON FeatureCollection of hexagons (`format=geojson`), in the same order. */
export function hotspotCollection(columns: HotspotColumns): HotspotCollection {
  const { from, to, cell, categories, bbox, summary } = columns
  const ringOf = hexLonLatRings(cell)
  const features: HotspotFeature[] = []
  for (let i = 0; i < columns.length; i++) {
    const properties = hotspotProperties(columns, i)
    features.push({
      type: 'Feature',
      id: hexKey(properties.q, properties.r),
      geometry: { type: 'Polygon', coordinates: [ringOf(properties)] },
      properties,
    })
  }
  return { type: 'FeatureCollection', from, to, cell, categories, bbox, summary, features }
}
