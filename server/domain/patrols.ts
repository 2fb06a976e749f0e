import { inScopeSql, type Viewer } from '../auth/scope.ts'
import type { Db, Queryable } from '../db/db.ts'
import { conflict, type HttpError, notFound, unprocessable } from '../errors.ts'
import type { BBox } from './bbox.ts'
import { claimKey, type IdempotencyKey, storeKey } from './idempotency.ts'
import {
  checkFixes,
  dropRepeatedFixes,
  type Fix,
  type ParsedTrack,
  type TrackProblem,
  trackError,
  validTrack,
} from './patrol-tracks.ts'
import { ensurePositionPartitions, insertPositions } from './positions.ts'

/**
 * Patrols: storing uploaded tracks, open patrols fed by live fixes, and listing them for the map.
 * The track is a LineStringM in lon/lat whose M is the fix time in epoch seconds.
 */

/** How far outside Huzhou's districts a fix may lie (cross-border patrols along the province lines). */
export const SERVED_MARGIN_M = 10_000

export type PatrolKind = 'actual' | 'planned'
export type PatrolStatus = 'open' | 'closed'

export interface PatrolProperties {
  id: number
  kind: PatrolKind
  status: PatrolStatus
  chief_id: string | null
  station_id: string | null
  district_code: number | null
  started_at: string
  ended_at: string
  length_m: number
  /** One time per vertex in epoch milliseconds (deck.gl TripsLayer: subtract a start to keep float32 precision). */
  times: number[]
  properties: Record<string, unknown>
}

export interface PatrolFeature {
  type: 'Feature'
  id: number
  geometry: { type: 'LineString'; coordinates: number[][] }
  properties: PatrolProperties
}

export interface PatrolCollection {
  type: 'FeatureCollection'
  features: PatrolFeature[]
  /** More patrols matched than `limit`; the newest `limit` are given. */
  truncated: boolean
  limit: number
}

interface PatrolRow {
  id: number
  kind: PatrolKind
  status: PatrolStatus
  chief_id: string | null
  station_id: string | null
  district_code: number | null
  started_at: Date
  ended_at: Date
  length_m: number
  properties: Record<string, unknown>
  geometry: { type: 'LineString'; coordinates: number[][] }
  m: number[]
}

/** The columns a patrol `p` is shown with: 2D GeoJSON (6 decimals, about 0.1 m) and the M values in order. */
const patrolColumns = `
  p.id, p.kind, p.status, p.chief_id, p.station_id, p.district_code, p.started_at, p.ended_at,
  p.length_m, p.properties,
  ST_AsGeoJSON(ST_Force2D(p.track), 6)::json AS geometry,
  ARRAY(SELECT ST_M(d.geom) FROM ST_DumpPoints(p.track) AS d ORDER BY d.path) AS m`

const patrolSelect = `SELECT ${patrolColumns} FROM patrols p`

const toFeature = (row: PatrolRow): PatrolFeature => ({
  type: 'Feature',
  id: row.id,
  geometry: row.geometry,
  properties: {
    id: row.id,
    kind: row.kind,
    status: row.status,
    chief_id: row.chief_id,
    station_id: row.station_id,
    district_code: row.district_code,
    started_at: row.started_at.toISOString(),
    ended_at: row.ended_at.toISOString(),
    length_m: Math.round(row.length_m * 10) / 10,
    times: row.m.map((s) => Math.round(s * 1000)),
    properties: row.properties,
  },
})

/** A patrol by id; null when there is none in the viewer's scope. */
export async function getPatrol(
  db: Queryable,
  id: number,
  viewer: Viewer = null,
): Promise<PatrolFeature | null> {
  const [row] = await db.query<PatrolRow>(
    `${patrolSelect} WHERE p.id = $1 AND ${inScopeSql('p.track_m', '$2')}`,
    [id, viewer],
  )
  return row ? toFeature(row) : null
}

