import type { Queryable } from '../db/db.ts'
import { badRequest } from '../errors.ts'
import { hexBinSql, hexKey, hexLonLatRings } from './hex-grid.ts'
import {
  buildStudyArea,
  type CellCount,
  type HotspotFilter,
  incidentConditions,
  Params,
  type PolygonGeometry,
  patrolEffortByCell,
  widenedBBox,
} from './hotspots.ts'
import type { IncidentCategory } from './incidents.ts'
import {
  type EmergingClass,
  emergingClass,
  getisOrdGiStar,
  hotspotClass,
  type MannKendall,
  mannKendall,
  type TrendDirection,
  trendDirection,
  twoSidedP,
} from './statistics.ts'

/**
 * Emerging hotspots: per hexagon, the incident counts per week or month of a window, their
 * Mann-Kendall trend, a Gi* z-score per step, and a class combining the two (statistics.ts,
 * emergingClass). docs/hotspots.md states the rules.
 */

export type TrendStep = 'week' | 'month'
export const trendSteps: readonly TrendStep[] = ['week', 'month']
/** Mann-Kendall needs a few values; more steps than this make a response nobody reads. */
export const minSteps = 3
export const maxSteps = 260
/** Steps in the window when `from` is not given. */
export const defaultSteps = 12
/** A Mann-Kendall trend counts when its two-sided p is below this. */
export const trendAlpha = 0.05

export interface TrendFilter extends HotspotFilter {
  step: TrendStep
}

/** `to` moved back by k steps; months keep the day of the month, or the month's last day if shorter. */
export function stepBack(to: Date, step: TrendStep, k: number): Date {
  if (step === 'week') return new Date(to.getTime() - k * 7 * 86_400_000)
  const y = to.getUTCFullYear()
  const m = to.getUTCMonth() - k
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate()
  return new Date(
    Date.UTC(
      y,
      m,
      Math.min(to.getUTCDate(), lastDay),
      to.getUTCHours(),
      to.getUTCMinutes(),
      to.getUTCSeconds(),
      to.getUTCMilliseconds(),
    ),
  )
}

/**
 * The step boundaries of a window, oldest first: whole steps counted back from `to`, as many as fit
 * after `from`. The first boundary is the start of the analysis, which is `from` or up to one step
 * after it (the remainder is left out, so every step is complete). A window of fewer than `minSteps`
 * or more than `maxSteps` steps is a 400.
 */
export function stepBoundaries(from: Date, to: Date, step: TrendStep): Date[] {
  const bounds = [to]
  for (let k = 1; ; k++) {
    const b = stepBack(to, step, k)
    if (b.getTime() < from.getTime()) break
    bounds.unshift(b)
    if (bounds.length - 1 > maxSteps) {
      throw badRequest(
        `the window holds more than ${maxSteps} ${step}s; use a shorter window or step=month`,
        [{ field: 'from', code: 'too_many_steps', max: maxSteps }],
      )
    }
  }
  if (bounds.length - 1 < minSteps) {
    throw badRequest(
      `the window holds ${bounds.length - 1} whole ${step}(s); a trend needs at least ${minSteps}: move from earlier or use step=week`,
      [{ field: 'from', code: 'too_few_steps', min: minSteps, steps: bounds.length - 1 }],
    )
  }
  return bounds
}

/** The default start of a trend window: `defaultSteps` steps before `to`. */
export const defaultTrendFrom = (step: TrendStep) => (to: Date) => stepBack(to, step, defaultSteps)

interface StepCount extends CellCount {
  step: number
}

/** Incidents per hexagon and step (0 = the oldest step). */
async function incidentCountsByCellAndStep(
  db: Queryable,
  filter: TrendFilter,
  bounds: Date[],
): Promise<StepCount[]> {
  const params = new Params()
  const size = params.add(filter.cell)
  // Lower bounds of the steps; width_bucket gives 1 for the first step, so step = bucket − 1.
  const lower = params.add(bounds.slice(0, -1).map((b) => b.toISOString()))
  const where = incidentConditions(params, {
    from: bounds[0] as Date,
    to: filter.to,
    categories: filter.categories,
    bbox: filter.bbox ? widenedBBox(filter.bbox, filter.cell) : undefined,
  })
  // As for the hotspots: the hexagon comes from the stored metric point by arithmetic, then a GROUP BY.
  return db.query<StepCount>(
    `SELECT hex.q, hex.r, width_bucket(i.occurred_at, ${lower}::text[]::timestamptz[]) - 1 AS step,
            count(*)::integer AS count
       FROM incidents i
       CROSS JOIN LATERAL (${hexBinSql('ST_X(i.geom_m)', 'ST_Y(i.geom_m)', size)}) AS hex
      WHERE ${where.join(' AND ')}
      GROUP BY 1, 2, 3`,
    params.values,
  )
}

