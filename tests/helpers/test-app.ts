import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../server/app.ts'
import type { Db } from '../../server/db/db.ts'
import { openTestDb } from './test-db.ts'

export interface TestApp {
  app: FastifyInstance
  db: Db
  close(): Promise<void>
}

/** The app over a fresh copy of the test world, for app.inject. */
export async function buildTestApp(
  options: { bodyLimit?: number; clientDir?: string } = {},
): Promise<TestApp> {
  const db = await openTestDb()
  const app = await buildApp({
    db,
    config: { bodyLimit: options.bodyLimit ?? 20 * 1024 * 1024, logLevel: 'silent' },
    clientDir: options.clientDir,
    logger: false,
  })
  return {
    app,
    db,
    async close() {
      await app.close()
      await db.close()
    },
  }
}
