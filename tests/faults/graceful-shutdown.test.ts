/**
 * SIGTERM to the real server process (`server/main.ts` over a scratch embedded database) while an
 * export is streaming and a client listens to the event stream: the export arrives whole, the
 * event stream ends, and the process exits 0 having closed the database (the folder opens again).
 */
import type { ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openEmbeddedDb } from '../../server/db/embedded.ts'
import { exited, scratchDataDir, signInScratch, startServerProcess } from '../helpers/server-process.ts'

const incidents = 4_000

describe('SIGTERM with requests in flight', { timeout: 240_000 }, () => {
  let dataDir: string
  let server: ChildProcess | undefined
  let base: string
  let output: () => string

  beforeAll(async () => {
    dataDir = await scratchDataDir(async (db) => {
      await db.query(
        `INSERT INTO incidents (category, source, description, occurred_at, geom)
         SELECT 'dumping', 'app', 'shutdown test', now() - interval '1 day',
                ST_SetSRID(ST_MakePoint(120.0 + random() * 0.2, 30.8 + random() * 0.15), 4326)
           FROM generate_series(1, $1)`,
        [incidents],
      )
    })
    const started = await startServerProcess(dataDir)
    server = started.child
    base = started.base
    output = started.output
  })

  afterAll(() => {
    server?.kill('SIGKILL')
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('finishes the export in flight, ends the event stream, closes the database and exits 0', async () => {
    const cookie = await signInScratch(base)
    const events = await fetch(`${base}/api/events`, { headers: { cookie } })
    const reader = (events.body as ReadableStream<Uint8Array>).getReader()
    const first = new TextDecoder().decode((await reader.read()).value)
    expect(first).toContain(': connected')

    const to = new Date(Date.now() + 3_600_000).toISOString()
    const exportResponse = await fetch(
      `${base}/api/export/incidents.csv?from=2026-01-01T00:00:00Z&to=${to}`,
      {
        headers: { cookie },
      },
    )
    expect(exportResponse.status).toBe(200)
    // The export has begun (its headers are here): now the signal.
    server?.kill('SIGTERM')
    const body = await exportResponse.text()
    const records = body.trim().split('\r\n').length - 2
    expect(records).toBe(incidents)

    // The event stream ends instead of hanging.
    for (;;) {
      const { done } = await reader.read()
      if (done) break
    }
    const exit = server ? await exited(server) : undefined
    expect(exit).toEqual({ code: 0, signal: null })
    expect(output()).toContain('SIGTERM: closing')

    const db = await openEmbeddedDb(dataDir)
    const [count] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM incidents WHERE description = 'shutdown test'",
    )
    await db.close()
    expect(count?.n).toBe(incidents)
  })
})
