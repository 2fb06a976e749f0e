import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { MAX_RADIUS_M, MIN_RADIUS_M } from '../domain/coverage.ts'
import { MAX_PLAN_HOURS, MAX_ROUTE_VERTICES, planDrawnRoute } from '../domain/drawn-plans.ts'
import {
  DEFAULT_DWELL_MINUTES,
  DEFAULT_SPEED_KMH,
  DEFAULT_START_TIME,
  getPlan,
  planAdherence,
  suggestPlan,
} from '../domain/patrol-plans.ts'
import { badRequest, notFound } from '../errors.ts'
import { errorReplies, Nullable } from './schemas.ts'

// --- schemas -------------------------------------------------------------------------------------

const Time = Type.String({ format: 'date-time' })
const Radius = Type.Number({ minimum: MIN_RADIUS_M, maximum: MAX_RADIUS_M })

const PlanRequest = Type.Object({
  chief_id: Type.Optional(Type.String({ description: 'plan for this chief (or give station_id)' })),
  station_id: Type.Optional(Type.String({ description: 'plan for this station (or give chief_id)' })),
  start: Type.Optional(
    Type.Object(
      {
        type: Type.Literal('Point'),
        coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 3 }),
      },
      { description: 'suggest a route from here (or give route)' },
    ),
  ),
  route: Type.Optional(
    Type.Object(
      {
        type: Type.Literal('LineString'),
        coordinates: Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 3 }), {
          maxItems: MAX_ROUTE_VERTICES,
        }),
      },
      { description: 'a route drawn by hand (or give start)' },
    ),
  ),
  hours: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      maximum: MAX_PLAN_HOURS,
      description: 'time budget of a suggestion, back at the start included',
    }),
  ),
  date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'the day of the patrol (China time)' }),
  start_time: Type.Optional(
    Type.String({
      pattern: '^\\d{2}:\\d{2}$',
      description: `HH:MM China time, default ${DEFAULT_START_TIME}`,
    }),
  ),
  speed_kmh: Type.Optional(
    Type.Number({
      minimum: 1,
      maximum: 80,
      description: `travel speed, default ${DEFAULT_SPEED_KMH} (car + foot)`,
    }),
  ),
  dwell_minutes: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 240,
      description: `time at each stop, default ${DEFAULT_DWELL_MINUTES}`,
    }),
  ),
  radius: Type.Optional(Radius),
})

const Stop = Type.Object({
  order: Type.Integer(),
  place_id: Type.String(),
  kind: Type.String(),
  name_zh: Type.String(),
  name_en: Type.String(),
  lon: Type.Number(),
  lat: Type.Number(),
  arrive_at: Time,
  leave_at: Time,
  reason: Type.Union([
    Type.Literal('overdue'),
    Type.Literal('low_coverage'),
    Type.Literal('both'),
    Type.Literal('incidents'),
  ]),
  score: Type.Number(),
  leg_m: Type.Number(),
})

const Plan = Type.Object({
  id: Type.Integer(),
  source: Type.Union([Type.Literal('suggested'), Type.Literal('drawn')]),
  chief_id: Nullable(Type.String()),
  station_id: Nullable(Type.String()),
  date: Type.String(),
  started_at: Time,
  ended_at: Time,
  hours: Type.Number(),
  speed_kmh: Type.Number(),
  detour_factor: Type.Number(),
  dwell_minutes: Type.Number(),
  radius: Type.Number(),
  length_m: Type.Number({ description: 'straight legs' }),
  route: Type.Object({
    type: Type.Literal('Feature'),
    geometry: Type.Object({
      type: Type.Literal('LineString'),
      coordinates: Type.Array(Type.Array(Type.Number())),
    }),
    properties: Type.Object({ times: Type.Array(Type.Number(), { description: 'epoch ms per vertex' }) }),
  }),
  stops: Type.Array(Stop),
  adds: Type.Object({
    places: Type.Integer(),
    covered_m: Type.Number(),
    covered_m2: Type.Number(),
    visits: Type.Integer(),
    by_place: Type.Array(
      Type.Object({ place_id: Type.String(), coverage_before: Type.Number(), coverage_after: Type.Number() }),
    ),
  }),
})

const Adherence = Type.Object({
  plan_id: Type.Integer(),
  chief_id: Nullable(Type.String()),
  station_id: Nullable(Type.String()),
  date: Type.String(),
  radius: Type.Number(),
  tracks: Type.Integer(),
  stops_total: Type.Integer(),
  stops_visited: Type.Integer(),
  share: Type.Number(),
  stops: Type.Array(
    Type.Object({
      order: Type.Integer(),
      place_id: Type.String(),
      name_zh: Type.String(),
      name_en: Type.String(),
      lon: Type.Number(),
      lat: Type.Number(),
      visited: Type.Boolean(),
      visited_at: Nullable(Time),
      nearest_m: Nullable(Type.Number()),
    }),
  ),
})

const PlanId = Type.Object({ id: Type.Integer({ minimum: 1 }) })

// --- routes --------------------------------------------------------------------------------------

const planRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/plans',
    {
      schema: {
        description:
          'Suggest a route through the most urgent gaps and incident places reachable in the time from `start`, or time a `route` drawn by hand; either is stored as a planned patrol.',
        body: PlanRequest,
        response: { 201: Plan, ...errorReplies(400, 422) },
      },
    },
    async (request, reply) => {
      const b = request.body
      const common = {
        chiefId: b.chief_id,
        stationId: b.station_id,
        date: b.date,
        startTime: b.start_time,
        speedKmh: b.speed_kmh,
        radius: b.radius,
      }
      if (Boolean(b.start) === Boolean(b.route)) {
        throw badRequest('give either start (for a suggested route) or route (a drawn one), not both')
      }
      if (b.route)
        return reply.code(201).send(await planDrawnRoute(app.db, { ...common, route: b.route.coordinates }))
      if (b.hours === undefined) throw badRequest('a suggested route needs hours (the time budget)')
      const plan = await suggestPlan(app.db, {
        ...common,
        start: b.start?.coordinates ?? [],
        hours: b.hours,
        dwellMinutes: b.dwell_minutes,
      })
      return reply.code(201).send(plan)
    },
  )

  app.get(
    '/plans/:id',
    { schema: { params: PlanId, response: { 200: Plan, ...errorReplies(400, 404) } } },
    async (request) => {
      const plan = await getPlan(app.db, request.params.id)
      if (!plan) throw notFound(`no plan ${request.params.id}`)
      return plan
    },
  )

  app.get(
    '/plans/:id/adherence',
    {
      schema: {
        description:
          "Share of the plan's stops that the chief's actual tracks came within R of on the plan's date.",
        params: PlanId,
        querystring: Type.Object({ radius: Type.Optional(Radius) }),
        response: { 200: Adherence, ...errorReplies(400, 404) },
      },
    },
    async (request) => planAdherence(app.db, request.params.id, request.query.radius),
  )
}

export default planRoutes
