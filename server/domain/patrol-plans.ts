import type { Db, Queryable } from '../db/db.ts'
import { badRequest, notFound, unprocessable } from '../errors.ts'
import { DEFAULT_RADIUS_M, LOCAL_OFFSET, type PlaceCoverage, placeCoverage } from './coverage.ts'
import { GAP_THRESHOLD, type GapReason, type RankedPlace, rankPlaces } from './coverage-gaps.ts'
import { checkFixes, dropRepeatedFixes, type Fix, type TrackProblem, trackError } from './patrol-tracks.ts'
import { createPatrol, fixesOutsideServedArea, getPatrol, type PatrolFeature } from './patrols.ts'

/**
 * Suggested patrol routes (POST /api/plans) and how well a plan was followed.
 *
 * Heuristic, said plainly: the candidates are the unit's gaps (coverage-gaps.ts) and its places with
 * recent incidents, each visited at its point nearest the start. From the start, the route goes
 * greedily to the candidate with the most urgency per minute spent (score / (travel + dwell)),
 * while the time left still allows the way back to the start. Travel time is the straight-line
 * distance × DETOUR_FACTOR at the stated speed; the route drawn is the straight legs.
 */

export const DEFAULT_SPEED_KMH = 15
export const DETOUR_FACTOR = 1.3
export const DEFAULT_DWELL_MINUTES = 15
export const DEFAULT_START_TIME = '08:00'
/** Gaps for a plan are judged over this many days before the plan starts. */
export const PLAN_WINDOW_DAYS = 30
export const MAX_STOPS = 40
const DAY_MS = 86_400_000

export interface PlanRequest {
  chiefId?: string
  stationId?: string
  /** [lon, lat] */
  start: number[]
  hours: number
  /** YYYY-MM-DD, China time. */
  date: string
  startTime?: string
  speedKmh?: number
  dwellMinutes?: number
  radius?: number
}

export interface PlanStop {
  order: number
  place_id: string
  kind: string
  name_zh: string
  name_en: string
  lon: number
  lat: number
  arrive_at: string
  leave_at: string
  /** Why it is on the route: a gap reason, or 'incidents' for a place with recent incidents. */
  reason: GapReason | 'incidents'
  score: number
  /** Straight-line length of the leg that reaches the stop. */
  leg_m: number
}

export interface PlanAdds {
  /** Places whose coverage in the window the route would raise. */
  places: number
  covered_m: number
  covered_m2: number
  /** Visited-or-not sites the route would visit that were not visited. */
  visits: number
  by_place: { place_id: string; coverage_before: number; coverage_after: number }[]
}

export interface Plan {
  id: number
  /** 'suggested' by POST /api/plans from a start, or 'drawn' by hand on the map. */
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
  route: {
    type: 'Feature'
    geometry: { type: 'LineString'; coordinates: number[][] }
    properties: { times: number[] }
  }
  stops: PlanStop[]
  adds: PlanAdds
}

interface Candidate {
  id: string
  kind: string
  name_zh: string
  name_en: string
  /** The place's point nearest the start: metres (EPSG:4549) and degrees. */
  x: number
  y: number
  lon: number
  lat: number
}

const dateOnly = /^\d{4}-\d{2}-\d{2}$/
const clock = /^([01]\d|2[0-3]):[0-5]\d$/

/** The instant a plan starts: its date and start time in China time. */
export function planStartOf(date: string, startTime = DEFAULT_START_TIME): Date {
  const midnight = Date.parse(`${date}T00:00:00${LOCAL_OFFSET}`)
  // Date.parse rolls 2026-02-30 over to March: a date that does not come back unchanged is no date.
  if (
    !dateOnly.test(date) ||
    Number.isNaN(midnight) ||
    new Date(midnight + 8 * 3_600_000).toISOString().slice(0, 10) !== date
  ) {
    throw badRequest(`date must be a day as YYYY-MM-DD, got "${date}"`)
  }
  if (!clock.test(startTime)) throw badRequest(`start_time must be HH:MM (24 h), got "${startTime}"`)
  return new Date(Date.parse(`${date}T${startTime}:00${LOCAL_OFFSET}`))
}

export interface GreedyOptions {
  start: { x: number; y: number }
  budgetSeconds: number
  speedMs: number
  dwellSeconds: number
}