export interface PatrolFilter {
  bbox?: BBox
  from?: Date
  to?: Date
  chief?: string
  kind?: PatrolKind
  status?: PatrolStatus
  limit: number
  /** Only patrols that pass through this user's scope. */
  viewer?: Viewer
}

/**
 * Patrols that touch the bbox and overlap [from, to] in time, newest first, at most `limit`
 * (one more is fetched to tell whether the answer was cut). The bbox is compared with `&&` on the
 * track column, so the GiST index is used.
 */
export async function listPatrols(db: Queryable, filter: PatrolFilter): Promise<PatrolCollection> {
  const rows = await db.query<PatrolRow>(
    `${patrolSelect} ${patrolWhere}
     ORDER BY p.started_at DESC, p.id DESC
     LIMIT $11`,
    [...patrolParams(filter), filter.limit + 1],
  )
  return {
    type: 'FeatureCollection',
    features: rows.slice(0, filter.limit).map(toFeature),
    truncated: rows.length > filter.limit,
    limit: filter.limit,
  }
}

/**
 * Every patrol matching the filter (no limit), newest first by id, read a page at a time (keyset
 * on id) so that an export streams instead of sitting in memory.
 */
export async function* eachPatrol(db: Queryable, filter: Omit<PatrolFilter, 'limit'>, pageSize = 200) {
  let before: number | null = null
  for (;;) {
    const rows: PatrolRow[] = await db.query<PatrolRow>(
      `${patrolSelect} ${patrolWhere}
         AND ($11::int IS NULL OR p.id < $11)
       ORDER BY p.id DESC
       LIMIT $12`,
      [...patrolParams(filter), before, pageSize],
    )
    for (const row of rows) yield toFeature(row)
    if (rows.length < pageSize) return
    before = rows[rows.length - 1]?.id ?? null
  }
}

// The filter of listPatrols and eachPatrol: $1..$10 from patrolParams.
const patrolWhere = `
  WHERE ($1::float8 IS NULL OR p.track && ST_MakeEnvelope($1, $2, $3, $4, 4326))
    AND ($5::timestamptz IS NULL OR p.ended_at >= $5)
    AND ($6::timestamptz IS NULL OR p.started_at <= $6)
    AND ($7::text IS NULL OR p.chief_id = $7)
    AND ($8::text IS NULL OR p.kind = $8)
    AND ($9::text IS NULL OR p.status = $9)
    AND ${inScopeSql('p.track_m', '$10')}`

const patrolParams = (filter: Omit<PatrolFilter, 'limit'>) => [
  ...(filter.bbox ?? [null, null, null, null]),
  filter.from ?? null,
  filter.to ?? null,
  filter.chief ?? null,
  filter.kind ?? null,
  filter.status ?? null,
  filter.viewer ?? null,
]

/**
 * Whether the fix at (`lon`, `lat`) (SQL expressions in degrees) lies outside the served area:
 * farther than `margin` metres from the convex hull of Huzhou's districts and outside every
 * station's jurisdiction (joint stations reach across the province line). The hull is stored
 * (served_area, migrations/010_served_area.sql) and has a few dozen vertices, so even a long track
 * is tested quickly. Without district boundaries loaded there is no hull and every fix passes.
 */
const outsideServedAreaSql = (lon: string, lat: string, margin: string) => `(
  EXISTS (
    SELECT 1 FROM served_area a
    WHERE NOT ST_DWithin(a.hull_m, ST_Transform(ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326), 4549), ${margin}))
  AND NOT EXISTS (
    SELECT 1 FROM stations s WHERE ST_Intersects(s.jurisdiction, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326))))`

