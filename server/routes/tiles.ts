import { createHash } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { parseTileAddress, parseTileLayer, placeTile } from '../domain/tiles.ts'

/** Tiles are cached a minute, then revalidated by ETag: an import shows within a minute. */
const cacheControl = 'private, max-age=60'

/** Tiles shrink to about half with gzip; mime-db does not list their type as compressible. */
const compressTiles = { customTypes: /^application\/vnd\.mapbox-vector-tile$/ }

const tileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/tiles/:layer/:z/:x/:y',
    {
      compress: compressTiles,
      schema: {
        description:
          'A place layer as a Mapbox Vector Tile (`{y}.mvt` or `{y}.pbf`), geometry simplified for the zoom; 204 when the tile is empty',
        params: Type.Object({ layer: Type.String(), z: Type.String(), x: Type.String(), y: Type.String() }),
      },
    },
    async (request, reply) => {
      const { layer: layerParam, z, x, y } = request.params
      const layer = parseTileLayer(layerParam)
      const address = parseTileAddress(z, x, y)
      const { tile, encoder } = await placeTile(app.db, layer, address)
      reply.header('cache-control', cacheControl).header('tile-encoder', encoder)
      if (tile.byteLength === 0) return reply.code(204).send()
      const etag = `"${createHash('sha1').update(tile).digest('base64url')}"`
      reply.header('etag', etag)
      if (request.headers['if-none-match'] === etag) return reply.code(304).send()
      return reply.type('application/vnd.mapbox-vector-tile').send(Buffer.from(tile))
    },
  )
}

export default tileRoutes
