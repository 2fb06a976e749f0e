import type { LayerSpecification, VectorSourceSpecification } from 'maplibre-gl'
import type { LayerId } from '../api.ts'
import { layerDefinition } from './catalog.ts'
import { type DeckPlaceLayerId, fillAlpha, strokeAlpha } from './places-layer.ts'

/**
 * The large place layers at low zoom: below `tiledBelowZoom` MapLibre draws them from the server's
 * vector tiles (GET /api/tiles/…, geometry simplified for the zoom, parsed in MapLibre's worker);
 * from there on deck.gl draws the full GeoJSON (places-layer.ts) with its hover highlight. The look
 * is the same on both sides of the switch: colours and opacities come from the same tables.
 */

/** Deck place layers with many vertices (areas and roads); markets are points and stay in deck.gl. */
export const tiledPlaceLayers = [
  'forests',
  'scenic',
  'projects',
  'mines',
  'water_sources',
  'roads',
] as const satisfies readonly DeckPlaceLayerId[]
export type TiledPlaceLayerId = (typeof tiledPlaceLayers)[number]

export const isTiledPlaceLayer = (id: LayerId): id is TiledPlaceLayerId =>
  (tiledPlaceLayers as readonly string[]).includes(id)

/** The zoom from which the GeoJSON is drawn instead of the tiles (a district fills the screen). */
export const tiledBelowZoom = 11

const sourceOf = (id: TiledPlaceLayerId) => `${id}-tiles`

/** One vector source per layer, so MapLibre fetches only the tiles of the layers shown. */
export function placeTileSources(origin: string): Record<string, VectorSourceSpecification> {
  return Object.fromEntries(
    tiledPlaceLayers.map((id) => [
      sourceOf(id),
      {
        type: 'vector',
        // MapLibre's worker fetches tiles and needs an absolute URL.
        tiles: [`${origin}/api/tiles/${id}/{z}/{x}/{y}.mvt`],
        // Tiles of the last zoom below the switch serve up to it.
        maxzoom: tiledBelowZoom - 1,
      },
    ]),
  )
}

/** The MapLibre layers of each tiled place layer, for toggling visibility and for hover look-ups. */
export const placeTileLayersOf: Record<TiledPlaceLayerId, readonly string[]> = {
  forests: ['forests-tiles-fill', 'forests-tiles-line'],
  scenic: ['scenic-tiles-fill', 'scenic-tiles-line'],
  projects: ['projects-tiles-fill', 'projects-tiles-line'],
  mines: ['mines-tiles-fill', 'mines-tiles-line'],
  water_sources: ['water_sources-tiles-fill', 'water_sources-tiles-line'],
  roads: ['roads-tiles-line'],
}

/** The tile layers a pointer can hover (the fill of areas, the line of roads). */
export const hoverablePlaceTileLayers: Record<string, TiledPlaceLayerId> = Object.fromEntries(
  tiledPlaceLayers.map((id) => [placeTileLayersOf[id][0] as string, id]),
)

/** Areas in deck.gl's order (bottom to top), to go under the water; roads go above the rivers. */
const tiledAreas: readonly TiledPlaceLayerId[] = ['forests', 'scenic', 'projects', 'mines', 'water_sources']

/** The style layers of the tiled areas, drawn where deck.gl puts its areas: right under the water. */
export function placeTileAreaLayers(visible: ReadonlySet<LayerId>): LayerSpecification[] {
  return tiledAreas.flatMap((id) => {
    const definition = layerDefinition(id)
    const common = {
      source: sourceOf(id),
      'source-layer': id,
      maxzoom: tiledBelowZoom,
      layout: { visibility: visible.has(id) ? ('visible' as const) : ('none' as const) },
    }
    const waterSource = id === 'water_sources'
    return [
      {
        ...common,
        id: `${id}-tiles-fill`,
        type: 'fill' as const,
        paint: { 'fill-color': definition.color, 'fill-opacity': fillAlpha[id] / 255 },
      },
      {
        ...common,
        id: `${id}-tiles-line`,
        type: 'line' as const,
        paint: {
          'line-color': definition.stroke,
          'line-opacity': strokeAlpha(id) / 255,
          'line-width': waterSource ? 1.6 : 1,
          // MapLibre's dashes are in line widths; deck.gl's protection-zone dash is 5 px on, 3 off.
          ...(waterSource ? { 'line-dasharray': [5 / 1.6, 3 / 1.6] } : {}),
        },
      },
    ]
  })
}

/** The style layer of the tiled roads, above the rivers as deck.gl draws them. */
export function placeTileRoadLayer(visible: ReadonlySet<LayerId>): LayerSpecification {
  return {
    id: 'roads-tiles-line',
    type: 'line',
    source: sourceOf('roads'),
    'source-layer': 'roads',
    maxzoom: tiledBelowZoom,
    layout: {
      visibility: visible.has('roads') ? 'visible' : 'none',
      'line-cap': 'round',
      'line-join': 'round',
    },
    paint: {
      'line-color': layerDefinition('roads').color,
      'line-opacity': fillAlpha.roads / 255,
      'line-width': 2.2,
    },
  }
}
