import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DurationStats, HandlingTimes, HandlingTimesReport } from '../../server/domain/handling-times.ts'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'
import { backend } from '../helpers/test-db.ts'

// GET /api/incidents/stats: a hand-made day whose figures are worked out below by hand, and the demo
// world's figures recomputed here in TypeScript from the raw rows (percentile_cont = linear interpolation).

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
  await insertHandMadeDay()
})
afterAll(() => t?.close())

const day = '2019-06-01'
const t0 = Date.parse(`${day}T08:00:00Z`)
const at = (minutes: number | null) => (minutes === null ? null : new Date(t0 + minutes * 60_000))

/** [district, category, status, minutes to dispatch, to on-scene, to resolve] after a report at t0. */
const handMade: [number, string, string, number | null, number | null, number | null][] = [
  [330523, 'poaching', 'resolved', 2, 12, 20],
  [330523, 'poaching', 'closed', 4, 14, 25],
  [330523, 'poaching', 'resolved', 6, 16, 30],
  [330523, 'poaching', 'closed', 8, 18, 35],
  [330523, 'poaching', 'resolved', 10, 20, 60],
  [330523, 'poaching', 'cancelled', 1, null, null],
  [330502, 'dumping', 'reported', null, null, null],
  [330502, 'dumping', 'resolved', 3, null, 45],
]

async function insertHandMadeDay() {
  for (const [district, category, status, dispatch, onScene, resolve] of handMade) {
    await t.db.query(
      `INSERT INTO incidents (category, source, status, occurred_at, reported_at, dispatched_at, on_scene_at,
                              resolved_at, district_code, geom)
       VALUES ($1, 'app', $2, $3, $4, $5, $6, $7, $8, ST_SetSRID(ST_MakePoint(119.7, 30.6), 4326))`,
      [category, status, at(-5), at(0), at(dispatch), at(onScene), at(resolve), district],
    )
  }
}

async function stats(query: string): Promise<HandlingTimesReport> {
  const response = await t.inject({ method: 'GET', url: `/api/incidents/stats?${query}` })
  expect(response.statusCode, response.body).toBe(200)
  return response.json()
}

const handWindow = `from=${day}T00:00:00Z&to=${day}T23:59:59Z`

describe(`GET /api/incidents/stats on a hand-made day (${backend})`, () => {
  const anji = {
    count: 6,
    cancelled: 1,
    resolved: 5,
    resolved_within_30m: 3,
    share_resolved_within_30m: 3 / 5,
    // 1 2 4 6 8 10: median (4 + 6) / 2; p90 at position 4.5 → 8 + 0.5 × 2
    minutes_to_dispatch: { n: 6, median: 5, p90: expect.closeTo(9, 9) },
    // 12 14 16 18 20: p90 at position 3.6 → 18 + 0.6 × 2
    minutes_to_on_scene: { n: 5, median: 16, p90: expect.closeTo(19.2, 9) },
    // 20 25 30 35 60: p90 → 35 + 0.6 × 25
    minutes_to_resolve: { n: 5, median: 30, p90: expect.closeTo(50, 9) },
  }
  const wuxing = {
    count: 2,
    cancelled: 0,
    resolved: 1,
    resolved_within_30m: 0,
    share_resolved_within_30m: 0,
    minutes_to_dispatch: { n: 1, median: 3, p90: 3 },
    minutes_to_on_scene: { n: 0, median: null, p90: null },
    minutes_to_resolve: { n: 1, median: 45, p90: 45 },
  }

  it('gives the figures per district, with the names', async () => {
    const report = await stats(`${handWindow}&group=district`)
    expect(report.group).toBe('district')
    expect(report.from).toBe(`${day}T00:00:00.000Z`)
    expect(report.groups).toHaveLength(2)
    expect(report.groups[0]).toEqual({ key: '330523', name_zh: '安吉县', name_en: 'Anji', ...anji })
    expect(report.groups[1]).toEqual({ key: '330502', name_zh: '吴兴区', name_en: 'Wuxing', ...wuxing })
  })

  it('gives the figures per category, and in total', async () => {
    const report = await stats(`${handWindow}&group=category`)
    expect(report.groups).toEqual([
      { key: 'poaching', name_zh: null, name_en: null, ...anji },
      { key: 'dumping', name_zh: null, name_en: null, ...wuxing },
    ])
    expect(report.total).toEqual({
      key: null,
      name_zh: null,
      name_en: null,
      count: 8,
      cancelled: 1,
      resolved: 6,
      resolved_within_30m: 3,
      share_resolved_within_30m: 3 / 7,
      // 1 2 3 4 6 8 10: p90 at position 5.4 → 8 + 0.4 × 2
      minutes_to_dispatch: { n: 7, median: 4, p90: expect.closeTo(8.8, 9) },
      minutes_to_on_scene: { n: 5, median: 16, p90: expect.closeTo(19.2, 9) },
      // 20 25 30 35 45 60: median (30 + 35) / 2; p90 at 4.5 → 45 + 0.5 × 15
      minutes_to_resolve: { n: 6, median: 32.5, p90: expect.closeTo(52.5, 9) },
    })
  })

  it('groups by district when no group is named', async () => {
    expect((await stats(handWindow)).group).toBe('district')
  })

  it('answers zeros and nulls for an empty window', async () => {
    const report = await stats('from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z')
    expect(report.groups).toEqual([])
    expect(report.total).toMatchObject({
      count: 0,
      share_resolved_within_30m: null,
      minutes_to_dispatch: { n: 0, median: null, p90: null },
    })
  })

  for (const [query, message] of [
    ['group=station', /group/],
    ['from=soon', /from must match format/],
    ['to=2024-01-01', /to must match format/],
    ['from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z', /must be before to/],
  ] as const) {
    it(`answers 400 to ${query}`, async () => {
      const response = await t.inject({ method: 'GET', url: `/api/incidents/stats?${query}` })
      expect(response.statusCode).toBe(400)
      expect(response.json().message).toMatch(message)
    })
  }
})