/**
 * The greedy route: from the start, repeatedly the candidate with the highest score per second
 * spent (travel + dwell) among those from which the start can still be reached in time.
 * Returns the chosen candidates in order, with their arrival offsets in seconds.
 */
export function greedyRoute<C extends { x: number; y: number; score: number }>(
  candidates: readonly C[],
  o: GreedyOptions,
): { stop: C; arriveS: number; legM: number }[] {
  const travel = (a: { x: number; y: number }, b: { x: number; y: number }) =>
    (Math.hypot(a.x - b.x, a.y - b.y) * DETOUR_FACTOR) / o.speedMs
  const left = new Set(candidates)
  const route: { stop: C; arriveS: number; legM: number }[] = []
  let here: { x: number; y: number } = o.start
  let elapsed = 0
  while (left.size && route.length < MAX_STOPS) {
    let best: { c: C; value: number; t: number } | undefined
    for (const c of left) {
      const t = travel(here, c)
      if (elapsed + t + o.dwellSeconds + travel(c, o.start) > o.budgetSeconds) continue
      const value = c.score / (t + o.dwellSeconds)
      if (!best || value > best.value) best = { c, value, t }
    }
    if (!best) break
    route.push({
      stop: best.c,
      arriveS: elapsed + best.t,
      legM: Math.hypot(here.x - best.c.x, here.y - best.c.y),
    })
    elapsed += best.t + o.dwellSeconds
    here = best.c
    left.delete(best.c)
  }
  return route
}

/**
 * The unit's patrolled places within reach of the start (a round trip at the speed in the time,
 * straight line): the places its chiefs answer for, and the places in its area (a chief's
 * district, a station's jurisdiction). Each with its point nearest the start.
 */
async function candidatePlaces(
  tx: Queryable,
  unit: { chiefId?: string; stationId?: string },
  start: number[],
  reachM: number,
): Promise<Candidate[]> {
  return tx.query<Candidate>(
    `WITH origin AS (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 4549) AS pt)
     SELECT p.id, p.kind, p.name_zh, p.name_en,
            ST_X(n.pt) AS x, ST_Y(n.pt) AS y,
            ST_X(ST_Transform(n.pt, 4326)) AS lon, ST_Y(ST_Transform(n.pt, 4326)) AS lat
     FROM places p CROSS JOIN origin o
     CROSS JOIN LATERAL (SELECT ST_ClosestPoint(p.geom_m, o.pt) AS pt) n
     WHERE p.patrol_every_days IS NOT NULL
       AND ST_DWithin(p.geom_m, o.pt, $3)
       AND (EXISTS (SELECT 1 FROM chief_places cp JOIN chiefs c ON c.id = cp.chief_id
                    WHERE cp.place_id = p.id AND (c.id = $4 OR c.station_id = $5))
            OR p.district_code = (SELECT district_code FROM chiefs WHERE id = $4)
            OR EXISTS (SELECT 1 FROM stations s WHERE s.id = $5 AND ST_Intersects(s.jurisdiction_m, p.geom_m)))
     ORDER BY p.id`,
    [start[0], start[1], reachM, unit.chiefId ?? null, unit.stationId ?? null],
  )
}

/** Which candidates deserve a visit, with their score: gaps by gap score, others by recent incidents. */
export function urgency(ranked: RankedPlace): { reason: PlanStop['reason']; score: number } | undefined {
  if (ranked.reason) return { reason: ranked.reason, score: ranked.score }
  // A place that is no gap but had incidents counts as one day overdue: score = risk.
  if (ranked.incidents_recent > 0) return { reason: 'incidents', score: ranked.risk }
  return undefined
}

