import { withIncidentCountsAdded } from '../db/bulk-load.ts'
import type { Db, Queryable } from '../db/db.ts'
import { badRequest, HttpError } from '../errors.ts'
import { incidentStatuses } from './incident-lifecycle.ts'
import { clockSkewMs, incidentCategories, incidentSources, servedAreaM } from './incidents.ts'

/**
 * Bulk import of incidents from CSV (POST /api/incidents/import, `npm run import:incidents`; issue 9:
 * a million in ≤ 5 s on PostgreSQL). The file is COPied as text into a temporary staging table, checked
 * there in one query, and refused whole with the first problems and their lines when anything is
 * wrong; otherwise one INSERT … SELECT writes every incident, one more statement their first events,
 * and the counts the triggers on incidents would have kept are added set-based (withIncidentCountsAdded).
 * All of it in one transaction: a refused or failed import writes nothing.
 */

/** The columns a file may have, in any order; the first four are required. */
export const csvColumns = [
  'occurred_at',
  'lon',
  'lat',
  'category',
  'severity',
  'source',
  'description',
  'status',
  'reported_at',
  'place_id',
] as const
export type CsvColumn = (typeof csvColumns)[number]
export const requiredCsvColumns: readonly CsvColumn[] = ['occurred_at', 'lon', 'lat', 'category']

/** What an empty optional field becomes (reported_at: the occurrence time; place_id: none). */
export const csvDefaults = { severity: 2, source: 'app', description: '', status: 'reported' } as const

/**
 * Where an imported incident may lie: a rectangle around Zhejiang and its neighbours (Jiangsu, Anhui,
 * Shanghai), wide enough for cases handed over across the lines, narrow enough to catch swapped or
 * scaled coordinates. Reports through the API are held to 50 km of Huzhou instead.
 */
export const importRegion = { minLon: 114.5, maxLon: 123.5, minLat: 27, maxLat: 35.5 } as const

/** The largest file taken (about three million rows of the usual width). */
export const csvImportMaxBytes = 256 * 1024 * 1024
/** How many rows with problems a refusal lists. */
export const problemRowsShown = 20
/** The longest description, as for a report (POST /api/incidents). */
const descriptionMaxLength = 4000

/** One problem of one row; `line` is the row's line in the file (the header is line 1). */
export interface ImportProblem {
  line: number
  column: string
  reason: string
}

export interface IncidentImportResult {
  imported: number
  /** The ids the incidents got: first_id … last_id (null when none). */
  first_id: number | null
  last_id: number | null
  /** Incidents more than 50 km from every Huzhou district, stored without a district. */
  without_district: number
}

const payloadTooLarge = (message: string) => new HttpError(413, 'Payload Too Large', message)

// --- the header --------------------------------------------------------------------------------

const isCsvColumn = (name: string): name is CsvColumn => (csvColumns as readonly string[]).includes(name)

/** The columns the header names, in its order; a 400 for unknown, repeated or missing ones. */
export function parseCsvHeader(line: string): CsvColumn[] {
  const names = line
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((name) =>
      name
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .trim()
        .toLowerCase(),
    )
  const unknown = names.filter((name) => !isCsvColumn(name))
  const repeated = names.filter((name, i) => names.indexOf(name) !== i)
  const missing = requiredCsvColumns.filter((name) => !names.includes(name))
  if (unknown.length || repeated.length || missing.length) {
    const problems = [
      unknown.length ? `unknown columns: ${unknown.map((n) => `"${n}"`).join(', ')}` : '',
      repeated.length ? `repeated columns: ${repeated.join(', ')}` : '',
      missing.length ? `missing columns: ${missing.join(', ')}` : '',
    ].filter(Boolean)
    throw badRequest(
      `the first line must name the columns (${requiredCsvColumns.join(', ')} required; ${csvColumns
        .filter((c) => !requiredCsvColumns.includes(c))
        .join(', ')} optional); ${problems.join('; ')}`,
      [{ line: 1, column: '', reason: problems.join('; ') }],
    )
  }
  return names as CsvColumn[]
}

/**
 * Reads the header line off the front of the file and gives back its columns and the whole file
 * again (header included, which COPY skips), still streaming; past `maxBytes` the stream fails with a 413.
 */
