/** A value as COPY takes it: text in the column type's input syntax, a number, or NULL. */
export type CopyValue = string | number | null

/** Something that runs SQL: the database itself, or a transaction on it. */
export interface Queryable {
  /**
   * One object per open database, the same in each of its transactions: what per-database copies
   * (server/domain/day-copy.ts) are kept under.
   */
  readonly database: object
  /** Runs one parameterised statement and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>
  /**
   * Bulk-loads rows into `table`'s `columns` with COPY (text format; server/db/copy.ts) and returns
   * the number of rows stored: for thousands of rows at once (when it pays off: COPY_MIN_FIXES in
   * server/domain/positions.ts). The table and column names come from the code, never from a
   * request. All rows or none, like one INSERT.
   */
  copyRows(table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<number>
  /**
   * Bulk-loads CSV text (a header line, skipped, then one record per line; an empty field is NULL,
   * quoted or not) into `table`'s `columns` with COPY, streamed from `csv`, and returns the number of
   * records stored. Names as for copyRows. A malformed record fails the whole COPY.
   */
  copyCsv(table: string, columns: readonly string[], csv: AsyncIterable<Uint8Array | string>): Promise<number>
}

/**
 * The one interface the server talks to, whichever backend is behind it.
 * int8 and numeric come back as JS numbers from both backends, timestamps as Dates.
 */
export interface Db extends Queryable {
  readonly kind: 'embedded' | 'postgres'
  /** Runs fn in one transaction: committed when fn resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  /** Runs a script of several statements without parameters (migrations); a failed script leaves no transaction open. */
  exec(sql: string): Promise<void>
  close(): Promise<void>
}
