import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'

// Incidents near each patrolled place per UTC day (migrations/008_place_incident_days.sql) against a
// recomputation from the incidents and places, through reports, moves, cancellations, deletes and
// places that move or stop being patrolled.

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
})
afterAll(() => t?.close())

/** Non-zero counts as kept, and as recomputed (for the places whose id starts with `prefix`). */
async function placeIncidentDays(prefix = '') {
  const kept = await t.db.query<{ key: string; n: number }>(
    `SELECT place_id || '/' || to_char(day, 'YYYY-MM-DD') AS key, n FROM place_incident_days
      WHERE n > 0 AND place_id LIKE $1 || '%' ORDER BY 1`,
    [prefix],
  )
  const recomputed = await t.db.query<{ key: string; n: number }>(
    `SELECT p.id || '/' || to_char((i.occurred_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS key, count(*)::int AS n
       FROM places p JOIN incidents i ON ST_DWithin(i.geom_m, p.geom_m, 500)
      WHERE p.patrol_every_days IS NOT NULL AND i.status <> 'cancelled' AND p.id LIKE $1 || '%'
      GROUP BY 1 ORDER BY 1`,
    [prefix],
  )
  return { kept, recomputed }
}

const insertIncident = async (lon: number, lat: number, occurredAt: string) => {
  const [row] = await t.db.query<{ id: number }>(
    `INSERT INTO incidents (category, source, description, status, occurred_at, reported_at, geom)
     VALUES ('dumping', 'app', 'test: near a place', 'reported', $3, $3, ST_SetSRID(ST_MakePoint($1, $2), 4326))
     RETURNING id`,
    [lon, lat, occurredAt],
  )
  return row?.id as number
}

describe('incidents near each place per day follow incidents and places', () => {
  it('match a recomputation for the demo world', async () => {
    const { kept, recomputed } = await placeIncidentDays()
    expect(kept.length).toBeGreaterThan(100)
    expect(kept).toEqual(recomputed)
  })

  it('follow reports, moves, cancellations, deletes and places that move', async () => {
    await t.db.query(
      `INSERT INTO places (id, kind, name_zh, name_en, district_code, patrol_every_days, geom)
       VALUES ('test-risk-river', 'river', '风险河', 'Risk River', 330502, 7,
               ST_SetSRID(ST_GeomFromText('LINESTRING(120.1 30.9, 120.12 30.9)'), 4326))`,
    )
    const check = async () => {
      const { kept, recomputed } = await placeIncidentDays('test-risk')
      expect(kept).toEqual(recomputed)
      // the demo world's own incidents near the place lie in 2025–2026
      return kept.filter((row) => row.key.includes('/2024-'))
    }
    const near = await insertIncident(120.11, 30.902, '2024-06-01T23:30:00Z')
    const far = await insertIncident(120.11, 30.95, '2024-06-02T01:00:00Z')
    expect(await check()).toEqual([{ key: 'test-risk-river/2024-06-01', n: 1 }])

    await t.db.query(
      `UPDATE incidents SET geom = ST_SetSRID(ST_MakePoint(120.105, 30.899), 4326) WHERE id = $1`,
      [far],
    )
    await t.db.query(`UPDATE incidents SET occurred_at = '2024-06-02T00:30:00Z' WHERE id = $1`, [near])
    expect(await check()).toEqual([{ key: 'test-risk-river/2024-06-02', n: 2 }])

    await t.db.query(`UPDATE incidents SET status = 'cancelled' WHERE id = $1`, [near])
    expect(await check()).toEqual([{ key: 'test-risk-river/2024-06-02', n: 1 }])
    await t.db.query(`UPDATE incidents SET status = 'reported' WHERE id = $1`, [near])
    await t.db.query('DELETE FROM incidents WHERE id = $1', [far])
    expect(await check()).toEqual([{ key: 'test-risk-river/2024-06-02', n: 1 }])

    // The place moves away from its incident, then stops being patrolled.
    await t.db.query(
      `UPDATE places SET geom = ST_SetSRID(ST_GeomFromText('LINESTRING(120.1 30.95, 120.12 30.95)'), 4326)
        WHERE id = 'test-risk-river'`,
    )
    expect(await check()).toEqual([])
    await t.db.query(
      `UPDATE places SET geom = ST_SetSRID(ST_GeomFromText('LINESTRING(120.1 30.9, 120.12 30.9)'), 4326)
        WHERE id = 'test-risk-river'`,
    )
    expect(await check()).toEqual([{ key: 'test-risk-river/2024-06-02', n: 1 }])
    await t.db.query("UPDATE places SET patrol_every_days = NULL WHERE id = 'test-risk-river'")
    expect(await t.db.query("SELECT 1 FROM place_incident_days WHERE place_id = 'test-risk-river'")).toEqual(
      [],
    )
  })
})
