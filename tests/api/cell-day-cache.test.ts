import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sumCellDays } from '../../server/domain/cell-day-cache.ts'
import type { IncidentCategory } from '../../server/domain/incidents.ts'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'
import { backend } from '../helpers/test-db.ts'

// The server's copy of the per-day cell tables (server/domain/cell-day-cache.ts): its window sums
// against PostgreSQL's, and a write by any path (the API, SQL on the cell tables, another process:
// all the same to the database) in the next sum through the day versions of migration 013.

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
})
afterAll(() => t?.close())

const first = new Date('2026-10-01T00:00:00Z')
const end = new Date('2026-11-01T00:00:00Z')
const span = (categories?: IncidentCategory[]) => ({ first, end, categories })
const asMap = (cells: { q: number; r: number; sum: number }[]) =>
  new Map(cells.map((c) => [`${c.q},${c.r}`, c.sum]))
const cached = async (table: 'incident_cell_days' | 'patrol_effort_days', categories?: IncidentCategory[]) =>
  asMap(await sumCellDays(t.db, table, span(categories), (q, r, sum) => ({ q, r, sum })))

/** The same sums written in SQL. */
async function summed(table: 'incident_cell_days' | 'patrol_effort_days', categories?: IncidentCategory[]) {
  const value = table === 'incident_cell_days' ? 'n' : 'metres'
  const rows = await t.db.query<{ q: number; r: number; sum: number }>(
    `SELECT q, r, sum(${value})::float8 AS sum FROM ${table}
      WHERE day >= $1::date AND day < $2::date
        ${table === 'incident_cell_days' ? 'AND ($3::text[] IS NULL OR category = ANY ($3::text[]))' : 'AND $3::text[] IS NULL'}
      GROUP BY q, r HAVING sum(${value}) > 0`,
    ['2026-10-01', '2026-11-01', categories ?? null],
  )
  return asMap(rows)
}

/** Equal keys, and values equal up to the order of float additions. */
function expectSameSums(actual: Map<string, number>, expected: Map<string, number>) {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort())
  for (const [key, value] of expected) expect(actual.get(key)).toBeCloseTo(value, 6)
}

describe(`the server's copy of the per-day cell tables (${backend})`, () => {
  it('sums a window as PostgreSQL does, with and without categories', async () => {
    for (const categories of [undefined, ['dumping', 'illegal_fishing'] as IncidentCategory[]]) {
      const sums = await cached('incident_cell_days', categories)
      expect(sums.size).toBeGreaterThan(10)
      expectSameSums(sums, await summed('incident_cell_days', categories))
    }
    const effort = await cached('patrol_effort_days')
    expect(effort.size).toBeGreaterThan(10)
    expectSameSums(effort, await summed('patrol_effort_days'))
  })

  it('has every write in the next sum', async () => {
    await cached('incident_cell_days')
    await cached('patrol_effort_days')
    const [before] = await t.db.query<{ version: string }>(
      `SELECT max(version)::text AS version FROM cell_day_versions WHERE day = '2026-10-20'`,
    )

    // A report through the API: its row trigger writes incident_cell_days.
    const created = await t.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: {
        category: 'dumping',
        location: { type: 'Point', coordinates: [120.1, 30.85] },
        occurred_at: '2026-10-20T08:00:00Z',
        source: 'app',
        description: 'cell day cache test',
      },
    })
    expect(created.statusCode).toBe(201)
    expectSameSums(await cached('incident_cell_days'), await summed('incident_cell_days'))

    // Statements on the cell tables themselves, as a bulk load or the import write them.
    await t.db.query(
      `UPDATE patrol_effort_days SET metres = metres + 5000
        WHERE (patrol_id, day, q, r) = (SELECT patrol_id, day, q, r FROM patrol_effort_days
                                         WHERE day >= '2026-10-01' AND day < '2026-11-01' LIMIT 1)`,
    )
    expectSameSums(await cached('patrol_effort_days'), await summed('patrol_effort_days'))
    await t.db.query(`DELETE FROM incident_cell_days WHERE day = '2026-10-20' AND category = 'dumping'`)
    expectSameSums(await cached('incident_cell_days'), await summed('incident_cell_days'))
    expect(await cached('incident_cell_days', ['dumping'])).toEqual(
      await summed('incident_cell_days', ['dumping']),
    )

    const [after] = await t.db.query<{ version: string }>(
      `SELECT max(version)::text AS version FROM cell_day_versions WHERE day = '2026-10-20'`,
    )
    expect(BigInt(after?.version ?? 0)).toBeGreaterThan(BigInt(before?.version ?? 0))
  })
})
