import { inScopeSql, type Viewer } from '../auth/scope.ts'
import type { Db, Queryable } from '../db/db.ts'
import { badRequest, conflict, forbidden, unprocessable } from '../errors.ts'
import type { BBox } from './bbox.ts'
import { claimKey, type IdempotencyKey, storeKey } from './idempotency.ts'
import {
  assertTransition,
  type IncidentStatus,
  incidentTransitions,
  nextStatuses,
  statusTimestampColumn,
} from './incident-lifecycle.ts'
import { findResponsibleUnits, type LonLat, type ResponsibleReason } from './responsibility.ts'
import { parseInstant } from './time.ts'

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

/** The served area: a report must lie within this distance of one of Huzhou's districts. */
export const servedAreaM = 50_000
/** How far in the future `occurred_at` may lie, for clocks that run a little fast. */
export const clockSkewMs = 5 * 60_000
/** The nearest place is recorded only within this distance; farther, the incident has no place. */
export const nearestPlaceMaxM = 5_000
/** Rows a list returns unless asked otherwise, and at most. */
export const listLimitDefault = 5_000
export const listLimitMax = 20_000

export interface PointGeometry {
  type: 'Point'
  coordinates: number[]
}

export interface Incident {
  id: number
  category: IncidentCategory
  severity: number
  source: IncidentSource
  description: string
  status: IncidentStatus
  /** The steps the lifecycle allows from `status` (empty when final). */
  next_statuses: IncidentStatus[]
  location: { type: 'Point'; coordinates: [number, number] }
  occurred_at: string
  reported_at: string
  dispatched_at: string | null
  on_scene_at: string | null
  resolved_at: string | null
  closed_at: string | null
  district_code: number | null
  district: { code: number; name_zh: string; name_en: string } | null
  place_id: string | null
  place: { id: string; kind: string; name_zh: string; name_en: string; distance_m: number } | null
  chief_id: string | null
  chief: { id: string; name_zh: string; name_en: string } | null
}

export interface IncidentEvent {
  id: number
  incident_id: number
  at: string
  actor: string
  from_status: IncidentStatus | null
  to_status: IncidentStatus
  chief_id: string | null
  chief: { id: string; name_zh: string; name_en: string } | null
  note: string
}

export interface IncidentDetail extends Incident {
  /** The audit trail, oldest first. */
  events: IncidentEvent[]
}

/** An incident as a map feature: the same fields, with `location` as the geometry. */
export interface IncidentFeature {
  type: 'Feature'
  id: number
  geometry: Incident['location']
  properties: Omit<Incident, 'location'>
}

export function toFeature(incident: Incident | IncidentDetail): IncidentFeature {
  const { location, ...properties } = incident
  delete (properties as Partial<IncidentDetail>).events
  return { type: 'Feature', id: incident.id, geometry: location, properties }
}

// --- input checks ------------------------------------------------------------------------------

/** A GeoJSON Point's position as lon/lat; throws a 400 for a position off the globe. */
export function pointOf(location: PointGeometry): LonLat {
  const [lon, lat] = location.coordinates
  if (location.coordinates.length < 2 || lon === undefined || lat === undefined) {
    throw badRequest('location.coordinates must be [longitude, latitude]')
  }
  if (!Number.isFinite(lon) || lon < -180 || lon > 180 || !Number.isFinite(lat) || lat < -90 || lat > 90) {
    throw badRequest(
      `location.coordinates must be [longitude, latitude] within -180..180 and -90..90, got [${lon}, ${lat}]`,
      [{ field: 'location', code: 'off_globe', coordinates: [lon, lat] }],
    )
  }
  return { lon, lat }
}

/** `occurred_at` as a Date; a time more than the allowed clock skew in the future is a 422. */
export function checkOccurredAt(text: string, now: Date = new Date()): Date {
  const occurred = parseInstant('occurred_at', text)
  if (occurred.getTime() > now.getTime() + clockSkewMs) {
    throw unprocessable(
      `occurred_at ${text} lies in the future (server time ${now.toISOString()}, ${clockSkewMs / 60_000} min of clock skew allowed)`,
      [{ field: 'occurred_at', code: 'in_future', value: text, now: now.toISOString() }],
    )
  }
  return occurred
}

