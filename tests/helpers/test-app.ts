import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../server/app.ts'
import type { Db } from '../../server/db/db.ts'
import { openTestDb } from './test-db.ts'
import { testWorld } from './test-world.ts'

export interface TestApp {
  app: FastifyInstance
  db: Db
  /** app.inject as the signed-in user of the app (the demo coordinator unless said otherwise). */
  inject(options: InjectOptions): Promise<LightMyRequestResponse>
  /** app.inject as another demo account, or anonymously (null). */
  injectAs(username: string | null, options: InjectOptions): Promise<LightMyRequestResponse>
  close(): Promise<void>
}

/** Signs a demo account in (password of the test world) and returns its Cookie header. */
export async function signIn(app: FastifyInstance, username: string, password = testWorld.password) {
  const response = await app.inject({ method: 'POST', url: '/api/session', payload: { username, password } })
  if (response.statusCode !== 200)
    throw new Error(`sign-in as ${username}: ${response.statusCode} ${response.body}`)
  const cookie = response.cookies.find((c) => c.name === 'shanshui_session')
  if (!cookie) throw new Error(`sign-in as ${username} set no session cookie`)
  return `${cookie.name}=${cookie.value}`
}

/** The app over a fresh copy of the test world, for app.inject, signed in as `as` (default coordinator). */
export async function buildTestApp(
  options: { bodyLimit?: number; clientDir?: string; as?: string; writesPerMinute?: number } = {},
): Promise<TestApp> {
  const db = await openTestDb()
  const app = await buildApp({
    db,
    // Tests write fast: a generous limit unless one is asked for.
    config: {
      bodyLimit: options.bodyLimit ?? 20 * 1024 * 1024,
      logLevel: 'silent',
      writesPerMinute: options.writesPerMinute ?? 100_000,
    },
    clientDir: options.clientDir,
    logger: false,
  })
  const cookies = new Map<string, string>()
  const injectAs = async (username: string | null, request: InjectOptions) => {
    if (username === null) return app.inject(request)
    let cookie = cookies.get(username)
    if (!cookie) {
      cookie = await signIn(app, username)
      cookies.set(username, cookie)
    }
    return app.inject({ ...request, headers: { cookie, ...request.headers } })
  }
  const as = options.as ?? 'coordinator'
  return {
    app,
    db,
    inject: (request) => injectAs(as, request),
    injectAs,
    async close() {
      await app.close()
      await db.close()
    },
  }
}
