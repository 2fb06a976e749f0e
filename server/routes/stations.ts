import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { userOf } from '../auth/access.ts'
import { agencies } from '../domain/agencies.ts'
import { parseWindow } from '../domain/coverage.ts'
import {
  dutyHoursPattern,
  getStation,
  listStations,
  type Station,
  type StationDetail,
  type StationView,
  stationView,
  updateStation,
} from '../domain/stations.ts'
import { notFound } from '../errors.ts'
import { errorReplies } from './schemas.ts'

// Answers the domain functions shape themselves, serialized as they are.
const Passed = <T>() => Type.Unsafe<T>({})

const StationId = Type.Object({ id: Type.String({ pattern: '^[a-z0-9-]{1,80}$' }) })

// A GeoJSON Polygon or MultiPolygon; PostGIS checks that it is valid (stations.ts).
const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 3 })
const Ring = Type.Array(Position, { minItems: 4, maxItems: 20_000 })
const Jurisdiction = Type.Union([
  Type.Object({
    type: Type.Literal('Polygon'),
    coordinates: Type.Array(Ring, { minItems: 1, maxItems: 100 }),
  }),
  Type.Object({
    type: Type.Literal('MultiPolygon'),
    coordinates: Type.Array(Type.Array(Ring, { minItems: 1, maxItems: 100 }), { minItems: 1, maxItems: 100 }),
  }),
])

const stationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/stations',
    {
      schema: {
        description: 'Every co-governance station: agencies, duty hours, area',
        response: { 200: Passed<Station[]>() },
      },
    },
    () => listStations(app.db),
  )

  app.get(
    '/stations/:id',
    { schema: { params: StationId, response: { 200: Passed<StationDetail>(), ...errorReplies(404) } } },
    async (request) => {
      const station = await getStation(app.db, request.params.id)
      if (!station) throw notFound(`no station ${request.params.id}`)
      return station
    },
  )

  app.get(
    '/stations/:id/view',
    {
      schema: {
        description:
          "A station's view for [from, to): the boundary band beside it, both sides' incidents and patrols with their province, its handling times and the coverage of its places (in the user's scope).",
        params: StationId,
        querystring: Type.Object({
          from: Type.Optional(Type.String({ description: 'default: 30 days before to' })),
          to: Type.Optional(Type.String({ description: 'default: now' })),
        }),
        response: { 200: Passed<StationView>(), ...errorReplies(400, 404) },
      },
    },
    async (request) => {
      const window = parseWindow(request.query.from, request.query.to)
      const view = await stationView(app.db, request.params.id, window, userOf(request).id)
      if (!view) throw notFound(`no station ${request.params.id}`)
      return view
    },
  )

  app.patch(
    '/stations/:id',
    {
      schema: {
        description: 'Changes agencies, duty hours or jurisdiction (admins only); 422 for an invalid polygon',
        params: StationId,
        body: Type.Object(
          {
            agencies: Type.Optional(Type.Array(Type.Enum([...agencies]), { maxItems: agencies.length })),
            duty_hours: Type.Optional(
              Type.String({ pattern: dutyHoursPattern, description: '24h, or HH:MM-HH:MM in China time' }),
            ),
            jurisdiction: Type.Optional(Jurisdiction),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Passed<StationDetail>(), ...errorReplies(400, 403, 404, 422) },
      },
    },
    async (request) => {
      const station = await updateStation(app.db, request.params.id, request.body)
      if (!station) throw notFound(`no station ${request.params.id}`)
      return station
    },
  )
}

export default stationRoutes