/** Parses a comma list such as "poaching,dumping" against the allowed values; 400 naming the unknown ones. */
export function parseList<T extends string>(field: string, text: string, allowed: readonly T[]): T[] {
  const values = [...new Set(text.split(',').map((v) => v.trim()))].filter(Boolean)
  const unknown = values.filter((v) => !(allowed as readonly string[]).includes(v))
  if (unknown.length || values.length === 0) {
    throw badRequest(
      `${field} must be a comma list of ${allowed.join(', ')}; ${unknown.length ? `unknown: ${unknown.join(', ')}` : 'got an empty list'}`,
      unknown.map((value) => ({ field, code: 'unknown_value', value })),
    )
  }
  return values as T[]
}

export interface Located {
  district: { code: number; name_zh: string; name_en: string; distance_m: number }
  place: { id: string; kind: string; name_zh: string; name_en: string; distance_m: number } | null
}

/**
 * The district that holds a point (or, for a point just outside Huzhou — on Taihu, across a province
 * line — the nearest district) and the nearest place within 5 km. A point farther than 50 km from
 * every district is outside the served area: 422.
 */
export async function locatePoint(db: Queryable, point: LonLat): Promise<Located> {
  const [district] = await db.query<Located['district']>(
    // The coarse test in degrees runs first: 1° is over 95 km at Huzhou's latitudes, more than the
    // 50 km limit, and it keeps far-away points (where the Gauss-Krüger projection EPSG:4549 gives
    // meaningless numbers) out of the metric distance. The k-NN `<->` then picks the nearest district.
    `SELECT adcode AS code, name_zh, name_en, ST_Distance(geom_m, ST_Transform(pt, 4549)) AS distance_m
       FROM boundaries, ST_SetSRID(ST_MakePoint($1, $2), 4326) AS pt
      WHERE level = 'district' AND ST_DWithin(geom, pt, 1)
      ORDER BY geom_m <-> ST_Transform(pt, 4549)
      LIMIT 1`,
    [point.lon, point.lat],
  )
  if (!district || district.distance_m > servedAreaM) {
    const away = district ? `${(district.distance_m / 1000).toFixed(1)} km` : 'more than 90 km'
    throw unprocessable(
      `location [${point.lon}, ${point.lat}] is ${away} from the nearest Huzhou district; reports are accepted within ${servedAreaM / 1000} km of Huzhou`,
      [{ field: 'location', code: 'outside_served_area', max_distance_m: servedAreaM }],
    )
  }
  // k-NN on the GiST index of places.geom_m: the nearest place first, bounded by ST_DWithin.
  const [place] = await db.query<NonNullable<Located['place']>>(
    `SELECT id, kind, name_zh, name_en, ST_Distance(geom_m, pt) AS distance_m
       FROM places, ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 4549) AS pt
      WHERE ST_DWithin(geom_m, pt, $3)
      ORDER BY geom_m <-> pt
      LIMIT 1`,
    [point.lon, point.lat, nearestPlaceMaxM],
  )
  return {
    district: { ...district, distance_m: Math.round(district.distance_m) },
    place: place ? { ...place, distance_m: Math.round(place.distance_m) } : null,
  }
}

// --- reading -----------------------------------------------------------------------------------

interface IncidentRow {
  id: number
  category: IncidentCategory
  severity: number
  source: IncidentSource
  description: string
  status: IncidentStatus
  lon: number
  lat: number
  occurred_at: Date
  reported_at: Date
  dispatched_at: Date | null
  on_scene_at: Date | null
  resolved_at: Date | null
  closed_at: Date | null
  district_code: number | null
  district_name_zh: string | null
  district_name_en: string | null
  place_id: string | null
  place_kind: string | null
  place_name_zh: string | null
  place_name_en: string | null
  place_distance_m: number | null
  chief_id: string | null
  chief_name_zh: string | null
  chief_name_en: string | null
}

