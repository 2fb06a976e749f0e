import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { parseBBox } from '../domain/bbox.ts'
import {
  coverageReport,
  DEFAULT_RADIUS_M,
  MAX_RADIUS_M,
  MAX_WINDOW_DAYS,
  MIN_RADIUS_M,
  parseWindow,
} from '../domain/coverage.ts'
import { findGaps, GAP_THRESHOLD } from '../domain/coverage-gaps.ts'
import {
  DEFAULT_CELL_M,
  DEFAULT_GRID_LIMIT,
  MAX_CELL_M,
  MAX_GRID_LIMIT,
  MIN_CELL_M,
  patrolEffortGrid,
} from '../domain/coverage-grid.ts'
import { placeLayers } from '../domain/layers.ts'
import { badRequest } from '../errors.ts'
import { errorReplies, Nullable } from './schemas.ts'

// --- schemas -------------------------------------------------------------------------------------

const Time = Type.String({ format: 'date-time' })
const PlaceKind = Type.Enum([...Object.values(placeLayers)])

const windowQuery = {
  from: Type.Optional(
    Type.String({ description: `window start (included), ISO 8601; default ${30} days before to` }),
  ),
  to: Type.Optional(
    Type.String({
      description: `window end (excluded), ISO 8601; default now; at most ${MAX_WINDOW_DAYS} days`,
    }),
  ),
}
const placeFilters = {
  kind: Type.Optional(PlaceKind),
  radius: Type.Optional(
    Type.Number({
      minimum: MIN_RADIUS_M,
      maximum: MAX_RADIUS_M,
      default: DEFAULT_RADIUS_M,
      description: 'R: metres from a track within which a place counts as covered',
    }),
  ),
  district: Type.Optional(Type.Integer({ description: 'district adcode' })),
  chief: Type.Optional(Type.String({ description: 'only the places this chief answers for' })),
  place: Type.Optional(Type.String({ description: 'only this place (its id)' })),
}

const Measure = Type.Union([Type.Literal('length'), Type.Literal('area'), Type.Literal('visit')])

const PlaceCoverage = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  name_zh: Type.String(),
  name_en: Type.String(),
  district_code: Nullable(Type.Integer()),
  patrol_every_days: Type.Integer(),
  measure: Measure,
  coverage: Type.Number({ minimum: 0, maximum: 1 }),
  covered_m: Type.Optional(Type.Number()),
  total_m: Type.Optional(Type.Number()),
  covered_m2: Type.Optional(Type.Number()),
  total_m2: Type.Optional(Type.Number()),
  weight_m: Type.Number({ description: 'the place’s weight in district and chief totals' }),
  last_patrolled_at: Nullable(Time),
  patrols: Type.Integer(),
})

const CoverageReport = Type.Object({
  places: Type.Array(PlaceCoverage),
  districts: Type.Array(
    Type.Object({
      district_code: Nullable(Type.Integer()),
      name_zh: Nullable(Type.String()),
      name_en: Nullable(Type.String()),
      coverage: Type.Number(),
      places: Type.Integer(),
    }),
  ),
  chiefs: Type.Array(
    Type.Object({
      chief_id: Type.String(),
      name_zh: Type.String(),
      name_en: Type.String(),
      coverage: Type.Number(),
      places: Type.Integer(),
    }),
  ),
  params: Type.Object({
    from: Time,
    to: Time,
    radius: Type.Number(),
    method: Type.Union([Type.Literal('cells'), Type.Literal('exact')]),
  }),
})

const Gap = Type.Object({
  place: Type.Object({
    id: Type.String(),
    kind: Type.String(),
    name_zh: Type.String(),
    name_en: Type.String(),
    district_code: Nullable(Type.Integer()),
  }),
  patrol_every_days: Type.Integer(),
  reason: Type.Union([Type.Literal('overdue'), Type.Literal('low_coverage'), Type.Literal('both')]),
  overdue_days: Type.Number(),
  coverage: Type.Number(),
  last_patrolled_at: Nullable(Time),
  incidents_recent: Type.Integer(),
  risk: Type.Number(),
  score: Type.Number(),
  chiefs: Type.Array(Type.Object({ id: Type.String(), name_zh: Type.String(), name_en: Type.String() })),
})

