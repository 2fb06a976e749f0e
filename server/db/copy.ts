import type { CopyValue } from './db.ts'

/**
 * COPY's text format, shared by both backends: one line per row, values separated by tabs,
 * NULL as \N, and backslash, tab, newline and carriage return escaped inside values.
 */

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`

/** `COPY table (columns) FROM source`: the identifiers come from the code, quoted all the same. */
export const copyStatement = (table: string, columns: readonly string[], source: string) =>
  `COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM ${source}`

/** copyStatement for CSV with a header line, every empty field NULL (Db.copyCsv). */
export const copyCsvStatement = (table: string, columns: readonly string[], source: string) =>
  `${copyStatement(table, columns, source)} WITH (FORMAT csv, HEADER true, FORCE_NULL (${columns.map(quoteIdent).join(', ')}))`

const escapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

function copyValue(value: CopyValue): string {
  if (value === null) return '\\N'
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`COPY: ${value} is not a finite number`)
    return String(value)
  }
  return value.replace(/[\\\t\n\r]/g, (c) => escapes[c] as string)
}

/** The rows as COPY text, in chunks of `rowsPerChunk` lines (a stream's writes, a Blob's parts). */
export function* copyText(rows: Iterable<readonly CopyValue[]>, rowsPerChunk = 1000): Generator<string> {
  let chunk: string[] = []
  for (const row of rows) {
    chunk.push(`${row.map(copyValue).join('\t')}\n`)
    if (chunk.length === rowsPerChunk) {
      yield chunk.join('')
      chunk = []
    }
  }
  if (chunk.length) yield chunk.join('')
}
