import type { Db, Queryable } from '../db/db.ts'
import { type CoverageQuery, type PlaceCoverage, placeCoverage } from './coverage.ts'

/**
 * Gaps (docs/definitions.md): a patrolled place whose last patrol is older than its
 * patrol_every_days as of `to` (overdue), or whose coverage in the window is under the threshold
 * (low_coverage). Ranked by score = (overdue_days + shortfall_days) × risk, where
 *   shortfall_days = patrol_every_days × (1 − coverage) when coverage is under the threshold, else 0
 *   risk = 1 + incidents (not cancelled) within RISK_RADIUS_M of the place on the RISK_DAYS whole
 *          UTC days before `to`'s day and on that day up to `to`.
 * A place never patrolled counts as last patrolled when the patrol records begin (the earliest
 * actual patrol), so it is overdue by all the time on record.
 */

export const GAP_THRESHOLD = 0.5
export const RISK_RADIUS_M = 500
export const RISK_DAYS = 90
const DAY_MS = 86_400_000

export type GapReason = 'overdue' | 'low_coverage' | 'both'

export interface RankedPlace {
  place: { id: string; kind: string; name_zh: string; name_en: string; district_code: number | null }
  patrol_every_days: number
  /** null: not a gap. */
  reason: GapReason | null
  overdue_days: number
  coverage: number
  last_patrolled_at: string | null
  incidents_recent: number
  risk: number
  score: number
  chiefs: { id: string; name_zh: string; name_en: string }[]
}

/** A place that is a gap. */
export type Gap = RankedPlace & { reason: GapReason }

export interface GapQuery extends CoverageQuery {
  threshold: number
}

const round1 = (n: number) => Math.round(n * 10) / 10

/** Overdue days as of `to`: days since the last patrol (or since records began) beyond the target. */
export function overdueDays(
  place: Pick<PlaceCoverage, 'last_patrolled_at' | 'patrol_every_days'>,
  to: Date,
  recordsBegin: Date,
): number {
  const since = place.last_patrolled_at ?? recordsBegin
  return Math.max(0, round1((to.getTime() - since.getTime()) / DAY_MS - place.patrol_every_days))
}

/** The gap reason of a place, or null when it is patrolled often and widely enough. */
export function gapReason(overdue: number, coverage: number, threshold: number): GapReason | null {
  const late = overdue > 0
  const thin = coverage < threshold
  return late && thin ? 'both' : late ? 'overdue' : thin ? 'low_coverage' : null
}

/** The ranking score: (overdue days + shortfall days) × risk. */
export function gapScore(
  overdue: number,
  coverage: number,
  everyDays: number,
  threshold: number,
  risk: number,
) {
  const shortfall = coverage < threshold ? everyDays * (1 - coverage) : 0
  return round1((overdue + shortfall) * risk)
}

/** Which places a ranking holds: every place of the query, or only its gaps. */
export type Ranking = 'every place' | 'gaps'

/**
 * The places of the query with their gap figures (reason null when it is no gap), best first by
 * score. Runs inside the caller's read transaction.
 */
export async function rankPlaces(
  db: Queryable,
  q: GapQuery,
  ranking: Ranking = 'every place',
): Promise<RankedPlace[]> {
  return rankCoverage(db, q, await placeCoverage(db, q), ranking)
}

/**
 * Incidents (not cancelled) within RISK_RADIUS_M of each place on the RISK_DAYS whole UTC days before
 * `to`'s day and on that day up to `to`. The whole days are summed from place_incident_days
 * (migrations/008_place_incident_days.sql); the last day too when `to` is now, else it is counted
 * from the incidents (index on incidents.occurred_at, then the places' GiST index).
 */
async function recentIncidentsNear(db: Queryable, ids: string[], to: Date) {
  const toDay = new Date(Math.floor(to.getTime() / DAY_MS) * DAY_MS)
  const first = new Date(toDay.getTime() - RISK_DAYS * DAY_MS)
  const present = to.getTime() >= Date.now()
  const day = (d: Date) => d.toISOString().slice(0, 10)
  return db.query<{ id: string; n: number }>(
    `SELECT id, sum(n)::int AS n
       FROM (SELECT place_id AS id, n FROM place_incident_days
              WHERE place_id = ANY ($1) AND day >= $3::date AND day <= $4::date
             UNION ALL
             SELECT p.id, count(*)
               FROM incidents i JOIN places p ON ST_DWithin(i.geom_m, p.geom_m, $2)
              WHERE NOT $6 AND p.id = ANY ($1) AND i.status <> 'cancelled'
                AND i.occurred_at >= $5 AND i.occurred_at <= $7
              GROUP BY p.id) AS parts
      GROUP BY id`,
    [
      ids,
      RISK_RADIUS_M,
      day(first),
      day(present ? toDay : new Date(toDay.getTime() - DAY_MS)),
      toDay,
      present,
      to,
    ],
  )
}