async function splitHeader(
  csv: AsyncIterable<Uint8Array | string>,
  maxBytes: number,
): Promise<{ columns: CsvColumn[]; file: AsyncIterable<Uint8Array> }> {
  const chunks = csv[Symbol.asyncIterator]()
  let bytes = 0
  const limited = (chunk: Uint8Array | string): Uint8Array => {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    bytes += data.byteLength
    if (bytes > maxBytes) {
      throw payloadTooLarge(
        `the file is larger than ${maxBytes / 1024 / 1024} MB; split it into several imports`,
      )
    }
    return data
  }
  // The chunks up to the one holding the first line's end (a newline, byte 10).
  const head: Uint8Array[] = []
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
    const chunk = limited(next.value)
    head.push(chunk)
    if (chunk.includes(10)) break
  }
  const start = Buffer.concat(head)
  const end = start.indexOf(10)
  const headerLine = start
    .subarray(0, end === -1 ? start.length : end)
    .toString('utf8')
    .replace(/\r$/, '')
  if (!headerLine.trim()) throw badRequest('the file is empty; the first line must name the columns')
  const columns = parseCsvHeader(headerLine)
  async function* file() {
    yield start
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield limited(next.value)
  }
  return { columns, file: file() }
}

// --- the checks --------------------------------------------------------------------------------

/**
 * ISO 8601 as the API takes it (server/domain/time.ts): a date, or a date and time with an optional
 * zone (UTC without one), years 1900–2199, each month's days (29 February is checked apart), hours
 * to 23, zones to ±14:59. Checked before any cast, so no value can make the cast fail.
 */
const isoInstantPattern =
  '^(19|20|21)\\d\\d-((0[13578]|1[02])-(0[1-9]|[12]\\d|3[01])|(0[469]|11)-(0[1-9]|[12]\\d|30)|02-(0[1-9]|1\\d|2\\d))' +
  '(T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,9})?)?(Z|[+-](0\\d|1[0-4]):[0-5]\\d)?)?$'
/** A plain decimal number (no exponent, so a cast to float8 cannot overflow). */
const decimalPattern = '^[+-]?(\\d{1,12}(\\.\\d*)?|\\.\\d+)$'

/** Whether a text column holds such an instant; a CASE, so that no cast runs before the pattern. */
const isInstantSql = (column: string) => `CASE
    WHEN ${column} !~ $1 THEN false
    WHEN substr(${column}, 6, 5) <> '02-29' THEN true
    ELSE substr(${column}, 1, 4)::int % 4 = 0 AND (substr(${column}, 1, 4)::int % 100 <> 0 OR substr(${column}, 1, 4)::int % 400 = 0)
  END`
const notInstantSql = (column: string) =>
  `format('"%s" is not an ISO 8601 date or date-time such as 2026-10-01T08:00:00+08:00', left(${column}, 40))`
const coordinateSql = (column: string, low: string, high: string) => `CASE
    WHEN s.${column} IS NULL THEN 'is missing'
    WHEN s.${column} !~ $3 THEN format('"%s" is not a decimal number', left(s.${column}, 40))
    WHEN s.${column}::float8 NOT BETWEEN ${low}::float8 AND ${high}::float8
      THEN format('%s lies outside %s–%s (Zhejiang and its neighbours)', s.${column}, ${low}::float8, ${high}::float8)
  END`
const oneOfSql = (column: string, allowed: string, required = false) => `CASE
    ${required ? `WHEN s.${column} IS NULL THEN 'is missing'` : ''}
    WHEN s.${column} <> ALL (${allowed})
      THEN format('"%s" is not one of %s', left(s.${column}, 40), array_to_string(${allowed}, ', '))
  END`

/**
 * One SQL expression per column of the staging table `s`: the problem with the row's value, or NULL.
 * Parameters: $1 isoInstantPattern, $2 the latest instant allowed (now plus the clock skew),
 * $3 decimalPattern, $4–$7 importRegion, $8 categories, $9 sources, $10 statuses.
 */
