import { pointToPolygonDistance } from '@turf/turf'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'
import { backend } from '../helpers/test-db.ts'
import { testWorld } from '../helpers/test-world.ts'

// Sign-in, roles and jurisdiction scope through the API (both backends), as the demo accounts.

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
})
afterAll(() => t?.close())

const report = () => ({
  category: 'dumping',
  location: { type: 'Point', coordinates: [119.9, 30.55] },
  occurred_at: new Date(Date.now() - 600_000).toISOString(),
  source: 'hotline',
  description: 'access test',
})

type Who = 'anonymous' | 'supervisor' | 'coordinator' | 'station-fushi' | 'admin'
const everyone: Who[] = ['anonymous', 'supervisor', 'coordinator', 'station-fushi', 'admin']

/** Each route with the accounts that may call it; the others get 401 (anonymous) or 403. */
const readers: Who[] = ['supervisor', 'coordinator', 'station-fushi', 'admin']

const table: { method: 'GET' | 'POST' | 'PATCH'; url: string; body?: unknown; allowed: Who[] }[] = [
  { method: 'GET', url: '/api/health', allowed: everyone },
  { method: 'GET', url: '/api/layers', allowed: ['supervisor', 'coordinator', 'station-fushi', 'admin'] },
  {
    method: 'GET',
    url: '/api/layers/stations',
    allowed: ['supervisor', 'coordinator', 'station-fushi', 'admin'],
  },
  {
    method: 'GET',
    url: '/api/incidents?limit=5',
    allowed: ['supervisor', 'coordinator', 'station-fushi', 'admin'],
  },
  {
    method: 'GET',
    url: '/api/incidents/stats',
    allowed: ['supervisor', 'coordinator', 'station-fushi', 'admin'],
  },
  {
    method: 'GET',
    url: '/api/patrols?limit=5',
    allowed: ['supervisor', 'coordinator', 'station-fushi', 'admin'],
  },
  {
    method: 'GET',
    url: '/api/hotspots/clusters?from=2026-10-25T00:00:00Z&to=2026-11-01T00:00:00Z',
    allowed: ['supervisor', 'coordinator', 'station-fushi', 'admin'],
  },
  {
    method: 'POST',
    url: '/api/incidents',
    body: report(),
    allowed: ['coordinator', 'station-fushi', 'admin'],
  },
  { method: 'POST', url: '/api/patrols', body: {}, allowed: ['coordinator', 'station-fushi', 'admin'] },
  { method: 'GET', url: '/api/hotspots?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z', allowed: readers },
  { method: 'GET', url: '/api/boundary', allowed: readers },
  { method: 'GET', url: '/api/stations', allowed: readers },
  { method: 'GET', url: '/api/stations/station-fushi/view?to=2026-11-01T00:00:00Z', allowed: readers },
  { method: 'POST', url: '/api/import/markets', body: {}, allowed: ['admin'] },
  { method: 'PATCH', url: '/api/stations/station-fushi', body: { duty_hours: '24h' }, allowed: ['admin'] },
]

describe(`roles against routes (${backend})`, () => {
  for (const route of table) {
    it(`${route.method} ${route.url}`, async () => {
      for (const who of everyone) {
        const response = await t.injectAs(who === 'anonymous' ? null : who, {
          method: route.method,
          url: route.url,
          ...(route.body === undefined ? {} : { payload: route.body as object }),
        })
        const expected = route.allowed.includes(who) ? 'allowed' : who === 'anonymous' ? 401 : 403
        const got =
          response.statusCode === 401 || response.statusCode === 403 ? response.statusCode : 'allowed'
        expect(got, `${who}: ${response.statusCode} ${response.body.slice(0, 200)}`).toBe(expected)
        expect(response.statusCode, `${who}: ${response.body.slice(0, 200)}`).toBeLessThan(500)
      }
    })
  }
})

describe(`sessions (${backend})`, () => {
  it('sets an HttpOnly, SameSite=Strict cookie (not Secure over plain HTTP) and says who is signed in', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'station-qiaoxi', password: testWorld.password },
    })
    expect(response.statusCode).toBe(200)
    const header = String(response.headers['set-cookie'])
    expect(header).toMatch(/^shanshui_session=[\w-]{40,};/)
    expect(header).toMatch(/HttpOnly/)
    expect(header).toMatch(/SameSite=Strict/)
    expect(header).toMatch(/Path=\//)
    expect(header).not.toMatch(/Secure/)
    expect(response.json().user).toMatchObject({
      username: 'station-qiaoxi',
      role: 'station',
      station_id: 'station-qiaoxi',
    })
    expect(JSON.stringify(response.json())).not.toMatch(/password|scrypt/)
    const cookie = header.split(';')[0] as string
    const me = await t.app.inject({ url: '/api/session', headers: { cookie } })
    expect(me.json().user.username).toBe('station-qiaoxi')
    // Signing out ends the session on the server: the old cookie opens nothing.
    expect(
      (await t.app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie } })).statusCode,
    ).toBe(204)
    expect((await t.app.inject({ url: '/api/layers', headers: { cookie } })).statusCode).toBe(401)
    expect(
      (await t.app.inject({ url: '/api/layers', headers: { cookie: 'shanshui_session=forged' } })).statusCode,
    ).toBe(401)
  })

  it('answers 429 after five wrong passwords for a name, even for the right one, and says when to retry', async () => {
    const own = await buildTestApp()
    try {
      const attempt = (password: string) =>
        own.app.inject({
          method: 'POST',
          url: '/api/session',
          remoteAddress: '10.9.8.7',
          payload: { username: 'admin', password },
        })
      for (let i = 0; i < 5; i++) expect((await attempt(`guess-${i}`)).statusCode).toBe(401)
      const locked = await attempt(testWorld.password)
      expect(locked.statusCode).toBe(429)
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(60)
      expect(locked.json().message).toMatch(/too many wrong passwords/)
      // Another account is not locked out by it.
      expect((await own.injectAs('coordinator', { url: '/api/layers' })).statusCode).toBe(200)
    } finally {
      await own.close()
    }
  })

  it('answers an unknown name like a wrong password', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'nobody-here', password: 'whatever-it-is' },
    })
    expect(response.statusCode).toBe(401)
    expect(response.json().message).toBe('wrong username or password')
  })
})

