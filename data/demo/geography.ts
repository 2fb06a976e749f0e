/**
 * The synthetic landform of Huzhou on top of the real outlines (data/base): a raster of districts and
 * lakes for fast look-ups, an elevation model (the Tianmu hills in the south-west, Mogan Shan, the
 * Changxing hills on the Anhui line, the plain towards Taihu in the north-east), the named main rivers
 * burnt into it, and the drainage network that follows its valleys downhill (priority-flood + D8).
 */
import { booleanPointInPolygon } from '@turf/turf'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import { type BaseData, type DistrictProps, type LakeProps, loadBaseGeoData } from './base.ts'
import {
  chaikin,
  densify,
  distance,
  type LonLat,
  metresPerDegLat,
  metresPerDegLon,
  nearestOnLine,
  offset,
} from './geometry.ts'
import { Rng } from './random.ts'
import { ANJI, CHANGXING, DEQING, districtSlug, type Town, towns as townList, WUXING } from './towns.ts'

/** A regular lon/lat grid over Huzhou and its surroundings. */
export class Grid {
  readonly x0 = 119.15
  readonly y0 = 30.3
  readonly cell = 0.0025
  readonly nx = Math.round((120.55 - 119.15) / 0.0025)
  readonly ny = Math.round((31.25 - 30.3) / 0.0025)
  readonly size = this.nx * this.ny
  /** Cell size in metres. */
  readonly dx = this.cell * metresPerDegLon
  readonly dy = this.cell * metresPerDegLat

  index(p: LonLat): number {
    const c = Math.floor((p[0] - this.x0) / this.cell)
    const r = Math.floor((p[1] - this.y0) / this.cell)
    if (c < 0 || r < 0 || c >= this.nx || r >= this.ny) return -1
    return r * this.nx + c
  }

  center(i: number): LonLat {
    const r = Math.floor(i / this.nx)
    const c = i - r * this.nx
    return [this.x0 + (c + 0.5) * this.cell, this.y0 + (r + 0.5) * this.cell]
  }
}

export interface District {
  code: number
  slug: string
  name_zh: string
  name_en: string
  feature: Feature<Polygon | MultiPolygon, DistrictProps>
  /** All rings (outer and holes) of all parts. */
  rings: LonLat[][]
  bbox: [number, number, number, number]
}

export interface Lake {
  id: string
  name_zh: string
  name_en: string
  feature: Feature<Polygon, LakeProps>
  rings: LonLat[][]
  bbox: [number, number, number, number]
}

export interface MainRiver {
  id: string
  name_zh: string
  name_en: string
  /** Upstream to downstream, may start or end outside Huzhou (mouths end in Taihu). */
  line: LonLat[]
  /** Index of the main river it flows into, if any. */
  joins?: string
}

/** A stream of the drainage network, upstream to downstream. */
export interface Stream {
  index: number
  line: LonLat[]
  /** Upstream area at the lowest cell, in km². */
  areaKm2: number
  /** Elevation of the source, in metres. */
  sourceElevation: number
  /** What it flows into: a main river id, another stream's index, or an outlet (Taihu, edge). */
  joins: { main: string } | { stream: number } | { outlet: true }
}

const ringsOf = (g: Polygon | MultiPolygon): LonLat[][] =>
  (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).flat() as LonLat[][]

function bboxOf(rings: LonLat[][]): [number, number, number, number] {
  const b: [number, number, number, number] = [180, 90, -180, -90]
  for (const ring of rings)
    for (const [x, y] of ring) {
      if (x < b[0]) b[0] = x
      if (y < b[1]) b[1] = y
      if (x > b[2]) b[2] = x
      if (y > b[3]) b[3] = y
    }
  return b
}

const inBbox = (p: LonLat, b: readonly number[]) =>
  p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3]

/**
 * Fills `target` with `value` for the cells whose centre lies inside the rings (even-odd), and marks
 * in `border` every cell near an edge, where the look-up has to fall back to an exact test.
 */
