import { describe, expect, it } from 'vitest'
import {
  epsg4549ToLonLat,
  type Hex,
  hexArea,
  hexCentre,
  hexDistance,
  hexLonLatRing,
  hexLonLatRings,
  hexNeighbours,
  hexNumber,
  hexOfNumber,
  hexOfPoint,
  hexRing,
  lonLatToEpsg4549,
  SQRT3,
} from '../../server/domain/hex-grid.ts'
import { seededRandom } from '../helpers/seeded-random.ts'

/** Ray casting: whether (x, y) lies inside or on a closed ring. */
function insideOrOn(ring: [number, number][], x: number, y: number, tolerance: number): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 2; i < ring.length - 1; j = i++) {
    const [xi, yi] = ring[i] as [number, number]
    const [xj, yj] = ring[j] as [number, number]
    // On the edge (within the tolerance): counts as inside.
    const len = Math.hypot(xj - xi, yj - yi)
    const cross = Math.abs((x - xi) * (yj - yi) - (y - yi) * (xj - xi)) / len
    const along = ((x - xi) * (xj - xi) + (y - yi) * (yj - yi)) / (len * len)
    if (cross <= tolerance && along >= 0 && along <= 1) return true
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

describe('hexOfPoint', () => {
  it('puts every point in the hexagon of its cell, and that cell has the nearest centre', () => {
    const next = seededRandom(42)
    for (const size of [50, 500, 1234.5]) {
      for (let k = 0; k < 2000; k++) {
        // Points across Huzhou in EPSG:4549, and some around the origin (negative coordinates).
        const x = k % 2 ? 400_000 + next() * 200_000 : (next() - 0.5) * 20 * size
        const y = k % 2 ? 3_300_000 + next() * 200_000 : (next() - 0.5) * 20 * size
        const hex = hexOfPoint(x, y, size)
        expect(insideOrOn(hexRing(hex, size), x, y, 1e-6 * size)).toBe(true)
        const [cx, cy] = hexCentre(hex, size)
        const own = Math.hypot(x - cx, y - cy)
        for (const n of hexNeighbours(hex)) {
          const [nx, ny] = hexCentre(n, size)
          expect(own).toBeLessThanOrEqual(Math.hypot(x - nx, y - ny) + 1e-9 * size)
        }
      }
    }
  })

  it('finds a cell from its own centre and from points near its corners', () => {
    const size = 500
    for (let q = -6; q <= 6; q++) {
      for (let r = -6; r <= 6; r++) {
        const hex = { q, r }
        const [cx, cy] = hexCentre(hex, size)
        expect(hexOfPoint(cx, cy, size)).toEqual(hex)
        // 99 % of the way from the centre to each corner still lies in the cell.
        for (const [vx, vy] of hexRing(hex, size).slice(0, 6)) {
          expect(hexOfPoint(cx + 0.99 * (vx - cx), cy + 0.99 * (vy - cy), size)).toEqual(hex)
        }
      }
    }
  })

  it('puts points exactly on corners and edges into one of the cells that touch them', () => {
    const size = 500
    for (const hex of [
      { q: 0, r: 0 },
      { q: 7, r: -3 },
      { q: -4, r: 9 },
      { q: 622, r: 3600 },
    ]) {
      const ring = hexRing(hex, size)
      for (let v = 0; v < 6; v++) {
        const [ax, ay] = ring[v] as [number, number]
        const [bx, by] = ring[v + 1] as [number, number]
        for (const [x, y] of [
          [ax, ay],
          [(ax + bx) / 2, (ay + by) / 2],
        ] as const) {
          const got = hexOfPoint(x, y, size)
          // The chosen cell is the hexagon itself or a neighbour, and its centre is at most one edge away.
          expect(hexDistance(got, hex)).toBeLessThanOrEqual(1)
          const [cx, cy] = hexCentre(got, size)
          expect(Math.hypot(x - cx, y - cy)).toBeLessThanOrEqual(size * (1 + 1e-9))
        }
      }
    }
  })

  it('lays cells out as ST_HexagonGrid does: flat-topped, edge = size, odd columns half a row up', () => {
    const size = 100
    expect(hexCentre({ q: 0, r: 0 }, size)).toEqual([0, 0])
    // Column 1 of ST_Hexagon's offset numbering, row 0, is centred at (150, √3·100/2): axial (1, 0).
    const [x, y] = hexCentre({ q: 1, r: 0 }, size)
    expect(x).toBeCloseTo(150, 9)
    expect(y).toBeCloseTo((SQRT3 * size) / 2, 9)
    const ring = hexRing({ q: 0, r: 0 }, size)
    expect(ring).toHaveLength(7)
    expect(ring[0]).toEqual(ring[6])
    for (let i = 0; i < 6; i++) {
      const [ax, ay] = ring[i] as [number, number]
      const [bx, by] = ring[i + 1] as [number, number]
      expect(Math.hypot(bx - ax, by - ay)).toBeCloseTo(size, 9)
    }
    // Counter-clockwise (positive shoelace area), and the area is 3√3/2 · size².
    let twice = 0
    for (let i = 0; i < 6; i++) {
      const [ax, ay] = ring[i] as [number, number]
      const [bx, by] = ring[i + 1] as [number, number]
      twice += ax * by - bx * ay
    }
    expect(twice / 2).toBeCloseTo(hexArea(size), 6)
    expect(hexArea(size)).toBeCloseTo(25_980.762, 3)
  })
})

describe('neighbours', () => {
  it('are the six cells that share an edge', () => {
    const size = 500
    const hex: Hex = { q: 3, r: -7 }
    const ring = hexRing(hex, size).map(([x, y]) => `${x.toFixed(3)} ${y.toFixed(3)}`)
    const neighbours = hexNeighbours(hex)
    expect(new Set(neighbours.map((n) => `${n.q},${n.r}`)).size).toBe(6)
    for (const n of neighbours) {
      expect(hexDistance(hex, n)).toBe(1)
      const [ax, ay] = hexCentre(hex, size)
      const [bx, by] = hexCentre(n, size)
      expect(Math.hypot(bx - ax, by - ay)).toBeCloseTo(SQRT3 * size, 6)
      const shared = hexRing(n, size)
        .slice(0, 6)
        .filter(([x, y]) => ring.includes(`${x.toFixed(3)} ${y.toFixed(3)}`))
      expect(shared).toHaveLength(2)
    }
    expect(hexDistance(hex, hex)).toBe(0)
    expect(hexDistance({ q: 0, r: 0 }, { q: 2, r: -1 })).toBe(2)
  })
})

describe('EPSG:4549', () => {
  // Reference values: PostGIS 3.3 / PROJ 9.1, ST_Transform(…, 4549).
  const reference: [number, number, number, number][] = [
    [119.68, 30.63, 469321.19747773587, 3389997.444501033],
    [120.5, 31.1, 547702.5121286364, 3442168.8695314894],
  ]
  it.each(reference)('projects (%d, %d) as PROJ does', (lon, lat, x, y) => {
    const [px, py] = lonLatToEpsg4549(lon, lat)
    expect(Math.abs(px - x)).toBeLessThan(0.001)
    expect(Math.abs(py - y)).toBeLessThan(0.001)
    const [blon, blat] = epsg4549ToLonLat(x, y)
    expect(Math.abs(blon - lon) * 96_000).toBeLessThan(0.001)
    expect(Math.abs(blat - lat) * 111_000).toBeLessThan(0.001)
  })

  it('round-trips across Huzhou to within a millimetre', () => {
    for (let lon = 119.1; lon <= 120.7; lon += 0.2) {
      for (let lat = 30.2; lat <= 31.3; lat += 0.2) {
        const [back, forth] = epsg4549ToLonLat(...lonLatToEpsg4549(lon, lat))
        expect(Math.abs(back - lon) * 96_000).toBeLessThan(0.001)
        expect(Math.abs(forth - lat) * 111_000).toBeLessThan(0.001)
      }
    }
  })

  it('draws a cell in lon/lat as a closed ring around the point it holds', () => {
    const [x, y] = lonLatToEpsg4549(119.68, 30.63)
    const hex = hexOfPoint(x, y, 500)
    const ring = hexLonLatRing(hex, 500)
    expect(ring).toHaveLength(7)
    expect(ring[0]).toEqual(ring[6])
    expect(insideOrOn(ring, 119.68, 30.63, 0)).toBe(true)
  })

  it('draws a patch of cells from shared corners: each the projected metric ring, neighbours meeting exactly', () => {
    const [x, y] = lonLatToEpsg4549(120.3, 30.9)
    const origin = hexOfPoint(x, y, 500)
    const ringOf = hexLonLatRings(500)
    const rings = new Map<number, [number, number][]>()
    for (let dq = -5; dq <= 5; dq++) {
      for (let dr = -5; dr <= 5; dr++) {
        const hex = { q: origin.q + dq, r: origin.r + dr }
        const ring = ringOf(hex)
        rings.set(hexNumber(hex.q, hex.r), ring)
        hexRing(hex, 500).forEach(([cx, cy], i) => {
          const [lon, lat] = epsg4549ToLonLat(cx, cy)
          expect(Math.abs((ring[i] as [number, number])[0] - lon)).toBeLessThanOrEqual(1e-7)
          expect(Math.abs((ring[i] as [number, number])[1] - lat)).toBeLessThanOrEqual(1e-7)
        })
      }
    }
    // The north-east neighbour's south-west corner is this cell's east corner, the very same value.
    const here = rings.get(hexNumber(origin.q, origin.r)) as [number, number][]
    const northEast = rings.get(hexNumber(origin.q + 1, origin.r)) as [number, number][]
    expect(northEast[4]).toBe(here[0])
    expect(hexOfNumber(hexNumber(-3, 7))).toEqual({ q: -3, r: 7 })
  })
})
