import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hexBinSql } from '../../server/domain/hex-grid.ts'
import {
  type CellCount,
  centreInBBox,
  DAILY_CELL,
  type HotspotFilter,
  incidentCountsByCell,
  scanIncidentCounts,
} from '../../server/domain/hotspots.ts'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'
import { backend } from '../helpers/test-db.ts'

// The incident counts kept per 500 m cell and UTC day (migrations/004_incident_cell_days.sql)
// against a recomputation from the incidents, through inserts, moves, recategorisations, late
// arrivals and deletes; and hotspot counts from them against a scan of the incidents.

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
})
afterAll(() => t?.close())

type Row = { day: string; q: number; r: number; category: string; n: number }
const key = (r: Row) => `${r.day}/${r.q},${r.r}/${r.category}`

/** Days as 'YYYY-MM-DD', comma-separated: the rows of those days only (all days without). */
async function kept(days?: string): Promise<Map<string, number>> {
  const rows = await t.db.query<Row>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, q, r, category, n FROM incident_cell_days
      WHERE n > 0 AND ($1::text IS NULL OR day = ANY(string_to_array($1, ',')::date[]))`,
    [days ?? null],
  )
  return new Map(rows.map((r) => [key(r), r.n]))
}

async function recomputed(days?: string): Promise<Map<string, number>> {
  const rows = await t.db.query<Row>(
    `SELECT to_char((i.occurred_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day, hex.q, hex.r, i.category,
            count(*)::int AS n
       FROM incidents i CROSS JOIN LATERAL (${hexBinSql('ST_X(i.geom_m)', 'ST_Y(i.geom_m)', String(DAILY_CELL))}) AS hex
      WHERE $1::text IS NULL OR (i.occurred_at AT TIME ZONE 'UTC')::date = ANY(string_to_array($1, ',')::date[])
      GROUP BY 1, 2, 3, 4`,
    [days ?? null],
  )
  return new Map(rows.map((r) => [key(r), r.n]))
}

const byCell = (cells: CellCount[]) =>
  new Map(cells.filter((c) => c.count > 0).map((c) => [`${c.q},${c.r}`, c.count]))

describe(`incident counts per cell and day (${backend})`, () => {
  it('match a recomputation from the incidents of the test world', async () => {
    const counts = await kept()
    expect(counts.size).toBeGreaterThan(100)
    expect(counts).toEqual(await recomputed())
  })

  it('follow inserts, moves, new categories, late arrivals and deletes', async () => {
    const created = await t.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: {
        category: 'dumping',
        location: { type: 'Point', coordinates: [120.1, 30.85] },
        occurred_at: new Date(Date.now() - 3_600_000).toISOString(),
        source: 'app',
        description: 'cells test',
      },
    })
    expect(created.statusCode).toBe(201)
    const id = created.json().id
    // After each write: the rows of the days the incident has been on, as recomputed (a count left
    // behind, or put on a wrong day or cell, shows there), and the counts of the world adding up to
    // its incidents (a count put anywhere else shows there). The whole world is compared above.
    const days = new Set<string>()
    const check = async () => {
      const [day] = await t.db.query<{ day: string }>(
        `SELECT to_char((occurred_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day FROM incidents WHERE id = $1`,
        [id],
      )
      if (day) days.add(day.day)
      const these = [...days].join(',')
      const counts = await kept(these)
      // while the incident is there, its own count at least
      if (day) expect(counts.size).toBeGreaterThan(0)
      expect(counts).toEqual(await recomputed(these))
      const [total] = await t.db.query<{ kept: number; incidents: number }>(
        `SELECT (SELECT coalesce(sum(n), 0) FROM incident_cell_days)::int AS kept,
                (SELECT count(*) FROM incidents)::int AS incidents`,
      )
      expect(total?.kept).toBe(total?.incidents)
    }
    await check()
    await t.db.query(
      `UPDATE incidents SET geom = ST_SetSRID(ST_MakePoint(119.6, 30.55), 4326) WHERE id = $1`,
      [id],
    )
    await check()
    await t.db.query(`UPDATE incidents SET category = 'poaching' WHERE id = $1`, [id])
    await check()
    // A report that arrives late: it happened two months ago.
    await t.db.query(`UPDATE incidents SET occurred_at = occurred_at - interval '60 days' WHERE id = $1`, [
      id,
    ])
    await check()
    expect(days.size).toBe(2)
    await t.db.query('DELETE FROM incident_events WHERE incident_id = $1', [id])
    await t.db.query('DELETE FROM incidents WHERE id = $1', [id])
    await check()
  })

  it('give the hotspot counts of a window with partial days, as a scan does', async () => {
    const bbox: [number, number, number, number] = [119.9, 30.7, 120.3, 31.0]
    const filters: HotspotFilter[] = [
      { from: new Date('2026-09-03T05:30:00Z'), to: new Date('2026-10-29T17:00:00Z'), cell: DAILY_CELL },
      {
        from: new Date('2026-10-01T00:00:00Z'),
        to: new Date('2026-11-01T00:00:00Z'),
        cell: DAILY_CELL,
        categories: ['dumping', 'illegal_fishing'],
      },
      {
        from: new Date('2026-08-01T12:00:00Z'),
        to: new Date('2026-11-01T00:00:00Z'),
        cell: DAILY_CELL,
        bbox,
      },
    ]
    for (const filter of filters) {
      const daily = await incidentCountsByCell(t.db, filter)
      const scanned = await scanIncidentCounts(t.db, filter)
      const inBox = (cells: CellCount[]) =>
        filter.bbox ? cells.filter((c) => centreInBBox(c, DAILY_CELL, filter.bbox as typeof bbox)) : cells
      expect(byCell(inBox(daily))).toEqual(byCell(inBox(scanned)))
      expect(byCell(scanned).size).toBeGreaterThan(10)
    }
  })
})