const columnChecks: readonly { column: CsvColumn; problem: string }[] = [
  {
    column: 'occurred_at',
    problem: `CASE
      WHEN s.occurred_at IS NULL THEN 'is missing'
      WHEN NOT ${isInstantSql('s.occurred_at')} THEN ${notInstantSql('s.occurred_at')}
      WHEN s.occurred_at::timestamptz > $2 THEN format('%s lies in the future', s.occurred_at)
    END`,
  },
  { column: 'lon', problem: coordinateSql('lon', '$4', '$5') },
  { column: 'lat', problem: coordinateSql('lat', '$6', '$7') },
  { column: 'category', problem: oneOfSql('category', '$8::text[]', true) },
  { column: 'severity', problem: `CASE WHEN s.severity !~ '^[123]$' THEN 'must be 1, 2 or 3' END` },
  { column: 'source', problem: oneOfSql('source', '$9::text[]') },
  { column: 'status', problem: oneOfSql('status', '$10::text[]') },
  {
    column: 'description',
    problem: `CASE WHEN length(s.description) > ${descriptionMaxLength} THEN 'is longer than ${descriptionMaxLength} characters' END`,
  },
  {
    column: 'reported_at',
    problem: `CASE
      WHEN NOT ${isInstantSql('s.reported_at')} THEN ${notInstantSql('s.reported_at')}
      WHEN s.reported_at::timestamptz > $2 THEN format('%s lies in the future', s.reported_at)
      WHEN ${isInstantSql('s.occurred_at')} AND s.reported_at::timestamptz < s.occurred_at::timestamptz
        THEN 'lies before occurred_at'
    END`,
  },
  {
    column: 'place_id',
    problem: `CASE WHEN s.place_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM places p WHERE p.id = s.place_id)
      THEN format('no place has the id "%s"', left(s.place_id, 40)) END`,
  },
]

/**
 * The first rows with problems (every problem of each) and how many rows have any: one scan of the
 * staging table; only the rows shown are taken apart column by column.
 */
async function findProblems(tx: Queryable): Promise<{ problems: ImportProblem[]; badRows: number }> {
  const alias = (i: number) => `p${i}`
  const rows = await tx.query<ImportProblem & { bad_rows: number }>(
    `SELECT b.line::int AS line, c.column_name AS column, c.reason, b.bad_rows::int AS bad_rows
       FROM (SELECT x.*, count(*) OVER () AS bad_rows
               FROM (SELECT s.line, ${columnChecks.map((c, i) => `${c.problem} AS ${alias(i)}`).join(',\n')}
                       FROM incident_import s) AS x
              WHERE num_nonnulls(${columnChecks.map((_, i) => alias(i)).join(', ')}) > 0
              ORDER BY x.line
              LIMIT $11) AS b
      CROSS JOIN LATERAL (VALUES ${columnChecks.map((c, i) => `(${i}, '${c.column}', b.${alias(i)})`).join(', ')})
            AS c (position, column_name, reason)
      WHERE c.reason IS NOT NULL
      ORDER BY b.line, c.position`,
    [
      isoInstantPattern,
      new Date(Date.now() + clockSkewMs),
      decimalPattern,
      importRegion.minLon,
      importRegion.maxLon,
      importRegion.minLat,
      importRegion.maxLat,
      incidentCategories,
      incidentSources,
      incidentStatuses,
      problemRowsShown,
    ],
  )
  return {
    problems: rows.map(({ line, column, reason }) => ({ line, column, reason })),
    badRows: rows[0]?.bad_rows ?? 0,
  }
}

// --- the import --------------------------------------------------------------------------------

/** The line COPY names in a malformed record's error ("COPY incident_import, line 7: …"). */
function copyErrorLine(error: { where?: unknown; message?: unknown }): number | null {
  const text = `${typeof error.where === 'string' ? error.where : ''} ${String(error.message ?? '')}`
  const match = /line (\d+)/.exec(text)
  return match ? Number(match[1]) : null
}

/** COPY into the staging table; a malformed record (SQLSTATE class 22: data exception) is a 400. */
async function copyIntoStaging(
  tx: Queryable,
  columns: CsvColumn[],
  file: AsyncIterable<Uint8Array>,
): Promise<number> {
  try {
    return await tx.copyCsv('incident_import', columns, file)
  } catch (error) {
    const failure = error as { code?: unknown; where?: unknown; message?: unknown }
    if (typeof failure.code !== 'string' || !failure.code.startsWith('22')) throw error
    const line = copyErrorLine(failure) ?? 0
    const reason = String(failure.message)
    throw badRequest(`the file is not well-formed CSV at line ${line}: ${reason}`, [
      { line, column: '', reason },
    ])
  }
}

/**
 * Imports the incidents of a CSV file (UTF-8, a header line naming the columns, then one incident
 * per line; see csvColumns and csvDefaults) on behalf of `actor`, in one transaction. Every incident
 * gets its district (the one containing it, or the nearest within 50 km, as for a report) and one
 * event, at its reported_at, into the status it came with. A file with any problem is refused whole
 * with a 400 listing the first rows' problems with their lines; nothing is written.
 */
