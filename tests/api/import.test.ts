import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'

// POST /api/import/:layer through app.inject: every bad fixture is refused with one detail per
// problem and nothing written; valid files appear in GET /api/layers/:layer; re-imports update.

const fixtureText = (name: string) =>
  readFileSync(new URL(`../fixtures/import-${name}.geojson`, import.meta.url), 'utf8')

interface Feature {
  id: string
  geometry: { type: string; coordinates: unknown }
  properties: Record<string, unknown> & { properties: Record<string, unknown> }
}

let test: TestApp
beforeAll(async () => {
  test = await buildTestApp({ as: 'admin' })
})
afterAll(() => test?.close())

const post = (layer: string, payload: string, contentType = 'application/json') =>
  test.inject({
    method: 'POST',
    url: `/api/import/${encodeURIComponent(layer)}`,
    headers: { 'content-type': contentType },
    payload,
  })

const placeCount = async () =>
  (await test.db.query<{ n: number }>('SELECT count(*)::integer AS n FROM places'))[0]?.n ?? 0

async function layerFeatures(layer: string): Promise<Map<string, Feature>> {
  const response = await test.inject({ method: 'GET', url: `/api/layers/${layer}` })
  expect(response.statusCode).toBe(200)
  return new Map((response.json().features as Feature[]).map((f) => [f.id, f]))
}

describe('POST /api/import/:layer refuses bad uploads and writes nothing', () => {
  type Case = {
    fixture: string
    layer: string
    problems: [index: number, id: string | undefined, reason: RegExp][]
  }
  const cases: Case[] = [
    {
      fixture: 'no-geometry',
      layer: 'rivers',
      problems: [
        [1, 'nogeom-null', /has no geometry/],
        [2, 'nogeom-missing', /has no geometry/],
      ],
    },
    {
      fixture: 'empty-geometry',
      layer: 'reservoirs',
      problems: [
        [0, 'empty-polygon', /geometry is empty/],
        [1, 'empty-multipolygon', /geometry is empty/],
      ],
    },
    {
      fixture: 'self-intersecting',
      layer: 'reservoirs',
      problems: [[1, 'bowtie', /self-intersection at or near point 119\.6 30\.5/]],
    },
    {
      fixture: 'out-of-range',
      layer: 'forests',
      problems: [
        [0, 'range-lon', /longitude 199\.5 is outside -180\.\.180/],
        [1, 'range-swapped', /latitude 119\.5 is outside -90\.\.90/],
      ],
    },
    {
      fixture: 'wrong-geometry-type',
      layer: 'rivers',
      problems: [
        [0, 'type-point', /geometry is a Point, but the rivers layer takes LineString or MultiLineString/],
        [
          1,
          'type-polygon',
          /geometry is a Polygon, but the rivers layer takes LineString or MultiLineString/,
        ],
      ],
    },
    {
      fixture: 'wrong-property-types',
      layer: 'markets',
      problems: [
        [0, 'props-weekly', /patrol_every_days must be a positive whole number of days, got "weekly"/],
        [1, 'props-fraction', /district_code must be a positive integer .*, got 3\.5/],
        [2, 'props-number-name', /name_zh must be a non-empty string, got 42/],
        [3, 'props-zero-days', /patrol_every_days .*, got 0/],
        [4, 'props-three-wrongs', /has no name/],
        [4, 'props-three-wrongs', /name_en must be a non-empty string/],
        [4, 'props-three-wrongs', /district_code .*, got "330502"/],
      ],
    },
    {
      fixture: 'duplicate-ids',
      layer: 'rivers',
      problems: [
        [1, 'dup-a', /duplicate id 'dup-a' \(also at index 0\)/],
        [3, '7', /duplicate id '7' \(also at index 2\)/],
        [4, 'dup-a', /duplicate id 'dup-a' \(also at index 0\)/],
      ],
    },
    {
      fixture: 'missing-id',
      layer: 'roads',
      problems: [
        [0, undefined, /has no id/],
        [1, undefined, /id must be a non-empty string or a number, got true/],
        [2, undefined, /id '12' and properties\.id 'road-12' differ/],
      ],
    },
    {
      fixture: 'malformed-geometry',
      layer: 'projects',
      problems: [
        [0, 'malformed-open-ring', /coordinates\[0\]: the first and last positions must be equivalent/],
        [1, 'malformed-position', /coordinates\[0\]\[1\]: position must be at least two elements/],
        [2, 'malformed-type', /type must be one of/],
      ],
    },
    {
      fixture: 'id-of-another-layer',
      layer: 'rivers',
      problems: [[0, 'lake-taihu', /id 'lake-taihu' is already a lake \(layer lakes\)/]],
    },
  ]

  it.each(cases)('$fixture → 422 with one detail per problem', async ({ fixture, layer, problems }) => {
    const before = await placeCount()
    const response = await post(layer, fixtureText(fixture))
    expect(response.statusCode).toBe(422)
    const body = response.json()
    expect(body.error).toBe('Unprocessable Entity')
    expect(body.message).toMatch(/^\d+ problems? in \d+ of \d+ features?; nothing was imported$/)
    expect(body.details).toHaveLength(problems.length)
    problems.forEach(([index, id, reason], i) => {
      expect(body.details[i]).toEqual({
        index,
        ...(id === undefined ? {} : { id }),
        reason: expect.stringMatching(new RegExp(`^feature ${index}: .*${reason.source}`)),
      })
    })
    expect(await placeCount()).toBe(before)
  })

  it('the valid features of a refused upload are not written either', async () => {
    expect((await post('reservoirs', fixtureText('self-intersecting'))).statusCode).toBe(422)
    expect((await layerFeatures('reservoirs')).has('bowtie-ok')).toBe(false)
  })

  it.each([
    [
      'a single Feature',
      'rivers',
      fixtureText('not-feature-collection'),
      /single Feature; wrap it in a FeatureCollection/,
    ],
    [
      'broken JSON',
      'rivers',
      '{"type": "FeatureCollection", "features": [',
      /^the body is not valid JSON: \S/,
    ],
    ['an empty body', 'rivers', '', /the body is empty/],
    [
      'an empty FeatureCollection',
      'lakes',
      '{"type": "FeatureCollection", "features": []}',
      /has no features/,
    ],
    [
      'features that are not an array',
      'lakes',
      '{"type": "FeatureCollection", "features": {}}',
      /"features" must be an array/,
    ],
    ['a JSON array', 'lakes', '[]', /must be a GeoJSON FeatureCollection/],
  ])('%s → 400 with the reason', async (_, layer, payload, message) => {
    const before = await placeCount()
    const response = await post(layer, payload)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({
      error: 'Bad Request',
      message: expect.stringMatching(message),
      details: [],
    })
    expect(await placeCount()).toBe(before)
  })

  it('an unknown layer → 404 listing the layers that take imports', async () => {
    for (const layer of ['volcanoes', 'stations', 'toString']) {
      const response = await post(layer, fixtureText('valid-rivers'))
      expect(response.statusCode, layer).toBe(404)
      expect(response.json().message).toMatch(
        new RegExp(
          `no place layer "${layer}".*rivers, lakes, reservoirs, forests, mines, markets, roads, projects, scenic, water_sources`,
        ),
      )
    }
  })

  it('another media type → 415, plain text → 400', async () => {
    expect((await post('rivers', fixtureText('valid-rivers'), 'application/xml')).statusCode).toBe(415)
    const text = await post('rivers', fixtureText('valid-rivers'), 'text/plain')
    expect(text.statusCode).toBe(400)
    expect(text.json().message).toMatch(/got a string; send the FeatureCollection as application\/json/)
  })
})

