import { inScopeSql, type Viewer } from '../auth/scope.ts'
import type { Db, Queryable } from '../db/db.ts'
import {
  combinedCoverage,
  DEFAULT_RADIUS_M,
  type PlaceCoverage,
  placeCoverage,
  type TimeWindow,
} from './coverage.ts'
import { GAP_THRESHOLD, type RankedPlace, rankCoverage } from './coverage-gaps.ts'
import { type HandlingTimes, handlingTimes } from './handling-times.ts'

/**
 * The supervisor's desk: for a window, per district and per kind of place — coverage, overdue
 * places, incidents by category against the window before, and handling times — and per chief the
 * places answered for, the km patrolled and the places overdue. Every figure follows the
 * definitions of docs/definitions.md; this module only groups them.
 */

export interface GroupFigures {
  /** District adcode as text, or the kind of place; null: incidents with no district or place. */
  key: string | null
  name_zh: string | null
  name_en: string | null
  /** Patrolled places in the group. */
  places: number
  /** Weighted coverage of those places in the window, 0..1 (null with no places). */
  coverage: number | null
  overdue: number
  incidents: number
  /** Incidents in the window of the same length just before. */
  incidents_previous: number
  by_category: Record<string, number>
  by_category_previous: Record<string, number>
  handling: Pick<
    HandlingTimes,
    'minutes_to_dispatch' | 'minutes_to_on_scene' | 'minutes_to_resolve' | 'share_resolved_within_30m'
  > | null
}

export interface ChiefFigures {
  id: string
  name_zh: string
  name_en: string
  district_code: number | null
  places: number
  overdue: number
  /** Length of the chief's actual tracks that started in the window. */
  km_patrolled: number
}

export interface SupervisorSummary {
  from: string
  to: string
  previous_from: string
  radius: number
  total: GroupFigures
  districts: GroupFigures[]
  kinds: GroupFigures[]
  chiefs: ChiefFigures[]
}

type Grouping = 'district' | 'kind'

interface IncidentCount {
  key: string | null
  category: string
  current: number
  previous: number
}

/** Incidents per group and category in [previousFrom, from) and [from, to), in the viewer's scope. */
function countIncidents(
  db: Queryable,
  group: Grouping,
  w: TimeWindow & { previousFrom: Date },
  viewer: Viewer,
) {
  const key = group === 'district' ? 'i.district_code::text' : 'p.kind'
  return db.query<IncidentCount>(
    `SELECT ${key} AS key, i.category,
            count(*) FILTER (WHERE i.occurred_at >= $2)::int AS current,
            count(*) FILTER (WHERE i.occurred_at < $2)::int AS previous
       FROM incidents i LEFT JOIN places p ON p.id = i.place_id
      WHERE i.occurred_at >= $1 AND i.occurred_at < $3 AND ${inScopeSql('i.geom_m', '$4')}
      GROUP BY 1, 2`,
    [w.previousFrom, w.from, w.to, viewer],
  )
}

const emptyGroup = (key: string | null): GroupFigures => ({
  key,
  name_zh: null,
  name_en: null,
  places: 0,
  coverage: null,
  overdue: 0,
  incidents: 0,
  incidents_previous: 0,
  by_category: {},
  by_category_previous: {},
  handling: null,
})

