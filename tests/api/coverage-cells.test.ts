import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { combinedCoverage, placeCoverage } from '../../server/domain/coverage.ts'
import { placesReachedInWindow } from '../../server/domain/place-patrol-cells.ts'
import {
  driveLivePatrol,
  insertTestChief,
  keptAndRecomputed,
  type PatrolDerivedTable,
  sortedRows,
  uploadTrack,
} from '../helpers/patrol-derived-tables.ts'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'

// The cells kept at ingest for coverage (migrations/005_coverage_cells.sql) against a recomputation
// from the stored tracks and places, through uploads, live fixes, plans, deletes and place edits;
// the server's copy of what each track reached of each place against PostgreSQL's, through writes;
// and coverage from them against the exact measurement on the demo world.

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
})
afterAll(() => t?.close())

const chief = 'test-cells-chief'
const patrolCellsTable: PatrolDerivedTable = {
  table: 'patrol_cells',
  of: 'patrol_cells_of',
  columns: 'x.cx, x.cy, extract(epoch FROM x.at)::float8 AS at',
}
/** patrol_cells as kept and as recomputed from the actual tracks: one chief's, or every `nth` patrol's. */
const patrolCells = (chiefId: string | null, nth = 1) =>
  keptAndRecomputed(t.db, patrolCellsTable, chiefId, nth)

/**
 * place_cells as kept, and as recomputed from the patrolled lines and polygons: one place, or every
 * `nth` of them (by a hash of the id).
 */
async function placeCells(placeId: string | null = null, nth = 1) {
  const kept = await t.db.query(
    `SELECT place_id, cx, cy, round(amount::numeric, 3) AS amount FROM place_cells
      WHERE ($1::text IS NULL OR place_id = $1) AND abs(hashtext(place_id)) % $2 = 0`,
    [placeId, nth],
  )
  const recomputed = await t.db.query(
    `SELECT p.id AS place_id, c.cx, c.cy, round(c.amount::numeric, 3) AS amount
       FROM places p CROSS JOIN LATERAL place_cells_of(p.geom_m) AS c
      WHERE p.patrol_every_days IS NOT NULL AND p.dim > 0 AND c.amount > 0
        AND ($1::text IS NULL OR p.id = $1) AND abs(hashtext(p.id)) % $2 = 0`,
    [placeId, nth],
  )
  return { kept: sortedRows(kept), recomputed: sortedRows(recomputed) }
}

const at = (iso: string) => new Date(iso).getTime()

