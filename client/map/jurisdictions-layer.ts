import type { Layer } from '@deck.gl/core'
import { PathStyleExtension } from '@deck.gl/extensions'
import { GeoJsonLayer } from '@deck.gl/layers'
import type { Feature, Geometry } from 'geojson'
import type { LayerCollection, StationProps } from '../api.ts'
import { crossBorderColor, layerDefinition, rgba } from './catalog.ts'

const dashed = [new PathStyleExtension({ dash: true, dashMode: 'path' })]

/** Station jurisdictions: a faint wash with a dashed outline; cross-border ones in red. */
export function createJurisdictionsLayer(data: LayerCollection<'jurisdictions'>, visible: boolean): Layer {
  const blue = layerDefinition('jurisdictions').color
  return new GeoJsonLayer<StationProps, { getDashArray?: [number, number]; dashUnits?: 'pixels' }>({
    id: 'jurisdictions',
    data: data as LayerCollection<'jurisdictions'> & { features: Feature<Geometry, StationProps>[] },
    visible,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 214, 0, 60],
    filled: true,
    stroked: true,
    getFillColor: (f) => rgba(f.properties.cross_border ? crossBorderColor : blue, 16),
    getLineColor: (f) => rgba(f.properties.cross_border ? crossBorderColor : blue, 200),
    lineWidthUnits: 'pixels',
    getLineWidth: 1.6,
    extensions: dashed,
    getDashArray: [6, 4],
    dashUnits: 'pixels',
  })
}
