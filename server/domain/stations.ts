import { inScopeSql, inStationAreaSql, STATION_BAND_M, type Viewer } from '../auth/scope.ts'
import type { Db, Queryable } from '../db/db.ts'
import { unprocessable } from '../errors.ts'
import type { Agency } from './agencies.ts'
import {
  DEFAULT_RADIUS_M,
  type PlaceCoverageOut,
  placeCoverage,
  placeOut,
  type TimeWindow,
} from './coverage.ts'
import { type HandlingTimes, handlingTimes } from './handling-times.ts'

/**
 * Co-governance stations as first-class objects: who sits in them, when they are on duty, the area
 * they watch, and a station's own view (its jurisdiction, the boundary band beside it, both sides'
 * incidents and patrols, its figures).
 */

/** Around the clock, or from–to in China time (may run past midnight: 20:00-08:00). */
export const dutyHoursPattern = '^(24h|([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9])$'

/** Jurisdictions are local: at most this much area, and within this distance of Huzhou's districts. */
export const MAX_JURISDICTION_KM2 = 2000
const MAX_JURISDICTION_REACH_M = 20_000
/** Incidents and patrols a station view lists at most. */
export const MAX_VIEW_ROWS = 5000

interface Polygonal {
  type: 'Polygon' | 'MultiPolygon'
  coordinates: unknown
}

export interface Station {
  id: string
  name_zh: string
  name_en: string
  district_code: number | null
  agencies: string[]
  duty_hours: string
  cross_border: boolean
  provinces: string[]
  location: { type: 'Point'; coordinates: [number, number] }
  /** [minLon, minLat, maxLon, maxLat] of the jurisdiction. */
  bbox: [number, number, number, number]
}

export interface StationDetail extends Station {
  jurisdiction: { type: 'MultiPolygon'; coordinates: number[][][][] }
}

const stationSelect = `SELECT s.id, s.name_zh, s.name_en, s.district_code, s.agencies, s.duty_hours, s.cross_border,
         s.provinces, ST_AsGeoJSON(s.location, 6)::json AS location,
         ARRAY[ST_XMin(s.jurisdiction), ST_YMin(s.jurisdiction), ST_XMax(s.jurisdiction), ST_YMax(s.jurisdiction)] AS bbox
    FROM stations s`

const parsed = <T>(value: T | string): T => (typeof value === 'string' ? JSON.parse(value) : value)

/** Every station, by id. */
export async function listStations(db: Queryable): Promise<Station[]> {
  const rows = await db.query<Station>(`${stationSelect} ORDER BY s.id`)
  return rows.map((r) => ({ ...r, location: parsed(r.location) }))
}

export async function getStation(db: Queryable, id: string): Promise<StationDetail | null> {
  const [row] = await db.query<StationDetail>(
    `SELECT st.*, ST_AsGeoJSON(s.jurisdiction, 6)::json AS jurisdiction
       FROM (${stationSelect} WHERE s.id = $1) st JOIN stations s ON s.id = st.id`,
    [id],
  )
  return row ? { ...row, location: parsed(row.location), jurisdiction: parsed(row.jurisdiction) } : null
}

export interface StationChange {
  agencies?: Agency[]
  duty_hours?: string
  jurisdiction?: Polygonal
}

/**
 * Changes a station (admins only, policy.ts). A new jurisdiction must be a valid (Multi)Polygon
 * near Huzhou and of a local size: 422 with PostGIS' reason otherwise, and nothing is stored.
 * Returns null when there is no such station.
 */
