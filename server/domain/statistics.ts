/**
 * Spatial and trend statistics for hotspots, as plain functions over numbers (no database):
 * the standard normal distribution, Getis-Ord Gi* with binary weights, and the Mann-Kendall test.
 * docs/hotspots.md explains how the API uses them.
 */

/**
 * The standard normal cumulative distribution Φ(z), by Hart's double-precision rational
 * approximation (Hart 1968, as given by West 2005): absolute error below 1e-14 over the whole line.
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN
  const x = Math.abs(z)
  let tail: number
  if (x > 37) {
    tail = 0
  } else {
    const e = Math.exp((-x * x) / 2)
    if (x < 7.07106781186547) {
      let num = 3.52624965998911e-2 * x + 0.700383064443688
      num = num * x + 6.37396220353165
      num = num * x + 33.912866078383
      num = num * x + 112.079291497871
      num = num * x + 221.213596169931
      num = num * x + 220.206867912376
      let den = 8.83883476483184e-2 * x + 1.75566716318264
      den = den * x + 16.064177579207
      den = den * x + 86.7807322029461
      den = den * x + 296.564248779674
      den = den * x + 637.333633378831
      den = den * x + 793.826512519948
      den = den * x + 440.413735824752
      tail = (e * num) / den
    } else {
      // Continued fraction for the far tail.
      let cf = x + 0.65
      cf = x + 4 / cf
      cf = x + 3 / cf
      cf = x + 2 / cf
      cf = x + 1 / cf
      tail = e / cf / 2.506628274631
    }
  }
  return z > 0 ? 1 - tail : tail
}

/** Two-sided p-value of a standard normal z: P(|Z| ≥ |z|). */
export const twoSidedP = (z: number): number => Math.min(1, 2 * normalCdf(-Math.abs(z)))

/**
 * Who neighbours whom, as compressed rows: the neighbours of cell i are `index[start[i]]` up to
 * `index[start[i + 1]]` (exclusive). Two typed arrays instead of an array per cell: a city's study
 * area has ~15 k cells, and an array each was ~2.5 MB of garbage per hotspot request.
 */
export interface NeighbourTable {
  start: Uint32Array
  index: Uint32Array
}

/** A NeighbourTable from one list of neighbours per cell. */
export function neighbourTable(lists: readonly (readonly number[])[]): NeighbourTable {
  const start = new Uint32Array(lists.length + 1)
  const index = new Uint32Array(lists.reduce((total, list) => total + list.length, 0))
  let k = 0
  lists.forEach((list, i) => {
    start[i] = k
    for (const j of list) index[k++] = j
  })
  start[lists.length] = k
  return { start, index }
}

/**
 * Getis-Ord Gi* for every cell, with binary weights: each cell's neighbourhood is itself plus its
 * neighbours in `neighbours` (indices into `values`; the cell itself must not be listed).
 *
 *   Gi* = (Σj wij xj − X̄ Σj wij) / (S √((n Σj wij² − (Σj wij)²) / (n − 1)))
 *
 * with X̄ the mean and S the population standard deviation (divisor n) of all n values. With binary
 * weights Σ wij = Σ wij² = Wi, the number of cells in the neighbourhood. The result is a z-score.
 * Where it is undefined (fewer than 2 cells, all values equal, or a neighbourhood that is the whole
 * study area) the z-score is 0: nothing stands out.
 */
export function getisOrdGiStar(values: readonly number[], neighbours: NeighbourTable): number[] {
  const n = values.length
  const { start, index } = neighbours
  if (start.length !== n + 1)
    throw new Error(`getisOrdGiStar: ${n} values but ${start.length - 1} neighbour lists`)
  let sum = 0
  let sumSquares = 0
  for (const v of values) {
    sum += v
    sumSquares += v * v
  }
  const mean = n > 0 ? sum / n : 0
  const variance = n > 0 ? Math.max(0, sumSquares / n - mean * mean) : 0
  const s = Math.sqrt(variance)
  // Relative to the size of the values, a spread this small is rounding noise: all values are equal.
  const flat = n < 2 || s <= 1e-12 * Math.max(1, Math.abs(mean))
  return values.map((v, i) => {
    if (flat) return 0
    const first = start[i] as number
    const end = start[i + 1] as number
    let local = v
    for (let k = first; k < end; k++) local += values[index[k] as number] as number
    const w = end - first + 1
    const spread = (n * w - w * w) / (n - 1)
    if (spread <= 0) return 0
    return (local - mean * w) / (s * Math.sqrt(spread))
  })
}

/** Confidence classes of a Gi* z-score, as in ArcGIS's Hot Spot Analysis (Gi_Bin), hot to cold. */
export const hotspotClasses = ['hot99', 'hot95', 'hot90', 'none', 'cold90', 'cold95', 'cold99'] as const
export type HotspotClass = (typeof hotspotClasses)[number]

/** The class of a two-sided p-value and the sign of its z: hot99 when z > 0 and p < 0.01, and so on. */
export function hotspotClass(z: number, p: number): HotspotClass {
  if (z === 0 || !(p < 0.1)) return 'none'
  const level = p < 0.01 ? '99' : p < 0.05 ? '95' : '90'
  return `${z > 0 ? 'hot' : 'cold'}${level}` as HotspotClass
}

