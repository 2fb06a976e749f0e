import type { Layer } from '@deck.gl/core'
import { ScatterplotLayer } from '@deck.gl/layers'
import type { Feature, Geometry, Point } from 'geojson'
import type { ChiefProps, LayerCollection } from '../api.ts'
import { layerDefinition, offDutyColor, rgba } from './catalog.ts'

type ChiefFeature = Feature<Point, ChiefProps>

const isPoint = (f: Feature<Geometry, ChiefProps>): f is ChiefFeature => f.geometry?.type === 'Point'

/** Eco-police chiefs at their last known position: small dots, grey when off duty. */
export function createChiefsLayer(data: LayerCollection<'chiefs'>, visible: boolean): Layer {
  const onDuty = rgba(layerDefinition('chiefs').color, 220)
  const offDuty = rgba(offDutyColor, 200)
  return new ScatterplotLayer<ChiefFeature>({
    id: 'chiefs',
    data: data.features.filter(isPoint),
    visible,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 214, 0, 255],
    filled: true,
    stroked: true,
    radiusUnits: 'pixels',
    getRadius: 2.8,
    radiusMinPixels: 2,
    lineWidthUnits: 'pixels',
    getLineWidth: 0.6,
    getLineColor: [255, 255, 255, 200],
    getFillColor: (f) => (f.properties.on_duty ? onDuty : offDuty),
    getPosition: (f) => f.geometry.coordinates as [number, number],
  })
}
