import { MVTLoader } from '@loaders.gl/mvt'
import type { Feature, Geometry } from 'geojson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { placeTile, type TileAddress, tileEncoderOf } from '../../server/domain/tiles.ts'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'
import { backend } from '../helpers/test-db.ts'

// GET /api/tiles/:layer/:z/:x/:y.mvt: place layers as vector tiles, decoded as the map would.

let test: TestApp
beforeAll(async () => {
  test = await buildTestApp()
})
afterAll(() => test?.close())

const get = (url: string, headers: Record<string, string> = {}) =>
  test.inject({ method: 'GET', url, headers })

/** The tile of zoom z that holds lon/lat (the slippy-map scheme of OpenStreetMap). */
function tileAt(lon: number, lat: number, z: number): TileAddress {
  const n = 2 ** z
  const phi = (lat * Math.PI) / 180
  return {
    z,
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n),
  }
}

/** The features of the tile's layer `forests`, with lon/lat coordinates, decoded by loaders.gl. */
function decode(body: Uint8Array, { z, x, y }: TileAddress): Feature<Geometry, Record<string, unknown>>[] {
  const buffer = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer
  const parsed = MVTLoader.parseSync?.(buffer, {
    mvt: { shape: 'geojson', coordinates: 'wgs84', tileIndex: { x, y, z }, layers: ['forests'] },
  })
  return parsed as Feature<Geometry, Record<string, unknown>>[]
}

/** Every vertex of a geometry. */
function positions(geometry: Geometry | undefined): [number, number][] {
  const visit = (value: unknown): [number, number][] =>
    Array.isArray(value) && typeof value[0] === 'number'
      ? [value as [number, number]]
      : (value as unknown[]).flatMap(visit)
  return !geometry || geometry.type === 'GeometryCollection' ? [] : visit(geometry.coordinates)
}

const tileUrl = (layer: string, { z, x, y }: TileAddress) => `/api/tiles/${layer}/${z}/${x}/${y}.mvt`

/** The largest forest zone of the test world: a point inside it and its stored vertex count. */
async function largestForest() {
  const [forest] = await test.db.query<{ id: string; lon: number; lat: number; vertices: number }>(
    `SELECT id, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat,
            ST_NPoints(geom) AS vertices
     FROM places WHERE kind = 'forest' ORDER BY ST_Area(geom::geography) DESC LIMIT 1`,
  )
  if (!forest) throw new Error('the test world has no forest zone')
  return forest
}