function rasterize(grid: Grid, rings: LonLat[][], value: number, target: Uint8Array, border: Uint8Array) {
  const { x0, y0, cell, nx, ny } = grid
  const xs: number[] = []
  for (let r = 0; r < ny; r++) {
    const y = y0 + (r + 0.5) * cell
    xs.length = 0
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const a = ring[j]
        const b = ring[i]
        if (a[1] > y !== b[1] > y) xs.push(a[0] + ((y - a[1]) * (b[0] - a[0])) / (b[1] - a[1]))
      }
    }
    xs.sort((a, b) => a - b)
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const c0 = Math.max(0, Math.ceil((xs[k] - x0) / cell - 0.5))
      const c1 = Math.min(nx - 1, Math.floor((xs[k + 1] - x0) / cell - 0.5))
      for (let c = c0; c <= c1; c++) target[r * nx + c] = value
    }
  }
  for (const ring of rings) {
    for (let i = 1; i < ring.length; i++) {
      const a = ring[i - 1]
      const b = ring[i]
      const steps = Math.ceil(Math.max(Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1])) / (cell / 3)) + 1
      for (let s = 0; s <= steps; s++) {
        const x = a[0] + ((b[0] - a[0]) * s) / steps
        const y = a[1] + ((b[1] - a[1]) * s) / steps
        const c = Math.floor((x - x0) / cell)
        const r = Math.floor((y - y0) / cell)
        for (let dr = -1; dr <= 1; dr++)
          for (let dc = -1; dc <= 1; dc++) {
            const rr = r + dr
            const cc = c + dc
            if (rr >= 0 && cc >= 0 && rr < ny && cc < nx) border[rr * nx + cc] = 1
          }
      }
    }
  }
}

// --- value noise -------------------------------------------------------------------------------

function makeNoise(seed: number) {
  const hash = (x: number, y: number) => {
    let h = Math.imul(x, 374761393) ^ Math.imul(y, 668265263) ^ Math.imul(seed, 1274126177)
    h = Math.imul(h ^ (h >>> 13), 1103515245)
    h ^= h >>> 16
    return (h >>> 0) / 4294967296
  }
  const smooth = (t: number) => t * t * (3 - 2 * t)
  const value = (x: number, y: number) => {
    const xi = Math.floor(x)
    const yi = Math.floor(y)
    const tx = smooth(x - xi)
    const ty = smooth(y - yi)
    const a = hash(xi, yi)
    const b = hash(xi + 1, yi)
    const c = hash(xi, yi + 1)
    const d = hash(xi + 1, yi + 1)
    return a + (b - a) * tx + (c - a) * ty + (a - b - c + d) * tx * ty
  }
  /** Fractal noise in [0, 1] over coordinates in units of the base wavelength. */
  const fbm = (x: number, y: number, octaves = 4) => {
    let sum = 0
    let amp = 1
    let norm = 0
    let f = 1
    for (let o = 0; o < octaves; o++) {
      sum += amp * value(x * f + o * 17.3, y * f - o * 9.1)
      norm += amp
      amp *= 0.5
      f *= 2.03
    }
    return sum / norm
  }
  /** Ridged fractal noise in [0, 1]: sharp crests, wide valleys between them. */
  const ridged = (x: number, y: number, octaves = 4) => {
    let sum = 0
    let amp = 1
    let norm = 0
    let f = 1
    for (let o = 0; o < octaves; o++) {
      const v = 1 - Math.abs(2 * value(x * f - o * 5.7, y * f + o * 13.9) - 1)
      sum += amp * v * v
      norm += amp
      amp *= 0.5
      f *= 2.1
    }
    return sum / norm
  }
  return { fbm, ridged }
}

// --- the landform ------------------------------------------------------------------------------

interface Ridge {
  line: LonLat[]
  /** Height in metres and half-width in km. */
  height: number
  width: number
}