describe(`jurisdiction scope (${backend})`, () => {
  let jurisdiction: Feature<Polygon | MultiPolygon>
  let outside: number
  beforeAll(async () => {
    const stations = (await t.inject({ url: '/api/layers/jurisdictions' })).json()
    jurisdiction = stations.features.find((f: Feature) => f.properties?.id === 'station-fushi')
    // An incident in Nanxun, at the other end of Huzhou from Fushi Reservoir.
    const created = await t.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: { ...report(), location: { type: 'Point', coordinates: [120.42, 30.87] } },
    })
    outside = created.json().id
  })

  it('a station sees only incidents in its jurisdiction and band', async () => {
    const all = (await t.inject({ url: '/api/incidents?limit=5000' })).json()
    const own = (await t.injectAs('station-fushi', { url: '/api/incidents?limit=5000' })).json()
    expect(jurisdiction).toBeDefined()
    expect(own.features.length).toBeGreaterThan(0)
    expect(own.features.length).toBeLessThan(all.features.length)
    // Independently (turf): every incident shown lies in the jurisdiction or within the 5 km band beyond it.
    for (const feature of own.features) {
      const km = pointToPolygonDistance(feature.geometry.coordinates, jurisdiction, { units: 'kilometers' })
      expect(km, `incident ${feature.id}`).toBeLessThan(5.1)
    }
  })

  it('a station lists only patrols that pass through its jurisdiction or band', async () => {
    const url = '/api/patrols?kind=actual&limit=40'
    const all = (await t.inject({ url })).json()
    const own = (await t.injectAs('station-fushi', { url })).json()
    expect(own.features.length).toBeGreaterThan(0)
    expect(own.features.map((f: { id: number }) => f.id)).not.toEqual(
      all.features.map((f: { id: number }) => f.id),
    )
    for (const feature of own.features) {
      const coords: number[][] = feature.geometry.coordinates
      // Every 5th vertex is enough: fixes lie tens of metres apart, the allowance is 5 km + 0.3 km.
      const nearest = Math.min(
        ...coords
          .filter((_, i) => i % 5 === 0 || i === coords.length - 1)
          .map((c) => pointToPolygonDistance(c.slice(0, 2), jurisdiction, { units: 'kilometers' })),
      )
      expect(nearest, `patrol ${feature.id}`).toBeLessThan(5.3)
    }
    const hidden = all.features.find(
      (f: { id: number }) => !own.features.some((o: { id: number }) => o.id === f.id),
    )
    if (hidden) {
      const response = await t.injectAs('station-fushi', { url: `/api/patrols/${hidden.id}` })
      expect(response.statusCode).toBe(404)
    }
  })

  it('a station gets 404 reading an incident outside its scope and 403 changing it; nothing changes', async () => {
    expect((await t.injectAs('station-fushi', { url: `/api/incidents/${outside}` })).statusCode).toBe(404)
    const patch = await t.injectAs('station-fushi', {
      method: 'PATCH',
      url: `/api/incidents/${outside}`,
      payload: { status: 'cancelled' },
    })
    expect(patch.statusCode).toBe(403)
    const dispatch = await t.injectAs('station-fushi', {
      method: 'POST',
      url: `/api/incidents/${outside}/dispatch`,
    })
    expect(dispatch.statusCode).toBe(403)
    const seen = (await t.inject({ url: `/api/incidents/${outside}` })).json()
    expect(seen.status).toBe('reported')
    expect(seen.events).toHaveLength(1)
  })

  it('refuses hostile query parameters with 400 and leaves the data unchanged', async () => {
    const before = await t.db.query('SELECT count(*)::int AS n FROM incidents')
    for (const query of [
      "category=dumping'%20OR%201=1--",
      'bbox=1,2,3',
      'bbox=NaN,0,1,1',
      'bbox=119,30,121,95',
      'status=reported;DROP%20TABLE%20incidents',
      'from=yesterday',
    ]) {
      const response = await t.inject({ url: `/api/incidents?${query}` })
      expect(response.statusCode, query).toBe(400)
    }
    expect(await t.db.query('SELECT count(*)::int AS n FROM incidents')).toEqual(before)
  })
})
