import type { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { csvColumns, importIncidents } from '../domain/incident-import.ts'
import { HttpError } from '../errors.ts'
import { requestActor } from './incidents.ts'
import { ErrorBody, errorBody, Nullable } from './schemas.ts'

const Problem = Type.Object({
  line: Type.Integer({ description: "the row's line in the file; the header is line 1" }),
  column: Type.String({ description: 'the column at fault; empty for the whole line' }),
  reason: Type.String(),
})

/**
 * POST /api/incidents/import — a CSV file of incidents (`text/csv`, UTF-8), all or nothing; admins
 * only (server/auth/policy.ts). The body is not read into memory by Fastify: it streams into COPY
 * (server/domain/incident-import.ts), which has its own size limit (413 past it) instead of the
 * server's body limit. 200 `{imported, first_id, last_id, without_district}`; 400 with one
 * `{line, column, reason}` per problem of the first rows at fault (nothing written); 415 for a body
 * that is not text/csv.
 */
const incidentImportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // For this plugin only: the body stays the request's stream.
  app.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload))

  app.post(
    '/incidents/import',
    {
      schema: {
        description: `Imports incidents from CSV; columns ${csvColumns.join(', ')} (the first four required).`,
        body: Type.Unknown({ description: 'the CSV text (text/csv), read as a stream' }),
        response: {
          200: Type.Object({
            imported: Type.Integer(),
            first_id: Nullable(Type.Integer()),
            last_id: Nullable(Type.Integer()),
            without_district: Type.Integer(),
          }),
          400: errorBody(Problem),
          403: ErrorBody,
          413: ErrorBody,
          415: ErrorBody,
        },
      },
    },
    async (request) => {
      const contentType = request.headers['content-type'] ?? ''
      if (!/^text\/csv\s*(;|$)/i.test(contentType)) {
        throw new HttpError(
          415,
          'Unsupported Media Type',
          `send the incidents as text/csv (UTF-8, a header line naming the columns), not ${contentType || 'no content type'}`,
        )
      }
      return importIncidents(app.db, request.body as Readable, requestActor(request))
    },
  )
}

export default incidentImportRoutes
