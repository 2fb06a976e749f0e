import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'

// A chief of its own (no district, so the candidates are exactly the chief's places) with three
// never-patrolled places near a start in Changxing and one far away; the plan's day is in March
// 2024, before the demo world's patrols, so nothing else was patrolled then.
const chief = 'test-plan-chief'
const other = 'test-plan-other'
const start = [119.8, 31.0]
const date = '2024-03-20'
const planStart = Date.parse('2024-03-20T08:00:00+08:00')

let t: TestApp

interface Stop {
  order: number
  place_id: string
  lon: number
  lat: number
  arrive_at: string
  leave_at: string
  reason: string
  score: number
}

const postPlan = (payload: Record<string, unknown>) =>
  t.inject({
    method: 'POST',
    url: '/api/plans',
    payload: { start: { type: 'Point', coordinates: start }, hours: 2, date, ...payload },
  })

beforeAll(async () => {
  t = await buildTestApp()
  await t.db.query(
    `INSERT INTO chiefs (id, name_zh, name_en, kind) VALUES ($1, '计划警长', 'Plan Chief', 'river'), ($2, '另一警长', 'Other Chief', 'river')`,
    [chief, other],
  )
  const places: [string, string, number, string][] = [
    ['test-plan-market', 'market', 3, 'POINT(119.81 31.005)'],
    ['test-plan-river', 'river', 7, 'LINESTRING(119.79 31.02, 119.8 31.03)'],
    [
      'test-plan-forest',
      'forest',
      14,
      'POLYGON((119.78 30.99, 119.79 30.99, 119.79 31, 119.78 31, 119.78 30.99))',
    ],
    ['test-plan-far', 'river', 7, 'LINESTRING(119.4 30.55, 119.41 30.55)'],
  ]
  for (const [id, kind, every, wkt] of places) {
    await t.db.query(
      `INSERT INTO places (id, kind, name_zh, name_en, district_code, patrol_every_days, geom)
       VALUES ($1, $2, '计划' || $1, 'Plan ' || $1, 330522, $3, ST_GeomFromText($4, 4326))`,
      [id, kind, every, wkt],
    )
    await t.db.query('INSERT INTO chief_places (chief_id, place_id) VALUES ($1, $2)', [chief, id])
  }
})

afterAll(async () => {
  await t?.close()
})