describe('POST /api/import/:layer imports valid uploads', () => {
  it('creates the features, which then appear in GET /api/layers/:layer', async () => {
    const before = await placeCount()
    const response = await post('rivers', fixtureText('valid-rivers'))
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ imported: 3, created: 3, updated: 0 })
    expect(await placeCount()).toBe(before + 3)

    const rivers = await layerFeatures('rivers')
    expect(rivers.get('import-river-xitiaoxi')?.properties).toMatchObject({
      kind: 'river',
      name_zh: '西苕溪（上游）',
      name_en: 'Xitiao Stream (upper)',
      district_code: 330523,
      patrol_every_days: 7,
      properties: { source: 'survey 2024' },
    })
    expect(rivers.get('import-river-xitiaoxi')?.geometry).toEqual({
      type: 'LineString',
      coordinates: [
        [119.48, 30.62],
        [119.55, 30.55],
        [119.62, 30.52],
        [119.7, 30.6],
      ],
    })
    expect(rivers.get('20240101')?.properties).toMatchObject({ name_en: '浑泥港', patrol_every_days: 3 })
    expect(rivers.get('20240101')?.geometry.type).toBe('MultiLineString')
    expect(rivers.get('import-river-nanxi')?.properties).toMatchObject({
      name_zh: '南溪',
      properties: { length_km: 9.5 },
    })
  })

  it('a re-import of the same ids updates them and never duplicates', async () => {
    const before = await placeCount()
    const changed = fixtureText('valid-rivers').replace('西苕溪（上游）', '西苕溪（上游，改）')
    const response = await post('rivers', changed)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ imported: 3, created: 0, updated: 3 })
    expect(await placeCount()).toBe(before)
    expect((await layerFeatures('rivers')).get('import-river-xitiaoxi')?.properties.name_zh).toBe(
      '西苕溪（上游，改）',
    )
  })

  it('updates a place of the test world: geometry, names, properties, patrol target', async () => {
    const lakes = await layerFeatures('lakes')
    expect(lakes.has('lake-taihu'), 'the test world has Taihu as lake-taihu').toBe(true)
    const before = await placeCount()
    const response = await post('lakes', fixtureText('update-lake'))
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ imported: 1, created: 0, updated: 1 })
    expect(await placeCount()).toBe(before)
    const taihu = (await layerFeatures('lakes')).get('lake-taihu')
    expect(taihu?.properties).toMatchObject({
      name_zh: '太湖',
      name_en: 'Taihu (re-surveyed)',
      patrol_every_days: 5,
      properties: { source: 're-survey upload' },
    })
    expect(taihu?.geometry).toEqual(JSON.parse(fixtureText('update-lake')).features[0].geometry)
  })

  it('keeps names with spaces, quotes, commas and Chinese exactly, and fills the district', async () => {
    const response = await post('markets', fixtureText('tricky-names'))
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ imported: 3, created: 3, updated: 0 })
    const markets = await layerFeatures('markets')
    expect(markets.get('market hongfeng, 1')?.properties).toMatchObject({
      name_zh: '红丰 农贸市场（吴兴区）',
      name_en: `Hongfeng "Farmers'" Market, Wuxing`,
      district_code: 330502,
    })
    expect(markets.get("market-o'brien")?.properties).toMatchObject({
      name_zh: `  O'Brien's "Fish" Stall; 2nd floor, back\\door  `,
      name_en: `  O'Brien's "Fish" Stall; 2nd floor, back\\door  `,
    })
    expect(markets.get('market-织里')?.properties.name_zh).toBe('织里 "童装" 市场, 北区')
  })

  it('takes application/geo+json as well', async () => {
    const mine = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          id: 'import-mine-geojson-type',
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [119.7, 30.8],
                [119.71, 30.8],
                [119.71, 30.81],
                [119.7, 30.81],
                [119.7, 30.8],
              ],
            ],
          },
          properties: { name_zh: '测试矿区' },
        },
      ],
    }
    for (const contentType of ['application/geo+json', 'application/geo+json; charset=utf-8']) {
      const response = await post('mines', JSON.stringify(mine), contentType)
      expect(response.statusCode, contentType).toBe(200)
    }
    expect((await layerFeatures('mines')).get('import-mine-geojson-type')?.properties).toMatchObject({
      name_en: '测试矿区',
      patrol_every_days: 14,
    })
    const broken = await post('mines', '{"type":', 'application/geo+json')
    expect(broken.statusCode).toBe(400)
    expect(broken.json().message).toMatch(/^the body is not valid JSON/)
  })
})

