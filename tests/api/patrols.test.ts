import { readFileSync } from 'node:fs'
import path from 'node:path'
import * as turf from '@turf/turf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../server/config.ts'
import type { Queryable } from '../../server/db/db.ts'
import type { Fix } from '../../server/domain/patrol-tracks.ts'
import { fixesOutsideServedArea } from '../../server/domain/patrols.ts'
import type { BusEvent } from '../../server/events/event-bus.ts'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'

// The demo world's patrols lie in the year before 2026-11-01; everything here is planted in March
// 2024 by a chief of its own, so each check sees only what this file put there.
const chief = 'test-patrol-chief'
const day = Date.parse('2024-03-10T00:00:00Z')
const minutes = (n: number) => day + n * 60_000
const gpx = (name: string) => readFileSync(path.join(projectRoot, 'tests/fixtures/tracks', name), 'utf8')

let t: TestApp
const events: BusEvent[] = []

beforeAll(async () => {
  t = await buildTestApp()
  await t.db.query(
    `INSERT INTO chiefs (id, name_zh, name_en, kind, district_code)
     VALUES ($1, '测试警长', 'Test Chief', 'river', 330502)`,
    [chief],
  )
  t.app.eventBus.subscribe({ send: (event) => events.push(event), close: () => {} })
})

afterAll(async () => {
  await t?.close()
})

const countPatrols = async () =>
  (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM patrols'))[0]?.n ?? -1

const post = (payload: unknown) =>
  t.inject({ method: 'POST', url: '/api/patrols', payload: payload as object })

/** A walk eastwards in Wuxing, one vertex a minute, about 5.5 km/h. */
const walk = {
  type: 'Feature',
  geometry: {
    type: 'LineString',
    coordinates: [
      [120.1, 30.85],
      [120.101, 30.85],
      [120.102, 30.8505],
      [120.103, 30.851],
    ],
  },
  properties: {
    chief_id: chief,
    times: [minutes(0), minutes(1), new Date(minutes(2)).toISOString(), minutes(3)],
    note: '巡河',
  },
}

describe('POST /api/patrols (GeoJSON)', () => {
  it('stores a track with per-vertex times and answers 201 with the patrol', async () => {
    const res = await post(walk)
    expect(res.statusCode).toBe(201)
    const patrol = res.json()
    expect(patrol.geometry.coordinates).toEqual(walk.geometry.coordinates)
    expect(patrol.properties).toMatchObject({
      kind: 'actual',
      status: 'closed',
      chief_id: chief,
      district_code: 330502,
      started_at: new Date(minutes(0)).toISOString(),
      ended_at: new Date(minutes(3)).toISOString(),
      times: [minutes(0), minutes(1), minutes(2), minutes(3)],
      properties: { note: '巡河' },
    })
    const expected = turf.length(turf.lineString(walk.geometry.coordinates), { units: 'meters' })
    expect(patrol.properties.length_m).toBeGreaterThan(expected * 0.995)
    expect(patrol.properties.length_m).toBeLessThan(expected * 1.005)
  })

  it('answers the patrol as it reads back', async () => {
    const res = await post({
      ...walk,
      properties: { ...walk.properties, times: [minutes(60), minutes(61), minutes(62), minutes(63)] },
    })
    expect(res.statusCode).toBe(201)
    const stored = await t.inject({ method: 'GET', url: `/api/patrols/${res.json().id}` })
    expect(res.json()).toEqual(stored.json())
  })

  it('takes the GeoJSON media type too', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/patrols',
      headers: { 'content-type': 'application/geo+json' },
      payload: JSON.stringify({
        ...walk,
        properties: {
          ...walk.properties,
          times: [minutes(1440), minutes(1441), minutes(1442), minutes(1443)],
        },
      }),
    })
    expect(res.statusCode, res.body).toBe(201)
  })

  it('interpolates the times from started_at and ended_at by distance', async () => {
    const res = await post({
      ...walk,
      properties: {
        chief_id: chief,
        started_at: '2024-03-11T08:00:00+08:00',
        ended_at: '2024-03-11T08:30:00+08:00',
      },
    })
    expect(res.statusCode).toBe(201)
    const times: number[] = res.json().properties.times
    expect(times[0]).toBe(Date.parse('2024-03-11T00:00:00Z'))
    expect(times[3]).toBe(Date.parse('2024-03-11T00:30:00Z'))
    expect(times.every((time, i) => i === 0 || time > (times[i - 1] as number))).toBe(true)
  })
})