/** The incident columns with the names of its district, place and chief; filtered by the caller. */
const incidentSelect = `
  SELECT i.id, i.category, i.severity, i.source, i.description, i.status,
         ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat,
         i.occurred_at, i.reported_at, i.dispatched_at, i.on_scene_at, i.resolved_at, i.closed_at,
         i.district_code, b.name_zh AS district_name_zh, b.name_en AS district_name_en,
         i.place_id, p.kind AS place_kind, p.name_zh AS place_name_zh, p.name_en AS place_name_en,
         ST_Distance(p.geom_m, i.geom_m) AS place_distance_m,
         i.chief_id, c.name_zh AS chief_name_zh, c.name_en AS chief_name_en
    FROM incidents i
    LEFT JOIN boundaries b ON b.adcode = i.district_code
    LEFT JOIN places p ON p.id = i.place_id
    LEFT JOIN chiefs c ON c.id = i.chief_id`

const iso = (time: Date | null) => (time === null ? null : time.toISOString())

function incidentOf(row: IncidentRow): Incident {
  return {
    id: row.id,
    category: row.category,
    severity: row.severity,
    source: row.source,
    description: row.description,
    status: row.status,
    next_statuses: [...nextStatuses(row.status)],
    location: { type: 'Point', coordinates: [row.lon, row.lat] },
    occurred_at: row.occurred_at.toISOString(),
    reported_at: row.reported_at.toISOString(),
    dispatched_at: iso(row.dispatched_at),
    on_scene_at: iso(row.on_scene_at),
    resolved_at: iso(row.resolved_at),
    closed_at: iso(row.closed_at),
    district_code: row.district_code,
    district:
      row.district_code === null || row.district_name_zh === null
        ? null
        : { code: row.district_code, name_zh: row.district_name_zh, name_en: row.district_name_en ?? '' },
    place_id: row.place_id,
    place:
      row.place_id === null || row.place_kind === null
        ? null
        : {
            id: row.place_id,
            kind: row.place_kind,
            name_zh: row.place_name_zh ?? '',
            name_en: row.place_name_en ?? '',
            distance_m: Math.round(row.place_distance_m ?? 0),
          },
    chief_id: row.chief_id,
    chief:
      row.chief_id === null || row.chief_name_zh === null
        ? null
        : { id: row.chief_id, name_zh: row.chief_name_zh, name_en: row.chief_name_en ?? '' },
  }
}

interface EventRow {
  id: number
  incident_id: number
  at: Date
  actor: string
  from_status: IncidentStatus | null
  to_status: IncidentStatus
  chief_id: string | null
  chief_name_zh: string | null
  chief_name_en: string | null
  note: string
}

function eventOf(row: EventRow): IncidentEvent {
  return {
    id: row.id,
    incident_id: row.incident_id,
    at: row.at.toISOString(),
    actor: row.actor,
    from_status: row.from_status,
    to_status: row.to_status,
    chief_id: row.chief_id,
    chief:
      row.chief_id === null || row.chief_name_zh === null
        ? null
        : { id: row.chief_id, name_zh: row.chief_name_zh, name_en: row.chief_name_en ?? '' },
    note: row.note,
  }
}

const eventSelect = `
  SELECT e.id, e.incident_id, e.at, e.actor, e.from_status, e.to_status, e.chief_id,
         c.name_zh AS chief_name_zh, c.name_en AS chief_name_en, e.note
    FROM incident_events e
    LEFT JOIN chiefs c ON c.id = e.chief_id`

/** One incident with its event history, or null when there is none with this id in the viewer's scope. */
export async function getIncident(
  db: Queryable,
  id: number,
  viewer: Viewer = null,
): Promise<IncidentDetail | null> {
  const [row] = await db.query<IncidentRow>(
    `${incidentSelect} WHERE i.id = $1 AND ${inScopeSql('i.geom_m', '$2')}`,
    [id, viewer],
  )
  if (!row) return null
  const events = await db.query<EventRow>(`${eventSelect} WHERE e.incident_id = $1 ORDER BY e.at, e.id`, [id])
  return { ...incidentOf(row), events: events.map(eventOf) }
}