export async function updateStation(
  db: Db,
  id: string,
  change: StationChange,
): Promise<StationDetail | null> {
  return db.transaction(async (tx) => {
    const [exists] = await tx.query('SELECT 1 FROM stations WHERE id = $1 FOR UPDATE', [id])
    if (!exists) return null
    if (change.jurisdiction) {
      const [check] = await tx.query<{ valid: boolean; reason: string; km2: number; reach_m: number | null }>(
        `WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS geom)
         SELECT ST_IsValid(g.geom) AS valid, ST_IsValidReason(g.geom) AS reason,
                CASE WHEN ST_IsValid(g.geom) THEN ST_Area(g.geom::geography) / 1e6 ELSE 0 END AS km2,
                (SELECT min(ST_Distance(d.geom::geography, g.geom::geography)) FROM boundaries d
                  WHERE d.level = 'district') AS reach_m
         FROM g`,
        [JSON.stringify(change.jurisdiction)],
      )
      if (!check?.valid) {
        throw unprocessable(`jurisdiction is not a valid polygon: ${check?.reason}`, [
          { field: 'jurisdiction' },
        ])
      }
      if (check.km2 > MAX_JURISDICTION_KM2 || check.km2 <= 0) {
        throw unprocessable(
          `jurisdiction covers ${check.km2.toFixed(1)} km²; a station's area is above 0 and at most ${MAX_JURISDICTION_KM2} km²`,
          [{ field: 'jurisdiction' }],
        )
      }
      if (check.reach_m === null || check.reach_m > MAX_JURISDICTION_REACH_M) {
        throw unprocessable(
          `jurisdiction lies more than ${MAX_JURISDICTION_REACH_M / 1000} km from Huzhou's districts`,
          [{ field: 'jurisdiction' }],
        )
      }
      await tx.query(
        `UPDATE stations SET jurisdiction = ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)) WHERE id = $1`,
        [id, JSON.stringify(change.jurisdiction)],
      )
    }
    if (change.agencies) {
      await tx.query('UPDATE stations SET agencies = $2 WHERE id = $1', [id, [...new Set(change.agencies)]])
    }
    if (change.duty_hours !== undefined) {
      await tx.query('UPDATE stations SET duty_hours = $2 WHERE id = $1', [id, change.duty_hours])
    }
    return getStation(tx, id)
  })
}

export interface SideIncident {
  id: number
  category: string
  status: string
  occurred_at: string
  lon: number
  lat: number
  /** The province it lies in (adcode); null outside every outline (in Taihu, say). */
  province_code: number | null
}

export interface SidePatrol {
  id: number
  chief_id: string | null
  started_at: string
  ended_at: string
  /** The province of the track's midpoint. */
  province_code: number | null
  path: number[][]
}

export interface StationView {
  station: StationDetail
  from: string
  to: string
  /** The boundary band beside the station (both sides of the province line), lon/lat; null far from any line. */
  band: { type: 'MultiPolygon' | 'Polygon'; coordinates: unknown } | null
  band_km: number
  provinces: {
    province_code: number | null
    name_zh: string | null
    name_en: string | null
    incidents: number
    patrols: number
  }[]
  incidents: SideIncident[]
  patrols: SidePatrol[]
  handling: HandlingTimes
  places: PlaceCoverageOut[]
  /** More incidents or patrols than `limit` matched: the newest `limit` of each are listed. */
  truncated: boolean
  limit: number
}

// The province an EPSG:4549 geometry lies in (the lowest adcode where outlines overlap).
const provinceOf = (geomM: string) =>
  `(SELECT b.adcode FROM boundaries b WHERE b.level = 'province' AND ST_Intersects(b.geom_m, ${geomM})
     ORDER BY b.adcode LIMIT 1)`

/**
 * A station's view for [from, to): what lies in its area (jurisdiction plus the boundary band, the
 * same area a station user sees) and in the viewer's scope, with each incident's and patrol's province.
 */
