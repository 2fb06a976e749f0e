import { createRequire } from 'node:module'
import type { Db, Queryable } from '../db/db.ts'
import { badRequest, conflict, unprocessable } from '../errors.ts'
import { type PlaceLayerId, placeLayers } from './layers.ts'

/**
 * GeoJSON uploads into a place layer (POST /api/import/:layer).
 *
 * The upload is checked in three passes, and every problem found is reported, not just the first:
 * 1. structure, with geojson-validation, and the properties, ids, coordinate ranges and geometry
 *    type, in TypeScript (`reviewFeatures`, no database needed);
 * 2. what only PostGIS can say: emptiness and validity (ST_IsValidReason), in one query over all the
 *    geometries that passed pass 1, so ST_GeomFromGeoJSON only ever sees well-formed input;
 * 3. ids that already belong to a place of another kind (ids are unique across all place layers).
 * Only when nothing was found are the features written: one statement, in one transaction, that
 * updates the ids already in the layer and inserts the others.
 */

/** geojson-validation is CommonJS without types; these are the checks used here, in trace mode (messages). */
interface GeoJsonValidation {
  isFeature(value: unknown, trace: true): string[]
  isFeatureCollection(value: unknown, trace: true): string[]
  isGeometryObject(value: unknown, trace: true): string[]
}
const gjv = createRequire(import.meta.url)('geojson-validation') as GeoJsonValidation

export type PlaceKind = (typeof placeLayers)[PlaceLayerId]

/** One problem with one feature of an upload; `index` is the feature's 0-based place in `features`. */
export interface ImportProblem {
  index: number
  id?: string
  reason: string
}

export interface ImportResult {
  imported: number
  created: number
  updated: number
}

/** The place row one feature becomes, before the database fills in the district and the defaults. */
export interface PlaceInput {
  id: string
  name_zh: string
  name_en: string
  /** Absent: the district is looked up from the geometry. */
  district_code: number | null
  /** Absent: the kind's default for a new place; an updated place keeps its target. */
  patrol_every_days: number | null
  /** The feature's other properties, kept as they came. */
  properties: Record<string, unknown>
  /** Only `type` and `coordinates` (a `crs` member or other extras are dropped). */
  geometry: GeoJsonGeometry
}

interface GeoJsonGeometry {
  type: string
  coordinates: unknown
}

const lines = ['LineString', 'MultiLineString'] as const
const polygons = ['Polygon', 'MultiPolygon'] as const

/** The geometry types each place layer takes. */
export const layerGeometryTypes: Record<PlaceLayerId, readonly string[]> = {
  rivers: lines,
  roads: lines,
  lakes: polygons,
  reservoirs: polygons,
  forests: polygons,
  mines: polygons,
  projects: polygons,
  scenic: polygons,
  water_sources: polygons,
  markets: ['Point', 'MultiPoint', ...polygons],
}

/**
 * How often a new place is to be patrolled when the upload does not say (days); the same targets
 * as the demo world's (data/demo/places-water.ts) for its larger places.
 */
export const defaultPatrolEveryDays: Record<PlaceKind, number> = {
  river: 7,
  lake: 7,
  reservoir: 3,
  forest: 14,
  mine: 14,
  market: 7,
  road: 14,
  project: 14,
  scenic: 7,
  water_source: 3,
}

/**
 * Longitudes the database can store: every place keeps a metric copy in CGCS2000 / Gauss-Krüger
 * CM 120E (EPSG:4549), and PROJ refuses to project points about 80° or more from 120°E near the equator
 * (the insert would fail). 60..180 keeps a safe margin and covers all of China and more.
 */
export const projectableLongitudes = [60, 180] as const

/** The GeoJSON geometry types (RFC 7946). */
const geometryTypes = new Set([
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
  'GeometryCollection',
])

/** Property names that fill columns of `places`; the others are kept in `places.properties`. */
const columnProperties = ['id', 'name_zh', 'name_en', 'district_code', 'patrol_every_days']

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** A value as a person would recognise it in their file: `"weekly"`, `3.5`, `null`, `an object`. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return 'an array'
  if (isObject(value)) return 'an object'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}

