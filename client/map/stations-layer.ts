import type { Layer } from '@deck.gl/core'
import { PathStyleExtension } from '@deck.gl/extensions'
import { ScatterplotLayer } from '@deck.gl/layers'
import type { Feature, Geometry, Point } from 'geojson'
import type { LayerCollection, StationProps } from '../api.ts'
import { crossBorderColor, layerDefinition, rgba } from './catalog.ts'

type StationFeature = Feature<Point, StationProps>

const isPoint = (f: Feature<Geometry, StationProps>): f is StationFeature => f.geometry?.type === 'Point'

const positionOf = (f: StationFeature) => f.geometry.coordinates as [number, number]

const dashed = [new PathStyleExtension({ dash: true, dashMode: 'path' })]

/**
 * Co-governance stations as an icon-like badge: a white disc with a coloured ring and a coloured core
 * (blue; red for cross-border stations, which also get a dashed outer ring). Layer ids start with
 * `stations` so hover look-ups map them back to the API layer.
 */
export function createStationsLayers(data: LayerCollection<'stations'>, visible: boolean): Layer[] {
  const stations = data.features.filter(isPoint)
  const blue = layerDefinition('stations').color
  const colorOf = (f: StationFeature) => rgba(f.properties.cross_border ? crossBorderColor : blue)
  const crossBorder = stations.filter((f) => f.properties.cross_border)
  return [
    new ScatterplotLayer<StationFeature, { getDashArray?: [number, number] }>({
      id: 'stations--outer',
      data: crossBorder,
      visible,
      pickable: true,
      filled: false,
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: 17,
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
      getLineColor: rgba(crossBorderColor, 230),
      getPosition: positionOf,
      extensions: dashed,
      getDashArray: [3, 2],
    }),
    new ScatterplotLayer<StationFeature>({
      id: 'stations--badge',
      data: stations,
      visible,
      pickable: true,
      autoHighlight: true,
      highlightColor: [255, 214, 0, 200],
      filled: true,
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: 11,
      lineWidthUnits: 'pixels',
      getLineWidth: 3,
      getFillColor: [255, 255, 255, 245],
      getLineColor: colorOf,
      getPosition: positionOf,
      updateTriggers: { getLineColor: blue },
    }),
    new ScatterplotLayer<StationFeature>({
      id: 'stations--core',
      data: stations,
      visible,
      pickable: true,
      filled: true,
      stroked: false,
      radiusUnits: 'pixels',
      getRadius: 4.5,
      getFillColor: colorOf,
      getPosition: positionOf,
    }),
  ]
}
