import type { Db, Queryable } from '../db/db.ts'
import { badRequest } from '../errors.ts'
import { placesReachedInWindow } from './place-patrol-cells.ts'
import { parseInstant } from './time.ts'

/**
 * Patrol coverage: the definitions of docs/definitions.md, implemented once.
 *
 * - Covered: the part of a place within R metres (default 200) of an actual patrol track driven in
 *   the window. Coverage = covered length / length (lines) or covered area / area (polygons);
 *   points and sites no wider than R (bounding-box diagonal) are visited (1) or not (0).
 * - Last patrolled: the end time of the latest actual track within R of the place, as of `to`
 *   (a track still running at `to` counts as ending at `to`).
 * - Totals over several places (per district, per chief) weigh each place by its patrol length:
 *   a line by its length, a polygon by its area / 2R (the length of a 2R-wide strip that sweeps it),
 *   a visited-or-not site by 2R (one pass by it).
 * All lengths and areas are measured in EPSG:4549 (CGCS2000 Gauss-Krüger CM 120E).
 */

export const DEFAULT_RADIUS_M = 200
export const MIN_RADIUS_M = 10
export const MAX_RADIUS_M = 2000
export const DEFAULT_WINDOW_DAYS = 30
export const MAX_WINDOW_DAYS = 400
const DAY_MS = 86_400_000

/** Huzhou keeps China time: a plan's date (patrol-plans.ts) is a day there. */
export const LOCAL_OFFSET = '+08:00'

export type Measure = 'length' | 'area' | 'visit'

export interface TimeWindow {
  from: Date
  to: Date
}

/**
 * The window [from, to), parsed like every window of the API (hotspots.ts: a date alone is 00:00
 * UTC, a date-time without a zone is UTC): `to` defaults to now, `from` to DEFAULT_WINDOW_DAYS before `to`.
 * A window must run forwards and be at most MAX_WINDOW_DAYS long.
 */
export function parseWindow(from: string | undefined, to: string | undefined, now = new Date()): TimeWindow {
  const end = to === undefined ? now : parseInstant('to', to)
  const start =
    from === undefined ? new Date(end.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS) : parseInstant('from', from)
  if (start >= end) throw badRequest(`from (${start.toISOString()}) must be before to (${end.toISOString()})`)
  if (end.getTime() - start.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
    throw badRequest(`the window may be at most ${MAX_WINDOW_DAYS} days long; narrow from..to`)
  }
  return { from: start, to: end }
}

export interface PlaceCoverage {
  id: string
  kind: string
  name_zh: string
  name_en: string
  district_code: number | null
  patrol_every_days: number
  measure: Measure
  /** Metres (length), square metres (area) or 0/1 (visit). */
  covered: number
  /** Metres (length), square metres (area) or 1 (visit). */
  total: number
  /** covered / total, 0..1. */
  coverage: number
  last_patrolled_at: Date | null
  /** Actual patrols that came within R of the place in the window. */
  patrols: number
}

export interface CoverageQuery extends TimeWindow {
  radius: number
  kind?: string
  district?: number
  chief?: string
  placeIds?: readonly string[]
  /**
   * A track that is not stored (a planned route, lon/lat GeoJSON LineString) counted as driven in
   * the window, to tell what it would add. It does not change last_patrolled_at or `patrols`.
   */
  extraTrack?: { type: 'LineString'; coordinates: number[][] }
  /** How to measure; the default is 'cells' where they apply (see coverageMethod). */
  method?: CoverageMethod
}

/**
 * 'exact' follows the definitions with geometry (buffers and intersections: seconds for every
 * place over a month of tracks); 'cells' reads the 250 m cells kept at ingest
 * (migrations/005_coverage_cells.sql: tens of milliseconds, within a few points of exact).
 */
export type CoverageMethod = 'cells' | 'exact'

/** The R the patrol cells were cut for (migrations/005_coverage_cells.sql). */
export const CELL_RADIUS_M = 200

