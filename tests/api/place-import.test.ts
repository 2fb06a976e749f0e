import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db/db.ts'
import type { PlaceLayerId } from '../../server/domain/layers.ts'
import {
  geometryProblems,
  importPlaces,
  readFeatureCollection,
  validatePlaceFeatures,
} from '../../server/domain/place-import.ts'
import { HttpError } from '../../server/errors.ts'
import { openTestDb } from '../helpers/test-db.ts'

// The validator and the import over a real database (PostGIS decides validity and emptiness);
// the checks that need no database are in tests/unit/place-import.test.ts.

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/import-${name}.geojson`, import.meta.url), 'utf8'))

let db: Db
beforeAll(async () => {
  db = await openTestDb()
})
afterAll(() => db?.close())

const validate = (name: string, layer: PlaceLayerId) =>
  validatePlaceFeatures(db, layer, readFeatureCollection(fixture(name)))

describe('validatePlaceFeatures', () => {
  it('finds nothing wrong in the valid files', async () => {
    expect(await validate('valid-rivers', 'rivers')).toEqual([])
    expect(await validate('tricky-names', 'markets')).toEqual([])
    expect(await validate('update-lake', 'lakes')).toEqual([])
  })

  it('reports empty geometries (which ST_IsValid calls valid)', async () => {
    expect(await validate('empty-geometry', 'reservoirs')).toEqual([
      { index: 0, id: 'empty-polygon', reason: 'feature 0: geometry is empty' },
      { index: 1, id: 'empty-multipolygon', reason: 'feature 1: geometry is empty' },
    ])
  })

  it('reports a self-intersecting polygon with the point PostGIS found', async () => {
    expect(await validate('self-intersecting', 'reservoirs')).toEqual([
      {
        index: 1,
        id: 'bowtie',
        reason: expect.stringMatching(
          /^feature 1: geometry is invalid: self-intersection at or near point 119\.6 30\.5; fix it/,
        ),
      },
    ])
  })

  it('reports a line that collapses to a point', async () => {
    const stub = {
      type: 'Feature',
      id: 'stub',
      geometry: {
        type: 'LineString',
        coordinates: [
          [119.6, 30.6],
          [119.6, 30.6],
        ],
      },
      properties: { name: 'stub' },
    }
    expect(await validatePlaceFeatures(db, 'rivers', [stub])).toEqual([
      {
        index: 0,
        id: 'stub',
        reason: expect.stringMatching(/too few points in geometry component at or near point 119\.6 30\.6/),
      },
    ])
  })

  it('reports an id that already belongs to a place of another layer', async () => {
    const [lake] = await db.query("SELECT id FROM places WHERE id = 'lake-taihu' AND kind = 'lake'")
    expect(lake, 'the test world has Taihu as lake-taihu').toBeDefined()
    expect(await validate('id-of-another-layer', 'rivers')).toEqual([
      {
        index: 0,
        id: 'lake-taihu',
        reason: expect.stringMatching(/id 'lake-taihu' is already a lake \(layer lakes\); ids are unique/),
      },
    ])
  })

  it('lists the problems of every pass in feature order', async () => {
    const problems = await validatePlaceFeatures(db, 'reservoirs', [
      ...(fixture('self-intersecting') as { features: unknown[] }).features,
      ...(fixture('empty-geometry') as { features: unknown[] }).features,
      { type: 'Feature', id: 'bowtie', geometry: null, properties: {} },
    ])
    expect(problems.map((p) => [p.index, p.id])).toEqual([
      [1, 'bowtie'],
      [2, 'empty-polygon'],
      [3, 'empty-multipolygon'],
      [5, 'bowtie'],
      [5, 'bowtie'],
      [5, 'bowtie'],
    ])
    expect(problems.slice(3).map((p) => p.reason)).toEqual([
      "feature 5: duplicate id 'bowtie' (also at index 1); ids must be unique in an upload",
      expect.stringMatching(/feature 5: has no name/),
      'feature 5: has no geometry; every place needs one',
    ])
  })
})

describe('geometryProblems', () => {
  it('asks PostGIS in one query and answers nothing for valid geometries', async () => {
    const square = {
      type: 'Polygon',
      coordinates: [
        [
          [119.5, 30.5],
          [119.6, 30.5],
          [119.6, 30.6],
          [119.5, 30.6],
          [119.5, 30.5],
        ],
      ],
    }
    expect(await geometryProblems(db, [{ index: 4, geometry: square }])).toEqual([])
    expect(await geometryProblems(db, [])).toEqual([])
  })

  it('blames the one geometry PostGIS cannot read instead of failing the whole upload', async () => {
    const fine = { type: 'Point', coordinates: [119.6, 30.6] }
    // Never produced by reviewFeatures (geojson-validation rejects it); stands in for whatever else
    // might make ST_GeomFromGeoJSON raise.
    const unreadable = { type: 'Polygone', coordinates: [] }
    const problems = await geometryProblems(db, [
      { index: 0, geometry: fine },
      { index: 1, geometry: unreadable },
    ])
    expect(problems).toEqual([
      { index: 1, reason: expect.stringMatching(/^feature 1: PostGIS cannot read the geometry: /) },
    ])
  })
})

describe('importPlaces', () => {
  const count = async (kind: string) =>
    (await db.query<{ n: number }>('SELECT count(*)::integer AS n FROM places WHERE kind = $1', [kind]))[0]?.n

  it('writes nothing when a feature is wrong, and says so with a 422', async () => {
    const before = await count('reservoir')
    const error = await importPlaces(db, 'reservoirs', fixture('self-intersecting')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).statusCode).toBe(422)
    expect((error as HttpError).message).toBe('1 problem in 1 of 2 features; nothing was imported')
    expect((error as HttpError).details).toHaveLength(1)
    expect(await count('reservoir')).toBe(before)
    expect(await db.query("SELECT id FROM places WHERE id = 'bowtie-ok'")).toEqual([])
  })

  it('creates, then updates, filling district and patrol target', async () => {
    const before = await count('river')
    expect(await importPlaces(db, 'rivers', fixture('valid-rivers'))).toEqual({
      imported: 3,
      created: 3,
      updated: 0,
    })
    expect(await count('river')).toBe(before + 3)
    const rows = await db.query(
      `SELECT id, name_zh, name_en, district_code, patrol_every_days, properties, ST_GeometryType(geom) AS type
       FROM places WHERE id IN ('import-river-xitiaoxi', '20240101', 'import-river-nanxi') ORDER BY id`,
    )
    expect(rows).toEqual([
      {
        id: '20240101',
        name_zh: '浑泥港',
        name_en: '浑泥港',
        district_code: 330523,
        patrol_every_days: 3,
        properties: {},
        type: 'ST_MultiLineString',
      },
      {
        id: 'import-river-nanxi',
        name_zh: '南溪',
        name_en: '南溪',
        district_code: 330523,
        patrol_every_days: 7,
        properties: { length_km: 9.5 },
        type: 'ST_LineString',
      },
      {
        id: 'import-river-xitiaoxi',
        name_zh: '西苕溪（上游）',
        name_en: 'Xitiao Stream (upper)',
        district_code: 330523,
        patrol_every_days: 7,
        properties: { source: 'survey 2024' },
        type: 'ST_LineString',
      },
    ])

    // The same ids again: updated, not duplicated; a patrol target not given is kept.
    const again = fixture('valid-rivers') as { features: { properties: Record<string, unknown> }[] }
    delete again.features[1]?.properties.patrol_every_days
    expect(await importPlaces(db, 'rivers', again)).toEqual({ imported: 3, created: 0, updated: 3 })
    expect(await count('river')).toBe(before + 3)
    const [kept] = await db.query("SELECT patrol_every_days FROM places WHERE id = '20240101'")
    expect(kept).toEqual({ patrol_every_days: 3 })
  })
})