/** The hills, roughly where they are: Tianmu Shan in the south-west, Mogan Shan, the Changxing hills. */
const ridges: Ridge[] = [
  // Tianmu Shan along Anji's southern edge, Longwang Shan (1,587 m) at the south-western tip
  {
    line: [
      [119.24, 30.48],
      [119.33, 30.43],
      [119.43, 30.39],
      [119.52, 30.41],
      [119.6, 30.43],
      [119.69, 30.45],
      [119.77, 30.47],
    ],
    height: 1050,
    width: 7,
  },
  { line: [[119.43, 30.395]], height: 1500, width: 5 },
  { line: [[119.6, 30.455]], height: 1100, width: 4.5 },
  // the hills on the Anhui line, west of Anji
  {
    line: [
      [119.22, 30.55],
      [119.28, 30.63],
      [119.33, 30.71],
      [119.42, 30.79],
      [119.52, 30.86],
    ],
    height: 650,
    width: 6.5,
  },
  // low hills in northern Anji (Tianzihu)
  {
    line: [
      [119.53, 30.72],
      [119.6, 30.79],
      [119.7, 30.84],
    ],
    height: 280,
    width: 5,
  },
  // Mogan Shan (720 m) and its spurs, western Deqing
  {
    line: [
      [119.77, 30.5],
      [119.83, 30.56],
      [119.87, 30.61],
      [119.93, 30.67],
    ],
    height: 620,
    width: 5,
  },
  { line: [[119.865, 30.605]], height: 720, width: 3 },
  // the hills south-west of the city (Daixi, Miaoxi)
  {
    line: [
      [119.9, 30.66],
      [119.94, 30.72],
      [119.97, 30.78],
      [120.0, 30.81],
    ],
    height: 380,
    width: 4,
  },
  // Bianshan (521 m) by the Taihu shore
  { line: [[120.0, 30.915]], height: 500, width: 3 },
  // the Changxing hills on the Anhui and Jiangsu lines
  {
    line: [
      [119.57, 30.8],
      [119.61, 30.9],
      [119.65, 31.0],
      [119.72, 31.09],
      [119.81, 31.14],
      [119.9, 31.165],
    ],
    height: 560,
    width: 6,
  },
  {
    line: [
      [119.83, 30.87],
      [119.92, 30.9],
    ],
    height: 220,
    width: 3,
  },
]

/** The named main rivers, drawn by hand and burnt into the landform. */
const mainRiverDefs: (Omit<MainRiver, 'line'> & { points: LonLat[] })[] = [
  {
    id: 'xixi',
    name_zh: '西溪',
    name_en: 'Xixi River',
    joins: 'west-tiaoxi',
    points: [
      [119.33, 30.49],
      [119.39, 30.515],
      [119.45, 30.535],
      [119.5, 30.55],
      [119.55, 30.56],
      [119.59, 30.585],
      [119.625, 30.605],
    ],
  },
  {
    id: 'nanxi',
    name_zh: '南溪',
    name_en: 'Nanxi River',
    joins: 'west-tiaoxi',
    points: [
      [119.45, 30.425],
      [119.5, 30.45],
      [119.545, 30.48],
      [119.575, 30.52],
      [119.6, 30.565],
      [119.625, 30.605],
    ],
  },
  {
    id: 'west-tiaoxi',
    name_zh: '西苕溪',
    name_en: 'West Tiaoxi',
    points: [
      [119.625, 30.605],
      [119.68, 30.64],
      [119.73, 30.685],
      [119.78, 30.73],
      [119.84, 30.775],
      [119.9, 30.81],
      [119.96, 30.84],
      [120.02, 30.86],
      [120.07, 30.875],
      [120.095, 30.89],
      [120.1, 30.92],
      [120.105, 30.96],
    ],
  },
  {
    id: 'east-tiaoxi',
    name_zh: '东苕溪',
    name_en: 'East Tiaoxi',
    joins: 'west-tiaoxi',
    points: [
      [120.015, 30.39],
      [120.03, 30.45],
      [120.05, 30.51],
      [120.06, 30.57],
      [120.075, 30.63],
      [120.085, 30.7],
      [120.09, 30.77],
      [120.1, 30.83],
      [120.095, 30.89],
    ],
  },
  {
    id: 'yuyingxi',
    name_zh: '余英溪',
    name_en: 'Yuyingxi River',
    joins: 'east-tiaoxi',
    points: [
      [119.81, 30.555],
      [119.86, 30.565],
      [119.9, 30.565],
      [119.94, 30.55],
      [119.98, 30.54],
      [120.02, 30.535],
      [120.052, 30.53],
    ],
  },
  {
    id: 'sian-river',
    name_zh: '泗安溪',
    name_en: 'Si\u2019an River',
    points: [
      [119.59, 30.875],
      [119.64, 30.89],
      [119.69, 30.905],
      [119.75, 30.93],
      [119.81, 30.96],
      [119.86, 30.985],
      [119.91, 31.005],
      [119.96, 31.02],
      [120.0, 31.03],
      [120.03, 31.04],
    ],
  },
  {
    id: 'hexi',
    name_zh: '合溪',
    name_en: 'Hexi River',
    points: [
      [119.7, 31.13],
      [119.75, 31.105],
      [119.8, 31.09],
      [119.85, 31.075],
      [119.9, 31.065],
      [119.94, 31.06],
      [119.98, 31.065],
    ],
  },
]

