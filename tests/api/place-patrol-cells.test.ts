import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db/db.ts'
import { openTestDb } from '../helpers/test-db.ts'

// The squares of places each track reached (migrations/009_coverage_windows.sql), kept by
// statement triggers, against the join they stand for: place_cells ⋈ patrol_cells on the square.

let db: Db
beforeAll(async () => {
  db = await openTestDb()
})
afterAll(() => db?.close())

const rowText = `place_id || ' ' || cx || ' ' || cy || ' ' || patrol_id || ' ' || extract(epoch FROM at) || ' ' || amount`

/**
 * The table as kept and as the join gives it, each as a row count and a digest: all of it, or the
 * rows of some places ($1) or patrols ($2).
 */
async function keptAndJoined(places: string[] | null = null, patrols: number[] | null = null) {
  const some = `($1::text[] IS NULL OR place_id = ANY ($1)) AND ($2::int[] IS NULL OR patrol_id = ANY ($2))`
  const [row] = await db.query<{ kept: string; joined: string }>(
    `SELECT (SELECT count(*) || ':' || md5(coalesce(string_agg(${rowText}, ',' ORDER BY ${rowText}), ''))
               FROM place_patrol_cells WHERE ${some}) AS kept,
            (SELECT count(*) || ':' || md5(coalesce(string_agg(${rowText}, ',' ORDER BY ${rowText}), ''))
               FROM (SELECT c.place_id, c.cx, c.cy, pc.patrol_id, pc.at, c.amount
                       FROM place_cells c JOIN patrol_cells pc ON pc.cx = c.cx AND pc.cy = c.cy) AS j
              WHERE ${some}) AS joined`,
    [places, patrols],
  )
  return { kept: row?.kept, joined: row?.joined }
}

const expectKeptAsJoined = async (places: string[] | null, patrols: number[] | null = null) => {
  const { kept, joined } = await keptAndJoined(places, patrols)
  expect(kept).toBe(joined)
}

// A track along the river the test adds, M in epoch seconds from 2024-05-01T02:00:00Z.
const t0 = Date.parse('2024-05-01T02:00:00Z') / 1000
const track = (points: [number, number][]) =>
  `ST_GeomFromText('LINESTRING M(${points.map(([x, y], i) => `${x} ${y} ${t0 + 60 * i}`).join(', ')})', 4326)`

describe('the squares of places each track reached', () => {
  it('are the join of place and patrol squares in the demo world', async () => {
    const { kept, joined } = await keptAndJoined()
    expect(Number(kept?.split(':')[0])).toBeGreaterThan(1000)
    expect(kept).toBe(joined)
  })

  it('follow tracks that are stored, extended, closed and deleted', async () => {
    await db.query(
      `INSERT INTO places (id, kind, name_zh, name_en, district_code, patrol_every_days, geom)
       VALUES ('test-ppc-river', 'river', '测试河', 'Test River', 330502, 7,
               ST_SetSRID(ST_GeomFromText('LINESTRING(120.1 30.85, 120.12 30.85)'), 4326))`,
    )
    await expectKeptAsJoined(['test-ppc-river'])
    const [{ id } = { id: 0 }] = await db.query<{ id: number }>(
      `INSERT INTO patrols (kind, status, started_at, ended_at, track)
       VALUES ('actual', 'open', to_timestamp($1), to_timestamp($1 + 60), ${track([
         [120.1, 30.851],
         [120.105, 30.851],
       ])}) RETURNING id`,
      [t0],
    )
    const [reached] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM place_patrol_cells WHERE place_id = 'test-ppc-river' AND patrol_id = $1`,
      [id],
    )
    expect(reached?.n).toBeGreaterThan(0)
    await expectKeptAsJoined(null, [id])

    // Live fixes appended, then the patrol closed (the cells are recomputed), then deleted.
    await db.query(
      `UPDATE patrols SET track = ${track([
        [120.1, 30.851],
        [120.105, 30.851],
        [120.11, 30.851],
        [120.118, 30.851],
      ])}, ended_at = to_timestamp($2) WHERE id = $1`,
      [id, t0 + 180],
    )
    await expectKeptAsJoined(null, [id])
    await db.query(`UPDATE patrols SET status = 'closed' WHERE id = $1`, [id])
    await expectKeptAsJoined(null, [id])
    await db.query('DELETE FROM patrols WHERE id = $1', [id])
    await expectKeptAsJoined(null, [id])
  })

  it('follow places that move, stop being patrolled and are deleted', async () => {
    const places = await db.query<{ id: string }>(
      `SELECT p.id FROM places p
        WHERE p.patrol_every_days IS NOT NULL AND p.dim > 0
          AND EXISTS (SELECT 1 FROM place_patrol_cells r WHERE r.place_id = p.id)
        ORDER BY p.id LIMIT 3`,
    )
    const [moved, unpatrolled, deleted] = places.map((p) => p.id)
    const ids = places.map((p) => p.id)
    expect(ids).toHaveLength(3)
    await db.query(`UPDATE places SET geom = ST_Translate(geom, 0.004, 0.002) WHERE id = $1`, [moved])
    await db.query(`UPDATE places SET patrol_every_days = NULL WHERE id = $1`, [unpatrolled])
    await db.query(`DELETE FROM places WHERE id = $1`, [deleted])
    const [left] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM place_patrol_cells WHERE place_id = ANY ($1)`,
      [[unpatrolled, deleted]],
    )
    expect(left?.n).toBe(0)
    await expectKeptAsJoined(ids)
  })
})