// --- an independent computation from the raw rows ------------------------------------------------

/** percentile_cont: linear interpolation between the closest ranks. */
function percentile(sorted: number[], p: number): number {
  const position = p * (sorted.length - 1)
  const lo = Math.floor(position)
  const hi = Math.ceil(position)
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (position - lo)
}

function duration(values: number[]): DurationStats {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length
    ? { n: sorted.length, median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) }
    : { n: 0, median: null, p90: null }
}

interface RawRow {
  key: string | null
  status: string
  reported_at: Date
  dispatched_at: Date | null
  on_scene_at: Date | null
  resolved_at: Date | null
}

function figures(rows: RawRow[]) {
  const minutes = (from: Date, to: Date | null) =>
    to === null ? null : (to.getTime() - from.getTime()) / 60_000
  const of = (pick: (r: RawRow) => Date | null) =>
    rows.map((r) => minutes(r.reported_at, pick(r))).filter((m): m is number => m !== null)
  const toResolve = of((r) => r.resolved_at)
  const cancelled = rows.filter((r) => r.status === 'cancelled').length
  const within = toResolve.filter((m) => m <= 30).length
  return {
    count: rows.length,
    cancelled,
    resolved: toResolve.length,
    resolved_within_30m: within,
    share_resolved_within_30m: rows.length - cancelled ? within / (rows.length - cancelled) : null,
    minutes_to_dispatch: duration(of((r) => r.dispatched_at)),
    minutes_to_on_scene: duration(of((r) => r.on_scene_at)),
    minutes_to_resolve: duration(toResolve),
  }
}

function expectClose(actual: HandlingTimes, expected: ReturnType<typeof figures>) {
  const {
    minutes_to_dispatch,
    minutes_to_on_scene,
    minutes_to_resolve,
    share_resolved_within_30m,
    ...counts
  } = expected
  expect(actual).toMatchObject(counts)
  if (share_resolved_within_30m === null) expect(actual.share_resolved_within_30m).toBeNull()
  else expect(actual.share_resolved_within_30m).toBeCloseTo(share_resolved_within_30m, 9)
  for (const [name, want] of Object.entries({
    minutes_to_dispatch,
    minutes_to_on_scene,
    minutes_to_resolve,
  })) {
    const got = actual[name as 'minutes_to_dispatch']
    expect(got.n, name).toBe(want.n)
    for (const p of ['median', 'p90'] as const) {
      if (want[p] === null) expect(got[p], `${name}.${p}`).toBeNull()
      // Microseconds in the database, milliseconds in JS: equal to well within a millisecond.
      else expect(Math.abs((got[p] ?? Number.NaN) - (want[p] as number)), `${name}.${p}`).toBeLessThan(1e-4)
    }
  }
}

describe(`GET /api/incidents/stats on the demo world (${backend})`, () => {
  const from = '2026-02-01T00:00:00Z'
  const to = '2026-09-01T00:00:00Z'

  for (const group of ['district', 'category'] as const) {
    it(`matches a computation from the raw rows, per ${group}`, async () => {
      const rows = await t.db.query<RawRow>(
        `SELECT ${group === 'district' ? 'district_code::text' : 'category'} AS key,
                status, reported_at, dispatched_at, on_scene_at, resolved_at
           FROM incidents WHERE occurred_at >= $1 AND occurred_at < $2`,
        [from, to],
      )
      expect(rows.length).toBeGreaterThan(0)
      const report = await stats(`from=${from}&to=${to}&group=${group}`)
      const keys = [...new Set(rows.map((r) => r.key))]
      expect(report.groups.map((g) => g.key).sort()).toEqual(keys.sort())
      for (const g of report.groups) expectClose(g, figures(rows.filter((r) => r.key === g.key)))
      expectClose(report.total, figures(rows))
      const counts = report.groups.map((g) => g.count)
      expect([...counts].sort((a, b) => b - a)).toEqual(counts)
    })
  }

  it('counts over all time without a window', async () => {
    const report = await stats('group=category')
    const [{ n }] = (await t.db.query<{ n: number }>('SELECT count(*) AS n FROM incidents')) as [
      { n: number },
    ]
    expect(report.total.count).toBe(n)
    expect(report.groups.reduce((sum, g) => sum + g.count, 0)).toBe(n)
  })
})