describe('POST /api/patrols (GPX)', () => {
  it('stores a GPX track of two segments for the chief in the query', async () => {
    const res = await t.inject({
      method: 'POST',
      url: `/api/patrols?chief_id=${chief}`,
      headers: { 'content-type': 'application/gpx+xml' },
      payload: gpx('xitiaoxi-anji.gpx'),
    })
    expect(res.statusCode).toBe(201)
    const patrol = res.json()
    expect(patrol.geometry.coordinates).toHaveLength(6)
    expect(patrol.properties).toMatchObject({
      chief_id: chief,
      district_code: 330523,
      started_at: '2024-03-10T00:00:00.000Z',
      ended_at: '2024-03-10T00:30:00.000Z',
      properties: { source: 'gpx', name: expect.stringContaining('Xitiaoxi') },
    })
  })

  it('refuses a GPX whose points lack times, and one without a chief', async () => {
    const before = await countPatrols()
    const noTimes = await t.inject({
      method: 'POST',
      url: `/api/patrols?chief_id=${chief}`,
      headers: { 'content-type': 'application/gpx+xml' },
      payload: gpx('no-times.gpx'),
    })
    expect(noTimes.statusCode).toBe(422)
    expect(noTimes.json().message).toMatch(/<time>/)
    const noChief = await t.inject({
      method: 'POST',
      url: '/api/patrols',
      headers: { 'content-type': 'application/gpx+xml' },
      payload: gpx('xitiaoxi-anji.gpx'),
    })
    expect(noChief.statusCode).toBe(422)
    expect(noChief.json().message).toMatch(/chief_id/)
    expect(await countPatrols()).toBe(before)
  })
})

