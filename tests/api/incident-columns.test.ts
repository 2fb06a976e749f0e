import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  categoryAt,
  decodeIncidentColumns,
  type IncidentColumns,
  indexOfId,
  lonLatAt,
  occurredAt,
  statusAt,
} from '../../client/incident-columns.ts'
import type { IncidentFeature } from '../../server/domain/incidents.ts'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'

// GET /api/incidents.bin (run on both backends): the same incidents as the JSON list for the same
// filter and scope, decoded with the client's decoder; bad filters are 400s; the answer is compressed.

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
})
afterAll(() => t?.close())

async function columns(query: string, as = 'coordinator'): Promise<IncidentColumns> {
  const response = await t.injectAs(as, { method: 'GET', url: `/api/incidents.bin${query}` })
  expect(response.statusCode, response.body).toBe(200)
  expect(response.headers['content-type']).toBe('application/octet-stream')
  const bytes = response.rawPayload
  return decodeIncidentColumns(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
  )
}

async function list(query: string, as = 'coordinator'): Promise<IncidentFeature[]> {
  const separator = query ? '&' : '?'
  const response = await t.injectAs(as, {
    method: 'GET',
    url: `/api/incidents${query}${separator}limit=20000`,
  })
  expect(response.statusCode, response.body).toBe(200)
  expect(response.json().truncated).toBe(false)
  return response.json().features
}

/** The columns and the JSON list hold the same incidents, field by field. */
function expectSame(decoded: IncidentColumns, features: IncidentFeature[]) {
  expect(decoded.count).toBe(features.length)
  expect(decoded.truncated).toBe(false)
  const byId = [...features].sort((a, b) => b.id - a.id)
  expect([...decoded.ids]).toEqual(byId.map((f) => f.id))
  byId.forEach((feature, index) => {
    const [lon, lat] = lonLatAt(decoded, index)
    expect(Math.abs(lon - (feature.geometry.coordinates[0] as number))).toBeLessThan(1e-6)
    expect(Math.abs(lat - (feature.geometry.coordinates[1] as number))).toBeLessThan(1e-6)
    expect(categoryAt(decoded, index)).toBe(feature.properties.category)
    expect(statusAt(decoded, index)).toBe(feature.properties.status)
    const occurred = Math.floor(Date.parse(feature.properties.occurred_at) / 1000) * 1000
    expect(occurredAt(decoded, index).getTime()).toBe(occurred)
  })
}

describe('GET /api/incidents.bin', () => {
  it('holds the same incidents as the JSON list, without a filter and with every filter', async () => {
    const all = await list('')
    expect(all.length).toBeGreaterThan(100)
    expectSame(await columns(''), all)

    const window = `from=${encodeURIComponent('2026-01-01T00:00:00Z')}&to=${encodeURIComponent(new Date().toISOString())}`
    const filtered = `?bbox=119.5,30.5,120.2,31.0&${window}&category=poaching,dumping,illegal_fishing&status=closed,resolved,reported`
    const some = await list(filtered)
    expect(some.length).toBeGreaterThan(0)
    expect(some.length).toBeLessThan(all.length)
    expectSame(await columns(filtered), some)
  })

  it('finds ids by binary search (newest first)', async () => {
    const decoded = await columns('')
    const id = decoded.ids[Math.floor(decoded.count / 2)] as number
    expect(indexOfId(decoded, id)).toBe(Math.floor(decoded.count / 2))
    expect(indexOfId(decoded, 0)).toBe(-1)
  })

  it("keeps to the viewer's scope: a station gets only its own incidents", async () => {
    const station = await columns('', 'station-fushi')
    const everything = await columns('')
    expect(station.count).toBeGreaterThan(0)
    expect(station.count).toBeLessThan(everything.count)
    expectSame(station, await list('', 'station-fushi'))
  })

  it('stops at the limit and says so, keeping the newest reports', async () => {
    const everything = await columns('')
    const few = await columns('?limit=3')
    expect(few.count).toBe(3)
    expect(few.truncated).toBe(true)
    expect([...few.ids]).toEqual([...everything.ids.slice(0, 3)])
  })

  it('answers an empty filter with an empty payload', async () => {
    const none = await columns('?bbox=100,10,100.1,10.1')
    expect(none.count).toBe(0)
    expect(none.ids).toHaveLength(0)
  })

  it.each([
    ['bbox=1,2,3', /bbox/],
    ['category=poaching,unicorns', /unicorns/],
    ['status=lost', /lost/],
    ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', /before/],
    ['from=yesterday', /from/],
    ['limit=0', /limit/],
    ['limit=2000001', /limit/],
  ])('refuses %s with a 400 that says what to fix', async (query, message) => {
    const response = await t.inject({ method: 'GET', url: `/api/incidents.bin?${query}` })
    expect(response.statusCode).toBe(400)
    expect(response.json().message).toMatch(message)
  })

  it('needs a session', async () => {
    const response = await t.injectAs(null, { method: 'GET', url: '/api/incidents.bin' })
    expect(response.statusCode).toBe(401)
  })

  it('is compressed when the client takes gzip', async () => {
    const response = await t.inject({
      method: 'GET',
      url: '/api/incidents.bin',
      headers: { 'accept-encoding': 'gzip' },
    })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-encoding']).toBe('gzip')
    const bytes = gunzipSync(response.rawPayload)
    expect(bytes.length).toBeGreaterThan(response.rawPayload.length)
    const decoded = decodeIncidentColumns(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
    )
    expect(decoded.count).toBeGreaterThan(100)
  })
})
