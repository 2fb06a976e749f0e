import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db/db.ts'
import {
  type IncidentStatus,
  incidentStatuses,
  nextStatuses,
} from '../../server/domain/incident-lifecycle.ts'
import type { IncidentDetail, IncidentFeature } from '../../server/domain/incidents.ts'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'
import { backend } from '../helpers/test-db.ts'

// Incidents through the HTTP API on the test world (run on both backends): reporting, listing,
// the lifecycle with its illegal steps, one-key dispatch, and the Fushi Reservoir bird-trap story.

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
})
afterAll(() => t?.close())

type Json = Record<string, unknown>

/** Beside Fushi Reservoir: its easternmost vertex moved 80 m further east, on the shore. */
async function besideFushi(db: Db): Promise<[number, number]> {
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

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString()

const report = (over: Json = {}): Json => ({
  category: 'poaching',
  location: { type: 'Point', coordinates: [119.9, 30.55] },
  occurred_at: minutesAgo(10),
  source: 'app',
  description: 'bird nets on the shore',
  ...over,
})

/** Reports as a demo account (the coordinator unless said; null: without a session). */
async function post(body: unknown, as: string | null = 'coordinator') {
  return t.injectAs(as, { method: 'POST', url: '/api/incidents', payload: body as Json })
}

async function create(over: Json = {}): Promise<IncidentDetail> {
  const response = await post(report(over))
  expect(response.statusCode, response.body).toBe(201)
  return response.json()
}

const patch = (id: number, body: unknown, as: string | null = 'coordinator') =>
  t.injectAs(as, { method: 'PATCH', url: `/api/incidents/${id}`, payload: body as Json })

const count = async (sql: string, params: unknown[] = []) =>
  (await t.db.query<{ n: number }>(sql, params))[0]?.n ?? 0

const incidentCount = () => count('SELECT count(*) AS n FROM incidents')
const eventCount = () => count('SELECT count(*) AS n FROM incident_events')

describe(`POST /api/incidents (${backend})`, () => {
  it('records a report with its district, nearest place and first event', async () => {
    const [lon, lat] = await besideFushi(t.db)
    const before = await eventCount()
    const response = await post(report({ location: { type: 'Point', coordinates: [lon, lat] } }))
    expect(response.statusCode, response.body).toBe(201)
    const incident: IncidentDetail = response.json()
    expect(incident).toMatchObject({
      category: 'poaching',
      severity: 2,
      source: 'app',
      status: 'reported',
      next_statuses: ['dispatched', 'cancelled'],
      description: 'bird nets on the shore',
      location: { type: 'Point', coordinates: [lon, lat] },
      district_code: 330523,
      district: { code: 330523, name_zh: '安吉县', name_en: 'Anji' },
      chief_id: null,
      chief: null,
      dispatched_at: null,
    })
    expect(incident.id).toBeGreaterThan(0)
    // The nearest place: the reservoir 80 m away, or its water-source zone around it (0 m).
    const [nearest] = await t.db.query<{ id: string; d: number }>(
      `SELECT id, ST_Distance(geom_m, ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 4549)) AS d
         FROM places ORDER BY d, id LIMIT 1`,
      [lon, lat],
    )
    expect(['reservoir-fushi', 'water-source-fushi']).toContain(nearest?.id)
    expect(incident.place_id).toBe(nearest?.id)
    expect(incident.place).toMatchObject({ id: nearest?.id, distance_m: Math.round(nearest?.d ?? -1) })
    expect(incident.events).toEqual([
      {
        id: expect.any(Number),
        incident_id: incident.id,
        at: incident.reported_at,
        actor: 'coordinator',
        from_status: null,
        to_status: 'reported',
        chief_id: null,
        chief: null,
        note: '',
      },
    ])
    expect(await eventCount()).toBe(before + 1)
    const [stored] = await t.db.query<Json>(
      'SELECT status, district_code, place_id FROM incidents WHERE id = $1',
      [incident.id],
    )
    expect(stored).toEqual({ status: 'reported', district_code: 330523, place_id: nearest?.id })
  })

  it('takes the nearest place with the k-NN distance, as a brute-force scan finds it', async () => {
    const point = [120.09, 30.87]
    const incident = await create({ location: { type: 'Point', coordinates: point } })
    const [nearest] = await t.db.query<{ id: string; d: number }>(
      `SELECT id, ST_Distance(geom_m, ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 4549)) AS d
         FROM places ORDER BY d, id LIMIT 1`,
      point,
    )
    expect(nearest).toBeDefined()
    if (nearest && nearest.d <= 5000) {
      expect(incident.place).toMatchObject({ id: nearest.id, distance_m: Math.round(nearest.d) })
    } else {
      expect(incident.place).toBeNull()
    }
    expect(incident.district_code).toBe(330502)
  })

  it('records the signed-in user as the actor and keeps a given severity', async () => {
    const incident = await create({ severity: 3, category: 'dumping', source: 'hotline' })
    expect(incident.severity).toBe(3)
    expect(incident.events[0]?.actor).toBe('coordinator')
  })

  it('accepts a point just outside Huzhou and files it under the nearest district', async () => {
    // Hangzhou's West Lake, about 20 km south of Deqing.
    const incident = await create({ location: { type: 'Point', coordinates: [120.14, 30.25] } })
    expect(incident.district_code).toBe(330521)
  })

  it('accepts a time a little ahead of the server clock', async () => {
    const response = await post(report({ occurred_at: new Date(Date.now() + 2 * 60_000).toISOString() }))
    expect(response.statusCode).toBe(201)
  })

  const bad: [string, Json | string, number, RegExp][] = [
    ['an unknown category', report({ category: 'littering' }), 400, /category/],
    ['an unknown source', report({ source: 'fax' }), 400, /source/],
    ['a missing category', { ...report(), category: undefined }, 400, /category/],
    ['a missing location', { ...report(), location: undefined }, 400, /location/],
    ['a missing description', { ...report(), description: undefined }, 400, /description/],
    ['a severity of 4', report({ severity: 4 }), 400, /severity/],
    ['an unknown field', report({ priority: 'high' }), 400, /additional properties/],
    [
      'a LineString location',
      report({ location: { type: 'LineString', coordinates: [[120, 30.5]] } }),
      400,
      /location/,
    ],
    ['one coordinate', report({ location: { type: 'Point', coordinates: [120] } }), 400, /coordinates/],
    [
      'text coordinates',
      report({ location: { type: 'Point', coordinates: ['east', 'north'] } }),
      400,
      /coordinates/,
    ],
    [
      'a longitude off the globe',
      report({ location: { type: 'Point', coordinates: [200, 30] } }),
      400,
      /within -180..180/,
    ],
    [
      'a latitude off the globe',
      report({ location: { type: 'Point', coordinates: [120, -91] } }),
      400,
      /-90..90/,
    ],
    [
      'a point in Beijing',
      report({ location: { type: 'Point', coordinates: [116.4, 39.9] } }),
      422,
      /within 50 km of Huzhou/,
    ],
    [
      'a point in Shanghai',
      report({ location: { type: 'Point', coordinates: [121.47, 31.23] } }),
      422,
      /km from the nearest Huzhou district/,
    ],
    [
      'a point across the globe',
      report({ location: { type: 'Point', coordinates: [-60, -30.5] } }),
      422,
      /within 50 km/,
    ],
    [
      'a time 10 minutes ahead',
      report({ occurred_at: new Date(Date.now() + 10 * 60_000).toISOString() }),
      422,
      /in the future/,
    ],
    [
      'an unparseable time',
      report({ occurred_at: 'yesterday' }),
      400,
      /occurred_at must match format "date-time"/,
    ],
    ['a time without zone', report({ occurred_at: '2024-05-01T08:30:00' }), 400, /occurred_at/],
    ['an impossible date', report({ occurred_at: '2024-02-30T08:30:00Z' }), 400, /occurred_at/],
    ['a body that is not JSON', '{"category": ', 400, /JSON/i],
  ]
  for (const [what, body, status, message] of bad) {
    it(`answers ${status} to ${what} and writes nothing`, async () => {
      const [incidents, events] = [await incidentCount(), await eventCount()]
      const response = await t.inject({
        method: 'POST',
        url: '/api/incidents',
        headers: { 'content-type': 'application/json' },
        payload: typeof body === 'string' ? body : JSON.stringify(body),
      })
      expect(response.statusCode, response.body).toBe(status)
      const error = response.json()
      expect(error).toMatchObject({ error: expect.any(String), details: expect.any(Array) })
      expect(error.message).toMatch(message)
      expect([await incidentCount(), await eventCount()]).toEqual([incidents, events])
    })
  }

  it('gives codes in the details of a refused report', async () => {
    const far = await post(report({ location: { type: 'Point', coordinates: [116.4, 39.9] } }))
    expect(far.json().details).toEqual([
      { field: 'location', code: 'outside_served_area', max_distance_m: 50000 },
    ])
    const future = await post(report({ occurred_at: new Date(Date.now() + 3_600_000).toISOString() }))
    expect(future.json().details[0]).toMatchObject({ field: 'occurred_at', code: 'in_future' })
  })

  it('refuses a report without a session (401) and from a supervisor (403), storing nothing', async () => {
    const before = await incidentCount()
    const anonymous = await post(report(), null)
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.json().message).toMatch(/sign in/)
    const supervisor = await post(report(), 'supervisor')
    expect(supervisor.statusCode).toBe(403)
    expect(supervisor.json().message).toMatch(/supervisor/)
    expect(await incidentCount()).toBe(before)
  })
})

