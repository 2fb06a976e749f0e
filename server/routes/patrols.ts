import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { userOf } from '../auth/access.ts'
import { audiencesAt } from '../auth/audience.ts'
import { parseBBox } from '../domain/bbox.ts'
import type { IdempotencyKey } from '../domain/idempotency.ts'
import {
  type Fix,
  parseTime,
  type TrackFeature,
  trackError,
  trackFromFeature,
  trackFromGpx,
} from '../domain/patrol-tracks.ts'
import {
  appendPositions,
  closePatrol,
  getPatrol,
  listPatrols,
  type PatrolFeature,
  startPatrol,
  uploadTrack,
} from '../domain/patrols.ts'
import { parseInstant } from '../domain/time.ts'
import { badRequest, conflict, notFound } from '../errors.ts'
import { createOnce, IdempotencyHeaders, idempotencyKeyOf } from './idempotent.ts'
import { errorReplies, Nullable } from './schemas.ts'

// --- schemas -------------------------------------------------------------------------------------

const Time = Type.String({ format: 'date-time' })
const Props = Type.Record(Type.String(), Type.Unknown())

const Position = Type.Array(Type.Number(), {
  minItems: 2,
  maxItems: 4,
  description: '[lon, lat] (more values ignored)',
})

/** A track upload: a GeoJSON LineString Feature with times. */
const TrackUpload = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Optional(Type.Union([Type.Number(), Type.String()])),
  geometry: Type.Object({
    type: Type.Literal('LineString'),
    coordinates: Type.Array(Position, { minItems: 1 }),
  }),
  properties: Type.Optional(
    Nullable(
      Type.Object(
        {
          chief_id: Type.Optional(Type.String({ description: 'the chief who walked it (required)' })),
          station_id: Type.Optional(Type.String({ description: "default: the chief's station" })),
          times: Type.Optional(
            Type.Array(Type.Unknown(), {
              description:
                'one per vertex: ISO 8601 with a zone, or epoch milliseconds (each checked, by index)',
            }),
          ),
          started_at: Type.Optional(
            Type.Unknown({ description: 'ISO 8601 with a zone, or epoch milliseconds' }),
          ),
          ended_at: Type.Optional(
            Type.Unknown({ description: 'ISO 8601 with a zone, or epoch milliseconds' }),
          ),
        },
        { additionalProperties: true },
      ),
    ),
  ),
})

const FixSchema = Type.Object({
  lon: Type.Number(),
  lat: Type.Number(),
  at: Type.Union([Type.Number(), Type.String()], {
    description: 'ISO 8601 with a zone, or epoch milliseconds',
  }),
})

/** Opening a live patrol at its first fix. */
const OpenPatrol = Type.Object({
  chief_id: Type.String(),
  open: Type.Literal(true),
  position: FixSchema,
  properties: Type.Optional(Props),
})

export const PatrolFeatureSchema = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Integer(),
  geometry: Type.Object({
    type: Type.Literal('LineString'),
    coordinates: Type.Array(Type.Array(Type.Number())),
  }),
  properties: Type.Object({
    id: Type.Integer(),
    kind: Type.Union([Type.Literal('actual'), Type.Literal('planned')]),
    status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
    chief_id: Nullable(Type.String()),
    station_id: Nullable(Type.String()),
    district_code: Nullable(Type.Integer()),
    started_at: Time,
    ended_at: Time,
    length_m: Type.Number(),
    times: Type.Array(Type.Number(), { description: 'epoch milliseconds, one per vertex' }),
    properties: Props,
  }),
})

const PatrolCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(PatrolFeatureSchema),
  truncated: Type.Boolean({ description: 'more patrols matched than limit; the newest are given' }),
  limit: Type.Integer(),
})

