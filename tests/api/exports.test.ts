import { gpx } from '@tmcw/togeojson'
import { DOMParser } from '@xmldom/xmldom'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'
import { backend } from '../helpers/test-db.ts'

// Exports through the API (both backends): the files parsed back by independent readers (a CSV
// parser written here, PostGIS for GeoJSON, togeojson for GPX) and compared with the API's lists.

let t: TestApp
const window = 'from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z'

beforeAll(async () => {
  t = await buildTestApp()
})
afterAll(() => t?.close())

/** RFC 4180: fields separated by commas, quoted fields may hold commas, "" and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i++
    } else field += c
  }
  if (field || row.length) rows.push([...row, field])
  return rows
}

/** The comment line, the column names and the records of a CSV export. */
function readCsv(body: string) {
  expect(body.startsWith('\uFEFF# Shanshui ')).toBe(true)
  const [comment, columns, ...records] = parseCsv(body.slice(1))
  return { comment: (comment ?? []).join(','), columns: columns ?? [], records }
}

describe(`exports (${backend})`, () => {
  it('streams incidents as CSV with the filter in its header, one record per incident of the list', async () => {
    const response = await t.inject({ url: `/api/export/incidents.csv?${window}&lang=en` })
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200)
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(response.headers['content-disposition']).toMatch(
      /attachment; filename="shanshui-incidents-2026-11-01.csv"/,
    )
    const { comment, columns, records } = readCsv(response.body)
    expect(comment).toMatch(/from=2026-10-01T00:00:00.000Z; to=2026-11-01T00:00:00.000Z/)
    expect(comment).toMatch(/produced_by=coordinator/)
    expect(columns.slice(0, 3)).toEqual(['id', 'category', 'status'])
    const list = (await t.inject({ url: `/api/incidents?${window}&limit=20000` })).json()
    expect(records).toHaveLength(list.count)
    expect(new Set(records.map((r) => Number(r[0])))).toEqual(
      new Set(list.features.map((f: { id: number }) => f.id)),
    )
    // Names in the language asked for, as the incident list gives them.
    const district = columns.indexOf('district')
    const zh = readCsv((await t.inject({ url: `/api/export/incidents.csv?${window}&lang=zh-CN` })).body)
    type Listed = { id: number; properties: { district: { name_zh: string; name_en: string } | null } }
    for (const feature of (list.features as Listed[]).slice(0, 50)) {
      const en = records.find((r) => Number(r[0]) === feature.id)
      const cn = zh.records.find((r) => Number(r[0]) === feature.id)
      expect(en?.[district]).toBe(feature.properties.district?.name_en ?? '')
      expect(cn?.[district]).toBe(feature.properties.district?.name_zh ?? '')
    }
    expect(records.some((r) => r[district] !== '')).toBe(true)
  })

  it('escapes commas, quotes and line breaks in CSV', async () => {
    const description = 'nets, "many" of them\nand =HYPERLINK("x")'
    const created = await t.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: {
        category: 'illegal_fishing',
        location: { type: 'Point', coordinates: [120.1, 30.9] },
        occurred_at: new Date(Date.now() - 60_000).toISOString(),
        source: 'patrol',
        description,
      },
    })
    expect(created.statusCode).toBe(201)
    const id = created.json().id
    const to = new Date(Date.now() + 60_000).toISOString()
    const { columns, records } = readCsv(
      (
        await t.inject({
          url: `/api/export/incidents.csv?from=2026-11-01T00:00:00Z&to=${to}&category=illegal_fishing`,
        })
      ).body,
    )
    const record = records.find((r) => Number(r[0]) === id)
    expect(record?.[columns.indexOf('description')]).toBe(description)
  })

  it('writes names with commas and quotes so that they read back whole', async () => {
    const query = 'from=2026-10-25T00:00:00Z&to=2026-11-01T00:00:00Z&lang=en'
    const before = readCsv((await t.inject({ url: `/api/export/patrols.csv?${query}` })).body)
    const chief = before.columns.indexOf('chief')
    const named = before.records.find((r) => (r[chief] ?? '') !== '')
    if (!named) throw new Error('no patrol with a chief in the window')
    const odd = 'Li, "Little" Bin'
    await t.db.query(`UPDATE chiefs SET name_en = $1 WHERE name_en = $2`, [odd, named[chief]])
    const after = readCsv((await t.inject({ url: `/api/export/patrols.csv?${query}` })).body)
    expect(after.columns).toEqual(before.columns)
    expect(after.records.find((r) => r[0] === named[0])?.[chief]).toBe(odd)
    expect(after.records.every((r) => r.length === after.columns.length)).toBe(true)
  })

  it('exports incidents as GeoJSON that PostGIS reads back to the same points', async () => {
    const response = await t.inject({ url: `/api/export/incidents.geojson?${window}&category=dumping` })
    expect(response.statusCode).toBe(200)
    const collection = response.json()
    expect(collection.shanshui.filter).toMatchObject({ category: 'dumping' })
    expect(collection.features.length).toBeGreaterThan(0)
    // Into a scratch layer (PostGIS reads the file), then compared with the stored incidents.
    await t.db.query(
      `CREATE TABLE scratch_export AS
       SELECT (feature ->> 'id')::int AS id, feature -> 'properties' ->> 'category' AS category,
              ST_SetSRID(ST_GeomFromGeoJSON(feature ->> 'geometry'), 4326) AS geom
         FROM json_array_elements($1::json -> 'features') AS feature`,
      [response.body],
    )
    const [check] = await t.db.query<{ n: number; matched: number; far: number }>(
      `SELECT count(*)::int AS n,
              count(i.id)::int AS matched,
              count(*) FILTER (WHERE ST_Distance(s.geom::geography, i.geom::geography) > 0.5
                                  OR s.category <> i.category)::int AS far
         FROM scratch_export s LEFT JOIN incidents i ON i.id = s.id`,
    )
    await t.db.query('DROP TABLE scratch_export')
    expect(check).toEqual({ n: collection.features.length, matched: collection.features.length, far: 0 })
  })

  it('exports patrols as GPX with timed points, one track per patrol of the CSV', async () => {
    const query = 'from=2026-10-25T00:00:00Z&to=2026-11-01T00:00:00Z&lang=en'
    const gpxResponse = await t.inject({ url: `/api/export/patrols.gpx?${query}` })
    expect(gpxResponse.statusCode).toBe(200)
    expect(gpxResponse.headers['content-type']).toBe('application/gpx+xml; charset=utf-8')
    const tracks = gpx(new DOMParser().parseFromString(gpxResponse.body, 'text/xml') as unknown as Document)
    const csv = readCsv((await t.inject({ url: `/api/export/patrols.csv?${query}` })).body)
    expect(tracks.features.length).toBe(csv.records.length)
    expect(tracks.features.length).toBeGreaterThan(0)
    const first = tracks.features[0]
    if (!first) throw new Error('no track in the GPX')
    const times = first.properties?.coordinateProperties?.times as string[]
    expect(times).toHaveLength((first.geometry as { coordinates: unknown[] }).coordinates.length)
    expect(Date.parse(times[0] ?? '')).toBeGreaterThan(Date.parse('2026-10-20T00:00:00Z'))
  })

  it('exports the gaps the gap list shows, with their outlines', async () => {
    const list = (await t.inject({ url: `/api/coverage/gaps?${window}&limit=5000` })).json()
    const csv = readCsv((await t.inject({ url: `/api/export/gaps.csv?${window}` })).body)
    expect(csv.records.map((r) => r[0])).toEqual(list.gaps.map((g: { place: { id: string } }) => g.place.id))
    const geojson = (await t.inject({ url: `/api/export/gaps.geojson?${window}&lang=en` })).json()
    expect(geojson.features).toHaveLength(list.total)
    for (const f of geojson.features) expect(f.geometry?.type).toMatch(/Point|LineString|Polygon/)
  })

  it('refuses an unknown dataset, a format it lacks or a bad filter with 400; anonymous callers with 401', async () => {
    for (const url of [
      '/api/export/chiefs.csv',
      '/api/export/incidents.gpx',
      '/api/export/incidents.csv?category=arson',
      '/api/export/incidents.csv?bbox=1,2,3',
      '/api/export/incidents.csv?from=2026-11-01T00:00:00Z&to=2026-10-01T00:00:00Z',
      '/api/export/incidents.csv?lang=fr',
      '/api/export/..%2Fetc.csv',
    ]) {
      const response = await t.inject({ url })
      expect(response.statusCode, url).toBe(400)
    }
    expect((await t.injectAs(null, { url: '/api/export/incidents.csv' })).statusCode).toBe(401)
  })
})
