import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'
import { backend } from '../helpers/test-db.ts'

// Retried writes from the field (both backends): a report or a track sent again with the same
// Idempotency-Key creates nothing new and answers with the first; a failed write stores no key.

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
})
afterAll(() => t?.close())

const count = async (table: 'incidents' | 'patrols') =>
  (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n ?? -1

const report = (description: string, lon = 120.1) => ({
  category: 'dumping',
  location: { type: 'Point', coordinates: [lon, 30.85] },
  occurred_at: new Date(Date.now() - 600_000).toISOString(),
  source: 'app',
  description,
})

const postReport = (key: string | undefined, body: object, as = 'coordinator') =>
  t.injectAs(as, {
    method: 'POST',
    url: '/api/incidents',
    payload: body,
    headers: key === undefined ? {} : { 'idempotency-key': key },
  })

describe(`Idempotency-Key (${backend})`, () => {
  it('answers a retried report with the first incident and creates one', async () => {
    const before = await count('incidents')
    const first = await postReport('report-0001', report('a retried report'))
    const again = await postReport('report-0001', report('a retried report'))
    expect(first.statusCode).toBe(201)
    expect(again.statusCode).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(first.headers['idempotent-replayed']).toBeUndefined()
    expect(again.json().id).toBe(first.json().id)
    expect(await count('incidents')).toBe(before + 1)
  })

  it('creates one incident for racing requests with the same key', async () => {
    const before = await count('incidents')
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => postReport('report-race', report('sent four times at once'))),
    )
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201])
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1)
    expect(await count('incidents')).toBe(before + 1)
  })

  it("keeps each user's keys apart, and a key without a retry is just a report", async () => {
    const mine = await postReport('shared-key', report('the coordinator'))
    const theirs = await postReport('shared-key', report('the admin'), 'admin')
    expect(theirs.json().id).not.toBe(mine.json().id)
    const plain = await postReport(undefined, report('no key'))
    const plainAgain = await postReport(undefined, report('no key'))
    expect(plainAgain.json().id).not.toBe(plain.json().id)
  })

  it('stores no key for a refused write: the corrected retry creates', async () => {
    const before = await count('incidents')
    const refused = await postReport('report-fixed', report('far away', 100))
    expect(refused.statusCode).toBeGreaterThanOrEqual(400)
    expect(refused.statusCode).toBeLessThan(500)
    expect(await count('incidents')).toBe(before)
    const fixed = await postReport('report-fixed', report('now in Huzhou'))
    expect(fixed.statusCode).toBe(201)
    expect(fixed.headers['idempotent-replayed']).toBeUndefined()
    expect(await count('incidents')).toBe(before + 1)
  })

  it('refuses a malformed key with 400', async () => {
    for (const key of ['has space', 'x'.repeat(201), 'clé']) {
      const response = await postReport(key, report('bad key'))
      expect(response.statusCode, key).toBe(400)
    }
  })

  it('answers a retried track upload with the first patrol', async () => {
    const [chief] = await t.db.query<{ id: string }>('SELECT id FROM chiefs ORDER BY id LIMIT 1')
    const start = Date.parse('2026-11-20T01:00:00Z')
    const track = {
      type: 'Feature',
      geometry: {
        type: 'LineString',
        coordinates: [
          [120.1, 30.85],
          [120.101, 30.85],
          [120.102, 30.8505],
        ],
      },
      properties: { chief_id: chief?.id, times: [start, start + 60_000, start + 120_000] },
    }
    const before = await count('patrols')
    const upload = () =>
      t.inject({
        method: 'POST',
        url: '/api/patrols',
        payload: track,
        headers: { 'idempotency-key': 'track-77' },
      })
    const first = await upload()
    const again = await upload()
    expect(first.statusCode, first.body).toBe(201)
    expect(again.statusCode).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.json().id).toBe(first.json().id)
    expect(await count('patrols')).toBe(before + 1)
  })
})
