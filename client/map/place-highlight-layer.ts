import type { Layer } from '@deck.gl/core'
import { GeoJsonLayer } from '@deck.gl/layers'
import type { PlaceFeature } from '../analysis/place-shapes.ts'

export const placeHighlightLayerId = 'place-highlight'

/**
 * The selected place as a wide sky-blue halo (stations are dark blue). It goes under the coverage layer, so the place keeps its
 * coverage colour and the halo shows around it like a casing.
 */
export function createPlaceHighlightLayer(feature: PlaceFeature | undefined): Layer {
  return new GeoJsonLayer<PlaceFeature['properties']>({
    id: placeHighlightLayerId,
    data: feature ? [feature] : [],
    visible: feature !== undefined,
    pickable: false,
    filled: true,
    stroked: true,
    getFillColor: [14, 165, 233, 60],
    getLineColor: [14, 165, 233, 220],
    lineWidthUnits: 'pixels',
    getLineWidth: 12,
    lineJointRounded: true,
    lineCapRounded: true,
    pointType: 'circle',
    pointRadiusUnits: 'pixels',
    getPointRadius: 13,
  })
}
