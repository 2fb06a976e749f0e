/** Shared tools of the place generators: clipping to districts, validity, ids, occupancy. */
import { bbox, bboxClip, booleanValid, buffer, difference, intersect, kinks } from '@turf/turf'
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson'
import type { Geography } from './geography.ts'
import { dedupe, distance, type LonLat, lerp, lineLength, offset, ringArea, roundPoint } from './geometry.ts'
import type { Rng } from './random.ts'
import { districtSlug } from './towns.ts'
import type { DemoPlace, PlaceKind } from './types.ts'

export interface PlaceKit {
  geo: Geography
  places: DemoPlace[]
  /** Chinese names already given (per kind), to keep the generated names unique. */
  usedNames: Set<string>
  /** Grid cells taken by area features that must not overlap (reservoirs, lakes, mines, projects). */
  occupied: Uint8Array
  /** Grid cells a waterway passes through. */
  water: Uint8Array
  nextId(kind: PlaceKind, district: number): string
  add(place: DemoPlace): DemoPlace
}

export function createPlaceKit(geo: Geography): PlaceKit {
  const counters = new Map<string, number>()
  const places: DemoPlace[] = []
  const ids = new Set<string>()
  return {
    geo,
    places,
    usedNames: new Set(),
    occupied: new Uint8Array(geo.grid.size),
    water: new Uint8Array(geo.grid.size),
    nextId(kind, district) {
      const key = `${kind.replace('_', '-')}-${districtSlug[district] ?? 'huzhou'}`
      const n = (counters.get(key) ?? 0) + 1
      counters.set(key, n)
      return `${key}-${String(n).padStart(3, '0')}`
    },
    add(place) {
      if (ids.has(place.id)) throw new Error(`duplicate place id ${place.id}`)
      ids.add(place.id)
      places.push(place)
      return place
    },
  }
}

/**
 * Cuts a line into the pieces that lie on land of one district each; where it crosses a district
 * line or a lake shore the piece ends at a point found by bisection, on the inner side.
 */
export function splitLineByDistrict(
  geo: Geography,
  line: readonly LonLat[],
): { code: number; line: LonLat[] }[] {
  const codeAt = (p: LonLat) => (geo.inLake(p) ? null : geo.districtAt(p))
  const pieces: { code: number; line: LonLat[] }[] = []
  let current: { code: number; line: LonLat[] } | null = null
  let prev: LonLat | null = null
  let prevCode: number | null = null
  for (const p of line) {
    const code = codeAt(p)
    if (prev && code !== prevCode) {
      // Boundary between prev (prevCode) and p (code): bisect for both sides.
      let a = prev
      let b = p
      for (let k = 0; k < 16; k++) {
        const m = lerp(a, b, 0.5)
        if (codeAt(m) === prevCode) a = m
        else b = m
      }
      if (current) current.line.push(a)
      current = null
      if (code !== null) {
        let lo = prev
        let hi = p
        for (let k = 0; k < 16; k++) {
          const m = lerp(lo, hi, 0.5)
          if (codeAt(m) === code) hi = m
          else lo = m
        }
        current = { code, line: [hi] }
        pieces.push(current)
      }
    }
    if (code !== null) {
      if (!current) {
        current = { code, line: [] }
        pieces.push(current)
      }
      current.line.push(p)
    }
    prev = p
    prevCode = code
  }
  // Rounding to 6 decimals may push a point found on the outline just outside: pull it back in.
  const settle = (p: LonLat, towards: LonLat, code: number): LonLat => {
    let q = roundPoint(p)
    for (let t = 0.001; codeAt(q) !== code && t < 1; t *= 2) q = roundPoint(lerp(p, towards, t))
    return q
  }
  return pieces
    .map((piece) => {
      const line = piece.line
      const n = line.length
      const settled = line.map((p, i) => settle(p, line[i === 0 ? Math.min(1, n - 1) : i - 1], piece.code))
      return { code: piece.code, line: dedupe(settled.filter((p) => codeAt(p) === piece.code)) }
    })
    .filter((piece) => piece.line.length >= 2)
}

/** Whether every vertex of a ring (and every edge midpoint) is on land of the district. */
export function ringOnLand(geo: Geography, ring: readonly LonLat[], code: number): boolean {
  for (let i = 0; i < ring.length; i++) {
    if (!geo.isLand(ring[i], code)) return false
    if (i > 0 && !geo.isLand(lerp(ring[i - 1], ring[i], 0.5), code)) return false
  }
  return true
}

