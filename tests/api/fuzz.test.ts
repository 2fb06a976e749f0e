import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'
import { backend } from '../helpers/test-db.ts'

// Property-based tests (fast-check, both backends): whatever the query parameters or the GeoJSON
// uploaded, the answer is 2xx or 4xx, never 5xx, and a refused write leaves the data as it was.

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({ as: 'admin' })
})
afterAll(() => t?.close())

const counts = async () =>
  (
    await t.db.query<{ incidents: number; places: number; patrols: number }>(
      `SELECT (SELECT count(*) FROM incidents)::int AS incidents, (SELECT count(*) FROM places)::int AS places,
              (SELECT count(*) FROM patrols)::int AS patrols`,
    )
  )[0]

/** Values meant to break parsers: odd numbers, dates, SQL, unicode, long text. */
const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.double().map(String),
  fc.integer().map(String),
  fc.constantFrom(
    'NaN',
    'Infinity',
    '-0',
    '1e308',
    "' OR 1=1--",
    '1;DROP TABLE incidents',
    '2026-02-30',
    '2026-11-01T25:61:00Z',
    '119,30,121,31',
    '121,31,119,30',
    '119,30,121',
    '0,0,0,0',
    '-180,-90,180,90',
    'dumping,poaching',
    'dumping,,',
    '%00',
    '湖州',
    'x'.repeat(5000),
  ),
)

const routes = [
  '/api/incidents',
  '/api/incidents/stats',
  '/api/hotspots/clusters',
  '/api/patrols',
  '/api/boundary',
  '/api/layers/markets',
  '/api/export/incidents.csv',
  '/api/export/patrols.gpx',
]
const keys = [
  'bbox',
  'from',
  'to',
  'category',
  'status',
  'limit',
  'km',
  'eps',
  'min',
  'lang',
  'group',
  'chief',
  'kind',
]

describe(`fuzzed requests (${backend})`, () => {
  it('answers any query parameters with 2xx or 4xx and changes nothing', async () => {
    const before = await counts()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.dictionary(fc.constantFrom(...keys), hostile, { maxKeys: 4 }),
        async (route, params) => {
          const query = new URLSearchParams(params).toString()
          const response = await t.inject({ url: `${route}?${query}` })
          expect(response.statusCode, `${route}?${query}: ${response.body.slice(0, 200)}`).toBeLessThan(500)
        },
      ),
      { numRuns: 120, seed: 20261130 },
    )
    expect(await counts()).toEqual(before)
  })

  it('answers any GeoJSON upload with 2xx or 4xx; a refused one writes nothing', async () => {
    const coordinate = fc.oneof(
      fc.tuple(
        fc.double({ min: 119.2, max: 120.5, noNaN: true }),
        fc.double({ min: 30.4, max: 31.2, noNaN: true }),
      ),
      fc.tuple(fc.double(), fc.double()),
      fc.array(fc.double(), { maxLength: 4 }),
    )
    const geometry = fc.oneof(
      fc.record({ type: fc.constant('Point'), coordinates: coordinate }),
      fc.record({ type: fc.constant('LineString'), coordinates: fc.array(coordinate, { maxLength: 5 }) }),
      fc.record({
        type: fc.constantFrom('Polygon', 'Circle', ''),
        coordinates: fc.array(fc.array(coordinate)),
      }),
      fc.constantFrom(null, 42, 'POINT(120 30)'),
    )
    const feature = fc.record(
      {
        type: fc.constantFrom('Feature', 'feature', 'FeatureCollection'),
        id: fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant(null)),
        geometry,
        properties: fc.oneof(
          fc.record({ name_zh: fc.string(), name_en: fc.string() }, { requiredKeys: [] }),
          fc.constant(null),
          fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
        ),
      },
      { requiredKeys: ['type', 'geometry'] },
    )
    const upload = fc.oneof(
      fc.record({ type: fc.constant('FeatureCollection'), features: fc.array(feature, { maxLength: 4 }) }),
      fc.jsonValue({ maxDepth: 3 }),
    )
    await fc.assert(
      fc.asyncProperty(upload, fc.constantFrom('markets', 'rivers', 'nowhere'), async (body, layer) => {
        const before = await counts()
        const response = await t.inject({
          method: 'POST',
          url: `/api/import/${layer}`,
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        })
        const text = `${layer} ${JSON.stringify(body).slice(0, 300)}: ${response.statusCode} ${response.body.slice(0, 200)}`
        expect(response.statusCode, text).toBeLessThan(500)
        if (response.statusCode >= 400) expect(await counts(), text).toEqual(before)
      }),
      { numRuns: 80, seed: 20261130 },
    )
  })
})
