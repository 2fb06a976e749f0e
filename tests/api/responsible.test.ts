import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db/db.ts'
import type { IncidentDetail } from '../../server/domain/incidents.ts'
import { findResponsibleUnits, type ResponsibleCandidate } from '../../server/domain/responsibility.ts'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'
import { backend } from '../helpers/test-db.ts'

// GET /api/incidents/:id/responsible on the test world, checked against brute-force queries that
// measure every place, station and chief (no index, no ranking code).

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
})
afterAll(() => t?.close())

type Point = [number, number]

async function besideFushi(db: Db): Promise<Point> {
  const [row] = await db.query<{ lon: number; lat: number }>(
    `SELECT ST_X(p) AS lon, ST_Y(p) AS lat
       FROM (SELECT ST_Transform(ST_Translate(v.geom, 80, 0), 4326) AS p
               FROM places, ST_DumpPoints(geom_m) AS v
              WHERE places.id = 'reservoir-fushi'
              ORDER BY ST_X(v.geom) DESC
              LIMIT 1) AS east`,
  )
  if (!row) throw new Error('the test world has no reservoir-fushi')
  return [row.lon, row.lat]
}

async function reportAt(point: Point): Promise<IncidentDetail> {
  const response = await t.inject({
    method: 'POST',
    url: '/api/incidents',
    payload: {
      category: 'poaching',
      location: { type: 'Point', coordinates: point },
      occurred_at: new Date().toISOString(),
      source: 'video',
      description: '',
    },
  })
  expect(response.statusCode, response.body).toBe(201)
  return response.json()
}

async function responsible(id: number, query = '') {
  const response = await t.inject({ method: 'GET', url: `/api/incidents/${id}/responsible${query}` })
  expect(response.statusCode, response.body).toBe(200)
  return response.json() as { incident_id: number; candidates: ResponsibleCandidate[] }
}

const pointM = 'ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 4549)'

/** The expected ranking, computed by measuring everything. */
async function bruteForce(db: Db, [lon, lat]: Point, nearest: number) {
  const placeChiefs = await db.query<{ chief_id: string; place_id: string; d: number; on_duty: boolean }>(
    `SELECT cp.chief_id, p.id AS place_id, ST_Distance(p.geom_m, ${pointM}) AS d, c.on_duty
       FROM places p JOIN chief_places cp ON cp.place_id = p.id JOIN chiefs c ON c.id = cp.chief_id`,
    [lon, lat],
  )
  const near = placeChiefs.filter((r) => r.d <= 1000)
  const stations = await db.query<{ id: string; cross_border: boolean }>(
    `SELECT id, cross_border FROM stations WHERE ST_Intersects(jurisdiction, ST_SetSRID(ST_MakePoint($1, $2), 4326))`,
    [lon, lat],
  )
  const chiefs = await db.query<{ id: string; d: number }>(
    `SELECT id, ST_Distance(position_m, ${pointM}) AS d FROM chiefs WHERE on_duty AND position IS NOT NULL ORDER BY d, id`,
    [lon, lat],
  )
  const placeChiefIds = new Set(near.map((r) => r.chief_id))
  return {
    near,
    placeChiefIds,
    stationIds: new Set(stations.map((s) => s.id)),
    stations,
    nearestIds: chiefs.filter((c) => !placeChiefIds.has(c.id)).slice(0, nearest),
  }
}

/** Checks the order and completeness of a ranking against the brute force. */
async function checkRanking(point: Point, candidates: ResponsibleCandidate[], nearest = 3) {
  const expected = await bruteForce(t.db, point, nearest)
  const codes = candidates.map((c) => c.reason.code)
  // Place chiefs, then stations, then nearest chiefs: the codes never go back.
  const order = ['place_chief', 'station_jurisdiction', 'nearest_on_duty_chief']
  expect(codes.map((c) => order.indexOf(c))).toEqual([...codes.map((c) => order.indexOf(c))].sort())
  // No one twice.
  const keys = candidates.map((c) => `${c.kind}:${c.id}`)
  expect(new Set(keys).size).toBe(keys.length)

  const placeChiefs = candidates.filter((c) => c.reason.code === 'place_chief')
  expect(new Set(placeChiefs.map((c) => c.id))).toEqual(expected.placeChiefIds)
  const placeDistances = placeChiefs.map((c) =>
    c.reason.code === 'place_chief' ? c.reason.params.place_distance_m : -1,
  )
  expect([...placeDistances].sort((a, b) => a - b)).toEqual(placeDistances)
  for (const c of placeChiefs) {
    if (c.reason.code !== 'place_chief') continue
    // Each chief is listed under the nearest of their places, and with all of them.
    const theirs = expected.near.filter((r) => r.chief_id === c.id).sort((a, b) => a.d - b.d)
    expect(Math.abs(c.reason.params.place_distance_m - (theirs[0]?.d ?? -1))).toBeLessThanOrEqual(1)
    expect(new Set(c.places.map((p) => p.id))).toEqual(new Set(theirs.map((r) => r.place_id)))
    expect(c.places.map((p) => p.distance_m)).toEqual(theirs.map((r) => Math.round(r.d)))
  }
  for (const c of candidates.filter((c) => c.reason.code !== 'place_chief')) expect(c.places).toEqual([])

  const stations = candidates.filter((c) => c.kind === 'station')
  expect(new Set(stations.map((c) => c.id))).toEqual(expected.stationIds)
  for (const s of stations) {
    const row = expected.stations.find((r) => r.id === s.id)
    expect(s.reason).toMatchObject({
      code: 'station_jurisdiction',
      params: { cross_border: row?.cross_border },
    })
  }

  const nearestChiefs = candidates.filter((c) => c.reason.code === 'nearest_on_duty_chief')
  expect(nearestChiefs.map((c) => c.distance_m)).toEqual(expected.nearestIds.map((c) => Math.round(c.d)))
  expect(nearestChiefs.every((c) => c.on_duty === true)).toBe(true)
  expect(
    nearestChiefs.map((c) => (c.reason.code === 'nearest_on_duty_chief' ? c.reason.params.rank : 0)),
  ).toEqual(nearestChiefs.map((_, i) => i + 1))
}

