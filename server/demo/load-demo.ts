/**
 * Loads the real base data (data/base) and the seeded demo world (data/demo) into the database.
 * Bulk inserts go through json_to_recordset($1::json), chunked, so the same SQL runs on PGlite and
 * PostgreSQL; geometry comes in as GeoJSON, or as EWKB for the patrol tracks (LineStringM, M = epoch seconds).
 */
import { loadBaseGeoData } from '../../data/demo/base.ts'
import { basePlaces } from '../../data/demo/places-water.ts'
import type { DemoPlace, DemoWorld } from '../../data/demo/types.ts'
import { generateDemoWorld } from '../../data/demo/world.ts'
import { withDerivedTablesRebuilt } from '../db/bulk-load.ts'
import type { Db, Queryable } from '../db/db.ts'

export interface DemoCounts {
  places: number
  stations: number
  chiefs: number
  chief_places: number
  incidents: number
  incident_events: number
  patrols: number
  patrol_vertices: number
  patrol_positions: number
}

export interface DemoLoadResult {
  seed: number
  end: string
  counts: DemoCounts
  /** Geometries that were not valid for PostGIS and were repaired with ST_MakeValid. */
  repaired: number
  /** Time spent generating the world and writing it, in milliseconds. */
  generateMs: number
  insertMs: number
}

