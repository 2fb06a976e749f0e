import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/test-app.ts'
import { backend } from '../helpers/test-db.ts'

// Limits that keep the server answering (both backends): writes per user and minute.

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({ writesPerMinute: 3 })
})
afterAll(() => t?.close())

const report = () => ({
  category: 'dumping',
  location: { type: 'Point', coordinates: [120.1, 30.85] },
  occurred_at: new Date(Date.now() - 600_000).toISOString(),
  source: 'app',
  description: 'limits test',
})

describe(`writes per user (${backend})`, () => {
  it('answers 429 with Retry-After past the limit; reads and other users go on', async () => {
    const post = (as: string) => t.injectAs(as, { method: 'POST', url: '/api/incidents', payload: report() })
    const answers = [await post('coordinator'), await post('coordinator'), await post('coordinator')]
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201])
    const before = await t.db.query('SELECT count(*)::int AS n FROM incidents')
    const refused = await post('coordinator')
    expect(refused.statusCode).toBe(429)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect(refused.json().message).toMatch(/more than 3 writes a minute/)
    expect(await t.db.query('SELECT count(*)::int AS n FROM incidents')).toEqual(before)
    expect((await t.inject({ url: '/api/incidents?limit=1' })).statusCode).toBe(200)
    expect((await post('admin')).statusCode).toBe(201)
  })
})