describe('POST /api/import/:layer over the body limit', () => {
  let small: TestApp
  beforeAll(async () => {
    small = await buildTestApp({ bodyLimit: 1024, as: 'admin' })
  })
  afterAll(() => small?.close())

  it.each(['application/json', 'application/geo+json'])(
    '→ 413 naming the limit (%s)',
    async (contentType) => {
      const market = (i: number) => ({
        type: 'Feature',
        id: `import-market-big-${i}`,
        geometry: { type: 'Point', coordinates: [120.02, 30.79] },
        properties: { name_zh: `市场 ${i}` },
      })
      const features = Array.from({ length: 20 }, (_, i) => market(i))
      const payload = JSON.stringify({ type: 'FeatureCollection', features })
      expect(Buffer.byteLength(payload)).toBeGreaterThan(1024)
      const count = async () =>
        (await small.db.query<{ n: number }>('SELECT count(*)::integer AS n FROM places'))[0]?.n
      const before = await count()
      const response = await small.inject({
        method: 'POST',
        url: '/api/import/markets',
        headers: { 'content-type': contentType },
        payload,
      })
      expect(response.statusCode).toBe(413)
      expect(response.json()).toEqual({
        error: 'Payload Too Large',
        message: expect.stringContaining('limit of 1024 bytes'),
        details: [],
      })
      expect(response.json().message).toMatch(/SHANSHUI_BODY_LIMIT_MB/)
      expect(await count()).toBe(before)
    },
  )
})
