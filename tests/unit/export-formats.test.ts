import { describe, expect, it } from 'vitest'
import { csvField, csvLine, csvStream, geojsonStream, gpxStream } from '../../server/export/formats.ts'

const header = {
  dataset: 'incidents',
  filter: { from: '2026-10-01T00:00:00.000Z', category: 'dumping' },
  produced_at: '2026-11-30T00:00:00.000Z',
  produced_by: 'supervisor',
}

const collect = async (chunks: AsyncIterable<string>) => {
  let text = ''
  for await (const chunk of chunks) text += chunk
  return text
}

describe('CSV fields', () => {
  it('quotes commas, quotes and line breaks, doubling the quotes', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a, b')).toBe('"a, b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
  })

  it('keeps numbers, empties null and guards spreadsheet formulas', () => {
    expect(csvField(-3.5)).toBe('-3.5')
    expect(csvField(null)).toBe('')
    expect(csvField(Number.NaN)).toBe('')
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)")
    expect(csvField('-1')).toBe("'-1")
    expect(csvField('@x, y')).toBe(`"'@x, y"`)
    expect(csvLine([1, 'a,b', null])).toBe('1,"a,b",\r\n')
  })
})

describe('export streams', () => {
  it('writes the filter into the CSV header line, then the columns', async () => {
    const text = await collect(
      csvStream(header, ['id', 'name'], [{ id: 1, name: '湖州, "南太湖"' }], (r) => [r.id, r.name]),
    )
    expect(text).toBe(
      '\uFEFF# Shanshui incidents; from=2026-10-01T00:00:00.000Z; category=dumping; produced_at=2026-11-30T00:00:00.000Z; produced_by=supervisor\r\n' +
        'id,name\r\n1,"湖州, ""南太湖"""\r\n',
    )
  })

  it('writes valid GeoJSON with the filter as a foreign member, also with no features', async () => {
    const empty = JSON.parse(await collect(geojsonStream(header, [])))
    expect(empty).toEqual({ type: 'FeatureCollection', shanshui: header, features: [] })
    const one = JSON.parse(
      await collect(
        geojsonStream(header, [
          { type: 'Feature', id: 1, geometry: { type: 'Point', coordinates: [120, 30] }, properties: {} },
        ]),
      ),
    )
    expect(one.features).toHaveLength(1)
  })

  it('writes GPX with escaped names and timed points', async () => {
    const text = await collect(
      gpxStream(header, [
        { name: 'A & B <chief>', description: '', points: [[120.1, 30.9, Date.UTC(2026, 9, 1)]] },
      ]),
    )
    expect(text).toContain('<name>A &amp; B &lt;chief&gt;</name>')
    expect(text).toContain(
      '<trkpt lat="30.900000" lon="120.100000"><time>2026-10-01T00:00:00.000Z</time></trkpt>',
    )
    expect(text.trim().endsWith('</gpx>')).toBe(true)
  })
})
