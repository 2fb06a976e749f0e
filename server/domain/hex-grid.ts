/**
 * Hexagon maths for hotspot cells, in metres of EPSG:4549 (CGCS2000 / 3-degree Gauss-Krüger CM 120E).
 *
 * The grid is PostGIS's own ST_HexagonGrid grid anchored at the origin (0, 0): flat-topped hexagons
 * whose `size` is the EDGE length (= the circumradius, centre to corner). A hexagon of size s is 2s wide
 * (corner to corner, east-west), √3·s tall (flat side to flat side) and covers 3√3/2·s² square metres.
 *
 * Cells are named by axial coordinates (q, r): q counts columns eastwards, r counts cells northwards
 * within a column, and the centre of (q, r) is x = 1.5·s·q, y = √3·s·(r + q/2).
 * The same cell in ST_Hexagon's offset numbering is (i, j) = (q, r + floor(q/2)), so
 * `ST_Hexagon(s, q, r + floor(q/2))` draws it.
 *
 * A point is binned to the hexagon with the nearest centre, arithmetically (see hexOfPoint).
 * `hexBinSql` is the same arithmetic in SQL, operation for operation, so that the database's
 * GROUP BY and this file agree on every point.
 */

export interface Hex {
  q: number
  r: number
}

export const SQRT3 = Math.sqrt(3)

/** Area of one hexagon of edge `size`, in square metres. */
export const hexArea = (size: number): number => ((3 * SQRT3) / 2) * size * size

/** The key of a cell in maps and the GeoJSON feature id: "q,r". */
export const hexKey = (q: number, r: number): string => `${q},${r}`

// A cell as one number, for fast maps: both coordinates stay far below ±2^20 for any cell ≥ 1 m
// within EPSG:4549's range, and twice the number (hexLonLatRings' corner keys) stays below 2^53.
export const hexNumber = (q: number, r: number): number => (q + 1_048_576) * 2_097_152 + (r + 1_048_576)
export const hexOfNumber = (key: number): Hex => ({
  q: Math.floor(key / 2_097_152) - 1_048_576,
  r: (key % 2_097_152) - 1_048_576,
})

/**
 * The cell holding metric point (x, y): the hexagon with the nearest centre.
 *
 * In cube coordinates (q, r, s = −q − r) the hexagon of (Q, R, S) is where each of the three
 * differences d1 = q − r, d2 = r − s, d3 = s − q lies within 1 of the centre's (Q − R, R − S, S − Q),
 * so its edges run along lines where a difference is a whole number. Flooring the three differences
 * (i, j, k) names the triangle the point is in, and Q = round((i − k) / 3), R = round((j − i) / 3)
 * (the divisions leave thirds, never halves, so there are no ties). With x, y in units of the edge:
 * d1 = x − y/√3, d2 = 2y/√3, d3 = −x − y/√3. A point exactly on an edge goes to the side that
 * flooring picks; `hexBinSql` does the same arithmetic, so both sides always pick the same cell.
 */
export function hexOfPoint(x: number, y: number, size: number): Hex {
  const xs = x / size
  const ys = y / size
  const i = Math.floor(xs - ys / SQRT3)
  const j = Math.floor((2 * ys) / SQRT3)
  const k = Math.floor(-xs - ys / SQRT3)
  // `+ 0` turns a -0 (Math.round(-0.3)) into 0, so keys and comparisons never see a negative zero.
  return { q: Math.round((i - k) / 3) + 0, r: Math.round((j - i) / 3) + 0 }
}

/**
 * The same binning as `hexOfPoint`, as a SQL fragment that yields columns `q` and `r` (integers) for
 * metric coordinates `x` and `y` and edge length `size` (SQL expressions of double precision; fixed
 * text from the code, never user input). Use it as `CROSS JOIN LATERAL (${hexBinSql(...)}) AS hex`.
 * PostgreSQL inlines the nested selects, so `x` appears 3 times and `y` 4 times in the final
 * expression: pass column references or cheap expressions.
 */
export function hexBinSql(x: string, y: string, size: string): string {
  return `SELECT round((i - k) / 3)::integer AS q, round((j - i) / 3)::integer AS r
  FROM (SELECT floor(xs - ys / sqrt(3::float8)) AS i,
               floor((2 * ys) / sqrt(3::float8)) AS j,
               floor(-xs - ys / sqrt(3::float8)) AS k
          FROM (SELECT (${x})::float8 / (${size})::float8 AS xs,
                       (${y})::float8 / (${size})::float8 AS ys) AS scaled) AS floors`
}

/** Centre of a cell in metres. */
export function hexCentre(hex: Hex, size: number): [x: number, y: number] {
  return [1.5 * size * hex.q, SQRT3 * size * (hex.r + hex.q / 2)]
}

/**
 * The closed ring of a cell's six corners in metres, counter-clockwise from the east corner
 * (GeoJSON's winding for exterior rings).
 */
export function hexRing(hex: Hex, size: number): [number, number][] {
  const [cx, cy] = hexCentre(hex, size)
  const h = (SQRT3 / 2) * size
  const ring: [number, number][] = [
    [cx + size, cy],
    [cx + size / 2, cy + h],
    [cx - size / 2, cy + h],
    [cx - size, cy],
    [cx - size / 2, cy - h],
    [cx + size / 2, cy - h],
  ]
  ring.push(ring[0] as [number, number])
  return ring
}

/** Axial offsets of the six cells that share an edge with a cell. */
export const neighbourOffsets: readonly Hex[] = [
  { q: 1, r: 0 },
  { q: 1, r: -1 },
  { q: 0, r: -1 },
  { q: -1, r: 0 },
  { q: -1, r: 1 },
  { q: 0, r: 1 },
]

