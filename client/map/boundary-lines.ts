import type { Feature, FeatureCollection, LineString, Position } from 'geojson'
import type { LayerCollection } from '../api.ts'

/**
 * Border lines from the boundary polygons, for drawing: every shared edge once (a dashed line drawn
 * twice in opposite directions looks solid), without the straight edges where the province polygons
 * were clipped to the region, and district lines without the stretches that are province borders.
 * Neighbouring polygons of the base data share their vertices, so equal edges are found by their
 * coordinates rounded to 1e-5° (about a metre).
 */
export interface BorderProps {
  level: 'province' | 'district'
}

/** Vertices are numbered once; an edge is the pair of its vertex numbers, smaller first. */
class VertexIndex {
  readonly positions: Position[] = []
  private readonly ids = new Map<number, number>()

  id(p: Position): number {
    // (lon + 180) and (lat + 90) in 1e-5° steps fit 26 and 25 bits: one exact number of 51 bits.
    const key = Math.round(((p[0] ?? 0) + 180) * 1e5) * 2 ** 25 + Math.round(((p[1] ?? 0) + 90) * 1e5)
    let id = this.ids.get(key)
    if (id === undefined) {
      id = this.positions.length
      this.ids.set(key, id)
      this.positions.push([p[0] ?? 0, p[1] ?? 0])
    }
    return id
  }
}

type Edge = [number, number]

const edgeKey = (a: number, b: number) => (a < b ? a * 2 ** 26 + b : b * 2 ** 26 + a)

function ringsOf(feature: Feature): Position[][] {
  const g = feature.geometry
  if (!g) return []
  if (g.type === 'Polygon') return g.coordinates
  if (g.type === 'MultiPolygon') return g.coordinates.flat()
  return []
}

/** The distinct edges of the features' rings. */
function edgesOf(features: readonly Feature[], vertices: VertexIndex): Map<number, Edge> {
  const edges = new Map<number, Edge>()
  for (const feature of features) {
    for (const ring of ringsOf(feature)) {
      let previous: number | undefined
      for (const position of ring) {
        const current = vertices.id(position)
        if (previous !== undefined && previous !== current) {
          const key = edgeKey(previous, current)
          if (!edges.has(key)) edges.set(key, [previous, current])
        }
        previous = current
      }
    }
  }
  return edges
}

/** Joins edges into as few polylines as possible (vertex numbers), so dash patterns run on along each line. */
export function chainEdges(edges: readonly Edge[]): number[][] {
  const neighbours = new Map<number, number[]>()
  const link = (a: number, b: number) => {
    const list = neighbours.get(a)
    if (list) list.push(b)
    else neighbours.set(a, [b])
  }
  for (const [a, b] of edges) {
    link(a, b)
    link(b, a)
  }
  const used = new Set<number>()
  const lines: number[][] = []
  const walk = (start: number) => {
    for (const first of neighbours.get(start) ?? []) {
      if (used.has(edgeKey(start, first))) continue
      used.add(edgeKey(start, first))
      const line = [start, first]
      let previous = start
      let current = first
      for (;;) {
        const options = neighbours.get(current) ?? []
        // Stop at junctions of three or more lines, so every line ends where borders meet.
        if (options.length !== 2) break
        const next = options[0] === previous ? options[1] : options[0]
        if (next === undefined || used.has(edgeKey(current, next))) break
        used.add(edgeKey(current, next))
        line.push(next)
        previous = current
        current = next
      }
      lines.push(line)
    }
  }
  // Open lines first (from their ends and junctions), then what is left: closed rings.
  for (const [vertex, list] of neighbours) if (list.length !== 2) walk(vertex)
  for (const vertex of neighbours.keys()) walk(vertex)
  return lines
}

/** Province and district border lines of a boundaries layer. */
export function borderLines(
  boundaries: LayerCollection<'boundaries'>,
): FeatureCollection<LineString, BorderProps> {
  const provinces = boundaries.features.filter((f) => f.properties?.level === 'province')
  const districts = boundaries.features.filter((f) => f.properties?.level === 'district')
  const vertices = new VertexIndex()
  const provinceEdges = edgesOf(provinces, vertices)

  // The province polygons are clipped to a rectangle around Huzhou: its edges are no borders.
  let minX = Number.POSITIVE_INFINITY
  let minY = Number.POSITIVE_INFINITY
  let maxX = Number.NEGATIVE_INFINITY
  let maxY = Number.NEGATIVE_INFINITY
  for (const [a] of provinceEdges.values()) {
    const [x = 0, y = 0] = vertices.positions[a] ?? []
    minX = Math.min(minX, x)
    minY = Math.min(minY, y)
    maxX = Math.max(maxX, x)
    maxY = Math.max(maxY, y)
  }
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-7
  const onClipEdge = ([a, b]: Edge) => {
    const [ax = 0, ay = 0] = vertices.positions[a] ?? []
    const [bx = 0, by = 0] = vertices.positions[b] ?? []
    return (
      (near(ax, minX) && near(bx, minX)) ||
      (near(ax, maxX) && near(bx, maxX)) ||
      (near(ay, minY) && near(by, minY)) ||
      (near(ay, maxY) && near(by, maxY))
    )
  }

  const provinceLines = [...provinceEdges.values()].filter((edge) => !onClipEdge(edge))
  const districtLines = [...edgesOf(districts, vertices)]
    .filter(([key]) => !provinceEdges.has(key))
    .map(([, e]) => e)

  const features: Feature<LineString, BorderProps>[] = []
  for (const [level, edges] of [
    ['province', provinceLines],
    ['district', districtLines],
  ] as const) {
    for (const line of chainEdges(edges)) {
      const coordinates = line.map((id) => vertices.positions[id] ?? [0, 0])
      features.push({ type: 'Feature', properties: { level }, geometry: { type: 'LineString', coordinates } })
    }
  }
  return { type: 'FeatureCollection', features }
}