describe('patrol cells follow the tracks', () => {
  it('match a recomputation for the demo world (a tenth of it)', async () => {
    const { kept, recomputed } = await patrolCells(null, 10)
    expect(kept.length).toBeGreaterThan(1000)
    expect(kept).toEqual(recomputed)
  })

  it('are every square whose centre lies within 200 m of the track (every square of its box tried)', async () => {
    // patrol_cells_of only tries the squares around the track's vertices (migrations 005, 015).
    const squares = (sql: string) =>
      t.db.query<{ key: string }>(
        `WITH sample AS (SELECT id, track_m FROM patrols WHERE kind = 'actual' AND id % 50 = 0)
         SELECT concat_ws('/', s.id, c.cx, c.cy) AS key FROM sample s ${sql} ORDER BY 1`,
      )
    const found = await squares('CROSS JOIN LATERAL patrol_cells_of(s.track_m) AS c')
    const everySquare = await squares(
      `CROSS JOIN LATERAL (
         SELECT cx, cy
           FROM generate_series(floor(ST_XMin(s.track_m) / 250)::int - 1, floor(ST_XMax(s.track_m) / 250)::int + 1) AS cx,
                generate_series(floor(ST_YMin(s.track_m) / 250)::int - 1, floor(ST_YMax(s.track_m) / 250)::int + 1) AS cy
          WHERE ST_DWithin(ST_Force2D(s.track_m), ST_SetSRID(ST_MakePoint(cx * 250 + 125, cy * 250 + 125), 4549), 200)
       ) AS c`,
    )
    expect(found.length).toBeGreaterThan(500)
    expect(found).toEqual(everySquare)
  })

  it('follow uploads, live fixes, plans and deletes', async () => {
    await insertTestChief(t.db, chief, '网格警长', 'Cells Chief')
    const uploaded = await uploadTrack(
      t,
      chief,
      [
        [120.1, 30.85],
        [120.11, 30.85],
        [120.11, 30.86],
      ],
      '2024-05-01T02:00:00Z',
      '2024-05-01T02:40:00Z',
    )
    const [{ n }] = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM patrol_cells WHERE patrol_id = $1',
      [uploaded],
    )
    // about 2 km of track: a strip 400 m wide, some 15–25 cells of 250 m
    expect(n).toBeGreaterThan(10)

    const start = at('2024-05-02T02:00:00Z')
    const live = await driveLivePatrol(t, chief, [
      { lon: 120.2, lat: 30.8, at: start },
      ...[120.203, 120.206, 120.209].map((lon, i) => ({ lon, lat: 30.8, at: start + (i + 1) * 60_000 })),
    ])
    // While the patrol is open, each append adds the cells of the part it adds: the same cells as a
    // recomputation (a cell keeps the time it was first reached at); closing recomputes them.
    const cellsOnly = (rows: string[]) =>
      rows.map((r) => JSON.stringify({ ...JSON.parse(r), at: undefined })).sort()
    const open = await patrolCells(chief)
    expect(cellsOnly(open.kept)).toEqual(cellsOnly(open.recomputed))
    expect(open.kept.filter((r) => JSON.parse(r).patrol_id === live).length).toBeGreaterThan(3)
    const closed = await t.inject({ method: 'POST', url: `/api/patrols/${live}/close` })
    expect(closed.statusCode, closed.body).toBe(200)

    const plan = await t.db.query<{ id: number }>(
      `INSERT INTO patrols (kind, chief_id, started_at, ended_at, track)
       VALUES ('planned', $1, '2024-05-03T02:00:00Z', '2024-05-03T03:00:00Z',
               ST_SetSRID(ST_GeomFromText('LINESTRINGM(120.1 30.87 1714701600, 120.12 30.87 1714705200)'), 4326))
       RETURNING id`,
      [chief],
    )
    expect(
      await t.db.query('SELECT 1 FROM patrol_cells WHERE patrol_id = $1', [plan[0]?.id]),
      'a plan is not a patrol driven',
    ).toEqual([])

    const mine = await patrolCells(chief)
    expect(mine.kept).toEqual(mine.recomputed)

    await t.db.query('DELETE FROM patrols WHERE id = $1', [uploaded])
    const after = await patrolCells(chief)
    expect(after.kept).toEqual(after.recomputed)
    expect(await t.db.query('SELECT 1 FROM patrol_cells WHERE patrol_id = $1', [uploaded])).toEqual([])
  })
})

