import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'

const Health = Type.Object({
  status: Type.Literal('ok'),
  db: Type.Union([Type.Literal('embedded'), Type.Literal('postgres')]),
  postgis: Type.String(),
})

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', { schema: { response: { 200: Health } } }, async () => {
    const [row] = await app.db.query<{ version: string }>('SELECT postgis_lib_version() AS version')
    return { status: 'ok' as const, db: app.db.kind, postgis: row?.version ?? 'unknown' }
  })
}

export default healthRoutes