export interface IncidentFilter {
  bbox?: BBox
  /** occurred_at ≥ from */
  from?: Date
  /** occurred_at < to */
  to?: Date
  categories?: IncidentCategory[]
  statuses?: IncidentStatus[]
  limit?: number
  /** Only incidents in this user's scope. */
  viewer?: Viewer
}

/** A timestamptz column as Date.toISOString() writes it (UTC, milliseconds, "Z"); NULL stays NULL. */
const isoSql = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
/** A value as JSON text: NULL as null, a string quoted and escaped. */
const jsonSql = (value: string) => `coalesce(to_json(${value})::text, 'null')`

/** Each status's next steps as JSON text, for `->>` in featureJsonSql (faster than parsing a json per row). */
const nextStatusesJson = JSON.stringify(
  Object.fromEntries(
    Object.entries(incidentTransitions).map(([status, next]) => [status, JSON.stringify(next)]),
  ),
)

/**
 * One incident (`i`, with its district `b`, place `p` and chief `c` left-joined) as the JSON text of
 * its map feature: the same keys, values and order as toFeature(incident) serialised by the route
 * (tests/api/incidents.test.ts compares the two). `nextStatuses` is the parameter holding
 * nextStatusesJson. Category, source and status are quoted without escaping: their CHECK
 * constraints allow only plain identifiers. concat and to_json cost about half of what row_to_json
 * or json_build_object do per row, and json_build_object writes spaces.
 */
const featureJsonSql = (nextStatuses: string) => `concat(
    '{"type":"Feature","id":', i.id, ',"geometry":', ST_AsGeoJSON(i.geom, 15),
    ',"properties":{"id":', i.id, ',"category":"', i.category, '","severity":', i.severity,
    ',"source":"', i.source, '","description":', to_json(i.description), ',"status":"', i.status,
    '","next_statuses":', ${nextStatuses}::jsonb ->> i.status,
    ',"occurred_at":"', ${isoSql('i.occurred_at')}, '","reported_at":"', ${isoSql('i.reported_at')},
    '","dispatched_at":', ${jsonSql(isoSql('i.dispatched_at'))}, ',"on_scene_at":', ${jsonSql(isoSql('i.on_scene_at'))},
    ',"resolved_at":', ${jsonSql(isoSql('i.resolved_at'))}, ',"closed_at":', ${jsonSql(isoSql('i.closed_at'))},
    ',"district_code":', ${jsonSql('i.district_code')},
    ',"district":', CASE WHEN b.name_zh IS NULL THEN 'null' ELSE concat(
      '{"code":', b.adcode, ',"name_zh":', to_json(b.name_zh), ',"name_en":', to_json(coalesce(b.name_en, '')), '}') END,
    ',"place_id":', ${jsonSql('i.place_id')},
    ',"place":', CASE WHEN p.kind IS NULL THEN 'null' ELSE concat(
      '{"id":', to_json(p.id), ',"kind":', to_json(p.kind), ',"name_zh":', to_json(coalesce(p.name_zh, '')),
      ',"name_en":', to_json(coalesce(p.name_en, '')),
      -- rounded as Math.round does: halves up
      ',"distance_m":', floor(ST_Distance(p.geom_m, i.geom_m) + 0.5)::int, '}') END,
    ',"chief_id":', ${jsonSql('i.chief_id')},
    ',"chief":', CASE WHEN c.name_zh IS NULL THEN 'null' ELSE concat(
      '{"id":', to_json(c.id), ',"name_zh":', to_json(c.name_zh), ',"name_en":', to_json(coalesce(c.name_en, '')), '}') END,
    '}}')`