/**
 * The method a query runs with: cells unless exact is asked for or the cells cannot answer it
 * (another R, or a route that is not stored).
 */
export function coverageMethod(q: Pick<CoverageQuery, 'radius' | 'extraTrack' | 'method'>): CoverageMethod {
  if (q.method === 'exact' || q.radius !== CELL_RADIUS_M || q.extraTrack) return 'exact'
  return 'cells'
}

// The patrolled places of a query ($3 R, $4 kind, $5 district, $6 chief, $7 ids): points, and sites
// no wider than R, are visited or not (dim, size and diagonal_m are kept with each place,
// migrations/005_coverage_cells.sql).
const targetPlaces = `
  SELECT p.id, p.kind, p.name_zh, p.name_en, p.district_code, p.patrol_every_days, p.geom_m, p.dim,
         p.dim = 0 OR p.diagonal_m <= $3 AS visit, p.size
  FROM places p
  WHERE p.patrol_every_days IS NOT NULL
    AND ($4::text IS NULL OR p.kind = $4)
    AND ($5::int IS NULL OR p.district_code = $5)
    AND ($6::text IS NULL OR EXISTS (
          SELECT 1 FROM chief_places cp WHERE cp.place_id = p.id AND cp.chief_id = $6))
    AND ($7::text[] IS NULL OR p.id = ANY ($7))`

// The place columns of both methods' answers, from target t.
const placeColumns = `
  t.id, t.kind, t.name_zh, t.name_en, t.district_code, t.patrol_every_days,
  CASE WHEN t.visit THEN 'visit' WHEN t.dim = 1 THEN 'length' ELSE 'area' END AS measure,
  CASE WHEN t.visit THEN 1 ELSE t.size END::float8 AS total`

// A place without a track in the window was last patrolled by the latest older track within R.
// COALESCE runs this search only for such places.
const olderLastPatrol = `(
  SELECT max(p.ended_at) FROM patrols p
  WHERE p.kind = 'actual' AND p.ended_at < $1 AND ST_DWithin(p.track_m, t.geom_m, $3))`

const queryParams = (q: CoverageQuery) => [
  q.from,
  q.to,
  q.radius,
  q.kind ?? null,
  q.district ?? null,
  q.chief ?? null,
  q.placeIds ?? null,
]

const withCoverage = (rows: Omit<PlaceCoverage, 'coverage'>[]): PlaceCoverage[] =>
  rows.map((r) => ({ ...r, coverage: r.total > 0 ? Math.min(1, Math.max(0, r.covered / r.total)) : 0 }))

/** Coverage of every patrolled place (patrol_every_days set) that passes the filters, by coverageMethod. */
export function placeCoverage(db: Queryable, q: CoverageQuery): Promise<PlaceCoverage[]> {
  return coverageMethod(q) === 'cells' ? cellCoverage(db, q) : exactCoverage(db, q)
}

/**
 * Coverage from the cells kept at ingest (migrations/005_coverage_cells.sql). A line or area is
 * covered by the share of it lying in cells whose centre a track passed within R of, at a time in
 * the window; its patrols are the tracks that reached one of its cells, and when none did, its last
 * patrol is the latest track that reached one before. Which of a place's cells each track reached,
 * and when, is kept too (migrations/009_coverage_windows.sql) and summed from this server's copy
 * of it (place-patrol-cells.ts). A visited-or-not site is checked against the tracks themselves,
 * found through the cells: a track point within R of the site lies in a cell within R of the site's
 * bounding box, and every cell holding a point of a track is one of the track's cells (its centre is
 * at most 177 m from that point).
 */
