import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db/db.ts'
import { MigrationError, migrate, migrationsDir } from '../../server/db/migrate.ts'
import { openTestDb } from '../helpers/test-db.ts'

describe('migrate', () => {
  let db: Db
  beforeAll(async () => {
    db = await openTestDb()
  })
  afterAll(() => db.close())

  it('has applied every migration of the project, and applies nothing twice', async () => {
    expect(await migrate(db, migrationsDir)).toEqual([])
    const rows = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')
    expect(rows.map((r) => r.name)).toContain('001_schema.sql')
  })

  it('stops at a failing file with its name and the database message, and keeps nothing of it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shanshui-migrations-'))
    writeFileSync(path.join(dir, '900_good.sql'), 'CREATE TABLE migrate_test_good (id int);')
    writeFileSync(
      path.join(dir, '901_bad.sql'),
      'CREATE TABLE migrate_test_half (id int);\nINSERT INTO no_such_table VALUES (1);',
    )
    writeFileSync(path.join(dir, '902_after.sql'), 'CREATE TABLE migrate_test_after (id int);')

    const failure = await migrate(db, dir).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(MigrationError)
    expect((failure as MigrationError).file).toBe('901_bad.sql')
    expect((failure as Error).message).toMatch(/901_bad\.sql.*no_such_table/)

    const tables = await db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_name LIKE 'migrate_test_%' ORDER BY 1`,
    )
    expect(tables.map((t) => t.name)).toEqual(['migrate_test_good'])
    const recorded = await db.query<{ name: string }>(
      "SELECT name FROM schema_migrations WHERE name LIKE '9%'",
    )
    expect(recorded.map((r) => r.name)).toEqual(['900_good.sql'])
    // The database is usable afterwards: no transaction was left open.
    expect(await db.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }])
  })
})