/** What a route would add to coverage in the window: places near it, before and with it. */
export async function coverageAdded(
  tx: Queryable,
  route: { type: 'LineString'; coordinates: number[][] },
  window: { from: Date; to: Date },
  radius: number,
): Promise<PlanAdds> {
  const near = await tx.query<{ id: string }>(
    `SELECT id FROM places
     WHERE patrol_every_days IS NOT NULL
       AND ST_DWithin(geom_m, ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326), 4549), $2)`,
    [JSON.stringify(route), radius],
  )
  const placeIds = near.map((r) => r.id)
  const adds: PlanAdds = { places: 0, covered_m: 0, covered_m2: 0, visits: 0, by_place: [] }
  if (!placeIds.length) return adds
  // Exact both times: the route is not stored, so it has no cells to be compared with.
  const query = { ...window, radius, placeIds, method: 'exact' as const }
  const before = new Map((await placeCoverage(tx, query)).map((p) => [p.id, p]))
  const after: PlaceCoverage[] = await placeCoverage(tx, { ...query, extraTrack: route })
  for (const p of after) {
    const b = before.get(p.id)
    const gained = p.covered - (b?.covered ?? 0)
    if (!(gained > 1e-6)) continue
    adds.places++
    if (p.measure === 'length') adds.covered_m += gained
    else if (p.measure === 'area') adds.covered_m2 += gained
    else adds.visits++
    adds.by_place.push({
      place_id: p.id,
      coverage_before: Math.round((b?.coverage ?? 0) * 10_000) / 10_000,
      coverage_after: Math.round(p.coverage * 10_000) / 10_000,
    })
  }
  adds.covered_m = Math.round(adds.covered_m * 10) / 10
  adds.covered_m2 = Math.round(adds.covered_m2)
  return adds
}

/**
 * POST /api/plans: builds the route, works out what it adds, and stores it as a patrol of kind
 * 'planned' whose M values are the planned times and whose properties hold the stops.
 */
export async function suggestPlan(db: Db, req: PlanRequest): Promise<Plan> {
  checkOneUnit(req)
  const radius = req.radius ?? DEFAULT_RADIUS_M
  const speedKmh = req.speedKmh ?? DEFAULT_SPEED_KMH
  const dwellMinutes = req.dwellMinutes ?? DEFAULT_DWELL_MINUTES
  const startTime = req.startTime ?? DEFAULT_START_TIME
  const startsAt = planStartOf(req.date, startTime)
  const [lon = Number.NaN, lat = Number.NaN] = req.start
  const origin: Fix = { lon, lat, at: startsAt.getTime() }
  const asStart = (problems: TrackProblem[]) =>
    trackError(problems.map((p) => ({ reason: p.reason.replace('vertex 0', 'the start') })))
  const problems = checkFixes([origin], { minFixes: 1 })
  if (problems.length) throw asStart(problems)

  const window = { from: new Date(startsAt.getTime() - PLAN_WINDOW_DAYS * DAY_MS), to: startsAt }
  const budgetSeconds = req.hours * 3600
  const speedMs = speedKmh / 3.6

  const planned = await db.transaction(async (tx) => {
    const unit = await unitOf(tx, req)
    const outside = await fixesOutsideServedArea(tx, [origin])
    if (outside.length) throw asStart(outside)
    const [start] = await tx.query<{ x: number; y: number }>(
      `SELECT ST_X(pt) AS x, ST_Y(pt) AS y
       FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 4549) AS pt) o`,
      [lon, lat],
    )
    const reachM = (speedMs * budgetSeconds) / 2 / DETOUR_FACTOR
    const candidates = await candidatePlaces(tx, unit, req.start, reachM)
    const ranked =
      candidates.length === 0
        ? []
        : await rankPlaces(tx, {
            ...window,
            radius,
            threshold: GAP_THRESHOLD,
            placeIds: candidates.map((c) => c.id),
          })
    const rankOf = new Map(ranked.map((r) => [r.place.id, r]))
    const urgent = candidates.flatMap((c) => {
      const r = rankOf.get(c.id)
      const u = r && urgency(r)
      return u && u.score > 0 ? [{ ...c, ...u }] : []
    })
    const route = greedyRoute(urgent, {
      start: start as { x: number; y: number },
      budgetSeconds,
      speedMs,
      dwellSeconds: dwellMinutes * 60,
    })
    if (!route.length) {
      throw unprocessable(
        `no gap or place with recent incidents of this ${req.chiefId ? 'chief' : 'station'} can be reached and left in ${req.hours} h at ${speedKmh} km/h from the start`,
        [{ candidates: candidates.length, urgent: urgent.length }],
      )
    }
    const t0 = startsAt.getTime()
    const dwellMs = dwellMinutes * 60_000
    const stops: PlanStop[] = route.map(({ stop, arriveS, legM }, i) => ({
      order: i + 1,
      place_id: stop.id,
      kind: stop.kind,
      name_zh: stop.name_zh,
      name_en: stop.name_en,
      lon: Math.round(stop.lon * 1e6) / 1e6,
      lat: Math.round(stop.lat * 1e6) / 1e6,
      arrive_at: new Date(t0 + arriveS * 1000).toISOString(),
      leave_at: new Date(t0 + arriveS * 1000 + dwellMs).toISOString(),
      reason: stop.reason,
      score: stop.score,
      leg_m: Math.round(legM),
    }))
    const last = route[route.length - 1] as (typeof route)[number]
    const back =
      (Math.hypot(last.stop.x - (start?.x ?? 0), last.stop.y - (start?.y ?? 0)) * DETOUR_FACTOR) / speedMs
    const fixes: Fix[] = dropRepeatedFixes([
      origin,
      ...stops.flatMap((s) => [
        { lon: s.lon, lat: s.lat, at: Date.parse(s.arrive_at) },
        { lon: s.lon, lat: s.lat, at: Date.parse(s.leave_at) },
      ]),
      { lon, lat, at: t0 + (last.arriveS + dwellMinutes * 60 + back) * 1000 },
    ])
    const line = { type: 'LineString' as const, coordinates: fixes.map((f) => [f.lon, f.lat]) }
    const adds = await coverageAdded(tx, line, window, radius)
    return { unit, stops, fixes, adds }
  })

  const patrol = await createPatrol(db, {
    fixes: planned.fixes,
    chiefId: req.chiefId ?? null,
    stationId: req.stationId ?? null,
    kind: 'planned',
    status: 'closed',
    properties: {
      plan: {
        source: 'suggested',
        date: req.date,
        start_time: startTime,
        hours: req.hours,
        speed_kmh: speedKmh,
        detour_factor: DETOUR_FACTOR,
        dwell_minutes: dwellMinutes,
        radius,
      },
      stops: planned.stops,
      adds: planned.adds,
    },
  })
  return planOf(patrol) as Plan
}