export class DemoLoadError extends Error {
  constructor(step: string, cause: unknown) {
    super(
      `loading the demo world failed while ${step}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    )
  }
}

/** True when nothing has been loaded yet: no boundaries, places, chiefs, incidents or patrols. */
export async function isDatabaseEmpty(db: Queryable): Promise<boolean> {
  const rows = await db.query<{ empty: boolean }>(`
    SELECT NOT EXISTS (SELECT 1 FROM boundaries)
       AND NOT EXISTS (SELECT 1 FROM places)
       AND NOT EXISTS (SELECT 1 FROM chiefs)
       AND NOT EXISTS (SELECT 1 FROM incidents)
       AND NOT EXISTS (SELECT 1 FROM patrols) AS empty`)
  return rows[0]?.empty === true
}

/** Runs one statement per chunk of rows, the rows passed as a single JSON parameter. */
async function inChunks<T>(
  tx: Queryable,
  rows: readonly T[],
  size: number,
  sql: string,
  toRecord: (row: T) => unknown,
): Promise<number> {
  let extra = 0
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size).map(toRecord)
    const result = await tx.query<{ repaired?: number }>(sql, [JSON.stringify(chunk)])
    extra += Number(result[0]?.repaired ?? 0)
  }
  return extra
}

// A geometry as PostGIS reads it from GeoJSON, repaired only if it has to be.
const validGeom = (g: string) => `CASE WHEN ST_IsValid(${g}) THEN ${g} ELSE ST_MakeValid(${g}) END`
const multiPolygon = (g: string) =>
  `CASE WHEN ST_IsValid(${g}) THEN ST_Multi(${g}) ELSE ST_Multi(ST_CollectionExtract(ST_MakeValid(${g}), 3)) END`

const insertBoundariesSql = `
  WITH r AS (
    SELECT r.id, r.level, r.adcode, r.name_zh, r.name_en, ST_SetSRID(ST_GeomFromGeoJSON(r.geom::text), 4326) AS g
    FROM json_to_recordset($1::json) AS r(id text, level text, adcode integer, name_zh text, name_en text, geom json)
  ), ins AS (
    INSERT INTO boundaries (id, level, adcode, name_zh, name_en, geom)
    SELECT id, level, adcode, name_zh, name_en, ${multiPolygon('g')} FROM r
    ON CONFLICT (id) DO UPDATE SET level = EXCLUDED.level, adcode = EXCLUDED.adcode, name_zh = EXCLUDED.name_zh,
      name_en = EXCLUDED.name_en, geom = EXCLUDED.geom
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM r WHERE NOT ST_IsValid(g)) AS repaired, (SELECT count(*) FROM ins) AS inserted`

const insertPlacesSql = `
  WITH r AS (
    SELECT r.id, r.kind, r.name_zh, r.name_en, r.district_code, r.patrol_every_days, r.properties,
      ST_SetSRID(ST_GeomFromGeoJSON(r.geom::text), 4326) AS g
    FROM json_to_recordset($1::json) AS r(id text, kind text, name_zh text, name_en text, district_code integer,
      patrol_every_days integer, properties jsonb, geom json)
  ), ins AS (
    INSERT INTO places (id, kind, name_zh, name_en, district_code, patrol_every_days, properties, geom)
    SELECT id, kind, name_zh, name_en, district_code, patrol_every_days, coalesce(properties, '{}'), ${validGeom('g')}
    FROM r
    ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en,
      district_code = EXCLUDED.district_code, patrol_every_days = EXCLUDED.patrol_every_days,
      properties = EXCLUDED.properties, geom = EXCLUDED.geom
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM r WHERE NOT ST_IsValid(g)) AS repaired, (SELECT count(*) FROM ins) AS inserted`

const placeRecord = (p: DemoPlace) => ({
  id: p.id,
  kind: p.kind,
  name_zh: p.name_zh,
  name_en: p.name_en,
  district_code: p.district_code,
  patrol_every_days: p.patrol_every_days,
  properties: p.properties,
  geom: p.geometry,
})

async function insertBase(tx: Queryable): Promise<{ boundaries: number; places: number; repaired: number }> {
  const base = loadBaseGeoData()
  const boundaries = [
    ...base.provinces.features.map((f) => ({
      id: `province-${f.properties.code}`,
      level: 'province',
      adcode: f.properties.code,
      name_zh: f.properties.name_zh,
      name_en: f.properties.name_en,
      geom: f.geometry,
    })),
    ...base.districts.features.map((f) => ({
      id: `district-${f.properties.adcode}`,
      level: 'district',
      adcode: f.properties.adcode,
      name_zh: f.properties.name_zh,
      name_en: f.properties.name_en,
      geom: f.geometry,
    })),
  ]
  let repaired = await inChunks(tx, boundaries, 20, insertBoundariesSql, (b) => b)
  const places = basePlaces(base)
  repaired += await inChunks(tx, places, 200, insertPlacesSql, placeRecord)
  return { boundaries: boundaries.length, places: places.length, repaired }
}

/**
 * The real base data: provinces and the Huzhou districts as boundaries, Taihu and the context lakes
 * and rivers as places. Safe to run again: rows with the same ids are updated.
 */
export async function loadBaseData(
  db: Db,
): Promise<{ boundaries: number; places: number; repaired: number }> {
  try {
    return await db.transaction((tx) => insertBase(tx))
  } catch (error) {
    throw new DemoLoadError('loading data/base', error)
  }
}

export interface LoadDemoOptions {
  seed: number
  end: Date
  /**
   * Delete first all stations, chiefs, incidents, patrols and the generated places (boundaries, users,
   * the real lakes and rivers and places imported by users are kept). Without it, loading into a
   * database that already holds any of those fails and changes nothing.
   */
  replace?: boolean
}

/** Generates the demo world for the seed and end date and writes it in one transaction. */
export async function loadDemoWorld(db: Db, options: LoadDemoOptions): Promise<DemoLoadResult> {
  const t0 = performance.now()
  const world = generateDemoWorld({ seed: options.seed, end: options.end })
  const generateMs = Math.round(performance.now() - t0)
  const t1 = performance.now()
  const { counts, repaired } = await db.transaction((tx) =>
    withDerivedTablesRebuilt(tx, () => insertDemoWorld(tx, world, options.replace ?? false)),
  )
  return {
    seed: world.seed,
    end: new Date(world.end * 1000).toISOString(),
    counts,
    repaired,
    generateMs,
    insertMs: Math.round(performance.now() - t1),
  }
}

/**
 * Loads the base data and a demo world into an empty database (for `npm start` on a fresh
 * embedded database); returns null and changes nothing when the database already holds data.
 */
export async function loadDemoIfEmpty(
  db: Db,
  options: Omit<LoadDemoOptions, 'replace'>,
): Promise<DemoLoadResult | null> {
  if (!(await isDatabaseEmpty(db))) return null
  await loadBaseData(db)
  return loadDemoWorld(db, options)
}

/** Extended WKB of a LineStringM in EPSG:4326 (little-endian). */
export function lineStringMEwkb(track: readonly (readonly [number, number, number])[]): Buffer {
  const buf = Buffer.alloc(13 + 24 * track.length)
  buf.writeUInt8(1, 0)
  // geometry type 2 (LineString) with the M flag and the SRID flag
  buf.writeUInt32LE((2 | 0x40000000 | 0x20000000) >>> 0, 1)
  buf.writeUInt32LE(4326, 5)
  buf.writeUInt32LE(track.length, 9)
  track.forEach(([x, y, m], i) => {
    buf.writeDoubleLE(x, 13 + 24 * i)
    buf.writeDoubleLE(y, 21 + 24 * i)
    buf.writeDoubleLE(m, 29 + 24 * i)
  })
  return buf
}

const demoTables = ['patrol_positions', 'patrols', 'incident_events', 'incidents', 'chief_places', 'chiefs']

/** Writes a generated world with the given query runner (inside the caller's transaction). */
export async function insertDemoWorld(
  tx: Queryable,
  world: DemoWorld,
  replace = false,
): Promise<{ counts: DemoCounts; repaired: number }> {
  let step = 'checking the database'
  try {
    if (replace) {
      step = 'emptying the demo tables'
      await tx.query(`DELETE FROM patrol_positions`)
      for (const table of demoTables.slice(1)) await tx.query(`DELETE FROM ${table}`)
      await tx.query(`DELETE FROM stations`)
      await tx.query(`DELETE FROM places WHERE properties ? 'synthetic'`)
    } else {
      const rows = await tx.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM chiefs) + (SELECT count(*) FROM incidents) + (SELECT count(*) FROM patrols)
           + (SELECT count(*) FROM stations) AS n`,
      )
      if (Number(rows[0]?.n) > 0) {
        throw new Error(
          'the database already holds stations, chiefs, incidents or patrols; pass replace: true',
        )
      }
    }

