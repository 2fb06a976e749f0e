import { conflict } from '../errors.ts'

/**
 * The life of an incident: reported → dispatched → on_scene → resolved → closed, and cancelled from any
 * step before resolved. Plain data, so the UI's help and the tests read the same rules.
 */
export const incidentStatuses = [
  'reported',
  'dispatched',
  'on_scene',
  'resolved',
  'closed',
  'cancelled',
] as const
export type IncidentStatus = (typeof incidentStatuses)[number]

export const isIncidentStatus = (value: string): value is IncidentStatus =>
  (incidentStatuses as readonly string[]).includes(value)

/** The steps allowed from each status; an empty list marks a final status. */
export const incidentTransitions: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  reported: ['dispatched', 'cancelled'],
  dispatched: ['on_scene', 'cancelled'],
  on_scene: ['resolved', 'cancelled'],
  resolved: ['closed'],
  closed: [],
  cancelled: [],
}

/**
 * The convenience timestamp on `incidents` that a step into each status sets (reported_at is set on
 * creation; a cancellation has no column of its own and lives in incident_events only).
 */
export const statusTimestampColumn: Readonly<Record<IncidentStatus, string | null>> = {
  reported: 'reported_at',
  dispatched: 'dispatched_at',
  on_scene: 'on_scene_at',
  resolved: 'resolved_at',
  closed: 'closed_at',
  cancelled: null,
}

/** The statuses an incident in `status` may move to next. */
export const nextStatuses = (status: IncidentStatus): readonly IncidentStatus[] => incidentTransitions[status]

export const canTransition = (from: IncidentStatus, to: IncidentStatus): boolean =>
  incidentTransitions[from].includes(to)

export const isFinalStatus = (status: IncidentStatus): boolean => incidentTransitions[status].length === 0

/** What a refused step reports in the error's `details`, so the UI can offer the allowed ones. */
export interface IllegalTransition {
  code: 'illegal_transition'
  from: IncidentStatus
  to: IncidentStatus
  allowed: IncidentStatus[]
}

/** Throws a 409 naming the allowed next steps unless `from → to` is a step of the lifecycle. */
export function assertTransition(from: IncidentStatus, to: IncidentStatus): void {
  if (canTransition(from, to)) return
  const allowed = [...nextStatuses(from)]
  const detail: IllegalTransition = { code: 'illegal_transition', from, to, allowed }
  const hint = allowed.length ? `allowed next: ${allowed.join(', ')}` : `"${from}" is final`
  throw conflict(`an incident cannot go from "${from}" to "${to}"; ${hint}`, [detail])
}
