import type { ServerResponse } from 'node:http'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { userOf } from '../auth/access.ts'
import { hears } from '../auth/audience.ts'
import type { BusEvent, EventBus } from '../events/event-bus.ts'

/**
 * `GET /api/events`: the event bus as server-sent events. Each event has its bus id, so a reconnecting
 * EventSource sends Last-Event-ID and gets what it missed from the ring buffer; when that is no
 * longer possible it gets a `reset` event and refetches. A comment line every 15 s keeps proxies from
 * closing an idle stream; a client that stops reading is dropped once its unsent output passes the limit.
 */

/** Client-side reconnection delay the stream suggests (the SSE `retry:` field). */
const retryMs = 3000

// An event's frame is the same text for every client: made once per event.
const frames = new WeakMap<BusEvent, string>()
export function frameOf(event: BusEvent): string {
  let frame = frames.get(event)
  if (frame === undefined) {
    frame = `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify({ ...(event.data as object), at: event.at })}\n\n`
    frames.set(event, frame)
  }
  return frame
}

/**
 * The `reset` event: the client cannot be caught up event by event and must refetch. Its id is the
 * latest one, so the client's next reconnection continues from here.
 */
const resetFrame = (
  bus: EventBus,
  lastEventId: string,
  reason: 'missed_events_unavailable' | 'too_many_missed_events',
) =>
  `id: ${bus.lastId}\nevent: reset\ndata: ${JSON.stringify({ reason, last_event_id: lastEventId, current_id: bus.lastId })}\n\n`

/** Streams the events of `bus` that `hears` lets through to one HTTP response until either side ends it. */
export function streamEvents(
  bus: EventBus,
  res: ServerResponse,
  lastEventId: string | undefined,
  hears: (event: BusEvent) => boolean = () => true,
): void {
  const { heartbeatMs, maxClientBufferBytes } = bus.settings
  let ended = false
  let unsubscribe = () => {}
  let heartbeat: NodeJS.Timeout | undefined

  const end = (destroy: boolean) => {
    if (ended) return
    ended = true
    unsubscribe()
    clearInterval(heartbeat)
    if (destroy) res.destroy()
    else res.end()
  }
  // Writes, or drops the client when it has fallen too far behind (its unsent output stays in memory).
  const write = (text: string) => {
    if (ended) return
    res.write(text)
    if (res.writableLength > maxClientBufferBytes) end(true)
  }

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    // The socket is not reused after a stream: when the server ends it (shutdown), it closes at once
    // instead of idling in keep-alive until the client lets go, which would hold up app.close().
    connection: 'close',
    'x-accel-buffering': 'no',
  })
  // The client hung up: free the socket at once rather than let it linger half-open.
  res.on('close', () => end(true))
  write(`retry: ${retryMs}\n: connected\n\n`)

  // Replay and subscribe in the same tick: nothing can be published in between.
  if (lastEventId !== undefined) {
    const afterId = /^\d+$/.test(lastEventId) ? Number(lastEventId) : Number.NaN
    const missed = bus.replay(afterId)
    const replay = missed?.filter(hears).map(frameOf) ?? []
    // A replay larger than the client's buffer limit would get it dropped, again at each reconnection:
    // refetching is cheaper then.
    const bytes = replay.reduce((sum, frame) => sum + Buffer.byteLength(frame), 0)
    if (missed === null) write(resetFrame(bus, lastEventId, 'missed_events_unavailable'))
    else if (bytes > maxClientBufferBytes) write(resetFrame(bus, lastEventId, 'too_many_missed_events'))
    else for (const frame of replay) write(frame)
  }
  if (ended) return
  unsubscribe = bus.subscribe({
    send: (event) => {
      if (hears(event)) write(frameOf(event))
    },
    close: () => end(false),
  })
  heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs)
  heartbeat.unref()
}

const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/events',
    {
      schema: {
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 40 })) }),
        querystring: Type.Object({
          last_event_id: Type.Optional(
            Type.String({
              maxLength: 40,
              description: 'for clients that cannot send the Last-Event-ID header',
            }),
          ),
        }),
        response: {
          200: Type.String({
            description:
              "text/event-stream: incident.created, incident.updated, incident.dispatched (data {incident, event, at}), patrol.position, reset; only what lies in the user's scope",
          }),
        },
      },
    },
    async (request, reply) => {
      // The stream outlives the handler: Fastify leaves the raw response to us from here on.
      const user = userOf(request)
      reply.hijack()
      streamEvents(
        app.eventBus,
        reply.raw,
        request.headers['last-event-id'] ?? request.query.last_event_id,
        (event) => hears(user, event.audience),
      )
    },
  )
}

export default eventRoutes
