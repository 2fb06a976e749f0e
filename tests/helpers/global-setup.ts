import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { openEmbeddedDb } from '../../server/db/embedded.ts'
import { migrate } from '../../server/db/migrate.ts'
import { openPostgresDb } from '../../server/db/postgres.ts'
import { prepareWorld } from '../../server/demo/prepare.ts'
import { databaseUrlFor, templateCacheDir, templateKey, testWorld } from './test-world.ts'

/**
 * Builds the template database once per run (or reuses the cached one): migrations, base data and
 * the demo world. Each test file then works on its own copy, so no state is shared between files.
 */
export default async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  const key = templateKey()
  const databaseUrl = process.env.DATABASE_URL
  if (databaseUrl) {
    const name = `${new URL(databaseUrl).pathname.slice(1) || 'shanshui'}_tpl_${key}`
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (exists.rowCount === 0) {
      await admin.query(`DROP DATABASE IF EXISTS "${name}_building"`)
      await admin.query(`CREATE DATABASE "${name}_building"`)
      const db = await openPostgresDb(databaseUrlFor(databaseUrl, `${name}_building`))
      await migrate(db)
      await prepareWorld(db, testWorld)
      await db.close()
      await admin.query(`ALTER DATABASE "${name}_building" RENAME TO "${name}"`)
    }
    await dropOlderTemplates(admin, name)
    await admin.end()
    provide('templateDatabase', name)
  } else {
    const dir = path.join(templateCacheDir, key)
    if (!existsSync(dir)) {
      mkdirSync(templateCacheDir, { recursive: true })
      const building = `${dir}.building-${process.pid}`
      const db = await openEmbeddedDb(building)
      await migrate(db)
      await prepareWorld(db, testWorld)
      const [wal] = await db.query<{ segment: string }>(
        'SELECT pg_walfile_name(pg_current_wal_insert_lsn()) AS segment',
      )
      await db.close()
      if (wal) removeRecycledWal(building, wal.segment)
      rmSync(dir, { recursive: true, force: true })
      renameSync(building, dir)
    }
    removeOlderTemplates(key)
    provide('templateDir', dir)
  }
}

/**
 * Drops the PostgreSQL templates of other keys beside `current`: made from earlier sources, they are
 * never used again. One still in use (a test run of another checkout) is left.
 */
async function dropOlderTemplates(admin: pg.Client, current: string) {
  const prefix = current.slice(0, current.lastIndexOf('_tpl_') + '_tpl_'.length)
  const older = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE starts_with(datname, $1) AND datname ~ '_tpl_[0-9a-f]{12}$' AND datname <> $2",
    [prefix, current],
  )
  for (const { datname } of older.rows) {
    await admin.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => {})
  }
}

/** Removes the cached embedded templates of other keys, as dropOlderTemplates (a few hundred MB each). */
function removeOlderTemplates(current: string) {
  for (const name of readdirSync(templateCacheDir)) {
    if (/^[0-9a-f]{12}$/.test(name) && name !== current) {
      rmSync(path.join(templateCacheDir, name), { recursive: true, force: true })
    }
  }
}

/**
 * Removes the WAL segments PostgreSQL renamed ahead for reuse (after the demo load, some 20 of 16 MB,
 * more than half the folder), which every test file would otherwise copy and delete again. Kept: the
 * segment the last write went to and the one after it, where the shutdown checkpoint may have gone.
 * PostgreSQL makes a segment it finds missing.
 */
function removeRecycledWal(dataDir: string, current: string) {
  const position = (segment: string) =>
    BigInt(`0x${segment.slice(8, 16)}`) * 256n + BigInt(`0x${segment.slice(16)}`)
  const timeline = current.slice(0, 8)
  const last = position(current) + 1n
  const walDir = path.join(dataDir, 'pg_wal')
  for (const name of readdirSync(walDir)) {
    if (/^[0-9A-F]{24}$/.test(name) && name.startsWith(timeline) && position(name) > last)
      rmSync(path.join(walDir, name))
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDir: string
    templateDatabase: string
  }
}
