import type { Db, Queryable } from '../db/db.ts'
import { badRequest, unprocessable } from '../errors.ts'
import { DEFAULT_RADIUS_M } from './coverage.ts'
import { GAP_THRESHOLD, rankPlaces } from './coverage-gaps.ts'
import {
  checkOneUnit,
  coverageAdded,
  DEFAULT_SPEED_KMH,
  DEFAULT_START_TIME,
  PLAN_WINDOW_DAYS,
  type Plan,
  type PlanStop,
  planOf,
  planStartOf,
  type StoredPlan,
  unitOf,
  urgency,
} from './patrol-plans.ts'
import { checkFixes, dropRepeatedFixes, type Fix, haversineM, trackError } from './patrol-tracks.ts'
import { createPatrol } from './patrols.ts'

/**
 * A patrol route drawn by hand on the map (POST /api/plans with `route`): timed along its length at
 * the stated speed from the start time, with the urgent places it passes within R as its stops (in
 * the order the route reaches them) and the coverage it would add, stored like a suggested plan.
 */

export const MAX_PLAN_HOURS = 16
export const MAX_ROUTE_VERTICES = 5_000
const DAY_MS = 86_400_000

export interface DrawnPlanRequest {
  chiefId?: string
  stationId?: string
  /** [lon, lat] per vertex, in drawing order. */
  route: number[][]
  /** YYYY-MM-DD, China time. */
  date: string
  startTime?: string
  speedKmh?: number
  radius?: number
}

/** The route's vertices with the times a patrol at `speedMs` reaches them, from `t0`. */
export function timeAlongRoute(route: readonly number[][], t0: number, speedMs: number): Fix[] {
  let at = t0
  return route.map(([lon = Number.NaN, lat = Number.NaN], i) => {
    const prev = route[i - 1]
    if (prev) at += (haversineM({ lon: prev[0] ?? 0, lat: prev[1] ?? 0 }, { lon, lat }) / speedMs) * 1000
    return { lon, lat, at }
  })
}

interface PassedPlace {
  id: string
  kind: string
  name_zh: string
  name_en: string
  lon: number
  lat: number
  /** Where along the route (0..1 of its length) it comes nearest the place. */
  fraction: number
}

/** The patrolled places within R of the route, with the point and the share of the route where it passes them. */
function placesPassed(tx: Queryable, route: number[][], radius: number): Promise<PassedPlace[]> {
  return tx.query<PassedPlace>(
    `WITH r AS (
       SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326), 4549) AS line
     )
     SELECT p.id, p.kind, p.name_zh, p.name_en,
            ST_X(ST_Transform(n.pt, 4326)) AS lon, ST_Y(ST_Transform(n.pt, 4326)) AS lat,
            ST_LineLocatePoint(r.line, n.pt) AS fraction
     FROM places p CROSS JOIN r
     CROSS JOIN LATERAL (SELECT ST_ClosestPoint(r.line, p.geom_m) AS pt) n
     WHERE p.patrol_every_days IS NOT NULL AND ST_DWithin(p.geom_m, r.line, $2)
     ORDER BY fraction, p.id`,
    [JSON.stringify({ type: 'LineString', coordinates: route }), radius],
  )
}

export async function planDrawnRoute(db: Db, req: DrawnPlanRequest): Promise<Plan> {
  checkOneUnit(req)
  if (req.route.length < 2) throw badRequest('a drawn route needs at least 2 points')
  if (req.route.length > MAX_ROUTE_VERTICES) {
    throw badRequest(`a drawn route may have at most ${MAX_ROUTE_VERTICES} points, got ${req.route.length}`)
  }
  const radius = req.radius ?? DEFAULT_RADIUS_M
  const speedKmh = req.speedKmh ?? DEFAULT_SPEED_KMH
  const startTime = req.startTime ?? DEFAULT_START_TIME
  const t0 = planStartOf(req.date, startTime).getTime()
  const fixes = dropRepeatedFixes(timeAlongRoute(req.route, t0, speedKmh / 3.6))
  const problems = checkFixes(fixes)
  if (problems.length) throw trackError(problems)
  const endsAt = (fixes[fixes.length - 1] as Fix).at
  const hours = (endsAt - t0) / 3_600_000
  if (hours > MAX_PLAN_HOURS) {
    throw unprocessable(
      `the route takes ${hours.toFixed(1)} h at ${speedKmh} km/h, more than the ${MAX_PLAN_HOURS} h a patrol may plan`,
      [{ field: 'route', hours: Math.round(hours * 10) / 10 }],
    )
  }
  const route = fixes.map((f) => [f.lon, f.lat])
  const window = { from: new Date(t0 - PLAN_WINDOW_DAYS * DAY_MS), to: new Date(t0) }

  const planned = await db.transaction(async (tx) => {
    await unitOf(tx, req)
    const passed = await placesPassed(tx, route, radius)
    const ranked = passed.length
      ? await rankPlaces(tx, {
          ...window,
          radius,
          threshold: GAP_THRESHOLD,
          placeIds: passed.map((p) => p.id),
        })
      : []
    const rankOf = new Map(ranked.map((r) => [r.place.id, r]))
    const [length] = await tx.query<{ m: number }>(
      `SELECT ST_Length(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326), 4549)) AS m`,
      [JSON.stringify({ type: 'LineString', coordinates: route })],
    )
    const lengthM = length?.m ?? 0
    const stops: PlanStop[] = []
    let lastFraction = 0
    for (const place of passed) {
      const r = rankOf.get(place.id)
      const u = r && urgency(r)
      if (!u || u.score <= 0) continue
      const arrive = new Date(t0 + place.fraction * (endsAt - t0)).toISOString()
      stops.push({
        order: stops.length + 1,
        place_id: place.id,
        kind: place.kind,
        name_zh: place.name_zh,
        name_en: place.name_en,
        lon: Math.round(place.lon * 1e6) / 1e6,
        lat: Math.round(place.lat * 1e6) / 1e6,
        arrive_at: arrive,
        leave_at: arrive,
        reason: u.reason,
        score: u.score,
        leg_m: Math.round((place.fraction - lastFraction) * lengthM),
      })
      lastFraction = place.fraction
    }
    const adds = await coverageAdded(tx, { type: 'LineString', coordinates: route }, window, radius)
    return { stops, adds }
  })

  const stored: StoredPlan = {
    plan: {
      source: 'drawn',
      date: req.date,
      start_time: startTime,
      hours: Math.round(hours * 100) / 100,
      speed_kmh: speedKmh,
      detour_factor: 1,
      dwell_minutes: 0,
      radius,
    },
    stops: planned.stops,
    adds: planned.adds,
  }
  const patrol = await createPatrol(db, {
    fixes,
    chiefId: req.chiefId ?? null,
    stationId: req.stationId ?? null,
    kind: 'planned',
    status: 'closed',
    properties: { ...stored },
  })
  return planOf(patrol) as Plan
}
