import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DAILY_CELL, patrolEffortByCell, scanPatrolEffort } from '../../server/domain/hotspots.ts'
import {
  driveLivePatrol,
  insertTestChief,
  keptAndRecomputed,
  type PatrolDerivedTable,
  uploadTrack,
} from '../helpers/patrol-derived-tables.ts'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'

// Patrol effort kept per patrol, 500 m cell and UTC day (migrations/007_patrol_effort_days.sql)
// against a recomputation from the tracks through uploads, live fixes and deletes; and hotspot
// effort from it against binning the tracks of the window.

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
})
afterAll(() => t?.close())

const chief = 'test-effort-chief'

const effortTable: PatrolDerivedTable = {
  table: 'patrol_effort_days',
  of: 'patrol_effort_of',
  columns: "to_char(x.day, 'YYYY-MM-DD') AS day, x.q, x.r, round(x.metres::numeric, 2) AS metres",
}
/**
 * patrol_effort_days as kept and as recomputed from the actual tracks: those of one chief, or every
 * `nth` patrol of the world (all of them take a minute on the embedded database).
 */
const effortDays = (chiefId: string | null, nth = 1) => keptAndRecomputed(t.db, effortTable, chiefId, nth)

describe('patrol effort per cell and day follows the tracks', () => {
  it('matches a recomputation for the demo world (a tenth of it), and adds up to the tracks', async () => {
    const { kept, recomputed } = await effortDays(null, 10)
    expect(kept.length).toBeGreaterThan(300)
    expect(kept).toEqual(recomputed)
    const [sums] = await t.db.query<{ kept: number; tracks: number }>(
      `SELECT (SELECT sum(metres) FROM patrol_effort_days) AS kept,
              (SELECT sum(ST_Length(track_m)) FROM patrols WHERE kind = 'actual') AS tracks`,
    )
    expect((sums?.kept ?? 0) / (sums?.tracks ?? 1)).toBeCloseTo(1, 6)
  })

  it('follows a track over midnight, live fixes and a delete', async () => {
    await insertTestChief(t.db, chief, '努力警长', 'Effort Chief')
    const id = await uploadTrack(
      t,
      chief,
      [
        [120.1, 30.85],
        [120.11, 30.85],
        [120.12, 30.85],
      ],
      '2024-05-01T23:40:00Z',
      '2024-05-02T00:20:00Z',
    )
    const days = await t.db.query<{ day: string; km: number }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(metres) / 1000 AS km FROM patrol_effort_days
        WHERE patrol_id = $1 GROUP BY day ORDER BY day`,
      [id],
    )
    // about 1.9 km, half of it on each side of midnight
    expect(days.map((d) => d.day)).toEqual(['2024-05-01', '2024-05-02'])
    for (const d of days) expect(d.km).toBeCloseTo(0.96, 1)

    // Each append adds the effort of the part it adds, which must come to what a recomputation
    // gives, across midnight too.
    await driveLivePatrol(t, chief, [
      { lon: 120.2, lat: 30.8, at: Date.parse('2024-05-03T02:00:00Z') },
      ...['2024-05-03T23:50:00Z', '2024-05-04T00:10:00Z', '2024-05-04T00:30:00Z'].map((at, i) => ({
        lon: 120.205 + i * 0.005,
        lat: 30.8,
        at: Date.parse(at),
      })),
    ])
    const mine = await effortDays(chief)
    expect(mine.kept.length).toBeGreaterThan(days.length)
    expect(mine.kept).toEqual(mine.recomputed)

    await t.db.query('DELETE FROM patrols WHERE id = $1', [id])
    expect(await t.db.query('SELECT 1 FROM patrol_effort_days WHERE patrol_id = $1', [id])).toEqual([])
  })
})

describe('hotspot effort from the days kept', () => {
  it('agrees with binning the tracks, for a window that starts and ends inside a day', async () => {
    const filter = {
      from: new Date('2026-09-30T06:00:00Z'),
      to: new Date('2026-10-30T18:00:00Z'),
      cell: DAILY_CELL,
    }
    const [kept, scanned] = [await patrolEffortByCell(t.db, filter), await scanPatrolEffort(t.db, filter)]
    const total = (cells: { effort_km: number }[]) => cells.reduce((sum, c) => sum + c.effort_km, 0)
    expect(total(scanned)).toBeGreaterThan(100)
    expect(total(kept) / total(scanned)).toBeCloseTo(1, 3)
    const byCell = new Map(scanned.map((c) => [`${c.q},${c.r}`, c.effort_km]))
    let differ = 0
    for (const c of kept) {
      const d = Math.abs(c.effort_km - (byCell.get(`${c.q},${c.r}`) ?? 0))
      // a piece across midnight goes to its midpoint's day here, and is cut at the window's end there
      expect(d, `${c.q},${c.r}`).toBeLessThan(0.2)
      if (d > 0.001) differ++
    }
    expect(differ / kept.length).toBeLessThan(0.05)
  })
})