describe('POST /api/plans', () => {
  let plan: {
    id: number
    started_at: string
    ended_at: string
    route: { geometry: { coordinates: number[][] }; properties: { times: number[] } }
    stops: Stop[]
    adds: { places: number; covered_m: number; covered_m2: number; visits: number }
  }

  it('suggests a route through the reachable gaps and stores it as a planned patrol', async () => {
    const res = await postPlan({ chief_id: chief })
    expect(res.statusCode, res.body).toBe(201)
    plan = res.json()
    expect(plan).toMatchObject({
      chief_id: chief,
      date,
      hours: 2,
      speed_kmh: 15,
      detour_factor: 1.3,
      radius: 200,
    })
    expect(plan.stops.map((s) => s.place_id).sort()).toEqual([
      'test-plan-forest',
      'test-plan-market',
      'test-plan-river',
    ])
    expect(plan.stops.map((s) => s.order)).toEqual([1, 2, 3])
    for (const stop of plan.stops) {
      expect(['overdue', 'low_coverage', 'both']).toContain(stop.reason)
      expect(stop.score).toBeGreaterThan(0)
      expect(Date.parse(stop.leave_at) - Date.parse(stop.arrive_at)).toBe(15 * 60_000)
    }
  })

  it('starts and ends at the start, with times that fit the hours', () => {
    const coords = plan.route.geometry.coordinates
    expect(coords[0]).toEqual(start)
    expect(coords[coords.length - 1]).toEqual(start)
    const times = plan.route.properties.times
    expect(times).toHaveLength(coords.length)
    expect(times[0]).toBe(planStart)
    expect(times.every((time, i) => i === 0 || time >= (times[i - 1] as number))).toBe(true)
    expect(Date.parse(plan.ended_at) - Date.parse(plan.started_at)).toBeLessThanOrEqual(2 * 3_600_000)
    expect(plan.started_at).toBe(new Date(planStart).toISOString())
  })

  it('says what coverage it would add', () => {
    expect(plan.adds.places).toBeGreaterThanOrEqual(3)
    expect(plan.adds.visits).toBeGreaterThanOrEqual(1)
    expect(plan.adds.covered_m).toBeGreaterThan(0)
    expect(plan.adds.covered_m2).toBeGreaterThan(0)
  })

  it('is listed as a planned patrol, can be fetched again, and counts as no patrolling', async () => {
    const list = (await t.inject({ url: `/api/patrols?kind=planned&chief=${chief}` })).json()
    expect(list.features.map((f: { id: number }) => f.id)).toEqual([plan.id])
    expect(list.features[0].properties.properties.stops).toHaveLength(3)
    const again = await t.inject({ url: `/api/plans/${plan.id}` })
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual(plan)
    const coverage = (
      await t.inject({
        url: `/api/coverage?chief=${chief}&from=2024-03-19T00:00:00Z&to=2024-03-21T00:00:00Z`,
      })
    ).json()
    expect(coverage.places.every((p: { coverage: number }) => p.coverage === 0)).toBe(true)
  })

  describe('adherence', () => {
    const adherence = async (query = '') => {
      const res = await t.inject({ url: `/api/plans/${plan.id}/adherence${query}` })
      expect(res.statusCode, res.body).toBe(200)
      return res.json()
    }
    const walk = async (chiefId: string, to: number[], from: string, until: string) => {
      const res = await t.inject({
        method: 'POST',
        url: '/api/patrols',
        payload: {
          type: 'Feature',
          geometry: { type: 'LineString', coordinates: [start, to, start] },
          properties: { chief_id: chiefId, started_at: from, ended_at: until },
        },
      })
      expect(res.statusCode, res.body).toBe(201)
    }

    it('is 0 before any track of the day', async () => {
      const body = await adherence()
      expect(body).toMatchObject({ plan_id: plan.id, tracks: 0, stops_total: 3, stops_visited: 0, share: 0 })
      expect(body.stops.every((s: { nearest_m: number | null }) => s.nearest_m === null)).toBe(true)
    })

    it("counts the stops the chief's actual tracks came within R of that day, not another chief's", async () => {
      const first = plan.stops[0] as Stop
      const second = plan.stops[1] as Stop
      await walk(chief, [first.lon, first.lat], '2024-03-20T08:10:00+08:00', '2024-03-20T08:50:00+08:00')
      await walk(other, [second.lon, second.lat], '2024-03-20T09:00:00+08:00', '2024-03-20T09:40:00+08:00')
      // The chief's walk the day before does not count either.
      await walk(chief, [second.lon, second.lat], '2024-03-19T09:00:00+08:00', '2024-03-19T09:40:00+08:00')
      const body = await adherence()
      expect(body).toMatchObject({ tracks: 1, stops_total: 3, stops_visited: 1 })
      expect(body.share).toBeCloseTo(1 / 3, 4)
      const visited = body.stops.find((s: { order: number }) => s.order === first.order)
      expect(visited.visited).toBe(true)
      expect(visited.nearest_m).toBeLessThan(1)
      expect(Date.parse(visited.visited_at)).toBeGreaterThan(Date.parse('2024-03-20T08:10:00+08:00'))
      expect(Date.parse(visited.visited_at)).toBeLessThan(Date.parse('2024-03-20T08:50:00+08:00'))
      expect(body.stops.find((s: { order: number }) => s.order === second.order).visited).toBe(false)
    })
  })
})

