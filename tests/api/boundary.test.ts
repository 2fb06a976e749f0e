import { readFileSync } from 'node:fs'
import path from 'node:path'
import { pointToPolygonDistance } from '@turf/turf'
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../server/config.ts'
import type { BoundaryReport } from '../../server/domain/boundary.ts'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'
import { backend } from '../helpers/test-db.ts'

// The province-line band (GET /api/boundary) and cross-border case links, on both backends,
// checked against turf distances to the neighbours' outlines read straight from the base data.

let t: TestApp
const window = 'from=2025-11-01T00:00:00Z&to=2026-11-01T00:00:00Z'
let report: BoundaryReport

const provinces = JSON.parse(
  readFileSync(path.join(projectRoot, 'data/base/provinces.geojson'), 'utf8'),
) as FeatureCollection<Polygon | MultiPolygon, { code: number }>
const neighbours = provinces.features.filter(
  (f) => f.properties.code === 320000 || f.properties.code === 340000,
)

/** Kilometres from a point to the nearer of Jiangsu's and Anhui's outlines (inside or out). */
const kmToNeighbours = (point: number[]) =>
  Math.min(
    ...neighbours.map((n) => Math.abs(pointToPolygonDistance(point, n as Feature<Polygon | MultiPolygon>))),
  )

/** `n` items spread evenly over the list. */
const sample = <T>(items: readonly T[], n: number): T[] =>
  items.filter((_, i) => i % Math.max(1, Math.floor(items.length / n)) === 0).slice(0, n)

beforeAll(async () => {
  t = await buildTestApp()
  report = (await t.inject({ url: `/api/boundary?km=5&${window}` })).json()
})
afterAll(() => t?.close())

describe(`GET /api/boundary (${backend})`, () => {
  it('has the Zhejiang–Jiangsu and Zhejiang–Anhui lines and the stations on them', () => {
    expect(report.lines.map((l) => l.province_code)).toEqual([320000, 340000])
    for (const line of report.lines) expect(line.length_m).toBeGreaterThan(20_000)
    expect(report.stations.map((s) => s.id)).toContain('station-qiaoxi')
  })

  it('lists the incidents within 5 km of a line, as turf measures it from the outlines', async () => {
    expect(report.incidents.length).toBeGreaterThan(10)
    // turf over the outlines takes tens of milliseconds a point: every incident is checked against
    // the SQL's distance, an even sample of 50 against turf.
    for (const incident of report.incidents) expect(incident.distance_m).toBeLessThanOrEqual(5000)
    for (const incident of sample(report.incidents, 50)) {
      // The outlines come from different sources: where they part by more than the 1 km the line is
      // cut with, it runs along Zhejiang's edge; the two measures agree to within 2 km.
      expect(
        Math.abs(kmToNeighbours([incident.lon, incident.lat]) - incident.distance_m / 1000),
      ).toBeLessThan(2)
    }
    // And in a month, the incidents it leaves out lie farther away.
    const month = 'from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z'
    const band: BoundaryReport = (await t.inject({ url: `/api/boundary?km=5&${month}` })).json()
    const listed = new Set(band.incidents.map((i) => i.id))
    const all = (await t.inject({ url: `/api/incidents?limit=5000&${month}` })).json()
    expect(all.truncated).toBe(false)
    const left: { id: number; geometry: { coordinates: number[] } }[] = all.features.filter(
      (f: { id: number }) => !listed.has(f.id),
    )
    for (const feature of sample(left, 50)) {
      expect(kmToNeighbours(feature.geometry.coordinates), `incident ${feature.id}`).toBeGreaterThan(3)
    }
  })

  it('counts them by the province they lie in', () => {
    const total = report.by_province.reduce((sum, p) => sum + p.count, 0)
    expect(total).toBe(report.incidents.length)
    expect(report.by_province.find((p) => p.province_code === 330000)?.name_en).toBe('Zhejiang')
  })

  it('refuses a band out of range or a window backwards with 400', async () => {
    for (const query of [
      'km=0',
      'km=51',
      'km=abc',
      'from=2026-11-01T00:00:00Z&to=2026-10-01T00:00:00Z',
      'to=soon',
    ]) {
      expect((await t.inject({ url: `/api/boundary?${query}` })).statusCode, query).toBe(400)
    }
  })

  it('a station sees its own part of the band only', async () => {
    const own: BoundaryReport = (
      await t.injectAs('station-qiaoxi', { url: `/api/boundary?km=5&${window}` })
    ).json()
    const all = new Set(report.incidents.map((i) => i.id))
    expect(own.incidents.length).toBeGreaterThan(0)
    expect(own.incidents.length).toBeLessThan(report.incidents.length)
    for (const incident of own.incidents) expect(all.has(incident.id)).toBe(true)
  })
})

describe(`cross-border case links (${backend})`, () => {
  it('links an incident to a Jiangsu case; it shows as a cross-border case', async () => {
    const incident = report.incidents[0]
    if (!incident) throw new Error('no incident in the band')
    const link = { province_code: 320000, case_ref: 'JS-WJ-2026-0042', note: 'same dumping gang' }
    const created = await t.inject({
      method: 'POST',
      url: `/api/incidents/${incident.id}/links`,
      payload: link,
    })
    expect(created.statusCode, created.body).toBe(201)
    expect(created.json().links).toEqual([link])
    const again = await t.inject({
      method: 'POST',
      url: `/api/incidents/${incident.id}/links`,
      payload: link,
    })
    expect(again.statusCode).toBe(422)
    const after: BoundaryReport = (await t.inject({ url: `/api/boundary?km=5&${window}` })).json()
    expect(after.cross_border_cases.map((c) => c.id)).toEqual([incident.id])
    expect(after.cross_border_cases[0]?.links).toEqual([link])
  })

  it('refuses a link from a supervisor, to an unknown province, or to no incident', async () => {
    const id = report.incidents[1]?.id
    const link = { province_code: 340000, case_ref: 'AH-1' }
    expect(
      (await t.injectAs('supervisor', { method: 'POST', url: `/api/incidents/${id}/links`, payload: link }))
        .statusCode,
    ).toBe(403)
    const wrong = await t.inject({
      method: 'POST',
      url: `/api/incidents/${id}/links`,
      payload: { ...link, province_code: 110000 },
    })
    expect(wrong.statusCode).toBe(400)
    expect(
      (await t.inject({ method: 'POST', url: '/api/incidents/99999999/links', payload: link })).statusCode,
    ).toBe(404)
  })
})