export interface Geography {
  base: BaseData
  grid: Grid
  districts: District[]
  districtByCode: Map<number, District>
  lakes: Lake[]
  taihu: Lake
  towns: Town[]
  mainRivers: MainRiver[]
  streams: Stream[]
  /** Elevation in metres per grid cell. */
  elevation: Float32Array
  /** District code at a point (exact), or null outside Huzhou. */
  districtAt(p: LonLat): number | null
  /** Whether a point lies in one of the real lakes (Taihu, …). */
  inLake(p: LonLat): boolean
  /** Inside Huzhou (or the given district) and not in a lake. */
  isLand(p: LonLat, code?: number): boolean
  elevationAt(p: LonLat): number
  /**
   * The district code of a grid cell that lies wholly inside one district, clear of its outline
   * and of the lakes by at least a cell; 0 otherwise. Outlines drawn through such cells need no clipping.
   */
  interiorCell(i: number): number
  /** The nearest land point of the district to p (searching outwards), or null. */
  snapToLand(p: LonLat, code: number, maxMetres?: number): LonLat | null
}

/** Builds the landform for a seed (the noise depends on it; the named features do not). */
export function buildGeography(seed: number): Geography {
  const base = loadBaseGeoData()
  const grid = new Grid()
  const rng = new Rng(seed, 'geography')

  const districts: District[] = base.districts.features.map((feature) => {
    const rings = ringsOf(feature.geometry) as LonLat[][]
    return {
      code: feature.properties.adcode,
      slug: districtSlug[feature.properties.adcode],
      name_zh: feature.properties.name_zh,
      name_en: feature.properties.name_en,
      feature,
      rings,
      bbox: bboxOf(rings),
    }
  })
  const districtByCode = new Map(districts.map((d) => [d.code, d]))
  const lakes: Lake[] = base.lakes.features.map((feature) => {
    const rings = ringsOf(feature.geometry) as LonLat[][]
    return { ...feature.properties, feature, rings, bbox: bboxOf(rings) }
  })
  const taihu = lakes.find((l) => l.id === 'lake-taihu')
  if (!taihu) throw new Error('data/base/lakes.geojson has no Taihu')

  const districtCell = new Uint8Array(grid.size)
  const districtBorder = new Uint8Array(grid.size)
  districts.forEach((d, k) => {
    rasterize(grid, d.rings, k + 1, districtCell, districtBorder)
  })
  const lakeCell = new Uint8Array(grid.size)
  const lakeBorder = new Uint8Array(grid.size)
  lakes.forEach((l, k) => {
    rasterize(grid, l.rings, k + 1, lakeCell, lakeBorder)
  })

  function districtAt(p: LonLat): number | null {
    const i = grid.index(p)
    if (i < 0) return null
    if (!districtBorder[i]) return districtCell[i] ? districts[districtCell[i] - 1].code : null
    for (const d of districts)
      if (inBbox(p, d.bbox) && booleanPointInPolygon(p, d.feature, { ignoreBoundary: true })) return d.code
    return null
  }
  function inLake(p: LonLat): boolean {
    const i = grid.index(p)
    if (i < 0) return false
    if (!lakeBorder[i]) return lakeCell[i] > 0
    for (const l of lakes) if (inBbox(p, l.bbox) && booleanPointInPolygon(p, l.feature)) return true
    return false
  }
  const isLand = (p: LonLat, code?: number) => {
    const d = districtAt(p)
    return d !== null && (code === undefined || d === code) && !inLake(p)
  }
  function snapToLand(p: LonLat, code: number, maxMetres = 5000): LonLat | null {
    if (isLand(p, code)) return p
    for (let r = 100; r <= maxMetres; r += 100) {
      const n = Math.max(8, Math.round(r / 60))
      for (let k = 0; k < n; k++) {
        const q = offset(p, r, (2 * Math.PI * k) / n)
        if (isLand(q, code)) return q
      }
    }
    return null
  }

  // Towns: snapped onto land of their district, should an approximate position miss it.
  const towns = townList.map((t) => {
    const p = snapToLand(t.p, t.district_code)
    if (!p) throw new Error(`town ${t.id} is not near ${t.district_code}`)
    return { ...t, p }
  })

  // Main rivers: hand-drawn courses, given a meander and smoothed.
  const mainRivers: MainRiver[] = mainRiverDefs.map((def) => {
    const r = rng.fork(`main-${def.id}`)
    const pts = densify(def.points, 1200).map((p, i, all) => {
      if (i === 0 || i === all.length - 1) return p
      return offset(p, r.normal(0, 160), r.float(0, 2 * Math.PI))
    })
    const { points: _points, ...rest } = def
    return { ...rest, line: chaikin(pts, 3) }
  })

  // --- elevation ---
  const noise = makeNoise(rng.int(1, 2 ** 30))
  const elevation = new Float32Array(grid.size)
  const ridgeSegs = ridges.map((ridge) => ({
    ...ridge,
    pts: ridge.line.map(([lon, lat]) => [lon * metresPerDegLon, lat * metresPerDegLat] as [number, number]),
  }))
  for (let i = 0; i < grid.size; i++) {
    const [lon, lat] = grid.center(i)
    const x = lon * metresPerDegLon
    const y = lat * metresPerDegLat
    let hill = 0
    let others = 0
    for (const ridge of ridgeSegs) {
      let d2 = Number.POSITIVE_INFINITY
      const pts = ridge.pts
      if (pts.length === 1) d2 = (x - pts[0][0]) ** 2 + (y - pts[0][1]) ** 2
      for (let k = 1; k < pts.length; k++) {
        const [ax, ay] = pts[k - 1]
        const [bx, by] = pts[k]
        const dx = bx - ax
        const dy = by - ay
        const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
        const ex = ax + t * dx - x
        const ey = ay + t * dy - y
        d2 = Math.min(d2, ex * ex + ey * ey)
      }
      const w = ridge.width * 1000
      const h = ridge.height * Math.exp(-d2 / (w * w))
      if (h > hill) {
        others += hill
        hill = h
      } else others += h
    }
    hill += 0.25 * others
    const n1 = noise.fbm(x / 15000, y / 15000)
    const n2 = noise.ridged(x / 5000, y / 5000)
    // Rugged where the hills are high (ridges and valleys), a few metres of relief on the plain.
    elevation[i] = 2 + hill * (0.12 + n2 * (0.6 + 0.7 * n1))
  }

  // Valleys along the main rivers (distance transform from their cells), then burn the courses in.
  const mainCell = new Int16Array(grid.size).fill(-1)
  const mainPath: number[][] = mainRivers.map((river, k) => {
    const cells: number[] = []
    for (const p of densify(river.line, 40)) {
      const i = grid.index(p)
      if (i >= 0 && cells[cells.length - 1] !== i) {
        cells.push(i)
        if (mainCell[i] < 0) mainCell[i] = k
      }
    }
    return cells
  })
  const dist = chamfer(grid, mainCell)
  for (let i = 0; i < grid.size; i++) {
    const v = Math.exp(-((dist[i] / 1800) ** 2))
    const [lon, lat] = grid.center(i)
    const x = lon * metresPerDegLon
    const y = lat * metresPerDegLat
    const e = 2 + (elevation[i] - 2) * (1 - 0.75 * v)
    // Small-scale roughness everywhere, so that no slope is a plane and streams gather in hollows.
    elevation[i] = e + (3 + 0.12 * e) * noise.fbm(x / 1600 + 311, y / 1600 - 71, 3)
  }
  // Tributaries first, so their lower ends meet the already-burnt main course below them.
  const burnOrder = mainRivers
    .map((_, k) => k)
    .sort((a, b) => Number(!mainRivers[a].joins) - Number(!mainRivers[b].joins))
  for (const k of burnOrder) {
    let level = Number.POSITIVE_INFINITY
    for (const i of mainPath[k]) {
      level = Math.min(level, elevation[i] * 0.35)
      elevation[i] = Math.max(0.5, level) - 0.5
    }
  }
  for (const k of burnOrder.slice().reverse()) {
    let level = Number.POSITIVE_INFINITY
    for (const i of mainPath[k]) {
      level = Math.min(level, elevation[i])
      elevation[i] = level
    }
  }

  const streams = drainage(grid, elevation, lakeCell, mainCell, mainRivers, rng.fork('streams'))

  function elevationAt(p: LonLat): number {
    const fx = (p[0] - grid.x0) / grid.cell - 0.5
    const fy = (p[1] - grid.y0) / grid.cell - 0.5
    const c = Math.max(0, Math.min(grid.nx - 2, Math.floor(fx)))
    const r = Math.max(0, Math.min(grid.ny - 2, Math.floor(fy)))
    const tx = Math.max(0, Math.min(1, fx - c))
    const ty = Math.max(0, Math.min(1, fy - r))
    const i = r * grid.nx + c
    const a = elevation[i]
    const b = elevation[i + 1]
    const cc = elevation[i + grid.nx]
    const d = elevation[i + grid.nx + 1]
    return a + (b - a) * tx + (cc - a) * ty + (a - b - cc + d) * tx * ty
  }

  const interiorCell = (i: number) =>
    districtCell[i] && !districtBorder[i] && !lakeCell[i] && !lakeBorder[i]
      ? districts[districtCell[i] - 1].code
      : 0

  return {
    interiorCell,
    base,
    grid,
    districts,
    districtByCode,
    lakes,
    taihu,
    towns,
    mainRivers,
    streams,
    elevation,
    districtAt,
    inLake,
    isLand,
    elevationAt,
    snapToLand,
  }
}

