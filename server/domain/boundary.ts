import { inScopeSql, type Viewer } from '../auth/scope.ts'
import type { Db, Queryable } from '../db/db.ts'
import { forbidden, unprocessable } from '../errors.ts'

/**
 * The province lines Huzhou shares with Jiangsu and Anhui (migrations/002_access.sql): the incidents
 * near them by side, the stations that watch them, and incidents linked to a neighbour's case.
 */

export const DEFAULT_BAND_KM = 5
export const MAX_BAND_ROWS = 10_000
/** Provinces whose police an incident can be linked with: Shanghai, Jiangsu, Anhui. */
export const neighbourProvinces = [310000, 320000, 340000] as const

/** Recomputes the province lines from the province outlines: after loading boundaries. */
export async function refreshBoundaryViews(db: Queryable): Promise<void> {
  await db.query('REFRESH MATERIALIZED VIEW province_lines')
}

export interface CaseLink {
  province_code: (typeof neighbourProvinces)[number]
  case_ref: string
  note: string
}

export interface BoundaryIncident {
  id: number
  category: string
  status: string
  occurred_at: string
  lon: number
  lat: number
  /** The province the incident lies in (adcode), null outside all outlines (in Taihu, say). */
  province_code: number | null
  /** The neighbour whose line is nearest, and how far it is. */
  line_province_code: number
  distance_m: number
  links: CaseLink[]
}

export interface BoundaryReport {
  km: number
  from: string
  to: string
  lines: { province_code: number; name_zh: string; name_en: string; length_m: number }[]
  by_province: {
    province_code: number | null
    name_zh: string | null
    name_en: string | null
    count: number
  }[]
  stations: { id: string; name_zh: string; name_en: string; cross_border: boolean; provinces: string[] }[]
  incidents: BoundaryIncident[]
  /** Incidents linked to a case of a neighbouring province. */
  cross_border_cases: BoundaryIncident[]
  truncated: boolean
}

/** GET /api/boundary: incidents within `km` of the province lines in [from, to), in the viewer's scope. */
export async function boundaryReport(
  db: Queryable,
  query: { km: number; from: Date; to: Date; viewer: Viewer },
): Promise<BoundaryReport> {
  const metres = query.km * 1000
  const lines = await db.query<BoundaryReport['lines'][number]>(
    `SELECT province_code, name_zh, name_en, round(ST_Length(line_m))::float8 AS length_m
     FROM province_lines ORDER BY province_code`,
  )
  // Each incident near a line, with the nearest line (of two, so <-> needs no index) and its side.
  const rows = await db.query<Omit<BoundaryIncident, 'occurred_at'> & { occurred_at: Date }>(
    `SELECT i.id, i.category, i.status, i.occurred_at, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat,
            (SELECT b.adcode FROM boundaries b
              WHERE b.level = 'province' AND ST_Intersects(b.geom, i.geom) ORDER BY b.adcode LIMIT 1) AS province_code,
            nearest.province_code AS line_province_code, round(nearest.distance_m)::float8 AS distance_m,
            coalesce((SELECT json_agg(json_build_object('province_code', k.province_code, 'case_ref', k.case_ref,
                                                        'note', k.note) ORDER BY k.id)
                      FROM incident_links k WHERE k.incident_id = i.id), '[]') AS links
     FROM incidents i
     CROSS JOIN LATERAL (
       SELECT l.province_code, ST_Distance(l.line_m, i.geom_m) AS distance_m
       FROM province_lines l ORDER BY l.line_m <-> i.geom_m LIMIT 1
     ) nearest
     WHERE i.occurred_at >= $2 AND i.occurred_at < $3
       AND nearest.distance_m <= $1
       AND ${inScopeSql('i.geom_m', '$4')}
     ORDER BY i.occurred_at DESC, i.id DESC
     LIMIT $5`,
    [metres, query.from, query.to, query.viewer, MAX_BAND_ROWS + 1],
  )
  const incidents: BoundaryIncident[] = rows.slice(0, MAX_BAND_ROWS).map((r) => ({
    ...r,
    occurred_at: r.occurred_at.toISOString(),
    links: typeof r.links === 'string' ? JSON.parse(r.links) : r.links,
  }))
  const names = await db.query<{ adcode: number; name_zh: string; name_en: string }>(
    `SELECT adcode, name_zh, name_en FROM boundaries WHERE level = 'province'`,
  )
  const counts = new Map<number | null, number>()
  for (const incident of incidents)
    counts.set(incident.province_code, (counts.get(incident.province_code) ?? 0) + 1)
  const by_province = [...counts].map(([code, count]) => {
    const name = names.find((n) => n.adcode === code)
    return { province_code: code, name_zh: name?.name_zh ?? null, name_en: name?.name_en ?? null, count }
  })
  by_province.sort((a, b) => b.count - a.count)
  const stations = await db.query<BoundaryReport['stations'][number]>(
    `SELECT s.id, s.name_zh, s.name_en, s.cross_border, s.provinces
     FROM stations s
     WHERE EXISTS (SELECT 1 FROM province_lines l WHERE ST_DWithin(l.line_m, s.jurisdiction_m, $1))
     ORDER BY s.id`,
    [metres],
  )
  return {
    km: query.km,
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    lines,
    by_province,
    stations,
    incidents,
    cross_border_cases: incidents.filter((i) => i.links.length > 0),
    truncated: rows.length > MAX_BAND_ROWS,
  }
}

/** POST /api/incidents/:id/links: links an incident to a neighbouring province's case. Null: no incident. */
export async function linkIncident(
  db: Db,
  id: number,
  link: CaseLink,
  actor: string,
  viewer: Viewer,
): Promise<CaseLink[] | null> {
  return db.transaction(async (tx) => {
    const [incident] = await tx.query<{ in_scope: boolean }>(
      `SELECT ${inScopeSql('i.geom_m', '$2')} AS in_scope FROM incidents i WHERE i.id = $1 FOR UPDATE`,
      [id, viewer],
    )
    if (!incident) return null
    if (!incident.in_scope) throw forbidden(`incident ${id} lies outside your jurisdiction`)
    const [existing] = await tx.query(
      'SELECT 1 FROM incident_links WHERE incident_id = $1 AND province_code = $2 AND case_ref = $3',
      [id, link.province_code, link.case_ref],
    )
    if (existing) {
      throw unprocessable(`incident ${id} is already linked to case ${link.case_ref}`, [
        { field: 'case_ref' },
      ])
    }
    await tx.query(
      `INSERT INTO incident_links (incident_id, province_code, case_ref, note, created_by) VALUES ($1, $2, $3, $4, $5)`,
      [id, link.province_code, link.case_ref, link.note, actor],
    )
    return tx.query<CaseLink>(
      'SELECT province_code, case_ref, note FROM incident_links WHERE incident_id = $1 ORDER BY id',
      [id],
    )
  })
}
