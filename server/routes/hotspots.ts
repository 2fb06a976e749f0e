import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { type Static, Type } from 'typebox'
import { userOf } from '../auth/access.ts'
import { type Viewer, viewerOf } from '../auth/scope.ts'
import type { Db } from '../db/db.ts'
import { type BBox, parseBBox } from '../domain/bbox.ts'
import {
  defaultTrendFrom,
  findHotspotTrends,
  maxSteps,
  minSteps,
  type TrendStep,
  trendSteps,
} from '../domain/hotspot-trend.ts'
import {
  cellDefault,
  cellMax,
  cellMin,
  checkCell,
  checkCellBudget,
  findHotspots,
  type HotspotFilter,
  hotspotCollection,
  maxCells,
  parseWindow,
  type TimeWindow,
} from '../domain/hotspots.ts'
import {
  checkDbscan,
  epsDefault,
  epsMax,
  findIncidentClusters,
  minDefault,
  minMax,
  minMin,
} from '../domain/incident-clusters.ts'
import { type IncidentCategory, incidentCategories, parseList } from '../domain/incidents.ts'
import { ErrorBody, Nullable } from './schemas.ts'

// --- schemas -------------------------------------------------------------------------------------

const Time = Type.String({ format: 'date-time' })
const Categories = Nullable(Type.Array(Type.Enum([...incidentCategories])))
const BBoxSchema = Nullable(Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }))
const Polygon = Type.Object({
  type: Type.Literal('Polygon'),
  coordinates: Type.Array(Type.Array(Type.Array(Type.Number()))),
})

const windowQuery = {
  from: Type.Optional(
    Type.String({
      description: 'start of the window (included): ISO 8601 date or date-time; without a zone, UTC',
    }),
  ),
  to: Type.Optional(Type.String({ description: 'end of the window (excluded); default now' })),
  category: Type.Optional(
    Type.String({ description: `comma list of categories: ${incidentCategories.join(', ')}` }),
  ),
  bbox: Type.Optional(Type.String({ description: 'minLon,minLat,maxLon,maxLat' })),
}
const cellQuery = Type.Optional(
  Type.Number({
    minimum: cellMin,
    maximum: cellMax,
    default: cellDefault,
    description: `hexagon EDGE length in metres (EPSG:4549); a hexagon is 2×cell wide; at most ${maxCells} hexagons per request`,
  }),
)

const HotspotQuery = Type.Object({
  ...windowQuery,
  cell: cellQuery,
  format: Type.Optional(
    Type.Enum(['columns', 'geojson'], {
      default: 'columns',
      description:
        'columns: binary typed arrays without polygons (server/domain/hotspot-columns.ts); geojson: a FeatureCollection of hexagons',
    }),
  ),
})

const HotspotCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  from: Time,
  to: Time,
  cell: Type.Number({ description: 'hexagon edge length in metres' }),
  categories: Categories,
  bbox: BBoxSchema,
  summary: Type.Object({
    cells: Type.Integer({ description: 'cells of the study area (all features)' }),
    incidents: Type.Integer(),
    effort_km: Type.Number(),
    mean: Type.Number({ description: 'mean incidents per study cell' }),
    sd: Type.Number({ description: 'population standard deviation of incidents per study cell' }),
    hot: Type.Integer(),
    cold: Type.Integer(),
  }),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Type.String({ description: '"q,r": axial hexagon coordinates' }),
      geometry: Polygon,
      properties: Type.Object({
        q: Type.Integer(),
        r: Type.Integer(),
        count: Type.Integer(),
        z: Type.Number({ description: 'Getis-Ord Gi* z-score over the cell and its 6 neighbours' }),
        p: Type.Number({ description: 'two-sided p-value of z' }),
        class: Type.Enum(['hot99', 'hot95', 'hot90', 'none', 'cold90', 'cold95', 'cold99']),
        effort_km: Type.Number(),
        per_100km: Nullable(Type.Number()),
      }),
    }),
  ),
})

const TrendQuery = Type.Object({
  ...windowQuery,
  from: Type.Optional(
    Type.String({
      description: 'start of the window; default 12 steps before to; whole steps are counted back from to',
    }),
  ),
  step: Type.Optional(Type.Enum([...trendSteps], { default: 'month' })),
  cell: cellQuery,
})

const EmergingClassSchema = Type.Enum([
  'new',
  'intensifying',
  'persistent',
  'diminishing',
  'consecutive',
  'oscillating',
  'sporadic',
  'historical',
  'none',
])

const TrendCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  from: Time,
  to: Time,
  step: Type.Enum([...trendSteps]),
  cell: Type.Number(),
  categories: Categories,
  bbox: BBoxSchema,
  steps: Type.Array(Type.Object({ start: Time, end: Time })),
  summary: Type.Object({
    cells: Type.Integer(),
    cells_with_incidents: Type.Integer(),
    incidents: Type.Integer(),
    classes: Type.Record(Type.String(), Type.Integer()),
  }),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Type.String(),
      geometry: Polygon,
      properties: Type.Object({
        q: Type.Integer(),
        r: Type.Integer(),
        counts: Type.Array(Type.Integer()),
        total: Type.Integer(),
        gi_z: Type.Array(Type.Number()),
        hot_steps: Type.Integer(),
        final_hot: Type.Boolean(),
        mann_kendall: Type.Object({
          s: Type.Integer(),
          variance: Type.Number(),
          z: Type.Number(),
          p: Type.Number(),
        }),
        trend: Type.Enum(['up', 'down', 'none']),
        class: EmergingClassSchema,
      }),
    }),
  ),
})

const ClusterQuery = Type.Object({
  ...windowQuery,
  eps: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      maximum: epsMax,
      default: epsDefault,
      description: 'DBSCAN radius in metres',
    }),
  ),
  min: Type.Optional(
    Type.Integer({
      minimum: minMin,
      maximum: minMax,
      default: minDefault,
      description: 'incidents within eps (itself included) that make a core incident',
    }),
  ),
})

const ClusterCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  from: Time,
  to: Time,
  eps: Type.Number(),
  min: Type.Integer(),
  categories: Categories,
  bbox: BBoxSchema,
  summary: Type.Object({
    incidents: Type.Integer(),
    clustered: Type.Integer(),
    noise: Type.Integer(),
    clusters: Type.Integer(),
  }),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Type.Integer(),
      geometry: Polygon,
      properties: Type.Object({
        id: Type.Integer(),
        count: Type.Integer(),
        categories: Type.Record(Type.String(), Type.Integer()),
        first_at: Time,
        last_at: Time,
      }),
    }),
  ),
})

// --- parameters ----------------------------------------------------------------------------------

interface CommonQuery {
  from?: string
  to?: string
  category?: string
  bbox?: string
}

/** The window, categories and bbox of a query, for the user's scope; 400 for any that is wrong. */
function commonFilter(
  query: CommonQuery,
  viewer: Viewer,
  defaultFrom?: (to: Date) => Date,
): TimeWindow & { categories?: IncidentCategory[]; bbox?: BBox; viewer: Viewer } {
  return {
    viewer,
    ...parseWindow(query.from, query.to, defaultFrom),
    categories:
      query.category === undefined ? undefined : parseList('category', query.category, incidentCategories),
    bbox: query.bbox === undefined ? undefined : parseBBox(query.bbox),
  }
}

/** A hotspot filter, with the cell size checked against the area it would cover. */
async function hotspotFilter(
  db: Db,
  query: CommonQuery & { cell?: number },
  viewer: Viewer,
  defaultFrom?: (to: Date) => Date,
): Promise<HotspotFilter> {
  const filter = { ...commonFilter(query, viewer, defaultFrom), cell: checkCell(query.cell ?? cellDefault) }
  await checkCellBudget(db, filter.cell, filter.bbox)
  return filter
}

// --- routes --------------------------------------------------------------------------------------

const geoJson = 'application/geo+json; charset=utf-8'

const hotspotRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/hotspots',
    {
      schema: {
        description:
          'Hexagon cells with incident counts, Getis-Ord Gi* z-scores and patrol effort (docs/hotspots.md)',
        querystring: HotspotQuery,
        // The columns are bytes and go out as they are; the GeoJSON form goes through this schema.
        response: {
          200: Type.Unsafe<Buffer | Static<typeof HotspotCollection>>(HotspotCollection),
          400: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const filter = await hotspotFilter(app.db, request.query, viewerOf(userOf(request)))
      const columns = await findHotspots(app.db, filter)
      if (request.query.format === 'geojson') return reply.type(geoJson).send(hotspotCollection(columns))
      const { buffer, byteOffset, byteLength } = columns.bytes
      return reply.type('application/octet-stream').send(Buffer.from(buffer, byteOffset, byteLength))
    },
  )

  app.get(
    '/hotspots/trend',
    {
      schema: {
        description: `Emerging hotspots: counts per step, Mann-Kendall trend and class per cell (${minSteps}..${maxSteps} steps)`,
        querystring: TrendQuery,
        response: { 200: TrendCollection, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const step: TrendStep = request.query.step ?? 'month'
      const filter = {
        ...(await hotspotFilter(app.db, request.query, viewerOf(userOf(request)), defaultTrendFrom(step))),
        step,
      }
      return reply.type(geoJson).send(await findHotspotTrends(app.db, filter))
    },
  )

  app.get(
    '/hotspots/clusters',
    {
      schema: {
        description: 'DBSCAN clusters of individual incidents with their convex hulls',
        querystring: ClusterQuery,
        response: { 200: ClusterCollection, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const eps = request.query.eps ?? epsDefault
      const min = request.query.min ?? minDefault
      checkDbscan(eps, min)
      const filter = { ...commonFilter(request.query, viewerOf(userOf(request))), eps, min }
      return reply.type(geoJson).send(await findIncidentClusters(app.db, filter))
    },
  )
}

export default hotspotRoutes