/**
 * Incidents matching the filter as the text of a GeoJSON FeatureCollection (GET /api/incidents):
 * latest occurrence first, at most `limit` features, `count` of them and `truncated` saying that more
 * matched. PostgreSQL writes the features; the text goes out as it is, with no JS object per row
 * (issue 9: a 20 km viewport over 30 days is ~4 k features, 2 MB).
 */
export async function incidentCollectionJson(db: Queryable, filter: IncidentFilter): Promise<string> {
  const limit = filter.limit ?? listLimitDefault
  const params: unknown[] = [nextStatusesJson, limit]
  const param = (value: unknown) => {
    params.push(value)
    return `$${params.length}`
  }
  const conditions = filterConditions(filter, param)
  // One row more than the limit tells whether the list was cut; `n` numbers the rows in list order.
  const [page] = await db.query<{ matched: number; features: string | null }>(
    `SELECT count(*)::int AS matched, string_agg(${featureJsonSql('$1')}, ',' ORDER BY i.n) FILTER (WHERE i.n <= $2) AS features
       FROM (SELECT i.*, row_number() OVER (ORDER BY i.occurred_at DESC, i.id DESC) AS n
               FROM incidents i
              ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
              ORDER BY i.occurred_at DESC, i.id DESC
              LIMIT $2::int + 1) AS i
       LEFT JOIN boundaries b ON b.adcode = i.district_code
       LEFT JOIN places p ON p.id = i.place_id
       LEFT JOIN chiefs c ON c.id = i.chief_id`,
    params,
  )
  const matched = page?.matched ?? 0
  return `{"type":"FeatureCollection","features":[${page?.features ?? ''}],"count":${Math.min(matched, limit)},"limit":${limit},"truncated":${matched > limit}}`
}

/**
 * Every incident matching the filter (no limit), newest report first, read a page at a time so that
 * an export of a year streams instead of sitting in memory. Pages follow the id (keyset), not
 * OFFSET, so each page is an index range scan.
 */
export async function* eachIncident(db: Queryable, filter: IncidentFilter, pageSize = 1000) {
  let before: number | undefined
  for (;;) {
    const params: unknown[] = []
    const param = (value: unknown) => {
      params.push(value)
      return `$${params.length}`
    }
    const conditions = filterConditions(filter, param)
    if (before !== undefined) conditions.push(`i.id < ${param(before)}`)
    const rows = await db.query<IncidentRow>(
      `${incidentSelect}
       ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY i.id DESC
       LIMIT ${param(pageSize)}`,
      params,
    )
    for (const row of rows) yield incidentOf(row)
    if (rows.length < pageSize) return
    before = rows[rows.length - 1]?.id
  }
}

/**
 * The WHERE conditions of an incident filter on `incidents i`, parameters added through `param`
 * (also the binary columns' filter: incident-columns.ts).
 */
export function filterConditions(filter: IncidentFilter, param: (value: unknown) => string): string[] {
  const conditions: string[] = []
  if (filter.bbox && filter.from && filter.to && filter.from < filter.to) {
    // A viewport over a (non-empty) window: one range of the (lon, lat, day) index (migrations/011_incident_space_time.sql), the box
    // compared as the index compares boxes (as && does in 2D). The window is then checked exactly as
    // a range, which no btree index takes up: with `occurred_at >= from AND < to` the planner also
    // read the occurred_at index (~80 k entries for 30 days) to intersect with it.
    const [minLon, minLat, maxLon, maxLat] = filter.bbox.map(param)
    const [from, to] = [param(filter.from), param(filter.to)]
    conditions.push(
      `incident_space_time(i.geom, i.occurred_at) &&& ST_3DMakeBox(
         ST_MakePoint(${minLon}, ${minLat}, incident_day(${from})), ST_MakePoint(${maxLon}, ${maxLat}, incident_day(${to})))`,
      `tstzrange(${from}, ${to}) @> i.occurred_at`,
    )
  } else {
    if (filter.bbox) {
      // The envelope, not the column, is built from the input, so the GiST index on geom is used.
      const [minLon, minLat, maxLon, maxLat] = filter.bbox.map(param)
      conditions.push(`i.geom && ST_MakeEnvelope(${minLon}, ${minLat}, ${maxLon}, ${maxLat}, 4326)`)
    }
    if (filter.from) conditions.push(`i.occurred_at >= ${param(filter.from)}`)
    if (filter.to) conditions.push(`i.occurred_at < ${param(filter.to)}`)
  }
  if (filter.categories) conditions.push(`i.category = ANY (${param(filter.categories)}::text[])`)
  if (filter.statuses) conditions.push(`i.status = ANY (${param(filter.statuses)}::text[])`)
  if (filter.viewer != null) conditions.push(inScopeSql('i.geom_m', param(filter.viewer)))
  return conditions
}

