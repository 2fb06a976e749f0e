import type { Feature, FeatureCollection, LineString, Point, Polygon } from 'geojson'
import {
  decodeHotspotColumns,
  type HotspotColumns,
  type HotspotProperties,
} from '../server/domain/hotspot-columns.ts'
import type { Station, StationChange, StationDetail, StationView } from '../server/domain/stations.ts'
import type { HotspotClass } from '../server/domain/statistics.ts'
import type { SupervisorSummary } from '../server/domain/supervisor-summary.ts'
import { ApiError, type BBox, getBytes } from './api.ts'
import { sessionEnded } from './session.ts'

/**
 * The analysis API: patrol coverage and gaps (server/routes/coverage.ts), patrol tracks
 * (routes/patrols.ts), suggested patrols (routes/plans.ts) and incident hotspots (routes/hotspots.ts).
 * Types of the answers and one function per route; every function throws an ApiError carrying the
 * server's own message on a bad answer.
 */

interface Names {
  name_zh: string
  name_en: string
}

export type CoverageMeasure = 'length' | 'area' | 'visit'

export interface PlaceCoverage extends Names {
  id: string
  kind: string
  district_code: number | null
  patrol_every_days: number
  measure: CoverageMeasure
  /** 0..1 */
  coverage: number
  covered_m?: number
  total_m?: number
  covered_m2?: number
  total_m2?: number
  weight_m: number
  last_patrolled_at: string | null
  patrols: number
}

export interface DistrictCoverage {
  district_code: number | null
  name_zh: string | null
  name_en: string | null
  coverage: number
  places: number
}

export interface ChiefCoverage extends Names {
  chief_id: string
  coverage: number
  places: number
}

export interface CoverageReport {
  places: PlaceCoverage[]
  districts: DistrictCoverage[]
  chiefs: ChiefCoverage[]
  /** method: from the 250 m cells kept at ingest, or measured exactly (buffers and intersections). */
  params: { from: string; to: string; radius: number; method: 'cells' | 'exact' }
}

export type GapReason = 'overdue' | 'low_coverage' | 'both'

export interface Gap {
  place: Names & { id: string; kind: string; district_code: number | null }
  patrol_every_days: number
  reason: GapReason
  overdue_days: number
  coverage: number
  last_patrolled_at: string | null
  incidents_recent: number
  risk: number
  score: number
  chiefs: (Names & { id: string })[]
}

export interface GapReport {
  gaps: Gap[]
  total: number
  truncated: boolean
  params: {
    from: string
    to: string
    radius: number
    threshold: number
    risk_radius_m: number
    risk_days: number
  }
}

export interface PatrolProps {
  id: number
  kind: 'actual' | 'planned'
  status: 'open' | 'closed'
  chief_id: string | null
  station_id: string | null
  district_code: number | null
  started_at: string
  ended_at: string
  length_m: number
  /** Epoch milliseconds, one per vertex. */
  times: number[]
}

export type PatrolCollection = FeatureCollection<LineString, PatrolProps> & {
  truncated: boolean
  limit: number
}

export type StopReason = GapReason | 'incidents'

export interface PlanStop extends Names {
  order: number
  place_id: string
  kind: string
  lon: number
  lat: number
  arrive_at: string
  leave_at: string
  reason: StopReason
  score: number
  leg_m: number
}

export interface Plan {
  id: number
  source: 'suggested' | 'drawn'
  chief_id: string | null
  station_id: string | null
  date: string
  started_at: string
  ended_at: string
  hours: number
  speed_kmh: number
  detour_factor: number
  dwell_minutes: number
  radius: number
  length_m: number
  route: Feature<LineString, { times: number[] }>
  stops: PlanStop[]
  adds: {
    places: number
    covered_m: number
    covered_m2: number
    visits: number
    by_place: { place_id: string; coverage_before: number; coverage_after: number }[]
  }
}

/** A suggestion (`start` and `hours`) or a route drawn by hand (`route`, timed at `speed_kmh`). */
export interface PlanRequest {
  chief_id?: string
  station_id?: string
  start?: Point
  hours?: number
  route?: LineString
  speed_kmh?: number
  /** YYYY-MM-DD, China time. */
  date: string
}

export type GiClass = HotspotClass
export type HotspotProps = HotspotProperties
export type HotspotFeature = Feature<Polygon, HotspotProps> & { id: string }

export type EmergingClass =
  | 'new'
  | 'intensifying'
  | 'persistent'
  | 'diminishing'
  | 'consecutive'
  | 'oscillating'
  | 'sporadic'
  | 'historical'
  | 'none'

export interface TrendProps {
  q: number
  r: number
  counts: number[]
  total: number
  gi_z: number[]
  hot_steps: number
  final_hot: boolean
  mann_kendall: { s: number; variance: number; z: number; p: number }
  trend: 'up' | 'down' | 'none'
  class: EmergingClass
}

export interface TrendCollection extends FeatureCollection<Polygon, TrendProps> {
  features: (Feature<Polygon, TrendProps> & { id: string })[]
  from: string
  to: string
  step: 'week' | 'month'
  cell: number
  steps: { start: string; end: string }[]
}

/** Only what the hotspot panel reads of an incident. */
export interface IncidentSummary {
  id: number
  category: string
  occurred_at: string
}

export type IncidentPoints = FeatureCollection<Point, IncidentSummary> & {
  count: number
  truncated: boolean
}