describe(`GET /api/incidents/:id/responsible (${backend})`, () => {
  it('puts the chief of Fushi Reservoir first for a report beside it', async () => {
    const point = await besideFushi(t.db)
    const incident = await reportAt(point)
    const { incident_id, candidates } = await responsible(incident.id)
    expect(incident_id).toBe(incident.id)
    const fushiChiefs = (
      await t.db.query<{ chief_id: string }>(
        "SELECT chief_id FROM chief_places WHERE place_id = 'reservoir-fushi'",
      )
    ).map((r) => r.chief_id)
    // The shore lies in the reservoir's water-source zone (0 m) and 80 m from the water; the reservoir's
    // chiefs answer for both, so one of them comes first, on duty, with both places listed.
    const [first] = candidates
    expect(first).toMatchObject({ kind: 'chief', on_duty: true, reason: { code: 'place_chief' } })
    expect(fushiChiefs).toContain(first?.id)
    expect(first?.reason.text).toMatch(/^chief of 赋石水库/)
    const reservoir = first?.places.find((p) => p.id === 'reservoir-fushi')
    expect(reservoir).toMatchObject({ kind: 'reservoir', name_zh: '赋石水库', name_en: 'Fushi Reservoir' })
    expect(reservoir?.distance_m).toBeGreaterThanOrEqual(70)
    expect(reservoir?.distance_m).toBeLessThanOrEqual(90)
    // Every chief of the reservoir is named before any station or nearest chief.
    const firstOther = candidates.findIndex((c) => c.reason.code !== 'place_chief')
    const placeChiefIds = candidates.slice(0, firstOther).map((c) => c.id)
    for (const id of fushiChiefs) expect(placeChiefIds).toContain(id)
    expect(candidates.find((c) => c.kind === 'station')?.id).toBe('station-fushi')
    await checkRanking(point, candidates)
  })

  it('names the station whose jurisdiction holds the point', async () => {
    const [station] = await t.db.query<{ id: string; lon: number; lat: number; cross_border: boolean }>(
      `SELECT id, ST_X(location) AS lon, ST_Y(location) AS lat, cross_border FROM stations
        WHERE ST_Intersects(jurisdiction, location) ORDER BY cross_border DESC, id LIMIT 1`,
    )
    expect(station).toBeDefined()
    if (!station) return
    const point: Point = [station.lon, station.lat]
    const { candidates } = await responsible((await reportAt(point)).id)
    expect(candidates.find((c) => c.kind === 'station' && c.id === station.id)).toMatchObject({
      distance_m: 0,
      on_duty: null,
      reason: { code: 'station_jurisdiction', params: { cross_border: station.cross_border } },
    })
    await checkRanking(point, candidates)
  })

  it('matches the brute force across Huzhou', async () => {
    const points: Point[] = [
      [119.68, 30.64],
      [119.98, 30.54],
      [120.42, 30.85],
      [119.91, 31.03],
      [120.19, 30.86],
      [119.5, 30.45],
      [120.3, 31.0],
    ]
    for (const point of points) {
      const { candidates } = await responsible((await reportAt(point)).id)
      await checkRanking(point, candidates)
    }
  })

  it('adds as many nearest chiefs as asked', async () => {
    const point: Point = [119.98, 30.54]
    const incident = await reportAt(point)
    const none = await responsible(incident.id, '?nearest=0')
    expect(none.candidates.filter((c) => c.reason.code === 'nearest_on_duty_chief')).toEqual([])
    const ten = await responsible(incident.id, '?nearest=10')
    await checkRanking(point, ten.candidates, 10)
  })

  it('answers the same as the domain function', async () => {
    const point = await besideFushi(t.db)
    const incident = await reportAt(point)
    const [lon, lat] = incident.location.coordinates
    expect((await responsible(incident.id)).candidates).toEqual(
      await findResponsibleUnits(t.db, { lon, lat }),
    )
  })

  it('walks the GiST index for the nearest chiefs instead of measuring all', async () => {
    const plan = await t.db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT id FROM chiefs
        WHERE on_duty AND position_m IS NOT NULL AND id <> ALL ($3::text[])
        ORDER BY position_m <-> ${pointM} LIMIT 3`,
      [119.9, 30.6, []],
    )
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan using chiefs_position_m_idx/)
  })

  it('answers 404 for a missing incident and 400 for a bad id or count', async () => {
    const missing = await t.inject({ method: 'GET', url: '/api/incidents/2000000000/responsible' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json().message).toBe('no incident 2000000000')
    for (const url of [
      '/api/incidents/abc/responsible',
      '/api/incidents/1/responsible?nearest=21',
      '/api/incidents/1/responsible?nearest=-1',
    ]) {
      const response = await t.inject({ method: 'GET', url })
      expect(response.statusCode, url).toBe(400)
    }
  })
})
