import type { FeatureCollection } from 'geojson'
import type { LayerSpecification, StyleSpecification } from 'maplibre-gl'
import type { LayerId } from '../api.ts'
import { districtLineColor, layerDefinition } from './catalog.ts'
import { placeTileAreaLayers, placeTileRoadLayer, placeTileSources } from './place-tiles.ts'

/**
 * The offline base map: a background colour and GeoJSON sources that the app fills from our own API
 * (boundaries, lakes, reservoirs, rivers), and at low zoom the large place layers as vector tiles
 * from our own API (place-tiles.ts). No glyphs, no sprites, so nothing is fetched from the internet
 * and there are no symbol layers; labels are drawn by deck.gl (labels-layer.ts).
 */

/** The GeoJSON sources of the base map, one per API layer. */
export const baseSources = [
  'boundaries',
  'lakes',
  'reservoirs',
  'rivers',
] as const satisfies readonly LayerId[]
export type BaseSourceId = (typeof baseSources)[number]

export const isBaseSource = (id: LayerId): id is BaseSourceId =>
  (baseSources as readonly string[]).includes(id)

/** Border lines derived from the boundary polygons (boundary-lines.ts), fed with the boundaries. */
export const bordersSource = 'borders'

/** The MapLibre layers drawn from each source, for toggling visibility and for hover look-ups. */
export const baseLayersOf: Record<BaseSourceId, readonly string[]> = {
  boundaries: ['provinces-fill', 'districts-fill', 'districts-line', 'provinces-casing', 'provinces-line'],
  lakes: ['lakes-fill', 'lakes-line'],
  reservoirs: ['reservoirs-fill', 'reservoirs-line'],
  rivers: ['rivers-line'],
}

/** MapLibre layers a pointer can hover (deck.gl layers are picked separately). */
export const hoverableBaseLayers: Record<string, BaseSourceId> = {
  'rivers-line': 'rivers',
  'reservoirs-fill': 'reservoirs',
  'lakes-fill': 'lakes',
}

/** The background: land outside every boundary polygon. */
export const backgroundColor = '#e7eaec'

/** The first layer drawn above the land: deck.gl's area layers go below it, so water covers them. */
export const waterLayerId = 'lakes-fill'

const empty: FeatureCollection = { type: 'FeatureCollection', features: [] }

const isProvince: ['==', ['get', string], string] = ['==', ['get', 'level'], 'province']
const isDistrict: ['==', ['get', string], string] = ['==', ['get', 'level'], 'district']

/** Builds the style; `visible` says which sources start shown, `origin` is the API's (for tile URLs). */
export function buildBaseStyle(visible: ReadonlySet<LayerId>, origin: string): StyleSpecification {
  const visibility = (id: BaseSourceId) => (visible.has(id) ? 'visible' : 'none') as 'visible' | 'none'
  const boundaries = layerDefinition('boundaries')
  const lakes = layerDefinition('lakes')
  const reservoirs = layerDefinition('reservoirs')
  const rivers = layerDefinition('rivers')

  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': backgroundColor } },
    {
      id: 'provinces-fill',
      type: 'fill',
      source: 'boundaries',
      filter: isProvince,
      layout: { visibility: visibility('boundaries') },
      paint: { 'fill-color': '#f1f1ed', 'fill-antialias': false },
    },
    {
      id: 'districts-fill',
      type: 'fill',
      source: 'boundaries',
      filter: isDistrict,
      layout: { visibility: visibility('boundaries') },
      paint: { 'fill-color': boundaries.color, 'fill-antialias': false },
    },
    ...placeTileAreaLayers(visible),
    {
      id: 'lakes-fill',
      type: 'fill',
      source: 'lakes',
      layout: { visibility: visibility('lakes') },
      paint: { 'fill-color': lakes.color },
    },
    {
      id: 'lakes-line',
      type: 'line',
      source: 'lakes',
      layout: { visibility: visibility('lakes') },
      paint: { 'line-color': lakes.stroke, 'line-width': 0.8 },
    },
    {
      id: 'reservoirs-fill',
      type: 'fill',
      source: 'reservoirs',
      layout: { visibility: visibility('reservoirs') },
      paint: { 'fill-color': reservoirs.color },
    },
    {
      id: 'reservoirs-line',
      type: 'line',
      source: 'reservoirs',
      layout: { visibility: visibility('reservoirs') },
      paint: { 'line-color': reservoirs.stroke, 'line-width': 1 },
    },
    {
      id: 'rivers-line',
      type: 'line',
      source: 'rivers',
      layout: { visibility: visibility('rivers'), 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': rivers.color,
        'line-opacity': 0.9,
        'line-width': ['interpolate', ['exponential', 1.5], ['zoom'], 7, 0.8, 10, 1.6, 14, 4],
      },
    },
    placeTileRoadLayer(visible),
    {
      id: 'districts-line',
      type: 'line',
      source: bordersSource,
      filter: isDistrict,
      layout: { visibility: visibility('boundaries'), 'line-join': 'round' },
      paint: {
        'line-color': districtLineColor,
        'line-width': ['interpolate', ['linear'], ['zoom'], 7, 0.7, 12, 1.6],
        'line-dasharray': [3, 2],
      },
    },
    {
      id: 'provinces-casing',
      type: 'line',
      source: bordersSource,
      filter: isProvince,
      layout: { visibility: visibility('boundaries'), 'line-join': 'round' },
      paint: {
        'line-color': '#ffffff',
        'line-opacity': 0.8,
        'line-width': ['interpolate', ['linear'], ['zoom'], 7, 3, 12, 6],
      },
    },
    {
      id: 'provinces-line',
      type: 'line',
      source: bordersSource,
      filter: isProvince,
      layout: { visibility: visibility('boundaries'), 'line-join': 'round' },
      paint: {
        'line-color': boundaries.stroke,
        'line-width': ['interpolate', ['linear'], ['zoom'], 7, 1.4, 12, 2.6],
        'line-dasharray': [4, 1.5, 1, 1.5],
      },
    },
  ]

  return {
    version: 8,
    name: 'Shanshui offline base',
    sources: {
      ...Object.fromEntries(
        [...baseSources, bordersSource].map((id) => [id, { type: 'geojson', data: empty, promoteId: 'id' }]),
      ),
      ...placeTileSources(origin),
    },
    layers,
  }
}
