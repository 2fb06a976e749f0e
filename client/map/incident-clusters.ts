import type { Feature, Point } from 'geojson'
import { type IncidentCategory, type IncidentFeature, isOpen } from '../incidents-api.ts'

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

export function clusterIncidents(
  incidents: readonly IncidentFeature[],
  zoom: number,
  cellPx = 64,
): IncidentCluster[] {
  const z = Math.floor(zoom)
  const cells = new Map<
    string,
    { lon: number; lat: number; count: number; open: number; byCategory: Map<IncidentCategory, number> }
  >()
  for (const incident of incidents) {
    const [lon, lat] = incident.geometry.coordinates as [number, number]
    const [x, y] = worldPixel(lon, lat, z)
    const key = `${z}/${Math.floor(x / cellPx)}/${Math.floor(y / cellPx)}`
    let cell = cells.get(key)
    if (!cell) {
      cell = { lon: 0, lat: 0, count: 0, open: 0, byCategory: new Map() }
      cells.set(key, cell)
    }
    cell.lon += lon
    cell.lat += lat
    cell.count++
    if (isOpen(incident.properties.status)) cell.open++
    const category = incident.properties.category
    cell.byCategory.set(category, (cell.byCategory.get(category) ?? 0) + 1)
  }
  return [...cells].map(([key, cell]) => {
    const categories = [...cell.byCategory].sort((a, b) => b[1] - a[1])
    return {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [cell.lon / cell.count, cell.lat / cell.count] },
      properties: {
        cluster: true,
        key,
        count: cell.count,
        open: cell.open,
        categories,
        top: categories[0]?.[0] ?? 'poaching',
      },
    }
  })
}

/** The drawn radius of a cluster in pixels: a lone incident is a dot, more grow with the square root. */
export const clusterRadius = (count: number) => (count === 1 ? 4 : Math.min(19, 6 + 1.8 * Math.sqrt(count)))
