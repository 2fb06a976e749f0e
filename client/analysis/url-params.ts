/**
 * The analysis state kept in the URL hash, after the map view (url-view.ts keeps `map` and `layers`
 * and leaves the rest alone):
 *
 *   #map=…&layers=…&mode=coverage&t=2026-11-01T00:00Z&win=30&hs=gi&place=river-anji-003&cell=626,3600
 *   #map=…&mode=station&station=station-qiaoxi
 *
 * | key     | meaning                                                              | default          |
 * | ------- | -------------------------------------------------------------------- | ---------------- |
 * | `mode`  | `map`, `coverage`, `hotspots`, `station` or `desk`                   | `map`            |
 * | `t`     | end of the time window (excluded), ISO 8601, minutes, UTC            | end of the data  |
 * | `win`   | length of the window in days: 1, 7, 30 or 90                          | 30               |
 * | `hs`    | hotspot colouring: `gi` (significance), `count`, `effort` (per 100 km) | `gi`             |
 * | `place` | the place selected in coverage mode                                   | none             |
 * | `cell`  | the hotspot cell selected, `q,r` of the 500 m grid                    | none             |
 * | `station` | the station shown in station mode                                   | the user's own   |
 *
 * When `t` and `win` are both absent, the window starts from the incident filters' keys (read only,
 * incident-filters.ts writes them): a custom `inc-from`/`inc-to` (whole China days, both included)
 * gives the end (the day after `inc-to`) and the nearest length offered; a preset `inc-window`
 * (24h, 7d, 30d, 90d) gives the length only, the end staying at the end of the records (the incident
 * presets count back from now, the records of the demo may end earlier). Broken values are ignored.
 */

export type AnalysisMode = 'map' | 'coverage' | 'hotspots' | 'station' | 'desk'
export const analysisModes: readonly AnalysisMode[] = ['map', 'coverage', 'hotspots', 'station', 'desk']

export type HotspotMetric = 'gi' | 'count' | 'effort'
export const hotspotMetrics: readonly HotspotMetric[] = ['gi', 'count', 'effort']

/** The window lengths offered, in days. */
export const windowDays: readonly number[] = [1, 7, 30, 90]
export const defaultWindowDays = 30

export interface AnalysisParams {
  mode?: AnalysisMode
  /** Window end, epoch ms. */
  end?: number
  days?: number
  metric?: HotspotMetric
  place?: string
  cell?: string
  station?: string
}

const analysisKeys = ['mode', 't', 'win', 'hs', 'place', 'cell', 'station'] as const

const dayMs = 86_400_000

/** The incident filters' preset windows (incident-filters.ts) and the window lengths they match. */
const incidentPresets: Record<string, number> = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 }

/** A time from the URL: ISO date or date-time; a date-time without a zone is UTC. */
function parseTime(value: string | null): number | undefined {
  if (!value) return undefined
  const text = /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(value) ? `${value}Z` : value
  const ms = Date.parse(text)
  return Number.isFinite(ms) ? ms : undefined
}

export function parseAnalysisParams(hash: string): AnalysisParams {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const result: AnalysisParams = {}
  const mode = params.get('mode')
  if (analysisModes.includes(mode as AnalysisMode)) result.mode = mode as AnalysisMode
  const metric = params.get('hs')
  if (hotspotMetrics.includes(metric as HotspotMetric)) result.metric = metric as HotspotMetric
  const end = parseTime(params.get('t'))
  if (end !== undefined) result.end = end
  const days = Number(params.get('win'))
  if (windowDays.includes(days)) result.days = days
  const place = params.get('place')
  if (place && /^[\w.:-]{1,100}$/.test(place)) result.place = place
  const cell = params.get('cell')
  if (cell && /^-?\d+,-?\d+$/.test(cell)) result.cell = cell
  const station = params.get('station')
  if (station && /^[a-z0-9-]{1,80}$/.test(station)) result.station = station

  // The incident filters' window, when ours is not given.
  if (result.end === undefined && result.days === undefined) {
    const day = (key: string) => {
      const text = params.get(key)
      return text && /^\d{4}-\d{2}-\d{2}$/.test(text) ? parseTime(`${text}T00:00:00+08:00`) : undefined
    }
    const from = day('inc-from')
    const last = day('inc-to')
    const preset = incidentPresets[params.get('inc-window') ?? '']
    if (from !== undefined && last !== undefined && last >= from) {
      const to = last + dayMs
      const span = (to - from) / dayMs
      result.end = to
      result.days = windowDays.reduce((best, d) => (Math.abs(d - span) < Math.abs(best - span) ? d : best))
    } else if (preset !== undefined) {
      result.days = preset
    }
  }
  return result
}

/** '2026-11-01T00:00Z': minutes are what the slider moves by. */
export const formatUrlTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z`

/** The analysis part of the hash, keys in a fixed order, defaults left out. */
export function formatAnalysisParams(state: AnalysisParams & { latest?: boolean }): string[] {
  const parts: string[] = []
  if (state.mode && state.mode !== 'map') parts.push(`mode=${state.mode}`)
  if (state.end !== undefined && !state.latest) parts.push(`t=${formatUrlTime(state.end)}`)
  if (state.days !== undefined && state.days !== defaultWindowDays) parts.push(`win=${state.days}`)
  if (state.metric && state.metric !== 'gi') parts.push(`hs=${state.metric}`)
  if (state.place) parts.push(`place=${encodeURIComponent(state.place)}`)
  if (state.cell) parts.push(`cell=${state.cell}`)
  if (state.station) parts.push(`station=${state.station}`)
  return parts
}

/** Rewrites our keys in the hash, keeping every other part where it is (no history entry). */
export function writeAnalysisParams(state: AnalysisParams & { latest?: boolean }): void {
  const current = location.hash.replace(/^#/, '')
  const others = current
    .split('&')
    .filter((part) => part !== '' && !analysisKeys.some((key) => part.startsWith(`${key}=`)))
  const hash = `#${[...others, ...formatAnalysisParams(state)].join('&')}`
  if (location.hash === hash || (hash === '#' && location.hash === '')) return
  history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`)
}