describe('place cells follow the places', () => {
  it('match a recomputation (a fifth of the places), and their amounts add up to each place', async () => {
    const { kept, recomputed } = await placeCells(null, 5)
    expect(kept.length).toBeGreaterThan(5000)
    expect(kept).toEqual(recomputed)
    const totals = await t.db.query<{ id: string; size: number; cells: number }>(
      `SELECT p.id, p.size, sum(c.amount) AS cells
         FROM places p JOIN place_cells c ON c.place_id = p.id
        GROUP BY p.id, p.size`,
    )
    expect(totals.length).toBeGreaterThan(500)
    for (const p of totals) expect(p.cells / p.size, p.id).toBeCloseTo(1, 6)
  })

  it('follow a place that moves, stops being patrolled, or goes', async () => {
    await t.db.query(
      `INSERT INTO places (id, kind, name_zh, name_en, district_code, patrol_every_days, geom)
       VALUES ('test-cells-river', 'river', '网格河', 'Cells River', 330502, 7,
               ST_SetSRID(ST_GeomFromText('LINESTRING(120.1 30.88, 120.13 30.88)'), 4326))`,
    )
    const cellsOf = () =>
      t.db.query<{ cx: number }>("SELECT cx FROM place_cells WHERE place_id = 'test-cells-river'")
    expect((await cellsOf()).length).toBeGreaterThan(10)

    await t.db.query(
      `UPDATE places SET geom = ST_SetSRID(ST_GeomFromText('LINESTRING(120.1 30.89, 120.105 30.89)'), 4326)
        WHERE id = 'test-cells-river'`,
    )
    const moved = await cellsOf()
    expect(moved.length).toBeGreaterThan(1)
    expect(moved.length).toBeLessThan(5)
    const kept = await placeCells('test-cells-river')
    expect(kept.kept).toEqual(kept.recomputed)

    await t.db.query("UPDATE places SET patrol_every_days = NULL WHERE id = 'test-cells-river'")
    expect(await cellsOf()).toEqual([])
    await t.db.query("UPDATE places SET patrol_every_days = 7 WHERE id = 'test-cells-river'")
    expect((await cellsOf()).length).toBe(moved.length)
    await t.db.query("DELETE FROM places WHERE id = 'test-cells-river'")
    expect(await cellsOf()).toEqual([])
  })
})

describe("the server's copy of place_patrol_cells", () => {
  // What a window reached per place, from the copy (place-patrol-cells.ts) and written in SQL.
  type Reached = Map<string, { covered: number; patrols: number[] }>
  async function fromCopy(window: { from: Date; to: Date }): Promise<Reached> {
    const ids = await t.db.query<{ id: string }>('SELECT id FROM places WHERE patrol_every_days IS NOT NULL')
    const reached = await placesReachedInWindow(t.db, window, new Set(ids.map((p) => p.id)))
    return new Map(
      [...reached].map(([id, r]) => [
        id,
        { covered: r.covered, patrols: [...r.patrols].sort((a, b) => a - b) },
      ]),
    )
  }
  async function fromSql(window: { from: Date; to: Date }): Promise<Reached> {
    const rows = await t.db.query<{ id: string; covered: number; patrols: number[] }>(
      `SELECT s.id, s.covered, p.patrols
         FROM (SELECT place_id AS id, sum(amount) AS covered
                 FROM (SELECT DISTINCT place_id, cx, cy, amount FROM place_patrol_cells
                        WHERE at >= $1 AND at < $2) AS squares
                GROUP BY place_id) AS s
         JOIN (SELECT place_id AS id, array_agg(DISTINCT patrol_id ORDER BY patrol_id) AS patrols
                 FROM place_patrol_cells WHERE at >= $1 AND at < $2
                GROUP BY place_id) AS p USING (id)`,
      [window.from, window.to],
    )
    return new Map(rows.map((r) => [r.id, { covered: r.covered, patrols: r.patrols }]))
  }
  async function expectSame(window: { from: Date; to: Date }) {
    const [copy, sql] = [await fromCopy(window), await fromSql(window)]
    expect([...copy.keys()].sort()).toEqual([...sql.keys()].sort())
    for (const [id, r] of sql) {
      expect(copy.get(id)?.patrols, id).toEqual(r.patrols)
      expect(copy.get(id)?.covered, id).toBeCloseTo(r.covered, 6)
    }
    return copy
  }
  // A week ending mid-day, so that its first and last days are partly in it.
  const week = { from: new Date('2026-10-24T09:30:00Z'), to: new Date('2026-10-31T09:30:00Z') }
  const day = { from: new Date('2026-10-27T00:00:00Z'), to: new Date('2026-10-28T00:00:00Z') }

  it('has what PostgreSQL has, and every write in the next read', async () => {
    expect((await expectSame(week)).size).toBeGreaterThan(50)
    await expectSame(day)

    // A track along a patrolled river's squares, uploaded through the API.
    const [river] = await t.db.query<{ id: string; line: number[][] }>(
      `SELECT c.place_id AS id,
              array[array[ST_X(a), ST_Y(a)], array[ST_X(b), ST_Y(b)]] AS line
         FROM place_cells c JOIN places p ON p.id = c.place_id,
              ST_Transform(ST_SetSRID(ST_MakePoint(c.cx * 250 + 25, c.cy * 250 + 125), 4549), 4326) AS a,
              ST_Transform(ST_SetSRID(ST_MakePoint(c.cx * 250 + 225, c.cy * 250 + 125), 4549), 4326) AS b
        WHERE p.kind = 'river'
        ORDER BY c.place_id, c.cx, c.cy LIMIT 1`,
    )
    if (!river) throw new Error('no river squares in the demo world')
    await insertTestChief(t.db, 'test-copy-chief', '副本警长', 'Copy Chief')
    const track = await uploadTrack(
      t,
      'test-copy-chief',
      river.line as [number, number][],
      '2026-10-27T03:00:00Z',
      '2026-10-27T03:10:00Z',
    )
    expect((await expectSame(week)).get(river.id)?.patrols).toContain(track)
    await expectSame(day)

    // Statements on the table itself: rows moved to another day (both days change), then deleted.
    await t.db.query(`UPDATE place_patrol_cells SET at = at - interval '2 days' WHERE patrol_id = $1`, [
      track,
    ])
    expect((await expectSame(day)).get(river.id)?.patrols ?? []).not.toContain(track)
    expect((await expectSame(week)).get(river.id)?.patrols).toContain(track)
    await t.db.query('DELETE FROM patrols WHERE id = $1', [track])
    expect((await expectSame(week)).get(river.id)?.patrols ?? []).not.toContain(track)
  })
})

