import type { Db } from '../db/db.ts'
import type { BBox } from './bbox.ts'
import type { TimeWindow } from './coverage.ts'
import { hexBinSql, hexLonLatRing } from './hex-grid.ts'

/**
 * Patrol effort per hexagonal cell: kilometres driven and hours spent in each cell in the window.
 *
 * The cells are the project's one hexagon grid (hex-grid.ts, shared with the hotspots): flat-topped
 * hexagons in EPSG:4549 whose `cell` is the edge length, named by axial coordinates (q, r) from the
 * projection's origin, so a cell's index is arithmetic on a position and no grid table is built.
 * Each track segment is cut into equal parts no longer than a quarter of the edge; each part adds
 * its length and duration to the cell holding its midpoint, when its middle time lies in the window
 * (so a track straddling `from` or `to` counts only inside the window).
 */

export const DEFAULT_CELL_M = 1000
export const MIN_CELL_M = 100
export const MAX_CELL_M = 20_000
export const DEFAULT_GRID_LIMIT = 20_000
export const MAX_GRID_LIMIT = 100_000

export interface GridQuery extends TimeWindow {
  cell: number
  bbox?: BBox
  chief?: string
  limit: number
}

export interface EffortCell {
  type: 'Feature'
  id: string
  geometry: { type: 'Polygon'; coordinates: number[][][] }
  properties: { q: number; r: number; km: number; hours: number; patrols: number }
}

export interface EffortGrid {
  type: 'FeatureCollection'
  features: EffortCell[]
  /** More cells had effort than `limit`; the cells with the most kilometres are given. */
  truncated: boolean
  params: { from: string; to: string; cell: number }
}

interface CellRow {
  q: number
  r: number
  km: number
  hours: number
  patrols: number
}

/** GET /api/coverage/grid: the effort cells, most kilometres first. */
export async function patrolEffortGrid(db: Db, g: GridQuery): Promise<EffortGrid> {
  const rows = await db.transaction((tx) =>
    tx.query<CellRow>(
      `WITH fixes AS (
         -- the vertices of actual tracks overlapping the window: metres (EPSG:4549), M = epoch seconds
         SELECT p.id, d.path[1] AS k, ST_X(d.geom) AS x, ST_Y(d.geom) AS y, ST_M(d.geom) AS m
         FROM patrols p CROSS JOIN LATERAL ST_DumpPoints(p.track_m) AS d
         WHERE p.kind = 'actual' AND p.ended_at >= $1 AND p.started_at <= $2
           AND ($4::float8 IS NULL OR p.track && ST_MakeEnvelope($4, $5, $6, $7, 4326))
           AND ($8::text IS NULL OR p.chief_id = $8)
       ),
       segments AS (
         SELECT id, x0, y0, m0, x1, y1, m1, sqrt(power(x1 - x0, 2) + power(y1 - y0, 2)) AS len
         FROM (
           SELECT id, lag(x) OVER w AS x0, lag(y) OVER w AS y0, lag(m) OVER w AS m0, x AS x1, y AS y1, m AS m1
           FROM fixes WINDOW w AS (PARTITION BY id ORDER BY k)
         ) s
         WHERE x0 IS NOT NULL
       ),
       parts AS (
         -- segment cut into n parts of at most a quarter edge; f = the part's middle as a share of the segment
         SELECT s.id, s.x0 + (s.x1 - s.x0) * f.f AS x, s.y0 + (s.y1 - s.y0) * f.f AS y,
                s.len / n.n AS metres, (s.m1 - s.m0) / n.n AS seconds, s.m0 + (s.m1 - s.m0) * f.f AS m
         FROM segments s
         CROSS JOIN LATERAL (SELECT greatest(1, ceil(s.len / ($3::float8 / 4)))::int AS n) n
         CROSS JOIN LATERAL generate_series(0, n.n - 1) AS k
         CROSS JOIN LATERAL (SELECT (k + 0.5) / n.n AS f) f
       ),
       cells AS (
         SELECT hex.q, hex.r, parts.id, parts.metres, parts.seconds
         FROM parts
         CROSS JOIN LATERAL (${hexBinSql('parts.x', 'parts.y', '$3::float8')}) AS hex
         WHERE parts.m >= extract(epoch FROM $1::timestamptz) AND parts.m < extract(epoch FROM $2::timestamptz)
           -- with a bbox, only the parts inside it (its box in metres, a little larger than the lon/lat box)
           AND ($4::float8 IS NULL OR (
             SELECT parts.x BETWEEN ST_XMin(b) AND ST_XMax(b) AND parts.y BETWEEN ST_YMin(b) AND ST_YMax(b)
             FROM (SELECT Box2D(ST_Transform(ST_MakeEnvelope($4, $5, $6, $7, 4326), 4549)) AS b) AS box))
       ),
       effort AS (
         SELECT q, r, sum(metres) / 1000 AS km, sum(seconds) / 3600 AS hours, count(DISTINCT id)::int AS patrols
         FROM cells GROUP BY q, r
         ORDER BY km DESC, q, r
         LIMIT $9
       )
       SELECT q, r, km, hours, patrols FROM effort ORDER BY km DESC, q, r`,
      [g.from, g.to, g.cell, ...(g.bbox ?? [null, null, null, null]), g.chief ?? null, g.limit + 1],
    ),
  )
  return {
    type: 'FeatureCollection',
    features: rows.slice(0, g.limit).map((row) => ({
      type: 'Feature',
      id: `${row.q},${row.r}`,
      geometry: { type: 'Polygon', coordinates: [hexLonLatRing(row, g.cell)] },
      properties: {
        q: row.q,
        r: row.r,
        km: Math.round(row.km * 1000) / 1000,
        hours: Math.round(row.hours * 1000) / 1000,
        patrols: row.patrols,
      },
    })),
    truncated: rows.length > g.limit,
    params: { from: g.from.toISOString(), to: g.to.toISOString(), cell: g.cell },
  }
}
