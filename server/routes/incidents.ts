import zlib from 'node:zlib'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { type Static, Type } from 'typebox'
import { userOf } from '../auth/access.ts'
import { audiencesAt } from '../auth/audience.ts'
import { viewerOf } from '../auth/scope.ts'
import { parseBBox } from '../domain/bbox.ts'
import { handlingTimes, statsGroups } from '../domain/handling-times.ts'
import { columnsLimitMax, incidentColumns } from '../domain/incident-columns.ts'
import { incidentStatuses } from '../domain/incident-lifecycle.ts'
import {
  changeIncidentStatus,
  createIncident,
  dispatchIncident,
  getIncident,
  type IncidentDetail,
  type IncidentEvent,
  incidentCategories,
  incidentCollectionJson,
  incidentSources,
  listLimitDefault,
  listLimitMax,
  parseList,
  toFeature,
} from '../domain/incidents.ts'
import { defaultNearestChiefs, findResponsibleUnits, reasonCodes } from '../domain/responsibility.ts'
import { parseInstant } from '../domain/time.ts'
import { badRequest, conflict, notFound } from '../errors.ts'
import { createOnce, IdempotencyHeaders, idempotencyKeyOf } from './idempotent.ts'
import { errorReplies, Nullable } from './schemas.ts'

// --- who is acting -------------------------------------------------------------------------------

/** Who makes a change, for the audit trail: the signed-in user. */
export const requestActor = (request: FastifyRequest): string => userOf(request).username

// --- schemas -------------------------------------------------------------------------------------

const Category = Type.Enum([...incidentCategories])
const Source = Type.Enum([...incidentSources])
const Status = Type.Enum([...incidentStatuses])
const Time = Type.String({ format: 'date-time' })
const Names = { name_zh: Type.String(), name_en: Type.String() }

const PointGeometry = Type.Object({
  type: Type.Literal('Point'),
  coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }),
})

const IncidentProperties = {
  id: Type.Integer(),
  category: Category,
  severity: Type.Integer(),
  source: Source,
  description: Type.String(),
  status: Status,
  next_statuses: Type.Array(Status),
  occurred_at: Time,
  reported_at: Time,
  dispatched_at: Nullable(Time),
  on_scene_at: Nullable(Time),
  resolved_at: Nullable(Time),
  closed_at: Nullable(Time),
  district_code: Nullable(Type.Integer()),
  district: Nullable(Type.Object({ code: Type.Integer(), ...Names })),
  place_id: Nullable(Type.String()),
  place: Nullable(
    Type.Object({ id: Type.String(), kind: Type.String(), ...Names, distance_m: Type.Integer() }),
  ),
  chief_id: Nullable(Type.String()),
  chief: Nullable(Type.Object({ id: Type.String(), ...Names })),
}

export const IncidentEventSchema = Type.Object({
  id: Type.Integer(),
  incident_id: Type.Integer(),
  at: Time,
  actor: Type.String(),
  from_status: Nullable(Status),
  to_status: Status,
  chief_id: Nullable(Type.String()),
  chief: Nullable(Type.Object({ id: Type.String(), ...Names })),
  note: Type.String(),
})

export const IncidentDetailSchema = Type.Object({
  ...IncidentProperties,
  location: PointGeometry,
  events: Type.Array(IncidentEventSchema),
})

export const IncidentFeatureSchema = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Integer(),
  geometry: PointGeometry,
  properties: Type.Object(IncidentProperties),
})

const IncidentCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(IncidentFeatureSchema),
  /** How many features came back, and the cap applied; `truncated` says more matched. */
  count: Type.Integer(),
  limit: Type.Integer(),
  truncated: Type.Boolean(),
})

const Duration = Type.Object({
  n: Type.Integer(),
  median: Nullable(Type.Number()),
  p90: Nullable(Type.Number()),
})
const HandlingTimesSchema = Type.Object({
  key: Nullable(Type.String()),
  name_zh: Nullable(Type.String()),
  name_en: Nullable(Type.String()),
  count: Type.Integer(),
  cancelled: Type.Integer(),
  resolved: Type.Integer(),
  resolved_within_30m: Type.Integer(),
  share_resolved_within_30m: Nullable(Type.Number()),
  minutes_to_dispatch: Duration,
  minutes_to_on_scene: Duration,
  minutes_to_resolve: Duration,
})
const HandlingTimesReport = Type.Object({
  group: Type.Enum([...statsGroups]),
  from: Nullable(Time),
  to: Nullable(Time),
  groups: Type.Array(HandlingTimesSchema),
  total: HandlingTimesSchema,
})

