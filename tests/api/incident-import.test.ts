import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'

// POST /api/incidents/import: a CSV file of incidents, all or nothing, admins only; the counts kept
// by the triggers on incidents (switched off for the import) against a recomputation afterwards.

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({ as: 'admin' })
})
afterAll(() => t?.close())

const importCsv = (csv: string, options: { as?: string; contentType?: string } = {}) =>
  t.injectAs(options.as ?? 'admin', {
    method: 'POST',
    url: '/api/incidents/import',
    headers: { 'content-type': options.contentType ?? 'text/csv; charset=utf-8' },
    payload: csv,
  })

async function tableCounts() {
  const [counts] = await t.db.query<{ incidents: number; events: number; cells: number; places: number }>(
    `SELECT (SELECT count(*) FROM incidents)::int AS incidents, (SELECT count(*) FROM incident_events)::int AS events,
            (SELECT coalesce(sum(n), 0) FROM incident_cell_days)::int AS cells,
            (SELECT coalesce(sum(n), 0) FROM place_incident_days)::int AS places`,
  )
  return counts
}

/** The non-zero counts as kept, and as recomputed from every incident (both tables). */
async function keptAndRecomputed() {
  const keys = (sql: string) => t.db.query<{ key: string; n: number }>(`${sql} ORDER BY 1`)
  return {
    cellsKept: await keys(
      `SELECT concat_ws('/', day, q, r, category) AS key, n FROM incident_cell_days WHERE n > 0`,
    ),
    cellsRecomputed: await keys(
      `SELECT concat_ws('/', (i.occurred_at AT TIME ZONE 'UTC')::date, c.q, c.r, i.category) AS key, count(*)::int AS n
         FROM incidents i CROSS JOIN LATERAL incident_cell(ST_X(i.geom_m), ST_Y(i.geom_m)) AS c
        GROUP BY 1`,
    ),
    placesKept: await keys(
      `SELECT concat_ws('/', place_id, day) AS key, n FROM place_incident_days WHERE n > 0`,
    ),
    placesRecomputed: await keys(
      `SELECT concat_ws('/', p.id, (i.occurred_at AT TIME ZONE 'UTC')::date) AS key, count(*)::int AS n
         FROM places p JOIN incidents i ON ST_DWithin(i.geom_m, p.geom_m, 500)
        WHERE p.patrol_every_days IS NOT NULL AND i.status <> 'cancelled'
        GROUP BY 1`,
    ),
  }
}

