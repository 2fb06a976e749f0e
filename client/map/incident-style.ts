import type { IncidentCategory, IncidentStatus } from '../incidents-api.ts'
import { type RGBA, rgba } from './catalog.ts'

/**
 * How incidents look, in one place so the map and the legend agree. Category colours are the
 * Tableau 10 palette (distinct for most colour-vision types), each put where it reads naturally:
 * water blue for fishing, green for forests, brown for dumping.
 */
export const categoryColors: Record<IncidentCategory, string> = {
  illegal_fishing: '#1f77b4',
  poaching: '#d62728',
  wildlife_trade: '#9467bd',
  dumping: '#8c564b',
  pollution: '#bcbd22',
  illegal_mining: '#7f7f7f',
  illegal_logging: '#2ca02c',
  unsafe_camping: '#ff7f0e',
  drowning_risk: '#17becf',
  food_safety: '#e377c2',
}

export const categoryColor = (category: IncidentCategory, alpha = 255): RGBA =>
  rgba(categoryColors[category] ?? '#7f7f7f', alpha)

/** The ring of open incidents and of clusters that hold open ones. */
export const openRingColor = '#0f172a'
/** The selected incident's halo and the one-key dispatch target. */
export const selectedColor = '#f5b400'
/** Lines and markers of the responsible units. */
export const responsibleColor = '#1d4ed8'

/** Status badge colours (text on a light tint). */
export const statusColors: Record<IncidentStatus, string> = {
  reported: '#c81e3c',
  dispatched: '#c2410c',
  on_scene: '#1d4ed8',
  resolved: '#15803d',
  closed: '#475569',
  cancelled: '#6b7280',
}

/** Below this zoom incidents are drawn as clusters with counts. */
export const clusterBelowZoom = 10