async function cellCoverage(db: Queryable, q: CoverageQuery): Promise<PlaceCoverage[]> {
  const params = queryParams(q)
  // The window ($1, $2) is only compared so that it is typed: every query here takes queryParams.
  const targets = await db.query<
    Omit<PlaceCoverage, 'coverage' | 'covered' | 'patrols' | 'last_patrolled_at'> & { visit: boolean }
  >(
    `SELECT ${placeColumns}, t.visit
       FROM (${targetPlaces}) AS t
      WHERE $1::timestamptz < $2::timestamptz
      ORDER BY t.id`,
    params,
  )
  const reached = await placesReachedInWindow(
    db,
    q,
    new Set(targets.filter((t) => !t.visit).map((t) => t.id)),
  )
  const visits = targets.some((t) => t.visit)
    ? await db.query<{ id: string; patrol_id: number }>(
        // The cells within R of each site's bounding box, probed one by one on (cx, cy, at).
        `SELECT DISTINCT t.id, pc.patrol_id
           FROM (${targetPlaces}) AS t
           CROSS JOIN LATERAL generate_series(floor((ST_XMin(t.geom_m) - $3) / 250)::int,
                                              floor((ST_XMax(t.geom_m) + $3) / 250)::int) AS gx (cx)
           CROSS JOIN LATERAL generate_series(floor((ST_YMin(t.geom_m) - $3) / 250)::int,
                                              floor((ST_YMax(t.geom_m) + $3) / 250)::int) AS gy (cy)
           JOIN patrol_cells pc ON pc.cx = gx.cx AND pc.cy = gy.cy AND pc.at >= $1 AND pc.at < $2
           JOIN patrols p ON p.id = pc.patrol_id
          WHERE t.visit AND p.ended_at >= $1 AND p.started_at <= $2 AND ST_DWithin(p.track_m, t.geom_m, $3)`,
        params,
      )
    : []
  const patrolsOf = new Map<string, Set<number>>([...reached].map(([id, r]) => [id, r.patrols]))
  for (const { id, patrol_id } of visits) patrolsOf.set(id, (patrolsOf.get(id) ?? new Set()).add(patrol_id))

  // When each of those patrols ended (a track still running at `to` counts as ending then).
  const ended = await db.query<{ id: number; ended: Date }>(
    `SELECT id, least(ended_at, $2::timestamptz) AS ended FROM patrols WHERE id = ANY ($1::int[])`,
    [[...new Set([...patrolsOf.values()].flatMap((ids) => [...ids]))], q.to],
  )
  const endedOf = new Map(ended.map((p) => [p.id, p.ended]))
  const lastOf = (ids: Set<number> | undefined) => {
    let last: Date | null = null
    for (const id of ids ?? []) {
      const at = endedOf.get(id)
      if (at && (!last || at > last)) last = at
    }
    return last
  }

  // Places no track reached in the window were last patrolled before it: for a line or area the
  // latest track through one of its cells (one index probe per cell), for a site the latest within R.
  const unreached = targets.filter((t) => !patrolsOf.has(t.id)).map((t) => t.id)
  const older = unreached.length
    ? await db.query<{ id: string; last: Date | null }>(
        `WITH t AS (
           SELECT p.id, p.geom_m, p.dim = 0 OR p.diagonal_m <= $3 AS visit FROM places p WHERE p.id = ANY ($4)
         ),
         older AS (
           SELECT DISTINCT ON (c.place_id) c.place_id AS id, least(p.ended_at, $2::timestamptz) AS last
             FROM t
             JOIN place_cells c ON c.place_id = t.id
             CROSS JOIN LATERAL (
               SELECT pc.patrol_id, pc.at FROM patrol_cells pc
                WHERE pc.cx = c.cx AND pc.cy = c.cy AND pc.at < $1
                ORDER BY pc.at DESC LIMIT 1
             ) AS latest
             JOIN patrols p ON p.id = latest.patrol_id
            WHERE NOT t.visit
            ORDER BY c.place_id, latest.at DESC
         )
         SELECT t.id, coalesce(o.last, CASE WHEN t.visit THEN ${olderLastPatrol} END) AS last
           FROM t LEFT JOIN older o USING (id)`,
        [q.from, q.to, q.radius, unreached],
      )
    : []
  const olderOf = new Map(older.map((o) => [o.id, o.last]))

  return withCoverage(
    targets.map(({ visit, ...place }) => {
      const patrols = patrolsOf.get(place.id)
      return {
        ...place,
        covered: visit ? Math.min(patrols?.size ?? 0, 1) : (reached.get(place.id)?.covered ?? 0),
        patrols: patrols?.size ?? 0,
        last_patrolled_at: lastOf(patrols) ?? olderOf.get(place.id) ?? null,
      }
    }),
  )
}

