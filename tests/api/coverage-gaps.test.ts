import * as turf from '@turf/turf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'

// Planted in a quiet window (March 2024; the demo world's patrols and incidents lie in the year
// before 2026-11-01) by a chief of its own, so the figures below are known in advance.
const from = '2024-03-01T00:00:00Z'
const to = '2024-04-01T00:00:00Z'
const query = `from=${from}&to=${to}`
const chief = 'test-gap-chief'
const DAY = 86_400_000

let t: TestApp

/** A straight river (line place) in Deqing, `k` km south of the first one. */
const river = (k: number) =>
  turf.lineString([
    [119.95, 30.55 - k * 0.01],
    [119.97, 30.55 - k * 0.01],
  ])

async function plantPlace(id: string, everyDays: number, geometry: unknown) {
  await t.db.query(
    `INSERT INTO places (id, kind, name_zh, name_en, district_code, patrol_every_days, geom)
     VALUES ($1, 'river', '测试河' || $1, 'Test river ' || $1, 330521, $2, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))`,
    [id, everyDays, JSON.stringify(geometry)],
  )
  await t.db.query('INSERT INTO chief_places (chief_id, place_id) VALUES ($1, $2)', [chief, id])
}

async function upload(coordinates: number[][], startedAt: string, endedAt: string) {
  const res = await t.inject({
    method: 'POST',
    url: '/api/patrols',
    payload: {
      type: 'Feature',
      geometry: { type: 'LineString', coordinates },
      properties: { chief_id: chief, started_at: startedAt, ended_at: endedAt },
    },
  })
  expect(res.statusCode, res.body).toBe(201)
}

beforeAll(async () => {
  t = await buildTestApp()
  await t.db.query(
    `INSERT INTO chiefs (id, name_zh, name_en, kind, district_code) VALUES ($1, '缺口警长', 'Gap Chief', 'river', 330521)`,
    [chief],
  )
  // overdue: walked end to end on 15 February, nothing in the window; to be walked every 14 days.
  await plantPlace('test-gap-overdue', 14, river(0).geometry)
  await upload(river(0).geometry.coordinates, '2024-02-15T01:00:00Z', '2024-02-15T02:00:00Z')
  // fine: walked end to end on 20 March; every 30 days.
  await plantPlace('test-gap-fine', 30, river(3).geometry)
  await upload(river(3).geometry.coordinates, '2024-03-20T01:00:00Z', '2024-03-20T02:00:00Z')
  // low coverage: a quarter walked on 25 March; every 60 days.
  await plantPlace('test-gap-thin', 60, river(6).geometry)
  await upload(
    [
      [119.95, 30.49],
      [119.953, 30.49],
    ],
    '2024-03-25T01:00:00Z',
    '2024-03-25T01:10:00Z',
  )
  // Two incidents beside the overdue river in the 90 days before `to`, one long before, one cancelled.
  await t.db.query(
    `INSERT INTO incidents (category, source, status, occurred_at, geom)
     VALUES ('illegal_fishing', 'app', 'reported', '2024-03-10T03:00:00Z', ST_SetSRID(ST_MakePoint(119.96, 30.551), 4326)),
            ('dumping', 'hotline', 'resolved', '2024-01-20T03:00:00Z', ST_SetSRID(ST_MakePoint(119.955, 30.5495), 4326)),
            ('dumping', 'hotline', 'resolved', '2023-06-01T03:00:00Z', ST_SetSRID(ST_MakePoint(119.955, 30.5495), 4326)),
            ('poaching', 'app', 'cancelled', '2024-03-11T03:00:00Z', ST_SetSRID(ST_MakePoint(119.96, 30.551), 4326))`,
  )
})

afterAll(async () => {
  await t?.close()
})

interface GapRow {
  place: { id: string; kind: string; district_code: number | null }
  reason: 'overdue' | 'low_coverage' | 'both'
  overdue_days: number
  coverage: number
  last_patrolled_at: string | null
  incidents_recent: number
  risk: number
  score: number
  chiefs: { id: string }[]
}

