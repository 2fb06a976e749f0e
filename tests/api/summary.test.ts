import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SupervisorSummary } from '../../server/domain/supervisor-summary.ts'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'
import { backend } from '../helpers/test-db.ts'

// The supervisor's figures (GET /api/summary) against independent computations in the test over
// the API's raw lists: incidents, coverage places, gaps and patrols of the same window.

let t: TestApp
const from = '2026-10-02T00:00:00.000Z'
const to = '2026-11-01T00:00:00.000Z'
const previousFrom = '2026-09-02T00:00:00.000Z'
let summary: SupervisorSummary

interface IncidentProps {
  category: string
  district_code: number | null
  reported_at: string
  dispatched_at: string | null
  resolved_at: string | null
}

const incidentsIn = async (a: string, b: string): Promise<IncidentProps[]> =>
  (await t.inject({ url: `/api/incidents?from=${a}&to=${b}&limit=20000` }))
    .json()
    .features.map((f: { properties: IncidentProps }) => f.properties)

/** percentile_cont: linear interpolation between the two nearest ranks. */
function percentile(values: number[], fraction: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const rank = fraction * (sorted.length - 1)
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (rank - low)
}

/** An incident's district as the summary keys it. */
const keyOf = (i: IncidentProps) => (i.district_code === null ? null : String(i.district_code))

const minutes = (a: string, b: string | null) =>
  b === null ? null : (Date.parse(b) - Date.parse(a)) / 60_000

beforeAll(async () => {
  t = await buildTestApp()
  const response = await t.inject({ url: `/api/summary?from=${from}&to=${to}` })
  expect(response.statusCode, response.body.slice(0, 300)).toBe(200)
  summary = response.json()
})
afterAll(() => t?.close())

describe(`the supervisor's summary (${backend})`, () => {
  it('counts incidents per district and category, and those of the window before', async () => {
    const current = await incidentsIn(from, to)
    const previous = await incidentsIn(previousFrom, from)
    expect(summary.previous_from).toBe(previousFrom)
    expect(summary.total.incidents).toBe(current.length)
    expect(summary.total.incidents_previous).toBe(previous.length)
    for (const district of summary.districts) {
      const mine = current.filter((i) => keyOf(i) === district.key)
      expect(district.incidents, `district ${district.key}`).toBe(mine.length)
      expect(district.incidents_previous).toBe(previous.filter((i) => keyOf(i) === district.key).length)
      const byCategory: Record<string, number> = {}
      for (const i of mine) byCategory[i.category] = (byCategory[i.category] ?? 0) + 1
      expect(district.by_category).toEqual(byCategory)
    }
  })

  it('has the median and 90th percentile minutes to dispatch and resolve of each district', async () => {
    const current = await incidentsIn(from, to)
    for (const district of summary.districts.filter((d) => d.incidents > 0)) {
      const mine = current.filter((i) => keyOf(i) === district.key)
      const toDispatch = mine.map((i) => minutes(i.reported_at, i.dispatched_at)).filter((m) => m !== null)
      const toResolve = mine.map((i) => minutes(i.reported_at, i.resolved_at)).filter((m) => m !== null)
      const handling = district.handling
      expect(handling?.minutes_to_dispatch.n).toBe(toDispatch.length)
      expect(handling?.minutes_to_dispatch.median).toBeCloseTo(percentile(toDispatch, 0.5) ?? Number.NaN, 6)
      expect(handling?.minutes_to_resolve.p90).toBeCloseTo(percentile(toResolve, 0.9) ?? Number.NaN, 6)
    }
  })

  it('has the coverage and overdue places of each district and kind', async () => {
    const coverage = (await t.inject({ url: `/api/coverage?from=${from}&to=${to}` })).json()
    const gaps = (await t.inject({ url: `/api/coverage/gaps?from=${from}&to=${to}&limit=5000` })).json()
    const weighted = (places: { coverage: number; weight_m: number }[]) => {
      const total = places.reduce((s, p) => s + p.weight_m, 0)
      return places.reduce((s, p) => s + p.weight_m * p.coverage, 0) / total
    }
    type Place = {
      id: string
      kind: string
      district_code: number | null
      coverage: number
      weight_m: number
    }
    type Gap = { overdue_days: number; place: { kind: string; district_code: number | null } }
    for (const district of summary.districts.filter((d) => d.places > 0)) {
      const places = coverage.places.filter((p: Place) => String(p.district_code) === district.key)
      expect(district.places).toBe(places.length)
      expect(district.coverage).toBeCloseTo(weighted(places), 3)
      const overdue = gaps.gaps.filter(
        (g: Gap) => g.overdue_days > 0 && String(g.place.district_code) === district.key,
      )
      expect(district.overdue, `district ${district.key}`).toBe(overdue.length)
    }
    for (const kind of summary.kinds.filter((k) => k.places > 0)) {
      const places = coverage.places.filter((p: Place) => p.kind === kind.key)
      expect(kind.places).toBe(places.length)
      expect(kind.coverage).toBeCloseTo(weighted(places), 3)
      expect(kind.overdue).toBe(
        gaps.gaps.filter((g: Gap) => g.overdue_days > 0 && g.place.kind === kind.key).length,
      )
    }
    expect(summary.total.places).toBe(coverage.places.length)
  })

  it("has each chief's km patrolled in the window", async () => {
    const patrols = (
      await t.inject({ url: `/api/patrols?from=${from}&to=${to}&kind=actual&limit=5000` })
    ).json()
    expect(patrols.truncated).toBe(false)
    const km = new Map<string, number>()
    for (const p of patrols.features) {
      if (p.properties.started_at < from || p.properties.started_at >= to) continue
      km.set(p.properties.chief_id, (km.get(p.properties.chief_id) ?? 0) + p.properties.length_m / 1000)
    }
    expect(summary.chiefs.length).toBeGreaterThan(0)
    for (const chief of summary.chiefs.slice(0, 30))
      expect(chief.km_patrolled, chief.id).toBeCloseTo(km.get(chief.id) ?? 0, 0)
  })

  it('refuses a window that runs backwards', async () => {
    expect((await t.inject({ url: `/api/summary?from=${to}&to=${from}` })).statusCode).toBe(400)
  })
})
