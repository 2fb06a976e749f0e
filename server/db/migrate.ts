import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { projectRoot } from '../config.ts'
import type { Db } from './db.ts'

export const migrationsDir = path.join(projectRoot, 'migrations')

export class MigrationError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`migration ${file} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
}

/**
 * Applies the numbered SQL files of `dir` that are not yet recorded in schema_migrations, in order,
 * each in its own transaction together with its record. Returns the names of the files applied.
 */
export async function migrate(db: Db, dir = migrationsDir): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`)
  const done = new Set(
    (await db.query<{ name: string }>('SELECT name FROM schema_migrations')).map((r) => r.name),
  )
  const files = readdirSync(dir)
    .filter((f) => /^\d+[-_].*\.sql$/.test(f))
    .sort()
  const applied: string[] = []
  for (const file of files) {
    if (done.has(file)) continue
    const sql = readFileSync(path.join(dir, file), 'utf8')
    try {
      // BEGIN/COMMIT inside the script so that a multi-statement file is one transaction on both backends.
      await db.exec(
        `BEGIN;\n${sql}\n;INSERT INTO schema_migrations (name) VALUES ('${file.replace(/'/g, "''")}');\nCOMMIT;`,
      )
    } catch (error) {
      throw new MigrationError(file, error)
    }
    applied.push(file)
  }
  return applied
}
