import type { Feature, Point } from 'geojson'
import type { IncidentColumns } from '../incident-columns.ts'
import type { LiveColumns } from '../incident-store.ts'
import {
  type IncidentCategory,
  type IncidentFeature,
  incidentCategories,
  incidentStatuses,
  isOpen,
} from '../incidents-api.ts'

/**
 * A simple screen-grid clustering for the zoomed-out map: incidents falling into the same square of
 * `cellPx` Web Mercator pixels at the (whole) zoom are one cluster at their mean position. The grid
 * is fixed to the world, not the screen, so panning does not reshuffle the clusters.
 */

export interface ClusterProps {
  cluster: true
  /** Stable within one zoom: `z/x/y` of the grid cell. */
  key: string
  count: number
  /** Incidents still open (reported, dispatched, on scene). */
  open: number
  /** Counts by category, largest first. */
  categories: [IncidentCategory, number][]
  /** The most frequent category: the cluster's colour. */
  top: IncidentCategory
}

export type IncidentCluster = Feature<Point, ClusterProps>

export const isCluster = (properties: unknown): properties is ClusterProps =>
  typeof properties === 'object' && properties !== null && (properties as ClusterProps).cluster === true

/** Web Mercator world pixels (512-pixel tiles, MapLibre's) of a position at a zoom. */
export function worldPixel(lon: number, lat: number, zoom: number): [number, number] {
  const size = 512 * 2 ** zoom
  const sin = Math.sin((Math.max(-85, Math.min(85, lat)) * Math.PI) / 180)
  const x = ((lon + 180) / 360) * size
  const y = (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size
  return [x, y]
}

/** Sums of one grid cell: enough to merge cells and to make the cluster's properties. */
interface CellSums {
  x: number
  y: number
  lon: number
  lat: number
  count: number
  open: number
  perCategory: number[]
}

/** Cells at one zoom, keyed by `x * 2^16 + y`. */
export interface ClusterCells {
  zoom: number
  cells: Map<number, CellSums>
}

const cellKey = (x: number, y: number) => x * 65_536 + y

function addTo(cells: Map<number, CellSums>, x: number, y: number, lon: number, lat: number): CellSums {
  const key = cellKey(x, y)
  let cell = cells.get(key)
  if (!cell) {
    cell = {
      x,
      y,
      lon: 0,
      lat: 0,
      count: 0,
      open: 0,
      perCategory: new Array(incidentCategories.length).fill(0),
    }
    cells.set(key, cell)
  }
  cell.lon += lon
  cell.lat += lat
  cell.count++
  return cell
}

/**
 * The incidents of the columns (without the rows live changes replaced, with the changed ones)
 * binned once at `zoom`, the finest clustered zoom. Cells of a coarser zoom are unions of these
 * (the grid halves with each zoom), so zooming out only merges cells: the pass over every incident
 * runs once per fetch, not once per zoom.
 */
export function cellsOfColumns(
  { columns, hidden, extra }: LiveColumns,
  zoom: number,
  cellPx = 64,
): ClusterCells {
  const cells = new Map<number, CellSums>()
  const openStatus = incidentStatuses.map(isOpen)
  const [originLon, originLat] = columns.origin
  for (let i = 0; i < columns.count; i++) {
    if (hidden.has(i)) continue
    const lon = originLon + (columns.positions[2 * i] as number)
    const lat = originLat + (columns.positions[2 * i + 1] as number)
    const [x, y] = worldPixel(lon, lat, zoom)
    const cell = addTo(cells, Math.floor(x / cellPx), Math.floor(y / cellPx), lon, lat)
    if (openStatus[columns.statuses[i] as number]) cell.open++
    ;(cell.perCategory[columns.categories[i] as number] as number)++
  }
  for (const incident of extra) {
    const [lon, lat] = incident.geometry.coordinates as [number, number]
    const [x, y] = worldPixel(lon, lat, zoom)
    const cell = addTo(cells, Math.floor(x / cellPx), Math.floor(y / cellPx), lon, lat)
    if (isOpen(incident.properties.status)) cell.open++
    ;(cell.perCategory[incidentCategories.indexOf(incident.properties.category)] as number)++
  }
  return { zoom, cells }
}

/** The clusters at a zoom at or below the cells' own, at the mean position of their incidents. */
export function clustersOfCells(finest: ClusterCells, zoom: number): IncidentCluster[] {
  const z = Math.min(Math.floor(zoom), finest.zoom)
  const shift = finest.zoom - z
  let cells = finest.cells
  if (shift > 0) {
    cells = new Map()
    for (const cell of finest.cells.values()) {
      const x = Math.floor(cell.x / 2 ** shift)
      const y = Math.floor(cell.y / 2 ** shift)
      const key = cellKey(x, y)
      const merged = cells.get(key)
      if (!merged) cells.set(key, { ...cell, x, y, perCategory: [...cell.perCategory] })
      else {
        merged.lon += cell.lon
        merged.lat += cell.lat
        merged.count += cell.count
        merged.open += cell.open
        cell.perCategory.forEach((n, i) => {
          merged.perCategory[i] = (merged.perCategory[i] as number) + n
        })
      }
    }
  }
  return [...cells.values()].map((cell) => {
    const categories = incidentCategories
      .map((category, i): [IncidentCategory, number] => [category, cell.perCategory[i] as number])
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
    return {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [cell.lon / cell.count, cell.lat / cell.count] },
      properties: {
        cluster: true,
        key: `${z}/${cell.x}/${cell.y}`,
        count: cell.count,
        open: cell.open,
        categories,
        top: categories[0]?.[0] ?? 'poaching',
      },
    }
  })
}

/** Clusters of features alone (no columns), at a zoom. */
export function clusterIncidents(incidents: readonly IncidentFeature[], zoom: number): IncidentCluster[] {
  const z = Math.floor(zoom)
  return clustersOfCells(cellsOfColumns({ columns: noColumns, hidden: new Set(), extra: incidents }, z), z)
}

const noColumns: IncidentColumns = {
  count: 0,
  limit: 0,
  truncated: false,
  origin: [0, 0],
  epoch: 0,
  ids: new Uint32Array(0),
  positions: new Float32Array(0),
  occurred: new Uint32Array(0),
  categories: new Uint8Array(0),
  statuses: new Uint8Array(0),
}

/** The drawn radius of a cluster in pixels: a lone incident is a dot, more grow with the square root. */
export const clusterRadius = (count: number) => (count === 1 ? 4 : Math.min(19, 6 + 1.8 * Math.sqrt(count)))