// --- writing -----------------------------------------------------------------------------------

export interface NewIncident {
  category: IncidentCategory
  location: PointGeometry
  occurred_at: string
  source: IncidentSource
  description: string
  severity?: number
}

/**
 * Records a report: checks the point and time, finds its district and nearest place, then writes the
 * incident and its first event ('reported', by `actor`) in one transaction — with the idempotency
 * key, if any (throws AlreadyCreated when the key was used: idempotency.ts).
 */
export async function createIncident(
  db: Db,
  input: NewIncident,
  actor: string,
  options: { now?: Date; idempotency?: IdempotencyKey } = {},
): Promise<{ incident: IncidentDetail; event: IncidentEvent }> {
  const point = pointOf(input.location)
  const occurredAt = checkOccurredAt(input.occurred_at, options.now ?? new Date())
  const located = await locatePoint(db, point)
  return db.transaction(async (tx) => {
    if (options.idempotency) await claimKey(tx, options.idempotency)
    const [{ id }] = (await tx.query<{ id: number }>(
      `INSERT INTO incidents (category, severity, source, description, occurred_at, district_code, place_id, geom)
       VALUES ($1, $2, $3, $4, $5, $6, $7, ST_SetSRID(ST_MakePoint($8, $9), 4326))
       RETURNING id`,
      [
        input.category,
        input.severity ?? 2,
        input.source,
        input.description,
        occurredAt,
        located.district.code,
        located.place?.id ?? null,
        point.lon,
        point.lat,
      ],
    )) as [{ id: number }]
    // The first event carries the same time as reported_at: both are now() of this transaction.
    await tx.query(
      `INSERT INTO incident_events (incident_id, at, actor, from_status, to_status)
       SELECT id, reported_at, $2, NULL, 'reported' FROM incidents WHERE id = $1`,
      [id, actor],
    )
    if (options.idempotency) await storeKey(tx, options.idempotency, id)
    const incident = (await getIncident(tx, id)) as IncidentDetail
    return { incident, event: incident.events[0] as IncidentEvent }
  })
}

/**
 * Moves a locked incident from `from` to `to`: sets the status, its convenience timestamp (and the
 * chief, for a dispatch) and appends the event. `AND status = $from` makes the update a no-op if the
 * status changed meanwhile, which is then reported as a conflict instead of overwriting it.
 */
async function applyTransition(
  tx: Queryable,
  step: {
    id: number
    from: IncidentStatus
    to: IncidentStatus
    actor: string
    note: string
    chiefId?: string
  },
): Promise<IncidentEvent> {
  assertTransition(step.from, step.to)
  const column = statusTimestampColumn[step.to] // from a fixed allow-list, never user input
  const sets = ['status = $3']
  if (column) sets.push(`${column} = now()`)
  if (step.chiefId !== undefined) sets.push('chief_id = $4')
  const updated = await tx.query(
    `UPDATE incidents SET ${sets.join(', ')} WHERE id = $1 AND status = $2 RETURNING id`,
    step.chiefId === undefined ? [step.id, step.from, step.to] : [step.id, step.from, step.to, step.chiefId],
  )
  if (updated.length === 0) {
    throw conflict(`incident ${step.id} changed while this step was made; reload it and try again`, [
      { code: 'concurrent_change', from: step.from, to: step.to },
    ])
  }
  const [{ id }] = (await tx.query<{ id: number }>(
    `INSERT INTO incident_events (incident_id, actor, from_status, to_status, chief_id, note)
     VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING id`,
    [step.id, step.actor, step.from, step.to, step.chiefId ?? null, step.note],
  )) as [{ id: number }]
  const [event] = await tx.query<EventRow>(`${eventSelect} WHERE e.id = $1`, [id])
  return eventOf(event as EventRow)
}

