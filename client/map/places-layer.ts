import type { Layer } from '@deck.gl/core'
import { PathStyleExtension } from '@deck.gl/extensions'
import { GeoJsonLayer } from '@deck.gl/layers'
import type { Feature, Geometry } from 'geojson'
import type { LayerCollection, PlaceLayerId, PlaceProps } from '../api.ts'
import { layerDefinition, type RGBA, rgba } from './catalog.ts'

/** The place layers drawn by deck.gl (rivers, lakes and reservoirs are in the MapLibre base style). */
export const deckPlaceLayers = [
  'water_sources',
  'forests',
  'mines',
  'scenic',
  'projects',
  'roads',
  'markets',
] as const satisfies readonly PlaceLayerId[]
export type DeckPlaceLayerId = (typeof deckPlaceLayers)[number]

/** Fill opacity per kind: forests cover large hills and stay light, small sites are stronger. */
export const fillAlpha: Record<DeckPlaceLayerId, number> = {
  water_sources: 45,
  forests: 80,
  mines: 150,
  scenic: 70,
  projects: 120,
  roads: 255,
  markets: 255,
}

/** Outline opacity per kind: forest outlines stay faint so the many zones do not crowd the map. */
export const strokeAlpha = (id: DeckPlaceLayerId) => (id === 'markets' ? 255 : id === 'forests' ? 150 : 220)

/** Areas lie under the water (`beforeId`), everything else above the base map. */
const areaKinds = new Set<DeckPlaceLayerId>(['water_sources', 'forests', 'mines', 'scenic', 'projects'])

const dashed = [new PathStyleExtension({ dash: true, dashMode: 'path' })]

export interface PlacesLayerOptions {
  visible: boolean
  /** MapLibre layer to draw under, for areas (water covers them). */
  beforeId?: string
}

/**
 * One place kind as a GeoJsonLayer, id = the API layer id. Areas: translucent fill with a solid
 * outline (drinking-water sources: dashed protection-zone outline). Roads: lines. Markets: orange
 * points with a white rim. Hover highlights the feature.
 */
export function createPlacesLayer(
  id: DeckPlaceLayerId,
  data: LayerCollection<DeckPlaceLayerId>,
  options: PlacesLayerOptions,
): Layer {
  const definition = layerDefinition(id)
  const fill: RGBA = rgba(definition.color, fillAlpha[id])
  const stroke: RGBA = rgba(definition.stroke, strokeAlpha(id))
  const isArea = areaKinds.has(id)
  const isWaterSource = id === 'water_sources'
  return new GeoJsonLayer<PlaceProps, { getDashArray?: [number, number]; dashUnits?: 'pixels' }>({
    id,
    data: data as LayerCollection<DeckPlaceLayerId> & { features: Feature<Geometry, PlaceProps>[] },
    visible: options.visible,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 214, 0, 150],
    filled: true,
    stroked: true,
    getFillColor: fill,
    getLineColor: id === 'roads' ? fill : stroke,
    lineWidthUnits: 'pixels',
    getLineWidth: id === 'roads' ? 2.2 : isWaterSource ? 1.6 : 1,
    lineWidthMinPixels: 1,
    lineJointRounded: true,
    lineCapRounded: true,
    pointType: 'circle',
    pointRadiusUnits: 'pixels',
    getPointRadius: 5,
    pointRadiusMinPixels: 3,
    ...(isWaterSource ? { extensions: dashed, getDashArray: [5, 3], dashUnits: 'pixels' as const } : {}),
    ...(isArea && options.beforeId ? { beforeId: options.beforeId } : {}),
  })
}
