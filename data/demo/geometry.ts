/**
 * Planar helpers for the generator. Huzhou is small (about 130 × 95 km), so a local equirectangular
 * frame centred on it is accurate to well under 0.1 % for the distances the generator needs.
 */

export type LonLat = [number, number]

const lat0 = 30.78
/** Metres per degree of longitude and latitude around Huzhou. */
export const metresPerDegLon = 111320 * Math.cos((lat0 * Math.PI) / 180)
export const metresPerDegLat = 110860

export const round6 = (v: number) => Math.round(v * 1e6) / 1e6
export const roundPoint = (p: LonLat): LonLat => [round6(p[0]), round6(p[1])]

/** Distance in metres between two lon/lat points. */
export function distance(a: LonLat, b: LonLat): number {
  const dx = (a[0] - b[0]) * metresPerDegLon
  const dy = (a[1] - b[1]) * metresPerDegLat
  return Math.sqrt(dx * dx + dy * dy)
}

/** The point reached from p going `metres` on a bearing given in radians (0 = east, counter-clockwise). */
export function offset(p: LonLat, metres: number, angle: number): LonLat {
  return [
    p[0] + (Math.cos(angle) * metres) / metresPerDegLon,
    p[1] + (Math.sin(angle) * metres) / metresPerDegLat,
  ]
}

/** The angle (0 = east, counter-clockwise) from a to b in the metric frame. */
export function angleBetween(a: LonLat, b: LonLat): number {
  return Math.atan2((b[1] - a[1]) * metresPerDegLat, (b[0] - a[0]) * metresPerDegLon)
}

export function lerp(a: LonLat, b: LonLat, t: number): LonLat {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
}

export function lineLength(line: readonly LonLat[]): number {
  let total = 0
  for (let i = 1; i < line.length; i++) total += distance(line[i - 1], line[i])
  return total
}

/** Chaikin corner cutting; open lines keep their end points. */
export function chaikin(line: readonly LonLat[], iterations: number, closed = false): LonLat[] {
  let pts = closed && samePoint(line[0], line[line.length - 1]) ? line.slice(0, -1) : line.slice()
  for (let k = 0; k < iterations; k++) {
    const out: LonLat[] = []
    const n = pts.length
    if (!closed) out.push(pts[0])
    const last = closed ? n : n - 1
    for (let i = 0; i < last; i++) {
      const a = pts[i]
      const b = pts[(i + 1) % n]
      out.push(lerp(a, b, 0.25), lerp(a, b, 0.75))
    }
    if (!closed) out.push(pts[n - 1])
    pts = out
  }
  if (closed) pts.push(pts[0])
  return pts
}

/** Adds vertices so that no segment is longer than `step` metres. */
export function densify(line: readonly LonLat[], step: number): LonLat[] {
  const out: LonLat[] = [line[0]]
  for (let i = 1; i < line.length; i++) {
    const d = distance(line[i - 1], line[i])
    const n = Math.ceil(d / step)
    for (let k = 1; k <= n; k++) out.push(lerp(line[i - 1], line[i], k / n))
  }
  return out
}

/** Cumulative distances along a line, in metres. */
export function cumulative(line: readonly LonLat[]): number[] {
  const acc = [0]
  for (let i = 1; i < line.length; i++) acc.push(acc[i - 1] + distance(line[i - 1], line[i]))
  return acc
}

/** The point `at` metres along a line (clamped to its ends) and the direction there. */
export function pointAlong(
  line: readonly LonLat[],
  cum: readonly number[],
  at: number,
): { p: LonLat; angle: number } {
  const total = cum[cum.length - 1]
  const s = Math.min(Math.max(at, 0), total)
  let lo = 0
  let hi = cum.length - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (cum[mid] <= s) lo = mid
    else hi = mid
  }
  const seg = cum[hi] - cum[lo]
  const t = seg > 0 ? (s - cum[lo]) / seg : 0
  return { p: lerp(line[lo], line[hi], t), angle: angleBetween(line[lo], line[hi]) }
}

/** The part of a line between two distances along it. */
export function sliceAlong(
  line: readonly LonLat[],
  cum: readonly number[],
  from: number,
  to: number,
): LonLat[] {
  const out: LonLat[] = [pointAlong(line, cum, from).p]
  for (let i = 0; i < line.length; i++) if (cum[i] > from && cum[i] < to) out.push(line[i])
  out.push(pointAlong(line, cum, to).p)
  return out
}

export function samePoint(a: LonLat, b: LonLat): boolean {
  return a[0] === b[0] && a[1] === b[1]
}

/** Drops consecutive duplicates (after rounding, for instance). */
export function dedupe(line: readonly LonLat[]): LonLat[] {
  return line.filter((p, i) => i === 0 || !samePoint(p, line[i - 1]))
}

/** Signed area of a ring in square metres (positive = counter-clockwise). */
export function ringArea(ring: readonly LonLat[]): number {
  let sum = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1])
  }
  return (-sum / 2) * metresPerDegLon * metresPerDegLat
}

/** Ray casting point-in-ring test (lon/lat). */
export function pointInRing(p: LonLat, ring: readonly LonLat[]): boolean {
  let inside = false
  const [x, y] = p
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i][0]
    const yi = ring[i][1]
    const xj = ring[j][0]
    const yj = ring[j][1]
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/** Distance in metres from p to the segment a–b. */
export function distanceToSegment(p: LonLat, a: LonLat, b: LonLat): number {
  const ax = (a[0] - p[0]) * metresPerDegLon
  const ay = (a[1] - p[1]) * metresPerDegLat
  const bx = (b[0] - p[0]) * metresPerDegLon
  const by = (b[1] - p[1]) * metresPerDegLat
  const dx = bx - ax
  const dy = by - ay
  const len2 = dx * dx + dy * dy
  const t = len2 > 0 ? Math.min(1, Math.max(0, -(ax * dx + ay * dy) / len2)) : 0
  const x = ax + t * dx
  const y = ay + t * dy
  return Math.sqrt(x * x + y * y)
}

/** Distance in metres from p to a polyline, and the distance along the line of the nearest point. */
export function nearestOnLine(p: LonLat, line: readonly LonLat[]): { distance: number; index: number } {
  let best = Number.POSITIVE_INFINITY
  let index = 0
  for (let i = 1; i < line.length; i++) {
    const d = distanceToSegment(p, line[i - 1], line[i])
    if (d < best) {
      best = d
      index = i - 1
    }
  }
  return { distance: best, index }
}

/** A star-shaped ring around a centre: always simple, whatever the radii (all positive). */
export function starRing(centre: LonLat, radii: readonly number[], rotation = 0): LonLat[] {
  const ring: LonLat[] = radii.map((r, i) => offset(centre, r, rotation + (2 * Math.PI * i) / radii.length))
  ring.push(ring[0])
  return ring
}