export function ringIsValid(ring: readonly LonLat[]): boolean {
  if (ring.length < 4) return false
  const poly: Feature<Polygon> = {
    type: 'Feature',
    properties: {},
    geometry: { type: 'Polygon', coordinates: [ring as LonLat[]] },
  }
  return kinks(poly).features.length === 0 && booleanValid(poly)
}

/** Rounds a ring to 6 decimals, drops repeats, closes it and makes it counter-clockwise. */
export function cleanRing(ring: readonly LonLat[]): LonLat[] {
  const r = dedupe(ring.map(roundPoint))
  if (r.length > 1 && r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1]) r.pop()
  r.push(r[0])
  return ringArea(r) < 0 ? r.reverse() : r
}

/**
 * Clips a polygon ring to the district's land (the district minus the lakes) and keeps the largest
 * part; null if nothing valid is left.
 */
export function clipToDistrict(geo: Geography, ring: LonLat[], code: number): LonLat[] | null {
  const cleaned = cleanRing(ring)
  if (ringOnLand(geo, cleaned, code) && ringIsValid(cleaned)) return cleaned
  const district = geo.districtByCode.get(code)
  if (!district) return null
  const poly: Feature<Polygon> = {
    type: 'Feature',
    properties: {},
    geometry: { type: 'Polygon', coordinates: [cleaned] },
  }
  // Cutting the district to the polygon's box first keeps the clipping cheap.
  const near = clipToBox(district.feature, bbox(poly))
  const clipped = near && intersect({ type: 'FeatureCollection', features: [poly, near] })
  if (!clipped) return null
  let largest = largestRing(clipped)
  if (!largest) return null
  if (largest.some((p) => geo.inLake(p))) {
    // Where the district outline reaches into Taihu, take the lake out.
    const part: Feature<Polygon> = {
      type: 'Feature',
      properties: {},
      geometry: { type: 'Polygon', coordinates: [largest] },
    }
    const lake = clipToBox(paddedTaihu(geo), bbox(part))
    const dry = lake ? difference({ type: 'FeatureCollection', features: [part, lake] }) : part
    largest = dry ? largestRing(dry) : null
    if (!largest) return null
  }
  // Vertices on the outline may round to just outside it: nudge those towards the middle.
  const ring0 = largest
  const cx = ring0.reduce((a, p) => a + p[0], 0) / ring0.length
  const cy = ring0.reduce((a, p) => a + p[1], 0) / ring0.length
  const out = cleanRing(
    ring0
      .map((p) => {
        let q = roundPoint(p)
        for (let t = 0.00002; !geo.isLand(q, code) && t < 0.2; t *= 2) q = roundPoint(lerp(p, [cx, cy], t))
        return q
      })
      .filter((q) => geo.isLand(q, code)),
  )
  if (!out.every((p) => geo.isLand(p, code))) return null
  return ringIsValid(out) ? out : null
}

const padded = new WeakMap<Geography, Feature<Polygon | MultiPolygon>>()

/** Taihu grown by 40 m, so that what is cut away along its shore stays clear of the water. */
function paddedTaihu(geo: Geography): Feature<Polygon | MultiPolygon> {
  let f = padded.get(geo)
  if (!f) {
    f = buffer(geo.taihu.feature, 0.04, { units: 'kilometers', steps: 4 }) as Feature<Polygon | MultiPolygon>
    padded.set(geo, f)
  }
  return f
}

/** The outer ring of the largest part of a polygon or multipolygon. */
export function largestRing(f: Feature<Polygon | MultiPolygon>): LonLat[] | null {
  const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
  let best: LonLat[] | null = null
  let bestArea = 0
  for (const p of polys) {
    const a = Math.abs(ringArea(p[0] as LonLat[]))
    if (a > bestArea) {
      bestArea = a
      best = p[0] as LonLat[]
    }
  }
  return best
}

