import { gpx } from '@tmcw/togeojson'
import { DOMParser } from '@xmldom/xmldom'
import type { LineString, MultiLineString } from 'geojson'
import { unprocessable } from '../errors.ts'
import type { BBox } from './bbox.ts'

/**
 * Patrol tracks as they arrive (GeoJSON Feature or GPX), turned into timed fixes and checked.
 * Pure functions: nothing here touches the database. Problems are collected as `{index, reason}`
 * (index = vertex number from 0) and thrown together as one 422, so nothing is stored.
 */

/** One GPS fix: WGS84 degrees and the time in epoch milliseconds. */
export interface Fix {
  lon: number
  lat: number
  at: number
}

export interface TrackProblem {
  /** The vertex the problem is at, counted from 0. */
  index?: number
  reason: string
  speed_kmh?: number
}

/** A track parsed from an upload, not yet checked against the database (chief, served area). */
export interface ParsedTrack {
  fixes: Fix[]
  chiefId?: string
  stationId?: string
  /** The upload's other properties, kept with the patrol. */
  properties: Record<string, unknown>
}

/** A patrol on foot, by bicycle, boat or car never moves faster than this between two fixes. */
export const MAX_SPEED_KMH = 150

/**
 * The served area's outer limit: Huzhou (about 119.2–120.6 E, 30.3–31.2 N) with a wide margin for
 * cross-border patrols. The database check (patrols.ts) is tighter: near a district of Huzhou.
 */
export const SERVED_BBOX: BBox = [118.9, 30.0, 120.9, 31.6]

/** The most vertices one track may have (a fix every second for almost 14 hours). */
export const MAX_FIXES = 50_000

/** At most this many problems are reported for one track; the rest are counted. */
const MAX_PROBLEMS = 20

const EARTH_RADIUS_M = 6_371_008.8

/** Great-circle distance in metres (good to about 0.3 % at this scale, enough for a speed check). */
export function haversineM(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180
  const dLat = (b.lat - a.lat) * rad
  const dLon = (b.lon - a.lon) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)))
}

/**
 * Times for a line known only by its start and end: each vertex gets the time its share of the
 * distance travelled gives it (constant speed); a line of no length is spread evenly by vertex.
 */
export function interpolateTimes(
  coords: readonly (readonly number[])[],
  startMs: number,
  endMs: number,
): number[] {
  const cumulative = [0]
  for (let i = 1; i < coords.length; i++) {
    const [lon0 = 0, lat0 = 0] = coords[i - 1] ?? []
    const [lon1 = 0, lat1 = 0] = coords[i] ?? []
    cumulative.push((cumulative[i - 1] ?? 0) + haversineM({ lon: lon0, lat: lat0 }, { lon: lon1, lat: lat1 }))
  }
  const total = cumulative[cumulative.length - 1] ?? 0
  const last = Math.max(1, coords.length - 1)
  return cumulative.map((d, i) => startMs + (endMs - startMs) * (total > 0 ? d / total : i / last))
}

const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i

/**
 * One time as sent: an ISO 8601 string with a zone, or epoch milliseconds. Returns epoch ms, or the
 * reason it is not a time.
 */
export function parseTime(value: unknown): number | string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'is not a finite number'
    // 1e11 ms is March 1973: a smaller number is almost surely epoch seconds.
    if (Math.abs(value) < 1e11)
      return `${value} looks like epoch seconds; send epoch milliseconds or ISO 8601`
    return value
  }
  if (typeof value === 'string') {
    if (!zoned.test(value.trim()))
      return `"${value}" is not an ISO 8601 date-time with a zone (e.g. 2026-10-01T08:00:00+08:00)`
    const ms = Date.parse(value.trim())
    return Number.isNaN(ms) ? `"${value}" is not a valid date-time` : ms
  }
  return value === null || value === undefined
    ? 'is missing'
    : `has type ${typeof value}, not a string or number`
}

/** A GeoJSON Feature with a LineString, as POST /api/patrols takes it (shape checked by the route). */
export interface TrackFeature {
  type: 'Feature'
  geometry: { type: 'LineString'; coordinates: number[][] }
  properties?: Record<string, unknown> | null
}

/** Keys of an uploaded feature's properties that the patrol row holds itself (not kept in `properties`). */
const ownKeys = new Set(['times', 'started_at', 'ended_at', 'chief_id', 'station_id'])

/**
 * Reads a GeoJSON track: times from `properties.times` (one per vertex, ISO strings or epoch ms),
 * else from `properties.started_at` and `ended_at`, interpolated by distance.
 * Throws a 422 listing every problem.
 */
