import type { Layer } from '@deck.gl/core'
import { GeoJsonLayer } from '@deck.gl/layers'
import type { Feature, Polygon } from 'geojson'

export const hotspotSelectionLayerId = 'hotspot-selection'

/** The selected hexagon: a dark outline with a white casing. */
export function createHotspotSelectionLayer(cell: Feature<Polygon> | undefined): Layer {
  return new GeoJsonLayer({
    id: hotspotSelectionLayerId,
    data: cell ? [cell] : [],
    visible: cell !== undefined,
    pickable: false,
    filled: false,
    stroked: true,
    getLineColor: [17, 24, 39, 255],
    lineWidthUnits: 'pixels',
    getLineWidth: 3,
    lineJointRounded: true,
  })
}