/**
 * rankPlaces over coverage already computed for the query (placeCoverage is the costly part). The
 * reasons come first, so that a ranking of the gaps only looks up the risk and chiefs of the gaps.
 */
export async function rankCoverage(
  db: Queryable,
  q: GapQuery,
  coverage: PlaceCoverage[],
  ranking: Ranking = 'every place',
): Promise<RankedPlace[]> {
  const [records] = await db.query<{ begin: Date | null }>(
    `SELECT min(started_at) AS begin FROM patrols WHERE kind = 'actual' AND started_at <= $1`,
    [q.to],
  )
  const recordsBegin = records?.begin ?? q.from
  const places = coverage
    .map((p) => {
      const overdue = overdueDays(p, q.to, recordsBegin)
      return { ...p, overdue, reason: gapReason(overdue, p.coverage, q.threshold) }
    })
    .filter((p) => ranking === 'every place' || p.reason !== null)
  const ids = places.map((p) => p.id)
  const incidents = await recentIncidentsNear(db, ids, q.to)
  const chiefRows = await db.query<{ place_id: string; id: string; name_zh: string; name_en: string }>(
    // The ids joined as a table (hashed), not `= ANY ($1)`: that compares each row with every id.
    `SELECT cp.place_id, c.id, c.name_zh, c.name_en
     FROM unnest($1::text[]) AS ids (id)
     JOIN chief_places cp ON cp.place_id = ids.id
     JOIN chiefs c ON c.id = cp.chief_id
     ORDER BY c.id`,
    [ids],
  )
  const incidentsOf = new Map(incidents.map((r) => [r.id, r.n]))
  const chiefsOf = new Map<string, RankedPlace['chiefs']>()
  for (const { place_id, ...chief } of chiefRows)
    chiefsOf.set(place_id, [...(chiefsOf.get(place_id) ?? []), chief])

  return places
    .map((p): RankedPlace => {
      const recent = incidentsOf.get(p.id) ?? 0
      const risk = 1 + recent
      return {
        place: {
          id: p.id,
          kind: p.kind,
          name_zh: p.name_zh,
          name_en: p.name_en,
          district_code: p.district_code,
        },
        patrol_every_days: p.patrol_every_days,
        reason: p.reason,
        overdue_days: p.overdue,
        coverage: Math.round(p.coverage * 10_000) / 10_000,
        last_patrolled_at: p.last_patrolled_at?.toISOString() ?? null,
        incidents_recent: recent,
        risk,
        score: gapScore(p.overdue, p.coverage, p.patrol_every_days, q.threshold, risk),
        chiefs: chiefsOf.get(p.id) ?? [],
      }
    })
    .sort(
      (a, b) => b.score - a.score || b.overdue_days - a.overdue_days || a.place.id.localeCompare(b.place.id),
    )
}

export interface GapReport {
  gaps: Gap[]
  /** Gaps found before `limit` cut the list. */
  total: number
  truncated: boolean
  params: {
    from: string
    to: string
    radius: number
    threshold: number
    risk_radius_m: number
    risk_days: number
  }
}

/** GET /api/coverage/gaps: the ranked gaps as of `to`. */
export async function findGaps(db: Db, q: GapQuery & { limit: number }): Promise<GapReport> {
  const ranked = await db.transaction((tx) => rankPlaces(tx, q, 'gaps'))
  const gaps = ranked.filter((r): r is Gap => r.reason !== null)
  return {
    gaps: gaps.slice(0, q.limit),
    total: gaps.length,
    truncated: gaps.length > q.limit,
    params: {
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      radius: q.radius,
      threshold: q.threshold,
      risk_radius_m: RISK_RADIUS_M,
      risk_days: RISK_DAYS,
    },
  }
}