/**
 * Exact coverage of every patrolled place (patrol_every_days set) that passes the filters.
 *
 * How: each place is cut into pieces of at most 128 vertices (ST_Subdivide; Taihu and long rivers
 * become many small pieces), so the GiST index on patrols.track_m finds, per piece, only the actual
 * tracks within R that overlap the window. Each of those tracks is buffered by R once (a track
 * straddling `from` or `to` is first cut to the part driven inside the window by its M, epoch
 * seconds); each piece is intersected with the buffers that meet it and the parts are unioned.
 * Pieces do not overlap, so a place's covered length or area is the sum over its pieces.
 * (Buffering is the costly step: a track is buffered once, not once per piece it passes, after a
 * 2 m simplification that is well under GPS error.)
 */
async function exactCoverage(db: Queryable, q: CoverageQuery): Promise<PlaceCoverage[]> {
  const rows = await db.query<Omit<PlaceCoverage, 'coverage'>>(
    `WITH target AS (${targetPlaces}),
     extra AS (
       SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($8::text), 4326), 4549) AS geom
       WHERE $8::text IS NOT NULL
     ),
     pieces AS (
       SELECT t.id, t.dim, t.visit, s.geom, row_number() OVER () AS piece
       FROM target t CROSS JOIN LATERAL ST_Subdivide(t.geom_m, 128) AS s (geom)
     ),
     near AS (
       -- every (piece, track) pair within R, for actual tracks overlapping the window (whole tracks)
       SELECT pc.piece, pc.id, pc.dim, pc.visit, pc.geom, p.id AS patrol_id,
              least(p.ended_at, $2::timestamptz) AS ended_at
       FROM pieces pc
       JOIN patrols p ON ST_DWithin(p.track_m, pc.geom, $3)
       WHERE p.kind = 'actual' AND p.ended_at >= $1 AND p.started_at <= $2
     ),
     pairs AS MATERIALIZED (
       -- the part of each piece inside the buffer of each track near it; a visited-or-not site
       -- only needs to know whether the buffer reaches it. The pieces travel with their track in
       -- arrays, so that each track is buffered once and no join can repeat the costly work.
       SELECT u.piece, u.id, u.dim, u.visit, b.patrol_id,
              CASE WHEN u.visit THEN ST_Intersects(b.buffer, u.geom) END AS reached,
              CASE WHEN NOT u.visit
                   THEN ST_CollectionExtract(ST_Intersection(u.geom, b.buffer), u.dim + 1) END AS part
       FROM (
         -- each near track once: the part driven in the window, simplified by 2 m (well under GPS
         -- error; it halves the cost of buffering jittery tracks) and buffered by R
         SELECT p.id AS patrol_id,
                ST_Buffer(ST_Simplify(ST_Force2D(
                  CASE WHEN p.started_at >= $1 AND p.ended_at <= $2 THEN p.track_m
                       ELSE ST_LocateBetween(p.track_m, extract(epoch FROM $1::timestamptz)::float8,
                                             extract(epoch FROM $2::timestamptz)::float8)
                  END), 2, true), $3) AS buffer,
                array_agg(n.piece) AS pieces, array_agg(n.id) AS ids, array_agg(n.dim) AS dims,
                array_agg(n.visit) AS visits, array_agg(n.geom) AS geoms
         FROM near n JOIN patrols p ON p.id = n.patrol_id
         GROUP BY p.id
       ) b
       CROSS JOIN LATERAL unnest(b.pieces, b.ids, b.dims, b.visits, b.geoms) AS u (piece, id, dim, visit, geom)
       UNION ALL
       SELECT pc.piece, pc.id, pc.dim, pc.visit, NULL,
              CASE WHEN pc.visit THEN ST_Intersects(e.buffer, pc.geom) END,
              CASE WHEN NOT pc.visit THEN ST_CollectionExtract(ST_Intersection(pc.geom, e.buffer), pc.dim + 1) END
       FROM (SELECT ST_Buffer(geom, $3) AS buffer FROM extra) e
       JOIN pieces pc ON e.buffer && pc.geom
     ),
     parts AS (
       SELECT piece, id, dim, patrol_id, part FROM pairs
       WHERE CASE WHEN visit THEN reached ELSE NOT ST_IsEmpty(part) END
     ),
     piece_cover AS (
       -- one piece's covered part: the union of its parts, snap-rounded to a millimetre so that
       -- overlapping stretches of a line from different tracks merge instead of counting twice
       SELECT id, dim, ST_Union(part, 0.001) AS covered
       FROM parts WHERE part IS NOT NULL
       GROUP BY piece, id, dim
     ),
     place_cover AS (
       SELECT id, sum(CASE WHEN dim = 1 THEN ST_Length(covered) ELSE ST_Area(covered) END) AS covered
       FROM piece_cover GROUP BY id
     ),
     place_patrols AS (
       SELECT id, count(DISTINCT patrol_id) AS patrols FROM parts GROUP BY id
     ),
     place_last AS (
       SELECT id, max(ended_at) AS last FROM near GROUP BY id
     )
     SELECT ${placeColumns},
            CASE WHEN t.visit THEN CASE WHEN pp.id IS NULL THEN 0 ELSE 1 END
                 ELSE coalesce(pc.covered, 0) END::float8 AS covered,
            coalesce(pp.patrols, 0)::int AS patrols,
            -- a track overlapping the window ended after any track before it
            coalesce(pl.last, ${olderLastPatrol}) AS last_patrolled_at
     FROM target t
     LEFT JOIN place_cover pc USING (id)
     LEFT JOIN place_patrols pp USING (id)
     LEFT JOIN place_last pl USING (id)
     ORDER BY t.id`,
    [...queryParams(q), q.extraTrack ? JSON.stringify(q.extraTrack) : null],
  )
  return withCoverage(rows)
}

