import { mkdirSync } from 'node:fs'
import { PGlite, types } from '@electric-sql/pglite'
import { postgis } from '@electric-sql/pglite-postgis'
import { copyCsvStatement, copyStatement, copyText } from './copy.ts'
import type { Db, Queryable } from './db.ts'

// Same value shapes as the PostgreSQL backend: numeric as a JS number.
const parsers = { [types.NUMERIC]: (value: string) => Number(value) }

/** The embedded backend: PGlite (PostgreSQL in WASM) with PostGIS, kept in a folder on disk. */
export async function openEmbeddedDb(dataDir: string): Promise<Db> {
  mkdirSync(dataDir, { recursive: true })
  const pg = await PGlite.create({ dataDir, extensions: { postgis }, parsers })
  await pg.exec('CREATE EXTENSION IF NOT EXISTS postgis')
  const database = {}
  const queryable = (q: { query: PGlite['query'] }): Queryable => ({
    database,
    query: async <Row>(sql: string, params: readonly unknown[] = []) =>
      (await q.query<Row>(sql, params as unknown[])).rows,
    // PGlite has no COPY FROM STDIN: the text goes in as a Blob that COPY reads from /dev/blob.
    async copyRows(table, columns, rows) {
      const result = await q.query(copyStatement(table, columns, "'/dev/blob'"), [], {
        blob: new Blob([...copyText(rows)]),
      })
      return result.affectedRows ?? 0
    },
    // The whole text is gathered first: /dev/blob is read from one Blob.
    async copyCsv(table, columns, csv) {
      // Node's buffers are never backed by a SharedArrayBuffer, which is all the Blob type rules out.
      const parts: BlobPart[] = []
      for await (const part of csv) parts.push(part as BlobPart)
      const result = await q.query(copyCsvStatement(table, columns, "'/dev/blob'"), [], {
        blob: new Blob(parts),
      })
      return result.affectedRows ?? 0
    },
  })
  return {
    kind: 'embedded',
    ...queryable(pg),
    transaction: (fn) => pg.transaction((tx) => fn(queryable(tx))),
    async exec(sql) {
      try {
        await pg.exec(sql)
      } catch (error) {
        // A script that opened a transaction and failed must not leave it open.
        await pg.exec('ROLLBACK').catch(() => {})
        throw error
      }
    },
    close: () => pg.close(),
  }
}