/** A plan is for one chief or one station: a 400 for neither or both. */
export function checkOneUnit(req: Pick<PlanRequest, 'chiefId' | 'stationId'>): void {
  if (Boolean(req.chiefId) === Boolean(req.stationId)) {
    throw badRequest('give either chief_id or station_id (one of them, not both)')
  }
}

/** The chief or station a plan is for; a 422 when it does not exist. */
export async function unitOf(tx: Queryable, req: Pick<PlanRequest, 'chiefId' | 'stationId'>) {
  if (req.chiefId) {
    const [chief] = await tx.query('SELECT id FROM chiefs WHERE id = $1', [req.chiefId])
    if (!chief) throw unprocessable(`unknown chief "${req.chiefId}"`, [{ field: 'chief_id' }])
    return { chiefId: req.chiefId }
  }
  const [station] = await tx.query('SELECT id FROM stations WHERE id = $1', [req.stationId])
  if (!station) throw unprocessable(`unknown station "${req.stationId}"`, [{ field: 'station_id' }])
  return { stationId: req.stationId }
}

export interface StoredPlan {
  plan: {
    source?: Plan['source']
    date: string
    start_time: string
    hours: number
    speed_kmh: number
    detour_factor: number
    dwell_minutes: number
    radius: number
  }
  stops: PlanStop[]
  adds: PlanAdds
}

/** A stored planned patrol as a Plan; null for a patrol that is not a plan. */
export function planOf(patrol: PatrolFeature): Plan | null {
  const stored = patrol.properties.properties as Partial<StoredPlan>
  if (patrol.properties.kind !== 'planned' || !stored.plan || !Array.isArray(stored.stops)) return null
  const p = patrol.properties
  return {
    id: p.id,
    source: stored.plan.source ?? 'suggested',
    chief_id: p.chief_id,
    station_id: p.station_id,
    date: stored.plan.date,
    started_at: p.started_at,
    ended_at: p.ended_at,
    hours: stored.plan.hours,
    speed_kmh: stored.plan.speed_kmh,
    detour_factor: stored.plan.detour_factor,
    dwell_minutes: stored.plan.dwell_minutes,
    radius: stored.plan.radius,
    length_m: p.length_m,
    route: { type: 'Feature', geometry: patrol.geometry, properties: { times: p.times } },
    stops: stored.stops,
    adds: stored.adds ?? { places: 0, covered_m: 0, covered_m2: 0, visits: 0, by_place: [] },
  }
}

