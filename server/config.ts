import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project's root folder, whatever the working directory. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export interface Config {
  host: string
  port: number
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  databaseUrl: string | undefined
  /** Folder of the embedded database. */
  dataDir: string
  /** Largest accepted request body, in bytes (GeoJSON imports are the big ones). */
  bodyLimit: number
  /** Seed of the demo world generator. */
  demoSeed: number
  /** Load the demo world into an empty embedded database on start. */
  demo: boolean
  /** Password of the demo world's accounts (supervisor, coordinator, station-fushi, …). */
  demoPassword: string
  logLevel: string
  /** Writes (POST, PATCH, DELETE) a user may send per minute, as a burst and then evenly. */
  writesPerMinute: number
  /** Time a client has to send a whole request, in seconds (slow clients are cut off). */
  requestTimeoutS: number
  /** Build the client on start when stale (off under `npm run dev`, where Vite serves it). */
  buildClient: boolean
}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`)
  return n
}

/** Reads the configuration from the environment; the only place that reads process.env for settings. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined
  return {
    host: env.HOST || '127.0.0.1',
    port: integer('PORT', env.PORT, 8630),
    databaseUrl,
    dataDir: path.resolve(projectRoot, env.SHANSHUI_DATA_DIR || '.shanshui'),
    bodyLimit: integer('SHANSHUI_BODY_LIMIT_MB', env.SHANSHUI_BODY_LIMIT_MB, 20) * 1024 * 1024,
    demoSeed: integer('SHANSHUI_DEMO_SEED', env.SHANSHUI_DEMO_SEED, 20201201),
    demo: env.SHANSHUI_DEMO ? env.SHANSHUI_DEMO !== '0' : databaseUrl === undefined,
    demoPassword: env.SHANSHUI_DEMO_PASSWORD || 'shanshui-demo',
    logLevel: env.LOG_LEVEL || 'warn',
    writesPerMinute: integer('SHANSHUI_WRITES_PER_MINUTE', env.SHANSHUI_WRITES_PER_MINUTE, 120),
    requestTimeoutS: integer('SHANSHUI_REQUEST_TIMEOUT_S', env.SHANSHUI_REQUEST_TIMEOUT_S, 60),
    buildClient: env.SHANSHUI_SKIP_CLIENT_BUILD !== '1',
  }
}
