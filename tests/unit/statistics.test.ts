import { describe, expect, it } from 'vitest'
import {
  descendingOrder,
  emergingClass,
  getisOrdGiStar,
  hotspotClass,
  mannKendall,
  neighbourTable,
  normalCdf,
  trendDirection,
  twoSidedP,
} from '../../server/domain/statistics.ts'
import { seededRandom } from '../helpers/seeded-random.ts'

describe('normalCdf', () => {
  // Reference values: scipy.stats.norm.cdf.
  const reference: [number, number][] = [
    [-8, 6.22096057427174e-16],
    [-5, 2.866515718791933e-7],
    [-3, 0.0013498980316300933],
    [-1.959963984540054, 0.025],
    [-1, 0.15865525393145707],
    [0, 0.5],
    [0.3, 0.6179114221889526],
    [1, 0.8413447460685429],
    [1.6448536269514722, 0.95],
    [2.5758293035489, 0.995],
    [6, 0.9999999990134123],
  ]
  it.each(reference)('Φ(%d) = %d', (z, p) => {
    expect(Math.abs(normalCdf(z) - p)).toBeLessThan(1e-14)
    if (p < 1e-3) expect(normalCdf(z) / p).toBeCloseTo(1, 7)
  })

  it('is symmetric and saturates', () => {
    for (const z of [0.1, 0.7, 1.3, 2.2, 4.5]) expect(normalCdf(z) + normalCdf(-z)).toBeCloseTo(1, 14)
    expect(normalCdf(40)).toBe(1)
    expect(normalCdf(-40)).toBe(0)
  })

  it('gives the usual two-sided p-values', () => {
    expect(twoSidedP(1.959963984540054)).toBeCloseTo(0.05, 12)
    expect(twoSidedP(-2.5758293035489)).toBeCloseTo(0.01, 12)
    expect(twoSidedP(1.6448536269514722)).toBeCloseTo(0.1, 12)
    expect(twoSidedP(0)).toBe(1)
  })
})

describe('getisOrdGiStar', () => {
  it('matches a hand computation on a path of four cells', () => {
    // Cells a-b-c-d in a row, values 1, 2, 3, 10: n = 4, mean 4, S = √(114/4 − 16) = √12.5.
    // a: W = 2, Σ = 3,  z = (3 − 8)  / (√12.5 · √((4·2 − 4)/3)) = −5 / √(50/3)
    // b: W = 3, Σ = 6,  z = (6 − 12) / (√12.5 · √((4·3 − 9)/3)) = −6 / √12.5
    // c: W = 3, Σ = 15, z = 3 / √12.5;   d: W = 2, Σ = 13, z = 5 / √(50/3)
    const z = getisOrdGiStar([1, 2, 3, 10], neighbourTable([[1], [0, 2], [1, 3], [2]]))
    const expected = [
      -5 / Math.sqrt(50 / 3),
      -6 / Math.sqrt(12.5),
      3 / Math.sqrt(12.5),
      5 / Math.sqrt(50 / 3),
    ]
    z.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i] as number, 12)
    })
    expect(z[0]).toBeCloseTo(-1.2247448713915889, 12)
  })

  it('matches the general weighted formula on a small hexagon grid', () => {
    // A 5 × 4 patch of hexagons in axial coordinates, with a bump of counts in one corner.
    const cells: [number, number][] = []
    for (let q = 0; q < 5; q++) for (let r = 0; r < 4; r++) cells.push([q, r])
    const values = cells.map(([q, r]) => (q <= 1 && r <= 1 ? 6 + q + r : (q * 7 + r * 3) % 4))
    const isNeighbour = (a: [number, number], b: [number, number]) => {
      const dq = a[0] - b[0]
      const dr = a[1] - b[1]
      return (Math.abs(dq) + Math.abs(dr) + Math.abs(dq + dr)) / 2 === 1
    }
    const neighbours = cells.map((a, i) => cells.flatMap((b, j) => (i !== j && isNeighbour(a, b) ? [j] : [])))

    // Getis & Ord (1995) with an explicit weight matrix w[i][j] (1 for the cell itself and its neighbours).
    const n = values.length
    const mean = values.reduce((a, b) => a + b, 0) / n
    const s = Math.sqrt(values.reduce((a, b) => a + b * b, 0) / n - mean * mean)
    const reference = cells.map((a, i) => {
      const w = cells.map((b, j): number => (i === j || isNeighbour(a, b) ? 1 : 0))
      const sw = w.reduce((x, y) => x + y, 0)
      const sw2 = w.reduce((x, y) => x + y * y, 0)
      const local = w.reduce((x, wj, j) => x + wj * (values[j] as number), 0)
      return (local - mean * sw) / (s * Math.sqrt((n * sw2 - sw * sw) / (n - 1)))
    })
    const z = getisOrdGiStar(values, neighbourTable(neighbours))
    z.forEach((v, i) => {
      expect(v).toBeCloseTo(reference[i] as number, 12)
    })
    // The corner with the bump is the hottest cell's neighbourhood.
    expect(z.indexOf(Math.max(...z))).toBe(cells.findIndex(([q, r]) => q === 0 && r === 1))
  })

  it('gives 0 where nothing stands out', () => {
    expect(getisOrdGiStar([3, 3, 3], neighbourTable([[1], [0, 2], [1]]))).toEqual([0, 0, 0])
    expect(getisOrdGiStar([5], neighbourTable([[]]))).toEqual([0])
    expect(getisOrdGiStar([], neighbourTable([]))).toEqual([])
    // Two cells that are each other's neighbours: the neighbourhood is the whole study area.
    expect(getisOrdGiStar([1, 4], neighbourTable([[1], [0]]))).toEqual([0, 0])
  })

  it('refuses neighbour lists that do not fit the values', () => {
    expect(() => getisOrdGiStar([1, 2], neighbourTable([[1]]))).toThrow(/2 values but 1 neighbour lists/)
  })
})

