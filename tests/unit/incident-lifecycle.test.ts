import { describe, expect, it } from 'vitest'
import {
  assertTransition,
  canTransition,
  type IncidentStatus,
  incidentStatuses,
  isFinalStatus,
  isIncidentStatus,
  nextStatuses,
  statusTimestampColumn,
} from '../../server/domain/incident-lifecycle.ts'
import { HttpError } from '../../server/errors.ts'

// The lifecycle written out once more, by hand: every allowed step, nothing else.
const allowed: [IncidentStatus, IncidentStatus][] = [
  ['reported', 'dispatched'],
  ['dispatched', 'on_scene'],
  ['on_scene', 'resolved'],
  ['resolved', 'closed'],
  ['reported', 'cancelled'],
  ['dispatched', 'cancelled'],
  ['on_scene', 'cancelled'],
]
const isAllowed = (from: IncidentStatus, to: IncidentStatus) =>
  allowed.some(([f, t]) => f === from && t === to)

function refusal(from: IncidentStatus, to: IncidentStatus): HttpError {
  try {
    assertTransition(from, to)
  } catch (error) {
    if (error instanceof HttpError) return error
    throw error
  }
  throw new Error(`${from} → ${to} was accepted`)
}

describe('incident lifecycle', () => {
  it('knows the six statuses', () => {
    expect([...incidentStatuses].sort()).toEqual(
      ['cancelled', 'closed', 'dispatched', 'on_scene', 'reported', 'resolved'].sort(),
    )
    expect(isIncidentStatus('on_scene')).toBe(true)
    expect(isIncidentStatus('open')).toBe(false)
  })

  it('lists the next steps of each status', () => {
    expect(nextStatuses('reported')).toEqual(['dispatched', 'cancelled'])
    expect(nextStatuses('dispatched')).toEqual(['on_scene', 'cancelled'])
    expect(nextStatuses('on_scene')).toEqual(['resolved', 'cancelled'])
    expect(nextStatuses('resolved')).toEqual(['closed'])
    expect(nextStatuses('closed')).toEqual([])
    expect(nextStatuses('cancelled')).toEqual([])
  })

  it('marks closed and cancelled as final', () => {
    expect(incidentStatuses.filter(isFinalStatus)).toEqual(['closed', 'cancelled'])
  })

  for (const from of incidentStatuses) {
    for (const to of incidentStatuses) {
      if (isAllowed(from, to)) {
        it(`allows ${from} → ${to}`, () => {
          expect(canTransition(from, to)).toBe(true)
          expect(() => assertTransition(from, to)).not.toThrow()
        })
      } else {
        it(`refuses ${from} → ${to} with a 409 naming the allowed steps`, () => {
          expect(canTransition(from, to)).toBe(false)
          const error = refusal(from, to)
          expect(error.statusCode).toBe(409)
          expect(error.message).toContain(`"${from}" to "${to}"`)
          expect(error.details).toEqual([
            {
              code: 'illegal_transition',
              from,
              to,
              allowed: allowed.filter(([f]) => f === from).map(([, t]) => t),
            },
          ])
        })
      }
    }
  }

  it('says when a status is final', () => {
    expect(refusal('closed', 'reported').message).toContain('"closed" is final')
  })

  it('names the timestamp each step sets', () => {
    expect(statusTimestampColumn).toEqual({
      reported: 'reported_at',
      dispatched: 'dispatched_at',
      on_scene: 'on_scene_at',
      resolved: 'resolved_at',
      closed: 'closed_at',
      cancelled: null,
    })
  })
})
