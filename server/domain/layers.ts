import type { Queryable } from '../db/db.ts'
import type { BBox } from './bbox.ts'

/** The kinds of place (places.kind) and the map layer each is served as. */
export const placeLayers = {
  rivers: 'river',
  lakes: 'lake',
  reservoirs: 'reservoir',
  forests: 'forest',
  mines: 'mine',
  markets: 'market',
  roads: 'road',
  projects: 'project',
  scenic: 'scenic',
  water_sources: 'water_source',
} as const

export type PlaceLayerId = keyof typeof placeLayers
export type LayerId = 'boundaries' | PlaceLayerId | 'stations' | 'jurisdictions' | 'chiefs'

export const layerIds: readonly LayerId[] = [
  'boundaries',
  ...(Object.keys(placeLayers) as PlaceLayerId[]),
  'stations',
  'jurisdictions',
  'chiefs',
]

export const isLayerId = (id: string): id is LayerId => (layerIds as readonly string[]).includes(id)
export const isPlaceLayer = (id: string): id is PlaceLayerId => Object.hasOwn(placeLayers, id)

interface LayerSource {
  /** Table and geometry column; the bbox filters on the column's GiST index. */
  from: string
  geom: string
  /** The feature properties, as a SQL json_build_object argument list. */
  properties: string
  /** A fixed condition, never user input. */
  where?: string
}

const placeProperties = `'kind', kind, 'name_zh', name_zh, 'name_en', name_en, 'district_code', district_code,
  'patrol_every_days', patrol_every_days, 'properties', properties`

function sourceOf(layer: LayerId): LayerSource {
  if (isPlaceLayer(layer)) {
    return {
      from: 'places',
      geom: 'geom',
      properties: placeProperties,
      where: `kind = '${placeLayers[layer]}'`,
    }
  }
  switch (layer) {
    case 'boundaries':
      return {
        from: 'boundaries',
        geom: 'geom',
        properties: `'level', level, 'adcode', adcode, 'name_zh', name_zh, 'name_en', name_en`,
      }
    case 'stations':
    case 'jurisdictions':
      return {
        from: 'stations',
        geom: layer === 'stations' ? 'location' : 'jurisdiction',
        properties: `'name_zh', name_zh, 'name_en', name_en, 'district_code', district_code, 'agencies', agencies,
          'duty_hours', duty_hours, 'cross_border', cross_border, 'provinces', provinces`,
      }
    case 'chiefs':
      return {
        from: 'chiefs',
        geom: 'position',
        properties: `'name_zh', name_zh, 'name_en', name_en, 'kind', kind, 'district_code', district_code,
          'station_id', station_id, 'on_duty', on_duty, 'position_at', position_at,
          'places', (SELECT coalesce(json_agg(place_id ORDER BY place_id), '[]') FROM chief_places cp WHERE cp.chief_id = chiefs.id)`,
        where: 'position IS NOT NULL',
      }
  }
}

export interface LayerSummary {
  id: LayerId
  count: number
  geometry: 'point' | 'line' | 'polygon' | 'mixed'
}

const geometryOf: Record<LayerId, LayerSummary['geometry']> = {
  boundaries: 'polygon',
  rivers: 'line',
  roads: 'line',
  lakes: 'polygon',
  reservoirs: 'polygon',
  forests: 'polygon',
  mines: 'polygon',
  markets: 'point',
  projects: 'polygon',
  scenic: 'polygon',
  water_sources: 'polygon',
  stations: 'point',
  jurisdictions: 'polygon',
  chiefs: 'point',
}

/** Every layer with the number of features it holds. */
export async function listLayers(db: Queryable): Promise<LayerSummary[]> {
  const rows = await db.query<{ layer: string; count: number }>(`
    SELECT 'boundaries' AS layer, count(*) AS count FROM boundaries
    UNION ALL SELECT kind, count(*) FROM places GROUP BY kind
    UNION ALL SELECT 'stations', count(*) FROM stations
    UNION ALL SELECT 'chiefs', count(*) FROM chiefs WHERE position IS NOT NULL`)
  const counts = new Map(rows.map((r) => [r.layer, r.count]))
  return layerIds.map((id) => {
    const key = isPlaceLayer(id) ? placeLayers[id] : id === 'jurisdictions' ? 'stations' : id
    return { id, count: counts.get(key) ?? 0, geometry: geometryOf[id] }
  })
}

/**
 * One layer as a GeoJSON FeatureCollection, serialised by the database (the text is sent as is).
 * The bbox is turned into an envelope and compared with `&&`, so the GiST index on the column is used.
 */
export async function layerFeatureCollection(db: Queryable, layer: LayerId, bbox?: BBox): Promise<string> {
  const s = sourceOf(layer)
  const conditions = [
    s.where,
    bbox ? `${s.geom} && ST_MakeEnvelope($1, $2, $3, $4, 4326)` : undefined,
  ].filter(Boolean)
  const rows = await db.query<{ fc: string }>(
    `SELECT json_build_object(
       'type', 'FeatureCollection',
       'features', coalesce(json_agg(json_build_object(
         'type', 'Feature',
         'id', id,
         'geometry', ST_AsGeoJSON(${s.geom}, 6)::json,
         'properties', json_build_object('id', id, ${s.properties})
       ) ORDER BY id), '[]')
     )::text AS fc
     FROM ${s.from}
     ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}`,
    bbox ?? [],
  )
  return rows[0]?.fc ?? '{"type":"FeatureCollection","features":[]}'
}