    step = 'inserting places'
    let repaired = await inChunks(tx, world.places, 400, insertPlacesSql, placeRecord)

    step = 'inserting stations'
    repaired += await inChunks(
      tx,
      world.stations,
      50,
      `WITH r AS (
         SELECT r.*, ST_SetSRID(ST_GeomFromGeoJSON(r.jurisdiction::text), 4326) AS g
         FROM json_to_recordset($1::json) AS r(id text, name_zh text, name_en text, district_code integer,
           agencies text[], duty_hours text, cross_border boolean, provinces text[], lon float8, lat float8,
           jurisdiction json)
       ), ins AS (
         INSERT INTO stations (id, name_zh, name_en, district_code, agencies, duty_hours, cross_border, provinces,
           location, jurisdiction)
         SELECT id, name_zh, name_en, district_code, agencies, duty_hours, cross_border, provinces,
           ST_SetSRID(ST_MakePoint(lon, lat), 4326), ${multiPolygon('g')}
         FROM r
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM r WHERE NOT ST_IsValid(g)) AS repaired, (SELECT count(*) FROM ins) AS inserted`,
      (s) => ({ ...s, location: undefined, lon: s.location[0], lat: s.location[1] }),
    )

    step = 'inserting chiefs'
    await inChunks(
      tx,
      world.chiefs,
      2000,
      `INSERT INTO chiefs (id, name_zh, name_en, kind, district_code, station_id, on_duty, position, position_at)
       SELECT r.id, r.name_zh, r.name_en, r.kind, r.district_code, r.station_id, r.on_duty,
         ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), to_timestamp(r.position_at)
       FROM json_to_recordset($1::json) AS r(id text, name_zh text, name_en text, kind text, district_code integer,
         station_id text, on_duty boolean, lon float8, lat float8, position_at float8)`,
      (c) => ({ ...c, position: undefined, lon: c.position[0], lat: c.position[1] }),
    )
    await inChunks(
      tx,
      world.chiefPlaces,
      5000,
      `INSERT INTO chief_places (chief_id, place_id)
       SELECT r.chief_id, r.place_id FROM json_to_recordset($1::json) AS r(chief_id text, place_id text)`,
      (l) => l,
    )

