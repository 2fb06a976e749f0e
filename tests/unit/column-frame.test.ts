import { describe, expect, it } from 'vitest'
import { allocateFrame, type ColumnSpec, readFrame } from '../../server/domain/column-frame.ts'

// The framed-columns layout that the hotspot and incident answers share.

interface TestHeader {
  version: 2
  name: string
  columns: { wide: ColumnSpec; narrow: ColumnSpec }
}

const allocate = (name: string, length: number) =>
  allocateFrame<TestHeader>(
    { version: 2, name },
    { wide: { type: 'float64', length }, narrow: { type: 'uint8', length: length + 1 } },
  )

describe('column frame', () => {
  it('reads back the header and the columns written into its bytes', () => {
    const written = allocate('a', 3)
    written.column('wide', 'float64').set([1.5, Number.NaN, -2])
    written.column('narrow', 'uint8').set([7, 8, 9, 255])
    const read = readFrame<TestHeader>(written.bytes.buffer as ArrayBuffer, 'test frame', 2)
    expect(read.header.name).toBe('a')
    expect([...read.column('wide', 'float64')]).toEqual([1.5, Number.NaN, -2])
    expect([...read.column('narrow', 'uint8')]).toEqual([7, 8, 9, 255])
  })

  it('starts the columns on a multiple of 8 bytes whatever the header length', () => {
    for (const name of ['', 'x', 'xy', 'xyz', 'xyzw', 'xyzwv', 'xyzwvu', 'xyzwvut']) {
      const frame = allocate(name, 2)
      const headerBytes = new DataView(frame.bytes.buffer).getUint32(0, true)
      expect((4 + headerBytes) % 8).toBe(0)
      expect(frame.column('wide', 'float64').byteOffset % 8).toBe(0)
      expect(frame.bytes.length).toBe(4 + headerBytes + 2 * 8 + 3)
    }
  })

  it('refuses another version and a column of another type or name', () => {
    const bytes = allocate('a', 1).bytes.buffer as ArrayBuffer
    expect(() => readFrame<TestHeader>(bytes, 'test frame', 1)).toThrow('test frame of version 2, expected 1')
    const frame = readFrame<TestHeader>(bytes, 'test frame', 2)
    expect(() => frame.column('wide', 'float32')).toThrow('test frame: no float32 column "wide"')
    expect(() => frame.column('missing' as 'wide', 'float64')).toThrow('no float64 column "missing"')
  })
})