export interface MannKendall {
  /** S = Σ over pairs i < j of sign(xj − xi): positive when later values tend to be larger. */
  s: number
  /** Var(S) with the correction for ties: (n(n−1)(2n+5) − Σt t(t−1)(2t+5)) / 18, t the size of each tie group. */
  variance: number
  /** (S − 1)/√Var for S > 0, (S + 1)/√Var for S < 0 (continuity correction), 0 for S = 0. */
  z: number
  /** Two-sided p-value of z. */
  p: number
}

/**
 * The Mann-Kendall trend test of a series in time order (normal approximation, ties corrected).
 * A series shorter than 2, or with all values equal, has no trend: S = 0, z = 0, p = 1.
 */
export function mannKendall(series: readonly number[]): MannKendall {
  const n = series.length
  let s = 0
  for (let i = 0; i < n - 1; i++) {
    const xi = series[i] as number
    for (let j = i + 1; j < n; j++) s += Math.sign((series[j] as number) - xi)
  }
  const ties = new Map<number, number>()
  for (const x of series) ties.set(x, (ties.get(x) ?? 0) + 1)
  let tieTerm = 0
  for (const t of ties.values()) tieTerm += t * (t - 1) * (2 * t + 5)
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18
  if (variance <= 0 || s === 0) return { s, variance: Math.max(0, variance), z: 0, p: 1 }
  const z = (s > 0 ? s - 1 : s + 1) / Math.sqrt(variance)
  return { s, variance, z, p: twoSidedP(z) }
}

/**
 * Classes of emerging hot-spot analysis (after ArcGIS's Emerging Hot Spot Analysis, hot side only).
 * docs/hotspots.md states the rules; here they are, checked in this order:
 * - new: hot in the final step and in no earlier step;
 * - intensifying / persistent / diminishing: hot in the final step and in at least 90 % of the steps,
 *   with a significant upward / no significant / a significant downward Mann-Kendall trend;
 * - consecutive: hot in the final step, the hot steps form one unbroken run that ends there, and
 *   fewer than 90 % of the steps are hot;
 * - oscillating: hot in the final step, fewer than 90 % hot, and significantly cold in some step;
 * - sporadic: hot in the final step, fewer than 90 % hot, never cold;
 * - historical: not hot in the final step but hot in at least 90 % of the steps;
 * - none: anything else (never hot, or hot now and then but not in the final step).
 */
export type EmergingClass =
  | 'new'
  | 'intensifying'
  | 'persistent'
  | 'diminishing'
  | 'consecutive'
  | 'oscillating'
  | 'sporadic'
  | 'historical'
  | 'none'

/** The share of steps that makes a hot spot persistent (ArcGIS uses 90 %). */
export const persistentShare = 0.9

export type TrendDirection = 'up' | 'down' | 'none'

/** The direction of a Mann-Kendall result at level alpha (two-sided): up or down when p < alpha. */
export const trendDirection = (mk: MannKendall, alpha = 0.05): TrendDirection =>
  mk.p < alpha ? (mk.s > 0 ? 'up' : 'down') : 'none'

/**
 * The emerging hot-spot class of one cell, from whether it was a significant hot spot (`hot[t]`) and
 * a significant cold spot (`cold[t]`) in each step t (oldest first), and the direction of its trend.
 */
export function emergingClass(
  hot: readonly boolean[],
  cold: readonly boolean[],
  trend: TrendDirection,
): EmergingClass {
  const n = hot.length
  if (n === 0) return 'none'
  const hotSteps = hot.filter(Boolean).length
  const mostly = hotSteps >= persistentShare * n
  const final = hot[n - 1] === true
  if (!final) return mostly ? 'historical' : 'none'
  if (hotSteps === 1) return 'new'
  if (mostly) return trend === 'up' ? 'intensifying' : trend === 'down' ? 'diminishing' : 'persistent'
  const runStart = hot.lastIndexOf(false) + 1
  if (hotSteps === n - runStart) return 'consecutive'
  return cold.some(Boolean) ? 'oscillating' : 'sporadic'
}

/**
 * The indices of `values` from the largest value to the smallest, equal values in index order (a
 * stable descending sort; the values must not be NaN). A counting sort over the ranks of the
 * distinct values, which the engine's numeric sort of a typed array finds: sorting the indices with
 * a comparator took ~2 ms of a hotspot request (15 k cells, ~200 k calls).
 */
export function descendingOrder(values: Float64Array): Uint32Array {
  const n = values.length
  const distinct = Float64Array.from(values).sort()
  let m = 0
  for (let i = 0; i < n; i++) {
    const v = distinct[i] as number
    if (m === 0 || v !== distinct[m - 1]) distinct[m++] = v
  }
  // Rank 0 is the largest value; starts[r] is where rank r's indices begin in the order.
  const rankOf = new Uint32Array(n)
  const starts = new Uint32Array(m + 1)
  for (let i = 0; i < n; i++) {
    const rank = m - 1 - lowerBound(distinct, m, values[i] as number)
    rankOf[i] = rank
    starts[rank + 1] = (starts[rank + 1] as number) + 1
  }
  for (let r = 0; r < m; r++) starts[r + 1] = (starts[r + 1] as number) + (starts[r] as number)
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) {
    const rank = rankOf[i] as number
    order[starts[rank] as number] = i
    starts[rank] = (starts[rank] as number) + 1
  }
  return order
}

/** The first index below `length` of the ascending `sorted` whose value is not below `value`. */
function lowerBound(sorted: Float64Array, length: number, value: number): number {
  let lo = 0
  let hi = length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((sorted[mid] as number) < value) lo = mid + 1
    else hi = mid
  }
  return lo
}
