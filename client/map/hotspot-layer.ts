import type { Layer } from '@deck.gl/core'
import { GeoJsonLayer } from '@deck.gl/layers'
import { hexKey, hexLonLatRings } from '../../server/domain/hex-grid.ts'
import { hotspotProperties } from '../../server/domain/hotspot-columns.ts'
import { hotspotClasses } from '../../server/domain/statistics.ts'
import type { HotspotMetric } from '../analysis/url-params.ts'
import type { GiClass, HotspotColumns, HotspotFeature, HotspotProps } from '../analysis-api.ts'
import type { RGBA } from './catalog.ts'

export const hotspotLayerId = 'hotspots'

/** Gi* classes, hot to cold, with their colours (cold blue → hot red; not significant faint). */
export const giClasses: readonly GiClass[] = hotspotClasses
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

// The hexagons' corners, projected once per session and grid: the same cells come back in every window.
const ringMakers = new Map<number, ReturnType<typeof hexLonLatRings>>()

/** Cell `i` of the answer as a GeoJSON hexagon, its polygon built here from (q, r). */
export function hotspotFeature(cells: HotspotColumns, i: number): HotspotFeature {
  let ringOf = ringMakers.get(cells.cell)
  if (!ringOf) {
    ringOf = hexLonLatRings(cells.cell)
    ringMakers.set(cells.cell, ringOf)
  }
  const properties = hotspotProperties(cells, i)
  return {
    type: 'Feature',
    id: hexKey(properties.q, properties.r),
    geometry: { type: 'Polygon', coordinates: [ringOf(properties)] },
    properties,
  }
}

/**
 * The cells worth drawing under a metric: those with incidents, the significant ones (cold cells may
 * have none) and, per effort, the patrolled ones. The many empty cells of the study area are left out.
 */
export function drawnCells(cells: HotspotColumns, metric: HotspotMetric): HotspotFeature[] {
  const none = cells.classNames.indexOf('none')
  const drawn: HotspotFeature[] = []
  for (let i = 0; i < cells.length; i++) {
    if (
      (cells.count[i] as number) > 0 ||
      cells.classIndex[i] !== none ||
      (metric === 'effort' && (cells.effortMetres[i] as number) > 0)
    )
      drawn.push(hotspotFeature(cells, i))
  }
  return drawn
}

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
