import { describe, expect, it } from 'vitest'
import { isDatabaseUnavailable } from '../../server/errors.ts'

describe('isDatabaseUnavailable', () => {
  it('tells a database that is down, restarting or cancelling from a fault of the request', () => {
    for (const code of [
      '08006',
      '08001',
      '57P01',
      '57P03',
      '57014',
      '40P01',
      '40001',
      'ECONNREFUSED',
      'ECONNRESET',
    ])
      expect(isDatabaseUnavailable({ code }), code).toBe(true)
    for (const code of ['23505', '22P02', 'XX000', undefined, 42, 'FST_ERR_VALIDATION'])
      expect(isDatabaseUnavailable({ code }), String(code)).toBe(false)
    expect(isDatabaseUnavailable({ message: 'Connection terminated unexpectedly' })).toBe(true)
    expect(isDatabaseUnavailable({ message: 'duplicate key value' })).toBe(false)
  })
})
