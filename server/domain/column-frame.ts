/**
 * Framed columns: the layout of the binary answers (hotspot-columns.ts, incident-columns.ts). A JSON
 * header says what the columns are; the columns are typed arrays the browser uses over the answer's
 * own bytes, nothing copied. All numbers little-endian:
 *
 *   uint32    header length H in bytes (4 + H is a multiple of 8, so every column can be aligned)
 *   H bytes   header: UTF-8 JSON holding at least `version` and `columns`, padded with spaces
 *   columns   from byte 4 + H on, each at its `offset` from there, `length` values
 *
 * No server dependency: the client imports this file.
 */

const arrayTypes = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
  uint32: Uint32Array,
  uint8: Uint8Array,
} as const
export type ColumnType = keyof typeof arrayTypes
export type ColumnArray<T extends ColumnType> = InstanceType<(typeof arrayTypes)[T]>

export interface ColumnSpec {
  type: ColumnType
  /** Byte offset from the end of the header. */
  offset: number
  /** Number of values. */
  length: number
}

export interface FrameHeader {
  version: number
  columns: Record<string, ColumnSpec>
}

export interface Frame<H extends FrameHeader> {
  header: H
  bytes: Uint8Array
  /** The column `name` as a typed array over the frame's bytes; throws unless it has that type. */
  column<T extends ColumnType>(name: keyof H['columns'] & string, type: T): ColumnArray<T>
}

/**
 * A frame of `fields` and zeroed columns, laid out in the order of `layout` (wider types first keeps
 * each column aligned to its size), to be filled through `column`.
 */
export function allocateFrame<H extends FrameHeader>(
  fields: Omit<H, 'columns'>,
  layout: Record<keyof H['columns'] & string, { type: ColumnType; length: number }>,
): Frame<H> {
  const columns: Record<string, ColumnSpec> = {}
  let bodyBytes = 0
  for (const [name, { type, length }] of Object.entries(layout) as [string, ColumnSpec][]) {
    columns[name] = { type, offset: bodyBytes, length }
    bodyBytes += length * arrayTypes[type].BYTES_PER_ELEMENT
  }
  const json = new TextEncoder().encode(JSON.stringify({ ...fields, columns }))
  const headerBytes = Math.ceil((4 + json.length) / 8) * 8 - 4
  const buffer = new ArrayBuffer(4 + headerBytes + bodyBytes)
  new DataView(buffer).setUint32(0, headerBytes, true)
  new Uint8Array(buffer, 4, headerBytes).fill(0x20).set(json)
  return readFrame<H>(buffer, 'columns', fields.version)
}

/** The frame in `buffer`; `kind` names it in errors. Throws unless its header is of `version`. */
export function readFrame<H extends FrameHeader>(
  buffer: ArrayBuffer,
  kind: string,
  version: number,
): Frame<H> {
  const headerBytes = new DataView(buffer).getUint32(0, true)
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, headerBytes))) as H
  if (header.version !== version) throw new Error(`${kind} of version ${header.version}, expected ${version}`)
  const body = 4 + headerBytes
  return {
    header,
    bytes: new Uint8Array(buffer),
    column: (name, type) => {
      const spec = header.columns[name]
      if (spec?.type !== type) throw new Error(`${kind}: no ${type} column "${name}"`)
      return new arrayTypes[type](buffer, body + spec.offset, spec.length) as ColumnArray<typeof type>
    },
  }
}
