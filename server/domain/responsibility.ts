import type { Queryable } from '../db/db.ts'

/**
 * Who answers for a point (DESIGN.md, "Responsible unit"): the chiefs of the places that contain it or
 * lie within 1 km (nearest place first), then the stations whose jurisdiction contains it, then the
 * nearest on-duty chiefs. Each candidate carries a reason as a code with parameters, so the UI can
 * translate it, plus a ready English/Chinese text.
 */

export interface LonLat {
  lon: number
  lat: number
}

/** A place within this distance makes its chiefs responsible. */
export const placeChiefRadiusM = 1000
/** How many nearest on-duty chiefs are added after the place chiefs and stations, by default. */
export const defaultNearestChiefs = 3

export type ResponsibleReason =
  | {
      code: 'place_chief'
      params: {
        place_id: string
        place_kind: string
        place_name_zh: string
        place_name_en: string
        /** Metres from the point to the place; 0 when the point lies in (or on) it. */
        place_distance_m: number
      }
      text: string
    }
  | { code: 'station_jurisdiction'; params: { cross_border: boolean }; text: string }
  | { code: 'nearest_on_duty_chief'; params: { rank: number; distance_m: number }; text: string }

export type ReasonCode = ResponsibleReason['code']
export const reasonCodes: readonly ReasonCode[] = [
  'place_chief',
  'station_jurisdiction',
  'nearest_on_duty_chief',
]

export interface ResponsibleCandidate {
  kind: 'chief' | 'station'
  id: string
  name_zh: string
  name_en: string
  /** Metres from the point to the chief's last known position or the station's building; null if unknown. */
  distance_m: number | null
  /** For chiefs: on duty now. For stations (staffed by their duty hours): null. */
  on_duty: boolean | null
  reason: ResponsibleReason
  /**
   * For a place chief: every place within 1 km that they answer for, nearest first (the reason names
   * the first; e.g. a reservoir's chief is often also the chief of its water-source zone). Else empty.
   */
  places: NearbyPlace[]
}

export interface NearbyPlace {
  id: string
  kind: string
  name_zh: string
  name_en: string
  distance_m: number
}

/** A chief of a place near the point, as the database lists them. */
export interface PlaceChiefRow {
  place_id: string
  place_kind: string
  place_name_zh: string
  place_name_en: string
  place_distance_m: number
  chief_id: string
  chief_name_zh: string
  chief_name_en: string
  on_duty: boolean
  chief_distance_m: number | null
}

export interface StationRow {
  id: string
  name_zh: string
  name_en: string
  cross_border: boolean
  distance_m: number
}

export interface NearChiefRow {
  id: string
  name_zh: string
  name_en: string
  distance_m: number
}

/** "120 m" below a kilometre, "2.3 km" above. */
export function formatDistance(metres: number): string {
  return metres < 999.5 ? `${Math.round(metres)} m` : `${(metres / 1000).toFixed(1)} km`
}

const round = (metres: number | null) => (metres === null ? null : Math.round(metres))

/**
 * The pure part of the ranking: orders and de-duplicates what the three queries found. A chief appears
 * once, under the first reason that names them; at most `nearestLimit` nearest chiefs are added.
 */