/** Marks the grid cells a ring's bounding box covers whose centre is inside the ring. */
export function markCells(
  geo: Geography,
  ring: readonly LonLat[],
  target: Uint8Array,
  value = 1,
  margin = 0,
) {
  const { grid } = geo
  let [x0, y0, x1, y1] = [180, 90, -180, -90]
  for (const [x, y] of ring) {
    x0 = Math.min(x0, x)
    y0 = Math.min(y0, y)
    x1 = Math.max(x1, x)
    y1 = Math.max(y1, y)
  }
  const m = margin * grid.cell
  for (let lat = y0 - m; lat <= y1 + m + grid.cell; lat += grid.cell)
    for (let lon = x0 - m; lon <= x1 + m + grid.cell; lon += grid.cell) {
      const i = grid.index([lon, lat])
      if (i >= 0) {
        const c = grid.center(i)
        if (margin > 0 || pointInPolygonRing(c, ring)) target[i] = value
      }
    }
}

function pointInPolygonRing(p: LonLat, ring: readonly LonLat[]): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]
    const [xj, yj] = ring[j]
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/** Marks the cells a line passes through (and their neighbours when `spread`). */
export function markLine(geo: Geography, line: readonly LonLat[], target: Uint8Array, spread = 0) {
  const { grid } = geo
  for (let i = 1; i < line.length; i++) {
    const n = Math.ceil(distance(line[i - 1], line[i]) / 80) + 1
    for (let k = 0; k <= n; k++) {
      const p = lerp(line[i - 1], line[i], k / n)
      const idx = grid.index(p)
      if (idx < 0) continue
      for (let dr = -spread; dr <= spread; dr++)
        for (let dc = -spread; dc <= spread; dc++) {
          const j = idx + dr * grid.nx + dc
          if (j >= 0 && j < grid.size) target[j] = 1
        }
    }
  }
}

export function anyCellSet(geo: Geography, ring: readonly LonLat[], target: Uint8Array): boolean {
  for (let i = 1; i < ring.length; i++) {
    const n = Math.ceil(distance(ring[i - 1], ring[i]) / 80) + 1
    for (let k = 0; k <= n; k++) {
      const idx = geo.grid.index(lerp(ring[i - 1], ring[i], k / n))
      if (idx >= 0 && target[idx]) return true
    }
  }
  return false
}

export const polygonGeometry = (ring: LonLat[]): Polygon => ({ type: 'Polygon', coordinates: [ring] })

export function lineGeometry(line: LonLat[]) {
  return { type: 'LineString' as const, coordinates: dedupe(line.map(roundPoint)) }
}

export const km = (metres: number) => Math.round(metres / 10) / 100

export { lineLength }

/** A random point inside a ring (rejection sampling on its bounding box). */
export function randomPointInRing(rng: Rng, ring: readonly LonLat[]): LonLat {
  let [x0, y0, x1, y1] = [180, 90, -180, -90]
  for (const [x, y] of ring) {
    x0 = Math.min(x0, x)
    y0 = Math.min(y0, y)
    x1 = Math.max(x1, x)
    y1 = Math.max(y1, y)
  }
  for (let k = 0; k < 200; k++) {
    const p: LonLat = [rng.float(x0, x1), rng.float(y0, y1)]
    if (pointInPolygonRing(p, ring)) return p
  }
  return ring[0]
}

export { pointInPolygonRing }

/** The district of the nearest land (for points on Taihu), searching outwards. */
export function nearestDistrict(geo: Geography, p: LonLat): number | null {
  const here = geo.districtAt(p)
  if (here !== null) return here
  for (let r = 200; r <= 8000; r += 300)
    for (let k = 0; k < 16; k++) {
      const d = geo.districtAt(offset(p, r, (2 * Math.PI * k) / 16))
      if (d !== null) return d
    }
  return null
}

/**
 * A (multi)polygon cut to a box, the cheap way (Sutherland–Hodgman through turf's bboxClip), with the
 * empty and degenerate rings dropped; null when nothing is left. Only as a prefilter before clipping.
 */
export function clipToBox(
  f: Feature<Polygon | MultiPolygon>,
  box: [number, number, number, number] | number[],
): Feature<Polygon | MultiPolygon> | null {
  const b = [box[0] - 0.01, box[1] - 0.01, box[2] + 0.01, box[3] + 0.01] as [number, number, number, number]
  const clipped = bboxClip(f, b)
  const parts = (
    clipped.geometry.type === 'Polygon' ? [clipped.geometry.coordinates] : clipped.geometry.coordinates
  ) as Position[][][]
  const polys = parts
    .map((poly) => poly.filter((ring) => ring.length >= 4 && Math.abs(ringArea(ring as LonLat[])) > 1))
    .filter((poly) => poly.length > 0)
  if (polys.length === 0) return null
  return { type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: polys } }
}