export async function supervisorSummary(
  db: Db,
  window: TimeWindow,
  viewer: Viewer,
): Promise<SupervisorSummary> {
  const radius = DEFAULT_RADIUS_M
  const previousFrom = new Date(window.from.getTime() - (window.to.getTime() - window.from.getTime()))
  const query = { ...window, radius, threshold: GAP_THRESHOLD }
  const { places, ranked } = await db.transaction(async (tx) => {
    const coverage = await placeCoverage(tx, query)
    return { places: coverage, ranked: await rankCoverage(tx, query, coverage) }
  })
  const overdue = new Set(ranked.filter((r) => r.overdue_days > 0).map((r) => r.place.id))
  const districtNames = await db.query<{ adcode: number; name_zh: string; name_en: string }>(
    `SELECT adcode, name_zh, name_en FROM boundaries WHERE level = 'district' ORDER BY adcode`,
  )

  const grouped = async (group: Grouping) => {
    const groups = new Map<string | null, GroupFigures>()
    const entry = (key: string | null) => {
      let figures = groups.get(key)
      if (!figures) {
        figures = emptyGroup(key)
        const name = districtNames.find((d) => String(d.adcode) === key)
        if (group === 'district' && name)
          Object.assign(figures, { name_zh: name.name_zh, name_en: name.name_en })
        groups.set(key, figures)
      }
      return figures
    }
    if (group === 'district') for (const d of districtNames) entry(String(d.adcode))
    const keyOf = (p: PlaceCoverage) =>
      group === 'district' ? (p.district_code === null ? null : String(p.district_code)) : p.kind
    const placesOf = new Map<string | null, PlaceCoverage[]>()
    for (const p of places) placesOf.set(keyOf(p), [...(placesOf.get(keyOf(p)) ?? []), p])
    for (const [key, members] of placesOf) {
      const figures = entry(key)
      figures.places = members.length
      figures.coverage = combinedCoverage(members, radius)
      figures.overdue = members.filter((p) => overdue.has(p.id)).length
    }
    for (const row of await countIncidents(db, group, { ...window, previousFrom }, viewer)) {
      const figures = entry(row.key)
      figures.incidents += row.current
      figures.incidents_previous += row.previous
      if (row.current > 0) figures.by_category[row.category] = row.current
      if (row.previous > 0) figures.by_category_previous[row.category] = row.previous
    }
    const handling = await handlingTimes(db, { group, ...window, viewer })
    for (const h of handling.groups) entry(h.key).handling = handlingOf(h)
    return { groups: [...groups.values()], total: handling.total }
  }

  const districts = await grouped('district')
  const kinds = await grouped('kind')
  const total = emptyGroup(null)
  Object.assign(total, {
    places: places.length,
    coverage: places.length ? combinedCoverage(places, radius) : null,
    overdue: overdue.size,
    handling: handlingOf(districts.total),
  })
  for (const g of districts.groups) {
    total.incidents += g.incidents
    total.incidents_previous += g.incidents_previous
    for (const [category, n] of Object.entries(g.by_category))
      total.by_category[category] = (total.by_category[category] ?? 0) + n
    for (const [category, n] of Object.entries(g.by_category_previous))
      total.by_category_previous[category] = (total.by_category_previous[category] ?? 0) + n
  }

  return {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    previous_from: previousFrom.toISOString(),
    radius,
    total,
    districts: districts.groups,
    kinds: kinds.groups.sort((a, b) => b.places - a.places || String(a.key).localeCompare(String(b.key))),
    chiefs: await chiefFigures(db, window, ranked),
  }
}

const handlingOf = (h: HandlingTimes): GroupFigures['handling'] => ({
  minutes_to_dispatch: h.minutes_to_dispatch,
  minutes_to_on_scene: h.minutes_to_on_scene,
  minutes_to_resolve: h.minutes_to_resolve,
  share_resolved_within_30m: h.share_resolved_within_30m,
})

/** Per chief: patrolled places answered for, those overdue, km of actual tracks started in the window. */
async function chiefFigures(
  db: Queryable,
  window: TimeWindow,
  ranked: RankedPlace[],
): Promise<ChiefFigures[]> {
  const rows = await db.query<Omit<ChiefFigures, 'overdue' | 'places'>>(
    `SELECT c.id, c.name_zh, c.name_en, c.district_code,
            coalesce((SELECT sum(t.length_m) FROM patrols t
                       WHERE t.chief_id = c.id AND t.kind = 'actual'
                         AND t.started_at >= $1 AND t.started_at < $2), 0)::float8 / 1000 AS km_patrolled
       FROM chiefs c
      ORDER BY c.id`,
    [window.from, window.to],
  )
  const places = new Map<string, number>()
  const overdue = new Map<string, number>()
  for (const r of ranked) {
    for (const chief of r.chiefs) {
      places.set(chief.id, (places.get(chief.id) ?? 0) + 1)
      if (r.overdue_days > 0) overdue.set(chief.id, (overdue.get(chief.id) ?? 0) + 1)
    }
  }
  return rows
    .map((c) => ({
      ...c,
      km_patrolled: Math.round(c.km_patrolled * 10) / 10,
      places: places.get(c.id) ?? 0,
      overdue: overdue.get(c.id) ?? 0,
    }))
    .filter((c) => c.places > 0 || c.km_patrolled > 0)
    .sort((a, b) => b.overdue - a.overdue || a.km_patrolled - b.km_patrolled || a.id.localeCompare(b.id))
}