export function rankResponsible(
  placeChiefs: readonly PlaceChiefRow[],
  stations: readonly StationRow[],
  nearestChiefs: readonly NearChiefRow[],
  nearestLimit = defaultNearestChiefs,
): ResponsibleCandidate[] {
  const candidates: ResponsibleCandidate[] = []
  const seenChiefs = new Set<string>()

  // Nearest place first; within a place the chiefs on duty first, then the closest of them.
  const byPlace = [...placeChiefs].sort(
    (a, b) =>
      a.place_distance_m - b.place_distance_m ||
      a.place_id.localeCompare(b.place_id) ||
      Number(b.on_duty) - Number(a.on_duty) ||
      (a.chief_distance_m ?? Number.POSITIVE_INFINITY) - (b.chief_distance_m ?? Number.POSITIVE_INFINITY) ||
      a.chief_id.localeCompare(b.chief_id),
  )
  const placesOf = new Map<string, NearbyPlace[]>()
  for (const row of byPlace) {
    const places = placesOf.get(row.chief_id) ?? []
    if (!places.some((p) => p.id === row.place_id)) {
      places.push({
        id: row.place_id,
        kind: row.place_kind,
        name_zh: row.place_name_zh,
        name_en: row.place_name_en,
        distance_m: Math.round(row.place_distance_m),
      })
    }
    placesOf.set(row.chief_id, places)
  }
  for (const row of byPlace) {
    if (seenChiefs.has(row.chief_id)) continue
    seenChiefs.add(row.chief_id)
    const where =
      row.place_distance_m === 0 ? 'the point lies in it' : `${formatDistance(row.place_distance_m)} away`
    candidates.push({
      kind: 'chief',
      id: row.chief_id,
      name_zh: row.chief_name_zh,
      name_en: row.chief_name_en,
      distance_m: round(row.chief_distance_m),
      on_duty: row.on_duty,
      reason: {
        code: 'place_chief',
        params: {
          place_id: row.place_id,
          place_kind: row.place_kind,
          place_name_zh: row.place_name_zh,
          place_name_en: row.place_name_en,
          place_distance_m: Math.round(row.place_distance_m),
        },
        text: `chief of ${row.place_name_zh} ${row.place_name_en}, ${where}`,
      },
      places: placesOf.get(row.chief_id) ?? [],
    })
  }

  const seenStations = new Set<string>()
  for (const station of [...stations].sort(
    (a, b) => a.distance_m - b.distance_m || a.id.localeCompare(b.id),
  )) {
    if (seenStations.has(station.id)) continue
    seenStations.add(station.id)
    candidates.push({
      kind: 'station',
      id: station.id,
      name_zh: station.name_zh,
      name_en: station.name_en,
      distance_m: round(station.distance_m),
      on_duty: null,
      reason: {
        code: 'station_jurisdiction',
        params: { cross_border: station.cross_border },
        text: `the point lies in the jurisdiction of ${station.name_zh} ${station.name_en}${station.cross_border ? ' (cross-border)' : ''}`,
      },
      places: [],
    })
  }

  let rank = 0
  for (const chief of [...nearestChiefs].sort(
    (a, b) => a.distance_m - b.distance_m || a.id.localeCompare(b.id),
  )) {
    if (rank >= nearestLimit) break
    if (seenChiefs.has(chief.id)) continue
    seenChiefs.add(chief.id)
    rank += 1
    candidates.push({
      kind: 'chief',
      id: chief.id,
      name_zh: chief.name_zh,
      name_en: chief.name_en,
      distance_m: round(chief.distance_m),
      on_duty: true,
      reason: {
        code: 'nearest_on_duty_chief',
        params: { rank, distance_m: Math.round(chief.distance_m) },
        text: `nearest on-duty chief no. ${rank}, ${formatDistance(chief.distance_m)} away`,
      },
      places: [],
    })
  }
  return candidates
}

// The point in metres (EPSG:4549); $1 = lon, $2 = lat in every query below.
const pointM = 'ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 4549)'

/**
 * The ranked responsible units for a point near Huzhou. Three index-backed queries: places within
 * 1 km (ST_DWithin on places.geom_m), stations whose jurisdiction contains the point (on
 * stations.jurisdiction), and a k-nearest-neighbour scan of on-duty chiefs (`position_m <-> point`).
 */
export async function findResponsibleUnits(
  db: Queryable,
  point: LonLat,
  options: { nearest?: number } = {},
): Promise<ResponsibleCandidate[]> {
  const nearest = options.nearest ?? defaultNearestChiefs
  const placeChiefs = await db.query<PlaceChiefRow>(
    `SELECT p.id AS place_id, p.kind AS place_kind, p.name_zh AS place_name_zh, p.name_en AS place_name_en,
            ST_Distance(p.geom_m, ${pointM}) AS place_distance_m,
            c.id AS chief_id, c.name_zh AS chief_name_zh, c.name_en AS chief_name_en, c.on_duty,
            ST_Distance(c.position_m, ${pointM}) AS chief_distance_m
       FROM places p
       JOIN chief_places cp ON cp.place_id = p.id
       JOIN chiefs c ON c.id = cp.chief_id
      WHERE ST_DWithin(p.geom_m, ${pointM}, $3)`,
    [point.lon, point.lat, placeChiefRadiusM],
  )
  // Containment is tested on the jurisdiction as drawn (lon/lat): a straight edge in degrees is not
  // quite straight in metres, so near the edge the projected copy could disagree.
  const stations = await db.query<StationRow>(
    `SELECT id, name_zh, name_en, cross_border, ST_Distance(ST_Transform(location, 4549), ${pointM}) AS distance_m
       FROM stations
      WHERE ST_Intersects(jurisdiction, ST_SetSRID(ST_MakePoint($1, $2), 4326))`,
    [point.lon, point.lat],
  )
  // k-NN: ORDER BY the distance operator against a constant point with a LIMIT walks the GiST index
  // on position_m from the nearest entry outwards instead of measuring every chief. The place chiefs
  // found above are skipped here, so k new names come back.
  const nearChiefs = await db.query<NearChiefRow>(
    `SELECT id, name_zh, name_en, ST_Distance(position_m, ${pointM}) AS distance_m
       FROM chiefs
      WHERE on_duty AND position_m IS NOT NULL AND id <> ALL ($3::text[])
      ORDER BY position_m <-> ${pointM}
      LIMIT $4`,
    [point.lon, point.lat, [...new Set(placeChiefs.map((r) => r.chief_id))], nearest],
  )
  return rankResponsible(placeChiefs, stations, nearChiefs, nearest)
}