export function importIncidents(
  db: Db,
  csv: AsyncIterable<Uint8Array | string>,
  actor: string,
  options: { maxBytes?: number } = {},
): Promise<IncidentImportResult> {
  return db.transaction((tx) => importIncidentsIn(tx, csv, actor, options))
}

/** importIncidents inside the caller's transaction (the bench rolls it back). */
export async function importIncidentsIn(
  tx: Queryable,
  csv: AsyncIterable<Uint8Array | string>,
  actor: string,
  options: { maxBytes?: number } = {},
): Promise<IncidentImportResult> {
  const { columns, file } = await splitHeader(csv, options.maxBytes ?? csvImportMaxBytes)
  // A time without a zone is UTC, as in the API. A million rows take longer than the two minutes a
  // statement is given on PostgreSQL (server/db/postgres.ts) on a busy machine.
  await tx.query(`SET LOCAL TimeZone = 'UTC'`)
  await tx.query(`SET LOCAL statement_timeout = '15min'`)
  await tx.query(
    `CREATE TEMP TABLE incident_import (
       line bigint GENERATED ALWAYS AS IDENTITY (START WITH 2),
       ${csvColumns.map((column) => `${column} text`).join(', ')}
     ) ON COMMIT DROP`,
  )
  const rows = await copyIntoStaging(tx, columns, file)
  if (rows === 0) throw badRequest('the file has a header but no incidents')
  const { problems, badRows } = await findProblems(tx)
  if (badRows > 0) {
    const first = problems.slice(0, 3).map((p) => `line ${p.line}: ${p.column} ${p.reason}`)
    throw badRequest(
      `${badRows} of ${rows} rows have problems, nothing was imported; ${first.join('; ')}${problems.length > first.length ? '; …' : ''}`,
      problems,
    )
  }
  // The districts (EPSG:4549) cut into pieces of at most 64 vertices: a point is then tested against
  // one small piece found by its index instead of a whole district of ~2,000 vertices; the distance
  // of a point outside every district too (against whole districts it took 0.7 ms a point on PGlite).
  await tx.query(
    `CREATE TEMP TABLE import_district_pieces ON COMMIT DROP AS
     SELECT adcode, ST_Subdivide(geom_m, 64) AS geom_m FROM boundaries WHERE level = 'district'`,
  )
  await tx.query('CREATE INDEX ON import_district_pieces USING gist (geom_m)')
  return withIncidentCountsAdded(tx, async (lastIdBefore) => {
    // In geohash order: neighbouring points go into neighbouring pages of the spatial indexes,
    // which roughly halves the time of a million-row insert into a large table.
    const [stored] = await tx.query<IncidentImportResult>(
      `WITH inserted AS (
         INSERT INTO incidents (category, severity, source, description, status, occurred_at, reported_at,
                                district_code, place_id, geom)
         SELECT s.category, coalesce(s.severity::smallint, $1), coalesce(s.source, $2),
                coalesce(s.description, $3), coalesce(s.status, $4),
                s.occurred_at::timestamptz, coalesce(s.reported_at, s.occurred_at)::timestamptz,
                coalesce(
                  (SELECT d.adcode FROM import_district_pieces d WHERE ST_Intersects(d.geom_m, pt.geom_m) LIMIT 1),
                  -- outside every district (on Taihu, across a line): the nearest within 50 km
                  (SELECT d.adcode FROM import_district_pieces d
                    WHERE ST_DWithin(d.geom_m, pt.geom_m, $5)
                    ORDER BY d.geom_m <-> pt.geom_m
                    LIMIT 1)),
                s.place_id, pt.geom
           FROM incident_import s
          CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(s.lon::float8, s.lat::float8), 4326) AS geom) AS point
          CROSS JOIN LATERAL (SELECT point.geom, ST_Transform(point.geom, 4549) AS geom_m) AS pt
          ORDER BY ST_GeoHash(pt.geom, 8)
         RETURNING id, district_code
       )
       SELECT count(*)::int AS imported, min(id) AS first_id, max(id) AS last_id,
              (count(*) FILTER (WHERE district_code IS NULL))::int AS without_district
         FROM inserted`,
      [csvDefaults.severity, csvDefaults.source, csvDefaults.description, csvDefaults.status, servedAreaM],
    )
    // The audit trail: each incident entered Shanshui in the status it came with.
    await tx.query(
      `INSERT INTO incident_events (incident_id, at, actor, from_status, to_status, note)
       SELECT id, reported_at, $2, NULL, status, 'imported' FROM incidents WHERE id > $1`,
      [lastIdBefore, actor],
    )
    return stored as IncidentImportResult
  })
}