/** Two-pass chamfer distance (metres) to the cells marked (>= 0) in `mask`. */
function chamfer(grid: Grid, mask: Int16Array): Float32Array {
  const { nx, ny, dx, dy } = grid
  const dd = Math.sqrt(dx * dx + dy * dy)
  const d = new Float32Array(grid.size).fill(1e9)
  for (let i = 0; i < grid.size; i++) if (mask[i] >= 0) d[i] = 0
  for (let r = 0; r < ny; r++)
    for (let c = 0; c < nx; c++) {
      const i = r * nx + c
      let v = d[i]
      if (c > 0) v = Math.min(v, d[i - 1] + dx)
      if (r > 0) {
        v = Math.min(v, d[i - nx] + dy)
        if (c > 0) v = Math.min(v, d[i - nx - 1] + dd)
        if (c < nx - 1) v = Math.min(v, d[i - nx + 1] + dd)
      }
      d[i] = v
    }
  for (let r = ny - 1; r >= 0; r--)
    for (let c = nx - 1; c >= 0; c--) {
      const i = r * nx + c
      let v = d[i]
      if (c < nx - 1) v = Math.min(v, d[i + 1] + dx)
      if (r < ny - 1) {
        v = Math.min(v, d[i + nx] + dy)
        if (c < nx - 1) v = Math.min(v, d[i + nx + 1] + dd)
        if (c > 0) v = Math.min(v, d[i + nx - 1] + dd)
      }
      d[i] = v
    }
  return d
}

