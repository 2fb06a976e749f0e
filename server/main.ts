import { buildApp } from './app.ts'
import { clientDist, ensureClientBuilt } from './client-bundle.ts'
import { loadConfig } from './config.ts'
import { migrate } from './db/migrate.ts'
import { openDb } from './db/open.ts'
import { demoAccounts } from './demo/demo-users.ts'
import { prepareDemoWorld } from './demo/prepare.ts'

const log = (message: string) => console.log(`[shanshui] ${message}`)

async function main() {
  const config = loadConfig()
  if (config.buildClient) await ensureClientBuilt(log)

  log(
    config.databaseUrl ? 'connecting to PostgreSQL…' : `opening the embedded database in ${config.dataDir}…`,
  )
  const db = await openDb(config)
  const applied = await migrate(db)
  if (applied.length) log(`applied migrations: ${applied.join(', ')}`)
  await prepareDemoWorld(db, config, log)

  const app = await buildApp({ db, config, clientDir: clientDist })
  const close = async (signal: string) => {
    log(`${signal}: closing`)
    await app.close()
    await db.close()
    process.exit(0)
  }
  process.once('SIGINT', close)
  process.once('SIGTERM', close)

  await app.listen({ host: config.host, port: config.port })
  if (config.demo) {
    log(
      `demo accounts: ${demoAccounts.map((a) => a.username).join(', ')}; password "${config.demoPassword}" (SHANSHUI_DEMO_PASSWORD)`,
    )
  }
  log(
    `Shanshui is running at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/`,
  )
}

main().catch((error) => {
  console.error(`[shanshui] could not start: ${error instanceof Error ? error.message : error}`)
  process.exit(1)
})