export interface TrendProperties {
  q: number
  r: number
  /** Incidents per step, oldest first. */
  counts: number[]
  total: number
  /** Gi* z-score per step over the study area. */
  gi_z: number[]
  /** Steps in which the cell was a hot spot at 90 % confidence or more. */
  hot_steps: number
  final_hot: boolean
  mann_kendall: MannKendall
  trend: TrendDirection
  class: EmergingClass
}

export interface TrendFeature {
  type: 'Feature'
  id: string
  geometry: PolygonGeometry
  properties: TrendProperties
}

export interface TrendCollection {
  type: 'FeatureCollection'
  /** The start of the first whole step (≥ the requested from). */
  from: string
  to: string
  step: TrendStep
  cell: number
  categories: IncidentCategory[] | null
  bbox: [number, number, number, number] | null
  steps: { start: string; end: string }[]
  summary: {
    /** Cells of the study area (Gi* is computed over these in every step). */
    cells: number
    /** Cells with incidents: the features. */
    cells_with_incidents: number
    incidents: number
    classes: Record<EmergingClass, number>
  }
  features: TrendFeature[]
}

const classOrder: EmergingClass[] = [
  'new',
  'intensifying',
  'persistent',
  'diminishing',
  'consecutive',
  'oscillating',
  'sporadic',
  'historical',
  'none',
]

/**
 * The emerging-hotspot answer: for every cell with an incident in the window, its counts per step,
 * Mann-Kendall trend, Gi* per step and class. Gi* is computed in each step over one study area, the
 * one findHotspots would use for the whole window (cells with incidents or patrol effort, and their
 * neighbours). Sorted by class (new first), then by the final step's z-score.
 */
export async function findHotspotTrends(db: Queryable, filter: TrendFilter): Promise<TrendCollection> {
  const bounds = stepBoundaries(filter.from, filter.to, filter.step)
  const steps = bounds.length - 1
  const start = bounds[0] as Date
  const [rows, effort] = await Promise.all([
    incidentCountsByCellAndStep(db, filter, bounds),
    patrolEffortByCell(db, { ...filter, from: start }),
  ])

  const totals = new Map<string, CellCount>()
  for (const row of rows) {
    const key = `${row.q},${row.r}`
    const t = totals.get(key) ?? { q: row.q, r: row.r, count: 0 }
    t.count += row.count
    totals.set(key, t)
  }
  const area = buildStudyArea([...totals.values()], effort, filter.cell, filter.bbox)
  const series = area.cells.map(() => new Array<number>(steps).fill(0))
  for (const row of rows) {
    const i = area.indexOf(row.q, row.r)
    if (i !== undefined) (series[i] as number[])[row.step] = row.count
  }

  // Gi* per step, each over the same cells and neighbourhoods.
  const giByStep: number[][] = []
  for (let t = 0; t < steps; t++) {
    giByStep.push(
      getisOrdGiStar(
        series.map((s) => s[t] as number),
        area.neighbours,
      ),
    )
  }

  const classes = Object.fromEntries(classOrder.map((c) => [c, 0])) as Record<EmergingClass, number>
  const features: TrendFeature[] = []
  const ringOf = hexLonLatRings(filter.cell)
  area.cells.forEach((cell, i) => {
    const counts = series[i] as number[]
    const total = counts.reduce((a, b) => a + b, 0)
    if (total === 0) return
    const giZ = giByStep.map((z) => z[i] as number)
    const levels = giZ.map((z) => hotspotClass(z, twoSidedP(z)))
    const hot = levels.map((c) => c.startsWith('hot'))
    const cold = levels.map((c) => c.startsWith('cold'))
    const mk = mannKendall(counts)
    const trend = trendDirection(mk, trendAlpha)
    const kind = emergingClass(hot, cold, trend)
    classes[kind]++
    features.push({
      type: 'Feature',
      id: hexKey(cell.q, cell.r),
      geometry: { type: 'Polygon', coordinates: [ringOf(cell)] },
      properties: {
        q: cell.q,
        r: cell.r,
        counts,
        total,
        gi_z: giZ,
        hot_steps: hot.filter(Boolean).length,
        final_hot: hot[steps - 1] === true,
        mann_kendall: mk,
        trend,
        class: kind,
      },
    })
  })
  features.sort(
    (a, b) =>
      classOrder.indexOf(a.properties.class) - classOrder.indexOf(b.properties.class) ||
      (b.properties.gi_z[steps - 1] as number) - (a.properties.gi_z[steps - 1] as number) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
  return {
    type: 'FeatureCollection',
    from: start.toISOString(),
    to: filter.to.toISOString(),
    step: filter.step,
    cell: filter.cell,
    categories: filter.categories ?? null,
    bbox: filter.bbox ?? null,
    steps: bounds
      .slice(0, -1)
      .map((b, t) => ({ start: b.toISOString(), end: (bounds[t + 1] as Date).toISOString() })),
    summary: {
      cells: area.cells.length,
      cells_with_incidents: features.length,
      incidents: features.reduce((a, f) => a + f.properties.total, 0),
      classes,
    },
    features,
  }
}