describe('bad tracks are refused with the reason and nothing is stored', () => {
  const withCoords = (coordinates: number[][], times: unknown[], chiefId = chief, stationId?: string) => ({
    type: 'Feature',
    geometry: { type: 'LineString', coordinates },
    properties: { chief_id: chiefId, station_id: stationId, times },
  })

  it('a jump faster than 150 km/h names the vertex and the speed', async () => {
    const before = await countPatrols()
    // Vertex 2 is about 1.9 km from vertex 1, ten seconds later: about 690 km/h.
    const res = await post(
      withCoords(
        [
          [120.1, 30.85],
          [120.101, 30.85],
          [120.121, 30.85],
          [120.122, 30.85],
        ],
        [minutes(0), minutes(1), minutes(1) + 10_000, minutes(2)],
      ),
    )
    expect(res.statusCode).toBe(422)
    const body = res.json()
    expect(body.message).toMatch(/vertex 2 .*km\/h, faster than 150 km\/h/)
    expect(body.details[0]).toMatchObject({ index: 2 })
    expect(body.details[0].speed_kmh).toBeGreaterThan(600)
    expect(body.details[0].speed_kmh).toBeLessThan(750)
    expect(await countPatrols()).toBe(before)
  })

  it.each([
    ['one point', withCoords([[120.1, 30.85]], [minutes(0)]), /at least 2 vertices/],
    [
      'times out of order',
      withCoords(
        [
          [120.1, 30.85],
          [120.101, 30.85],
          [120.102, 30.85],
        ],
        [minutes(0), minutes(2), minutes(1)],
      ),
      /vertex 2 .* out of order|out of order: vertex 2/,
    ],
    [
      'a missing time',
      withCoords(
        [
          [120.1, 30.85],
          [120.101, 30.85],
        ],
        [minutes(0), null],
      ),
      /vertex 1/,
    ],
    [
      'no times at all',
      { type: 'Feature', geometry: walk.geometry, properties: { chief_id: chief } },
      /no times/,
    ],
    [
      'coordinates far outside the served area',
      withCoords(
        [
          [116.4, 39.9],
          [116.41, 39.9],
        ],
        [minutes(0), minutes(10)],
      ),
      /outside the served area/,
    ],
    [
      'coordinates in the region but far from Huzhou (Suzhou)',
      withCoords(
        [
          [120.6, 31.45],
          [120.601, 31.45],
        ],
        [minutes(0), minutes(1)],
      ),
      /outside the served area: more than 10 km from Huzhou/,
    ],
    [
      'an unknown chief',
      withCoords(
        [
          [120.1, 30.85],
          [120.101, 30.85],
        ],
        [minutes(0), minutes(1)],
        'no-such-chief',
      ),
      /unknown chief "no-such-chief"/,
    ],
    [
      'an unknown station',
      withCoords(
        [
          [120.1, 30.85],
          [120.101, 30.85],
        ],
        [minutes(0), minutes(1)],
        chief,
        'no-such-station',
      ),
      /unknown station "no-such-station"/,
    ],
  ])('%s', async (_name, payload, reason) => {
    const before = await countPatrols()
    const res = await post(payload)
    expect(res.statusCode).toBe(422)
    expect(res.json()).toMatchObject({
      error: 'Unprocessable Entity',
      message: expect.stringMatching(reason),
    })
    expect(await countPatrols()).toBe(before)
  })

  it('tests against the hull of the districts as they are now', async () => {
    // The hull is stored (served_area) and follows changes to boundaries: a district added near
    // Suzhou takes the Suzhou track in, until the change is rolled back.
    const suzhou: Fix[] = [{ lon: 120.6, lat: 31.45, at: minutes(0) }]
    const hullIsCurrent = async (db: Queryable) =>
      (
        await db.query<{ same: boolean }>(
          `SELECT ST_Equals(hull_m, (SELECT ST_ConvexHull(ST_Collect(geom_m)) FROM boundaries WHERE level = 'district')) AS same
             FROM served_area`,
        )
      )[0]?.same
    expect(await hullIsCurrent(t.db)).toBe(true)
    expect(await fixesOutsideServedArea(t.db, suzhou)).toHaveLength(1)
    const rolledBack = new Error('roll back')
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO boundaries (id, level, adcode, name_zh, name_en, geom)
           VALUES ('test-suzhou', 'district', 320500, '苏州', 'Suzhou',
                   ST_Multi(ST_MakeEnvelope(120.55, 31.4, 120.65, 31.5, 4326)))`,
        )
        expect(await hullIsCurrent(tx)).toBe(true)
        expect(await fixesOutsideServedArea(tx, suzhou)).toEqual([])
        throw rolledBack
      }),
    ).rejects.toBe(rolledBack)
    expect(await hullIsCurrent(t.db)).toBe(true)
    expect(await fixesOutsideServedArea(t.db, suzhou)).toHaveLength(1)
  })

  it('a body that is no LineString Feature is a 400 from the schema', async () => {
    const res = await post({ type: 'Feature', geometry: { type: 'Point', coordinates: [120.1, 30.85] } })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toBe('Bad Request')
  })
})

describe('GET /api/patrols', () => {
  it('lists the patrols of a chief in a window, with times for TripsLayer', async () => {
    const res = await t.inject({ url: `/api/patrols?chief=${chief}&from=2024-03-01&to=2024-04-01` })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/geo\+json/)
    const body = res.json()
    expect(body).toMatchObject({ type: 'FeatureCollection', truncated: false, limit: 500 })
    expect(body.features.length).toBeGreaterThanOrEqual(3)
    for (const f of body.features) {
      expect(f.properties.chief_id).toBe(chief)
      expect(f.properties.times).toHaveLength(f.geometry.coordinates.length)
    }
  })

  it('filters by bbox (Anji only) and says when the limit cut the list', async () => {
    const anji = await t.inject({ url: `/api/patrols?chief=${chief}&bbox=119.6,30.6,119.8,30.7` })
    expect(
      anji.json().features.map((f: { properties: { district_code: number } }) => f.properties.district_code),
    ).toEqual([330523])
    const cut = await t.inject({ url: `/api/patrols?chief=${chief}&limit=1` })
    expect(cut.json()).toMatchObject({ truncated: true, limit: 1 })
    expect(cut.json().features).toHaveLength(1)
  })

  it('answers 400 for a bad bbox or window', async () => {
    expect((await t.inject({ url: '/api/patrols?bbox=1,2,3' })).statusCode).toBe(400)
    expect((await t.inject({ url: '/api/patrols?from=2024-04-01&to=2024-03-01' })).statusCode).toBe(400)
    expect((await t.inject({ url: '/api/patrols?from=yesterday' })).statusCode).toBe(400)
  })
})

describe('live patrols', () => {
  let id = 0

  it('opens a patrol at its first fix', async () => {
    const res = await post({
      chief_id: chief,
      open: true,
      position: { lon: 120.2, lat: 30.8, at: minutes(600) },
    })
    expect(res.statusCode).toBe(201)
    id = res.json().id
    expect(res.json().properties).toMatchObject({ status: 'open', chief_id: chief, length_m: 0 })
  })

  it('appends fixes, extends the track and pushes patrol.position events', async () => {
    const seen = events.length
    const res = await t.inject({
      method: 'POST',
      url: `/api/patrols/${id}/positions`,
      payload: {
        positions: [
          { lon: 120.201, lat: 30.8, at: minutes(601) },
          { lon: 120.202, lat: 30.8, at: new Date(minutes(602)).toISOString() },
        ],
      },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      patrol_id: id,
      appended: 2,
      ended_at: new Date(minutes(602)).toISOString(),
      last: { lon: 120.202, lat: 30.8 },
    })
    expect(res.json().length_m).toBeGreaterThan(180)
    const patrol = (await t.inject({ url: `/api/patrols/${id}` })).json()
    expect(patrol.geometry.coordinates).toEqual([
      [120.2, 30.8],
      [120.201, 30.8],
      [120.202, 30.8],
    ])
    const pushed = events.slice(seen).filter((e) => e.type === 'patrol.position')
    expect(pushed.map((e) => e.data)).toEqual([
      { patrol_id: id, chief_id: chief, lon: 120.201, lat: 30.8, at: new Date(minutes(601)).toISOString() },
      { patrol_id: id, chief_id: chief, lon: 120.202, lat: 30.8, at: new Date(minutes(602)).toISOString() },
    ])
  })

  it('refuses a fix too fast or out of order, storing none of the batch', async () => {
    const fast = await t.inject({
      method: 'POST',
      url: `/api/patrols/${id}/positions`,
      payload: {
        positions: [
          { lon: 120.203, lat: 30.8, at: minutes(603) },
          { lon: 120.3, lat: 30.8, at: minutes(604) },
        ],
      },
    })
    expect(fast.statusCode).toBe(422)
    expect(fast.json().details[0]).toMatchObject({ index: 1 })
    const late = await t.inject({
      method: 'POST',
      url: `/api/patrols/${id}/positions`,
      payload: { positions: [{ lon: 120.203, lat: 30.8, at: minutes(500) }] },
    })
    expect(late.statusCode).toBe(422)
    expect(late.json().message).toMatch(/out of order/)
    const [stored] = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM patrol_positions WHERE patrol_id = $1',
      [id],
    )
    expect(stored?.n).toBe(3)
  })

  it('closes the patrol; a closed patrol answers 409 to more fixes', async () => {
    const closed = await t.inject({ method: 'POST', url: `/api/patrols/${id}/close` })
    expect(closed.statusCode).toBe(200)
    expect(closed.json().properties.status).toBe('closed')
    const res = await t.inject({
      method: 'POST',
      url: `/api/patrols/${id}/positions`,
      payload: { positions: [{ lon: 120.203, lat: 30.8, at: minutes(610) }] },
    })
    expect(res.statusCode).toBe(409)
    expect(res.json().error).toBe('Conflict')
    expect((await t.inject({ method: 'POST', url: `/api/patrols/${id}/close` })).statusCode).toBe(409)
  })

  it('answers 404 for an unknown patrol', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/patrols/99999999/positions',
      payload: { positions: [{ lon: 120.2, lat: 30.8, at: minutes(700) }] },
    })
    expect(res.statusCode).toBe(404)
    expect((await t.inject({ url: '/api/patrols/99999999' })).statusCode).toBe(404)
  })
})
