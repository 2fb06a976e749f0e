import { readFileSync } from 'node:fs'
import path from 'node:path'
import { booleanPointInPolygon, pointToPolygonDistance } from '@turf/turf'
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../server/config.ts'
import type { Station, StationDetail, StationView } from '../../server/domain/stations.ts'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'
import { backend } from '../helpers/test-db.ts'

// Stations as objects (GET, admin PATCH with a validated jurisdiction) and a station's own view,
// checked against turf over the station's jurisdiction and the province outlines of the base data.

let t: TestApp
const window = 'from=2025-11-01T00:00:00Z&to=2026-11-01T00:00:00Z'

const provinces = JSON.parse(
  readFileSync(path.join(projectRoot, 'data/base/provinces.geojson'), 'utf8'),
) as FeatureCollection<Polygon | MultiPolygon, { code: number }>

/** The province a point lies in by the base outlines, null outside all (they overlap by up to ~2 km). */
const provincesAt = (point: number[]) =>
  provinces.features.filter((f) => booleanPointInPolygon(point, f)).map((f) => f.properties.code)

beforeAll(async () => {
  t = await buildTestApp()
})
afterAll(() => t?.close())

describe(`stations (${backend})`, () => {
  it('lists every station with its agencies, duty hours and area', async () => {
    const stations: Station[] = (await t.inject({ url: '/api/stations' })).json()
    expect(stations.length).toBeGreaterThanOrEqual(10)
    const qiaoxi = stations.find((s) => s.id === 'station-qiaoxi')
    expect(qiaoxi).toMatchObject({ cross_border: true, duty_hours: '24h' })
    expect(qiaoxi?.agencies).toContain('police')
    const [minLon, minLat, maxLon, maxLat] = qiaoxi?.bbox ?? []
    expect(minLon).toBeLessThan(qiaoxi?.location.coordinates[0] as number)
    expect(maxLat).toBeGreaterThan(minLat as number)
    expect(maxLon).toBeGreaterThan(minLon as number)
  })

  it('answers 404 for an unknown station and 400 for a malformed id', async () => {
    expect((await t.inject({ url: '/api/stations/station-nowhere' })).statusCode).toBe(404)
    expect((await t.inject({ url: '/api/stations/station-nowhere/view' })).statusCode).toBe(404)
    expect((await t.inject({ url: "/api/stations/x'%20OR%201=1" })).statusCode).toBe(400)
  })
})

