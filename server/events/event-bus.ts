import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import type { Audience } from '../auth/audience.ts'

/**
 * The in-process event bus behind `GET /api/events`: numbered events, a bounded ring buffer of the
 * latest ones for clients that reconnect, and the list of live subscribers. It lives in one process;
 * a multi-process setup would swap it for one over LISTEN/NOTIFY or a broker behind the same interface.
 */

/** The event names clients see. `reset` is sent by the stream itself, never published. */
export type BusEventType = 'incident.created' | 'incident.updated' | 'incident.dispatched' | 'patrol.position'

export interface BusEvent<T = unknown> {
  /** Increases by one per event within a process (see `firstId`). */
  id: number
  type: BusEventType
  /** ISO 8601 time of publication. */
  at: string
  data: T
  /** Who may hear of it (auth/audience.ts); absent: everyone signed in. */
  audience?: Audience
}

/** One live listener, e.g. an SSE connection. */
export interface Subscriber {
  send(event: BusEvent): void
  /** The bus is closing (server shutdown): end the connection. */
  close(): void
}

export interface EventBusSettings {
  /** How many of the latest events are kept for reconnecting clients. */
  capacity: number
  /** Interval of the SSE heartbeat comment. */
  heartbeatMs: number
  /** A client whose unsent output grows beyond this is dropped (a slow or stuck reader). */
  maxClientBufferBytes: number
  /**
   * The id of the first event. By default the start time in milliseconds, so ids keep increasing
   * across restarts and a client's Last-Event-ID from an earlier run is recognised as stale.
   */
  firstId: number
}

export interface EventBus {
  readonly settings: Readonly<EventBusSettings>
  /** The id of the latest event, or firstId - 1 when none was published yet. */
  readonly lastId: number
  readonly subscriberCount: number
  publish<T>(type: BusEventType, data: T, audience?: Audience): BusEvent<T>
  /**
   * The buffered events after `afterId`, oldest first; null when the client cannot be caught up
   * (events after its id were already dropped from the buffer, or the id is not one of this bus).
   */
  replay(afterId: number): BusEvent[] | null
  /** Returns the function that unsubscribes. After close(), a new subscriber is closed at once. */
  subscribe(subscriber: Subscriber): () => void
  /** Ends every subscriber (server shutdown). */
  close(): void
}

export const defaultEventBusSettings = (): EventBusSettings => ({
  capacity: 1000,
  heartbeatMs: 15_000,
  maxClientBufferBytes: 1024 * 1024,
  firstId: Date.now(),
})

export function createEventBus(options: Partial<EventBusSettings> = {}): EventBus {
  const defaults = defaultEventBusSettings()
  const settings: EventBusSettings = {
    capacity: options.capacity ?? defaults.capacity,
    heartbeatMs: options.heartbeatMs ?? defaults.heartbeatMs,
    maxClientBufferBytes: options.maxClientBufferBytes ?? defaults.maxClientBufferBytes,
    firstId: options.firstId ?? defaults.firstId,
  }
  if (!Number.isInteger(settings.capacity) || settings.capacity < 1) {
    throw new Error(`event bus capacity must be a positive integer, got ${settings.capacity}`)
  }
  // A ring buffer: `ring[(start + i) % capacity]` is the i-th oldest of `size` events.
  const ring: BusEvent[] = new Array(settings.capacity)
  let start = 0
  let size = 0
  let lastId = settings.firstId - 1
  let closed = false
  const subscribers = new Set<Subscriber>()

  const remove = (subscriber: Subscriber) => () => {
    subscribers.delete(subscriber)
  }

  return {
    settings,
    get lastId() {
      return lastId
    },
    get subscriberCount() {
      return subscribers.size
    },
    publish(type, data, audience) {
      lastId += 1
      const event = { id: lastId, type, at: new Date().toISOString(), data, audience }
      if (size < settings.capacity) {
        ring[(start + size) % settings.capacity] = event
        size += 1
      } else {
        ring[start] = event
        start = (start + 1) % settings.capacity
      }
      for (const subscriber of [...subscribers]) {
        try {
          subscriber.send(event)
        } catch {
          // A broken subscriber must not stop the others, nor the publisher.
          subscribers.delete(subscriber)
        }
      }
      return event
    },
    replay(afterId) {
      if (!Number.isInteger(afterId) || afterId > lastId) return null
      const oldestId = size ? (ring[start] as BusEvent).id : lastId + 1
      if (afterId < oldestId - 1) return null
      const events: BusEvent[] = []
      for (let i = afterId - oldestId + 1; i < size; i++)
        events.push(ring[(start + i) % settings.capacity] as BusEvent)
      return events
    },
    subscribe(subscriber) {
      if (closed) {
        subscriber.close()
        return () => {}
      }
      subscribers.add(subscriber)
      return remove(subscriber)
    },
    close() {
      closed = true
      for (const subscriber of [...subscribers]) {
        subscribers.delete(subscriber)
        try {
          subscriber.close()
        } catch {
          // Closing the others matters more.
        }
      }
    },
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    eventBus: EventBus
  }
}

/**
 * Decorates the app with `eventBus` (visible to every route plugin) and ends the live streams before
 * the server closes, so `app.close()` does not wait for SSE clients that never hang up.
 */
const eventBusPlugin: FastifyPluginAsync<Partial<EventBusSettings>> = async (
  app: FastifyInstance,
  options,
) => {
  const bus = createEventBus(options)
  app.decorate('eventBus', bus)
  app.addHook('preClose', async () => bus.close())
}

// Like fastify-plugin: no encapsulation, so the decoration reaches the sibling route plugins.
Object.assign(eventBusPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'shanshui-event-bus',
})

export default eventBusPlugin
