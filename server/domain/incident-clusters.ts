import type { Viewer } from '../auth/scope.ts'
import type { Queryable } from '../db/db.ts'
import { badRequest } from '../errors.ts'
import type { BBox } from './bbox.ts'
import { incidentConditions, Params, type TimeWindow } from './hotspots.ts'
import type { IncidentCategory } from './incidents.ts'

/**
 * Clusters of individual incidents by DBSCAN (ST_ClusterDBSCAN on the metric points): a cluster is a
 * set of at least `min` incidents, each core incident having `min` incidents (itself included) within
 * `eps` metres, plus the incidents within `eps` of a core one. Incidents in no cluster are noise.
 */

/** DBSCAN's neighbourhood radius in metres: default and limit. */
export const epsDefault = 250
export const epsMax = 10_000
/** DBSCAN's minimum number of incidents for a core point (itself included): default and limits. */
export const minDefault = 5
export const minMin = 2
export const minMax = 10_000
/**
 * Hulls that are no polygon (all points on a line, or one spot), or slivers smaller than a circle of
 * the buffer's radius, are buffered by eps/4, at most this many metres.
 */
export const hullBufferMaxM = 50

export interface ClusterFilter extends TimeWindow {
  eps: number
  min: number
  categories?: IncidentCategory[]
  /** Only incidents in this lon/lat box. */
  bbox?: BBox
  /** Only incidents in this user's scope (auth/scope.ts). */
  viewer?: Viewer
}

/** Checks DBSCAN's parameters; 400s that say what to fix. */
export function checkDbscan(eps: number, min: number): void {
  if (!Number.isFinite(eps) || eps <= 0 || eps > epsMax) {
    throw badRequest(
      `eps is the DBSCAN radius in metres and must be above 0 and at most ${epsMax}, got ${eps}`,
      [{ field: 'eps', code: 'out_of_range', max: epsMax, value: eps }],
    )
  }
  if (!Number.isInteger(min) || min < minMin || min > minMax) {
    throw badRequest(
      `min is the number of incidents (itself included) a core incident needs within eps and must be an integer within ${minMin}..${minMax}, got ${min}`,
      [{ field: 'min', code: 'out_of_range', min: minMin, max: minMax, value: min }],
    )
  }
}

export interface ClusterProperties {
  /** 1 for the largest cluster, then by size (ties: the earlier first incident first). */
  id: number
  count: number
  categories: Record<string, number>
  first_at: string
  last_at: string
}

export interface ClusterFeature {
  type: 'Feature'
  id: number
  geometry: { type: 'Polygon'; coordinates: number[][][] }
  properties: ClusterProperties
}

export interface ClusterCollection {
  type: 'FeatureCollection'
  from: string
  to: string
  eps: number
  min: number
  categories: IncidentCategory[] | null
  bbox: BBox | null
  summary: { incidents: number; clustered: number; noise: number; clusters: number }
  features: ClusterFeature[]
}

interface ClusterRow {
  count: number
  first_at: Date
  last_at: Date
  categories: Record<string, number>
  hull: ClusterFeature['geometry']
}

/** The DBSCAN clusters of the window's incidents, largest first, each with its convex hull in lon/lat. */
export async function findIncidentClusters(db: Queryable, filter: ClusterFilter): Promise<ClusterCollection> {
  const params = new Params()
  const eps = params.add(filter.eps)
  const min = params.add(filter.min)
  const buffer = params.add(Math.min(filter.eps / 4, hullBufferMaxM))
  const where = incidentConditions(params, filter)
  // ST_ClusterDBSCAN is a window function over all the selected incidents; cid is NULL for noise.
  // Per cluster: its size, time span, count per category, and the convex hull of its points, which is
  // a point or a line when the points are all on one spot or one line; those, and sliver polygons
  // smaller than a circle of the buffer's radius, are buffered a little so that every cluster is
  // drawn as a polygon that can be seen.
  const rows = await db.query<ClusterRow>(
    `WITH clustered AS (
       SELECT i.category, i.occurred_at, i.geom_m,
              ST_ClusterDBSCAN(i.geom_m, eps := ${eps}::float8, minpoints := ${min}::integer) OVER () AS cid
         FROM incidents i
        WHERE ${where.join(' AND ')}
     ), clusters AS (
       SELECT cid, count(*)::integer AS count, min(occurred_at) AS first_at, max(occurred_at) AS last_at,
              ST_ConvexHull(ST_Collect(geom_m)) AS hull
         FROM clustered
        WHERE cid IS NOT NULL
        GROUP BY cid
     ), per_category AS (
       SELECT cid, json_object_agg(category, n ORDER BY category) AS categories
         FROM (SELECT cid, category, count(*)::integer AS n FROM clustered WHERE cid IS NOT NULL GROUP BY 1, 2) AS c
        GROUP BY cid
     )
     SELECT c.count, c.first_at, c.last_at, pc.categories,
            ST_AsGeoJSON(ST_Transform(
              CASE WHEN ST_Dimension(c.hull) = 2 AND ST_Area(c.hull) >= pi() * ${buffer}::float8 ^ 2 THEN c.hull
                   ELSE ST_Buffer(c.hull, ${buffer}::float8, 'quad_segs=4') END,
              4326), 7)::json AS hull
       FROM clusters c
       JOIN per_category pc USING (cid)
      ORDER BY c.count DESC, c.first_at, c.cid`,
    params.values,
  )
  const countParams = new Params()
  const [totals] = await db.query<{ incidents: number }>(
    `SELECT count(*)::integer AS incidents FROM incidents i WHERE ${incidentConditions(countParams, filter).join(' AND ')}`,
    countParams.values,
  )
  const features: ClusterFeature[] = rows.map((row, i) => ({
    type: 'Feature',
    id: i + 1,
    geometry: row.hull,
    properties: {
      id: i + 1,
      count: row.count,
      categories: row.categories,
      first_at: row.first_at.toISOString(),
      last_at: row.last_at.toISOString(),
    },
  }))
  const clustered = features.reduce((a, f) => a + f.properties.count, 0)
  return {
    type: 'FeatureCollection',
    from: filter.from.toISOString(),
    to: filter.to.toISOString(),
    eps: filter.eps,
    min: filter.min,
    categories: filter.categories ?? null,
    bbox: filter.bbox ?? null,
    summary: {
      incidents: totals?.incidents ?? 0,
      clustered,
      noise: (totals?.incidents ?? 0) - clustered,
      clusters: features.length,
    },
    features,
  }
}
