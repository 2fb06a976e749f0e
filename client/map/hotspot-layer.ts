import type { Layer } from '@deck.gl/core'
import { GeoJsonLayer } from '@deck.gl/layers'
import type { HotspotMetric } from '../analysis/url-params.ts'
import type { GiClass, HotspotFeature, HotspotProps } from '../analysis-api.ts'
import type { RGBA } from './catalog.ts'

export const hotspotLayerId = 'hotspots'

/** Gi* classes, hot to cold, with their colours (cold blue → hot red; not significant faint). */
export const giClasses: readonly GiClass[] = ['hot99', 'hot95', 'hot90', 'none', 'cold90', 'cold95', 'cold99']
export const giColors: Record<GiClass, RGBA> = {
  hot99: [178, 24, 43, 215],
  hot95: [239, 101, 72, 205],
  hot90: [253, 174, 97, 195],
  none: [148, 163, 184, 34],
  cold90: [171, 217, 233, 195],
  cold95: [116, 173, 209, 205],
  cold99: [49, 104, 174, 215],
}

/** Bins of the count and per-effort colourings: lower bounds, with a yellow-orange-red ramp. */
export const countBins: readonly number[] = [1, 2, 4, 8, 16]
export const effortBins: readonly number[] = [0.01, 10, 25, 50, 100]
export const binColors: readonly RGBA[] = [
  [255, 237, 160, 190],
  [254, 196, 79, 200],
  [253, 141, 60, 205],
  [227, 26, 28, 210],
  [128, 0, 38, 220],
]
/** Cells with nothing to show (no incident; for per-effort: no patrol there). */
export const emptyColor: RGBA = [148, 163, 184, 30]
export const unpatrolledColor: RGBA = [124, 58, 237, 150]

const binColor = (value: number, bins: readonly number[]): RGBA => {
  let color = emptyColor
  bins.forEach((lower, i) => {
    if (value >= lower) color = binColors[i] ?? color
  })
  return color
}

/** The colour of a cell under a metric. */
export function hotspotColor(p: HotspotProps, metric: HotspotMetric): RGBA {
  if (metric === 'count') return binColor(p.count, countBins)
  if (metric === 'effort') {
    if (p.per_100km === null) return p.count > 0 ? unpatrolledColor : emptyColor
    return binColor(p.per_100km, effortBins)
  }
  return giColors[p.class]
}

/**
 * The cells worth drawing under a metric: those with incidents, the significant ones (cold cells may
 * have none) and, per effort, the patrolled ones. The many empty cells of the study area are left out.
 */
export const drawnCells = (cells: readonly HotspotFeature[], metric: HotspotMetric): HotspotFeature[] =>
  cells.filter(
    (f) =>
      f.properties.count > 0 ||
      f.properties.class !== 'none' ||
      (metric === 'effort' && f.properties.effort_km > 0),
  )

const isFaint = (p: HotspotProps, metric: HotspotMetric) =>
  metric === 'gi' ? p.class === 'none' : p.count === 0

export interface HotspotLayerOptions {
  metric: HotspotMetric
  /** Raise each cell by its count (seen when the map is tilted). */
  extruded: boolean
  stale: boolean
}

/** The 500 m hexagon cells of the window, coloured by Gi* class, count or incidents per 100 km. */
export function createHotspotLayer(data: readonly HotspotFeature[], options: HotspotLayerOptions): Layer {
  const { metric } = options
  return new GeoJsonLayer<HotspotProps>({
    id: hotspotLayerId,
    data: data as HotspotFeature[],
    opacity: options.stale ? 0.5 : 1,
    pickable: true,
    autoHighlight: true,
    highlightColor: [20, 48, 79, 90],
    filled: true,
    stroked: !options.extruded,
    extruded: options.extruded,
    wireframe: false,
    getElevation: (f) => f.properties.count * 180,
    getFillColor: (f) => hotspotColor(f.properties, metric),
    getLineColor: (f) => (isFaint(f.properties, metric) ? [148, 163, 184, 40] : [255, 255, 255, 150]),
    lineWidthUnits: 'pixels',
    getLineWidth: (f) => (isFaint(f.properties, metric) ? 0.4 : 0.8),
    material: { ambient: 0.6, diffuse: 0.5, shininess: 16 },
    updateTriggers: { getFillColor: [metric], getLineColor: [metric], getLineWidth: [metric] },
  })
}
