import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Fix } from '../../server/domain/patrol-tracks.ts'
import { appendPositions } from '../../server/domain/patrols.ts'
import { COPY_MIN_FIXES } from '../../server/domain/positions.ts'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'

// Live positions partitioned by UTC month (migrations/006) and written by INSERT or, for large
// batches, COPY (server/domain/positions.ts).
describe('patrol positions by month', () => {
  let t: TestApp
  let chief: string

  beforeAll(async () => {
    t = await buildTestApp()
    const [row] = await t.db.query<{ id: string }>('SELECT id FROM chiefs ORDER BY id LIMIT 1')
    chief = (row as { id: string }).id
  })
  afterAll(() => t.close())

  /** A walk east from (120.2, 30.8): fix i is 10 m and 10 s (plus a fraction of a ms) after fix i - 1. */
  const walk = (start: number, from: number, n: number): Fix[] =>
    Array.from({ length: n }, (_, k) => ({
      lon: 120.2 + (from + k) * 0.0001,
      lat: 30.8,
      at: start + (from + k) * 10_000 + ((from + k) % 7) * 0.123,
    }))

  const open = async (first: Fix) => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/patrols',
      payload: { chief_id: chief, open: true, position: first },
    })
    expect(res.statusCode).toBe(201)
    return res.json<{ id: number }>().id
  }

  const send = async (id: number, positions: Fix[]) => {
    const res = await t.inject({
      method: 'POST',
      url: `/api/patrols/${id}/positions`,
      payload: { positions },
    })
    expect(res.statusCode).toBe(200)
  }

  const partitionsOf = (id: number) =>
    t.db.query<{ part: string; n: number }>(
      `SELECT tableoid::regclass::text AS part, count(*)::int AS n
       FROM patrol_positions WHERE patrol_id = $1 GROUP BY 1 ORDER BY 1`,
      [id],
    )

  const partitions = async () =>
    (
      await t.db.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'patrol_positions'::regclass ORDER BY 1`,
      )
    ).map((r) => r.name)

  it('is a table partitioned by range of time, with a default partition', async () => {
    const [table] = await t.db.query<{ kind: string; key: string }>(
      `SELECT c.relkind::text AS kind, pg_get_partkeydef(c.oid) AS key FROM pg_class c
       WHERE c.oid = 'patrol_positions'::regclass`,
    )
    expect(table).toEqual({ kind: 'p', key: 'RANGE (at)' })
    expect(await partitions()).toContain('patrol_positions_default')
  })

  it('stores fixes in the partition of their UTC month, making the partitions it lacks', async () => {
    expect(await partitions()).not.toContain('patrol_positions_2031_01')
    // 23:58 on the last day of January 2031, then across midnight into February.
    const fixes = walk(Date.parse('2031-01-31T23:58:00Z'), 0, 20)
    const id = await open(fixes[0] as Fix)
    await send(id, fixes.slice(1))
    expect(await partitions()).toEqual(
      expect.arrayContaining(['patrol_positions_2031_01', 'patrol_positions_2031_02']),
    )
    expect(await partitionsOf(id)).toEqual([
      { part: 'patrol_positions_2031_01', n: 12 },
      { part: 'patrol_positions_2031_02', n: 8 },
    ])
  })

  it('keeps a fix of a month without a partition in the default one, and moves it when the month gets one', async () => {
    const id = await open(walk(Date.parse('2032-05-10T08:00:00Z'), 0, 1)[0] as Fix)
    // Written past the ingest (as the demo loader does), so nothing made the month's partition.
    await t.db.query(
      `INSERT INTO patrol_positions (patrol_id, at, geom)
       VALUES ($1, '2032-06-03T08:00:00Z', ST_SetSRID(ST_MakePoint(120.3, 30.8), 4326))`,
      [id],
    )
    expect(await partitionsOf(id)).toEqual([
      { part: 'patrol_positions_2032_05', n: 1 },
      { part: 'patrol_positions_default', n: 1 },
    ])
    await t.db.query(`SELECT ensure_position_partitions(ARRAY['2032-06-20T00:00:00Z']::timestamptz[])`)
    expect(await partitionsOf(id)).toEqual([
      { part: 'patrol_positions_2032_05', n: 1 },
      { part: 'patrol_positions_2032_06', n: 1 },
    ])
  })

  it("deletes a patrol's positions, in every partition, with the patrol", async () => {
    const fixes = walk(Date.parse('2031-03-31T23:59:00Z'), 0, 10)
    const id = await open(fixes[0] as Fix)
    await send(id, fixes.slice(1))
    expect((await partitionsOf(id)).length).toBe(2)
    await t.db.query('DELETE FROM patrols WHERE id = $1', [id])
    expect(await partitionsOf(id)).toEqual([])
  })

  it('stores a batch above the COPY threshold exactly as sent, as small batches by INSERT store it', async () => {
    const start = Date.parse('2031-05-01T06:00:00Z')
    const n = COPY_MIN_FIXES + 500
    const fixes = walk(start, 0, n + 1)
    // One patrol takes all fixes after its first in one batch (COPY), the other in batches of 50
    // through the API (INSERT, its track extended batch by batch).
    const copied = await open(fixes[0] as Fix)
    const inserted = await open(fixes[0] as Fix)
    const { appended } = await appendPositions(t.db, copied, fixes.slice(1))
    expect(appended.length).toBe(n)
    for (let i = 1; i <= n; i += 50) await send(inserted, fixes.slice(i, i + 50))

    const stored = (id: number) =>
      t.db.query<{ lon: number; lat: number; srid: number; us: number }>(
        `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, ST_SRID(geom) AS srid,
                (extract(epoch FROM at) * 1000000)::float8 AS us
         FROM patrol_positions WHERE patrol_id = $1 ORDER BY at`,
        [id],
      )
    const byCopy = await stored(copied)
    expect(byCopy.length).toBe(n + 1)
    expect(byCopy.map(({ lon, lat, srid }) => ({ lon, lat, srid }))).toEqual(
      fixes.map((f) => ({ lon: f.lon, lat: f.lat, srid: 4326 })),
    )
    // Times to the microsecond (a float8 of ~1.9e15 µs is exact to a quarter).
    const offBy = byCopy.map((row, i) => Math.abs(row.us - (fixes[i] as Fix).at * 1000))
    expect(Math.max(...offBy)).toBeLessThanOrEqual(0.75)
    expect(await stored(inserted)).toEqual(byCopy)

    // Both tracks are the line through the stored fixes, as rebuilt from them.
    const tracks = await t.db.query<{ id: number; same: boolean; length_m: number; rebuilt_m: number }>(
      `SELECT p.id, ST_AsEWKB(p.track) = ST_AsEWKB(r.track) AS same, p.length_m,
              ST_Length(ST_Transform(r.track, 4549)) AS rebuilt_m
       FROM patrols p CROSS JOIN LATERAL (
         SELECT ST_SetSRID(ST_MakeLine(
                  ST_MakePointM(ST_X(geom), ST_Y(geom), extract(epoch FROM at)::float8) ORDER BY at), 4326) AS track
         FROM patrol_positions WHERE patrol_id = p.id
       ) r
       WHERE p.id = ANY($1::int[]) ORDER BY p.id`,
      [[copied, inserted]],
    )
    expect(tracks.map((r) => r.id)).toEqual([copied, inserted])
    for (const track of tracks) {
      expect(track.same).toBe(true)
      expect(track.length_m).toBe(track.rebuilt_m)
    }
    expect(tracks[0]?.length_m).toBe(tracks[1]?.length_m)
  })
})
