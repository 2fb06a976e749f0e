import type { Config } from '../config.ts'
import type { Db } from './db.ts'
import { openEmbeddedDb } from './embedded.ts'
import { openPostgresDb } from './postgres.ts'

/** Opens the database the configuration names: PostgreSQL when DATABASE_URL is set, else embedded. */
export function openDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Db> {
  return config.databaseUrl ? openPostgresDb(config.databaseUrl) : openEmbeddedDb(config.dataDir)
}