/** The fixes that lie outside the served area (outsideServedAreaSql), as track problems; at most 21. */
export async function fixesOutsideServedArea(tx: Queryable, fixes: readonly Fix[], firstIndex = 0) {
  const rows = await tx.query<{ i: number; lon: number; lat: number }>(
    `SELECT v.i::int AS i, v.lon, v.lat
     FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS v(lon, lat, i)
     WHERE ${outsideServedAreaSql('v.lon', 'v.lat', '$3')}
     ORDER BY v.i
     LIMIT 21`,
    [fixes.map((f) => f.lon), fixes.map((f) => f.lat), SERVED_MARGIN_M],
  )
  return rows.map(
    (r): TrackProblem => ({
      index: firstIndex + r.i - 1,
      reason: `vertex ${firstIndex + r.i - 1} (${r.lon}, ${r.lat}) lies outside the served area: more than ${SERVED_MARGIN_M / 1000} km from Huzhou and outside every station's jurisdiction`,
    }),
  )
}

/**
 * The district a patrol belongs to, as a scalar subquery on its metric track `trackM` (parameter
 * `marginParam` holds SERVED_MARGIN_M): the district holding most of its length; for a short or
 * just-started patrol (no length inside any district) the district nearest its start.
 */
const districtOfTrackSql = (trackM: string, marginParam: string) => `(
  SELECT b.adcode FROM boundaries b
   WHERE b.level = 'district' AND ST_DWithin(b.geom_m, ${trackM}, ${marginParam})
   ORDER BY ST_Length(ST_Intersection(b.geom_m, ST_Force2D(${trackM}))) DESC,
            ST_Distance(b.geom_m, ST_StartPoint(${trackM})), b.adcode
   LIMIT 1)`

/** Sets the district a patrol belongs to (districtOfTrackSql) from its whole stored track. */
async function assignDistrict(tx: Queryable, patrolId: number): Promise<void> {
  await tx.query(
    `UPDATE patrols p SET district_code = ${districtOfTrackSql('p.track_m', '$2')} WHERE p.id = $1`,
    [patrolId, SERVED_MARGIN_M],
  )
}

export interface NewPatrol {
  /** Checked fixes, in time order; a single fix makes a track of one point repeated (an open patrol's start). */
  fixes: readonly Fix[]
  chiefId: string | null
  stationId?: string | null
  kind: PatrolKind
  status: PatrolStatus
  properties: Record<string, unknown>
  /** Stored with the patrol; a key used before throws AlreadyCreated (idempotency.ts). */
  idempotency?: IdempotencyKey
}

/**
 * Stores a patrol: the row with its district and length (metres in EPSG:4549), and for an open
 * patrol its fixes as live positions. The chief and the station must exist and every fix must lie
 * in the served area; a 422 says which is wrong and nothing is stored. Answers the patrol as the
 * INSERT returned it, without reading it again.
 *
 * The INSERT checks all of that itself, in its WHERE, and the reasons are looked up only when it
 * stored nothing: a closed patrol without an idempotency key is then one statement and needs no
 * transaction (storing an upload was five round trips to the database, now one).
 */
export async function createPatrol(db: Db, patrol: NewPatrol): Promise<PatrolFeature> {
  const store = async (tx: Queryable) => {
    if (patrol.idempotency) await claimKey(tx, patrol.idempotency)
    const created = await insertPatrol(tx, patrol)
    if (patrol.status === 'open') await insertPositions(tx, created.id, patrol.fixes)
    if (patrol.idempotency) await storeKey(tx, patrol.idempotency, created.id)
    return created
  }
  if (patrol.status === 'closed' && !patrol.idempotency) return store(db)
  if (patrol.status === 'open') await ensurePositionPartitions(db, patrol.fixes)
  return db.transaction(store)
}

