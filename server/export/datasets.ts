import type { Queryable } from '../db/db.ts'
import { type CoverageQuery, placeCoverage } from '../domain/coverage.ts'
import { type GapQuery, rankPlaces } from '../domain/coverage-gaps.ts'
import { eachIncident, type IncidentFilter } from '../domain/incidents.ts'
import { eachPatrol, type PatrolFilter } from '../domain/patrols.ts'
import { csvStream, type ExportFeature, type ExportHeader, geojsonStream, gpxStream } from './formats.ts'

/**
 * What can be exported, in which formats, and the columns of each: incidents, patrols, gaps and
 * coverage, with names (districts, places, chiefs, stations) in the language asked for.
 */

export const exportFormats = {
  incidents: ['csv', 'geojson'],
  patrols: ['csv', 'geojson', 'gpx'],
  gaps: ['csv', 'geojson'],
  coverage: ['csv', 'geojson'],
} as const
export type Dataset = keyof typeof exportFormats
export type ExportFormat = 'csv' | 'geojson' | 'gpx'
export type Lang = 'zh-CN' | 'en'

interface Named {
  name_zh: string
  name_en: string
}
const nameIn = (lang: Lang, named: Named | null | undefined) =>
  named ? (lang === 'en' ? named.name_en : named.name_zh) : null

export async function* incidentExport(
  db: Queryable,
  filter: IncidentFilter,
  format: 'csv' | 'geojson',
  header: ExportHeader,
  lang: Lang,
): AsyncGenerator<string> {
  const columns = [
    'id',
    'category',
    'status',
    'severity',
    'source',
    'occurred_at',
    'reported_at',
    'dispatched_at',
    'on_scene_at',
    'resolved_at',
    'closed_at',
    'lon',
    'lat',
    'district',
    'place',
    'chief',
    'description',
  ]
  const rows = async function* () {
    for await (const i of eachIncident(db, filter)) {
      const [lon, lat] = i.location.coordinates
      yield {
        location: i.location,
        values: [
          i.id,
          i.category,
          i.status,
          i.severity,
          i.source,
          i.occurred_at,
          i.reported_at,
          i.dispatched_at,
          i.on_scene_at,
          i.resolved_at,
          i.closed_at,
          lon,
          lat,
          nameIn(lang, i.district),
          nameIn(lang, i.place),
          nameIn(lang, i.chief),
          i.description,
        ],
      }
    }
  }
  if (format === 'csv') {
    yield* csvStream(header, columns, rows(), (row) => row.values)
    return
  }
  yield* geojsonStream(
    header,
    mapAsync(rows(), (row) => feature(row.values[0], row.location, columns, row.values)),
  )
}

export async function* patrolExport(
  db: Queryable,
  filter: Omit<PatrolFilter, 'limit'>,
  format: ExportFormat,
  header: ExportHeader,
  lang: Lang,
): AsyncGenerator<string> {
  const names = await nameLookup(db)
  const columns = [
    'id',
    'kind',
    'status',
    'chief',
    'station',
    'district',
    'started_at',
    'ended_at',
    'length_km',
  ]
  const patrols = async function* () {
    for await (const p of eachPatrol(db, filter)) {
      const props = p.properties
      yield {
        patrol: p,
        values: [
          p.id,
          props.kind,
          props.status,
          nameIn(lang, names.chiefs.get(props.chief_id ?? '')),
          nameIn(lang, names.stations.get(props.station_id ?? '')),
          nameIn(lang, names.districts.get(props.district_code ?? 0)),
          props.started_at,
          props.ended_at,
          Math.round(props.length_m) / 1000,
        ],
      }
    }
  }
  if (format === 'csv') {
    yield* csvStream(header, columns, patrols(), (row) => row.values)
  } else if (format === 'geojson') {
    yield* geojsonStream(
      header,
      mapAsync(patrols(), (row) => feature(row.patrol.id, row.patrol.geometry, columns, row.values)),
    )
  } else {
    yield* gpxStream(
      header,
      mapAsync(patrols(), ({ patrol, values }) => ({
        name: `${values[3] ?? ''} #${patrol.id}`.trim(),
        description: `${values[1]} ${values[6]} – ${values[7]}`,
        points: patrol.geometry.coordinates.map(
          (c, i) => [c[0] ?? 0, c[1] ?? 0, patrol.properties.times[i] ?? 0] as const,
        ),
      })),
    )
  }
}