export async function stationView(
  db: Db,
  id: string,
  window: TimeWindow,
  viewer: Viewer,
): Promise<StationView | null> {
  const station = await getStation(db, id)
  if (!station) return null
  // The band: the province lines near the jurisdiction, cut there and widened on both sides.
  const [band] = await db.query<{ band: StationView['band'] }>(
    `SELECT ST_AsGeoJSON(ST_Transform(ST_Buffer(ST_Union(ST_Intersection(l.line_m, ST_Expand(s.jurisdiction_m, $2))), $2), 4326), 6)::json AS band
       FROM stations s JOIN province_lines l ON ST_DWithin(l.line_m, s.jurisdiction_m, $2)
      WHERE s.id = $1`,
    [id, STATION_BAND_M],
  )
  const incidents = await db.query<Omit<SideIncident, 'occurred_at'> & { occurred_at: Date }>(
    `SELECT i.id, i.category, i.status, i.occurred_at, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat,
            ${provinceOf('i.geom_m')} AS province_code
       FROM incidents i JOIN stations s ON s.id = $1
      WHERE i.occurred_at >= $2 AND i.occurred_at < $3
        AND ${inStationAreaSql('s', 'i.geom_m')}
        AND ${inScopeSql('i.geom_m', '$4')}
      ORDER BY i.occurred_at DESC, i.id DESC
      LIMIT $5`,
    [id, window.from, window.to, viewer, MAX_VIEW_ROWS + 1],
  )
  // Patrols driven in the window that enter the station's area, simplified to ~10 m for drawing.
  const patrols = await db.query<
    Omit<SidePatrol, 'started_at' | 'ended_at'> & { started_at: Date; ended_at: Date }
  >(
    `SELECT p.id, p.chief_id, p.started_at, p.ended_at,
            ${provinceOf('ST_LineInterpolatePoint(ST_Force2D(p.track_m), 0.5)')} AS province_code,
            ST_AsGeoJSON(ST_Transform(ST_Simplify(ST_Force2D(p.track_m), 10), 4326), 5)::json -> 'coordinates' AS path
       FROM patrols p JOIN stations s ON s.id = $1
      WHERE p.kind = 'actual' AND p.started_at < $3 AND p.ended_at >= $2
        AND ${inStationAreaSql('s', 'p.track_m')}
        AND ${inScopeSql('p.track_m', '$4')}
      ORDER BY p.started_at DESC
      LIMIT $5`,
    [id, window.from, window.to, viewer, MAX_VIEW_ROWS + 1],
  )
  const names = await db.query<{ adcode: number; name_zh: string; name_en: string }>(
    `SELECT adcode, name_zh, name_en FROM boundaries WHERE level = 'province'`,
  )
  const placeIds = await db.query<{ id: string }>(
    `SELECT p.id FROM places p JOIN stations s ON s.id = $1
      WHERE p.patrol_every_days IS NOT NULL AND ST_Intersects(p.geom_m, s.jurisdiction_m)`,
    [id],
  )
  const places = placeIds.length
    ? await placeCoverage(db, { ...window, radius: DEFAULT_RADIUS_M, placeIds: placeIds.map((p) => p.id) })
    : []
  const handling = await handlingTimes(db, { group: 'district', ...window, station: id, viewer })

  const sides = new Map<number | null, { incidents: number; patrols: number }>()
  const side = (code: number | null) => {
    const entry = sides.get(code) ?? { incidents: 0, patrols: 0 }
    sides.set(code, entry)
    return entry
  }
  const listedIncidents = incidents.slice(0, MAX_VIEW_ROWS)
  const listedPatrols = patrols.slice(0, MAX_VIEW_ROWS)
  for (const i of listedIncidents) side(i.province_code).incidents += 1
  for (const p of listedPatrols) side(p.province_code).patrols += 1
  return {
    station,
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    band: band?.band ? parsed(band.band) : null,
    band_km: STATION_BAND_M / 1000,
    provinces: [...sides]
      .map(([code, counts]) => {
        const name = names.find((n) => n.adcode === code)
        return {
          province_code: code,
          name_zh: name?.name_zh ?? null,
          name_en: name?.name_en ?? null,
          ...counts,
        }
      })
      .sort((a, b) => b.incidents - a.incidents || b.patrols - a.patrols),
    incidents: listedIncidents.map((i) => ({ ...i, occurred_at: i.occurred_at.toISOString() })),
    patrols: listedPatrols.map((p) => ({
      ...p,
      started_at: p.started_at.toISOString(),
      ended_at: p.ended_at.toISOString(),
      path: parsed(p.path),
    })),
    handling: handling.total,
    places: places.map((p) => placeOut(p, DEFAULT_RADIUS_M)).sort((a, b) => a.coverage - b.coverage),
    truncated: incidents.length > MAX_VIEW_ROWS || patrols.length > MAX_VIEW_ROWS,
    limit: MAX_VIEW_ROWS,
  }
}
