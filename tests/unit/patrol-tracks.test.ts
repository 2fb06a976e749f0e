import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectRoot } from '../../server/config.ts'
import {
  checkFixes,
  dropRepeatedFixes,
  type Fix,
  haversineM,
  interpolateTimes,
  MAX_SPEED_KMH,
  parseTime,
  type TrackFeature,
  trackFromFeature,
  trackFromGpx,
  validTrack,
} from '../../server/domain/patrol-tracks.ts'
import { HttpError } from '../../server/errors.ts'

const fixture = (name: string) => readFileSync(path.join(projectRoot, 'tests/fixtures/tracks', name), 'utf8')

/** The 422 a function throws, with its problems. */
function refusal(fn: () => unknown): HttpError {
  try {
    fn()
  } catch (error) {
    if (error instanceof HttpError) return error
    throw error
  }
  throw new Error('expected the track to be refused')
}

const t0 = Date.parse('2024-03-10T08:00:00+08:00')
const line = (coordinates: number[][], properties: Record<string, unknown>): TrackFeature => ({
  type: 'Feature',
  geometry: { type: 'LineString', coordinates },
  properties,
})

describe('times', () => {
  it('reads ISO 8601 with a zone and epoch milliseconds', () => {
    expect(parseTime('2024-03-10T08:00:00+08:00')).toBe(t0)
    expect(parseTime('2024-03-10T00:00:00Z')).toBe(t0)
    expect(parseTime(t0)).toBe(t0)
  })

  it('refuses times without a zone, epoch seconds and other values, saying why', () => {
    expect(parseTime('2024-03-10T08:00:00')).toMatch(/with a zone/)
    expect(parseTime(t0 / 1000)).toMatch(/epoch seconds/)
    expect(parseTime('yesterday')).toMatch(/not an ISO 8601/)
    expect(parseTime(undefined)).toBe('is missing')
  })

  it('interpolates times by distance between a start and an end', () => {
    // Three vertices on a meridian: 1 km, then 3 km.
    const coords = [
      [120, 30.8],
      [120, 30.8 + 1 / 111.2],
      [120, 30.8 + 4 / 111.2],
    ]
    const times = interpolateTimes(coords, 0, 4_000_000)
    expect(times[0]).toBe(0)
    expect(times[1]).toBeCloseTo(1_000_000, -3)
    expect(times[2]).toBe(4_000_000)
  })

  it('spreads times evenly over a track of no length', () => {
    expect(
      interpolateTimes(
        [
          [120, 30.8],
          [120, 30.8],
          [120, 30.8],
        ],
        0,
        100,
      ),
    ).toEqual([0, 50, 100])
  })
})

describe('GeoJSON tracks', () => {
  it('takes one time per vertex and keeps the other properties', () => {
    const parsed = trackFromFeature(
      line(
        [
          [120.1, 30.85],
          [120.11, 30.85],
        ],
        { chief_id: 'c1', times: ['2024-03-10T08:00:00+08:00', t0 + 600_000], note: '西苕溪' },
      ),
    )
    expect(parsed.chiefId).toBe('c1')
    expect(parsed.fixes.map((f) => f.at)).toEqual([t0, t0 + 600_000])
    expect(parsed.properties).toEqual({ note: '西苕溪' })
  })

  it('interpolates from started_at and ended_at', () => {
    const parsed = trackFromFeature(
      line(
        [
          [120.1, 30.85],
          [120.11, 30.85],
          [120.13, 30.85],
        ],
        { started_at: t0, ended_at: t0 + 3_000_000 },
      ),
    )
    expect(parsed.fixes[1]?.at).toBeCloseTo(t0 + 1_000_000, -3)
  })

  it('refuses a track without times, or with the wrong number of them', () => {
    expect(
      refusal(() =>
        trackFromFeature(
          line(
            [
              [120.1, 30.85],
              [120.11, 30.85],
            ],
            {},
          ),
        ),
      ).message,
    ).toMatch(/no times/)
    const wrong = refusal(() =>
      trackFromFeature(
        line(
          [
            [120.1, 30.85],
            [120.11, 30.85],
          ],
          { times: [t0] },
        ),
      ),
    )
    expect(wrong.statusCode).toBe(422)
    expect(wrong.message).toMatch(/1 entries for 2 vertices/)
  })

  it('names the vertex whose time is bad', () => {
    const error = refusal(() =>
      trackFromFeature(
        line(
          [
            [120.1, 30.85],
            [120.11, 30.85],
          ],
          { times: [t0, 'noon'] },
        ),
      ),
    )
    expect(error.details).toContainEqual(expect.objectContaining({ index: 1 }))
  })
})

