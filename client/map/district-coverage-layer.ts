import type { Layer } from '@deck.gl/core'
import { GeoJsonLayer } from '@deck.gl/layers'
import type { Feature, Geometry } from 'geojson'
import type { BoundaryProps } from '../api.ts'
import { coverageColor } from './coverage-layer.ts'

/** The supervisor's desk on the map: each district washed in the coverage ramp of its weighted coverage. */
export function createDistrictCoverageLayer(
  districts: readonly Feature<Geometry, BoundaryProps>[],
  coverage: ReadonlyMap<number, number | null>,
): Layer {
  return new GeoJsonLayer<BoundaryProps>({
    id: 'district-coverage',
    data: districts as Feature<Geometry, BoundaryProps>[],
    pickable: false,
    filled: true,
    stroked: true,
    getFillColor: (f) => {
      const [r, g, b] = coverageColor(coverage.get(f.properties.adcode ?? 0) ?? undefined)
      return [r, g, b, 110]
    },
    getLineColor: [30, 41, 59, 200],
    lineWidthUnits: 'pixels',
    getLineWidth: 1.5,
    updateTriggers: { getFillColor: [...coverage.entries()].join(';') },
  })
}
