import type { LayerGeometry, LayerId } from '../api.ts'
import type { MessageKey } from '../i18n/index.ts'

/** An RGBA colour as deck.gl takes it (0–255 each). */
export type RGBA = [number, number, number, number]

export type LayerGroup = 'admin' | 'water' | 'land' | 'policing'

export interface LayerDefinition {
  id: LayerId
  group: LayerGroup
  geometry: Exclude<LayerGeometry, 'mixed'>
  /** MapLibre draws the base geography (boundaries and water); deck.gl draws everything else. */
  renderer: 'maplibre' | 'deck'
  /** The legend colour (fill for areas and points, stroke for lines), also used on the map. */
  color: string
  /** The outline of areas and the ring of points. */
  stroke: string
  visibleByDefault: boolean
  label: MessageKey
}

/** Every layer the client draws, in panel order. Colours live here so the map and the legend agree. */
export const layerCatalog: readonly LayerDefinition[] = [
  {
    id: 'boundaries',
    group: 'admin',
    geometry: 'polygon',
    renderer: 'maplibre',
    color: '#fbfaf6',
    stroke: '#4b5563',
    visibleByDefault: true,
    label: 'layer.boundaries',
  },
  {
    id: 'rivers',
    group: 'water',
    geometry: 'line',
    renderer: 'maplibre',
    color: '#3b82c4',
    stroke: '#3b82c4',
    visibleByDefault: true,
    label: 'layer.rivers',
  },
  {
    id: 'lakes',
    group: 'water',
    geometry: 'polygon',
    renderer: 'maplibre',
    color: '#b7d6ee',
    stroke: '#6fa6d3',
    visibleByDefault: true,
    label: 'layer.lakes',
  },
  {
    id: 'reservoirs',
    group: 'water',
    geometry: 'polygon',
    renderer: 'maplibre',
    color: '#93c2e6',
    stroke: '#2f78b7',
    visibleByDefault: true,
    label: 'layer.reservoirs',
  },
  {
    id: 'water_sources',
    group: 'water',
    geometry: 'polygon',
    renderer: 'deck',
    color: '#14a3a8',
    stroke: '#0e7c80',
    visibleByDefault: true,
    label: 'layer.water_sources',
  },
  {
    id: 'forests',
    group: 'land',
    geometry: 'polygon',
    renderer: 'deck',
    color: '#4c9a5b',
    stroke: '#2f7a3f',
    visibleByDefault: true,
    label: 'layer.forests',
  },
  {
    id: 'mines',
    group: 'land',
    geometry: 'polygon',
    renderer: 'deck',
    color: '#8b5a2b',
    stroke: '#6b4220',
    visibleByDefault: true,
    label: 'layer.mines',
  },
  {
    id: 'scenic',
    group: 'land',
    geometry: 'polygon',
    renderer: 'deck',
    color: '#8e5cc9',
    stroke: '#6d3fae',
    visibleByDefault: true,
    label: 'layer.scenic',
  },
  {
    id: 'projects',
    group: 'land',
    geometry: 'polygon',
    renderer: 'deck',
    color: '#c99a1e',
    stroke: '#a07812',
    visibleByDefault: false,
    label: 'layer.projects',
  },
  {
    id: 'roads',
    group: 'land',
    geometry: 'line',
    renderer: 'deck',
    color: '#7a6e66',
    stroke: '#7a6e66',
    visibleByDefault: false,
    label: 'layer.roads',
  },
  {
    id: 'markets',
    group: 'land',
    geometry: 'point',
    renderer: 'deck',
    color: '#f08a24',
    stroke: '#ffffff',
    visibleByDefault: true,
    label: 'layer.markets',
  },
  {
    id: 'jurisdictions',
    group: 'policing',
    geometry: 'polygon',
    renderer: 'deck',
    color: '#1d4ed8',
    stroke: '#1d4ed8',
    visibleByDefault: true,
    label: 'layer.jurisdictions',
  },
  {
    id: 'stations',
    group: 'policing',
    geometry: 'point',
    renderer: 'deck',
    color: '#1d4ed8',
    stroke: '#ffffff',
    visibleByDefault: true,
    label: 'layer.stations',
  },
  {
    id: 'chiefs',
    group: 'policing',
    geometry: 'point',
    renderer: 'deck',
    color: '#334155',
    stroke: '#ffffff',
    visibleByDefault: false,
    label: 'layer.chiefs',
  },
]

/** Cross-border stations and jurisdictions: the Jiangsu/Anhui lines are watched jointly. */
export const crossBorderColor = '#d6294a'
/** Chiefs who are not on duty. */
export const offDutyColor = '#a3acb9'
/** District and county lines (province lines use the boundaries layer's stroke). */
export const districtLineColor = '#8e99a6'

export const layerGroups: readonly LayerGroup[] = ['admin', 'water', 'land', 'policing']

const byId = new Map(layerCatalog.map((layer) => [layer.id, layer]))

export const isKnownLayer = (id: string): id is LayerId => byId.has(id as LayerId)

export function layerDefinition(id: LayerId): LayerDefinition {
  const definition = byId.get(id)
  if (!definition) throw new Error(`no layer definition for "${id}"`)
  return definition
}

export const defaultVisibleLayers: readonly LayerId[] = layerCatalog
  .filter((layer) => layer.visibleByDefault)
  .map((layer) => layer.id)

/** '#rrggbb' → [r, g, b, alpha]. */
export function rgba(hex: string, alpha = 255): RGBA {
  const value = Number.parseInt(hex.slice(1), 16)
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255, alpha]
}