/** The six cells sharing an edge with `hex`. */
export const hexNeighbours = (hex: Hex): Hex[] =>
  neighbourOffsets.map((d) => ({ q: hex.q + d.q, r: hex.r + d.r }))

/** Number of steps between two cells (0 for the same cell, 1 for neighbours). */
export const hexDistance = (a: Hex, b: Hex): number =>
  (Math.abs(a.q - b.q) + Math.abs(a.r - b.r) + Math.abs(a.q + a.r - b.q - b.r)) / 2

// --- EPSG:4549 <-> lon/lat --------------------------------------------------------------------------
// Transverse Mercator on the CGCS2000 ellipsoid (a = 6378137, 1/f = 298.257222101), central meridian
// 120°E, scale 1, false easting 500 km: Krüger's series in n to the third order (as in the UTM
// formulas), accurate to well under a millimetre within a few degrees of the central meridian, which
// covers Huzhou. CGCS2000 and WGS84 coordinates are taken as equal, as PROJ does between the two.

const A_AXIS = 6378137
const FLATTENING = 1 / 298.257222101
const N = FLATTENING / (2 - FLATTENING)
const RECTIFYING = (A_AXIS / (1 + N)) * (1 + (N * N) / 4 + N ** 4 / 64)
const ALPHA = [
  N / 2 - (2 * N * N) / 3 + (5 * N ** 3) / 16,
  (13 * N * N) / 48 - (3 * N ** 3) / 5,
  (61 * N ** 3) / 240,
]
const BETA = [N / 2 - (2 * N * N) / 3 + (37 * N ** 3) / 96, (N * N) / 48 + N ** 3 / 15, (17 * N ** 3) / 480]
const DELTA = [2 * N - (2 * N * N) / 3 - 2 * N ** 3, (7 * N * N) / 3 - (8 * N ** 3) / 5, (56 * N ** 3) / 15]
const CENTRAL_MERIDIAN = (120 * Math.PI) / 180
const FALSE_EASTING = 500000
const E_TERM = (2 * Math.sqrt(N)) / (1 + N)
const DEG = Math.PI / 180

/** Longitude/latitude (degrees) to EPSG:4549 metres. */
export function lonLatToEpsg4549(lon: number, lat: number): [x: number, y: number] {
  const phi = lat * DEG
  const dl = lon * DEG - CENTRAL_MERIDIAN
  const t = Math.sinh(Math.atanh(Math.sin(phi)) - E_TERM * Math.atanh(E_TERM * Math.sin(phi)))
  const xi = Math.atan2(t, Math.cos(dl))
  const eta = Math.atanh(Math.sin(dl) / Math.sqrt(1 + t * t))
  let x = eta
  let y = xi
  for (let j = 1; j <= 3; j++) {
    const a = ALPHA[j - 1] as number
    x += a * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta)
    y += a * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta)
  }
  return [FALSE_EASTING + RECTIFYING * x, RECTIFYING * y]
}

/** EPSG:4549 metres to longitude/latitude (degrees). */
export function epsg4549ToLonLat(x: number, y: number): [lon: number, lat: number] {
  const xi = y / RECTIFYING
  const eta = (x - FALSE_EASTING) / RECTIFYING
  let xi1 = xi
  let eta1 = eta
  for (let j = 1; j <= 3; j++) {
    const b = BETA[j - 1] as number
    xi1 -= b * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta)
    eta1 -= b * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta)
  }
  const chi = Math.asin(Math.sin(xi1) / Math.cosh(eta1))
  let phi = chi
  for (let j = 1; j <= 3; j++) phi += (DELTA[j - 1] as number) * Math.sin(2 * j * chi)
  const lon = CENTRAL_MERIDIAN + Math.atan2(Math.sinh(eta1), Math.cos(xi1))
  return [lon / DEG, phi / DEG]
}

/**
 * A maker of cells' hexagons as GeoJSON polygon rings in lon/lat (counter-clockwise from the east
 * corner, closed), rounded to 1e-7° (about 1 cm). Each corner is projected once and remembered: a
 * corner is the east corner of one cell or the west corner of another and belongs to three cells,
 * so a patch of cells costs about two projections per cell instead of six, and neighbours share
 * their corners exactly. Keep one maker per grid for as long as its cells are drawn.
 */
export function hexLonLatRings(size: number): (hex: Hex) => [number, number][] {
  const corners = new Map<number, [number, number]>()
  /** The east (side 1) or west (side -1) corner of cell (q, r). */
  const corner = (q: number, r: number, side: 1 | -1): [number, number] => {
    const key = 2 * hexNumber(q, r) + (side === 1 ? 1 : 0)
    let lonLat = corners.get(key)
    if (!lonLat) {
      const [x, y] = hexCentre({ q, r }, size)
      const [lon, lat] = epsg4549ToLonLat(x + side * size, y)
      lonLat = [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7]
      corners.set(key, lonLat)
    }
    return lonLat
  }
  // The corners of hexRing's order as east and west corners of the cell and its neighbours.
  return ({ q, r }) => {
    const east = corner(q, r, 1)
    return [
      east,
      corner(q + 1, r, -1),
      corner(q - 1, r + 1, 1),
      corner(q, r, -1),
      corner(q - 1, r, 1),
      corner(q + 1, r - 1, -1),
      east,
    ]
  }
}

/** One cell's hexagon as a GeoJSON polygon ring in lon/lat (see hexLonLatRings). */
export const hexLonLatRing = (hex: Hex, size: number): [number, number][] => hexLonLatRings(size)(hex)