export function trackFromFeature(feature: TrackFeature): ParsedTrack {
  const props = feature.properties ?? {}
  const coords = feature.geometry.coordinates
  const problems: TrackProblem[] = []
  let times: (number | undefined)[] = []
  if (Array.isArray(props.times)) {
    if (props.times.length !== coords.length) {
      problems.push({
        reason: `properties.times has ${props.times.length} entries for ${coords.length} vertices; give one time per vertex`,
      })
    }
    times = coords.map((_, i) => {
      if (i >= (props.times as unknown[]).length) return undefined
      const t = parseTime((props.times as unknown[])[i])
      if (typeof t === 'string') {
        problems.push({ index: i, reason: `the time of vertex ${i} ${t}` })
        return undefined
      }
      return t
    })
  } else if (props.times !== undefined && props.times !== null) {
    problems.push({ reason: 'properties.times must be an array with one time per vertex' })
  } else if (props.started_at !== undefined || props.ended_at !== undefined) {
    const start = parseTime(props.started_at)
    const end = parseTime(props.ended_at)
    if (typeof start === 'string') problems.push({ reason: `properties.started_at ${start}` })
    if (typeof end === 'string') problems.push({ reason: `properties.ended_at ${end}` })
    if (typeof start === 'number' && typeof end === 'number') {
      if (end <= start) problems.push({ reason: 'properties.ended_at must be after started_at' })
      else times = interpolateTimes(coords, start, end)
    }
  } else {
    problems.push({
      reason:
        'the track has no times: give properties.times (one per vertex) or properties.started_at and properties.ended_at',
    })
  }
  const chiefId = typeof props.chief_id === 'string' ? props.chief_id : undefined
  if (props.chief_id !== undefined && chiefId === undefined)
    problems.push({ reason: 'properties.chief_id must be a string' })
  const stationId = typeof props.station_id === 'string' ? props.station_id : undefined
  if (problems.length) throw trackError(problems)

  const fixes = coords.map(([lon, lat], i) => ({
    lon: lon as number,
    lat: lat as number,
    at: times[i] as number,
  }))
  const properties = Object.fromEntries(Object.entries(props).filter(([key]) => !ownKeys.has(key)))
  return { fixes, chiefId, stationId, properties }
}

/**
 * Reads a GPX file (tracks `trk`, else routes `rte`) with @tmcw/togeojson. Segments of all tracks are
 * joined in document order; every track point needs a <time>.
 */
export function trackFromGpx(xml: string): ParsedTrack {
  let doc: ReturnType<DOMParser['parseFromString']>
  let xmlError: string | undefined
  // Strict and quiet: the first XML error stops parsing (xmldom throws it as a ParseError) instead of being logged.
  const onError = (level: 'warning' | 'error' | 'fatalError', message: string) => {
    if (level === 'warning') return
    xmlError ??= message.trim()
    throw new Error(message)
  }
  try {
    doc = new DOMParser({ onError }).parseFromString(xml, 'text/xml')
  } catch (error) {
    throw trackError([
      { reason: `the GPX is not well-formed XML: ${xmlError ?? (error as Error).message.split('\n')[0]}` },
    ])
  }
  if (doc.documentElement?.localName !== 'gpx') {
    throw trackError([
      { reason: `the file is not GPX: its root element is <${doc.documentElement?.localName ?? '?'}>` },
    ])
  }
  const lines = gpx(doc).features.filter(
    (f) => f.geometry?.type === 'LineString' || f.geometry?.type === 'MultiLineString',
  )
  const tracks = lines.some((f) => f.properties?._gpxType === 'trk')
    ? lines.filter((f) => f.properties?._gpxType === 'trk')
    : lines
  if (tracks.length === 0) {
    throw trackError([{ reason: 'the GPX holds no track (<trk>) or route (<rte>) with at least 2 points' }])
  }
  const fixes: Fix[] = []
  const problems: TrackProblem[] = []
  for (const feature of tracks) {
    const geometry = feature.geometry as LineString | MultiLineString
    const segments = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.coordinates
    const rawTimes = feature.properties?.coordinateProperties?.times as string[] | string[][] | undefined
    const segmentTimes: string[][] =
      rawTimes === undefined
        ? []
        : geometry.type === 'LineString'
          ? [rawTimes as string[]]
          : (rawTimes as string[][])
    segments.forEach((segment, s) => {
      const times = segmentTimes[s]
      if (!times || times.length !== segment.length || segmentTimes.length !== segments.length) {
        problems.push({
          index: fixes.length,
          reason: `every GPX track point needs a <time>; a segment starting at point ${fixes.length} lacks some`,
        })
      }
      segment.forEach(([lon, lat], i) => {
        const t = times ? parseTime(times[i]) : NaN
        fixes.push({ lon: lon as number, lat: lat as number, at: typeof t === 'number' ? t : NaN })
      })
    })
  }
  if (problems.length) throw trackError(problems)
  const first = tracks[0]?.properties ?? {}
  const properties: Record<string, unknown> = { source: 'gpx' }
  if (typeof first.name === 'string' && first.name) properties.name = first.name
  return { fixes, properties }
}

