/**
 * npm run user:add -- <username> <role> [--station <id>] [--district <adcode>]
 * Adds a user to the configured database (DATABASE_URL, else the embedded one). The password comes
 * from SHANSHUI_USER_PASSWORD, so that it never sits in the shell history.
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../server/config.ts'
import { migrate } from '../server/db/migrate.ts'
import { openDb } from '../server/db/open.ts'
import { createUser, type Role, roles } from '../server/domain/users.ts'

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { station: { type: 'string' }, district: { type: 'string' }, name: { type: 'string' } },
})
const [username, role] = positionals
const password = process.env.SHANSHUI_USER_PASSWORD
if (!username || !role || !roles.includes(role as Role) || !password) {
  console.error(
    `usage: SHANSHUI_USER_PASSWORD=… npm run user:add -- <username> <${roles.join('|')}> [--station <id>] [--district <adcode>] [--name <display name>]`,
  )
  process.exit(2)
}

const db = await openDb(loadConfig())
try {
  await migrate(db)
  const user = await createUser(db, {
    username,
    password,
    role: role as Role,
    displayName: values.name,
    stationId: values.station,
    districtCode: values.district === undefined ? undefined : Number(values.district),
  })
  console.log(`added ${user.username} (${user.role}, scope ${user.scope})`)
} catch (error) {
  console.error(`could not add the user: ${error instanceof Error ? error.message : error}`)
  process.exitCode = 1
} finally {
  await db.close()
}
