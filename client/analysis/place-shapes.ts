import type { Feature, Geometry } from 'geojson'
import { api, type ChiefProps, type LayerCollection, type PlaceLayerId, type PlaceProps } from '../api.ts'

/** The layers whose features are patrolled places (ids match the coverage answer's place ids). */
export const patrolledLayers: readonly PlaceLayerId[] = [
  'forests',
  'scenic',
  'projects',
  'mines',
  'water_sources',
  'reservoirs',
  'lakes',
  'rivers',
  'roads',
  'markets',
]

export type PlaceFeature = Feature<Geometry, PlaceProps>

export interface PlaceShapes {
  /** Every place feature of the layers above, areas first, then lines, then points. */
  features: PlaceFeature[]
  byId: Map<string, PlaceFeature>
  /** Places with a patrol target: the ones coverage is computed for. */
  patrolled: number
}

let shapes: Promise<PlaceShapes> | undefined

/** The places' geometry, fetched once per page (about 2 MB) and shared by every analysis layer. */
export function loadPlaceShapes(): Promise<PlaceShapes> {
  shapes ??= Promise.all(patrolledLayers.map((id) => api.layer(id))).then((collections) => {
    const features = collections.flatMap(
      (collection) => (collection as LayerCollection<PlaceLayerId>).features as PlaceFeature[],
    )
    const byId = new Map(features.map((f) => [f.properties.id, f]))
    const patrolled = features.filter((f) => f.properties.patrol_every_days != null).length
    return { features, byId, patrolled }
  })
  shapes.catch(() => {
    shapes = undefined
  })
  return shapes
}

export type ChiefFeature = Feature<Geometry, ChiefProps>

export interface ChiefIndex {
  byId: Map<string, ChiefFeature>
  /** The chiefs answering for each place. */
  byPlace: Map<string, ChiefFeature[]>
}

let chiefs: Promise<ChiefIndex> | undefined

/** The chiefs with their last known positions and places (fetched when first needed). */
export function loadChiefs(): Promise<ChiefIndex> {
  chiefs ??= api.layer('chiefs').then((collection) => {
    const byId = new Map<string, ChiefFeature>()
    const byPlace = new Map<string, ChiefFeature[]>()
    for (const feature of collection.features) {
      byId.set(feature.properties.id, feature)
      for (const place of feature.properties.places ?? []) {
        const list = byPlace.get(place)
        if (list) list.push(feature)
        else byPlace.set(place, [feature])
      }
    }
    return { byId, byPlace }
  })
  chiefs.catch(() => {
    chiefs = undefined
  })
  return chiefs
}