describe(`GET /api/incidents (${backend})`, () => {
  const list = async (query: string) => {
    const response = await t.inject({ method: 'GET', url: `/api/incidents${query}` })
    return { status: response.statusCode, body: response.json(), type: response.headers['content-type'] }
  }

  it('answers a GeoJSON FeatureCollection with a cap and the count', async () => {
    const { status, body, type } = await list('')
    expect(status).toBe(200)
    expect(type).toMatch(/application\/geo\+json/)
    expect(body.type).toBe('FeatureCollection')
    const total = await incidentCount()
    expect(body.limit).toBe(5000)
    expect(body.count).toBe(Math.min(total, 5000))
    expect(body.features).toHaveLength(body.count)
    expect(body.truncated).toBe(total > 5000)
    const feature: IncidentFeature = body.features[0]
    expect(feature).toMatchObject({ type: 'Feature', geometry: { type: 'Point' } })
    expect(feature.id).toBe(feature.properties.id)
    expect(feature.properties).not.toHaveProperty('location')
    expect(feature.properties).not.toHaveProperty('events')
    expect(Object.keys(feature.properties)).toEqual(
      expect.arrayContaining([
        'category',
        'status',
        'occurred_at',
        'district_code',
        'place',
        'chief',
        'next_statuses',
      ]),
    )
  })

  it('lists the latest occurrences first and says when the cap cut the list', async () => {
    const { body } = await list('?limit=7')
    expect(body.count).toBe(7)
    expect(body.limit).toBe(7)
    expect(body.truncated).toBe((await incidentCount()) > 7)
    const times = body.features.map((f: IncidentFeature) => f.properties.occurred_at)
    expect([...times].sort().reverse()).toEqual(times)
  })

  it('filters by bbox, window, categories and statuses as SQL counts them', async () => {
    const query =
      '?bbox=119.2,30.3,119.9,30.9&from=2026-01-01T00:00:00Z&to=2026-10-01T00:00:00Z' +
      '&category=poaching,illegal_fishing&status=reported,resolved,closed&limit=20000'
    const { status, body } = await list(query)
    expect(status).toBe(200)
    const expected = await count(
      `SELECT count(*) AS n FROM incidents
        WHERE ST_X(geom) BETWEEN 119.2 AND 119.9 AND ST_Y(geom) BETWEEN 30.3 AND 30.9
          AND occurred_at >= '2026-01-01T00:00:00Z' AND occurred_at < '2026-10-01T00:00:00Z'
          AND category IN ('poaching', 'illegal_fishing') AND status IN ('reported', 'resolved', 'closed')`,
    )
    expect(body.count).toBe(expected)
    for (const f of body.features as IncidentFeature[]) {
      const [lon, lat] = f.geometry.coordinates
      expect(lon).toBeGreaterThanOrEqual(119.2)
      expect(lon).toBeLessThanOrEqual(119.9)
      expect(lat).toBeGreaterThanOrEqual(30.3)
      expect(lat).toBeLessThanOrEqual(30.9)
      expect(['poaching', 'illegal_fishing']).toContain(f.properties.category)
      expect(['reported', 'resolved', 'closed']).toContain(f.properties.status)
      expect(f.properties.occurred_at >= '2026-01-01' && f.properties.occurred_at < '2026-10-01').toBe(true)
    }
  })

  it('takes a viewport window as from ≤ occurred_at < to, to the millisecond', async () => {
    const incident = await create({ occurred_at: minutesAgo(7) })
    const at = Date.parse(incident.occurred_at)
    const ids = async (from: number, to: number) => {
      const window = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`
      const { body } = await list(`?bbox=119.8,30.5,120,30.6&${window}&limit=20000`)
      return body.features.map((f: IncidentFeature) => f.id)
    }
    expect(await ids(at, at + 1)).toContain(incident.id)
    expect(await ids(at + 1, at + 60_000)).not.toContain(incident.id)
    expect(await ids(at - 60_000, at)).not.toContain(incident.id)
  })

  it('writes each feature as the incident itself reads, key for key and in the same order', async () => {
    // The list is JSON text written by PostgreSQL, the incident an object serialised by the route:
    // escaping, nulls, names, distances and times must agree. One dispatched to a chief, one with
    // characters to escape, and the latest with a place.
    const [lon, lat] = await besideFushi(t.db)
    const dispatched = await create({ location: { type: 'Point', coordinates: [lon, lat] } })
    expect(
      (await t.inject({ method: 'POST', url: `/api/incidents/${dispatched.id}/dispatch` })).statusCode,
    ).toBe(200)
    const escaped = await create({ description: 'nets "here"\n\\ 鸟网\t\u0001 </script>' })
    const placed = await t.db.query<{ id: number }>(
      'SELECT id FROM incidents WHERE place_id IS NOT NULL ORDER BY occurred_at DESC, id DESC LIMIT 3',
    )
    const { body } = await list('?limit=20000')
    const ids = [dispatched.id, escaped.id, ...placed.map((row) => row.id)]
    for (const id of ids) {
      const listed = body.features.find((f: IncidentFeature) => f.id === id)
      const incident = (await t.inject({ method: 'GET', url: `/api/incidents/${id}` })).json()
      const { location, events: _events, ...properties } = incident
      expect(JSON.stringify(listed)).toBe(
        JSON.stringify({ type: 'Feature', id, geometry: location, properties }),
      )
    }
    expect(body.features.find((f: IncidentFeature) => f.id === dispatched.id).properties).toMatchObject({
      status: 'dispatched',
      chief: { id: expect.any(String) },
    })
  })

  it('finds a new report by its category and status', async () => {
    const incident = await create({ category: 'food_safety', source: 'patrol' })
    const { body } = await list('?category=food_safety&status=reported&limit=20000')
    expect(body.features.map((f: IncidentFeature) => f.id)).toContain(incident.id)
    expect(body.features.every((f: IncidentFeature) => f.properties.category === 'food_safety')).toBe(true)
  })

  const badQueries: [string, RegExp][] = [
    ['?category=poaching,littering', /unknown: littering/],
    ['?category=', /empty list/],
    ['?status=open', /unknown: open/],
    ['?bbox=1,2,3', /bbox must be four numbers/],
    ['?bbox=120,31,119,30', /min before max/],
    ['?from=last-week', /from must match format/],
    ['?to=2024-13-01T00:00:00Z', /to must match format/],
    ['?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z', /must be before to/],
    ['?limit=0', /limit/],
    ['?limit=20001', /limit/],
    ['?limit=ten', /limit/],
  ]
  for (const [query, message] of badQueries) {
    it(`answers 400 to ${query}`, async () => {
      const { status, body } = await list(query)
      expect(status).toBe(400)
      expect(body.message).toMatch(message)
    })
  }

  it('names each unknown value in the details', async () => {
    const { body } = await list('?category=poaching,littering,smuggling')
    expect(body.details).toEqual([
      { field: 'category', code: 'unknown_value', value: 'littering' },
      { field: 'category', code: 'unknown_value', value: 'smuggling' },
    ])
  })
})

describe(`GET /api/incidents/:id (${backend})`, () => {
  it('answers the incident with its history', async () => {
    const created = await create()
    const response = await t.inject({ method: 'GET', url: `/api/incidents/${created.id}` })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual(created)
  })

  it('answers 404 for an id that does not exist', async () => {
    const response = await t.inject({ method: 'GET', url: '/api/incidents/2000000000' })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toEqual({ error: 'Not Found', message: 'no incident 2000000000', details: [] })
  })

  for (const id of ['abc', '1.5', '0', '-3', '99999999999']) {
    it(`answers 400 for the id "${id}"`, async () => {
      const response = await t.inject({ method: 'GET', url: `/api/incidents/${id}` })
      expect(response.statusCode).toBe(400)
      expect(response.json().message).toMatch(/params\/id/)
    })
  }
})

describe(`PATCH /api/incidents/:id (${backend})`, () => {
  const path: IncidentStatus[] = ['dispatched', 'on_scene', 'resolved', 'closed']

  it('walks the lifecycle, refusing every other step with 409 and the allowed ones', async () => {
    const incident = await create()
    let status: IncidentStatus = 'reported'
    for (const next of path) {
      for (const wrong of incidentStatuses.filter((s) => !nextStatuses(status).includes(s))) {
        const before = await eventCount()
        const refused = await patch(incident.id, { status: wrong })
        expect(refused.statusCode, `${status} → ${wrong}`).toBe(409)
        expect(refused.json()).toEqual({
          error: 'Conflict',
          message: expect.stringContaining(`"${status}" to "${wrong}"`),
          details: [
            { code: 'illegal_transition', from: status, to: wrong, allowed: [...nextStatuses(status)] },
          ],
        })
        expect(await eventCount()).toBe(before)
      }
      const response = await patch(incident.id, { status: next, note: `to ${next}` }, 'admin')
      expect(response.statusCode, response.body).toBe(200)
      const body: IncidentDetail = response.json()
      expect(body.status).toBe(next)
      const last = body.events.at(-1)
      expect(last).toMatchObject({
        from_status: status,
        to_status: next,
        actor: 'admin',
        note: `to ${next}`,
      })
      expect(body[`${next}_at` as 'dispatched_at']).toBe(last?.at)
      status = next
    }
    const final = (await t.inject({ method: 'GET', url: `/api/incidents/${incident.id}` })).json()
    expect(final.events.map((e: Json) => e.to_status)).toEqual(['reported', ...path])
    expect(final.next_statuses).toEqual([])
  })

  for (const from of ['reported', 'dispatched', 'on_scene'] as const) {
    it(`cancels from ${from}, after which nothing is allowed`, async () => {
      const incident = await create()
      for (const step of path.slice(0, path.indexOf(from) + 1)) {
        if (from === 'reported') break
        expect((await patch(incident.id, { status: step })).statusCode).toBe(200)
      }
      const cancelled = await patch(incident.id, { status: 'cancelled', note: 'false alarm' })
      expect(cancelled.statusCode).toBe(200)
      expect(cancelled.json()).toMatchObject({ status: 'cancelled', next_statuses: [] })
      for (const status of incidentStatuses) {
        const refused = await patch(incident.id, { status })
        expect(refused.statusCode).toBe(409)
        expect(refused.json().details[0]).toMatchObject({ from: 'cancelled', allowed: [] })
      }
    })
  }

  it('refuses to cancel a resolved incident', async () => {
    const incident = await create()
    for (const step of path.slice(0, 3)) await patch(incident.id, { status: step })
    const refused = await patch(incident.id, { status: 'cancelled' })
    expect(refused.statusCode).toBe(409)
    expect(refused.json().details[0].allowed).toEqual(['closed'])
  })

  it('lets only one of two concurrent, exclusive changes win', async () => {
    // From on_scene, resolved and cancelled exclude each other: whichever comes second is refused.
    const incident = await create()
    for (const step of ['dispatched', 'on_scene']) await patch(incident.id, { status: step })
    const before = await eventCount()
    const answers = await Promise.all([
      patch(incident.id, { status: 'resolved' }, 'coordinator'),
      patch(incident.id, { status: 'cancelled' }, 'admin'),
    ])
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409])
    expect(await eventCount()).toBe(before + 1)
    const winner = answers.find((a) => a.statusCode === 200)?.json()
    const loser = answers.find((a) => a.statusCode === 409)?.json()
    expect(loser.details[0].from).toBe(winner.status)
    const stored = (await t.inject({ method: 'GET', url: `/api/incidents/${incident.id}` })).json()
    expect(stored.status).toBe(winner.status)
    expect(stored.events).toHaveLength(4)
  })

  it('lets only one of many concurrent identical changes win', async () => {
    const incident = await create()
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => patch(incident.id, { status: 'dispatched' })),
    )
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(1)
    expect(answers.filter((a) => a.statusCode === 409)).toHaveLength(5)
    expect(
      await count('SELECT count(*) AS n FROM incident_events WHERE incident_id = $1', [incident.id]),
    ).toBe(2)
  })

  const badBodies: [string, unknown, RegExp][] = [
    ['an unknown status', { status: 'open' }, /status/],
    ['no status', { note: 'x' }, /status/],
    ['an unknown field', { status: 'dispatched', chief: 'x' }, /additional properties/],
    ['a long note', { status: 'dispatched', note: 'x'.repeat(4001) }, /note/],
  ]
  for (const [what, body, message] of badBodies) {
    it(`answers 400 to ${what}`, async () => {
      const incident = await create()
      const response = await patch(incident.id, body)
      expect(response.statusCode).toBe(400)
      expect(response.json().message).toMatch(message)
    })
  }

  it('answers 404 for a missing incident and 400 for a bad id', async () => {
    expect((await patch(2_000_000_000, { status: 'dispatched' })).statusCode).toBe(404)
    const bad = await t.inject({
      method: 'PATCH',
      url: '/api/incidents/x1',
      payload: { status: 'dispatched' },
    })
    expect(bad.statusCode).toBe(400)
  })
})

describe(`POST /api/incidents/:id/dispatch (${backend})`, () => {
  const dispatch = (id: number | string, body?: Json) =>
    t.inject({
      method: 'POST',
      url: `/api/incidents/${id}/dispatch`,
      ...(body ? { payload: body } : {}),
    })

  it('dispatches to the first on-duty responsible chief with one key (no body)', async () => {
    const [lon, lat] = await besideFushi(t.db)
    const incident = await create({ location: { type: 'Point', coordinates: [lon, lat] } })
    const responsible = (
      await t.inject({ method: 'GET', url: `/api/incidents/${incident.id}/responsible` })
    ).json()
    const expected = responsible.candidates.find((c: Json) => c.kind === 'chief' && c.on_duty)
    const response = await dispatch(incident.id)
    expect(response.statusCode, response.body).toBe(200)
    const body: IncidentDetail = response.json()
    expect(body).toMatchObject({ status: 'dispatched', chief_id: expected.id, chief: { id: expected.id } })
    expect(body.dispatched_at).toBe(body.events.at(-1)?.at)
    expect(body.events.at(-1)).toMatchObject({
      from_status: 'reported',
      to_status: 'dispatched',
      actor: 'coordinator',
      chief_id: expected.id,
      note: expected.reason.text,
    })
  })

  it('dispatches to a named chief with a note', async () => {
    const incident = await create()
    const [chief] = await t.db.query<{ id: string }>('SELECT id FROM chiefs ORDER BY id DESC LIMIT 1')
    const response = await dispatch(incident.id, { chief_id: chief?.id, note: 'nearest boat' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ status: 'dispatched', chief_id: chief?.id })
    expect(response.json().events.at(-1)).toMatchObject({ chief_id: chief?.id, note: 'nearest boat' })
  })

  it('accepts an empty JSON object as one key', async () => {
    const incident = await create()
    const response = await dispatch(incident.id, {})
    expect(response.statusCode).toBe(200)
    expect(response.json().chief_id).toEqual(expect.any(String))
  })

  it('answers 422 for an unknown chief and leaves the incident as it was', async () => {
    const incident = await create()
    const before = await eventCount()
    const response = await dispatch(incident.id, { chief_id: 'chief-nobody' })
    expect(response.statusCode).toBe(422)
    expect(response.json()).toMatchObject({
      message: 'no chief with id "chief-nobody"',
      details: [{ field: 'chief_id', code: 'unknown_chief', value: 'chief-nobody' }],
    })
    expect(await eventCount()).toBe(before)
    const stored = (await t.inject({ method: 'GET', url: `/api/incidents/${incident.id}` })).json()
    expect(stored).toMatchObject({ status: 'reported', chief_id: null, dispatched_at: null })
  })

  it('answers 409 when the incident is past reported', async () => {
    const incident = await create()
    expect((await dispatch(incident.id)).statusCode).toBe(200)
    const again = await dispatch(incident.id)
    expect(again.statusCode).toBe(409)
    expect(again.json().details[0]).toEqual({
      code: 'illegal_transition',
      from: 'dispatched',
      to: 'dispatched',
      allowed: ['on_scene', 'cancelled'],
    })
    expect((await patch(incident.id, { status: 'cancelled' })).statusCode).toBe(200)
    expect((await dispatch(incident.id, { chief_id: 'chief-nobody' })).statusCode).toBe(409)
  })

  it('answers 404, and 400 for bad ids and bodies', async () => {
    expect((await dispatch(2_000_000_000)).statusCode).toBe(404)
    expect((await dispatch('abc')).statusCode).toBe(400)
    const incident = await create()
    expect((await dispatch(incident.id, { chief_id: '' })).statusCode).toBe(400)
    expect((await dispatch(incident.id, { chief: 'x' })).statusCode).toBe(400)
  })
})

describe(`the Fushi Reservoir bird trap (${backend})`, () => {
  it('goes from the app alert to resolved within 30 minutes, every step on record', async () => {
    // An Eco Guard app user reports a bird trap beside Fushi Reservoir.
    const [lon, lat] = await besideFushi(t.db)
    const alert = await post(
      report({
        category: 'poaching',
        source: 'app',
        description: 'bird trap (mist net) beside Fushi Reservoir',
        occurred_at: minutesAgo(3),
        location: { type: 'Point', coordinates: [lon, lat] },
      }),
    )
    expect(alert.statusCode).toBe(201)
    const incident: IncidentDetail = alert.json()
    expect(incident).toMatchObject({ district_code: 330523, status: 'reported' })
    expect(['reservoir-fushi', 'water-source-fushi']).toContain(incident.place_id)

    // Who answers for it: the reservoir's chief comes first.
    const fushiChiefs = (
      await t.db.query<{ chief_id: string }>(
        "SELECT chief_id FROM chief_places WHERE place_id = 'reservoir-fushi'",
      )
    ).map((r) => r.chief_id)
    expect(fushiChiefs.length).toBeGreaterThan(0)
    const responsible = (
      await t.inject({ method: 'GET', url: `/api/incidents/${incident.id}/responsible` })
    ).json()
    const first = responsible.candidates[0]
    // (A reservoir's chiefs also answer for its water-source zone, which the shore lies in.)
    expect(first).toMatchObject({ kind: 'chief', on_duty: true, reason: { code: 'place_chief' } })
    expect(fushiChiefs).toContain(first.id)
    expect(first.places.map((p: Json) => p.id)).toContain('reservoir-fushi')
    expect(first.reason.text).toMatch(/^chief of 赋石水库/)

    // One key: dispatched to the reservoir chief, who goes there and deals with the trap.
    const dispatched = await t.injectAs('station-fushi', {
      method: 'POST',
      url: `/api/incidents/${incident.id}/dispatch`,
    })
    expect(dispatched.statusCode).toBe(200)
    const chiefId = dispatched.json().chief_id
    expect(fushiChiefs).toContain(chiefId)
    expect(
      (await patch(incident.id, { status: 'on_scene', note: 'trap confirmed' }, 'station-fushi')).statusCode,
    ).toBe(200)
    const resolved = await patch(
      incident.id,
      { status: 'resolved', note: 'net removed, 3 birds released' },
      'station-fushi',
    )
    expect(resolved.statusCode).toBe(200)

    const final: IncidentDetail = (
      await t.inject({ method: 'GET', url: `/api/incidents/${incident.id}` })
    ).json()
    expect(final.status).toBe('resolved')
    expect(final.events.map((e) => [e.from_status, e.to_status, e.actor])).toEqual([
      [null, 'reported', 'coordinator'],
      ['reported', 'dispatched', 'station-fushi'],
      ['dispatched', 'on_scene', 'station-fushi'],
      ['on_scene', 'resolved', 'station-fushi'],
    ])
    expect(final.events[1]?.chief_id).toBe(chiefId)
    const times = final.events.map((e) => Date.parse(e.at))
    expect([...times].sort((a, b) => a - b)).toEqual(times)
    expect([final.reported_at, final.dispatched_at, final.on_scene_at, final.resolved_at]).toEqual(
      final.events.map((e) => e.at),
    )
    const minutes = (Date.parse(final.resolved_at ?? '') - Date.parse(final.reported_at)) / 60_000
    expect(minutes).toBeLessThan(30)

    // The supervisor's figures count it as handled within 30 minutes.
    const window = `from=${encodeURIComponent(minutesAgo(4))}&group=category`
    const stats = (await t.inject({ method: 'GET', url: `/api/incidents/stats?${window}` })).json()
    const poaching = stats.groups.find((g: Json) => g.key === 'poaching')
    expect(poaching.resolved_within_30m).toBeGreaterThanOrEqual(1)
  })
})
