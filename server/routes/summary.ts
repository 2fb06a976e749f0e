import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { userOf } from '../auth/access.ts'
import { parseWindow } from '../domain/coverage.ts'
import { type SupervisorSummary, supervisorSummary } from '../domain/supervisor-summary.ts'
import { errorReplies } from './schemas.ts'

const summaryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/summary',
    {
      schema: {
        description:
          "The supervisor's desk: per district and kind of place coverage, overdue places, incidents by category against the window before, handling times; per chief places, km patrolled, overdue.",
        querystring: Type.Object({
          from: Type.Optional(Type.String({ description: 'default: 30 days before to' })),
          to: Type.Optional(Type.String({ description: 'default: now' })),
        }),
        // Shaped by supervisorSummary itself.
        response: { 200: Type.Unsafe<SupervisorSummary>({}), ...errorReplies(400) },
      },
    },
    (request) =>
      supervisorSummary(app.db, parseWindow(request.query.from, request.query.to), userOf(request).id),
  )
}

export default summaryRoutes