/** Inserts the patrol's row if its chief, station and fixes pass (createPatrol); a 422 if not. */
async function insertPatrol(tx: Queryable, patrol: NewPatrol): Promise<PatrolFeature> {
  const fixes = patrol.fixes.length === 1 ? [patrol.fixes[0] as Fix, patrol.fixes[0] as Fix] : patrol.fixes
  // The station defaults to the chief's; the LEFT JOIN keeps a patrol without a chief (a station's plan).
  const [row] = await tx.query<PatrolRow>(
    `WITH line AS (
       SELECT track, ST_Transform(track, 4549) AS track_m
       FROM (SELECT ST_SetSRID(ST_MakeLine(ST_MakePointM(v.lon, v.lat, v.t) ORDER BY v.i), 4326) AS track
             FROM unnest($1::float8[], $2::float8[], $3::float8[]) WITH ORDINALITY AS v(lon, lat, t, i)) AS made
     )
     INSERT INTO patrols AS p
       (kind, status, chief_id, station_id, district_code, started_at, ended_at, length_m, properties, track)
     SELECT $4, $5, $6, COALESCE($7, c.station_id), ${districtOfTrackSql('track_m', '$9')},
            to_timestamp(ST_M(ST_StartPoint(track))), to_timestamp(ST_M(ST_EndPoint(track))),
            ST_Length(track_m), $8::jsonb, track
     FROM line LEFT JOIN chiefs c ON c.id = $6
     WHERE ($6::text IS NULL OR c.id IS NOT NULL)
       AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM stations s WHERE s.id = $7))
       AND NOT EXISTS (
         SELECT 1 FROM unnest($1::float8[], $2::float8[]) AS v(lon, lat)
         WHERE ${outsideServedAreaSql('v.lon', 'v.lat', '$9')})
     RETURNING ${patrolColumns}`,
    [
      fixes.map((f) => f.lon),
      fixes.map((f) => f.lat),
      fixes.map((f) => f.at / 1000),
      patrol.kind,
      patrol.status,
      patrol.chiefId,
      patrol.stationId ?? null,
      JSON.stringify(patrol.properties),
      SERVED_MARGIN_M,
    ],
  )
  if (row) return toFeature(row)
  throw await whyNotStored(tx, patrol)
}

/**
 * Why insertPatrol stored nothing: the first of its checks that fails, as a 422; a 409 when all of
 * them pass on this second look (something changed in between).
 */
async function whyNotStored(tx: Queryable, patrol: NewPatrol): Promise<HttpError> {
  const [found] = await tx.query<{ chief: boolean; station: boolean }>(
    `SELECT $1::text IS NULL OR EXISTS (SELECT 1 FROM chiefs WHERE id = $1) AS chief,
            $2::text IS NULL OR EXISTS (SELECT 1 FROM stations WHERE id = $2) AS station`,
    [patrol.chiefId, patrol.stationId ?? null],
  )
  if (!found?.chief) {
    return unprocessable(`unknown chief "${patrol.chiefId}"`, [
      { field: 'chief_id', reason: `no chief has the id "${patrol.chiefId}"` },
    ])
  }
  if (!found.station) return unprocessable(`unknown station "${patrol.stationId}"`, [{ field: 'station_id' }])
  const outside = await fixesOutsideServedArea(tx, patrol.fixes)
  if (outside.length) return trackError(outside)
  return conflict('the chief, station or served area changed while the patrol was stored; send it again')
}

/** Stores an uploaded track (GeoJSON or GPX, already parsed): the chief is required. */
export async function uploadTrack(
  db: Db,
  parsed: ParsedTrack,
  idempotency?: IdempotencyKey,
): Promise<PatrolFeature> {
  if (!parsed.chiefId) {
    throw unprocessable(
      'a patrol needs its chief: give properties.chief_id (for GPX, the query ?chief_id=)',
      [{ field: 'chief_id', reason: 'missing' }],
    )
  }
  const track = validTrack(parsed)
  return createPatrol(db, {
    fixes: track.fixes,
    chiefId: parsed.chiefId,
    stationId: parsed.stationId ?? null,
    kind: 'actual',
    status: 'closed',
    properties: track.properties,
    idempotency,
  })
}

/** Opens a live patrol at its first fix; later fixes come through appendPositions. */
export async function startPatrol(
  db: Db,
  start: { chiefId: string; position: Fix; properties?: Record<string, unknown> },
  idempotency?: IdempotencyKey,
): Promise<PatrolFeature> {
  const problems = checkFixes([start.position], { minFixes: 1 })
  if (problems.length) throw trackError(problems)
  return createPatrol(db, {
    fixes: [start.position],
    chiefId: start.chiefId,
    kind: 'actual',
    status: 'open',
    properties: start.properties ?? {},
    idempotency,
  })
}

