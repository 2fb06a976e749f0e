import type { Queryable } from '../db/db.ts'
import type { User } from '../domain/users.ts'
import { inStationAreaSql } from './scope.ts'

/**
 * Who may hear of something that happened at a place: live events (GET /api/events) go only to the
 * users whose scope holds it. The containment is decided in SQL, with the same predicates as the
 * queries (scope.ts), once per event; each stream then only compares its user's district or station
 * with the result.
 */
export interface Audience {
  /** The district the point lies in (by the district outlines), null outside them. */
  district_code: number | null
  /** The stations whose area (jurisdiction and boundary band) holds the point. */
  station_ids: string[]
}

/** The audience of each [lon, lat] point, in order. */
export async function audiencesAt(
  db: Queryable,
  points: readonly (readonly number[])[],
): Promise<Audience[]> {
  if (points.length === 0) return []
  return db.query<Audience>(
    `WITH p AS (
       SELECT n, ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 4549) AS geom_m
       FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t (lon, lat, n)
     )
     SELECT (SELECT d.adcode FROM boundaries d
              WHERE d.level = 'district' AND ST_Intersects(d.geom_m, p.geom_m) ORDER BY d.adcode LIMIT 1) AS district_code,
            array(SELECT s.id FROM stations s WHERE ${inStationAreaSql('s', 'p.geom_m')} ORDER BY s.id) AS station_ids
     FROM p ORDER BY p.n`,
    [points.map((p) => p[0]), points.map((p) => p[1])],
  )
}

/** Whether `user` may hear of an event with this audience (none: a system event, for everyone). */
export function hears(user: User, audience: Audience | undefined): boolean {
  if (!audience || user.scope === 'all') return true
  if (user.scope === 'district') return audience.district_code === user.district_code
  return user.station_id !== null && audience.station_ids.includes(user.station_id)
}
