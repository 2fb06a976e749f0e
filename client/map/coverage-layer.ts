import type { Layer } from '@deck.gl/core'
import { GeoJsonLayer } from '@deck.gl/layers'
import type { PlaceFeature } from '../analysis/place-shapes.ts'
import type { PlaceCoverage } from '../analysis-api.ts'
import type { RGBA } from './catalog.ts'

export const coverageLayerId = 'coverage'

/** The ramp: red (never covered) through yellow (the 50 % gap threshold) to green (fully covered). */
export const coverageStops: readonly [number, RGBA][] = [
  [0, [215, 48, 39, 255]],
  [0.25, [244, 109, 67, 255]],
  [0.5, [250, 204, 21, 255]],
  [0.75, [132, 196, 84, 255]],
  [1, [26, 152, 80, 255]],
]

/** Places without a coverage figure (no patrol target, or not in the answer yet). */
export const noDataColor: RGBA = [154, 163, 173, 255]

/** The ramp's colour at `share` (0..1), or grey without one. */
export function coverageColor(share: number | undefined): RGBA {
  if (share === undefined || !Number.isFinite(share)) return noDataColor
  const x = Math.min(Math.max(share, 0), 1)
  for (let i = 1; i < coverageStops.length; i++) {
    const [x1, c1] = coverageStops[i] as [number, RGBA]
    if (x <= x1) {
      const [x0, c0] = coverageStops[i - 1] as [number, RGBA]
      const f = (x - x0) / (x1 - x0)
      return [0, 1, 2].map((k) => Math.round(c0[k] + (c1[k] - c0[k]) * f)).concat(255) as RGBA
    }
  }
  return coverageStops[coverageStops.length - 1]?.[1] ?? noDataColor
}

/** CSS gradient of the ramp, for the legend. */
export const coverageGradient = `linear-gradient(90deg, ${coverageStops
  .map(([x, [r, g, b]]) => `rgb(${r} ${g} ${b}) ${x * 100}%`)
  .join(', ')})`

const withAlpha = (color: RGBA, alpha: number): RGBA => [color[0], color[1], color[2], alpha]
const darker = (color: RGBA, alpha = 255): RGBA => [color[0] * 0.7, color[1] * 0.7, color[2] * 0.7, alpha]

export interface CoverageLayerOptions {
  /** Coverage by place id; places missing from it are drawn grey. */
  coverage: ReadonlyMap<string, PlaceCoverage> | undefined
  /** Faded while a new window is being computed. */
  stale: boolean
}

/**
 * Every patrolled place coloured by its coverage in the window: rivers and roads as thick lines,
 * lakes by their shore (a coloured outline over a faint fill), reservoirs, forests and other areas
 * shaded, markets as dots. One GeoJsonLayer, id `coverage`.
 */
export function createCoverageLayer(data: readonly PlaceFeature[], options: CoverageLayerOptions): Layer {
  const coverage = options.coverage
  const colorOf = (f: PlaceFeature) => coverageColor(coverage?.get(f.properties.id)?.coverage)
  return new GeoJsonLayer<PlaceFeature['properties']>({
    id: coverageLayerId,
    data: data as PlaceFeature[],
    opacity: options.stale ? 0.45 : 1,
    pickable: true,
    autoHighlight: true,
    highlightColor: [20, 48, 79, 110],
    filled: true,
    stroked: true,
    getFillColor: (f) => {
      const kind = f.properties.kind
      if (kind === 'lake') return withAlpha(colorOf(f), 14)
      if (kind === 'forest') return withAlpha(colorOf(f), 120)
      return withAlpha(colorOf(f), kind === 'market' ? 255 : 170)
    },
    getLineColor: (f) => {
      const kind = f.properties.kind
      if (kind === 'river' || kind === 'road' || kind === 'lake') return colorOf(f)
      if (kind === 'market') return [255, 255, 255, 255]
      return darker(colorOf(f), 200)
    },
    lineWidthUnits: 'pixels',
    getLineWidth: (f) => {
      switch (f.properties.kind) {
        case 'river':
          return 3.2
        case 'road':
          return 2.4
        case 'lake':
          return 3
        case 'market':
          return 1.5
        default:
          return 0.8
      }
    },
    lineWidthMinPixels: 0.8,
    lineJointRounded: true,
    lineCapRounded: true,
    pointType: 'circle',
    pointRadiusUnits: 'pixels',
    getPointRadius: 5,
    updateTriggers: { getFillColor: [coverage], getLineColor: [coverage] },
  })
}