export interface AppendResult {
  patrol: PatrolFeature
  /** The fixes stored (repeats of the last stored fix dropped). */
  appended: Fix[]
}

/**
 * Appends live fixes to an open patrol, in one transaction: the fixes must follow the last stored
 * one in time, lie in the served area and keep under the speed limit; then the track is rebuilt
 * from all stored positions and the end time and length follow. A closed patrol answers 409.
 */
export async function appendPositions(
  db: Db,
  patrolId: number,
  positions: readonly Fix[],
): Promise<AppendResult> {
  await ensurePositionPartitions(db, positions)
  const appended = await db.transaction(async (tx) => {
    const [patrol] = await tx.query<{ status: PatrolStatus; kind: PatrolKind }>(
      'SELECT status, kind FROM patrols WHERE id = $1 FOR UPDATE',
      [patrolId],
    )
    if (!patrol) throw notFound(`no patrol ${patrolId}`)
    if (patrol.kind !== 'actual' || patrol.status !== 'open') {
      throw conflict(
        `patrol ${patrolId} is ${patrol.kind === 'planned' ? 'a plan' : 'closed'}; positions go to an open patrol`,
      )
    }
    const [last] = await tx.query<{ lon: number; lat: number; at: Date }>(
      `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, at FROM patrol_positions
       WHERE patrol_id = $1 ORDER BY at DESC LIMIT 1`,
      [patrolId],
    )
    const previous = last ? { lon: last.lon, lat: last.lat, at: last.at.getTime() } : undefined
    const fixes = dropRepeatedFixes(previous ? [previous, ...positions] : positions).slice(previous ? 1 : 0)
    const problems = checkFixes(fixes, { previous, minFixes: 1 })
    if (problems.length) throw trackError(problems)
    const outside = await fixesOutsideServedArea(tx, fixes)
    if (outside.length) throw trackError(outside)
    await insertPositions(tx, patrolId, fixes)
    // The track is the line through every stored fix in time order, M = epoch seconds. Rebuilt, not
    // extended by the new fixes: measured on PostgreSQL, reading a 5,000-fix patrol's positions by
    // index (~3 ms) costs less than extending the stored track (~7 ms); what makes an append
    // O(track length) is the triggers on patrols and the track's transform, not this read.
    await tx.query(
      `UPDATE patrols p
       SET track = t.track, ended_at = t.last_at, length_m = ST_Length(ST_Transform(t.track, 4549))
       FROM (
         SELECT ST_SetSRID(ST_MakeLine(
                  ST_MakePointM(ST_X(geom), ST_Y(geom), extract(epoch FROM at)::float8) ORDER BY at), 4326) AS track,
                max(at) AS last_at
         FROM patrol_positions WHERE patrol_id = $1
       ) t
       WHERE p.id = $1`,
      [patrolId],
    )
    return fixes
  })
  return { patrol: (await getPatrol(db, patrolId)) as PatrolFeature, appended }
}

/** Closes an open patrol and settles its district on the whole track; closing twice answers 409. */
export async function closePatrol(db: Db, patrolId: number): Promise<PatrolFeature> {
  await db.transaction(async (tx) => {
    const [patrol] = await tx.query<{ status: PatrolStatus; kind: PatrolKind }>(
      'SELECT status, kind FROM patrols WHERE id = $1 FOR UPDATE',
      [patrolId],
    )
    if (!patrol) throw notFound(`no patrol ${patrolId}`)
    if (patrol.kind !== 'actual' || patrol.status !== 'open') throw conflict(`patrol ${patrolId} is not open`)
    await tx.query(`UPDATE patrols SET status = 'closed' WHERE id = $1`, [patrolId])
    await assignDistrict(tx, patrolId)
  })
  return (await getPatrol(db, patrolId)) as PatrolFeature
}