const PatrolList = Type.Object({
  bbox: Type.Optional(Type.String({ description: 'minLon,minLat,maxLon,maxLat' })),
  from: Type.Optional(Type.String({ description: 'patrols ending at or after this (ISO 8601)' })),
  to: Type.Optional(Type.String({ description: 'patrols starting at or before this (ISO 8601)' })),
  chief: Type.Optional(Type.String()),
  kind: Type.Optional(Type.Union([Type.Literal('actual'), Type.Literal('planned')])),
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 500 })),
})

const PatrolId = Type.Object({ id: Type.Integer({ minimum: 1 }) })

const Appended = Type.Object({
  patrol_id: Type.Integer(),
  status: Type.Literal('open'),
  appended: Type.Integer(),
  started_at: Time,
  ended_at: Time,
  length_m: Type.Number(),
  last: Nullable(Type.Object({ lon: Type.Number(), lat: Type.Number(), at: Time })),
})

const gpxTypes = ['application/gpx+xml', 'application/xml', 'text/xml']

// --- helpers -------------------------------------------------------------------------------------

/** Live fixes as sent ({lon, lat, at}) as Fixes; a 422 naming each bad time. */
function fixesOf(positions: readonly { lon: number; lat: number; at: string | number }[]): Fix[] {
  const problems: { index: number; reason: string }[] = []
  const fixes = positions.map((p, index) => {
    const at = parseTime(p.at)
    if (typeof at === 'string') problems.push({ index, reason: `the time of position ${index} ${at}` })
    return { lon: p.lon, lat: p.lat, at: typeof at === 'number' ? at : Number.NaN }
  })
  if (problems.length) throw trackError(problems)
  return fixes
}

/**
 * The hook for live positions: publishes one `patrol.position` event per stored fix on the app's
 * event bus (server/events/event-bus.ts), for GET /api/events, to the users in whose scope it lies.
 */
async function publishPatrolPositions(app: FastifyInstance, patrol: PatrolFeature, fixes: readonly Fix[]) {
  const audiences = await audiencesAt(
    app.db,
    fixes.map((fix) => [fix.lon, fix.lat]),
  )
  fixes.forEach((fix, i) => {
    app.eventBus.publish(
      'patrol.position',
      {
        patrol_id: patrol.id,
        chief_id: patrol.properties.chief_id,
        lon: fix.lon,
        lat: fix.lat,
        at: new Date(fix.at).toISOString(),
      },
      audiences[i],
    )
  })
}

// --- routes --------------------------------------------------------------------------------------

const patrolRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // GPX arrives as text; the route parses it with the GPX parser.
  app.addContentTypeParser(gpxTypes, { parseAs: 'string' }, (_request, body, done) => done(null, body))
  // GeoJSON's own media type is JSON.
  app.addContentTypeParser(
    'application/geo+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  )

  app.post(
    '/patrols',
    {
      schema: {
        description:
          'Upload a track (GeoJSON LineString Feature with times, or GPX with ?chief_id=), or open a live patrol ({chief_id, open: true, position}).',
        headers: IdempotencyHeaders,
        querystring: Type.Object({
          chief_id: Type.Optional(Type.String({ description: 'GPX uploads: the chief who walked it' })),
          station_id: Type.Optional(Type.String()),
        }),
        body: {
          content: {
            'application/json': { schema: Type.Union([TrackUpload, OpenPatrol]) },
            'application/geo+json': { schema: TrackUpload },
            'application/gpx+xml': { schema: Type.String({ minLength: 1 }) },
            'application/xml': { schema: Type.String({ minLength: 1 }) },
            'text/xml': { schema: Type.String({ minLength: 1 }) },
          },
        },
        response: { 201: PatrolFeatureSchema, ...errorReplies(400, 404, 409, 415, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body as unknown
      const key = idempotencyKeyOf(request, 'patrol')
      const outcome = await createOnce(app.db, key, () => createFromBody(body, request.query, key))
      if ('replayOf' in outcome) {
        const patrol = await getPatrol(app.db, outcome.replayOf)
        if (!patrol) throw conflict(`the patrol this Idempotency-Key created is gone; send a new key`)
        return reply.code(201).header('idempotent-replayed', 'true').send(patrol)
      }
      return reply.code(201).send(outcome.created)
    },
  )

  /** A track upload (GPX text or GeoJSON) or an open live patrol, from the body of POST /patrols. */
  async function createFromBody(
    body: unknown,
    query: { chief_id?: string; station_id?: string },
    key: IdempotencyKey | undefined,
  ): Promise<PatrolFeature> {
    if (typeof body === 'string') {
      const parsed = trackFromGpx(body)
      return uploadTrack(app.db, { ...parsed, chiefId: query.chief_id, stationId: query.station_id }, key)
    }
    if ((body as { open?: boolean }).open === true) {
      const open = body as {
        chief_id: string
        position: { lon: number; lat: number; at: string | number }
        properties?: Record<string, unknown>
      }
      const [position] = fixesOf([open.position])
      const patrol = await startPatrol(
        app.db,
        { chiefId: open.chief_id, position: position as Fix, properties: open.properties },
        key,
      )
      await publishPatrolPositions(app, patrol, [position as Fix])
      return patrol
    }
    return uploadTrack(app.db, trackFromFeature(body as TrackFeature), key)
  }

  app.get(
    '/patrols',
    {
      schema: {
        description:
          'Patrols touching the bbox and overlapping from..to, newest first, with per-vertex times.',
        querystring: PatrolList,
        response: { 200: PatrolCollection, ...errorReplies(400) },
      },
    },
    async (request, reply) => {
      const q = request.query
      const from = q.from === undefined ? undefined : parseInstant('from', q.from)
      const to = q.to === undefined ? undefined : parseInstant('to', q.to)
      if (from && to && from >= to) throw badRequest(`from (${q.from}) must be before to (${q.to})`)
      const body = await listPatrols(app.db, {
        bbox: q.bbox === undefined ? undefined : parseBBox(q.bbox),
        from,
        to,
        chief: q.chief,
        kind: q.kind,
        status: q.status,
        limit: q.limit ?? 500,
        viewer: userOf(request).id,
      })
      return reply.type('application/geo+json; charset=utf-8').send(body)
    },
  )

  app.get(
    '/patrols/:id',
    { schema: { params: PatrolId, response: { 200: PatrolFeatureSchema, ...errorReplies(400, 404) } } },
    async (request) => {
      const patrol = await getPatrol(app.db, request.params.id, userOf(request).id)
      if (!patrol) throw notFound(`no patrol ${request.params.id}`)
      return patrol
    },
  )

  app.post(
    '/patrols/:id/positions',
    {
      schema: {
        description: 'Append live fixes to an open patrol; a closed patrol answers 409.',
        params: PatrolId,
        body: Type.Object({ positions: Type.Array(FixSchema, { minItems: 1, maxItems: 1000 }) }),
        response: { 200: Appended, ...errorReplies(400, 404, 409, 422) },
      },
    },
    async (request) => {
      const { patrol, appended } = await appendPositions(
        app.db,
        request.params.id,
        fixesOf(request.body.positions),
      )
      await publishPatrolPositions(app, patrol, appended)
      const coords = patrol.geometry.coordinates
      const last = coords[coords.length - 1]
      return {
        patrol_id: patrol.id,
        status: 'open' as const,
        appended: appended.length,
        started_at: patrol.properties.started_at,
        ended_at: patrol.properties.ended_at,
        length_m: patrol.properties.length_m,
        last: last
          ? { lon: last[0] as number, lat: last[1] as number, at: patrol.properties.ended_at }
          : null,
      }
    },
  )

  app.post(
    '/patrols/:id/close',
    {
      schema: {
        description: 'Close an open patrol; it takes no more positions.',
        params: PatrolId,
        response: { 200: PatrolFeatureSchema, ...errorReplies(400, 404, 409) },
      },
    },
    async (request) => closePatrol(app.db, request.params.id),
  )
}

export default patrolRoutes
