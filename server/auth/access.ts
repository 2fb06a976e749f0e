import cookie from '@fastify/cookie'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { User } from '../domain/users.ts'
import { forbidden, unauthorized } from '../errors.ts'
import { isPublic, refusal } from './policy.ts'
import { SESSION_COOKIE, userOfSession } from './sessions.ts'

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
 * Every /api route but health and the session ones needs a session cookie (401 without), and the
 * role must allow the method (403, policy.ts). Runs before validation, so an anonymous caller learns
 * nothing about the parameters either.
 */
async function accessPlugin(app: FastifyInstance) {
  await app.register(cookie)
  app.decorateRequest('user', null)
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url ?? request.url.split('?')[0] ?? ''
    const token = request.cookies[SESSION_COOKIE]
    request.user = token ? await userOfSession(app.db, token) : null
    if (isPublic(request.method, route)) return
    if (!request.user) throw unauthorized('sign in first: POST /api/session with username and password')
    const reason = refusal(request.user.role, request.method, route)
    if (reason) throw forbidden(reason)
  })
}

// Like fastify-plugin: no encapsulation, so the hook guards the sibling route plugins.
Object.assign(accessPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'shanshui-access',
})

export default accessPlugin
