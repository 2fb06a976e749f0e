import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { layerIds } from '../../server/domain/layers.ts'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'
import { backend } from '../helpers/test-db.ts'

// GET /api/health, /api/layers and /api/layers/:layer over the test world.

interface Feature {
  id: string
  geometry: { type: string; coordinates: unknown }
  properties: Record<string, unknown>
}

let test: TestApp
beforeAll(async () => {
  test = await buildTestApp()
})
afterAll(() => test?.close())

const get = (url: string) => test.inject({ method: 'GET', url })

/** [minLon, minLat, maxLon, maxLat] of a GeoJSON geometry's coordinates. */
function bounds(coordinates: unknown): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity]
  const visit = (value: unknown) => {
    if (!Array.isArray(value)) return
    if (typeof value[0] === 'number') {
      const [lon, lat] = value as [number, number]
      box[0] = Math.min(box[0], lon)
      box[1] = Math.min(box[1], lat)
      box[2] = Math.max(box[2], lon)
      box[3] = Math.max(box[3], lat)
      return
    }
    for (const item of value) visit(item)
  }
  visit(coordinates)
  return box
}

describe('GET /api/health', () => {
  it('names the backend in use and the PostGIS version', async () => {
    const response = await get('/api/health')
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ok', db: backend, postgis: expect.stringMatching(/^3\.\d+/) })
  })
})

describe('GET /api/layers', () => {
  it('lists every layer with its count; the test world fills the main ones', async () => {
    const response = await get('/api/layers')
    expect(response.statusCode).toBe(200)
    const layers = response.json().layers as { id: string; count: number; geometry: string }[]
    expect(layers.map((l) => l.id)).toEqual(layerIds)
    const count = new Map(layers.map((l) => [l.id, l.count]))
    for (const id of ['boundaries', 'rivers', 'reservoirs', 'forests', 'stations', 'chiefs']) {
      expect(count.get(id), id).toBeGreaterThan(0)
    }
    expect(count.get('jurisdictions')).toBe(count.get('stations'))
  })

  it('counts what GET /api/layers/:layer returns', async () => {
    const layers = (await get('/api/layers')).json().layers as { id: string; count: number }[]
    for (const layer of layers.filter((l) => ['rivers', 'stations', 'chiefs'].includes(l.id))) {
      const features = (await get(`/api/layers/${layer.id}`)).json().features as Feature[]
      expect(features, layer.id).toHaveLength(layer.count)
    }
  })
})

describe('GET /api/layers/:layer', () => {
  it('answers a GeoJSON FeatureCollection of the layer', async () => {
    const response = await get('/api/layers/rivers')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^application\/geo\+json/)
    const body = response.json()
    expect(body.type).toBe('FeatureCollection')
    const features = body.features as Feature[]
    expect(features.length).toBeGreaterThan(0)
    for (const feature of features) {
      expect(feature.properties.kind).toBe('river')
      expect(feature.properties.id).toBe(feature.id)
      expect(['LineString', 'MultiLineString']).toContain(feature.geometry.type)
    }
  })

  it('has the provinces and the Huzhou districts among the boundaries', async () => {
    const features = (await get('/api/layers/boundaries')).json().features as Feature[]
    const levels = new Set(features.map((f) => f.properties.level))
    expect(levels).toEqual(new Set(['province', 'district']))
    const districts = features
      .filter((f) => f.properties.level === 'district')
      .map((f) => f.properties.adcode)
    expect(districts).toEqual(expect.arrayContaining([330502, 330503, 330521, 330522, 330523]))
    const provinces = features
      .filter((f) => f.properties.level === 'province')
      .map((f) => f.properties.name_en)
    expect(provinces).toEqual(expect.arrayContaining(['Zhejiang', 'Jiangsu', 'Anhui']))
  })

  it('filters by bbox: only features whose bounds meet it, fewer than without', async () => {
    const bbox: [number, number, number, number] = [119.4, 30.4, 119.7, 30.7] // part of Anji
    const all = (await get('/api/layers/rivers')).json().features as Feature[]
    const response = await get(`/api/layers/rivers?bbox=${bbox.join(',')}`)
    expect(response.statusCode).toBe(200)
    const inside = response.json().features as Feature[]
    expect(inside.length).toBeGreaterThan(0)
    expect(inside.length).toBeLessThan(all.length)
    for (const feature of inside) {
      const [minLon, minLat, maxLon, maxLat] = bounds(feature.geometry.coordinates)
      expect(
        minLon <= bbox[2] && maxLon >= bbox[0] && minLat <= bbox[3] && maxLat >= bbox[1],
        feature.id,
      ).toBe(true)
    }
    // Every river whose bounds meet the bbox is there (the GiST filter is on the bounding box).
    const expected = all.filter((f) => {
      const [minLon, minLat, maxLon, maxLat] = bounds(f.geometry.coordinates)
      return minLon <= bbox[2] && maxLon >= bbox[0] && minLat <= bbox[3] && maxLat >= bbox[1]
    })
    expect(inside.map((f) => f.id)).toEqual(expected.map((f) => f.id))
  })

  it('answers an empty FeatureCollection for a bbox with nothing in it', async () => {
    const response = await get('/api/layers/stations?bbox=0,0,1,1')
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ type: 'FeatureCollection', features: [] })
  })

  it.each([
    ['not numbers', 'a,b,c,d', /bbox must be four numbers/],
    ['three numbers', '119,30,120', /bbox must be four numbers/],
    ['out of range', '119,30,200,31', /bbox must lie within -180\.\.180/],
    ['min after max', '120,31,119,30', /bbox must have min before max/],
  ])('a bad bbox (%s) → 400 with a message', async (_, bbox, message) => {
    const response = await get(`/api/layers/rivers?bbox=${encodeURIComponent(bbox)}`)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({
      error: 'Bad Request',
      message: expect.stringMatching(message),
      details: [],
    })
  })

  it('an unknown layer → 404 listing the layers', async () => {
    const response = await get('/api/layers/volcanoes')
    expect(response.statusCode).toBe(404)
    expect(response.json()).toEqual({
      error: 'Not Found',
      message: `no layer "volcanoes"; the layers are ${layerIds.join(', ')}`,
      details: [],
    })
  })
})