/** "a or b", "a, b or c" */
const orList = (items: readonly string[]) =>
  items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`

/** A number rounded for a message: 119.600000001 → 119.6. */
const round = (n: number) => String(Math.round(n * 1e6) / 1e6)

/**
 * The features of an upload, or a 400 that says why the body is not a FeatureCollection.
 * An empty FeatureCollection is a 400 as well: there is nothing to import, and no feature to blame.
 */
export function readFeatureCollection(body: unknown): unknown[] {
  if (typeof body === 'string') {
    throw badRequest(
      'the body must be a GeoJSON FeatureCollection, got a string; send the FeatureCollection as application/json or application/geo+json',
    )
  }
  if (!isObject(body)) {
    throw badRequest(
      `the body must be a GeoJSON FeatureCollection (a JSON object), got ${Array.isArray(body) ? 'an array' : shown(body)}`,
    )
  }
  if (body.type === 'Feature' || (typeof body.type === 'string' && geometryTypes.has(body.type))) {
    throw badRequest(
      `the body is a single ${body.type}; wrap it in a FeatureCollection: {"type": "FeatureCollection", "features": [...]}`,
    )
  }
  // The collection without its features: those are checked one by one, so each problem gets its index.
  const errors = safely(() => gjv.isFeatureCollection({ ...body, features: [] }, true))
  if (errors.length > 0 || !Array.isArray(body.features)) {
    const reasons = Array.isArray(body.features) ? errors : [...errors, '"features" must be an array']
    throw badRequest(`the body is not a GeoJSON FeatureCollection: ${reasons.join('; ')}`)
  }
  if (body.features.length === 0) {
    throw badRequest('the FeatureCollection has no features; there is nothing to import')
  }
  return body.features
}

/** geojson-validation's messages; it throws on some malformed input (e.g. an empty ring), which is a message too. */
function safely(check: () => string[]): string[] {
  try {
    return check()
  } catch {
    return ['the coordinates are malformed (expected nested arrays of [longitude, latitude] positions)']
  }
}

/** What the checks in TypeScript found: problems, and one place (or undefined) per feature. */
export interface FeatureReview {
  problems: ImportProblem[]
  /** The feature as a place row, where its id, names and properties are usable. */
  places: (PlaceInput | undefined)[]
  /** Features whose geometry is well-formed, in range and so ready for PostGIS's checks. */
  geometries: { index: number; geometry: GeoJsonGeometry }[]
}

/**
 * Checks every feature of an upload for one layer without the database: GeoJSON structure
 * (geojson-validation), id, names and typed properties, duplicate ids, coordinate ranges and
 * the layer's geometry type. One problem per thing to fix; the reason says what and where.
 */
export function reviewFeatures(layer: PlaceLayerId, features: readonly unknown[]): FeatureReview {
  const problems: ImportProblem[] = []
  const places: (PlaceInput | undefined)[] = []
  const geometries: FeatureReview['geometries'] = []
  const firstIndexOf = new Map<string, number>()

  features.forEach((feature, index) => {
    const problem = (reason: string, id?: string) =>
      problems.push({ index, ...(id === undefined ? {} : { id }), reason: `feature ${index}: ${reason}` })

    if (!isObject(feature)) {
      problem(`is not a GeoJSON Feature object, got ${shown(feature)}`)
      places.push(undefined)
      return
    }
    const properties = feature.properties ?? {}
    if (!isObject(properties)) {
      problem(`"properties" must be an object, got ${shown(properties)}`)
    }
    const props = isObject(properties) ? properties : {}

    // The feature's own members (type, bbox); geometry and properties are judged below.
    const structure = safely(() => gjv.isFeature({ ...feature, properties: {}, geometry: null }, true))
    const id = readId(feature, props)
    const shownId = typeof id === 'string' ? id : undefined
    if (structure.length > 0) problem(`is not a valid GeoJSON Feature: ${structure.join('; ')}`, shownId)

    if (typeof id !== 'string') {
      problem(id.problem)
    } else {
      const first = firstIndexOf.get(id)
      if (first === undefined) firstIndexOf.set(id, index)
      else problem(`duplicate id '${id}' (also at index ${first}); ids must be unique in an upload`, id)
    }

    const fields = readFields(props)
    for (const reason of fields.problems) problem(reason, shownId)

    const geometry = feature.geometry
    let usable: GeoJsonGeometry | undefined
    if (geometry === undefined || geometry === null) {
      problem('has no geometry; every place needs one', shownId)
    } else {
      const reasons = reviewGeometry(layer, geometry)
      for (const reason of reasons.problems) problem(reason, shownId)
      if (reasons.sound && isObject(geometry)) {
        usable = { type: String(geometry.type), coordinates: geometry.coordinates }
        geometries.push({ index, geometry: usable })
      }
    }

    places.push(
      typeof id === 'string' && fields.place && usable
        ? { id, ...fields.place, properties: otherProperties(props, fields.usedName), geometry: usable }
        : undefined,
    )
  })
  return { problems, places, geometries }
}

/** The feature's id: `feature.id`, else `properties.id`; a string or a number, kept as text. */
function readId(
  feature: Record<string, unknown>,
  props: Record<string, unknown>,
): string | { problem: string } {
  const candidates = [
    ['id', feature.id],
    ['properties.id', props.id],
  ].filter(([, value]) => value !== undefined && value !== null) as [string, unknown][]
  if (candidates.length === 0) {
    return { problem: 'has no id; give each feature an "id" (a string or number) or a properties.id' }
  }
  const texts: string[] = []
  for (const [where, value] of candidates) {
    if (typeof value === 'number' && Number.isFinite(value)) texts.push(String(value))
    else if (typeof value === 'string' && value.trim() !== '') texts.push(value)
    else return { problem: `${where} must be a non-empty string or a number, got ${shown(value)}` }
  }
  if (texts.length === 2 && texts[0] !== texts[1]) {
    return {
      problem: `id '${texts[0]}' and properties.id '${texts[1]}' differ; give one id, or the same in both places`,
    }
  }
  return texts[0] as string
}

/** Names, district and patrol target from the properties, with a problem for each one that is wrong. */
function readFields(props: Record<string, unknown>): {
  problems: string[]
  place?: Pick<PlaceInput, 'name_zh' | 'name_en' | 'district_code' | 'patrol_every_days'>
  usedName: boolean
} {
  const problems: string[] = []
  const given = (key: string) => props[key] !== undefined && props[key] !== null
  const text = (key: string) => {
    const value = props[key]
    if (typeof value === 'string' && value.trim() !== '') return value
    problems.push(`properties.${key} must be a non-empty string, got ${shown(value)}`)
    return undefined
  }

  let nameZh: string | undefined
  const usedName = !given('name_zh') && given('name')
  if (given('name_zh')) nameZh = text('name_zh')
  else if (given('name')) nameZh = text('name')
  else problems.push('has no name; give properties.name_zh (or properties.name), a non-empty string')
  const nameEn = given('name_en') ? text('name_en') : nameZh

  // Optional whole numbers: absent or null → null (filled in later); anything else must fit.
  const wholeNumber = (key: string, max: number, expected: string): number | null => {
    if (!given(key)) return null
    const value = props[key]
    if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= max) return value
    problems.push(`properties.${key} must be ${expected}, got ${shown(value)}`)
    return null
  }
  const districtCode = wholeNumber(
    'district_code',
    2 ** 31 - 1,
    'a positive integer (an adcode such as 330523)',
  )
  const patrolEveryDays = wholeNumber('patrol_every_days', 36500, 'a positive whole number of days')

  if (problems.length > 0 || nameZh === undefined || nameEn === undefined) return { problems, usedName }
  return {
    problems,
    place: {
      name_zh: nameZh,
      name_en: nameEn,
      district_code: districtCode,
      patrol_every_days: patrolEveryDays,
    },
    usedName,
  }
}

/** The properties that do not fill a column (and `name`, when it stood in for name_zh). */
function otherProperties(props: Record<string, unknown>, usedName: boolean): Record<string, unknown> {
  const others: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(props)) {
    if (columnProperties.includes(key) || (usedName && key === 'name')) continue
    others[key] = value
  }
  return others
}

/**
 * Structure (geojson-validation), the layer's geometry type and the coordinate ranges of one geometry.
 * `sound` when PostGIS can be given it: well-formed and every position in range.
 */
function reviewGeometry(layer: PlaceLayerId, geometry: unknown): { problems: string[]; sound: boolean } {
  const problems: string[] = []
  const type = isObject(geometry) ? geometry.type : undefined
  const accepted = layerGeometryTypes[layer]
  if (typeof type === 'string' && geometryTypes.has(type) && !accepted.includes(type)) {
    problems.push(`geometry is a ${type}, but the ${layer} layer takes ${orList(accepted)}`)
  }
  const structure = safely(() => gjv.isGeometryObject(geometry, true))
  if (structure.length > 0) {
    const shownErrors = structure.slice(0, 3).map(withCoordinatePath).join('; ')
    const more = structure.length > 3 ? ` (and ${structure.length - 3} more)` : ''
    problems.push(`geometry is not valid GeoJSON: ${shownErrors}${more}`)
    return { problems, sound: false }
  }
  if (type === 'GeometryCollection') return { problems, sound: false }

  const range = coordinateProblems((geometry as GeoJsonGeometry).coordinates)
  problems.push(...range)
  return { problems, sound: range.length === 0 }
}

/** geojson-validation's 'at 0: at 1: Position must…' as 'coordinates[0][1]: position must…'. */
function withCoordinatePath(message: string): string {
  const match = /^((?:at \d+: )+)(.*)$/.exec(message)
  if (!match) return message
  const path = [...(match[1] as string).matchAll(/\d+/g)].map((m) => `[${m[0]}]`).join('')
  const rest = match[2] as string
  return `coordinates${path}: ${rest.charAt(0).toLowerCase()}${rest.slice(1)}`
}

/**
 * The first longitude and the first latitude out of range, each as one problem. Positions are
 * [longitude, latitude] in degrees (RFC 7946); a latitude beyond ±90 that would be a fine
 * longitude usually means the pair is swapped.
 */
function coordinateProblems(coordinates: unknown): string[] {
  let badLon: number | undefined
  let farLon: number | undefined
  let badLat: number | undefined
  const visit = (value: unknown) => {
    if (!Array.isArray(value)) return
    if (typeof value[0] === 'number') {
      const [lon, lat] = value as number[]
      if (lon === undefined || lat === undefined) return
      if (badLon === undefined && !(lon >= -180 && lon <= 180)) badLon = lon
      else if (farLon === undefined && !(lon >= projectableLongitudes[0] && lon <= projectableLongitudes[1]))
        farLon = lon
      if (badLat === undefined && !(lat >= -90 && lat <= 90)) badLat = lat
      return
    }
    for (const item of value) visit(item)
  }
  visit(coordinates)

  const problems: string[] = []
  if (badLon !== undefined) problems.push(`longitude ${round(badLon)} is outside -180..180`)
  if (badLat !== undefined) {
    const swapped =
      Math.abs(badLat) <= 180 ? ' (are longitude and latitude swapped? GeoJSON is [lon, lat])' : ''
    problems.push(`latitude ${round(badLat)} is outside -90..90${swapped}`)
  }
  // Too far from 120°E only matters once the coordinates are degrees at all (a swapped pair is both).
  if (badLon === undefined && badLat === undefined && farLon !== undefined) {
    problems.push(
      `longitude ${round(farLon)} is too far from Huzhou: places are measured in CGCS2000 / Gauss-Krüger 120°E ` +
        `(EPSG:4549), which takes longitudes ${projectableLongitudes[0]}..${projectableLongitudes[1]}`,
    )
  }
  return problems
}

/**
 * Asks PostGIS, in one query over all the given geometries, which are empty or invalid.
 * The geometries passed the checks of `reviewFeatures`, so ST_GeomFromGeoJSON does not raise on them;
 * should it still, each geometry is tried on its own so the one at fault gets the reason.
 * Run it on the database, not inside a transaction: on PostgreSQL a failed statement spoils the transaction.
 */
export async function geometryProblems(
  db: Queryable,
  geometries: FeatureReview['geometries'],
): Promise<ImportProblem[]> {
  if (geometries.length === 0) return []
  // One row per geometry: is it empty, and PostGIS's reason when invalid ('Valid Geometry' otherwise),
  // e.g. 'Self-intersection[119.6 30.5]' with the place it found the problem.
  const sql = `
    SELECT f.index, ST_IsEmpty(g.geom) AS empty, ST_IsValidReason(g.geom) AS reason
    FROM jsonb_to_recordset($1::jsonb) AS f("index" integer, geometry jsonb)
    CROSS JOIN LATERAL (SELECT ST_GeomFromGeoJSON(f.geometry) AS geom) AS g
    ORDER BY f.index`
  type Row = { index: number; empty: boolean; reason: string }
  let rows: Row[]
  try {
    rows = await db.query<Row>(sql, [JSON.stringify(geometries)])
  } catch {
    rows = []
    const failed: ImportProblem[] = []
    for (const item of geometries) {
      try {
        rows.push(...(await db.query<Row>(sql, [JSON.stringify([item])])))
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        failed.push({
          index: item.index,
          reason: `feature ${item.index}: PostGIS cannot read the geometry: ${message}`,
        })
      }
    }
    return [...failed, ...rows.flatMap(rowProblem)]
  }
  return rows.flatMap(rowProblem)
}

function rowProblem(row: { index: number; empty: boolean; reason: string }): ImportProblem[] {
  if (row.empty) return [{ index: row.index, reason: `feature ${row.index}: geometry is empty` }]
  if (row.reason === 'Valid Geometry') return []
  return [{ index: row.index, reason: `feature ${row.index}: ${invalidityReason(row.reason)}` }]
}

/** 'Self-intersection[119.6 30.5]' → 'geometry is invalid: self-intersection at or near point 119.6 30.5; …' */
export function invalidityReason(reason: string): string {
  const match = /^(.*?)\s*\[\s*(\S+)\s+(\S+)\s*\]$/.exec(reason)
  const what = match ? (match[1] as string) : reason
  const where = match ? ` at or near point ${round(Number(match[2]))} ${round(Number(match[3]))}` : ''
  return `geometry is invalid: ${what.toLowerCase()}${where}; fix it in your GIS (e.g. QGIS "Fix geometries") and upload again`
}

/** Ids of the upload that belong to places of another kind; ids are unique across the place layers. */
async function kindConflicts(db: Queryable, kind: PlaceKind, places: FeatureReview['places']) {
  const ids = places.flatMap((p) => (p ? [p.id] : []))
  if (ids.length === 0) return []
  const rows = await db.query<{ id: string; kind: string }>(
    `SELECT id, kind FROM places
     WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)) AND kind <> $2`,
    [JSON.stringify(ids), kind],
  )
  const kindOf = new Map(rows.map((r) => [r.id, r.kind]))
  const layerOf = new Map(Object.entries(placeLayers).map(([layer, k]) => [k as string, layer]))
  return places.flatMap((place, index): ImportProblem[] => {
    const other = place && kindOf.get(place.id)
    if (!place || !other) return []
    return [
      {
        index,
        id: place.id,
        reason: `feature ${index}: id '${place.id}' is already a ${other} (layer ${layerOf.get(other)}); ids are unique across the place layers, so give this feature another id`,
      },
    ]
  })
}

/** Everything wrong with an upload, in feature order, plus the places it would write. */
async function examine(db: Queryable, layer: PlaceLayerId, features: readonly unknown[]) {
  const review = reviewFeatures(layer, features)
  const found = [
    ...review.problems,
    ...(await geometryProblems(db, review.geometries)),
    ...(await kindConflicts(db, placeLayers[layer], review.places)),
  ]
  // Stable sort: by feature, and within a feature in the order of the checks above.
  const problems = found
    .map(({ index, id, reason }) => {
      const known = id ?? review.places[index]?.id ?? idOf(features[index])
      return known === undefined ? { index, reason } : { index, id: known, reason }
    })
    .sort((a, b) => a.index - b.index)
  return { problems, places: review.places }
}

/** The id a feature claims, for the problem list, when it is usable. */
function idOf(feature: unknown): string | undefined {
  if (!isObject(feature)) return undefined
  const id = readId(feature, isObject(feature.properties) ? feature.properties : {})
  return typeof id === 'string' ? id : undefined
}

/** Every problem of an upload for a layer (empty when it can be imported). Needs PostGIS for validity. */
export async function validatePlaceFeatures(
  db: Queryable,
  layer: PlaceLayerId,
  features: readonly unknown[],
): Promise<ImportProblem[]> {
  return (await examine(db, layer, features)).problems
}

/**
 * Imports a FeatureCollection into a place layer: all or nothing. Throws a 400 when the body is not a
 * FeatureCollection (or has no features), a 422 listing every problem when any feature is wrong.
 * Ids already in the layer are updated (geometry, names, district, properties; the patrol target only
 * when the upload gives one), the others are created.
 */
export async function importPlaces(db: Db, layer: PlaceLayerId, body: unknown): Promise<ImportResult> {
  const features = readFeatureCollection(body)
  const { problems, places } = await examine(db, layer, features)
  if (problems.length > 0) {
    const count = new Set(problems.map((p) => p.index)).size
    throw unprocessable(
      `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} in ${count} of ${features.length} ` +
        `${features.length === 1 ? 'feature' : 'features'}; nothing was imported`,
      problems,
    )
  }
  const rows = places as PlaceInput[]
  const kind = placeLayers[layer]
  const counts = await db.transaction(async (tx) => {
    const [row] = await tx.query<{ created: number; updated: number }>(upsertPlacesSql, [
      JSON.stringify(rows),
      kind,
      defaultPatrolEveryDays[kind],
    ])
    if (!row || row.created + row.updated !== rows.length) {
      // Only when another import took some of these ids for another kind between the check and the write.
      throw conflict(
        'some ids were taken by another import at the same time; nothing was imported, try again',
      )
    }
    return row
  })
  return { imported: rows.length, created: counts.created, updated: counts.updated }
}

/**
 * The write, as one statement over the whole upload ($1: the places as a JSON array, $2: the kind,
 * $3: the kind's default patrol target). All CTEs see the table as it was before the statement, so
 * `updated` takes the ids already in this layer and `inserted` exactly the ids not in the table yet;
 * an id of another kind is in neither, which the caller notices in the counts.
 */
const upsertPlacesSql = `
  WITH upload AS (
    SELECT u.id, u.name_zh, u.name_en, u.district_code, u.patrol_every_days, u.properties,
           ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(u.geometry)), 4326) AS geom
    FROM jsonb_to_recordset($1::jsonb) AS u(id text, name_zh text, name_en text, district_code integer,
                                             patrol_every_days integer, properties jsonb, geometry jsonb)
  ),
  -- A place without a district_code gets the district containing its point-on-surface (a point that
  -- lies on the geometry itself, unlike the centroid of a bent river); none outside Huzhou.
  located AS (
    SELECT upload.*, coalesce(upload.district_code, (
             SELECT b.adcode FROM boundaries b
             WHERE b.level = 'district' AND ST_Intersects(b.geom, ST_PointOnSurface(upload.geom))
             ORDER BY b.adcode LIMIT 1)) AS district
    FROM upload
  ),
  updated AS (
    UPDATE places p
    SET name_zh = l.name_zh, name_en = l.name_en, district_code = l.district,
        patrol_every_days = coalesce(l.patrol_every_days, p.patrol_every_days),
        properties = l.properties, geom = l.geom
    FROM located l
    WHERE p.id = l.id AND p.kind = $2
    RETURNING p.id
  ),
  inserted AS (
    INSERT INTO places (id, kind, name_zh, name_en, district_code, patrol_every_days, properties, geom)
    SELECT l.id, $2, l.name_zh, l.name_en, l.district, coalesce(l.patrol_every_days, $3::integer), l.properties, l.geom
    FROM located l
    WHERE NOT EXISTS (SELECT 1 FROM places p WHERE p.id = l.id)
    ON CONFLICT (id) DO NOTHING
    RETURNING id
  )
  SELECT (SELECT count(*) FROM inserted)::integer AS created, (SELECT count(*) FROM updated)::integer AS updated`
