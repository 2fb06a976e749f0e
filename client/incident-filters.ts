import {
  type IncidentCategory,
  type IncidentProps,
  type IncidentStatus,
  incidentCategories,
  incidentStatuses,
  isIncidentCategory,
  isIncidentStatus,
} from './incidents-api.ts'

/**
 * Which incidents the map shows, kept in the URL hash next to the view (url-view.ts) so a reload or a
 * shared link shows the same incidents:
 *
 *   #map=…&layers=…&inc-window=7d&inc-category=poaching,dumping&inc-status=reported&incident=20012
 *
 * `inc-window` is 24h, 7d, 30d (the default, left out) or 90d, counted back from now; a custom window is
 * `inc-from=2026-11-01&inc-to=2026-11-15`, whole days in China Standard Time, both included.
 * `inc-category` and `inc-status` are comma lists; left out means all. `incident` is the one open in
 * the detail panel. Only these keys are read and written; every other part of the hash is kept.
 */

export const windowPresets = ['24h', '7d', '30d', '90d'] as const
export type WindowPreset = (typeof windowPresets)[number]

export type TimeWindow =
  | { kind: 'preset'; preset: WindowPreset }
  | { kind: 'custom'; from: string; to: string }

export interface IncidentFilters {
  window: TimeWindow
  /** Empty means every category. */
  categories: readonly IncidentCategory[]
  /** Empty means every status. */
  statuses: readonly IncidentStatus[]
}

export const defaultFilters: IncidentFilters = {
  window: { kind: 'preset', preset: '30d' },
  categories: [],
  statuses: [],
}

const presetMs: Record<WindowPreset, number> = {
  '24h': 24 * 3600_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
}

/** Huzhou keeps China Standard Time all year (no daylight saving): dates and clock times use it. */
export const chinaOffset = '+08:00'
const chinaOffsetMs = 8 * 3600_000

const dayPattern = /^\d{4}-\d{2}-\d{2}$/
const isDay = (text: string) => dayPattern.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))

/** YYYY-MM-DD of an instant in China Standard Time. */
export function chinaDay(time: Date): string {
  return new Date(time.getTime() + chinaOffsetMs).toISOString().slice(0, 10)
}

/** The instants a window covers: occurred_at ≥ from and, when given, < to. Presets stay open-ended. */
export function windowRange(window: TimeWindow, now: Date): { from: string; to?: string } {
  if (window.kind === 'preset')
    return { from: new Date(now.getTime() - presetMs[window.preset]).toISOString() }
  const from = new Date(`${window.from}T00:00:00${chinaOffset}`)
  const to = new Date(`${window.to}T00:00:00${chinaOffset}`)
  to.setTime(to.getTime() + 86_400_000)
  return { from: from.toISOString(), to: to.toISOString() }
}

/** Whether an incident passes the filters (for incidents that arrive through the live feed). */
export function matchesFilters(
  incident: Pick<IncidentProps, 'category' | 'status' | 'occurred_at'>,
  filters: IncidentFilters,
  range: { from: string; to?: string },
): boolean {
  if (filters.categories.length > 0 && !filters.categories.includes(incident.category)) return false
  if (filters.statuses.length > 0 && !filters.statuses.includes(incident.status)) return false
  const at = Date.parse(incident.occurred_at)
  if (at < Date.parse(range.from)) return false
  if (range.to !== undefined && at >= Date.parse(range.to)) return false
  return true
}

const ownKeys = ['inc-window', 'inc-from', 'inc-to', 'inc-category', 'inc-status', 'incident']

/** Splits a hash into its `key=value` parts (values are kept as they are written). */
function hashParts(hash: string): string[] {
  return hash
    .replace(/^#/, '')
    .split('&')
    .filter((part) => part !== '')
}

/** Reads the filters and the selected incident from a location hash; broken parts fall back to defaults. */
export function parseIncidentHash(hash: string): { filters: IncidentFilters; selected: number | undefined } {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const list = <T extends string>(key: string, allowed: readonly T[], isT: (v: unknown) => v is T): T[] => {
    const text = params.get(key)
    if (!text) return []
    const wanted = new Set(text.split(',').map((v) => v.trim()))
    // In the canonical order, so the same set always makes the same URL.
    const values = allowed.filter((v) => wanted.has(v) && isT(v))
    return values.length === allowed.length ? [] : values
  }
  let window: TimeWindow = defaultFilters.window
  const from = params.get('inc-from')
  const to = params.get('inc-to')
  const preset = params.get('inc-window')
  if (from && to && isDay(from) && isDay(to) && from <= to) window = { kind: 'custom', from, to }
  else if (preset && (windowPresets as readonly string[]).includes(preset))
    window = { kind: 'preset', preset: preset as WindowPreset }
  const id = Number(params.get('incident'))
  return {
    filters: {
      window,
      categories: list('inc-category', incidentCategories, isIncidentCategory),
      statuses: list('inc-status', incidentStatuses, isIncidentStatus),
    },
    selected: Number.isInteger(id) && id > 0 ? id : undefined,
  }
}

/** The hash parts for filters and a selection; defaults are left out. */
export function formatIncidentParts(filters: IncidentFilters, selected: number | undefined): string[] {
  const parts: string[] = []
  const w = filters.window
  if (w.kind === 'custom') parts.push(`inc-from=${w.from}`, `inc-to=${w.to}`)
  else if (w.preset !== '30d') parts.push(`inc-window=${w.preset}`)
  if (filters.categories.length > 0)
    parts.push(`inc-category=${incidentCategories.filter((c) => filters.categories.includes(c)).join(',')}`)
  if (filters.statuses.length > 0)
    parts.push(`inc-status=${incidentStatuses.filter((s) => filters.statuses.includes(s)).join(',')}`)
  if (selected !== undefined) parts.push(`incident=${selected}`)
  return parts
}

/** `hash` with the incident keys replaced; the view, the layers and everything else stay as they are. */
export function withIncidentParts(
  hash: string,
  filters: IncidentFilters,
  selected: number | undefined,
): string {
  const others = hashParts(hash).filter((part) => !ownKeys.includes(part.split('=')[0] ?? ''))
  const parts = [...others, ...formatIncidentParts(filters, selected)]
  return parts.length ? `#${parts.join('&')}` : ''
}

/** Writes the filters into the URL without a history entry (like the view). */
export function writeIncidentHash(filters: IncidentFilters, selected: number | undefined): void {
  const hash = withIncidentParts(location.hash, filters, selected)
  if (hash === location.hash) return
  history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`)
}

export const sameFilters = (a: IncidentFilters, b: IncidentFilters) => JSON.stringify(a) === JSON.stringify(b)