describe('POST /api/plans with a drawn route', () => {
  // Along test-plan-river (119.79 31.02 → 119.8 31.03), from a little before it to a little after.
  const route = [
    [119.785, 31.015],
    [119.79, 31.02],
    [119.8, 31.03],
    [119.805, 31.035],
  ]
  const drawnDate = '2024-03-21'
  const postRoute = (payload: Record<string, unknown>) =>
    t.inject({
      method: 'POST',
      url: '/api/plans',
      payload: {
        chief_id: chief,
        route: { type: 'LineString', coordinates: route },
        date: drawnDate,
        ...payload,
      },
    })

  it('times the route at the speed, stops at the gaps it passes and says what it adds', async () => {
    const res = await postRoute({ speed_kmh: 5, start_time: '09:30' })
    expect(res.statusCode, res.body).toBe(201)
    const plan = res.json()
    expect(plan).toMatchObject({
      source: 'drawn',
      chief_id: chief,
      date: drawnDate,
      speed_kmh: 5,
      dwell_minutes: 0,
    })
    expect(plan.route.geometry.coordinates).toEqual(route)
    // About 2.1 km along the route at 5 km/h: some 25 minutes.
    const minutes = (Date.parse(plan.ended_at) - Date.parse(plan.started_at)) / 60_000
    const km = route.slice(1).reduce((sum, c, i) => {
      const p = route[i] as number[]
      const dx = ((c[0] as number) - (p[0] as number)) * 111.32 * Math.cos((31 * Math.PI) / 180)
      const dy = ((c[1] as number) - (p[1] as number)) * 110.57
      return sum + Math.hypot(dx, dy)
    }, 0)
    expect(minutes).toBeCloseTo((km / 5) * 60, 0)
    expect(plan.started_at).toBe(new Date(Date.parse('2024-03-21T09:30:00+08:00')).toISOString())
    // The demo world's places near the route may be stops too; they come in the order the route meets them.
    expect(plan.stops.map((s: Stop) => s.place_id)).toContain('test-plan-river')
    const arrivals = plan.stops.map((s: Stop) => Date.parse(s.arrive_at))
    expect(arrivals).toEqual([...arrivals].sort((a, b) => a - b))
    expect(plan.stops.map((s: Stop) => s.order)).toEqual(plan.stops.map((_: Stop, i: number) => i + 1))
    const river = plan.adds.by_place.find((p: { place_id: string }) => p.place_id === 'test-plan-river')
    expect(river.coverage_before).toBe(0)
    expect(river.coverage_after).toBeGreaterThan(0.95)
    expect(plan.adds.covered_m).toBeGreaterThan(1000)
    const again = await t.inject({ url: `/api/plans/${plan.id}` })
    expect(again.json()).toEqual(plan)
  })

  it('refuses a route with one point, outside the served area, or too long for a day, and stores nothing', async () => {
    const before = await t.db.query(`SELECT count(*)::int AS n FROM patrols WHERE kind = 'planned'`)
    const one = await postRoute({ route: { type: 'LineString', coordinates: [[119.8, 31]] } })
    expect(one.statusCode).toBe(400)
    expect(one.json().message).toMatch(/at least 2 points/)
    const far = await postRoute({
      route: {
        type: 'LineString',
        coordinates: [
          [119.8, 31],
          [116.4, 39.9],
        ],
      },
    })
    expect(far.statusCode).toBe(422)
    expect(far.json().message).toMatch(/outside the served area/)
    const long = await postRoute({
      speed_kmh: 1,
      route: {
        type: 'LineString',
        coordinates: [
          [119.5, 30.8],
          [119.9, 30.8],
        ],
      },
    })
    expect(long.statusCode).toBe(422)
    expect(long.json().message).toMatch(/more than the 16 h/)
    const both = await postRoute({ start: { type: 'Point', coordinates: start }, hours: 2 })
    expect(both.statusCode).toBe(400)
    expect(both.json().message).toMatch(/either start .* or route/)
    expect(await t.db.query(`SELECT count(*)::int AS n FROM patrols WHERE kind = 'planned'`)).toEqual(before)
  })
})

describe('POST /api/plans refusals', () => {
  it('needs exactly one of chief_id and station_id, and hours for a suggestion', async () => {
    expect((await postPlan({})).statusCode).toBe(400)
    expect((await postPlan({ chief_id: chief, hours: undefined })).json().message).toMatch(/needs hours/)
    expect((await postPlan({ chief_id: chief, station_id: 'x' })).statusCode).toBe(400)
  })

  it('answers 422 for an unknown chief or station', async () => {
    const res = await postPlan({ chief_id: 'no-such-chief' })
    expect(res.statusCode).toBe(422)
    expect(res.json().message).toMatch(/unknown chief/)
    expect((await postPlan({ station_id: 'no-such-station' })).statusCode).toBe(422)
  })

  it('answers 422 when nothing urgent can be reached in the time', async () => {
    const res = await postPlan({
      chief_id: chief,
      start: { type: 'Point', coordinates: [120.4, 30.75] },
      hours: 0.5,
    })
    expect(res.statusCode).toBe(422)
    expect(res.json().message).toMatch(/can be reached/)
  })

  it('answers 400 for an impossible date or a start far away', async () => {
    expect((await postPlan({ chief_id: chief, date: '2024-02-30' })).statusCode).toBe(400)
    const far = await postPlan({ chief_id: chief, start: { type: 'Point', coordinates: [116.4, 39.9] } })
    expect(far.statusCode).toBe(422)
    expect(far.json().message).toMatch(/outside the served area/)
  })

  it('answers 404 for the adherence of no plan', async () => {
    expect((await t.inject({ url: '/api/plans/99999999/adherence' })).statusCode).toBe(404)
    const [actual] = await t.db.query<{ id: number }>(`SELECT id FROM patrols WHERE kind = 'actual' LIMIT 1`)
    expect((await t.inject({ url: `/api/plans/${actual?.id}/adherence` })).statusCode).toBe(404)
  })
})
