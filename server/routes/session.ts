import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { verifyPassword } from '../auth/passwords.ts'
import { endSession, SESSION_COOKIE, SESSION_HOURS, startSession } from '../auth/sessions.ts'
import { SignInThrottle } from '../auth/sign-in-throttle.ts'
import { findUserForSignIn, type User } from '../domain/users.ts'
import { tooManyRequests, unauthorized } from '../errors.ts'
import { errorReplies, Nullable } from './schemas.ts'

const SessionUser = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  display_name: Type.String(),
  role: Type.Union([
    Type.Literal('coordinator'),
    Type.Literal('station'),
    Type.Literal('supervisor'),
    Type.Literal('admin'),
  ]),
  scope: Type.Union([Type.Literal('all'), Type.Literal('district'), Type.Literal('station')]),
  district_code: Nullable(Type.Integer()),
  station_id: Nullable(Type.String()),
})

const Session = Type.Object({ user: SessionUser })

const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Five wrong passwords lock a name; an address (a station's office behind one NAT) gets twenty.
  const byName = new SignInThrottle(5)
  const byAddress = new SignInThrottle(20)

  app.get(
    '/session',
    {
      schema: {
        description: 'The signed-in user, 401 without a session.',
        response: { 200: Session, ...errorReplies(401) },
      },
    },
    async (request) => {
      if (!request.user) throw unauthorized('not signed in')
      return { user: request.user }
    },
  )

  app.post(
    '/session',
    {
      schema: {
        description: `Sign in: sets an HttpOnly session cookie for ${SESSION_HOURS} h. Five wrong passwords for a name (twenty from an address) → 429 for 15 minutes.`,
        body: Type.Object({
          username: Type.String({ minLength: 1, maxLength: 100 }),
          password: Type.String({ minLength: 1, maxLength: 200 }),
        }),
        response: { 200: Session, ...errorReplies(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const username = request.body.username.trim().toLowerCase()
      const wait = Math.max(byName.retryAfter(username), byAddress.retryAfter(request.ip))
      if (wait > 0) {
        reply.header('retry-after', String(wait))
        throw tooManyRequests(`too many wrong passwords: try again in ${Math.ceil(wait / 60)} min`, wait)
      }
      const found = await findUserForSignIn(app.db, username)
      // The same work and answer for an unknown name as for a wrong password.
      const valid = await verifyPassword(request.body.password, found?.password_hash ?? dummyHash)
      if (!found || !valid) {
        byName.fail(username)
        byAddress.fail(request.ip)
        throw unauthorized('wrong username or password')
      }
      byName.succeed(username)
      const { password_hash: _, ...user } = found
      const token = await startSession(app.db, user.id)
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        maxAge: SESSION_HOURS * 3600,
      })
      return { user: user satisfies User }
    },
  )

  app.delete(
    '/session',
    { schema: { description: 'Sign out.', response: { 204: Type.Null() } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE]
      if (token) await endSession(app.db, token)
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return reply.code(204).send(null)
    },
  )
}

/** A hash of no one's password, so that an unknown name costs as much as a known one. */
const dummyHash = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='

export default sessionRoutes