describe(`a station's view (${backend})`, () => {
  let view: StationView
  let jurisdiction: Feature<MultiPolygon>
  beforeAll(async () => {
    const response = await t.inject({ url: `/api/stations/station-qiaoxi/view?${window}` })
    expect(response.statusCode, response.body).toBe(200)
    view = response.json()
    jurisdiction = { type: 'Feature', properties: {}, geometry: view.station.jurisdiction }
  })

  it('draws the band along the province line beside a cross-border station', () => {
    expect(view.band?.type).toMatch(/Polygon/)
    expect(view.band_km).toBe(5)
  })

  it('lists incidents on both sides, each in the jurisdiction or its band, with the province it lies in', () => {
    expect(view.incidents.length).toBeGreaterThan(0)
    for (const incident of view.incidents) {
      const point = [incident.lon, incident.lat]
      const km = pointToPolygonDistance(point, jurisdiction, { units: 'kilometers' })
      expect(km, `incident ${incident.id}`).toBeLessThan(5.1)
      // Where the outlines agree, the province is the one turf finds.
      const found = provincesAt(point)
      if (found.length === 1) expect(incident.province_code, `incident ${incident.id}`).toBe(found[0])
    }
    const sides = new Set(view.provinces.filter((p) => p.incidents > 0).map((p) => p.province_code))
    expect(sides).toContain(330000)
    expect(sides).toContain(320000)
    const counted = view.provinces.reduce((sum, p) => sum + p.incidents, 0)
    expect(counted).toBe(view.incidents.length)
  })

  it("has handling times over exactly the station's incidents", () => {
    expect(view.truncated).toBe(false)
    expect(view.handling.count).toBe(view.incidents.length)
    const resolved = view.incidents.filter((i) => i.status === 'resolved' || i.status === 'closed').length
    expect(view.handling.resolved).toBeGreaterThanOrEqual(resolved)
  })

  it('shows the coverage of the places in its jurisdiction, worst first', () => {
    expect(view.places.length).toBeGreaterThan(0)
    const coverages = view.places.map((p) => p.coverage)
    expect(coverages).toEqual([...coverages].sort((a, b) => a - b))
    for (const c of coverages) expect(c).toBeGreaterThanOrEqual(0)
  })

  it('has no band for a station far from the province lines', async () => {
    const fushi: StationView = (await t.inject({ url: `/api/stations/station-fushi/view?${window}` })).json()
    expect(fushi.band).toBeNull()
    expect(fushi.provinces.every((p) => p.province_code === 330000)).toBe(true)
  })

  it("shows a station's user only what lies in its own scope", async () => {
    const own: StationView = (
      await t.injectAs('station-fushi', { url: `/api/stations/station-qiaoxi/view?${window}` })
    ).json()
    expect(own.incidents).toEqual([])
    expect(own.handling.count).toBe(0)
  })

  it('refuses a window that runs backwards', async () => {
    const response = await t.inject({
      url: '/api/stations/station-qiaoxi/view?from=2026-11-01T00:00:00Z&to=2026-10-01T00:00:00Z',
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().message).toMatch(/before/)
  })
})

describe(`an admin edits a station (${backend})`, () => {
  const url = '/api/stations/station-fushi'
  const patch = (payload: object) => t.injectAs('admin', { method: 'PATCH', url, payload })
  const stored = async (): Promise<StationDetail> => (await t.inject({ url })).json()

  it('changes agencies and duty hours', async () => {
    const response = await patch({ agencies: ['police', 'forestry', 'police'], duty_hours: '08:00-20:00' })
    expect(response.statusCode, response.body).toBe(200)
    expect(await stored()).toMatchObject({ agencies: ['police', 'forestry'], duty_hours: '08:00-20:00' })
  })

  it('refuses bad fields with 400 and changes nothing', async () => {
    const before = await stored()
    for (const body of [
      { duty_hours: '8 to 8' },
      { duty_hours: '25:00-26:00' },
      { agencies: ['army'] },
      { name_en: 'renamed' },
      {},
      { jurisdiction: { type: 'Point', coordinates: [119.6, 30.5] } },
    ]) {
      const response = await patch(body)
      expect(response.statusCode, JSON.stringify(body)).toBe(400)
    }
    expect(await stored()).toEqual(before)
  })

  it('refuses a self-crossing, a far-away or a huge jurisdiction with 422 and the reason', async () => {
    const before = await stored()
    const bowTie = [
      [119.6, 30.5],
      [119.7, 30.6],
      [119.7, 30.5],
      [119.6, 30.6],
      [119.6, 30.5],
    ]
    const square = (lon: number, lat: number, d: number) => [
      [lon, lat],
      [lon + d, lat],
      [lon + d, lat + d],
      [lon, lat + d],
      [lon, lat],
    ]
    const cases: [object, RegExp][] = [
      [{ type: 'Polygon', coordinates: [bowTie] }, /not a valid polygon: .*self-intersection/i],
      [{ type: 'Polygon', coordinates: [square(116.3, 39.9, 0.05)] }, /km from Huzhou/],
      [{ type: 'Polygon', coordinates: [square(119.2, 30.2, 1)] }, /at most 2000 km²/],
    ]
    for (const [jurisdiction, message] of cases) {
      const response = await patch({ jurisdiction })
      expect(response.statusCode, response.body).toBe(422)
      expect(response.json().message).toMatch(message)
    }
    expect(await stored()).toEqual(before)
  })

  it("moves a jurisdiction, and the station's users see the new area", async () => {
    // A square around the Taihu shore north of Huzhou, far from Fushi Reservoir.
    const ring = [
      [120.08, 30.9],
      [120.18, 30.9],
      [120.18, 30.97],
      [120.08, 30.97],
      [120.08, 30.9],
    ]
    const seen = async () =>
      (await t.injectAs('station-fushi', { url: `/api/incidents?limit=5000&${window}` })).json().features as {
        geometry: { coordinates: number[] }
      }[]
    const before = await seen()
    const response = await patch({ jurisdiction: { type: 'Polygon', coordinates: [ring] } })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json().jurisdiction.type).toBe('MultiPolygon')
    const after = await seen()
    expect(after.length).toBeGreaterThan(0)
    expect(after).not.toEqual(before)
    for (const f of after) {
      const [lon, lat] = f.geometry.coordinates as [number, number]
      // In the square, or in the band where it is within 5 km of a province line.
      expect(lon).toBeGreaterThan(120.08 - 0.06)
      expect(lat).toBeGreaterThan(30.9 - 0.05)
    }
  })
})