/** A binary min-heap of cell indices keyed by a float. */
class Heap {
  private keys: Float64Array
  private items: Int32Array
  private n = 0
  constructor(capacity: number) {
    this.keys = new Float64Array(capacity)
    this.items = new Int32Array(capacity)
  }
  get length() {
    return this.n
  }
  push(key: number, item: number) {
    let i = this.n++
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (this.keys[parent] < key || (this.keys[parent] === key && this.items[parent] < item)) break
      this.keys[i] = this.keys[parent]
      this.items[i] = this.items[parent]
      i = parent
    }
    this.keys[i] = key
    this.items[i] = item
  }
  pop(): number {
    const top = this.items[0]
    const key = this.keys[--this.n]
    const item = this.items[this.n]
    let i = 0
    for (;;) {
      let child = 2 * i + 1
      if (child >= this.n) break
      const right = child + 1
      if (
        right < this.n &&
        (this.keys[right] < this.keys[child] ||
          (this.keys[right] === this.keys[child] && this.items[right] < this.items[child]))
      )
        child = right
      if (this.keys[child] > key || (this.keys[child] === key && this.items[child] > item)) break
      this.keys[i] = this.keys[child]
      this.items[i] = this.items[child]
      i = child
    }
    this.keys[i] = key
    this.items[i] = item
    return top
  }
}

/** Cells of at least this upstream area (km²) carry a stream. */
const streamAreaKm2 = 1.6

/**
 * The drainage network: priority-flood from the outlets (lakes and the grid's edge) gives every cell
 * a downstream neighbour on a depression-free surface; streams are the cells with enough upstream
 * area, cut into main stems that end where they join a bigger stream or a main river.
 */