/**
 * A place's weight in totals, in metres of patrol: a line's length, a polygon's area / 2R (the
 * length of a 2R-wide strip sweeping it), 2R for a visited-or-not site (one pass by it).
 */
export function patrolWeight(place: Pick<PlaceCoverage, 'measure' | 'total'>, radius: number): number {
  if (place.measure === 'length') return place.total
  if (place.measure === 'area') return place.total / (2 * radius)
  return 2 * radius
}

/** The weighted coverage of a group of places (0 for an empty group). */
export function combinedCoverage(places: readonly PlaceCoverage[], radius: number): number {
  let covered = 0
  let total = 0
  for (const p of places) {
    const w = patrolWeight(p, radius)
    covered += w * p.coverage
    total += w
  }
  return total > 0 ? covered / total : 0
}

export interface PlaceCoverageOut {
  id: string
  kind: string
  name_zh: string
  name_en: string
  district_code: number | null
  patrol_every_days: number
  measure: Measure
  coverage: number
  covered_m?: number
  total_m?: number
  covered_m2?: number
  total_m2?: number
  /** This place's weight in the district and chief totals, metres of patrol (see patrolWeight). */
  weight_m: number
  last_patrolled_at: string | null
  patrols: number
}

export interface GroupCoverage {
  coverage: number
  places: number
}

