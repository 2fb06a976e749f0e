import {
  area,
  bbox,
  booleanPointInPolygon,
  buffer,
  distance,
  featureCollection,
  intersect,
  length,
  lineString,
  point,
  pointToLineDistance,
} from '@turf/turf'
import type { Feature, LineString, MultiPolygon, Polygon, Position } from 'geojson'
import type { PlaceFeature } from './place-shapes.ts'

/**
 * What a route drawn on the map would cover, worked out in the browser with turf while it is drawn,
 * by the definitions of docs/definitions.md: a line place is covered along the length within R of
 * the route, an area place over the area within R, a point place is visited when the route passes
 * within R. The server computes the same exactly (PostGIS, EPSG:4549) when the route is saved.
 */

/** Line places are measured by the midpoints of pieces this long (metres): error under 1 %. */
const SAMPLE_M = 20

export interface PlaceGain {
  id: string
  measure: 'length' | 'area' | 'visit'
  /** The share of the place within R of the route (0..1; a visit is 0 or 1). */
  share: number
  /** Metres (line), square metres (area) or 1 (a visit) within R of the route. */
  amount: number
}

export interface RoutePreview {
  length_m: number
  /** The places the route comes within R of, by share covered, most first. */
  gains: PlaceGain[]
}

type Box = [number, number, number, number]

const overlaps = (a: Box, b: Box) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]

// Places do not change while a route is drawn; their boxes are worked out once.
const boxes = new WeakMap<PlaceFeature, Box>()
const boxOf = (place: PlaceFeature): Box => {
  let box = boxes.get(place)
  if (!box) {
    box = bbox(place) as Box
    boxes.set(place, box)
  }
  return box
}

/** Length of a polyline within the corridor, from the midpoints of ~SAMPLE_M pieces. */
function lengthWithin(line: Position[], corridor: Feature<Polygon | MultiPolygon>): [number, number] {
  let total = 0
  let inside = 0
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1] as Position
    const b = line[i] as Position
    const segment = distance(a, b, { units: 'meters' })
    const pieces = Math.max(1, Math.ceil(segment / SAMPLE_M))
    for (let k = 0; k < pieces; k++) {
      const f = (k + 0.5) / pieces
      const mid = [
        (a[0] as number) + ((b[0] as number) - (a[0] as number)) * f,
        (a[1] as number) + ((b[1] as number) - (a[1] as number)) * f,
      ]
      if (booleanPointInPolygon(mid, corridor)) inside += segment / pieces
    }
    total += segment
  }
  return [inside, total]
}

/** The gain of one place, or undefined when the route does not come within R of it. */
function gainOf(
  place: PlaceFeature,
  route: Feature<LineString>,
  corridor: Feature<Polygon | MultiPolygon>,
  radius: number,
): PlaceGain | undefined {
  const id = place.properties.id
  const g = place.geometry
  if (g.type === 'Point' || g.type === 'MultiPoint') {
    const points = g.type === 'Point' ? [g.coordinates] : g.coordinates
    const near = points.some((p) => pointToLineDistance(point(p), route, { units: 'meters' }) <= radius)
    return near ? { id, measure: 'visit', share: 1, amount: 1 } : undefined
  }
  if (g.type === 'LineString' || g.type === 'MultiLineString') {
    const lines = g.type === 'LineString' ? [g.coordinates] : g.coordinates
    let inside = 0
    let total = 0
    for (const line of lines) {
      const [i, t] = lengthWithin(line, corridor)
      inside += i
      total += t
    }
    return inside > 0 && total > 0
      ? { id, measure: 'length', share: inside / total, amount: inside }
      : undefined
  }
  if (g.type === 'Polygon' || g.type === 'MultiPolygon') {
    const shape = { type: 'Feature' as const, geometry: g, properties: {} }
    const common = intersect(featureCollection([shape, corridor]))
    if (!common) return undefined
    const covered = area(common)
    const total = area(shape)
    return covered > 0 && total > 0
      ? { id, measure: 'area', share: Math.min(1, covered / total), amount: covered }
      : undefined
  }
  return undefined
}

/**
 * The route's length and the share of each of `places` it would cover with radius `radius` metres.
 * Only places whose bounding box meets the route's corridor are measured.
 */
export function previewRoute(
  route: readonly Position[],
  places: readonly PlaceFeature[],
  radius: number,
): RoutePreview {
  if (route.length < 2) return { length_m: 0, gains: [] }
  const line = lineString(route as Position[])
  const corridor = buffer(line, radius, { units: 'meters' }) as Feature<Polygon | MultiPolygon> | undefined
  const length_m = length(line, { units: 'meters' })
  if (!corridor) return { length_m, gains: [] }
  const box = bbox(corridor) as Box
  const gains: PlaceGain[] = []
  for (const place of places) {
    if (!overlaps(box, boxOf(place))) continue
    const gain = gainOf(place, line, corridor, radius)
    if (gain) gains.push(gain)
  }
  gains.sort((a, b) => b.share - a.share || a.id.localeCompare(b.id))
  return { length_m, gains }
}