export const ReasonSchema = Type.Object({
  code: Type.Enum([...reasonCodes]),
  /** Values for the UI's translated text; which keys depends on the code. */
  params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  text: Type.String(),
})

const Candidate = Type.Object({
  kind: Type.Enum(['chief', 'station']),
  id: Type.String(),
  ...Names,
  distance_m: Nullable(Type.Integer()),
  on_duty: Nullable(Type.Boolean()),
  reason: ReasonSchema,
  places: Type.Array(
    Type.Object({ id: Type.String(), kind: Type.String(), ...Names, distance_m: Type.Integer() }),
  ),
})

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) })

const filterQuery = {
  bbox: Type.Optional(Type.String({ description: 'minLon,minLat,maxLon,maxLat' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'occurred_at ≥ from' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'occurred_at < to' })),
  category: Type.Optional(Type.String({ description: 'comma list of categories' })),
  status: Type.Optional(Type.String({ description: 'comma list of statuses' })),
}
const ListQuery = Type.Object({
  ...filterQuery,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: listLimitMax, default: listLimitDefault })),
})
const ColumnsQuery = Type.Object({
  ...filterQuery,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: columnsLimitMax, default: columnsLimitMax })),
})

const NewIncidentBody = Type.Object(
  {
    category: Category,
    location: PointGeometry,
    occurred_at: Type.String({ format: 'date-time' }),
    source: Source,
    description: Type.String({ maxLength: 4000 }),
    severity: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })),
  },
  { additionalProperties: false },
)

/** `from` before `to` when both are given. */
function timeWindow(query: { from?: string; to?: string }) {
  const from = query.from === undefined ? undefined : parseInstant('from', query.from)
  const to = query.to === undefined ? undefined : parseInstant('to', query.to)
  if (from && to && from >= to) throw badRequest(`from (${query.from}) must be before to (${query.to})`)
  return { from, to }
}

/** The list's filter from its query, for the signed-in user's scope. */
function listFilter(q: Static<typeof ListQuery>, request: FastifyRequest) {
  return {
    bbox: q.bbox === undefined ? undefined : parseBBox(q.bbox),
    ...timeWindow(q),
    categories: q.category === undefined ? undefined : parseList('category', q.category, incidentCategories),
    statuses: q.status === undefined ? undefined : parseList('status', q.status, incidentStatuses),
    limit: q.limit,
    // No scope condition at all for a user who sees everything (it would be tested per row).
    viewer: viewerOf(userOf(request)),
  }
}

/**
 * The JSON list's compression: brotli quality 1 and gzip level 1 pack the ~2 MB of a 20 km viewport
 * over 30 days in ~3 and ~5 ms where the defaults (quality 4, level 6) take ~12 and ~11 ms, for ~10 %
 * more bytes (173 against 156 kB with brotli).
 */
const fastCompression = {
  brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } },
  zlibOptions: { level: 1 },
}

// --- routes --------------------------------------------------------------------------------------

const incidentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /**
   * Tells live clients (GET /api/events) in whose scope the incident lies; a dispatch, by PATCH or
   * by one key, is `incident.dispatched`.
   */
  const publish = async (
    created: boolean,
    incident: IncidentDetail,
    event: IncidentEvent,
    extra: object = {},
  ) => {
    const feature = toFeature(incident)
    const [audience] = await audiencesAt(app.db, [feature.geometry.coordinates])
    app.eventBus.publish(
      created
        ? 'incident.created'
        : event.to_status === 'dispatched'
          ? 'incident.dispatched'
          : 'incident.updated',
      { incident: feature, event, ...extra },
      audience,
    )
  }

  app.post(
    '/incidents',
    {
      schema: {
        headers: IdempotencyHeaders,
        body: NewIncidentBody,
        response: { 201: IncidentDetailSchema, ...errorReplies(400, 409, 422) },
      },
    },
    async (request, reply) => {
      const key = idempotencyKeyOf(request, 'incident')
      const outcome = await createOnce(app.db, key, () =>
        createIncident(app.db, request.body, requestActor(request), { idempotency: key }),
      )
      if ('replayOf' in outcome) {
        // A retry: the first attempt's incident, told to no one again.
        const incident = await getIncident(app.db, outcome.replayOf)
        if (!incident) throw conflict(`the incident this Idempotency-Key created is gone; send a new key`)
        return reply.code(201).header('idempotent-replayed', 'true').send(incident)
      }
      const { incident, event } = outcome.created
      await publish(true, incident, event)
      return reply.code(201).send(incident)
    },
  )

  app.get(
    '/incidents',
    {
      compress: fastCompression,
      schema: {
        querystring: ListQuery,
        // The answer is the text PostgreSQL wrote (incidentCollectionJson); this schema describes it.
        response: { 200: Type.Unsafe<string>(IncidentCollection), ...errorReplies(400) },
      },
    },
    async (request, reply) => {
      // A string with a JSON media type goes out as it is, not through the schema's serializer.
      const collection = await incidentCollectionJson(app.db, listFilter(request.query, request))
      return reply.type('application/geo+json; charset=utf-8').send(collection)
    },
  )

  // The same list as columns for the map (layout: server/domain/incident-columns.ts).
  app.get(
    '/incidents.bin',
    {
      schema: {
        querystring: ColumnsQuery,
        // A Buffer is sent as it is: this schema only names the answer's type.
        response: {
          200: Type.Unsafe<Buffer>({ description: 'application/octet-stream' }),
          ...errorReplies(400),
        },
      },
    },
    async (request, reply) => {
      const columns = await incidentColumns(app.db, listFilter(request.query, request))
      return reply.type('application/octet-stream').header('cache-control', 'no-store').send(columns)
    },
  )

  app.get(
    '/incidents/stats',
    {
      schema: {
        querystring: Type.Object({
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
          group: Type.Optional(Type.Enum([...statsGroups], { default: 'district' })),
        }),
        response: { 200: HandlingTimesReport, ...errorReplies(400) },
      },
    },
    async (request) =>
      handlingTimes(app.db, {
        group: request.query.group ?? 'district',
        ...timeWindow(request.query),
        viewer: userOf(request).id,
      }),
  )

  app.get(
    '/incidents/:id',
    { schema: { params: IdParams, response: { 200: IncidentDetailSchema, ...errorReplies(400, 404) } } },
    async (request) => {
      const incident = await getIncident(app.db, request.params.id, userOf(request).id)
      if (!incident) throw notFound(`no incident ${request.params.id}`)
      return incident
    },
  )

  app.patch(
    '/incidents/:id',
    {
      schema: {
        params: IdParams,
        body: Type.Object(
          { status: Status, note: Type.Optional(Type.String({ maxLength: 4000 })) },
          { additionalProperties: false },
        ),
        response: { 200: IncidentDetailSchema, ...errorReplies(400, 403, 404, 409) },
      },
    },
    async (request) => {
      const result = await changeIncidentStatus(
        app.db,
        request.params.id,
        request.body,
        requestActor(request),
        userOf(request).id,
      )
      if (!result) throw notFound(`no incident ${request.params.id}`)
      await publish(false, result.incident, result.event)
      return result.incident
    },
  )

  app.get(
    '/incidents/:id/responsible',
    {
      schema: {
        params: IdParams,
        querystring: Type.Object({
          nearest: Type.Optional(Type.Integer({ minimum: 0, maximum: 20, default: defaultNearestChiefs })),
        }),
        response: {
          200: Type.Object({ incident_id: Type.Integer(), candidates: Type.Array(Candidate) }),
          ...errorReplies(400, 404),
        },
      },
    },
    async (request) => {
      const incident = await getIncident(app.db, request.params.id, userOf(request).id)
      if (!incident) throw notFound(`no incident ${request.params.id}`)
      const [lon, lat] = incident.location.coordinates
      const candidates = await findResponsibleUnits(app.db, { lon, lat }, { nearest: request.query.nearest })
      return { incident_id: incident.id, candidates }
    },
  )

  app.post(
    '/incidents/:id/dispatch',
    {
      schema: {
        params: IdParams,
        body: Type.Object(
          {
            chief_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            note: Type.Optional(Type.String({ maxLength: 4000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: IncidentDetailSchema, ...errorReplies(400, 403, 404, 409, 422) },
      },
      // One key: a POST without a body means "to the first responsible chief".
      preValidation: async (request) => {
        request.body ??= {}
      },
    },
    async (request) => {
      const result = await dispatchIncident(
        app.db,
        request.params.id,
        { chiefId: request.body.chief_id, note: request.body.note },
        requestActor(request),
        userOf(request).id,
      )
      if (!result) throw notFound(`no incident ${request.params.id}`)
      await publish(false, result.incident, result.event, { reason: result.reason })
      return result.incident
    },
  )
}

export default incidentRoutes