    step = 'inserting incidents'
    await inChunks(
      tx,
      world.incidents,
      2000,
      `INSERT INTO incidents (id, category, severity, source, description, status, occurred_at, reported_at,
         dispatched_at, on_scene_at, resolved_at, closed_at, chief_id, district_code, place_id, geom)
       OVERRIDING SYSTEM VALUE
       SELECT r.id, r.category, r.severity, r.source, r.description, r.status, to_timestamp(r.occurred_at),
         to_timestamp(r.reported_at), to_timestamp(r.dispatched_at), to_timestamp(r.on_scene_at),
         to_timestamp(r.resolved_at), to_timestamp(r.closed_at), r.chief_id, r.district_code, r.place_id,
         ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)
       FROM json_to_recordset($1::json) AS r(id integer, category text, severity smallint, source text,
         description text, status text, occurred_at float8, reported_at float8, dispatched_at float8,
         on_scene_at float8, resolved_at float8, closed_at float8, chief_id text, district_code integer,
         place_id text, lon float8, lat float8)`,
      (i) => ({ ...i, events: undefined, location: undefined, lon: i.location[0], lat: i.location[1] }),
    )
    const events = world.incidents.flatMap((i) => i.events.map((e) => ({ ...e, incident_id: i.id })))
    await inChunks(
      tx,
      events,
      5000,
      `INSERT INTO incident_events (id, incident_id, at, actor, from_status, to_status, chief_id, note)
       OVERRIDING SYSTEM VALUE
       SELECT r.id, r.incident_id, to_timestamp(r.at), r.actor, r.from_status, r.to_status, r.chief_id, r.note
       FROM json_to_recordset($1::json) AS r(id integer, incident_id integer, at float8, actor text,
         from_status text, to_status text, chief_id text, note text)`,
      (e) => e,
    )

    step = 'inserting patrols'
    // The track as EWKB (LineStringM, SRID 4326, M = epoch seconds), base64 in the JSON: PostGIS reads
    // it much faster than WKT, most of all in PGlite. Its length in metres in EPSG:4549, like track_m.
    await inChunks(
      tx,
      world.patrols,
      500,
      `WITH r AS (
         SELECT r.*, ST_GeomFromEWKB(decode(r.track, 'base64')) AS g
         FROM json_to_recordset($1::json) AS r(id integer, kind text, status text, chief_id text, station_id text,
           district_code integer, started_at float8, ended_at float8, properties jsonb, track text)
       )
       INSERT INTO patrols (id, kind, status, chief_id, station_id, district_code, started_at, ended_at, length_m,
         properties, track)
       OVERRIDING SYSTEM VALUE
       SELECT id, kind, status, chief_id, station_id, district_code, to_timestamp(started_at), to_timestamp(ended_at),
         ST_Length(ST_Transform(g, 4549)), properties, g
       FROM r`,
      (p) => ({
        id: p.id,
        kind: p.kind,
        status: p.status,
        chief_id: p.chief_id,
        station_id: p.station_id,
        district_code: p.district_code,
        started_at: p.started_at,
        ended_at: p.ended_at,
        properties: { mode: p.mode, place_id: p.place_id, demo: true },
        track: lineStringMEwkb(p.track).toString('base64'),
      }),
    )
    const positions = world.patrols
      .filter((p) => p.status === 'open')
      .flatMap((p) => p.track.map(([lon, lat, at]) => ({ patrol_id: p.id, lon, lat, at })))
    await inChunks(
      tx,
      positions,
      5000,
      `INSERT INTO patrol_positions (patrol_id, at, geom)
       SELECT r.patrol_id, to_timestamp(r.at), ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)
       FROM json_to_recordset($1::json) AS r(patrol_id integer, at float8, lon float8, lat float8)`,
      (p) => p,
    )

    step = 'resetting the identity sequences'
    for (const table of ['incidents', 'incident_events', 'patrols']) {
      await tx.query(
        `SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM ${table}), false)`,
      )
    }

    const counts: DemoCounts = {
      places: world.places.length,
      stations: world.stations.length,
      chiefs: world.chiefs.length,
      chief_places: world.chiefPlaces.length,
      incidents: world.incidents.length,
      incident_events: events.length,
      patrols: world.patrols.length,
      patrol_vertices: world.patrols.reduce((n, p) => n + p.track.length, 0),
      patrol_positions: positions.length,
    }
    step = 'recording the dataset'
    await tx.query(
      `INSERT INTO dataset_info (key, value) VALUES ('demo', $1::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [
        JSON.stringify({
          seed: world.seed,
          end: new Date(world.end * 1000).toISOString(),
          counts,
          highlights: world.highlights,
          synthetic:
            'places with properties.synthetic, stations, chiefs, incidents, patrols (data/README.md)',
        }),
      ],
    )
    return { counts, repaired }
  } catch (error) {
    throw new DemoLoadError(step, error)
  }
}
