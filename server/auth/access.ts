import cookie from '@fastify/cookie'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { User } from '../domain/users.ts'
import { forbidden, tooManyRequests, unauthorized } from '../errors.ts'
import { isPublic, refusal } from './policy.ts'
import { SESSION_COOKIE, userOfSession } from './sessions.ts'
import { WriteRate } from './write-rate.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user; null only on public routes. */
    user: User | null
  }
}

/** The signed-in user of a request that passed the access check. */
export function userOf(request: FastifyRequest): User {
  if (!request.user) throw unauthorized('sign in first: POST /api/session')
  return request.user
}

/**
 * Every /api route but health and the session ones needs a session cookie (401 without), the role
 * must allow the method (403, policy.ts), and a user's writes are limited per minute (429 with
 * Retry-After). Runs before validation, so an anonymous caller learns nothing about the parameters.
 */
async function accessPlugin(app: FastifyInstance, options: { writesPerMinute: number }) {
  const writes = new WriteRate(options.writesPerMinute)
  await app.register(cookie)
  app.decorateRequest('user', null)
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url ?? request.url.split('?')[0] ?? ''
    const token = request.cookies[SESSION_COOKIE]
    request.user = token ? await userOfSession(app.db, token) : null
    if (isPublic(request.method, route)) return
    if (!request.user) throw unauthorized('sign in first: POST /api/session with username and password')
    const reason = refusal(request.user.role, request.method, route)
    if (reason) throw forbidden(reason)
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const wait = writes.take(request.user.id)
      if (wait > 0) {
        reply.header('retry-after', String(wait))
        throw tooManyRequests(`more than ${writes.perMinute} writes a minute; retry in ${wait} s`, wait)
      }
    }
  })
}

// Like fastify-plugin: no encapsulation, so the hook guards the sibling route plugins.
Object.assign(accessPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'shanshui-access',
})

export default accessPlugin