/**
 * Drops fixes that repeat the one before exactly (same place, same time): GPS loggers write them and
 * they carry nothing. Any other repetition of a time is left for `checkFixes` to refuse.
 */
export function dropRepeatedFixes(fixes: readonly Fix[]): Fix[] {
  return fixes.filter((f, i) => {
    const prev = fixes[i - 1]
    return !prev || prev.at !== f.at || prev.lon !== f.lon || prev.lat !== f.lat
  })
}

/**
 * Checks fixes in order: coordinates are numbers inside the served area, every time is after the one
 * before, and no jump between two fixes is faster than MAX_SPEED_KMH. `previous` is the last fix
 * already stored (appending to an open patrol); `minFixes` the fewest a track needs.
 */
export function checkFixes(
  fixes: readonly Fix[],
  options: { previous?: Fix; minFixes?: number; firstIndex?: number } = {},
): TrackProblem[] {
  const problems: TrackProblem[] = []
  const minFixes = options.minFixes ?? 2
  const offset = options.firstIndex ?? 0
  if (fixes.length < minFixes) {
    return [
      {
        reason:
          minFixes === 1
            ? 'no position was given'
            : `a track needs at least ${minFixes} vertices with distinct times, got ${fixes.length}`,
      },
    ]
  }
  if (fixes.length > MAX_FIXES) {
    return [{ reason: `a track may have at most ${MAX_FIXES} vertices, got ${fixes.length}; split it` }]
  }
  const [minLon, minLat, maxLon, maxLat] = SERVED_BBOX
  let prev = options.previous
  for (const [k, fix] of fixes.entries()) {
    const i = k + offset
    if (!Number.isFinite(fix.lon) || !Number.isFinite(fix.lat)) {
      problems.push({ index: i, reason: `vertex ${i} has no valid longitude and latitude` })
      continue
    }
    if (fix.lon < minLon || fix.lon > maxLon || fix.lat < minLat || fix.lat > maxLat) {
      const swapped = fix.lat >= minLon && fix.lat <= maxLon && fix.lon >= minLat && fix.lon <= maxLat
      problems.push({
        index: i,
        reason:
          `vertex ${i} (${fix.lon}, ${fix.lat}) lies outside the served area (${minLon}–${maxLon} E, ${minLat}–${maxLat} N)` +
          (swapped ? '; longitude and latitude look swapped: GeoJSON wants [lon, lat]' : ''),
      })
      continue
    }
    if (!Number.isFinite(fix.at)) {
      problems.push({ index: i, reason: `vertex ${i} has no time` })
      continue
    }
    if (prev && Number.isFinite(prev.at)) {
      const seconds = (fix.at - prev.at) / 1000
      if (seconds <= 0) {
        problems.push({
          index: i,
          reason: `times out of order: vertex ${i} (${new Date(fix.at).toISOString()}) is not after the fix before it (${new Date(prev.at).toISOString()})`,
        })
      } else {
        const metres = haversineM(prev, fix)
        const kmh = (metres / seconds) * 3.6
        if (kmh > MAX_SPEED_KMH) {
          problems.push({
            index: i,
            speed_kmh: Math.round(kmh * 10) / 10,
            reason: `vertex ${i} is ${Math.round(metres)} m from the fix before it in ${seconds} s: ${kmh.toFixed(1)} km/h, faster than ${MAX_SPEED_KMH} km/h`,
          })
        }
      }
    }
    prev = fix
  }
  return problems
}

/** The one error for a refused track: 422 with every problem (the first few if there are many). */
export function trackError(problems: TrackProblem[]) {
  const shown = problems.slice(0, MAX_PROBLEMS)
  const more = problems.length - shown.length
  const first = shown[0]?.reason ?? 'the track is not valid'
  const message =
    problems.length === 1
      ? `the track was refused: ${first}`
      : `the track was refused: ${first} (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})`
  return unprocessable(message, more > 0 ? [...shown, { reason: `${more} more problems not listed` }] : shown)
}

/** Parses, de-duplicates and checks an upload; throws one 422 with every problem. */
export function validTrack(parsed: ParsedTrack): ParsedTrack {
  const fixes = dropRepeatedFixes(parsed.fixes)
  const problems = checkFixes(fixes)
  if (problems.length) throw trackError(problems)
  return { ...parsed, fixes }
}
