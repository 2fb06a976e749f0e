import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db/db.ts'
import {
  epsg4549ToLonLat,
  hexBinSql,
  hexCentre,
  hexKey,
  hexOfPoint,
  lonLatToEpsg4549,
} from '../../server/domain/hex-grid.ts'
import { decodeHotspotColumns, hotspotProperties } from '../../server/domain/hotspot-columns.ts'
import { twkbLines } from '../../server/domain/hotspots.ts'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'

// The demo world's incidents and patrols lie in the year before 2026-11-01; the scenarios below are
// planted in earlier years, one year each, so that each window holds only what its test put there.
const years = { cluster: 2019, uniform: 2018, growing: 2017, clusters: 2016, fading: 2015 }
const yearWindow = (year: number) => `from=${year}-01-01&to=${year + 1}-01-01`

const cell = 500
/** The hexagon (at 500 m) around a spot in Anji, where every scenario is planted. */
const [anjiX, anjiY] = lonLatToEpsg4549(119.68, 30.63)
const origin = hexOfPoint(anjiX, anjiY, cell)

interface Planted {
  x: number
  y: number
  at: string
  category?: string
}

/** Inserts incidents at metric (EPSG:4549) positions. */
async function plant(db: Db, rows: Planted[]): Promise<void> {
  await db.query(
    `INSERT INTO incidents (category, source, occurred_at, geom)
     SELECT c, 'app', at::timestamptz, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), 4549), 4326)
       FROM unnest($1::float8[], $2::float8[], $3::text[], $4::text[]) AS u(x, y, at, c)`,
    [
      rows.map((r) => r.x),
      rows.map((r) => r.y),
      rows.map((r) => r.at),
      rows.map((r) => r.category ?? 'poaching'),
    ],
  )
}

/** A patrol along a straight metric line, its M running evenly from start to end. */
async function plantPatrol(db: Db, from: [number, number], to: [number, number], start: string, end: string) {
  await db.query(
    `INSERT INTO patrols (kind, status, started_at, ended_at, track)
     VALUES ('actual', 'closed', $5::timestamptz, $6::timestamptz,
             ST_Transform(ST_SetSRID(ST_MakeLine(ST_MakePointM($1, $2, extract(epoch FROM $5::timestamptz)),
                                                 ST_MakePointM($3, $4, extract(epoch FROM $6::timestamptz))), 4549), 4326))`,
    [from[0], from[1], to[0], to[1], start, end],
  )
}

/** The centre of the cell `dq, dr` steps (axial) from the origin cell, moved by (dx, dy) metres. */
function at(dq: number, dr: number, dx = 0, dy = 0): { x: number; y: number } {
  const [x, y] = hexCentre({ q: origin.q + dq, r: origin.r + dr }, cell)
  return { x: x + dx, y: y + dy }
}

/** A roughly square block of k × k cells (offset rows), as axial steps from the origin. */
function block(k: number): [number, number][] {
  const cells: [number, number][] = []
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) cells.push([i, j - Math.floor(i / 2)])
  return cells
}

/** A cell as the GeoJSON form gives it; from the columns, without the polygon. */
interface HotspotFeature {
  id: string
  properties: {
    q: number
    r: number
    count: number
    z: number
    p: number
    class: string
    effort_km: number
    per_100km: number | null
  }
}

/**
 * Gi* written out again for the test, independently of statistics.ts: for each returned cell, the
 * cell and those of its six axial neighbours that were returned, binary weights.
 */
function referenceZ(features: HotspotFeature[]): Map<string, number> {
  const counts = new Map(features.map((f) => [`${f.properties.q},${f.properties.r}`, f.properties.count]))
  const xs = [...counts.values()]
  const n = xs.length
  const mean = xs.reduce((a, b) => a + b, 0) / n
  const sd = Math.sqrt(xs.reduce((a, b) => a + b * b, 0) / n - mean * mean)
  const around = [
    [0, 0],
    [1, 0],
    [-1, 0],
    [0, 1],
    [0, -1],
    [1, -1],
    [-1, 1],
  ]
  const z = new Map<string, number>()
  for (const f of features) {
    const { q, r } = f.properties
    const present = around
      .map(([a, b]) => counts.get(`${q + (a as number)},${r + (b as number)}`))
      .filter((c) => c !== undefined)
    const w = present.length
    const sum = present.reduce((a, b) => a + b, 0)
    z.set(f.id, (sum - mean * w) / (sd * Math.sqrt((n * w - w * w) / (n - 1))))
  }
  return z
}

