import { inScopeSql, inStationAreaSql, type Viewer } from '../auth/scope.ts'
import type { Queryable } from '../db/db.ts'

/**
 * Handling-time figures for supervisors ("was the alert handled in time?"). Every duration is
 * measured from reported_at (when the alert reached the system) to the convenience timestamps
 * dispatched_at, on_scene_at and resolved_at; the window selects incidents by occurred_at, like the
 * incident list. Percentiles interpolate between values (percentile_cont).
 */

export const statsGroups = ['district', 'category', 'kind'] as const
export type StatsGroup = (typeof statsGroups)[number]

/** The target of the Fushi Reservoir example: handled within 30 minutes of the alert. */
export const resolveTargetMinutes = 30

export interface DurationStats {
  /** How many incidents have this duration (reached the step). */
  n: number
  median: number | null
  p90: number | null
}

export interface HandlingTimes {
  /** The district's adcode as text, or the category; null for incidents without a district. */
  key: string | null
  /** The district's names (group=district); null for categories and kinds. */
  name_zh: string | null
  name_en: string | null
  count: number
  cancelled: number
  resolved: number
  resolved_within_30m: number
  /** resolved_within_30m / (count − cancelled); null when that is 0. */
  share_resolved_within_30m: number | null
  minutes_to_dispatch: DurationStats
  minutes_to_on_scene: DurationStats
  minutes_to_resolve: DurationStats
}

export interface HandlingTimesReport {
  group: StatsGroup
  from: string | null
  to: string | null
  groups: HandlingTimes[]
  total: HandlingTimes
}

interface StatsRow {
  is_total: boolean
  key: string | null
  name_zh: string | null
  name_en: string | null
  count: number
  cancelled: number
  resolved: number
  resolved_within: number
  dispatch_n: number
  dispatch_p: (number | null)[] | null
  on_scene_n: number
  on_scene_p: (number | null)[] | null
  resolve_n: number
  resolve_p: (number | null)[] | null
}

// The group key, from a fixed allow-list (never user input).
const groupKey: Record<StatsGroup, string> = {
  district: 'district_code::text',
  category: 'category',
  // The kind of the incident's nearest place (incidents.place_id).
  kind: '(SELECT p.kind FROM places p WHERE p.id = i.place_id)',
}

const durationOf = (n: number, p: (number | null)[] | null): DurationStats => ({
  n,
  median: n ? (p?.[0] ?? null) : null,
  p90: n ? (p?.[1] ?? null) : null,
})

function figuresOf(row: StatsRow): HandlingTimes {
  const open = row.count - row.cancelled
  return {
    key: row.key,
    name_zh: row.name_zh,
    name_en: row.name_en,
    count: row.count,
    cancelled: row.cancelled,
    resolved: row.resolved,
    resolved_within_30m: row.resolved_within,
    share_resolved_within_30m: open > 0 ? row.resolved_within / open : null,
    minutes_to_dispatch: durationOf(row.dispatch_n, row.dispatch_p),
    minutes_to_on_scene: durationOf(row.on_scene_n, row.on_scene_p),
    minutes_to_resolve: durationOf(row.resolve_n, row.resolve_p),
  }
}

/** Count, median and p90 minutes to dispatch, on-scene and resolve, and the 30-minute share, per group and in total. */
export async function handlingTimes(
  db: Queryable,
  options: {
    group: StatsGroup
    from?: Date
    to?: Date
    /** Only incidents in this station's area (jurisdiction and boundary band). */
    station?: string
    /** Only incidents in this user's scope. */
    viewer?: Viewer
  },
): Promise<HandlingTimesReport> {
  const params: unknown[] = [resolveTargetMinutes]
  const conditions: string[] = []
  if (options.from) {
    params.push(options.from)
    conditions.push(`occurred_at >= $${params.length}`)
  }
  if (options.to) {
    params.push(options.to)
    conditions.push(`occurred_at < $${params.length}`)
  }
  if (options.station !== undefined) {
    params.push(options.station)
    conditions.push(
      `EXISTS (SELECT 1 FROM stations s WHERE s.id = $${params.length} AND ${inStationAreaSql('s', 'i.geom_m')})`,
    )
  }
  if (options.viewer != null) {
    params.push(options.viewer)
    conditions.push(inScopeSql('i.geom_m', `$${params.length}`))
  }
  // One pass: minutes from the report to each step per incident, then per group and (the empty
  // grouping set) over all. percentile_cont with an array of fractions sorts each measure once and
  // ignores the NULLs of incidents that did not reach the step.
  const rows = await db.query<StatsRow>(
    `WITH timed AS (
       SELECT ${groupKey[options.group]} AS key, status,
              (extract(epoch FROM dispatched_at - reported_at) / 60)::float8 AS to_dispatch,
              (extract(epoch FROM on_scene_at - reported_at) / 60)::float8 AS to_on_scene,
              (extract(epoch FROM resolved_at - reported_at) / 60)::float8 AS to_resolve
         FROM incidents i
        ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
     ), figures AS (
       SELECT GROUPING(key) = 1 AS is_total, key,
              count(*) AS count,
              count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
              count(to_resolve) AS resolved,
              count(*) FILTER (WHERE to_resolve <= $1) AS resolved_within,
              count(to_dispatch) AS dispatch_n,
              percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY to_dispatch) AS dispatch_p,
              count(to_on_scene) AS on_scene_n,
              percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY to_on_scene) AS on_scene_p,
              count(to_resolve) AS resolve_n,
              percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY to_resolve) AS resolve_p
         FROM timed
        GROUP BY GROUPING SETS ((key), ())
     )
     -- District names for group=district; a category or a kind never equals an adcode: no names.
     SELECT f.*, b.name_zh, b.name_en
       FROM figures f
       LEFT JOIN boundaries b ON NOT f.is_total AND b.level = 'district' AND b.adcode::text = f.key
      ORDER BY f.is_total, f.count DESC, f.key`,
    params,
  )
  const total = rows.find((r) => r.is_total)
  const empty: StatsRow = {
    is_total: true,
    key: null,
    name_zh: null,
    name_en: null,
    count: 0,
    cancelled: 0,
    resolved: 0,
    resolved_within: 0,
    dispatch_n: 0,
    dispatch_p: null,
    on_scene_n: 0,
    on_scene_p: null,
    resolve_n: 0,
    resolve_p: null,
  }
  return {
    group: options.group,
    from: options.from?.toISOString() ?? null,
    to: options.to?.toISOString() ?? null,
    groups: rows.filter((r) => !r.is_total).map(figuresOf),
    total: figuresOf({ ...(total ?? empty), key: null, name_zh: null, name_en: null }),
  }
}
