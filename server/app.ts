import compress from '@fastify/compress'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance } from 'fastify'
import access from './auth/access.ts'
import type { Config } from './config.ts'
import type { Db } from './db/db.ts'
import { HttpError, isDatabaseUnavailable } from './errors.ts'
import eventBus from './events/event-bus.ts'
import boundaryRoutes from './routes/boundary.ts'
import coverageRoutes from './routes/coverage.ts'
import eventRoutes from './routes/events.ts'
import exportRoutes from './routes/exports.ts'
import healthRoutes from './routes/health.ts'
import hotspotRoutes from './routes/hotspots.ts'
import importRoutes from './routes/import.ts'
import incidentImportRoutes from './routes/incident-import.ts'
import incidentRoutes from './routes/incidents.ts'
import layerRoutes from './routes/layers.ts'
import patrolRoutes from './routes/patrols.ts'
import planRoutes from './routes/plans.ts'
import sessionRoutes from './routes/session.ts'
import stationRoutes from './routes/stations.ts'
import summaryRoutes from './routes/summary.ts'
import tileRoutes from './routes/tiles.ts'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
  }
}

export interface AppOptions {
  db: Db
  config: Pick<Config, 'bodyLimit' | 'logLevel'> &
    Partial<Pick<Config, 'writesPerMinute' | 'requestTimeoutS'>>
  /** Also serve the built client from this folder. */
  clientDir?: string
  logger?: boolean
}

/** How long requests in flight may take to finish once the app closes. */
const shutdownGraceMs = 5000

/** Assembles the Fastify app from a database: external plugins, then the routes. Starts nothing. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger === false ? false : { level: options.config.logLevel },
    bodyLimit: options.config.bodyLimit,
    requestTimeout: (options.config.requestTimeoutS ?? 60) * 1000,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.decorate('db', options.db)
  app.setErrorHandler(errorHandler)
  // On close, requests in flight get a grace period; then every socket still open is destroyed.
  // Without it, a socket a client opened but never sent a request on (browsers and fetch open spare
  // ones) holds the close up until Node's headers timeout, a minute.
  let graceTimer: NodeJS.Timeout | undefined
  app.addHook('preClose', async () => {
    graceTimer = setTimeout(() => app.server.closeAllConnections(), shutdownGraceMs)
    graceTimer.unref()
  })
  app.addHook('onClose', async () => clearTimeout(graceTimer))
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send({ error: 'Not Found', message: `no route ${request.method} ${request.url}`, details: [] })
  })

  await app.register(compress, { threshold: 2048 })
  await app.register(eventBus)
  await app.register(access, { writesPerMinute: options.config.writesPerMinute ?? 120 })
  await app.register(healthRoutes, { prefix: '/api' })
  await app.register(sessionRoutes, { prefix: '/api' })
  await app.register(layerRoutes, { prefix: '/api' })
  await app.register(tileRoutes, { prefix: '/api' })
  await app.register(importRoutes, { prefix: '/api' })
  await app.register(incidentRoutes, { prefix: '/api' })
  await app.register(incidentImportRoutes, { prefix: '/api' })
  await app.register(eventRoutes, { prefix: '/api' })
  await app.register(hotspotRoutes, { prefix: '/api' })
  await app.register(patrolRoutes, { prefix: '/api' })
  await app.register(coverageRoutes, { prefix: '/api' })
  await app.register(planRoutes, { prefix: '/api' })
  await app.register(boundaryRoutes, { prefix: '/api' })
  await app.register(stationRoutes, { prefix: '/api' })
  await app.register(exportRoutes, { prefix: '/api' })
  await app.register(summaryRoutes, { prefix: '/api' })

  if (options.clientDir) {
    const { default: fastifyStatic } = await import('@fastify/static')
    await app.register(fastifyStatic, { root: options.clientDir, wildcard: false })
    // Client-side routes fall back to the app's page; unknown /api paths stay 404.
    app.get('/*', (request, reply) =>
      request.url.startsWith('/api/') ? reply.callNotFound() : reply.sendFile('index.html'),
    )
  }
  return app
}

/**
 * The one error handler: user mistakes (validation, HttpError, body too large) answer 4xx with
 * `{error, message, details}`; anything else is a fault, logged with its request and answered 500.
 */
function errorHandler(
  this: FastifyInstance,
  error: Error & { statusCode?: number; validation?: unknown[]; code?: string },
  request: import('fastify').FastifyRequest,
  reply: import('fastify').FastifyReply,
) {
  if (error instanceof HttpError) {
    return reply
      .code(error.statusCode)
      .send({ error: error.error, message: error.message, details: error.details })
  }
  if (error.validation) {
    return reply.code(400).send({ error: 'Bad Request', message: error.message, details: error.validation })
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable')
    return reply.code(503).header('retry-after', '5').send({
      error: 'Service Unavailable',
      message: 'the database is unavailable, busy or the query took too long; retry in a few seconds',
      details: [],
    })
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) {
    const message =
      error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? `request body is larger than the limit of ${formatBytes(this.initialConfig.bodyLimit ?? 0)}; split the upload or raise SHANSHUI_BODY_LIMIT_MB`
        : error.message
    return reply.code(status).send({ error: errorName(status), message, details: [] })
  }
  request.log.error({ err: error }, 'request failed')
  return reply
    .code(500)
    .send({ error: 'Internal Server Error', message: 'the server failed; the error is logged', details: [] })
}

const formatBytes = (bytes: number) =>
  bytes >= 1048576 ? `${Number((bytes / 1048576).toFixed(1))} MB` : `${bytes} bytes`

const errorName = (status: number) =>
  ({
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
  })[status] ?? 'Client Error'
