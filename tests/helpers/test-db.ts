import { randomBytes } from 'node:crypto'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { inject } from 'vitest'
import type { Db } from '../../server/db/db.ts'
import { openEmbeddedDb } from '../../server/db/embedded.ts'
import { openPostgresDb } from '../../server/db/postgres.ts'
import { databaseUrlFor } from './test-world.ts'

export const backend: Db['kind'] = process.env.DATABASE_URL ? 'postgres' : 'embedded'

/**
 * A database of its own for one test file, copied from the template the global setup built:
 * a copied data folder for PGlite, a `CREATE DATABASE … TEMPLATE` for PostgreSQL.
 * Closing it removes the copy.
 */
export async function openTestDb(): Promise<Db> {
  const databaseUrl = process.env.DATABASE_URL
  if (databaseUrl) {
    const name = `${inject('templateDatabase')}_${randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${inject('templateDatabase')}"`)
    await admin.end()
    const db = await openPostgresDb(databaseUrlFor(databaseUrl, name))
    return {
      ...db,
      async close() {
        await db.close()
        const cleanup = new pg.Client({ connectionString: databaseUrl })
        await cleanup.connect()
        await cleanup.query(`DROP DATABASE IF EXISTS "${name}"`)
        await cleanup.end()
      },
    }
  }
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'shanshui-test-')), 'db')
  cpSync(inject('templateDir'), dir, { recursive: true })
  const db = await openEmbeddedDb(dir)
  return {
    ...db,
    async close() {
      await db.close()
      rmSync(path.dirname(dir), { recursive: true, force: true })
    },
  }
}