export async function getPlan(db: Queryable, id: number): Promise<Plan | null> {
  const patrol = await getPatrol(db, id)
  return patrol ? planOf(patrol) : null
}

export interface Adherence {
  plan_id: number
  chief_id: string | null
  station_id: string | null
  date: string
  radius: number
  /** Actual tracks of the plan's chief (or the station's chiefs) on the plan's date. */
  tracks: number
  stops_total: number
  stops_visited: number
  /** stops_visited / stops_total. */
  share: number
  stops: {
    order: number
    place_id: string
    name_zh: string
    name_en: string
    lon: number
    lat: number
    visited: boolean
    /** When the nearest pass went by (the track's time at its point nearest the stop). */
    visited_at: string | null
    /** The closest any of those tracks came, metres; null without tracks. */
    nearest_m: number | null
  }[]
}

/**
 * GET /api/plans/:id/adherence: which planned stops the actual tracks of the plan's chief (or of
 * the station's chiefs) came within R of on the plan's date (China time).
 */
export async function planAdherence(db: Db, id: number, radiusOverride?: number): Promise<Adherence> {
  const plan = await getPlan(db, id)
  if (!plan) throw notFound(`no plan ${id}`)
  const radius = radiusOverride ?? plan.radius
  const dayStart = planStartOf(plan.date, '00:00')
  const dayEnd = new Date(dayStart.getTime() + DAY_MS)
  // A chief's plan carries the chief's station too; only a station's own plan counts all its chiefs.
  const unitStation = plan.chief_id ? null : plan.station_id
  return db.transaction(async (tx) => {
    // The tracks of the day: the plan's chief, or every chief of the station.
    const unitTracks = `
      SELECT p.id, p.track_m FROM patrols p
      WHERE p.kind = 'actual' AND p.ended_at >= $1 AND p.started_at < $2
        AND (p.chief_id = $3 OR p.chief_id IN (SELECT id FROM chiefs WHERE station_id = $4))`
    const [count] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${unitTracks}) t`, [
      dayStart,
      dayEnd,
      plan.chief_id,
      unitStation,
    ])
    // Per stop: the nearest approach of any of the day's tracks, and the track's time there
    // (ST_InterpolatePoint reads the M of the track's point nearest the stop).
    const rows = await tx.query<{ i: number; nearest_m: number | null; passed_at: Date | null }>(
      `WITH day AS (${unitTracks}),
       stop AS (
         SELECT s.i::int AS i, ST_Transform(ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326), 4549) AS pt
         FROM unnest($5::float8[], $6::float8[]) WITH ORDINALITY AS s(lon, lat, i)
       )
       SELECT s.i, n.nearest_m, n.passed_at
       FROM stop s
       LEFT JOIN LATERAL (
         SELECT ST_Distance(d.track_m, s.pt) AS nearest_m, to_timestamp(ST_InterpolatePoint(d.track_m, s.pt)) AS passed_at
         FROM day d
         ORDER BY ST_Distance(d.track_m, s.pt)
         LIMIT 1
       ) n ON true
       ORDER BY s.i`,
      [
        dayStart,
        dayEnd,
        plan.chief_id,
        unitStation,
        plan.stops.map((s) => s.lon),
        plan.stops.map((s) => s.lat),
      ],
    )
    const stops = plan.stops.map((s, k) => {
      const row = rows[k]
      const visited = row?.nearest_m !== null && row?.nearest_m !== undefined && row.nearest_m <= radius
      return {
        order: s.order,
        place_id: s.place_id,
        name_zh: s.name_zh,
        name_en: s.name_en,
        lon: s.lon,
        lat: s.lat,
        visited,
        visited_at: visited ? (row?.passed_at?.toISOString() ?? null) : null,
        nearest_m:
          row?.nearest_m === null || row?.nearest_m === undefined
            ? null
            : Math.round(row.nearest_m * 10) / 10,
      }
    })
    const visitedCount = stops.filter((s) => s.visited).length
    return {
      plan_id: plan.id,
      chief_id: plan.chief_id,
      station_id: plan.station_id,
      date: plan.date,
      radius,
      tracks: count?.n ?? 0,
      stops_total: stops.length,
      stops_visited: visitedCount,
      share: stops.length ? Math.round((visitedCount / stops.length) * 10_000) / 10_000 : 0,
      stops,
    }
  })
}
