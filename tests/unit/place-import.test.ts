import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { PlaceLayerId } from '../../server/domain/layers.ts'
import { invalidityReason, readFeatureCollection, reviewFeatures } from '../../server/domain/place-import.ts'
import { HttpError } from '../../server/errors.ts'

// The checks that need no database (structure, properties, ids, ranges, geometry type) on the
// fixtures; what PostGIS adds (emptiness, validity, ids of other layers) is in tests/api/place-import.test.ts.

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/import-${name}.geojson`, import.meta.url), 'utf8'))
const featuresOf = (name: string) => readFeatureCollection(fixture(name))

type Expected = [index: number, id: string | undefined, reason: RegExp]

const review = (name: string, layer: PlaceLayerId) => reviewFeatures(layer, featuresOf(name))

function expectProblems(name: string, layer: PlaceLayerId, expected: Expected[]) {
  const { problems } = review(name, layer)
  expect(problems.map((p) => p.reason)).toHaveLength(expected.length)
  expected.forEach(([index, id, reason], i) => {
    expect(problems[i]?.index).toBe(index)
    expect(problems[i]?.id).toBe(id)
    expect(problems[i]?.reason).toMatch(new RegExp(`^feature ${index}: `))
    expect(problems[i]?.reason).toMatch(reason)
  })
}

describe('readFeatureCollection', () => {
  it('returns the features of a FeatureCollection', () => {
    expect(featuresOf('valid-rivers')).toHaveLength(3)
  })

  it.each([
    ['a single Feature', fixture('not-feature-collection'), /single Feature; wrap it in a FeatureCollection/],
    ['a geometry', { type: 'Point', coordinates: [120, 30] }, /single Point/],
    ['null', null, /must be a GeoJSON FeatureCollection \(a JSON object\), got null/],
    ['an array', [], /got an array/],
    ['a string', 'rivers', /got a string; send the FeatureCollection as application\/json/],
    ['another type', { type: 'Topology', features: [] }, /type must be "FeatureCollection"/],
    ['no features member', { type: 'FeatureCollection' }, /"features" must be an array/],
    ['features not an array', { type: 'FeatureCollection', features: {} }, /"features" must be an array/],
    ['a bad bbox', { type: 'FeatureCollection', bbox: [1, 2, 3], features: [] }, /bbox/],
    [
      'no features',
      { type: 'FeatureCollection', features: [] },
      /has no features; there is nothing to import/,
    ],
  ])('rejects %s with a 400 that says why', (_, body, message) => {
    let error: unknown
    try {
      readFeatureCollection(body)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).statusCode).toBe(400)
    expect((error as HttpError).message).toMatch(message)
  })
})

describe('reviewFeatures', () => {
  it('finds nothing wrong in the valid files, and turns them into place rows', () => {
    for (const [name, layer] of [
      ['valid-rivers', 'rivers'],
      ['tricky-names', 'markets'],
      ['update-lake', 'lakes'],
    ] as const) {
      const result = review(name, layer)
      expect(result.problems, name).toEqual([])
      expect(result.places.every(Boolean), name).toBe(true)
      expect(
        result.geometries.map((g) => g.index),
        name,
      ).toEqual(result.places.map((_, i) => i))
    }
  })

  it('reads ids from feature.id or properties.id, names with fallbacks, and keeps other properties', () => {
    const [first, second, third] = review('valid-rivers', 'rivers').places
    expect(first).toMatchObject({
      id: 'import-river-xitiaoxi',
      name_zh: '西苕溪（上游）',
      name_en: 'Xitiao Stream (upper)',
      district_code: null,
      patrol_every_days: null,
      properties: { source: 'survey 2024' },
    })
    expect(second).toMatchObject({
      id: '20240101',
      name_zh: '浑泥港',
      name_en: '浑泥港',
      district_code: 330523,
      patrol_every_days: 3,
      properties: {},
    })
    expect(third).toMatchObject({ id: 'import-river-nanxi', name_zh: '南溪', properties: { length_km: 9.5 } })
    expect(third?.geometry).toEqual({
      type: 'LineString',
      coordinates: [
        [119.58, 30.68],
        [119.65, 30.65],
      ],
    })
  })

  it('keeps names exactly as given: spaces, quotes, commas, backslashes, Chinese', () => {
    const [hongfeng, obrien, zhili] = review('tricky-names', 'markets').places
    expect(hongfeng).toMatchObject({
      id: 'market hongfeng, 1',
      name_zh: '红丰 农贸市场（吴兴区）',
      name_en: `Hongfeng "Farmers'" Market, Wuxing`,
    })
    expect(obrien).toMatchObject({
      id: "market-o'brien",
      name_zh: `  O'Brien's "Fish" Stall; 2nd floor, back\\door  `,
      name_en: `  O'Brien's "Fish" Stall; 2nd floor, back\\door  `,
      properties: {},
    })
    expect(zhili?.id).toBe('market-织里')
  })

  it('reports features without geometry', () => {
    expectProblems('no-geometry', 'rivers', [
      [1, 'nogeom-null', /has no geometry/],
      [2, 'nogeom-missing', /has no geometry/],
    ])
  })

  it('reports coordinates out of range, with a hint for swapped pairs', () => {
    expectProblems('out-of-range', 'forests', [
      [0, 'range-lon', /longitude 199\.5 is outside -180\.\.180$/],
      [1, 'range-swapped', /latitude 119\.5 is outside -90\.\.90 \(are longitude and latitude swapped/],
    ])
  })

  it('reports longitudes the metric copy (EPSG:4549) cannot hold', () => {
    const far = {
      type: 'Feature',
      id: 'nyc',
      geometry: { type: 'Point', coordinates: [-73.98, 40.75] },
      properties: { name: 'Union Square' },
    }
    expect(reviewFeatures('markets', [far]).problems).toEqual([
      {
        index: 0,
        id: 'nyc',
        reason: expect.stringMatching(/longitude -73\.98 is too far from Huzhou.*60\.\.180/),
      },
    ])
  })

  it("reports geometry types the layer does not take, naming the layer's types", () => {
    expectProblems('wrong-geometry-type', 'rivers', [
      [0, 'type-point', /geometry is a Point, but the rivers layer takes LineString or MultiLineString$/],
      [1, 'type-polygon', /geometry is a Polygon, but the rivers layer takes LineString or MultiLineString$/],
    ])
    const point = { type: 'Point', coordinates: [120.02, 30.79] }
    const market = { type: 'Feature', id: 'm', geometry: point, properties: { name: 'm' } }
    expect(reviewFeatures('markets', [market]).problems).toEqual([])
    expect(reviewFeatures('lakes', [market]).problems[0]?.reason).toBe(
      'feature 0: geometry is a Point, but the lakes layer takes Polygon or MultiPolygon',
    )
  })

  it('reports each wrong-typed property on its own', () => {
    expectProblems('wrong-property-types', 'markets', [
      [
        0,
        'props-weekly',
        /properties\.patrol_every_days must be a positive whole number of days, got "weekly"/,
      ],
      [1, 'props-fraction', /properties\.district_code must be a positive integer .*, got 3\.5/],
      [2, 'props-number-name', /properties\.name_zh must be a non-empty string, got 42/],
      [3, 'props-zero-days', /properties\.patrol_every_days .*, got 0/],
      [4, 'props-three-wrongs', /has no name; give properties\.name_zh \(or properties\.name\)/],
      [4, 'props-three-wrongs', /properties\.name_en must be a non-empty string, got an array/],
      [4, 'props-three-wrongs', /properties\.district_code .*, got "330502"/],
    ])
  })

  it('reports every repeated id at its index, pointing to the first; 7 and "7" are the same id', () => {
    expectProblems('duplicate-ids', 'rivers', [
      [1, 'dup-a', /duplicate id 'dup-a' \(also at index 0\)/],
      [3, '7', /duplicate id '7' \(also at index 2\)/],
      [4, 'dup-a', /duplicate id 'dup-a' \(also at index 0\)/],
    ])
  })

  it('reports missing, ill-typed and contradictory ids', () => {
    expectProblems('missing-id', 'roads', [
      [0, undefined, /has no id; give each feature an "id"/],
      [1, undefined, /id must be a non-empty string or a number, got true/],
      [2, undefined, /id '12' and properties\.id 'road-12' differ/],
    ])
  })

  it("passes geojson-validation's structural findings on, with the place in the coordinates", () => {
    expectProblems('malformed-geometry', 'projects', [
      [
        0,
        'malformed-open-ring',
        /not valid GeoJSON: coordinates\[0\]: the first and last positions must be equivalent/,
      ],
      [
        1,
        'malformed-position',
        /not valid GeoJSON: coordinates\[0\]\[1\]: position must be at least two elements/,
      ],
      [2, 'malformed-type', /not valid GeoJSON: type must be one of/],
    ])
    const emptyRing = {
      type: 'Feature',
      id: 'e',
      geometry: { type: 'Polygon', coordinates: [[]] },
      properties: { name: 'e' },
    }
    expect(reviewFeatures('lakes', [emptyRing]).problems[0]?.reason).toMatch(/coordinates are malformed/)
  })

  it('reports a feature that is not an object, or has the wrong type or properties', () => {
    const line = {
      type: 'LineString',
      coordinates: [
        [119.55, 30.55],
        [119.65, 30.65],
      ],
    }
    const { problems } = reviewFeatures('rivers', [
      5,
      { type: 'feature', id: 'lower', geometry: line, properties: { name: 'x' } },
      { type: 'Feature', id: 'props', geometry: line, properties: ['x'] },
    ])
    expect(problems.map((p) => [p.index, p.reason])).toEqual([
      [0, 'feature 0: is not a GeoJSON Feature object, got 5'],
      [1, 'feature 1: is not a valid GeoJSON Feature: type must be "Feature"'],
      [2, 'feature 2: "properties" must be an object, got an array'],
      [2, expect.stringMatching(/feature 2: has no name/)],
    ])
  })

  it('hands PostGIS only the geometries that are well-formed and in range', () => {
    expect(review('no-geometry', 'rivers').geometries.map((g) => g.index)).toEqual([0])
    expect(review('out-of-range', 'forests').geometries.map((g) => g.index)).toEqual([2])
    expect(review('malformed-geometry', 'projects').geometries).toEqual([])
    expect(review('empty-geometry', 'reservoirs').geometries.map((g) => g.index)).toEqual([0, 1, 2])
  })
})

describe('invalidityReason', () => {
  it("rewords ST_IsValidReason's answer with the place it found", () => {
    expect(invalidityReason('Self-intersection[119.6 30.5]')).toMatch(
      /^geometry is invalid: self-intersection at or near point 119\.6 30\.5; fix it/,
    )
    expect(invalidityReason('Ring Self-intersection[119.600000000001 30.5]')).toMatch(
      /ring self-intersection at or near point 119\.6 30\.5/,
    )
    expect(invalidityReason('Nested shells')).toMatch(/^geometry is invalid: nested shells; fix it/)
  })
})