/** Locks the incident's row for the rest of the transaction; null when there is none. */
/** Locks an incident for a change: null when there is none, 403 when it lies outside the viewer's scope. */
async function lockIncident(tx: Queryable, id: number, viewer: Viewer) {
  const [row] = await tx.query<{ status: IncidentStatus; lon: number; lat: number; in_scope: boolean }>(
    `SELECT i.status, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, ${inScopeSql('i.geom_m', '$2')} AS in_scope
     FROM incidents i WHERE i.id = $1 FOR UPDATE`,
    [id, viewer],
  )
  if (row && !row.in_scope) throw forbidden(`incident ${id} lies outside your jurisdiction`)
  return row ?? null
}

/**
 * One step of the lifecycle (PATCH). Null when the incident does not exist; a 409 naming the allowed
 * steps when this one is not. The row is locked (FOR UPDATE), so of two concurrent changes the second
 * sees the first one's status and is refused.
 */
export async function changeIncidentStatus(
  db: Db,
  id: number,
  change: { status: IncidentStatus; note?: string },
  actor: string,
  viewer: Viewer = null,
): Promise<{ incident: IncidentDetail; event: IncidentEvent } | null> {
  return db.transaction(async (tx) => {
    const current = await lockIncident(tx, id, viewer)
    if (!current) return null
    const event = await applyTransition(tx, {
      id,
      from: current.status,
      to: change.status,
      actor,
      note: change.note ?? '',
    })
    return { incident: (await getIncident(tx, id)) as IncidentDetail, event }
  })
}

export interface DispatchResult {
  incident: IncidentDetail
  event: IncidentEvent
  /** Why this chief: the responsibility reason when the server chose, null when the caller named one. */
  reason: ResponsibleReason | null
}

/**
 * One-key dispatch: to the named chief, or else to the first on-duty chief among the responsible
 * units (the first chief of any duty status if none is on duty). Sets the chief, the status and
 * dispatched_at and appends the event, in one transaction. Null when the incident does not exist;
 * 409 when it cannot be dispatched from its status; 422 for an unknown chief or when no chief is found.
 */
export async function dispatchIncident(
  db: Db,
  id: number,
  options: { chiefId?: string; note?: string },
  actor: string,
  viewer: Viewer = null,
): Promise<DispatchResult | null> {
  return db.transaction(async (tx) => {
    const current = await lockIncident(tx, id, viewer)
    if (!current) return null
    assertTransition(current.status, 'dispatched')
    let chiefId = options.chiefId
    let reason: ResponsibleReason | null = null
    if (chiefId !== undefined) {
      const [chief] = await tx.query('SELECT id FROM chiefs WHERE id = $1', [chiefId])
      if (!chief) {
        throw unprocessable(`no chief with id "${chiefId}"`, [
          { field: 'chief_id', code: 'unknown_chief', value: chiefId },
        ])
      }
    } else {
      const chiefs = (await findResponsibleUnits(tx, current)).filter((c) => c.kind === 'chief')
      const chosen = chiefs.find((c) => c.on_duty) ?? chiefs[0]
      if (!chosen) {
        throw unprocessable('no chief is responsible for or near this incident; name one with chief_id', [
          { field: 'chief_id', code: 'no_chief_found' },
        ])
      }
      chiefId = chosen.id
      reason = chosen.reason
    }
    const event = await applyTransition(tx, {
      id,
      from: current.status,
      to: 'dispatched',
      actor,
      note: options.note ?? reason?.text ?? '',
      chiefId,
    })
    return { incident: (await getIncident(tx, id)) as IncidentDetail, event, reason }
  })
}