/** Gaps (or, with `all`, every patrolled place: the coverage export) with their place's outline. */
export async function* placeExport(
  db: Queryable,
  query: GapQuery,
  dataset: 'gaps' | 'coverage',
  format: 'csv' | 'geojson',
  header: ExportHeader,
  lang: Lang,
): AsyncGenerator<string> {
  const districts = (await nameLookup(db)).districts
  let rows: { id: string; values: unknown[] }[]
  let columns: string[]
  if (dataset === 'gaps') {
    const ranked = await rankPlaces(db, query, 'gaps')
    columns = [
      'place_id',
      'place',
      'kind',
      'district',
      'reason',
      'overdue_days',
      'coverage',
      'last_patrolled_at',
      'incidents_recent',
      'score',
      'chiefs',
    ]
    rows = ranked.map((r) => ({
      id: r.place.id,
      values: [
        r.place.id,
        nameIn(lang, r.place),
        r.place.kind,
        nameIn(lang, districts.get(r.place.district_code ?? 0)),
        r.reason,
        r.overdue_days,
        r.coverage,
        r.last_patrolled_at,
        r.incidents_recent,
        r.score,
        r.chiefs.map((c) => nameIn(lang, c)).join('; '),
      ],
    }))
  } else {
    const places = await placeCoverage(db, query as CoverageQuery)
    columns = [
      'place_id',
      'place',
      'kind',
      'district',
      'patrol_every_days',
      'coverage',
      'last_patrolled_at',
      'patrols',
    ]
    rows = places.map((p) => ({
      id: p.id,
      values: [
        p.id,
        nameIn(lang, p),
        p.kind,
        nameIn(lang, districts.get(p.district_code ?? 0)),
        p.patrol_every_days,
        Math.round(p.coverage * 10_000) / 10_000,
        p.last_patrolled_at?.toISOString() ?? null,
        p.patrols,
      ],
    }))
  }
  if (format === 'csv') {
    yield* csvStream(header, columns, rows, (row) => row.values)
    return
  }
  const shapes = await db.query<{ id: string; geometry: unknown }>(
    'SELECT id, ST_AsGeoJSON(geom, 6)::json AS geometry FROM places WHERE id = ANY ($1)',
    [rows.map((r) => r.id)],
  )
  const shapeOf = new Map(
    shapes.map((s) => [s.id, typeof s.geometry === 'string' ? JSON.parse(s.geometry) : s.geometry]),
  )
  yield* geojsonStream(
    header,
    rows.map((row) => feature(row.id, shapeOf.get(row.id) ?? null, columns, row.values)),
  )
}

const feature = (
  id: string | number | unknown,
  geometry: unknown,
  columns: readonly string[],
  values: readonly unknown[],
): ExportFeature => ({
  type: 'Feature',
  id: id as string | number,
  geometry,
  properties: Object.fromEntries(columns.map((column, i) => [column, values[i] ?? null])),
})

async function* mapAsync<T, U>(items: AsyncIterable<T>, f: (item: T) => U): AsyncGenerator<U> {
  for await (const item of items) yield f(item)
}

/** Names of chiefs, stations and districts by id, for the patrol and place exports. */
async function nameLookup(db: Queryable) {
  const [chiefs, stations, districts] = await Promise.all([
    db.query<Named & { id: string }>('SELECT id, name_zh, name_en FROM chiefs'),
    db.query<Named & { id: string }>('SELECT id, name_zh, name_en FROM stations'),
    db.query<Named & { adcode: number }>(
      `SELECT adcode, name_zh, name_en FROM boundaries WHERE level = 'district'`,
    ),
  ])
  return {
    chiefs: new Map(chiefs.map((c) => [c.id, c])),
    stations: new Map(stations.map((s) => [s.id, s])),
    districts: new Map(districts.map((d) => [d.adcode, d])),
  }
}
