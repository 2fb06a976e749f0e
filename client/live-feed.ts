import type { IncidentEvent, IncidentFeature } from './incidents-api.ts'

/**
 * The live feed: one EventSource on GET /api/events. The browser reconnects by itself and sends
 * Last-Event-ID, so the server replays what was missed; when it cannot, it sends `reset` and the
 * client refetches what it shows.
 */

export type IncidentMessageType = 'incident.created' | 'incident.updated' | 'incident.dispatched'

export interface IncidentMessage {
  type: IncidentMessageType
  /** The SSE event id (the server's bus id). */
  id: string
  incident: IncidentFeature
  event: IncidentEvent
  /** When the server published it. */
  at: string
}

export interface PatrolPosition {
  patrol_id: string | number
  chief_id: string | null
  lon: number
  lat: number
  at: string
}

export type LiveState = 'connecting' | 'open' | 'closed'

export interface LiveFeedHandlers {
  onIncident: (message: IncidentMessage) => void
  /** The server could not replay what was missed: refetch. */
  onReset: () => void
  onPatrolPosition?: (position: PatrolPosition) => void
  onState?: (state: LiveState) => void
}

const incidentTypes: readonly IncidentMessageType[] = [
  'incident.created',
  'incident.updated',
  'incident.dispatched',
]

/** Opens the feed; returns the function that closes it. */
export function openLiveFeed(handlers: LiveFeedHandlers, url = '/api/events'): () => void {
  const source = new EventSource(url)
  const state = () => {
    const value: LiveState =
      source.readyState === EventSource.OPEN
        ? 'open'
        : source.readyState === EventSource.CONNECTING
          ? 'connecting'
          : 'closed'
    handlers.onState?.(value)
  }
  const parse = (event: MessageEvent): unknown => {
    try {
      return JSON.parse(String(event.data))
    } catch {
      console.warn('[shanshui] live feed: an event that is not JSON', event.data)
      return undefined
    }
  }
  const onIncident = (event: Event) => {
    const message = event as MessageEvent
    const data = parse(message) as Partial<IncidentMessage> | undefined
    if (!data?.incident?.properties || !data.event) return
    handlers.onIncident({
      type: message.type as IncidentMessageType,
      id: message.lastEventId,
      incident: data.incident,
      event: data.event,
      at: data.at ?? new Date().toISOString(),
    })
  }
  const onReset = () => handlers.onReset()
  const onPatrol = (event: Event) => {
    const data = parse(event as MessageEvent) as PatrolPosition | undefined
    if (data && handlers.onPatrolPosition) handlers.onPatrolPosition(data)
  }
  for (const type of incidentTypes) source.addEventListener(type, onIncident)
  source.addEventListener('reset', onReset)
  source.addEventListener('patrol.position', onPatrol)
  source.addEventListener('open', state)
  source.addEventListener('error', state)
  state()
  return () => {
    for (const type of incidentTypes) source.removeEventListener(type, onIncident)
    source.removeEventListener('reset', onReset)
    source.removeEventListener('patrol.position', onPatrol)
    source.removeEventListener('open', state)
    source.removeEventListener('error', state)
    source.close()
    handlers.onState?.('closed')
  }
}