export interface CoverageReport {
  places: PlaceCoverageOut[]
  districts: (GroupCoverage & {
    district_code: number | null
    name_zh: string | null
    name_en: string | null
  })[]
  chiefs: (GroupCoverage & { chief_id: string; name_zh: string; name_en: string })[]
  params: { from: string; to: string; radius: number; method: CoverageMethod }
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits

export function placeOut(p: PlaceCoverage, radius: number): PlaceCoverageOut {
  const sizes =
    p.measure === 'length'
      ? { covered_m: round(p.covered, 1), total_m: round(p.total, 1) }
      : p.measure === 'area'
        ? { covered_m2: round(p.covered, 0), total_m2: round(p.total, 0) }
        : {}
  return {
    id: p.id,
    kind: p.kind,
    name_zh: p.name_zh,
    name_en: p.name_en,
    district_code: p.district_code,
    patrol_every_days: p.patrol_every_days,
    measure: p.measure,
    coverage: round(p.coverage, 4),
    ...sizes,
    weight_m: round(patrolWeight(p, radius), 1),
    last_patrolled_at: p.last_patrolled_at?.toISOString() ?? null,
    patrols: p.patrols,
  }
}

/**
 * GET /api/coverage: every patrolled place's coverage and last patrol in the window, and the
 * weighted totals per district and per chief (a chief's places are those the chief answers for;
 * covered by anyone's tracks).
 */
export function coverageReport(db: Db, q: CoverageQuery): Promise<CoverageReport> {
  return db.transaction((tx) => buildCoverageReport(tx, q))
}

async function buildCoverageReport(db: Queryable, q: CoverageQuery): Promise<CoverageReport> {
  const places = await placeCoverage(db, q)
  const ids = places.map((p) => p.id)
  const districtNames = await db.query<{ adcode: number; name_zh: string; name_en: string }>(
    `SELECT adcode, name_zh, name_en FROM boundaries WHERE level = 'district'`,
  )
  const chiefPlaces = await db.query<{
    chief_id: string
    name_zh: string
    name_en: string
    place_id: string
  }>(
    // The ids joined as a table (hashed), not `= ANY ($1)`: that compares each row with every id.
    `SELECT c.id AS chief_id, c.name_zh, c.name_en, cp.place_id
     FROM unnest($1::text[]) AS ids (id)
     JOIN chief_places cp ON cp.place_id = ids.id
     JOIN chiefs c ON c.id = cp.chief_id
     WHERE $2::text IS NULL OR c.id = $2
     ORDER BY c.id`,
    [ids, q.chief ?? null],
  )
  const byId = new Map(places.map((p) => [p.id, p]))

  const byDistrict = new Map<number | null, PlaceCoverage[]>()
  for (const p of places) byDistrict.set(p.district_code, [...(byDistrict.get(p.district_code) ?? []), p])
  const names = new Map(districtNames.map((d) => [d.adcode, d]))
  const districts = [...byDistrict.entries()]
    .sort(([a], [b]) => (a ?? Number.MAX_SAFE_INTEGER) - (b ?? Number.MAX_SAFE_INTEGER))
    .map(([code, group]) => ({
      district_code: code,
      name_zh: code === null ? null : (names.get(code)?.name_zh ?? null),
      name_en: code === null ? null : (names.get(code)?.name_en ?? null),
      coverage: round(combinedCoverage(group, q.radius), 4),
      places: group.length,
    }))

  const byChief = new Map<string, { name_zh: string; name_en: string; places: PlaceCoverage[] }>()
  for (const row of chiefPlaces) {
    const entry = byChief.get(row.chief_id) ?? { name_zh: row.name_zh, name_en: row.name_en, places: [] }
    const place = byId.get(row.place_id)
    if (place) entry.places.push(place)
    byChief.set(row.chief_id, entry)
  }
  const chiefs = [...byChief.entries()].map(([chief_id, c]) => ({
    chief_id,
    name_zh: c.name_zh,
    name_en: c.name_en,
    coverage: round(combinedCoverage(c.places, q.radius), 4),
    places: c.places.length,
  }))

  return {
    places: places.map((p) => placeOut(p, q.radius)),
    districts,
    chiefs,
    params: {
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      radius: q.radius,
      method: coverageMethod(q),
    },
  }
}
