import type { Feature, FeatureCollection, Geometry } from 'geojson'
import { sessionEnded } from './session.ts'

/** The kinds of place the server knows (places.kind). */
export type PlaceKind =
  | 'river'
  | 'lake'
  | 'reservoir'
  | 'forest'
  | 'mine'
  | 'market'
  | 'road'
  | 'project'
  | 'scenic'
  | 'water_source'

export type PlaceLayerId =
  | 'rivers'
  | 'lakes'
  | 'reservoirs'
  | 'forests'
  | 'mines'
  | 'markets'
  | 'roads'
  | 'projects'
  | 'scenic'
  | 'water_sources'

export type LayerId = 'boundaries' | PlaceLayerId | 'stations' | 'jurisdictions' | 'chiefs'

export type LayerGeometry = 'point' | 'line' | 'polygon' | 'mixed'

export interface Health {
  status: 'ok'
  db: 'embedded' | 'postgres'
  postgis: string
}

export interface LayerSummary {
  /** A layer id; the client draws the ones it knows (LayerId) and ignores newer ones. */
  id: string
  count: number
  geometry: LayerGeometry
}

export interface BoundaryProps {
  id: string
  level: 'province' | 'district'
  adcode: number | null
  name_zh: string
  name_en: string
}

export interface PlaceProps {
  id: string
  kind: PlaceKind
  name_zh: string
  name_en: string
  district_code: number | null
  patrol_every_days: number | null
  properties: Record<string, unknown>
}

/** Stations (points) and jurisdictions (their polygons) share these properties. */
export interface StationProps {
  id: string
  name_zh: string
  name_en: string
  district_code: number | null
  agencies: string[]
  duty_hours: string
  cross_border: boolean
  provinces: string[]
}

export interface ChiefProps {
  id: string
  name_zh: string
  name_en: string
  kind: PlaceKind
  district_code: number | null
  station_id: string | null
  on_duty: boolean
  position_at?: string | null
  places: string[]
}

export interface LayerPropsMap extends Record<PlaceLayerId, PlaceProps> {
  boundaries: BoundaryProps
  stations: StationProps
  jurisdictions: StationProps
  chiefs: ChiefProps
}

export type LayerFeature<Id extends LayerId = LayerId> = Feature<Geometry, LayerPropsMap[Id]>
export type LayerCollection<Id extends LayerId = LayerId> = FeatureCollection<Geometry, LayerPropsMap[Id]>

/** The body of every error answer of the server. */
interface ErrorBody {
  error: string
  message: string
  details: unknown[]
}

/** A failed request: `message` is the server's own message (or what went wrong on the way). */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    message: string,
    readonly status: number,
    readonly error: string,
    readonly details: unknown[] = [],
  ) {
    super(message)
  }
}

const isErrorBody = (body: unknown): body is ErrorBody =>
  typeof body === 'object' && body !== null && typeof (body as ErrorBody).message === 'string'

/** GETs a JSON document; throws an ApiError carrying the server's message on any failure. */
async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, { headers: { accept: 'application/json' }, signal })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ApiError(`could not reach the server for ${path}: ${reason}`, 0, 'Network Error')
  }
  const text = await response.text()
  let body: unknown
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = undefined
  }
  if (response.status === 401) sessionEnded()
  if (!response.ok) {
    const message = isErrorBody(body) ? body.message : `${response.status} ${response.statusText} for ${path}`
    const error = isErrorBody(body) ? body.error : response.statusText
    throw new ApiError(message, response.status, error, isErrorBody(body) ? body.details : [])
  }
  if (body === undefined)
    throw new ApiError(`the answer to ${path} is not JSON`, response.status, 'Bad Response')
  return body as T
}

/** GETs a binary answer (the columnar payloads); failures as for getJson. */
export async function getBytes(path: string, signal?: AbortSignal): Promise<ArrayBuffer> {
  let response: Response
  try {
    response = await fetch(path, { headers: { accept: 'application/octet-stream' }, signal })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ApiError(`could not reach the server for ${path}: ${reason}`, 0, 'Network Error')
  }
  if (response.status === 401) sessionEnded()
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined)
    const message = isErrorBody(body) ? body.message : `${response.status} ${response.statusText} for ${path}`
    const error = isErrorBody(body) ? body.error : response.statusText
    throw new ApiError(message, response.status, error, isErrorBody(body) ? body.details : [])
  }
  return response.arrayBuffer()
}

export type BBox = readonly [minLon: number, minLat: number, maxLon: number, maxLat: number]

export const api = {
  health: (signal?: AbortSignal) => getJson<Health>('/api/health', signal),

  layers: async (signal?: AbortSignal) =>
    (await getJson<{ layers: LayerSummary[] }>('/api/layers', signal)).layers,

  /** One layer as GeoJSON, optionally only what meets the bbox. */
  layer: async <Id extends LayerId>(
    id: Id,
    bbox?: BBox,
    signal?: AbortSignal,
  ): Promise<LayerCollection<Id>> => {
    const query = bbox ? `?bbox=${bbox.map((n) => n.toFixed(5)).join(',')}` : ''
    const body = await getJson<LayerCollection<Id>>(`/api/layers/${encodeURIComponent(id)}${query}`, signal)
    if (body?.type !== 'FeatureCollection' || !Array.isArray(body.features)) {
      throw new ApiError(`layer ${id}: the answer is not a GeoJSON FeatureCollection`, 200, 'Bad Response')
    }
    return body
  },
}
