import type { Geometry } from 'geojson'
import { describe, expect, it } from 'vitest'
import type { PlaceFeature } from '../../client/analysis/place-shapes.ts'
import { previewRoute } from '../../client/analysis/route-preview.ts'

// Near Huzhou (30.9° N) one kilometre is about this many degrees.
const KM_LAT = 1 / 110.57
const KM_LON = 1 / (111.32 * Math.cos((30.9 * Math.PI) / 180))
const at = (eastKm: number, northKm: number) => [120 + eastKm * KM_LON, 30.9 + northKm * KM_LAT]

const place = (id: string, geometry: Geometry): PlaceFeature => ({
  type: 'Feature',
  geometry,
  properties: { id, kind: 'river', name_zh: id, name_en: id } as PlaceFeature['properties'],
})

// A river 2 km long running north; a square forest 1 km a side east of it; a market beside the river.
const river = place('river', { type: 'LineString', coordinates: [at(0, 0), at(0, 2)] })
const forest = place('forest', {
  type: 'Polygon',
  coordinates: [[at(1, 0), at(2, 0), at(2, 1), at(1, 1), at(1, 0)]],
})
const market = place('market', { type: 'Point', coordinates: at(0.15, 1.5) })
const places = [river, forest, market]

describe('previewRoute', () => {
  it('covers a river walked 100 m beside it along its whole length, and not one 30 km away', () => {
    const far = place('far', { type: 'LineString', coordinates: [at(30, 0), at(30, 2)] })
    const preview = previewRoute([at(0.1, -0.3), at(0.1, 2.3)], [...places, far], 200)
    const gain = preview.gains.find((g) => g.id === 'river')
    expect(gain?.measure).toBe('length')
    expect(gain?.share).toBeGreaterThan(0.99)
    // 2 km, to the 1 % between this test's degrees and turf's earth.
    expect(Math.abs((gain?.amount ?? 0) - 2000)).toBeLessThan(20)
    expect(preview.gains.map((g) => g.id)).not.toContain('far')
    expect(Math.abs(preview.length_m - 2600)).toBeLessThan(26)
  })

  it('covers the part of a river within R: a route along its first half covers about half', () => {
    const preview = previewRoute([at(0.05, -0.5), at(0.05, 1)], [river], 100)
    const gain = preview.gains[0]
    // Within 100 m of a route ending at 1 km north: the river up to 1 km plus the 100 m round the end.
    expect(gain?.share).toBeGreaterThan(0.5)
    expect(gain?.share).toBeLessThan(0.56)
  })

  it('covers about half of a square walked down its middle with R a quarter of its side', () => {
    const preview = previewRoute([at(1.5, -0.5), at(1.5, 1.5)], [forest], 250)
    const gain = preview.gains[0]
    expect(gain?.id).toBe('forest')
    expect(gain?.measure).toBe('area')
    // A band 500 m wide across a 1 km square: half of it, 0.5 km².
    expect(gain?.share).toBeCloseTo(0.5, 1)
    expect(gain?.amount).toBeGreaterThan(480_000)
    expect(gain?.amount).toBeLessThan(510_000)
  })

  it('visits a point within R, not one beyond it', () => {
    expect(previewRoute([at(0, 1), at(0, 2)], [market], 200).gains).toEqual([
      { id: 'market', measure: 'visit', share: 1, amount: 1 },
    ])
    expect(previewRoute([at(0, 1), at(0, 2)], [market], 100).gains).toEqual([])
  })

  it('lists the gains by share, most first, and has nothing for a route of one point', () => {
    const preview = previewRoute([at(0.1, 0), at(0.1, 1), at(1.2, 0.5)], places, 200)
    const shares = preview.gains.map((g) => g.share)
    expect(shares).toEqual([...shares].sort((a, b) => b - a))
    expect(previewRoute([at(0, 0)], places, 200)).toEqual({ length_m: 0, gains: [] })
  })
})
