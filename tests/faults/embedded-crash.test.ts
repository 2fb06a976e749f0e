/**
 * The embedded database killed (SIGKILL) in the middle of a stream of writes: the server process
 * runs `server/main.ts` over a scratch data folder, reports arrive one after another and, with
 * more on their way, the process is killed. Reopened, the folder holds every report that was
 * answered 201 (PGlite flushes each query's writes before answering: relaxedDurability is off).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../server/config.ts'
import type { Db } from '../../server/db/db.ts'
import { openEmbeddedDb } from '../../server/db/embedded.ts'
import { migrate } from '../../server/db/migrate.ts'
import { createUser } from '../../server/domain/users.ts'

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })

describe('the embedded database killed under writes', { timeout: 240_000 }, () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'shanshui-crash-'))
  let server: ChildProcess | undefined
  let base: string

  beforeAll(async () => {
    // The folder: migrated, one district (a square around Wuxing) to locate reports, one user.
    const setup = await openEmbeddedDb(dataDir)
    await migrate(setup)
    await setup.query(
      `INSERT INTO boundaries (id, level, adcode, name_zh, name_en, geom)
       VALUES ('district-330502', 'district', 330502, '吴兴区', 'Wuxing',
               ST_Multi(ST_MakeEnvelope(119.95, 30.75, 120.25, 31.0, 4326)))`,
    )
    await createUser(setup, { username: 'crash', password: 'crash-password', role: 'coordinator' })
    await setup.close()

    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
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
      server?.stdout?.on('data', read)
      server?.stderr?.on('data', read)
      server?.once('exit', (code) => reject(new Error(`the server exited (${code}): ${output}`)))
    })
  })

  afterAll(() => {
    server?.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('keeps every report answered 201', async () => {
    const session = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'crash', password: 'crash-password' }),
    })
    const cookie = session.headers.get('set-cookie')?.split(';')[0] ?? ''
    expect(cookie).toMatch(/^shanshui_session=/)
    const answered: number[] = []
    const report = async (i: number) => {
      try {
        const response = await fetch(`${base}/api/incidents`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json' },
          body: JSON.stringify({
            category: 'dumping',
            location: { type: 'Point', coordinates: [120.1, 30.85] },
            occurred_at: new Date(Date.now() - 60_000).toISOString(),
            source: 'app',
            description: `crash test ${i}`,
          }),
        })
        if (response.status === 201) answered.push(((await response.json()) as { id: number }).id)
      } catch {
        // The connection died with the server: this report was never answered.
      }
    }
    for (let i = 0; i < 15; i++) await report(i)
    // More reports on their way, and the process killed among them.
    const inFlight = Array.from({ length: 10 }, (_, i) => report(15 + i))
    await new Promise((resolve) => setTimeout(resolve, 150))
    server?.kill('SIGKILL')
    await Promise.all(inFlight)
    await new Promise<void>((resolve) =>
      server?.exitCode !== null ? resolve() : server?.once('exit', () => resolve()),
    )
    expect(answered.length).toBeGreaterThanOrEqual(15)

    let db: Db | undefined
    try {
      db = await openEmbeddedDb(dataDir)
      const stored = await db.query<{ id: number }>(
        "SELECT id FROM incidents WHERE description LIKE 'crash test %' ORDER BY id",
      )
      const ids = new Set(stored.map((r) => r.id))
      expect(answered.filter((id) => !ids.has(id))).toEqual([])
    } finally {
      await db?.close()
    }
  })
})