const gaps = async (extra = '') => {
  const res = await t.inject({ url: `/api/coverage/gaps?${query}${extra}` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as { gaps: GapRow[]; total: number; truncated: boolean; params: Record<string, unknown> }
}
const mine = (rows: GapRow[]) => rows.filter((g) => g.place.id.startsWith('test-gap-'))

describe('GET /api/coverage/gaps', () => {
  it('a place with no track in the window is a gap with the right overdue days', async () => {
    const body = await gaps(`&chief=${chief}`)
    const overdue = body.gaps.find((g) => g.place.id === 'test-gap-overdue')
    const expectedDays = (Date.parse(to) - Date.parse('2024-02-15T02:00:00Z')) / DAY - 14
    expect(overdue).toMatchObject({
      reason: 'both',
      coverage: 0,
      last_patrolled_at: '2024-02-15T02:00:00.000Z',
      chiefs: [{ id: chief, name_zh: '缺口警长', name_en: 'Gap Chief' }],
    })
    expect(overdue?.overdue_days).toBeCloseTo(expectedDays, 1)
  })

  it('risk counts the incidents within 500 m in the 90 days before `to`, not cancelled ones', async () => {
    const overdue = (await gaps(`&chief=${chief}`)).gaps.find(
      (g) => g.place.id === 'test-gap-overdue',
    ) as GapRow
    expect(overdue.incidents_recent).toBe(2)
    expect(overdue.risk).toBe(3)
    // score = (overdue days + shortfall days) × risk, shortfall = 14 × (1 − 0)
    expect(overdue.score).toBeCloseTo((overdue.overdue_days + 14) * 3, 0)
  })

  it('a place patrolled recently but thinly is a low-coverage gap; a well patrolled one is none', async () => {
    const rows = mine((await gaps(`&chief=${chief}`)).gaps)
    const thin = rows.find((g) => g.place.id === 'test-gap-thin') as GapRow
    const share =
      turf.length(
        turf.lineString([
          [119.95, 30.49],
          [119.953, 30.49],
        ]),
      ) / turf.length(river(6))
    expect(thin.reason).toBe('low_coverage')
    expect(thin.overdue_days).toBe(0)
    expect(thin.coverage).toBeGreaterThan(share)
    expect(thin.coverage).toBeLessThan(0.5)
    expect(thin.score).toBeCloseTo(60 * (1 - thin.coverage), 0)
    expect(rows.map((g) => g.place.id)).not.toContain('test-gap-fine')
  })

  it('ranks by score, highest first, and keeps to the kind asked for', async () => {
    const body = await gaps('&kind=river')
    expect(body.total).toBeGreaterThanOrEqual(body.gaps.length)
    for (let i = 1; i < body.gaps.length; i++) {
      expect(body.gaps[i - 1]?.score).toBeGreaterThanOrEqual(body.gaps[i]?.score as number)
    }
    expect(body.gaps.every((g) => g.place.kind === 'river')).toBe(true)
    expect(body.params).toMatchObject({ threshold: 0.5, radius: 200, risk_radius_m: 500, risk_days: 90 })
  })

  it('a lower threshold turns the thin river from a gap into none', async () => {
    const rows = mine((await gaps(`&chief=${chief}&threshold=0.1`)).gaps)
    expect(rows.map((g) => g.place.id)).toEqual(['test-gap-overdue'])
    expect(rows[0]?.reason).toBe('both')
  })

  it('cuts the list at the limit and says so', async () => {
    const body = await gaps('&limit=1')
    expect(body.gaps).toHaveLength(1)
    expect(body.truncated).toBe(body.total > 1)
  })

  it('answers 400 for a threshold outside 0..1', async () => {
    expect((await t.inject({ url: `/api/coverage/gaps?${query}&threshold=2` })).statusCode).toBe(400)
  })
})
