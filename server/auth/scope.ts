import type { User } from '../domain/users.ts'

/**
 * Jurisdiction scope in SQL: what a user sees. `users.scope` says which: everything ('all'), a
 * district ('district'), or a station's jurisdiction together with the band along the province line
 * beside it ('station': within STATION_BAND_M of the jurisdiction and of a province line, on either
 * side). Distances only, no polygon overlays: they are index-friendly and robust on both backends.
 */

/** The id of the user a query is for; null for the server's own queries (no scope). */
export type Viewer = number | null

/** The viewer of a user's queries: null (no condition at all) for a user who sees everything. */
export const viewerOf = (user: Pick<User, 'id' | 'scope'>): Viewer => (user.scope === 'all' ? null : user.id)

/** How far a station's view reaches past its jurisdiction along the province line, metres. */
export const STATION_BAND_M = 5000

/**
 * A condition true when `geomM` lies in the area station `s` (a row of `stations`) watches: its
 * jurisdiction, and within STATION_BAND_M of it where that is also within STATION_BAND_M of a
 * province line (the boundary band on both sides).
 */
export const inStationAreaSql = (s: string, geomM: string): string =>
  `(ST_Intersects(${s}.jurisdiction_m, ${geomM})
    OR (ST_DWithin(${s}.jurisdiction_m, ${geomM}, ${STATION_BAND_M})
        AND EXISTS (SELECT 1 FROM province_lines l WHERE ST_DWithin(l.line_m, ${geomM}, ${STATION_BAND_M}))))`

/**
 * A condition true when `geomM` (an EPSG:4549 geometry expression) lies in the scope of the user
 * whose id is the parameter `userParam`. An unknown user (deleted meanwhile) sees nothing.
 */
export const inScopeSql = (geomM: string, userParam: string): string =>
  `(${userParam}::int IS NULL OR EXISTS (
      SELECT 1 FROM users u
      LEFT JOIN boundaries d ON u.scope = 'district' AND d.level = 'district' AND d.adcode = u.district_code
      LEFT JOIN stations s ON u.scope = 'station' AND s.id = u.station_id
      WHERE u.id = ${userParam}::int AND (
        u.scope = 'all'
        OR ST_Intersects(d.geom_m, ${geomM})
        OR (s.id IS NOT NULL AND ${inStationAreaSql('s', geomM)}))))`