describe('checks', () => {
  const fix = (lon: number, lat: number, seconds: number): Fix => ({ lon, lat, at: t0 + seconds * 1000 })

  it('accepts a walk', () => {
    expect(checkFixes([fix(120.1, 30.85, 0), fix(120.101, 30.85, 60), fix(120.102, 30.85, 120)])).toEqual([])
  })

  it('refuses a single point', () => {
    const error = refusal(() => validTrack({ fixes: [fix(120.1, 30.85, 0)], properties: {} }))
    expect(error.message).toMatch(/at least 2 vertices/)
  })

  it('refuses times out of order and repeated times at another place, naming the vertex', () => {
    const problems = checkFixes([fix(120.1, 30.85, 0), fix(120.101, 30.85, 60), fix(120.102, 30.85, 30)])
    expect(problems).toEqual([
      expect.objectContaining({ index: 2, reason: expect.stringMatching(/out of order/) }),
    ])
    const same = checkFixes([fix(120.1, 30.85, 0), fix(120.1001, 30.85, 0)])
    expect(same[0]?.index).toBe(1)
  })

  it('drops exact repeats of a fix (GPS loggers write them) but nothing else', () => {
    const a = fix(120.1, 30.85, 0)
    expect(dropRepeatedFixes([a, { ...a }, fix(120.101, 30.85, 60)])).toHaveLength(2)
  })

  it('refuses a jump faster than 150 km/h, naming the vertex and the speed', () => {
    // 0.02° of longitude at 30.85° N is about 1.91 km; in 20 s that is about 344 km/h.
    const fixes = [fix(120.1, 30.85, 0), fix(120.101, 30.85, 60), fix(120.121, 30.85, 80)]
    const expected = (haversineM(fixes[1] as Fix, fixes[2] as Fix) / 20) * 3.6
    const [problem] = checkFixes(fixes)
    expect(problem?.index).toBe(2)
    expect(problem?.speed_kmh).toBeCloseTo(expected, 0)
    expect(problem?.speed_kmh).toBeGreaterThan(MAX_SPEED_KMH)
    expect(problem?.reason).toMatch(/vertex 2 .* km\/h, faster than 150 km\/h/)
  })

  it('accepts 149 km/h', () => {
    const metresPerSecond = 149 / 3.6
    const dLon = (metresPerSecond * 100) / haversineM({ lon: 120, lat: 30.85 }, { lon: 121, lat: 30.85 })
    expect(checkFixes([fix(120.1, 30.85, 0), fix(120.1 + dLon, 30.85, 100)])).toEqual([])
  })

  it('refuses coordinates outside the served area and says when lon and lat look swapped', () => {
    const [far] = checkFixes([fix(116.4, 39.9, 0), fix(120.1, 30.85, 3600 * 24)])
    expect(far).toMatchObject({ index: 0, reason: expect.stringMatching(/outside the served area/) })
    const [swapped] = checkFixes([fix(30.85, 120.1, 0), fix(120.1, 30.85, 3600 * 24)])
    expect(swapped?.reason).toMatch(/swapped/)
  })
})

describe('GPX', () => {
  it('reads a track of two segments with its times and name', () => {
    const parsed = trackFromGpx(fixture('xitiaoxi-anji.gpx'))
    expect(parsed.fixes).toHaveLength(6)
    expect(parsed.fixes[0]).toEqual({ lon: 119.68, lat: 30.638, at: Date.parse('2024-03-10T00:00:00Z') })
    expect(parsed.fixes[5]?.at).toBe(Date.parse('2024-03-10T00:30:00Z'))
    expect(parsed.properties).toMatchObject({ source: 'gpx', name: expect.stringContaining('Xitiaoxi') })
    expect(checkFixes(parsed.fixes)).toEqual([])
  })

  it('refuses points without a time, a single point, bad XML and other XML', () => {
    expect(refusal(() => trackFromGpx(fixture('no-times.gpx'))).message).toMatch(/needs a <time>/)
    expect(refusal(() => trackFromGpx(fixture('one-point.gpx'))).message).toMatch(/at least 2 points/)
    expect(refusal(() => trackFromGpx(fixture('not-well-formed.gpx'))).message).toMatch(/not well-formed XML/)
    expect(refusal(() => trackFromGpx('<kml></kml>')).message).toMatch(/not GPX/)
  })
})
