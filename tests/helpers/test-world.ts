import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { projectRoot } from '../../server/config.ts'

/** The demo world every test runs against: fixed seed and end date, so figures are reproducible. */
export const testWorld = { seed: 20201201, end: new Date('2026-11-01T00:00:00Z'), password: 'shanshui-demo' }

/** Where the embedded template database is cached between runs. */
export const templateCacheDir = path.join(projectRoot, 'node_modules', '.cache', 'shanshui-test')

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  if (statSync(dir).isFile()) return [dir]
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const file = path.join(dir, name)
      return statSync(file).isDirectory() ? filesUnder(file) : [file]
    })
}

/**
 * A fingerprint of everything the template database is made from (migrations, base data, generator,
 * loader): a template is reused only while none of them changed.
 */
export function templateKey(): string {
  const hash = createHash('sha256').update(JSON.stringify(testWorld))
  const sources = [
    'migrations',
    'data',
    'server/demo',
    'server/db',
    'server/domain/users.ts',
    'server/domain/boundary.ts',
    'server/auth/passwords.ts',
    'tests/helpers/global-setup.ts',
  ]
  for (const dir of sources) {
    for (const file of filesUnder(path.join(projectRoot, dir))) {
      hash.update(path.relative(projectRoot, file)).update(readFileSync(file))
    }
  }
  return hash.digest('hex').slice(0, 12)
}

/** The connection string of `database` on the server DATABASE_URL points at. */
export function databaseUrlFor(base: string, database: string): string {
  const url = new URL(base)
  url.pathname = `/${database}`
  return url.toString()
}
