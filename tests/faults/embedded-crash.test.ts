/**
 * The embedded database killed (SIGKILL) in the middle of a stream of writes: the server process
 * runs `server/main.ts` over a scratch data folder, reports arrive one after another and, with
 * more on their way, the process is killed. Reopened, the folder holds every report that was
 * answered 201 (PGlite flushes each query's writes before answering: relaxedDurability is off).
 */
import type { ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db/db.ts'
import { openEmbeddedDb } from '../../server/db/embedded.ts'
import { exited, scratchDataDir, signInScratch, startServerProcess } from '../helpers/server-process.ts'

describe('the embedded database killed under writes', { timeout: 240_000 }, () => {
  let dataDir: string
  let server: ChildProcess | undefined
  let base: string

  beforeAll(async () => {
    dataDir = await scratchDataDir()
    const started = await startServerProcess(dataDir)
    server = started.child
    base = started.base
  })

  afterAll(() => {
    server?.kill('SIGKILL')
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('keeps every report answered 201', async () => {
    const cookie = await signInScratch(base)
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
    if (server) await exited(server)
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