describe('hotspots API', () => {
  let t: TestApp
  const get = async (url: string) => {
    const res = await t.inject({ url })
    return { status: res.statusCode, body: res.json(), type: res.headers['content-type'] }
  }
  /** GET /api/hotspots in its default form, the columns, decoded; `features` as the GeoJSON form's. */
  const hotspots = async (query: string) => {
    const res = await t.inject({ url: `/api/hotspots?${query}` })
    expect(res.statusCode, res.body.slice(0, 200)).toBe(200)
    expect(res.headers['content-type']).toMatch(/application\/octet-stream/)
    const bytes = res.rawPayload
    const body = decodeHotspotColumns(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    )
    const features: HotspotFeature[] = Array.from(body.z.keys(), (i) => {
      const properties = hotspotProperties(body, i)
      return { id: hexKey(properties.q, properties.r), properties }
    })
    return { body, features }
  }

  beforeAll(async () => {
    t = await buildTestApp()
    const [quiet] = await t.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM incidents WHERE occurred_at < '2020-01-01')
            + (SELECT count(*) FROM patrols WHERE started_at < '2020-01-01') AS n`,
    )
    expect(quiet?.n, 'the years the tests plant into hold no demo data').toBe(0)

    // 2019: one incident in each cell of a 14 × 14 block, a dense cluster of 30 around one cell
    // (the "hot" cell, 7 steps in) and 2 more in each of its six neighbours, spilling over.
    const cluster: Planted[] = block(14).map(([q, r], i) => ({
      ...at(q, r, 40, -30),
      at: `2019-02-${10 + (i % 15)}T08:00:00Z`,
    }))
    for (let k = 0; k < 30; k++) {
      const angle = (k * 2 * Math.PI) / 30
      cluster.push({
        ...at(7, 3, 150 * Math.cos(angle), 150 * Math.sin(angle)),
        at: `2019-06-${10 + (k % 10)}T12:00:00Z`,
      })
    }
    for (const [dq, dr] of [
      [1, 0],
      [1, -1],
      [0, -1],
      [-1, 0],
      [-1, 1],
      [0, 1],
    ] as const) {
      cluster.push(
        { ...at(7 + dq, 3 + dr, 60), at: '2019-07-01T00:00:00Z' },
        { ...at(7 + dq, 3 + dr, -60), at: '2019-07-02T00:00:00Z' },
      )
    }
    await plant(t.db, cluster)
    // A 5 km patrol east-west through the hot cell's centre, wholly in 2019, and a 4 km one elsewhere
    // of which the first half (by time) falls in 2019.
    const hot = at(7, 3)
    await plantPatrol(
      t.db,
      [hot.x - 2500, hot.y],
      [hot.x + 2500, hot.y],
      '2019-06-01T08:00:00Z',
      '2019-06-01T10:00:00Z',
    )
    await plantPatrol(
      t.db,
      [hot.x - 2000, hot.y + 20_000],
      [hot.x + 2000, hot.y + 20_000],
      '2019-12-31T23:00:00Z',
      '2020-01-01T01:00:00Z',
    )

    // 2018: exactly one incident in every cell of a 24 × 24 block.
    await plant(
      t.db,
      block(24).map(([q, r], i) => ({
        ...at(q, r),
        at: `2018-03-01T${String(i % 24).padStart(2, '0')}:00:00Z`,
      })),
    )

    // 2017, monthly: a 16 × 16 block with one incident per cell and month; one cell that grows by 2
    // a month from 7 (intensifying) and one quiet cell that gets 15 more in December (new).
    const growing: Planted[] = []
    for (let month = 1; month <= 12; month++) {
      const day = `2017-${String(month).padStart(2, '0')}-15T06:00:00Z`
      for (const [q, r] of block(16)) growing.push({ ...at(q, r, 20, 20), at: day })
      for (let k = 0; k < 6 + 2 * (month - 1); k++) growing.push({ ...at(8, 4, -50 + k * 3, -40), at: day })
      if (month === 12) for (let k = 0; k < 15; k++) growing.push({ ...at(4, 2, -60 + k * 4, 0), at: day })
    }
    await plant(t.db, growing)

    // 2015, monthly: the same block; one cell fading by 2 a month from 31, one steady at 16.
    const fading: Planted[] = []
    for (let month = 1; month <= 12; month++) {
      const day = `2015-${String(month).padStart(2, '0')}-10T06:00:00Z`
      for (const [q, r] of block(16)) fading.push({ ...at(q, r, -20, 10), at: day })
      for (let k = 0; k < 30 - 2 * (month - 1); k++) fading.push({ ...at(8, 4, -60 + k * 2, 30), at: day })
      for (let k = 0; k < 15; k++) fading.push({ ...at(4, 2, 0, -70 + k * 5), at: day })
    }
    await plant(t.db, fading)

    // 2016, for DBSCAN: a tight group of 12 (8 poaching, 4 dumping), 6 in a straight line 40 m
    // apart, a pair 50 m apart, and 3 lone incidents kilometres from everything.
    const base = at(0, 0)
    const clusters: Planted[] = []
    for (let k = 0; k < 12; k++) {
      const angle = (k * 2 * Math.PI) / 12
      clusters.push({
        x: base.x + 30 * Math.cos(angle),
        y: base.y + 30 * Math.sin(angle),
        at: `2016-04-${String(1 + k).padStart(2, '0')}T10:00:00Z`,
        category: k < 8 ? 'poaching' : 'dumping',
      })
    }
    for (let k = 0; k < 6; k++)
      clusters.push({ x: base.x + 3000 + 40 * k, y: base.y, at: '2016-05-01T00:00:00Z', category: 'dumping' })
    clusters.push(
      { x: base.x, y: base.y + 3000, at: '2016-06-01T00:00:00Z' },
      { x: base.x + 50, y: base.y + 3000, at: '2016-06-02T00:00:00Z' },
    )
    for (const [dx, dy] of [
      [-5000, 0],
      [0, -5000],
      [6000, 6000],
    ] as const) {
      clusters.push({ x: base.x + dx, y: base.y + dy, at: '2016-07-01T00:00:00Z', category: 'pollution' })
    }
    await plant(t.db, clusters)
  })
  afterAll(() => t?.close())

  describe('GET /api/hotspots', () => {
    it('finds the planted cluster as the hottest cell, significant at 99 %', async () => {
      const { body, features } = await hotspots(yearWindow(years.cluster))
      const hot = `${origin.q + 7},${origin.r + 3}`
      expect(features[0]?.id).toBe(hot)
      expect(features[0]?.properties).toMatchObject({ count: 31, class: 'hot99' })
      expect(features[0]?.properties.p).toBeLessThan(0.01)
      expect(body.summary.incidents).toBe(14 * 14 + 30 + 12)
      expect(body.cell).toBe(500)
      // Every returned z is the top one or lower, in order.
      for (let i = 1; i < features.length; i++) {
        expect((features[i] as HotspotFeature).properties.z).toBeLessThanOrEqual(
          (features[i - 1] as HotspotFeature).properties.z,
        )
      }
    })

    it('returns the study area: every cell with incidents or effort and all their neighbours', async () => {
      const { body, features } = await hotspots(yearWindow(years.cluster))
      const ids = new Set(features.map((f) => f.id))
      expect(ids.size).toBe(features.length)
      for (const f of features) {
        if (f.properties.count === 0 && f.properties.effort_km === 0) continue
        const { q, r } = f.properties
        for (const [dq, dr] of [
          [1, 0],
          [1, -1],
          [0, -1],
          [-1, 0],
          [-1, 1],
          [0, 1],
        ] as const) {
          expect(ids.has(`${q + dq},${r + dr}`)).toBe(true)
        }
      }
      expect(body.summary.cells).toBe(features.length)
    })

    it('gives z-scores that match an independent Gi* over the same counts', async () => {
      for (const query of [
        yearWindow(years.cluster),
        yearWindow(years.uniform),
        'from=2026-08-01&to=2026-11-01',
      ]) {
        const { features } = await hotspots(query)
        expect(features.length).toBeGreaterThan(50)
        const reference = referenceZ(features)
        for (const f of features) {
          expect(f.properties.z).toBeCloseTo(reference.get(f.id) as number, 9)
          expect(f.properties.p).toBeGreaterThan(0)
          expect(f.properties.p).toBeLessThanOrEqual(1)
        }
      }
    })

    it('counts every incident of the window once (demo world)', async () => {
      const { body } = await hotspots('from=2026-08-01&to=2026-11-01&category=poaching,dumping')
      const [row] = await t.db.query<{ n: number }>(
        `SELECT count(*)::integer AS n FROM incidents
          WHERE occurred_at >= '2026-08-01' AND occurred_at < '2026-11-01' AND category IN ('poaching', 'dumping')`,
      )
      expect(row?.n).toBeGreaterThan(0)
      expect(body.summary.incidents).toBe(row?.n)
      expect(body.categories).toEqual(['poaching', 'dumping'])
    })

    it('finds no significant hot cell in a uniform spread', async () => {
      const { body, features } = await hotspots(yearWindow(years.uniform))
      expect(features.filter((f) => f.properties.count > 0)).toHaveLength(24 * 24)
      expect(features.filter((f) => f.properties.class.startsWith('hot'))).toEqual([])
      expect(body.summary.hot).toBe(0)
    })

    it('measures patrol effort per cell, cut to the window, and the rate per 100 km', async () => {
      const { body, features } = await hotspots(yearWindow(years.cluster))
      // 5 km wholly in the window and half of the 4 km patrol that runs into 2020.
      expect(body.summary.effort_km).toBeCloseTo(7, 2)
      const hot = features[0] as HotspotFeature
      // Through the centre of a flat-topped hexagon along x: 2 × edge = 1 km, give or take a piece.
      expect(hot.properties.effort_km).toBeGreaterThan(0.85)
      expect(hot.properties.effort_km).toBeLessThan(1.15)
      const rate = (100 * 31) / hot.properties.effort_km
      expect(Math.abs((hot.properties.per_100km as number) - rate) / rate).toBeLessThan(1e-3)
      const unpatrolled = features.find((f) => f.properties.effort_km === 0 && f.properties.count > 0)
      expect(unpatrolled?.properties.per_100km).toBeNull()
    })

    it('cuts the study area to a bbox by cell centre without changing any cell count', async () => {
      const all = (await hotspots(yearWindow(years.cluster))).features
      const counts = new Map(all.map((f) => [f.id, f.properties.count]))
      const bbox = [119.68, 30.63, 119.72, 30.66]
      const { features } = await hotspots(`${yearWindow(years.cluster)}&bbox=${bbox.join(',')}`)
      expect(features.length).toBeGreaterThan(10)
      expect(features.length).toBeLessThan(all.length)
      for (const f of features) {
        const [lon, lat] = epsg4549ToLonLat(...hexCentre(f.properties, cell))
        expect(lon).toBeGreaterThanOrEqual(bbox[0] as number)
        expect(lon).toBeLessThanOrEqual(bbox[2] as number)
        expect(lat).toBeGreaterThanOrEqual(bbox[1] as number)
        expect(lat).toBeLessThanOrEqual(bbox[3] as number)
        expect(f.properties.count).toBe(counts.get(f.id))
      }
    })

    it('gives the same cells as GeoJSON hexagons with format=geojson, each around its centre', async () => {
      const { body: columns, features } = await hotspots(yearWindow(years.cluster))
      const { status, body, type } = await get(`/api/hotspots?${yearWindow(years.cluster)}&format=geojson`)
      expect(status).toBe(200)
      expect(type).toMatch(/application\/geo\+json/)
      expect(body.type).toBe('FeatureCollection')
      expect(body.summary).toEqual(columns.summary)
      expect(body.cell).toBe(cell)
      const geojson = body.features as (HotspotFeature & { geometry: { coordinates: number[][][] } })[]
      expect(geojson.map((f) => ({ id: f.id, properties: f.properties }))).toEqual(features)
      for (const f of geojson.slice(0, 50)) {
        const ring = f.geometry.coordinates[0] as number[][]
        expect(ring).toHaveLength(7)
        expect(ring[0]).toEqual(ring[6])
        const [lon, lat] = epsg4549ToLonLat(...hexCentre(f.properties, cell))
        expect(ring.slice(0, 6).reduce((a, p) => a + (p[0] as number), 0) / 6).toBeCloseTo(lon, 6)
        expect(ring.slice(0, 6).reduce((a, p) => a + (p[1] as number), 0) / 6).toBeCloseTo(lat, 6)
      }
    })

    it('bins in SQL exactly as hex-grid.ts does, into the cells ST_Hexagon draws', async () => {
      for (const size of [cell, 137]) {
        const rows = await t.db.query<{ x: number; y: number; q: number; r: number; inside: boolean }>(
          `SELECT ST_X(i.geom_m) AS x, ST_Y(i.geom_m) AS y, hex.q, hex.r,
                  ST_Intersects(ST_SetSRID(ST_Hexagon($1, hex.q, hex.r + floor(hex.q / 2.0)::integer), 4549), i.geom_m) AS inside
             FROM (SELECT geom_m FROM incidents ORDER BY id LIMIT 3000) AS i
             CROSS JOIN LATERAL (${hexBinSql('ST_X(i.geom_m)', 'ST_Y(i.geom_m)', '$1')}) AS hex`,
          [size],
        )
        expect(rows.length).toBe(3000)
        for (const row of rows) {
          expect(hexOfPoint(row.x, row.y, size)).toEqual({ q: row.q, r: row.r })
          expect(row.inside).toBe(true)
        }
      }
    })
  })

  describe('patrol tracks as TWKB', () => {
    it('decodes every vertex of the stored tracks to within the decimetre they are sent in', async () => {
      const tracks = await t.db.query<{ twkb: string; xs: number[]; ys: number[] }>(
        `SELECT encode(ST_AsTWKB(ST_Force2D(track_m), 1), 'hex') AS twkb,
                ARRAY(SELECT ST_X(d.geom) FROM ST_DumpPoints(track_m) AS d ORDER BY d.path) AS xs,
                ARRAY(SELECT ST_Y(d.geom) FROM ST_DumpPoints(track_m) AS d ORDER BY d.path) AS ys
           FROM patrols ORDER BY id LIMIT 40`,
      )
      expect(tracks.length).toBeGreaterThan(0)
      for (const track of tracks) {
        const lines = twkbLines(Buffer.from(track.twkb, 'hex'))
        expect(lines).toHaveLength(1)
        const line = lines[0] as Float64Array
        expect(line.length).toBe(2 * track.xs.length)
        track.xs.forEach((x, i) => {
          expect(Math.abs((line[2 * i] as number) - x)).toBeLessThanOrEqual(0.05 + 1e-9)
          expect(Math.abs((line[2 * i + 1] as number) - (track.ys[i] as number))).toBeLessThanOrEqual(
            0.05 + 1e-9,
          )
        })
      }
    })

    it('decodes multi-lines, collections and empty geometries', async () => {
      const [row] = await t.db.query<{ multi: string; collection: string; empty: string }>(
        `SELECT encode(ST_AsTWKB('MULTILINESTRING((500000 3400000, 500010.25 3400000), (500100 3400100, 500100 3400200, 500000 3400200))'::geometry, 1), 'hex') AS multi,
                encode(ST_AsTWKB('GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 3 4))'::geometry, 1), 'hex') AS collection,
                encode(ST_AsTWKB('LINESTRING EMPTY'::geometry, 1), 'hex') AS empty`,
      )
      const multi = twkbLines(Buffer.from(row?.multi as string, 'hex')).map((l) => [...l])
      expect(multi).toEqual([
        [500000, 3400000, 500010.3, 3400000],
        [500100, 3400100, 500100, 3400200, 500000, 3400200],
      ])
      expect(twkbLines(Buffer.from(row?.collection as string, 'hex')).map((l) => [...l])).toEqual([
        [0, 0, 3, 4],
      ])
      expect(twkbLines(Buffer.from(row?.empty as string, 'hex'))).toEqual([])
    })
  })

  describe('GET /api/hotspots/trend', () => {
    interface TrendFeature {
      id: string
      properties: {
        counts: number[]
        total: number
        gi_z: number[]
        hot_steps: number
        final_hot: boolean
        mann_kendall: { s: number; variance: number; z: number; p: number }
        trend: string
        class: string
      }
    }
    const find = (features: TrendFeature[], dq: number, dr: number) =>
      features.find((f) => f.id === `${origin.q + dq},${origin.r + dr}`) as TrendFeature

    it('classes a growing cell as intensifying and a sudden one as new', async () => {
      const { status, body } = await get(`/api/hotspots/trend?${yearWindow(years.growing)}&step=month`)
      expect(status).toBe(200)
      expect(body.steps).toHaveLength(12)
      expect(body.steps[0]).toEqual({ start: '2017-01-01T00:00:00.000Z', end: '2017-02-01T00:00:00.000Z' })
      expect(body.steps[11].end).toBe('2018-01-01T00:00:00.000Z')
      const features = body.features as TrendFeature[]
      const growing = find(features, 8, 4)
      expect(growing.properties.counts).toEqual([7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29])
      // Every pair rises: S = 12·11/2 = 66; no ties, Var = 12·11·29/18.
      expect(growing.properties.mann_kendall.s).toBe(66)
      expect(growing.properties.mann_kendall.variance).toBeCloseTo((12 * 11 * 29) / 18, 9)
      expect(growing.properties.mann_kendall.z).toBeCloseTo(65 / Math.sqrt((12 * 11 * 29) / 18), 9)
      expect(growing.properties).toMatchObject({ trend: 'up', final_hot: true, class: 'intensifying' })
      expect(growing.properties.hot_steps).toBeGreaterThanOrEqual(11)
      const sudden = find(features, 4, 2)
      expect(sudden.properties.counts).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 16])
      expect(sudden.properties.class).toBe('new')
      const steady = find(features, 14, 5)
      expect(steady.properties.mann_kendall).toEqual({ s: 0, variance: 0, z: 0, p: 1 })
      expect(steady.properties.trend).toBe('none')
      expect(body.summary.cells_with_incidents).toBe(16 * 16)
      expect(body.summary.classes.intensifying).toBeGreaterThanOrEqual(1)
    })

    it('classes a fading cell as diminishing and a steady hot one as persistent', async () => {
      const { body } = await get(`/api/hotspots/trend?${yearWindow(years.fading)}&step=month`)
      const features = body.features as TrendFeature[]
      const fading = find(features, 8, 4)
      expect(fading.properties.counts[0]).toBe(31)
      expect(fading.properties.counts[11]).toBe(9)
      expect(fading.properties).toMatchObject({ trend: 'down', class: 'diminishing' })
      const steady = find(features, 4, 2)
      expect(steady.properties.counts).toEqual(new Array(12).fill(16))
      expect(steady.properties).toMatchObject({ trend: 'none', class: 'persistent', hot_steps: 12 })
    })

    it('counts whole weeks back from `to`', async () => {
      const { status, body } = await get('/api/hotspots/trend?from=2017-10-01&to=2018-01-01&step=week')
      expect(status).toBe(200)
      // 92 days hold 13 whole weeks, counted back from 2018-01-01.
      expect(body.steps).toHaveLength(13)
      expect(body.from).toBe('2017-10-02T00:00:00.000Z')
      // October to December of the growing scenario: 3 × 256 background, 24 + 26 + 28 in the growing
      // cell and 15 in the sudden one.
      const total = (body.features as TrendFeature[]).reduce((a, f) => a + f.properties.total, 0)
      expect(total).toBe(3 * 256 + 24 + 26 + 28 + 15)
      expect(body.summary.incidents).toBe(total)
    })
  })

  describe('GET /api/hotspots/clusters', () => {
    interface ClusterFeature {
      id: number
      geometry: { type: string; coordinates: number[][][] }
      properties: {
        id: number
        count: number
        categories: Record<string, number>
        first_at: string
        last_at: string
      }
    }

    it('finds the planted groups by DBSCAN, largest first, with hulls around them', async () => {
      const { status, body } = await get(`/api/hotspots/clusters?${yearWindow(years.clusters)}&eps=100&min=4`)
      expect(status).toBe(200)
      const features = body.features as ClusterFeature[]
      expect(features.map((f) => f.properties.count)).toEqual([12, 6])
      expect(features[0]?.properties).toEqual({
        id: 1,
        count: 12,
        categories: { dumping: 4, poaching: 8 },
        first_at: '2016-04-01T10:00:00.000Z',
        last_at: '2016-04-12T10:00:00.000Z',
      })
      expect(features[1]?.properties.categories).toEqual({ dumping: 6 })
      // The collinear group's hull is a line, buffered into a polygon.
      for (const f of features) {
        expect(f.geometry.type).toBe('Polygon')
        expect((f.geometry.coordinates[0] as number[][]).length).toBeGreaterThanOrEqual(4)
      }
      expect(body.summary).toEqual({ incidents: 12 + 6 + 2 + 3, clustered: 18, noise: 5, clusters: 2 })
    })

    it('puts each planted incident inside its cluster hull', async () => {
      const { body } = await get(`/api/hotspots/clusters?${yearWindow(years.clusters)}&eps=100&min=2`)
      const features = body.features as ClusterFeature[]
      expect(features.map((f) => f.properties.count)).toEqual([12, 6, 2])
      const rows = await t.db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM incidents
          WHERE occurred_at >= '2016-01-01' AND occurred_at < '2016-06-30'`,
      )
      expect(rows).toHaveLength(20)
      for (const { lon, lat } of rows) {
        const holder = features.find((f) => {
          const ring = f.geometry.coordinates[0] as number[][]
          const lons = ring.map((p) => p[0] as number)
          const lats = ring.map((p) => p[1] as number)
          // Points on the hull are its corners; 1e-6° allows for the 7-decimal rounding of the output.
          const e = 1e-6
          return (
            lon >= Math.min(...lons) - e &&
            lon <= Math.max(...lons) + e &&
            lat >= Math.min(...lats) - e &&
            lat <= Math.max(...lats) + e
          )
        })
        expect(holder, `incident at ${lon}, ${lat}`).toBeDefined()
      }
    })
  })

  describe('bad parameters', () => {
    const cases: [string, RegExp][] = [
      ['/api/hotspots?cell=49', /cell must be >= 50/],
      ['/api/hotspots?cell=20001', /cell must be <= 20000/],
      ['/api/hotspots?cell=wide', /cell must be number/],
      ['/api/hotspots?from=2020-01-01&to=2019-01-01', /from .* must be before to/],
      ['/api/hotspots?from=2019-01-01&to=2019-01-01', /from .* must be before to/],
      ['/api/hotspots?from=yesterday', /from must be an ISO 8601 date/],
      ['/api/hotspots?to=2019-02-30', /to must be an ISO 8601 date/],
      ['/api/hotspots?from=2019-01-01T25:00:00Z&to=2019-02-01', /from must be an ISO 8601/],
      ['/api/hotspots?category=poaching,fireworks', /unknown: fireworks/],
      ['/api/hotspots?bbox=119,30,120', /bbox must be four numbers/],
      [
        '/api/hotspots?from=2019-01-01&to=2020-01-01&cell=60',
        /about \d+ hexagons, more than the limit of 200000/,
      ],
      ['/api/hotspots/trend?from=2017-01-01&to=2017-03-01&step=month', /a trend needs at least 3/],
      ['/api/hotspots/trend?from=2000-01-01&to=2018-01-01&step=week', /more than 260 weeks/],
      ['/api/hotspots/trend?step=year', /step must be equal to one of the allowed values/],
      ['/api/hotspots/trend?cell=10', /cell must be >= 50/],
      ['/api/hotspots/clusters?eps=0', /eps must be > 0/],
      ['/api/hotspots/clusters?eps=-5', /eps must be > 0/],
      ['/api/hotspots/clusters?eps=10001', /eps must be <= 10000/],
      ['/api/hotspots/clusters?min=1', /min must be >= 2/],
      ['/api/hotspots/clusters?min=2.5', /min must be integer/],
      ['/api/hotspots/clusters?from=soon', /from must be an ISO 8601 date/],
      ['/api/hotspots/clusters?category=nothing', /unknown: nothing/],
    ]
    it.each(cases)('%s → 400', async (url, message) => {
      const { status, body } = await get(url)
      expect(status).toBe(400)
      expect(body.error).toBe('Bad Request')
      expect(body.message).toMatch(message)
      expect(Array.isArray(body.details)).toBe(true)
    })

    it('allows a small cell over a small bbox', async () => {
      const { body } = await hotspots(`${yearWindow(years.cluster)}&cell=60&bbox=119.68,30.63,119.70,30.65`)
      expect(body.cell).toBe(60)
    })
  })
})
