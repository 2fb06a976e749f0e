/**
 * npm run import:incidents -- <file.csv> [--actor <name>]
 * Imports a CSV file of incidents into the configured database (DATABASE_URL, else the embedded one),
 * as POST /api/incidents/import does: all rows or none. `--actor` names who imported them in the
 * incidents' events (default: cli).
 */
import { createReadStream } from 'node:fs'
import { parseArgs } from 'node:util'
import { loadConfig } from '../server/config.ts'
import { migrate } from '../server/db/migrate.ts'
import { openDb } from '../server/db/open.ts'
import { importIncidents } from '../server/domain/incident-import.ts'
import { HttpError } from '../server/errors.ts'

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { actor: { type: 'string', default: 'cli' } },
})
const [file] = positionals
if (!file) {
  console.error('usage: npm run import:incidents -- <file.csv> [--actor <name>]')
  process.exit(2)
}

const db = await openDb(loadConfig())
try {
  await migrate(db)
  const started = performance.now()
  const result = await importIncidents(db, createReadStream(file), values.actor)
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(
    `imported ${result.imported} incidents (ids ${result.first_id}–${result.last_id}) in ${seconds} s` +
      (result.without_district ? `; ${result.without_district} lie more than 50 km from every district` : ''),
  )
} catch (error) {
  // A refusal says what was wrong and that nothing was imported; anything else is a failure.
  console.error(
    error instanceof HttpError ? error.message : `the import failed, nothing was imported: ${error}`,
  )
  if (error instanceof HttpError) {
    for (const problem of error.details as { line: number; column: string; reason: string }[]) {
      console.error(`  line ${problem.line}: ${problem.column} ${problem.reason}`)
    }
  }
  process.exitCode = 1
} finally {
  await db.close()
}