function drainage(
  grid: Grid,
  elevation: Float32Array,
  lakeCell: Uint8Array,
  mainCell: Int16Array,
  mainRivers: MainRiver[],
  rng: Rng,
): Stream[] {
  const { nx, ny, size } = grid
  const down = new Int32Array(size).fill(-1)
  const visited = new Uint8Array(size)
  const order = new Int32Array(size)
  const heap = new Heap(size)
  const filled = new Float32Array(size)
  let n = 0
  for (let i = 0; i < size; i++) {
    const r = Math.floor(i / nx)
    const c = i - r * nx
    if (lakeCell[i] || r === 0 || c === 0 || r === ny - 1 || c === nx - 1) {
      visited[i] = 1
      filled[i] = lakeCell[i] ? 0 : elevation[i]
      heap.push(filled[i], i)
    }
  }
  const dr8 = [-1, -1, -1, 0, 0, 1, 1, 1]
  const dc8 = [-1, 0, 1, -1, 1, -1, 0, 1]
  while (heap.length) {
    const i = heap.pop()
    order[n++] = i
    const r = Math.floor(i / nx)
    const c = i - r * nx
    for (let k = 0; k < 8; k++) {
      const rr = r + dr8[k]
      const cc = c + dc8[k]
      if (cc < 0 || cc >= nx || rr < 0 || rr >= ny) continue
      const j = rr * nx + cc
      if (visited[j]) continue
      visited[j] = 1
      filled[j] = Math.max(elevation[j], filled[i] + 0.01)
      down[j] = i
      heap.push(filled[j], j)
    }
  }
  const cellKm2 = (grid.dx * grid.dy) / 1e6
  const acc = new Float32Array(size)
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k]
    if (!lakeCell[i]) acc[i] += cellKm2
    if (down[i] >= 0) acc[down[i]] += acc[i]
  }
  const isStream = (i: number) => acc[i] >= streamAreaKm2 && !lakeCell[i] && mainCell[i] < 0
  // The biggest stream cell flowing into each cell, and whether any stream flows in.
  const mainUp = new Int32Array(size).fill(-1)
  const hasUp = new Uint8Array(size)
  for (let i = 0; i < size; i++) {
    const j = down[i]
    if (j < 0 || !isStream(i)) continue
    hasUp[j] = 1
    if (mainUp[j] < 0 || acc[i] > acc[mainUp[j]] || (acc[i] === acc[mainUp[j]] && i < mainUp[j]))
      mainUp[j] = i
  }
  const streamOf = new Int32Array(size).fill(-1)
  const heads: number[] = []
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k]
    if (isStream(i) && !hasUp[i]) heads.push(i)
  }
  interface Traced {
    cells: number[]
    joinCell: number
    main: number
  }
  const traced: Traced[] = heads.map((head, index) => {
    const cells = [head]
    let joinCell = -1
    let main = -1
    let c = head
    streamOf[head] = index
    for (;;) {
      const d = down[c]
      if (d < 0 || lakeCell[d]) {
        if (d >= 0) cells.push(d)
        break
      }
      cells.push(d)
      if (mainCell[d] >= 0) {
        main = mainCell[d]
        break
      }
      if (mainUp[d] !== c) {
        joinCell = d
        break
      }
      streamOf[d] = index
      c = d
    }
    return { cells, joinCell, main }
  })
  const kept = new Map<number, number>()
  traced.forEach((t, k) => {
    if (t.cells.length >= 3) kept.set(k, kept.size)
  })
  const streams: Stream[] = []
  traced.forEach((t, k) => {
    const index = kept.get(k)
    if (index === undefined) return
    const { cells } = t
    let joins: Stream['joins'] = { outlet: true }
    if (t.main >= 0) joins = { main: mainRivers[t.main].id }
    else if (t.joinCell >= 0) {
      const target = kept.get(streamOf[t.joinCell])
      if (target !== undefined) joins = { stream: target }
    }
    // Cell centres, nudged a little, smoothed; the end snaps onto the main river it joins.
    const pts = cells.map((cell, m) => {
      const p = grid.center(cell)
      return m === 0 || m === cells.length - 1 ? p : offset(p, rng.float(0, 45), rng.float(0, 2 * Math.PI))
    })
    if (t.main >= 0) {
      const line = mainRivers[t.main].line
      pts[pts.length - 1] = line[nearestOnLine(pts[pts.length - 1], line).index]
    }
    streams.push({
      index,
      line: chaikin(pts, 2),
      areaKm2: acc[cells[cells.length - 2]],
      sourceElevation: elevation[cells[0]],
      joins,
    })
  })
  return streams
}

export const hillDistricts = [ANJI, DEQING, CHANGXING, WUXING]

/** Distance helper re-exported for the generators. */
export { distance }