const isErrorBody = (body: unknown): body is { error: string; message: string; details: unknown[] } =>
  typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string'

export type { HotspotColumns, Station, StationChange, StationDetail, StationView, SupervisorSummary }

/** One request; throws an ApiError with the server's message when the answer is not a good JSON one. */
async function request<T>(
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  body?: unknown,
  signal?: AbortSignal,
) {
  let response: Response
  try {
    response = await fetch(path, {
      method,
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ApiError(`could not reach the server for ${path}: ${reason}`, 0, 'Network Error')
  }
  const text = await response.text()
  let answer: unknown
  try {
    answer = text ? JSON.parse(text) : undefined
  } catch {
    answer = undefined
  }
  if (response.status === 401) sessionEnded()
  if (!response.ok) {
    if (isErrorBody(answer))
      throw new ApiError(answer.message, response.status, answer.error, answer.details ?? [])
    throw new ApiError(`${response.status} ${response.statusText} for ${path}`, response.status, 'Error')
  }
  if (answer === undefined) throw new ApiError(`the answer to ${path} is not JSON`, 200, 'Bad Response')
  return answer as T
}

const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value))
  return search.toString()
}

const iso = (ms: number) => new Date(ms).toISOString()

export const analysisApi = {
  /** When the records end: the end of the newest actual patrol (epoch ms), or undefined with none. */
  dataEnd: async (signal?: AbortSignal): Promise<number | undefined> => {
    const newest = await request<PatrolCollection>(
      'GET',
      `/api/patrols?${query({ kind: 'actual', limit: 1 })}`,
      undefined,
      signal,
    )
    const ended = newest.features[0]?.properties.ended_at
    return ended ? Date.parse(ended) : undefined
  },

  coverage: (from: number, to: number, signal?: AbortSignal) =>
    request<CoverageReport>(
      'GET',
      `/api/coverage?${query({ from: iso(from), to: iso(to) })}`,
      undefined,
      signal,
    ),

  /** One place's coverage measured exactly (seconds for a large place; the map's figures come from cells). */
  exactCoverage: async (placeId: string, from: string, to: string, signal?: AbortSignal) => {
    const report = await request<CoverageReport>(
      'GET',
      `/api/coverage?${query({ place: placeId, from, to, exact: 'true' })}`,
      undefined,
      signal,
    )
    return report.places[0]
  },

  gaps: (from: number, to: number, limit = 200, signal?: AbortSignal) =>
    request<GapReport>(
      'GET',
      `/api/coverage/gaps?${query({ from: iso(from), to: iso(to), limit })}`,
      undefined,
      signal,
    ),

  /** Actual patrols that overlap from..to (the newest `limit` of them). */
  patrols: (from: number, to: number, limit = 5000, signal?: AbortSignal) =>
    request<PatrolCollection>(
      'GET',
      `/api/patrols?${query({ from: iso(from), to: iso(to), kind: 'actual', limit })}`,
      undefined,
      signal,
    ),

  /** The hotspot cells of a window as columns (no polygons: hotspot-layer.ts draws them from q, r). */
  hotspots: async (from: number, to: number, signal?: AbortSignal): Promise<HotspotColumns> =>
    decodeHotspotColumns(await getBytes(`/api/hotspots?${query({ from: iso(from), to: iso(to) })}`, signal)),

  /** Monthly counts and emerging-hotspot classes over the 12 months up to `to`. */
  hotspotTrend: (to: number, signal?: AbortSignal) =>
    request<TrendCollection>(
      'GET',
      `/api/hotspots/trend?${query({ to: iso(to), step: 'month' })}`,
      undefined,
      signal,
    ),

  incidentsIn: (bbox: BBox, from: number, to: number, signal?: AbortSignal) =>
    request<IncidentPoints>(
      'GET',
      `/api/incidents?${query({ bbox: bbox.map((n) => n.toFixed(6)).join(','), from: iso(from), to: iso(to) })}`,
      undefined,
      signal,
    ),

  createPlan: (body: PlanRequest, signal?: AbortSignal) => request<Plan>('POST', '/api/plans', body, signal),

  /** The supervisor's figures of from..to against the window before. */
  summary: (from: number, to: number, signal?: AbortSignal) =>
    request<SupervisorSummary>(
      'GET',
      `/api/summary?${query({ from: iso(from), to: iso(to) })}`,
      undefined,
      signal,
    ),

  /** The URL of an export of what the window and filters select, names in `lang`. */
  exportUrl: (file: string, from: number, to: number, lang: string, filters: Record<string, string> = {}) =>
    `/api/export/${file}?${query({ from: iso(from), to: iso(to), lang, ...filters })}`,

  stations: (signal?: AbortSignal) => request<Station[]>('GET', '/api/stations', undefined, signal),

  /** A station's own view of from..to: its band, both sides' incidents and patrols, its figures. */
  stationView: (id: string, from: number, to: number, signal?: AbortSignal) =>
    request<StationView>(
      'GET',
      `/api/stations/${encodeURIComponent(id)}/view?${query({ from: iso(from), to: iso(to) })}`,
      undefined,
      signal,
    ),

  /** Admins: agencies, duty hours, jurisdiction. */
  updateStation: (id: string, change: StationChange) =>
    request<StationDetail>('PATCH', `/api/stations/${encodeURIComponent(id)}`, change),
}