describe('GET /api/tiles/:layer/:z/:x/:y.mvt', () => {
  it('answers a vector tile holding a known place with the properties the map shows', async () => {
    const forest = await largestForest()
    const address = tileAt(forest.lon, forest.lat, 12)
    const response = await get(tileUrl('forests', address))
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/vnd.mapbox-vector-tile')
    expect(response.headers['tile-encoder']).toBe(backend === 'postgres' ? 'postgis' : 'node')
    const features = decode(response.rawPayload, address)
    const feature = features.find((f) => f.properties.id === forest.id)
    expect(feature).toBeDefined()
    expect(feature?.properties).toMatchObject({
      kind: 'forest',
      name_zh: expect.any(String),
      name_en: expect.any(String),
      district_code: expect.any(Number),
      patrol_every_days: expect.any(Number),
    })
    expect(['Polygon', 'MultiPolygon']).toContain(feature?.geometry.type)
    for (const f of features) expect(f.properties.kind).toBe('forest')
    // The decoded outline surrounds the point inside the forest.
    const lons = positions(feature?.geometry).map(([lon]) => lon)
    const lats = positions(feature?.geometry).map(([, lat]) => lat)
    expect(Math.min(...lons)).toBeLessThanOrEqual(forest.lon)
    expect(Math.max(...lons)).toBeGreaterThanOrEqual(forest.lon)
    expect(Math.min(...lats)).toBeLessThanOrEqual(forest.lat)
    expect(Math.max(...lats)).toBeGreaterThanOrEqual(forest.lat)
  })

  it('simplifies per zoom: fewer vertices for the same place at lower zoom', async () => {
    const forest = await largestForest()
    const counts = []
    for (const z of [8, 10, 13]) {
      const address = tileAt(forest.lon, forest.lat, z)
      const response = await get(tileUrl('forests', address))
      expect(response.statusCode).toBe(200)
      const feature = decode(response.rawPayload, address).find((f) => f.properties.id === forest.id)
      counts.push(positions(feature?.geometry).length)
    }
    const [low, middle, high] = counts as [number, number, number]
    expect(low).toBeLessThan(middle)
    expect(middle).toBeLessThan(high)
    expect(high).toBeLessThanOrEqual(forest.vertices + 8) // a clip adds a few corners at most
  })

  it('serves a whole layer at low zoom in one small tile', async () => {
    const [{ count } = { count: 0 }] = await test.db.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM places WHERE kind = 'forest'`,
    )
    const forest = await largestForest()
    const address = tileAt(forest.lon, forest.lat, 6)
    const response = await get(tileUrl('forests', address))
    expect(response.statusCode).toBe(200)
    expect(decode(response.rawPayload, address)).toHaveLength(count)
    const geojson = await get('/api/layers/forests')
    expect(response.rawPayload.byteLength).toBeLessThan(geojson.rawPayload.byteLength / 10)
  })

  it('compresses tiles for clients that take gzip', async () => {
    const forest = await largestForest()
    const response = await get(tileUrl('forests', tileAt(forest.lon, forest.lat, 7)), {
      'accept-encoding': 'gzip',
    })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-encoding']).toBe('gzip')
  })

  it('answers 204 for a tile with no place of the layer', async () => {
    const response = await get(tileUrl('forests', { z: 10, x: 0, y: 0 }))
    expect(response.statusCode).toBe(204)
    expect(response.rawPayload.byteLength).toBe(0)
  })

  it('takes .pbf as well and answers 304 to a matching ETag', async () => {
    const forest = await largestForest()
    const { z, x, y } = tileAt(forest.lon, forest.lat, 11)
    const first = await get(`/api/tiles/forests/${z}/${x}/${y}.pbf`)
    expect(first.statusCode).toBe(200)
    expect(first.headers['cache-control']).toBe('private, max-age=60')
    const etag = String(first.headers.etag)
    expect(etag).toMatch(/^"[\w-]+"$/)
    const again = await get(`/api/tiles/forests/${z}/${x}/${y}.pbf`, { 'if-none-match': etag })
    expect(again.statusCode).toBe(304)
  })

  it.each([
    ['a zoom past the maximum', '/api/tiles/forests/21/0/0.mvt', /zoom must be an integer from 0 to 20/],
    ['a negative zoom', '/api/tiles/forests/-1/0/0.mvt', /zoom must be an integer/],
    ['x outside the zoom', '/api/tiles/forests/3/8/0.mvt', /at zoom 3 x and y must be integers from 0 to 7/],
    ['y outside the zoom', '/api/tiles/forests/3/0/8.mvt', /at zoom 3 x and y must be integers from 0 to 7/],
    ['a fractional x', '/api/tiles/forests/3/1.5/0.mvt', /x and y must be integers/],
    ['another format', '/api/tiles/forests/3/0/0.png', /tile must end in "\{y\}\.mvt" or "\{y\}\.pbf"/],
  ])('%s → 400 with a message', async (_, url, message) => {
    const response = await get(url)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ error: 'Bad Request', message: expect.stringMatching(message) })
  })

  it.each(['nowhere', 'boundaries', 'stations'])(
    'layer "%s" has no tiles → 404 naming the layers',
    async (layer) => {
      const response = await get(`/api/tiles/${layer}/3/0/0.mvt`)
      expect(response.statusCode).toBe(404)
      expect(response.json().message).toMatch(/tiles are served for rivers, lakes, reservoirs, forests/)
    },
  )

  it('needs a session', async () => {
    const response = await test.injectAs(null, { method: 'GET', url: '/api/tiles/forests/3/0/0.mvt' })
    expect(response.statusCode).toBe(401)
  })
})

describe('tile encoders', () => {
  it('uses ST_AsMVT on PostgreSQL and encodes in Node on the embedded backend', async () => {
    expect(await tileEncoderOf(test.db)).toBe(backend === 'postgres' ? 'postgis' : 'node')
  })

  it.skipIf(backend !== 'postgres')('the Node fallback encodes what ST_AsMVT does', async () => {
    const forest = await largestForest()
    for (const z of [7, 10, 13]) {
      const address = tileAt(forest.lon, forest.lat, z)
      const summary = async (encoder: 'postgis' | 'node') =>
        decode((await placeTile(test.db, 'forests', address, encoder)).tile, address)
          // ST_AsMVTGeom repairs a ring the simplification made cross itself, which may split it.
          .map(
            (f) =>
              [f.properties.id, f.geometry.type.replace('Multi', ''), positions(f.geometry).length] as const,
          )
          .sort(([a], [b]) => String(a).localeCompare(String(b)))
      const postgis = await summary('postgis')
      const node = await summary('node')
      expect(node.map(([id, type]) => [id, type])).toEqual(postgis.map(([id, type]) => [id, type]))
      // Both snap to the same grid; ST_AsMVTGeom drops some collinear vertices and repairs rings.
      const total = (features: (readonly [unknown, string, number])[]) =>
        features.reduce((sum, [, , count]) => sum + count, 0)
      expect(Math.abs(total(node) - total(postgis))).toBeLessThanOrEqual(total(postgis) * 0.05)
    }
  })
})
