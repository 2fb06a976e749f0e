/** The shapes of the generated demo world: plain objects, times in epoch seconds, lon/lat in WGS84. */
import type { LineString, MultiPolygon, Point, Polygon } from 'geojson'

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

export type ChiefKind = Exclude<PlaceKind, 'water_source'>

export interface DemoPlace {
  id: string
  kind: PlaceKind
  name_zh: string
  name_en: string
  district_code: number | null
  /** Target patrol interval; null for context features nobody patrols (lakes beyond Huzhou). */
  patrol_every_days: number | null
  properties: Record<string, unknown>
  geometry: Point | LineString | Polygon | MultiPolygon
}

export interface DemoStation {
  id: string
  name_zh: string
  name_en: string
  district_code: number
  agencies: string[]
  duty_hours: string
  cross_border: boolean
  /** English province names as in boundaries.name_en (Zhejiang, Jiangsu, Anhui). */
  provinces: string[]
  location: [number, number]
  jurisdiction: MultiPolygon
}

export interface DemoChief {
  id: string
  name_zh: string
  name_en: string
  kind: ChiefKind
  district_code: number
  station_id: string | null
  on_duty: boolean
  position: [number, number]
  position_at: number
}

export interface DemoChiefPlace {
  chief_id: string
  place_id: string
}

export type IncidentCategory =
  | 'illegal_fishing'
  | 'poaching'
  | 'wildlife_trade'
  | 'dumping'
  | 'pollution'
  | 'illegal_mining'
  | 'illegal_logging'
  | 'unsafe_camping'
  | 'drowning_risk'
  | 'food_safety'

export type IncidentSource = 'app' | 'video' | 'drone' | 'hotline' | 'patrol'
export type IncidentStatus = 'reported' | 'dispatched' | 'on_scene' | 'resolved' | 'closed' | 'cancelled'

export interface DemoIncidentEvent {
  id: number
  at: number
  actor: string
  from_status: IncidentStatus | null
  to_status: IncidentStatus
  chief_id: string | null
  note: string
}

export interface DemoIncident {
  id: number
  category: IncidentCategory
  severity: 1 | 2 | 3
  source: IncidentSource
  description: string
  status: IncidentStatus
  occurred_at: number
  reported_at: number
  dispatched_at: number | null
  on_scene_at: number | null
  resolved_at: number | null
  closed_at: number | null
  chief_id: string | null
  district_code: number | null
  place_id: string | null
  location: [number, number]
  events: DemoIncidentEvent[]
}

export type PatrolMode = 'walk' | 'bike' | 'boat' | 'car'

export interface DemoPatrol {
  id: number
  kind: 'actual'
  status: 'open' | 'closed'
  chief_id: string
  station_id: string | null
  district_code: number | null
  started_at: number
  ended_at: number
  mode: PatrolMode
  place_id: string
  /** [lon, lat, epoch seconds] per fix, times strictly increasing. */
  track: [number, number, number][]
}

export interface DemoWorld {
  seed: number
  /** The end of the simulated year, epoch seconds. */
  end: number
  places: DemoPlace[]
  stations: DemoStation[]
  chiefs: DemoChief[]
  chiefPlaces: DemoChiefPlace[]
  incidents: DemoIncident[]
  patrols: DemoPatrol[]
  /** Ids of the worked examples of DOMAIN.md, for tests and tours. */
  highlights: { fushiBirdTrapIncidentId: number }
}
