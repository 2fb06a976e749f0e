import * as turf from '@turf/turf'
import type { Feature, LineString, Polygon } from 'geojson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'

// A quiet window: the demo world's patrols lie in the year before 2026-11-01, so March 2024 holds
// only the tracks planted here. Expected values are computed independently with turf (geodesic
// buffers and lengths), not with the SQL under test. The definitions are checked on the exact
// method; the cells kept at ingest (the default) must come near it (coverage-cells.test.ts).
const window = 'from=2024-03-01&to=2024-04-01'
const R = 200
const chief = 'test-coverage-chief'

const line = (coordinates: number[][]) => turf.lineString(coordinates)
/** The place lines and polygons planted, and the tracks driven along them. */
const L1 = line([
  [120.1, 30.83],
  [120.12, 30.83],
])
const T1 = line([
  [120.1, 30.8305],
  [120.1085, 30.8305],
])
const S1 = turf.polygon([
  [
    [120.13, 30.83],
    [120.1404, 30.83],
    [120.1404, 30.839],
    [120.13, 30.839],
    [120.13, 30.83],
  ],
])
const T2 = line([
  [120.135, 30.825],
  [120.135, 30.8345],
])
const L2 = line([
  [120.1, 30.81],
  [120.12, 30.81],
])
/** Along all of L2, but half of it before the window opens. */
const T3 = line([
  [120.1, 30.81],
  [120.12, 30.81],
])

const km = (f: Feature<LineString>) => turf.length(f, { units: 'kilometers' })

/** Length of `place` within R of `track`, in km: split at the buffer's edge, keep the parts inside. */
function coveredKm(place: Feature<LineString>, track: Feature<LineString>): number {
  const cover = turf.buffer(track, R / 1000, { units: 'kilometers', steps: 32 }) as Feature<Polygon>
  const pieces = turf.lineSplit(place, cover).features
  return (pieces.length ? pieces : [place])
    .filter((piece) => turf.booleanPointInPolygon(turf.along(piece, km(piece) / 2), cover))
    .reduce((sum, piece) => sum + km(piece), 0)
}

function coveredShare(place: Feature<Polygon>, track: Feature<LineString>): number {
  const cover = turf.buffer(track, R / 1000, { units: 'kilometers', steps: 32 }) as Feature<Polygon>
  const inside = turf.intersect(turf.featureCollection([place, cover]))
  return inside ? turf.area(inside) / turf.area(place) : 0
}

let t: TestApp

async function upload(track: Feature<LineString>, startIso: string, endIso: string) {
  const res = await t.inject({
    method: 'POST',
    url: '/api/patrols',
    payload: { ...track, properties: { chief_id: chief, started_at: startIso, ended_at: endIso } },
  })
  expect(res.statusCode).toBe(201)
}

beforeAll(async () => {
  t = await buildTestApp()
  await t.db.query(
    `INSERT INTO chiefs (id, name_zh, name_en, kind, district_code) VALUES ($1, '覆盖警长', 'Coverage Chief', 'river', 330502)`,
    [chief],
  )
  const places: [string, string, number, unknown][] = [
    ['test-cov-l1', 'river', 7, L1.geometry],
    ['test-cov-s1', 'forest', 14, S1.geometry],
    ['test-cov-l2', 'river', 7, L2.geometry],
    ['test-cov-m1', 'market', 3, { type: 'Point', coordinates: [120.105, 30.8315] }],
    ['test-cov-m2', 'market', 3, { type: 'Point', coordinates: [120.16, 30.83] }],
  ]
  for (const [id, kind, every, geometry] of places) {
    await t.db.query(
      `INSERT INTO places (id, kind, name_zh, name_en, district_code, patrol_every_days, geom)
       VALUES ($1, $2, '测试' || $1, 'Test ' || $1, 330502, $3, ST_SetSRID(ST_GeomFromGeoJSON($4), 4326))`,
      [id, kind, every, JSON.stringify(geometry)],
    )
  }
  await t.db.query(
    `INSERT INTO chief_places (chief_id, place_id)
     VALUES ($1, 'test-cov-l1'), ($1, 'test-cov-s1'), ($1, 'test-cov-m1'), ($1, 'test-cov-m2')`,
    [chief],
  )
  await upload(T1, '2024-03-05T02:00:00Z', '2024-03-05T02:20:00Z')
  await upload(T2, '2024-03-06T02:00:00Z', '2024-03-06T02:15:00Z')
  await upload(T3, '2024-02-29T23:30:00Z', '2024-03-01T00:30:00Z')
})