describe('coverage from cells against the exact measurement', () => {
  it('is within 2 points per place on average over a week of the demo world, and the total within 1', async () => {
    const q = { from: new Date('2026-10-25T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z'), radius: 200 }
    const [cells, exact] = [
      await placeCoverage(t.db, q),
      await placeCoverage(t.db, { ...q, method: 'exact' }),
    ]
    expect(cells.map((p) => p.id)).toEqual(exact.map((p) => p.id))
    const byId = new Map(exact.map((p) => [p.id, p]))
    let error = 0
    for (const p of cells) {
      const e = byId.get(p.id)
      if (!e) throw new Error(`no exact figure for ${p.id}`)
      expect(p.measure, p.id).toBe(e.measure)
      expect(p.total / e.total, p.id).toBeCloseTo(1, 6)
      // sites are checked against the tracks in both methods
      if (p.measure === 'visit') expect(p.coverage, p.id).toBe(e.coverage)
      error += Math.abs(p.coverage - e.coverage)
    }
    expect(cells.some((p) => p.coverage > 0)).toBe(true)
    expect(error / cells.length).toBeLessThan(0.02)
    expect(Math.abs(combinedCoverage(cells, 200) - combinedCoverage(exact, 200))).toBeLessThan(0.01)
  })

  it('the API says which method answered; exact needs a place or a chief', async () => {
    const window = 'from=2026-10-25T00:00:00Z&to=2026-11-01T00:00:00Z'
    const cells = await t.inject({ url: `/api/coverage?${window}` })
    expect(cells.json().params.method).toBe('cells')
    const id: string = cells.json().places.find((p: { measure: string }) => p.measure === 'length').id
    const exact = await t.inject({ url: `/api/coverage?${window}&place=${id}&exact=true` })
    expect(exact.statusCode, exact.body).toBe(200)
    expect(exact.json().params.method).toBe('exact')
    expect(exact.json().places.map((p: { id: string }) => p.id)).toEqual([id])
    const other = await t.inject({ url: `/api/coverage?${window}&place=${id}&radius=300` })
    expect(other.json().params.method, 'the cells are cut for R = 200 m only').toBe('exact')

    const refused = await t.inject({ url: `/api/coverage?${window}&exact=true` })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().message).toMatch(/place=<id> or chief=<id>/)
  })
})
