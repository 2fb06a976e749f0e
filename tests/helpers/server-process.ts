import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { projectRoot } from '../../server/config.ts'
import { openEmbeddedDb } from '../../server/db/embedded.ts'
import { migrate } from '../../server/db/migrate.ts'
import { createUser } from '../../server/domain/users.ts'

/**
 * The real server (`server/main.ts`) in a child process over a scratch embedded database, for the
 * fault tests that kill or stop it: a migrated folder with one district (a square around Wuxing,
 * enough to locate reports) and one coordinator.
 */

export const scratchUser = { username: 'faults', password: 'faults-password' }

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })

/** A scratch data folder, migrated, with the district and the user; `prepare` may add more. */
export async function scratchDataDir(
  prepare?: (db: Awaited<ReturnType<typeof openEmbeddedDb>>) => Promise<void>,
) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'shanshui-faults-'))
  const db = await openEmbeddedDb(dataDir)
  await migrate(db)
  await db.query(
    `INSERT INTO boundaries (id, level, adcode, name_zh, name_en, geom)
     VALUES ('district-330502', 'district', 330502, '吴兴区', 'Wuxing',
             ST_Multi(ST_MakeEnvelope(119.95, 30.75, 120.25, 31.0, 4326)))`,
  )
  await createUser(db, { ...scratchUser, role: 'coordinator' })
  await prepare?.(db)
  await db.close()
  return dataDir
}

/** Starts `server/main.ts` over the folder on a free port; resolves once it listens. */
export async function startServerProcess(
  dataDir: string,
): Promise<{ base: string; child: ChildProcess; output: () => string }> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      DATABASE_URL: '',
      SHANSHUI_DATA_DIR: dataDir,
      SHANSHUI_DEMO: '0',
      SHANSHUI_SKIP_CLIENT_BUILD: '1',
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${output}`)), 120_000)
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Shanshui is running')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout?.on('data', read)
    child.stderr?.on('data', read)
    child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${output}`)))
  })
  return { base: `http://127.0.0.1:${port}`, child, output: () => output }
}

/** Signs the scratch user in; the Cookie header. */
export async function signInScratch(base: string): Promise<string> {
  const session = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(scratchUser),
  })
  const cookie = session.headers.get('set-cookie')?.split(';')[0] ?? ''
  if (!cookie.startsWith('shanshui_session=')) throw new Error(`sign-in failed: ${session.status}`)
  return cookie
}

/** Resolves when the process has exited, with its exit code and signal. */
export const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode })
    else child.once('exit', (code, signal) => resolve({ code, signal }))
  })