describe('POST /api/incidents/import', () => {
  it('imports a good file with its districts, events and counts', async () => {
    const [river] = await t.db.query<{ id: string; lon: number; lat: number }>(
      `SELECT id, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
         FROM places WHERE patrol_every_days IS NOT NULL AND kind = 'river' ORDER BY id LIMIT 1`,
    )
    if (!river) throw new Error('the test world has no patrolled river')
    const near = `${river.lon.toFixed(6)},${river.lat.toFixed(6)}`
    const before = await tableCounts()
    const csv = [
      'occurred_at,lon,lat,category,severity,source,status,description,reported_at,place_id',
      `2026-03-01T08:00:00+08:00,${near},dumping,3,hotline,closed,"rubble, by the bank",2026-03-01T01:30:00Z,${river.id}`,
      `2026-03-01T23:59:00,${near},illegal_fishing,,,,,,`,
      `2026-03-02,${near},pollution,1,video,cancelled,"said ""oil"" on the water",,`,
      '2024-02-29T12:00:00Z,120.1,30.9,poaching,2,app,reported,,,',
      // on Taihu, outside every district: the nearest one within 50 km
      '2025-07-01T10:00:00Z,120.25,31.15,illegal_fishing,,drone,resolved,,,',
    ].join('\r\n')
    const response = await importCsv(csv)
    expect(response.statusCode, response.body).toBe(200)
    const body = response.json()
    expect(body).toMatchObject({ imported: 5, without_district: 0 })
    expect(body.last_id - body.first_id).toBe(4)

    const after = await tableCounts()
    expect(after.incidents - before.incidents).toBe(5)
    expect(after.events - before.events).toBe(5)
    expect(after.cells - before.cells).toBe(5)
    // the cancelled one does not count for the river
    expect(after.places - before.places).toBeGreaterThanOrEqual(2)
    const counts = await keptAndRecomputed()
    expect(counts.cellsKept).toEqual(counts.cellsRecomputed)
    expect(counts.placesKept).toEqual(counts.placesRecomputed)

    const rows = await t.db.query<Record<string, unknown>>(
      `SELECT i.category, i.severity, i.source, i.status, i.description, i.place_id, i.district_code,
              i.occurred_at, i.reported_at, e.actor, e.from_status, e.to_status, e.at = i.reported_at AS event_at_report
         FROM incidents i JOIN incident_events e ON e.incident_id = i.id
        WHERE i.id BETWEEN $1 AND $2 ORDER BY i.occurred_at`,
      [body.first_id, body.last_id],
    )
    expect(rows.map((r) => r.description)).toEqual([
      '',
      '',
      'rubble, by the bank',
      '',
      'said "oil" on the water',
    ])
    const dumping = rows.find((r) => r.category === 'dumping') as Record<string, unknown>
    expect(dumping).toMatchObject({
      severity: 3,
      source: 'hotline',
      status: 'closed',
      place_id: river.id,
      actor: 'admin',
      from_status: null,
      to_status: 'closed',
      event_at_report: true,
    })
    expect((dumping.occurred_at as Date).toISOString()).toBe('2026-03-01T00:00:00.000Z')
    expect((dumping.reported_at as Date).toISOString()).toBe('2026-03-01T01:30:00.000Z')
    // the defaults; a time without a zone is UTC; reported_at defaults to occurred_at
    const fishing = rows.find((r) => r.category === 'illegal_fishing' && r.status === 'reported') as Record<
      string,
      unknown
    >
    expect(fishing).toMatchObject({ severity: 2, source: 'app', place_id: null })
    expect((fishing.reported_at as Date).toISOString()).toBe('2026-03-01T23:59:00.000Z')
    expect(rows.every((r) => typeof r.district_code === 'number')).toBe(true)

    // the triggers are back on: a report counts again
    const [triggers] = await t.db.query<{ enabled: number }>(
      `SELECT count(*)::int AS enabled FROM pg_trigger
        WHERE tgname IN ('incidents_cell_days', 'incidents_place_days') AND tgenabled = 'O'`,
    )
    expect(triggers?.enabled).toBe(2)
  })

  it('refuses a file with bad rows, listing the problems with their lines, and writes nothing', async () => {
    const before = await tableCounts()
    const csv = [
      'category,occurred_at,lon,lat,severity,status,place_id',
      'dumping,2026-03-01T08:00:00Z,120.1,30.9,2,reported,',
      'dumping,2026-02-30T08:00:00Z,120.1,30.9,2,reported,',
      'bird_watching,2026-03-01T08:00:00Z,12.01,30.9,2,reported,',
      'dumping,yesterday,120.1,,4,,',
      'dumping,2026-03-01T08:00:00Z,120.1,30.9,2,done,no-such-place',
      'dumping,2100-01-01,120.1,30.9,,,',
    ].join('\n')
    const response = await importCsv(csv)
    expect(response.statusCode, response.body).toBe(400)
    const body = response.json()
    expect(body.message).toMatch(/^5 of 6 rows have problems/)
    expect(body.details).toEqual([
      { line: 3, column: 'occurred_at', reason: expect.stringContaining('"2026-02-30T08:00:00Z" is not') },
      { line: 4, column: 'lon', reason: expect.stringContaining('12.01 lies outside') },
      { line: 4, column: 'category', reason: expect.stringContaining('"bird_watching" is not one of') },
      { line: 5, column: 'occurred_at', reason: expect.stringContaining('"yesterday" is not') },
      { line: 5, column: 'lat', reason: 'is missing' },
      { line: 5, column: 'severity', reason: 'must be 1, 2 or 3' },
      { line: 6, column: 'status', reason: expect.stringContaining('"done" is not one of') },
      { line: 6, column: 'place_id', reason: 'no place has the id "no-such-place"' },
      { line: 7, column: 'occurred_at', reason: '2100-01-01 lies in the future' },
    ])
    expect(await tableCounts()).toEqual(before)
  })

  it('refuses malformed CSV and unknown columns with the line', async () => {
    const before = await tableCounts()
    const extra = await importCsv(
      'occurred_at,lon,lat,category\n2026-03-01,120.1,30.9,dumping\n2026-03-01,120.1,30.9,dumping,surplus\n',
    )
    expect(extra.statusCode, extra.body).toBe(400)
    expect(extra.json().details).toEqual([{ line: 3, column: '', reason: expect.any(String) }])

    const unknown = await importCsv('occurred_at,lon,lat,kind\n2026-03-01,120.1,30.9,dumping\n')
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().message).toMatch(/unknown columns: "kind".*missing columns: category/)

    const empty = await importCsv('')
    expect(empty.statusCode).toBe(400)
    const headerOnly = await importCsv('occurred_at,lon,lat,category\n')
    expect(headerOnly.statusCode).toBe(400)
    expect(await tableCounts()).toEqual(before)
  })

  it('takes text/csv only, from admins only', async () => {
    const csv = 'occurred_at,lon,lat,category\n2026-03-01,120.1,30.9,dumping\n'
    const json = await importCsv(JSON.stringify({ csv }), { contentType: 'application/json' })
    expect(json.statusCode).toBe(415)
    const before = await tableCounts()
    for (const username of ['coordinator', 'supervisor']) {
      const refused = await importCsv(csv, { as: username })
      expect(refused.statusCode, username).toBe(403)
    }
    expect(await tableCounts()).toEqual(before)
  })
})
