import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { copyCsvStatement, copyStatement, copyText } from './copy.ts'
import type { Db, Queryable } from './db.ts'

// int8 (counts, sums) and numeric as JS numbers, as PGlite gives them.
const typeParsers: Record<number, (value: string) => unknown> = {
  20: (value) => Number(value),
  1700: (value) => Number(value),
}
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    typeParsers[oid] ?? pg.types.getTypeParser(oid, format),
}

/** The server backend: PostgreSQL with PostGIS, through a pool. */
export async function openPostgresDb(connectionString: string): Promise<Db> {
  // JIT off: PostGIS functions declare high costs, so spatial plans pass jit_above_cost and
  // PostgreSQL 15 spends ~0.9 s compiling queries that then run in milliseconds. A statement
  // running past two minutes is cancelled (the API answers 503): no request holds a connection forever.
  const pool = new pg.Pool({
    connectionString,
    types,
    max: 8,
    options: '-c jit=off -c statement_timeout=120s',
  })
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on the next query.
  })
  await pool.query('CREATE EXTENSION IF NOT EXISTS postgis')
  const run =
    (q: pg.Pool | pg.PoolClient): Queryable['query'] =>
    async <Row>(sql: string, params: readonly unknown[] = []) =>
      (await q.query(sql, params as unknown[])).rows as Row[]
  // COPY FROM STDIN streamed through pg-copy-streams; a failing source sends CopyFail, storing nothing.
  const copyInto = async (
    client: pg.PoolClient,
    ...[table, columns, rows]: Parameters<Queryable['copyRows']>
  ) => {
    const copy = client.query(copyFrom(copyStatement(table, columns, 'STDIN')))
    await pipeline(Readable.from(copyText(rows)), copy)
    return copy.rowCount
  }
  const copyCsvInto = async (
    client: pg.PoolClient,
    ...[table, columns, csv]: Parameters<Queryable['copyCsv']>
  ) => {
    const copy = client.query(copyFrom(copyCsvStatement(table, columns, 'STDIN')))
    await pipeline(Readable.from(csv), copy)
    return copy.rowCount
  }
  // A COPY outside a transaction runs on a client of its own.
  const onClient =
    <Args extends unknown[]>(copy: (client: pg.PoolClient, ...args: Args) => Promise<number>) =>
    async (...args: Args) => {
      const client = await pool.connect()
      try {
        return await copy(client, ...args)
      } finally {
        client.release()
      }
    }
  const database = {}
  return {
    kind: 'postgres',
    database,
    query: run(pool),
    copyRows: onClient(copyInto),
    copyCsv: onClient(copyCsvInto),
    async transaction(fn) {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        const result = await fn({
          database,
          query: run(client),
          copyRows: (...args) => copyInto(client, ...args),
          copyCsv: (...args) => copyCsvInto(client, ...args),
        })
        await client.query('COMMIT')
        return result
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {})
        throw error
      } finally {
        client.release()
      }
    },
    async exec(sql) {
      // One client for the script and its clean-up, so an aborted transaction never goes back to the pool.
      const client = await pool.connect()
      try {
        await client.query(sql)
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {})
        throw error
      } finally {
        client.release()
      }
    },
    close: () => pool.end(),
  }
}
