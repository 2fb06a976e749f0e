import type { Feature, FeatureCollection, Point } from 'geojson'
import { ApiError, getBytes } from './api.ts'
import { decodeIncidentColumns, type IncidentColumns } from './incident-columns.ts'
import { sessionEnded } from './session.ts'

/**
 * The incidents API (server/routes/incidents.ts): types of its answers and one function per route.
 * Every function throws an ApiError carrying the server's own message on a bad answer.
 */

export const incidentCategories = [
  'illegal_fishing',
  'poaching',
  'wildlife_trade',
  'dumping',
  'pollution',
  'illegal_mining',
  'illegal_logging',
  'unsafe_camping',
  'drowning_risk',
  'food_safety',
] as const
export type IncidentCategory = (typeof incidentCategories)[number]

export const incidentSources = ['app', 'video', 'drone', 'hotline', 'patrol'] as const
export type IncidentSource = (typeof incidentSources)[number]

export const incidentStatuses = [
  'reported',
  'dispatched',
  'on_scene',
  'resolved',
  'closed',
  'cancelled',
] as const
export type IncidentStatus = (typeof incidentStatuses)[number]

/** Someone still has to act: the incident is drawn large and ringed. */
export const openStatuses: readonly IncidentStatus[] = ['reported', 'dispatched', 'on_scene']
export const isOpen = (status: IncidentStatus) => openStatuses.includes(status)

export const isIncidentCategory = (value: unknown): value is IncidentCategory =>
  (incidentCategories as readonly unknown[]).includes(value)
export const isIncidentStatus = (value: unknown): value is IncidentStatus =>
  (incidentStatuses as readonly unknown[]).includes(value)

interface Names {
  name_zh: string
  name_en: string
}

export interface IncidentPlace extends Names {
  id: string
  kind: string
  distance_m: number
}

/** An incident's fields as the list and the live feed carry them (the map feature's properties). */
export interface IncidentProps {
  id: number
  category: IncidentCategory
  /** 1 low, 2 medium, 3 high. */
  severity: number
  source: IncidentSource
  description: string
  status: IncidentStatus
  next_statuses: IncidentStatus[]
  occurred_at: string
  reported_at: string
  dispatched_at: string | null
  on_scene_at: string | null
  resolved_at: string | null
  closed_at: string | null
  district_code: number | null
  district: ({ code: number } & Names) | null
  place_id: string | null
  place: IncidentPlace | null
  chief_id: string | null
  chief: ({ id: string } & Names) | null
}

export type IncidentFeature = Feature<Point, IncidentProps>

export interface IncidentList extends FeatureCollection<Point, IncidentProps> {
  count: number
  limit: number
  truncated: boolean
}

export interface IncidentEvent {
  id: number
  incident_id: number
  at: string
  actor: string
  from_status: IncidentStatus | null
  to_status: IncidentStatus
  chief_id: string | null
  chief: ({ id: string } & Names) | null
  note: string
}

export interface IncidentDetail extends IncidentProps {
  location: Point
  /** The audit trail, oldest first. */
  events: IncidentEvent[]
}

export type ResponsibleReason =
  | {
      code: 'place_chief'
      params: {
        place_id: string
        place_kind: string
        place_name_zh: string
        place_name_en: string
        place_distance_m: number
      }
      text: string
    }
  | { code: 'station_jurisdiction'; params: { cross_border: boolean }; text: string }
  | { code: 'nearest_on_duty_chief'; params: { rank: number; distance_m: number }; text: string }

export interface ResponsibleCandidate extends Names {
  kind: 'chief' | 'station'
  id: string
  /** Metres to the chief's last known position or the station's building; null if unknown. */
  distance_m: number | null
  on_duty: boolean | null
  reason: ResponsibleReason
  places: IncidentPlace[]
}

export interface Duration {
  n: number
  median: number | null
  p90: number | null
}

export interface HandlingTimes {
  key: string | null
  count: number
  cancelled: number
  resolved: number
  resolved_within_30m: number
  share_resolved_within_30m: number | null
  minutes_to_dispatch: Duration
  minutes_to_on_scene: Duration
  minutes_to_resolve: Duration
}

export interface HandlingTimesReport {
  group: 'district' | 'category'
  from: string | null
  to: string | null
  groups: HandlingTimes[]
  total: HandlingTimes
}

export interface NewIncident {
  category: IncidentCategory
  location: Point
  occurred_at: string
  source: IncidentSource
  description: string
  severity?: number
}

export interface ListQuery {
  from?: string
  to?: string
  categories?: readonly IncidentCategory[]
  statuses?: readonly IncidentStatus[]
  limit?: number
}

interface ErrorBody {
  error: string
  message: string
  details: unknown[]
}

const isErrorBody = (body: unknown): body is ErrorBody =>
  typeof body === 'object' && body !== null && typeof (body as ErrorBody).message === 'string'

/** One request with an optional JSON body; the JSON answer, or an ApiError with the server's message. */
async function requestJson<T>(
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  options: { body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  let response: Response
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    })
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

const query = (entries: Record<string, string | undefined>) => {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) params.set(key, value)
  const text = params.toString()
  return text ? `?${text}` : ''
}

const listQuery = (q: ListQuery) =>
  query({
    from: q.from,
    to: q.to,
    category: q.categories?.length ? q.categories.join(',') : undefined,
    status: q.statuses?.length ? q.statuses.join(',') : undefined,
    limit: q.limit === undefined ? undefined : String(q.limit),
  })

export const incidentsApi = {
  list: (q: ListQuery, signal?: AbortSignal) =>
    requestJson<IncidentList>('GET', `/api/incidents${listQuery(q)}`, { signal }),

  /** Every incident of the filter (up to 2 M) as typed arrays, for the map's dots and clusters. */
  columns: async (q: ListQuery, signal?: AbortSignal): Promise<IncidentColumns> =>
    decodeIncidentColumns(await getBytes(`/api/incidents.bin${listQuery(q)}`, signal)),

  get: (id: number, signal?: AbortSignal) =>
    requestJson<IncidentDetail>('GET', `/api/incidents/${id}`, { signal }),

  responsible: async (id: number, signal?: AbortSignal) =>
    (
      await requestJson<{ candidates: ResponsibleCandidate[] }>('GET', `/api/incidents/${id}/responsible`, {
        signal,
      })
    ).candidates,

  create: (body: NewIncident) => requestJson<IncidentDetail>('POST', '/api/incidents', { body }),

  changeStatus: (id: number, status: IncidentStatus, note?: string) =>
    requestJson<IncidentDetail>('PATCH', `/api/incidents/${id}`, {
      body: note ? { status, note } : { status },
    }),

  /** One key: without a chief the server picks the first responsible on-duty chief. */
  dispatch: (id: number, options: { chiefId?: string; note?: string } = {}) => {
    const body: Record<string, string> = {}
    if (options.chiefId) body.chief_id = options.chiefId
    if (options.note) body.note = options.note
    return requestJson<IncidentDetail>('POST', `/api/incidents/${id}/dispatch`, {
      body: Object.keys(body).length ? body : undefined,
    })
  },

  stats: (q: { from?: string; to?: string }, signal?: AbortSignal) =>
    requestJson<HandlingTimesReport>(
      'GET',
      `/api/incidents/stats${query({ from: q.from, to: q.to, group: 'category' })}`,
      { signal },
    ),
}

/** A detail as a map feature (the list's shape), e.g. after a report or a status change. */
export function featureOf(detail: IncidentDetail): IncidentFeature {
  const { location, events: _events, ...properties } = detail
  return { type: 'Feature', id: detail.id, geometry: location, properties }
}