describe('hotspotClass', () => {
  it('sorts z and p into the confidence classes', () => {
    expect(hotspotClass(3, twoSidedP(3))).toBe('hot99')
    expect(hotspotClass(2.2, twoSidedP(2.2))).toBe('hot95')
    expect(hotspotClass(1.7, twoSidedP(1.7))).toBe('hot90')
    expect(hotspotClass(1.6, twoSidedP(1.6))).toBe('none')
    expect(hotspotClass(-1.7, twoSidedP(-1.7))).toBe('cold90')
    expect(hotspotClass(-2, twoSidedP(-2))).toBe('cold95')
    expect(hotspotClass(-2.6, twoSidedP(-2.6))).toBe('cold99')
    expect(hotspotClass(0, 1)).toBe('none')
  })
})

describe('mannKendall', () => {
  it('matches a hand computation on a rising series', () => {
    // 1..5: every pair rises, S = 10; Var = 5·4·15/18 = 50/3; z = (10 − 1)/√(50/3).
    const mk = mannKendall([1, 2, 3, 4, 5])
    expect(mk.s).toBe(10)
    expect(mk.variance).toBeCloseTo(50 / 3, 12)
    expect(mk.z).toBeCloseTo(9 / Math.sqrt(50 / 3), 12)
    expect(mk.z).toBeCloseTo(2.2045407685048604, 12)
    expect(mk.p).toBeCloseTo(0.02748633611151, 10)
  })

  it('corrects the variance for ties', () => {
    // 0,0,1,0,2,3,3,5: S = 22 (24 rising pairs, 2 falling, 4 tied); ties: three 0s and two 3s,
    // Var = (8·7·21 − 3·2·11 − 2·1·9) / 18 = (1176 − 66 − 18) / 18 = 60.667; z = 21 / √60.667.
    const mk = mannKendall([0, 0, 1, 0, 2, 3, 3, 5])
    expect(mk.s).toBe(22)
    expect(mk.variance).toBeCloseTo(1092 / 18, 12)
    expect(mk.z).toBeCloseTo(21 / Math.sqrt(1092 / 18), 12)
    expect(mk.p).toBeCloseTo(0.007014583882081626, 10)
  })

  it('is symmetric for a falling series and flat for a constant one', () => {
    const down = mannKendall([5, 4, 3, 2, 1])
    expect(down.s).toBe(-10)
    expect(down.z).toBeCloseTo(-9 / Math.sqrt(50 / 3), 12)
    expect(mannKendall([2, 2, 2, 2])).toEqual({ s: 0, variance: 0, z: 0, p: 1 })
    expect(mannKendall([])).toEqual({ s: 0, variance: 0, z: 0, p: 1 })
  })

  it('reads a direction only when significant', () => {
    expect(trendDirection(mannKendall([1, 2, 3, 4, 5]))).toBe('up')
    expect(trendDirection(mannKendall([5, 4, 3, 2, 1]))).toBe('down')
    expect(trendDirection(mannKendall([1, 2, 3]))).toBe('none')
  })
})

describe('emergingClass', () => {
  const T = true
  const F = false
  const never = (n: number) => new Array<boolean>(n).fill(false)
  it('applies the rules in their order', () => {
    expect(emergingClass([F, F, F, F, T], never(5), 'none')).toBe('new')
    expect(emergingClass([T, T, T, T, T], never(5), 'up')).toBe('intensifying')
    expect(emergingClass([T, T, T, T, T], never(5), 'none')).toBe('persistent')
    expect(emergingClass([T, T, T, T, T], never(5), 'down')).toBe('diminishing')
    // 9 of 10 hot is "at least 90 %".
    expect(emergingClass([T, T, T, F, T, T, T, T, T, T], never(10), 'none')).toBe('persistent')
    expect(emergingClass([F, F, F, T, T], never(5), 'up')).toBe('consecutive')
    expect(emergingClass([T, F, F, T, T], never(5), 'none')).toBe('sporadic')
    expect(emergingClass([T, F, F, T, T], [F, T, F, F, F], 'none')).toBe('oscillating')
    expect(emergingClass([T, T, T, T, T, T, T, T, T, T, F], never(11), 'none')).toBe('historical')
    expect(emergingClass([F, T, T, F, F], never(5), 'up')).toBe('none')
    expect(emergingClass(never(5), never(5), 'up')).toBe('none')
  })
})

describe('descendingOrder', () => {
  it('orders indices from the largest value down, equal values in index order', () => {
    expect(Array.from(descendingOrder(Float64Array.of(1, 3, -2, 3, 0, -0, 1)))).toEqual([1, 3, 0, 6, 4, 5, 2])
    expect(Array.from(descendingOrder(new Float64Array(0)))).toEqual([])
  })

  it('gives what a comparator sort gives, for many ties', () => {
    const random = seededRandom(7)
    // z-scores as the hotspots have them: a few thousand cells, most on a handful of values.
    const values = Float64Array.from({ length: 5000 }, () =>
      random() < 0.7 ? Math.floor(random() * 5) - 2 : (random() - 0.5) * 8,
    )
    const expected = Array.from(values.keys()).sort(
      (a, b) => (values[b] as number) - (values[a] as number) || a - b,
    )
    expect(Array.from(descendingOrder(values))).toEqual(expected)
  })
})
