import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { isPlaceLayer, type PlaceLayerId, placeLayers } from '../domain/layers.ts'
import { importPlaces } from '../domain/place-import.ts'
import { badRequest, notFound } from '../errors.ts'
import { ErrorBody, errorBody } from './schemas.ts'

const placeLayerIds = Object.keys(placeLayers) as PlaceLayerId[]

const Problem = Type.Object({
  index: Type.Integer({ description: "the feature's 0-based position in `features`" }),
  id: Type.Optional(Type.String()),
  reason: Type.String(),
})

/**
 * POST /api/import/:layer — a GeoJSON FeatureCollection into a place layer, all or nothing.
 * 200 `{imported, created, updated}`; 400 when the body is not JSON, not a FeatureCollection or has no
 * features; 404 for a layer that takes no imports; 413 over the body limit; 422 with one
 * `{index, id?, reason}` per problem when any feature is wrong (then nothing is written).
 * Takes `application/json` and `application/geo+json`.
 */
const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // JSON parsing for this plugin only: the same secure parser as Fastify's, but a 400 that says where
  // the JSON breaks, and GeoJSON's own media type accepted as JSON.
  const parseJson = app.getDefaultJsonParser('error', 'error') as (
    request: FastifyRequest,
    body: string,
    done: (error: (Error & { code?: string }) | null, value?: unknown) => void,
  ) => void
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser<string>(
    ['application/json', 'application/geo+json'],
    { parseAs: 'string' },
    (request, body, done) => {
      parseJson(request, body, (error, value) => {
        if (error?.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
          done(badRequest(`the body is not valid JSON: ${jsonSyntaxError(body)}`))
        } else if (error?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
          done(badRequest('the body is empty; send a GeoJSON FeatureCollection'))
        } else {
          done(error, value)
        }
      })
    },
  )

  app.post(
    '/import/:layer',
    {
      schema: {
        description: 'Imports a GeoJSON FeatureCollection into a place layer; all features or none.',
        params: Type.Object({ layer: Type.String({ description: placeLayerIds.join(', ') }) }),
        body: Type.Unknown({ description: 'a GeoJSON FeatureCollection (checked by the handler)' }),
        response: {
          200: Type.Object({ imported: Type.Integer(), created: Type.Integer(), updated: Type.Integer() }),
          400: ErrorBody,
          404: ErrorBody,
          409: ErrorBody,
          413: ErrorBody,
          415: ErrorBody,
          422: errorBody(Problem),
        },
      },
    },
    async (request) => {
      const { layer } = request.params
      if (!isPlaceLayer(layer)) {
        throw notFound(
          `no place layer "${layer}" to import into; the layers that take imports are ${placeLayerIds.join(', ')}`,
        )
      }
      return importPlaces(app.db, layer, request.body)
    },
  )
}

/** JSON.parse's own account of where the text breaks (or why the secure parser refused it). */
function jsonSyntaxError(text: string): string {
  try {
    JSON.parse(text)
    return 'it contains a "__proto__" or "constructor.prototype" key, which is refused'
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

export default importRoutes