afterAll(async () => {
  await t?.close()
})

interface PlaceRow {
  id: string
  measure: 'length' | 'area' | 'visit'
  coverage: number
  covered_m?: number
  total_m?: number
  covered_m2?: number
  total_m2?: number
  weight_m: number
  last_patrolled_at: string | null
  patrols: number
  district_code: number | null
}

const coverage = async (query: string) => {
  const res = await t.inject({ url: `/api/coverage?${query}` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as {
    places: PlaceRow[]
    districts: { district_code: number | null; coverage: number; places: number }[]
    chiefs: { chief_id: string; coverage: number; places: number }[]
    params: { from: string; to: string; radius: number; method: string }
  }
}

const byId = (places: PlaceRow[], id: string) => places.find((p) => p.id === id) as PlaceRow

/** The weight a place has in totals, from the definition (docs/definitions.md), not from the API. */
const weight = (p: PlaceRow, radius: number) =>
  p.measure === 'length'
    ? (p.total_m as number)
    : p.measure === 'area'
      ? (p.total_m2 as number) / (2 * radius)
      : 2 * radius
const weightedMean = (places: PlaceRow[], radius: number) =>
  places.reduce((s, p) => s + p.coverage * weight(p, radius), 0) /
  places.reduce((s, p) => s + weight(p, radius), 0)

describe('GET /api/coverage on planted places', () => {
  it('a track along about half of a river gives the coverage turf computes (≈ 0.5)', async () => {
    const body = await coverage(`${window}&chief=${chief}&exact=true`)
    expect(body.params).toEqual({
      from: '2024-03-01T00:00:00.000Z',
      to: '2024-04-01T00:00:00.000Z',
      radius: R,
      method: 'exact',
    })
    const l1 = byId(body.places, 'test-cov-l1')
    const expected = coveredKm(L1, T1) / km(L1)
    expect(expected).toBeGreaterThan(0.45)
    expect(expected).toBeLessThan(0.55)
    expect(l1.measure).toBe('length')
    expect(l1.coverage).toBeCloseTo(expected, 2)
    expect((l1.covered_m as number) / (l1.total_m as number)).toBeCloseTo(l1.coverage, 3)
    expect(l1.total_m as number).toBeCloseTo(km(L1) * 1000, -1)
    expect(l1).toMatchObject({ last_patrolled_at: '2024-03-05T02:20:00.000Z', patrols: 1 })
  })

  it('a track through a forest zone covers the share of its area turf computes', async () => {
    const s1 = byId((await coverage(`${window}&chief=${chief}&exact=true`)).places, 'test-cov-s1')
    expect(s1.measure).toBe('area')
    expect(s1.coverage).toBeCloseTo(coveredShare(S1, T2), 2)
    expect(s1.total_m2 as number).toBeGreaterThan(0.95e6)
  })

  it('only the part of a track driven inside the window counts', async () => {
    const l2 = byId((await coverage(`${window}&place=test-cov-l2&exact=true`)).places, 'test-cov-l2')
    const inWindow = turf.lineSliceAlong(T3, km(T3) / 2, km(T3))
    expect(l2.coverage).toBeCloseTo(coveredKm(L2, inWindow) / km(L2), 2)
    expect(l2.coverage).toBeGreaterThan(0.55)
    expect(l2.coverage).toBeLessThan(0.65)
  })

  it('the cells come near the exact figures of the planted places; sites are the same', async () => {
    const exact = await coverage(`${window}&chief=${chief}&exact=true`)
    const cells = await coverage(`${window}&chief=${chief}`)
    expect(cells.params.method).toBe('cells')
    for (const e of exact.places) {
      const c = byId(cells.places, e.id)
      expect(Math.abs(c.coverage - e.coverage), e.id).toBeLessThan(e.measure === 'visit' ? 1e-9 : 0.12)
      expect(c.patrols, e.id).toBe(e.patrols)
      expect(c.last_patrolled_at, e.id).toBe(e.last_patrolled_at)
    }
    const l2 = byId((await coverage(`${window}&place=test-cov-l2`)).places, 'test-cov-l2')
    expect(l2.coverage, 'half the track was driven before the window').toBeLessThan(0.75)
  })

  it('points are visited or not', async () => {
    const body = await coverage(`${window}&chief=${chief}`)
    expect(byId(body.places, 'test-cov-m1')).toMatchObject({ measure: 'visit', coverage: 1, patrols: 1 })
    expect(byId(body.places, 'test-cov-m2')).toMatchObject({ measure: 'visit', coverage: 0, patrols: 0 })
    expect(byId(body.places, 'test-cov-m2').last_patrolled_at).toBeNull()
  })

  it("the chief's total is the weighted mean of the chief's places", async () => {
    const body = await coverage(`${window}&chief=${chief}`)
    expect(body.places.map((p) => p.id).sort()).toEqual([
      'test-cov-l1',
      'test-cov-m1',
      'test-cov-m2',
      'test-cov-s1',
    ])
    const mine = body.chiefs.find((c) => c.chief_id === chief)
    expect(mine?.places).toBe(4)
    expect(mine?.coverage).toBeCloseTo(weightedMean(body.places, R), 3)
  })

  it('a smaller radius covers less: at 20 m the track 55 m off the river covers nothing', async () => {
    const body = await coverage(`${window}&chief=${chief}&radius=20`)
    expect(byId(body.places, 'test-cov-l1').coverage).toBe(0)
    expect(body.params.radius).toBe(20)
  })

  it('answers 400 for a bad radius, kind or window', async () => {
    for (const query of [
      'radius=5',
      'radius=5000',
      'kind=volcano',
      'from=2024-04-01&to=2024-03-01',
      'from=2022-01-01&to=2024-01-01',
      'to=soon',
    ]) {
      const res = await t.inject({ url: `/api/coverage?${query}` })
      expect(res.statusCode, query).toBe(400)
      expect(res.json().error).toBe('Bad Request')
    }
  })
})

describe('GET /api/coverage on the demo world', () => {
  it('coverage per district equals the weighted mean of its places', async () => {
    const body = await coverage('from=2026-10-01&to=2026-11-01')
    expect(body.places.some((p) => p.patrols > 0)).toBe(true)
    expect(body.districts.length).toBeGreaterThanOrEqual(5)
    for (const district of body.districts) {
      const places = body.places.filter((p) => p.district_code === district.district_code)
      expect(district.places).toBe(places.length)
      expect(district.coverage, String(district.district_code)).toBeCloseTo(weightedMean(places, R), 3)
    }
    for (const p of body.places) {
      expect(p.coverage).toBeGreaterThanOrEqual(0)
      expect(p.coverage).toBeLessThanOrEqual(1)
    }
  })
})

describe('GET /api/coverage/grid', () => {
  it('spreads the planted tracks over hexagons: kilometres and hours add up', async () => {
    const res = await t.inject({
      url: `/api/coverage/grid?${window}&cell=500&bbox=120.09,30.8,120.15,30.845`,
    })
    expect(res.statusCode).toBe(200)
    const grid = res.json()
    expect(grid).toMatchObject({ type: 'FeatureCollection', truncated: false, params: { cell: 500 } })
    const total = (key: 'km' | 'hours') =>
      grid.features.reduce(
        (s: number, f: { properties: Record<string, number> }) => s + (f.properties[key] ?? 0),
        0,
      )
    const expectedKm = km(T1) + km(T2) + km(T3) / 2
    expect(total('km')).toBeGreaterThan(expectedKm * 0.99)
    expect(total('km')).toBeLessThan(expectedKm * 1.01)
    expect(total('hours')).toBeCloseTo(20 / 60 + 15 / 60 + 30 / 60, 2)
    for (const f of grid.features) {
      const ring = f.geometry.coordinates[0]
      expect(ring).toHaveLength(7)
      expect(ring[0]).toEqual(ring[6])
      expect(f.id).toBe(`${f.properties.q},${f.properties.r}`)
    }
    // Every cell with effort lies on a track: its hexagon comes within a cell of one.
    for (const f of grid.features) {
      const centre = turf.centroid(f)
      const near = [T1, T2, T3].some((tr) => turf.pointToLineDistance(centre, tr, { units: 'meters' }) < 500)
      expect(near).toBe(true)
    }
  })

  it('answers 400 for a cell outside 100 m .. 20 km', async () => {
    expect((await t.inject({ url: `/api/coverage/grid?${window}&cell=50` })).statusCode).toBe(400)
    expect((await t.inject({ url: `/api/coverage/grid?${window}&cell=50000` })).statusCode).toBe(400)
  })
})
