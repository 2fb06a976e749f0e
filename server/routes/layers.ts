import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { parseBBox } from '../domain/bbox.ts'
import { isLayerId, layerFeatureCollection, layerIds, listLayers } from '../domain/layers.ts'
import { notFound } from '../errors.ts'

const LayerSummary = Type.Object({
  id: Type.String(),
  count: Type.Integer(),
  geometry: Type.String(),
})

const layerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/layers',
    { schema: { response: { 200: Type.Object({ layers: Type.Array(LayerSummary) }) } } },
    async () => ({ layers: await listLayers(app.db) }),
  )

  app.get(
    '/layers/:layer',
    {
      schema: {
        params: Type.Object({ layer: Type.String() }),
        querystring: Type.Object({
          bbox: Type.Optional(Type.String({ description: 'minLon,minLat,maxLon,maxLat' })),
        }),
      },
    },
    async (request, reply) => {
      const { layer } = request.params
      if (!isLayerId(layer)) throw notFound(`no layer "${layer}"; the layers are ${layerIds.join(', ')}`)
      const bbox = request.query.bbox === undefined ? undefined : parseBBox(request.query.bbox)
      const body = await layerFeatureCollection(app.db, layer, bbox)
      return reply.type('application/geo+json; charset=utf-8').send(body)
    },
  )
}

export default layerRoutes