const GapReport = Type.Object({
  gaps: Type.Array(Gap),
  total: Type.Integer(),
  truncated: Type.Boolean(),
  params: Type.Object({
    from: Time,
    to: Time,
    radius: Type.Number(),
    threshold: Type.Number(),
    risk_radius_m: Type.Number(),
    risk_days: Type.Number(),
  }),
})

const EffortGrid = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Type.String({ description: 'q,r' }),
      geometry: Type.Object({
        type: Type.Literal('Polygon'),
        coordinates: Type.Array(Type.Array(Type.Array(Type.Number()))),
      }),
      properties: Type.Object({
        q: Type.Integer(),
        r: Type.Integer(),
        km: Type.Number(),
        hours: Type.Number(),
        patrols: Type.Integer(),
      }),
    }),
  ),
  truncated: Type.Boolean(),
  params: Type.Object({ from: Time, to: Time, cell: Type.Number() }),
})

/** The place filters of a query as the coverage functions take them. */
const placeQuery = ({
  place,
  ...filters
}: {
  kind?: string
  district?: number
  chief?: string
  place?: string
}) => ({ ...filters, placeIds: place === undefined ? undefined : [place] })

// --- routes --------------------------------------------------------------------------------------

const coverageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/coverage',
    {
      schema: {
        description:
          'Coverage and last patrol of every patrolled place in the window, with totals per district and chief.',
        querystring: Type.Object({
          ...windowQuery,
          ...placeFilters,
          exact: Type.Optional(
            Type.Boolean({
              default: false,
              description:
                'measure with buffers and intersections instead of the 250 m cells kept at ingest; with place or chief only',
            }),
          ),
        }),
        response: { 200: CoverageReport, ...errorReplies(400) },
      },
    },
    async (request) => {
      const { from, to, radius, exact, ...filters } = request.query
      if (exact && filters.place === undefined && filters.chief === undefined) {
        throw badRequest(
          'exact=true needs place=<id> or chief=<id>: exact coverage of every place takes seconds to minutes',
        )
      }
      return coverageReport(app.db, {
        ...parseWindow(from, to),
        ...placeQuery(filters),
        radius: radius ?? DEFAULT_RADIUS_M,
        method: exact ? 'exact' : undefined,
      })
    },
  )

  app.get(
    '/coverage/gaps',
    {
      schema: {
        description:
          'Places overdue or under-covered as of `to`, ranked by (overdue + shortfall days) × risk.',
        querystring: Type.Object({
          ...windowQuery,
          ...placeFilters,
          threshold: Type.Optional(
            Type.Number({
              minimum: 0,
              maximum: 1,
              default: GAP_THRESHOLD,
              description: 'low coverage is under this',
            }),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 200 })),
        }),
        response: { 200: GapReport, ...errorReplies(400) },
      },
    },
    async (request) => {
      const { from, to, radius, threshold, limit, ...filters } = request.query
      return findGaps(app.db, {
        ...parseWindow(from, to),
        radius: radius ?? DEFAULT_RADIUS_M,
        threshold: threshold ?? GAP_THRESHOLD,
        limit: limit ?? 200,
        ...placeQuery(filters),
      })
    },
  )

  app.get(
    '/coverage/grid',
    {
      schema: {
        description: 'Patrol effort (km, hours) per hexagon cell in the window.',
        querystring: Type.Object({
          ...windowQuery,
          cell: Type.Optional(
            Type.Number({
              minimum: MIN_CELL_M,
              maximum: MAX_CELL_M,
              default: DEFAULT_CELL_M,
              description: 'hexagon edge length in metres (EPSG:4549), the same grid as /api/hotspots',
            }),
          ),
          bbox: Type.Optional(Type.String({ description: 'minLon,minLat,maxLon,maxLat' })),
          chief: Type.Optional(Type.String()),
          limit: Type.Optional(
            Type.Integer({ minimum: 1, maximum: MAX_GRID_LIMIT, default: DEFAULT_GRID_LIMIT }),
          ),
        }),
        response: { 200: EffortGrid, ...errorReplies(400) },
      },
    },
    async (request, reply) => {
      const q = request.query
      const body = await patrolEffortGrid(app.db, {
        ...parseWindow(q.from, q.to),
        cell: q.cell ?? DEFAULT_CELL_M,
        bbox: q.bbox === undefined ? undefined : parseBBox(q.bbox),
        chief: q.chief,
        limit: q.limit ?? DEFAULT_GRID_LIMIT,
      })
      return reply.type('application/geo+json; charset=utf-8').send(body)
    },
  )
}

export default coverageRoutes
