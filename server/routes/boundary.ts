import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { userOf } from '../auth/access.ts'
import { boundaryReport, DEFAULT_BAND_KM, linkIncident, neighbourProvinces } from '../domain/boundary.ts'
import { parseInstant } from '../domain/time.ts'
import { badRequest, notFound } from '../errors.ts'
import { errorReplies } from './schemas.ts'

const DAY_MS = 86_400_000

const Link = Type.Object({
  province_code: Type.Enum([...neighbourProvinces]),
  case_ref: Type.String({ minLength: 1, maxLength: 100 }),
  note: Type.String({ maxLength: 4000 }),
})

const boundaryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/boundary',
    {
      schema: {
        description:
          'Incidents within km of the Zhejiang–Jiangsu and Zhejiang–Anhui lines, counted by side, the stations whose jurisdiction touches the band, and cross-border cases.',
        querystring: Type.Object({
          km: Type.Optional(Type.Number({ minimum: 0.1, maximum: 50, default: DEFAULT_BAND_KM })),
          from: Type.Optional(Type.String({ description: 'default: 30 days before to' })),
          to: Type.Optional(Type.String({ description: 'default: now' })),
        }),
      },
    },
    async (request) => {
      const to = request.query.to === undefined ? new Date() : parseInstant('to', request.query.to)
      const from =
        request.query.from === undefined
          ? new Date(to.getTime() - 30 * DAY_MS)
          : parseInstant('from', request.query.from)
      if (from >= to) throw badRequest(`from (${from.toISOString()}) must be before to (${to.toISOString()})`)
      return boundaryReport(app.db, {
        km: request.query.km ?? DEFAULT_BAND_KM,
        from,
        to,
        viewer: userOf(request).id,
      })
    },
  )

  app.post(
    '/incidents/:id/links',
    {
      schema: {
        description: "Links an incident to a case of a neighbouring province's police (a cross-border case).",
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object(
          {
            province_code: Link.properties.province_code,
            case_ref: Link.properties.case_ref,
            note: Type.Optional(Link.properties.note),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ incident_id: Type.Integer(), links: Type.Array(Link) }),
          ...errorReplies(400, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const user = userOf(request)
      const links = await linkIncident(
        app.db,
        request.params.id,
        { ...request.body, note: request.body.note ?? '' },
        user.username,
        user.id,
      )
      if (!links) throw notFound(`no incident ${request.params.id}`)
      return reply.code(201).send({ incident_id: request.params.id, links })
    },
  )
}

export default boundaryRoutes
