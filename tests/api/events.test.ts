import net from 'node:net'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IncidentDetail } from '../../server/domain/incidents.ts'
import eventBus, { type BusEvent, createEventBus } from '../../server/events/event-bus.ts'
import eventRoutes from '../../server/routes/events.ts'
import { buildTestApp, signIn, type TestApp } from '../helpers/test-app.ts'
import { backend } from '../helpers/test-db.ts'

// GET /api/events over a real listening server, read with fetch as a browser's EventSource would.

interface SseMessage {
  id?: string
  event: string
  data: string
}

/** Reads an SSE response in the background; tests wait for the messages they expect. */
class SseClient {
  readonly messages: SseMessage[] = []
  readonly comments: string[] = []
  ended = false
  private wakers = new Set<() => void>()

  constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    void this.read()
  }

  static async connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const abort = new AbortController()
    const response = await fetch(url, { headers, signal: abort.signal })
    return new SseClient(response, abort)
  }

  private async read() {
    const reader = (this.response.body as ReadableStream<Uint8Array>).getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        buffer += decoder.decode(value, { stream: true })
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          this.parse(buffer.slice(0, end))
          buffer = buffer.slice(end + 2)
        }
        this.wake()
      }
    } catch {
      // Aborted by close(), or the server dropped us.
    }
    this.ended = true
    this.wake()
  }

  private parse(block: string) {
    const message: SseMessage = { event: 'message', data: '' }
    let isMessage = false
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim())
        continue
      }
      const colon = line.indexOf(':')
      const field = line.slice(0, colon)
      const value = line.slice(colon + 1).replace(/^ /, '')
      if (field === 'id') message.id = value
      if (field === 'event') message.event = value
      if (field === 'data') message.data += value
      if (field === 'id' || field === 'event' || field === 'data') isMessage = true
    }
    if (isMessage) this.messages.push(message)
  }

  private wake() {
    for (const wake of this.wakers) wake()
  }

  /** Resolves once `check` returns something; fails after the timeout. */
  async until<T>(check: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const result = check()
      if (result !== undefined && result !== false) return result
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.wakers.delete(wake)
          clearTimeout(timer)
          resolve()
        }
        const timer = setTimeout(wake, 50)
        this.wakers.add(wake)
      })
    }
  }

  /** The first message of `event` type after the first `skip` of them. */
  message(event: string, skip = 0) {
    return this.until(() => this.messages.filter((m) => m.event === event)[skip], `an ${event} event`)
  }

  close() {
    this.abort.abort()
  }
}

const json = (message: SseMessage) => JSON.parse(message.data)

describe(`GET /api/events on the app (${backend})`, () => {
  let t: TestApp
  let base: string
  let cookie: string
  const clients: SseClient[] = []
  let closed = false

  beforeAll(async () => {
    t = await buildTestApp()
    cookie = await signIn(t.app, 'coordinator')
    base = await t.app.listen({ host: '127.0.0.1', port: 0 })
  })
  afterAll(async () => {
    for (const client of clients) client.close()
    if (!closed) await t?.close()
  })

  const connect = async (headers: Record<string, string> = {}, query = '') => {
    const client = await SseClient.connect(`${base}/api/events${query}`, { cookie, ...headers })
    clients.push(client)
    await client.until(() => client.comments.includes('connected'), 'the stream to open')
    return client
  }

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}/api${path}`, {
      method,
      headers: body === undefined ? { cookie } : { cookie, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    expect(response.status, await response.clone().text()).toBeLessThan(300)
    return (await response.json()) as IncidentDetail
  }

  const newIncident = () =>
    call('POST', '/incidents', {
      category: 'illegal_fishing',
      location: { type: 'Point', coordinates: [120.13, 30.93] },
      occurred_at: new Date().toISOString(),
      source: 'drone',
      description: 'electro-fishing boat near the Taihu shore',
    })

  it("sends a station's user only the events in its scope", async () => {
    const coordinator = await connect()
    const station = await SseClient.connect(`${base}/api/events`, {
      cookie: await signIn(t.app, 'station-fushi'),
    })
    clients.push(station)
    await station.until(() => station.comments.includes('connected'), 'the station stream to open')
    // First far from Fushi Reservoir (the Taihu shore), then at the station itself.
    const far = await newIncident()
    const stations: { id: string; location: { coordinates: number[] } }[] = (
      await t.inject({ url: '/api/stations' })
    ).json()
    const fushi = stations.find((s) => s.id === 'station-fushi')
    expect(fushi).toBeDefined()
    const near = await call('POST', '/incidents', {
      category: 'illegal_fishing',
      location: fushi?.location,
      occurred_at: new Date().toISOString(),
      source: 'patrol',
      description: 'nets in the reservoir',
    })
    const createdIds = (client: SseClient) =>
      client.messages.filter((m) => m.event === 'incident.created').map((m) => json(m).incident.id)
    await coordinator.until(
      () => createdIds(coordinator).includes(near.id),
      'the coordinator to hear of both',
    )
    expect(createdIds(coordinator)).toContain(far.id)
    // Events arrive in order: once the station has heard of the near one, the far one was skipped.
    await station.until(() => createdIds(station).includes(near.id), 'the station to hear of its own')
    expect(createdIds(station)).not.toContain(far.id)
    coordinator.close()
    station.close()
  })

  let firstIds: number[] = []

  it('streams text/event-stream with a retry hint', async () => {
    const client = await connect()
    expect(client.response.status).toBe(200)
    expect(client.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(client.response.headers.get('cache-control')).toMatch(/no-cache/)
    client.close()
  })

  it('pushes incident.created, incident.dispatched and incident.updated with increasing ids', async () => {
    const client = await connect()
    const incident = await newIncident()
    const created = await client.message('incident.created')
    const data = json(created)
    expect(data).toEqual({
      incident: {
        type: 'Feature',
        id: incident.id,
        geometry: incident.location,
        properties: expect.objectContaining({
          id: incident.id,
          status: 'reported',
          category: 'illegal_fishing',
        }),
      },
      event: incident.events[0],
      at: expect.any(String),
    })
    expect(data.incident.properties).not.toHaveProperty('events')

    const dispatched = await call('POST', `/incidents/${incident.id}/dispatch`)
    const dispatchedMessage = json(await client.message('incident.dispatched'))
    expect(dispatchedMessage.incident.properties).toMatchObject({
      status: 'dispatched',
      chief_id: dispatched.chief_id,
    })
    expect(dispatchedMessage.event).toEqual(dispatched.events.at(-1))
    expect(dispatchedMessage.reason).toMatchObject({ code: expect.any(String), text: expect.any(String) })

    await call('PATCH', `/incidents/${incident.id}`, { status: 'on_scene' })
    const updated = json(await client.message('incident.updated'))
    expect(updated.incident.properties).toMatchObject({
      status: 'on_scene',
      next_statuses: ['resolved', 'cancelled'],
    })
    expect(updated.event).toMatchObject({
      from_status: 'dispatched',
      to_status: 'on_scene',
      actor: 'coordinator',
    })

    const ids = client.messages.map((m) => Number(m.id))
    expect(ids).toHaveLength(3)
    expect(ids[1]).toBe((ids[0] as number) + 1)
    expect(ids[2]).toBe((ids[1] as number) + 1)
    expect(t.app.eventBus.lastId).toBe(ids[2])
    firstIds = ids
    client.close()
  })

  it('replays what a reconnecting client missed after its Last-Event-ID, then goes on live', async () => {
    const client = await connect({ 'last-event-id': String(firstIds[0]) })
    await client.until(() => client.messages.length >= 2, 'the replay')
    expect(client.messages.map((m) => [Number(m.id), m.event])).toEqual([
      [firstIds[1], 'incident.dispatched'],
      [firstIds[2], 'incident.updated'],
    ])
    const incident = await newIncident()
    const live = json(await client.message('incident.created'))
    expect(live.incident.id).toBe(incident.id)
    expect(Number(client.messages.at(-1)?.id)).toBe((firstIds[2] as number) + 1)
    client.close()
  })

  it('replays nothing to a client that is up to date, and takes the id from the query too', async () => {
    const lastId = String(t.app.eventBus.lastId)
    const byHeader = await connect({ 'last-event-id': lastId })
    const byQuery = await connect({}, `?last_event_id=${lastId}`)
    const incident = await newIncident()
    for (const client of [byHeader, byQuery]) {
      await client.message('incident.created')
      expect(client.messages).toHaveLength(1)
      expect(json(client.messages[0] as SseMessage).incident.id).toBe(incident.id)
      client.close()
    }
  })

  for (const [what, id] of [
    ['older than the buffer', '1'],
    ['not a number', 'yesterday'],
    ['from the future (another run)', '99999999999999'],
  ] as const) {
    it(`sends reset for a Last-Event-ID ${what}`, async () => {
      const client = await connect({ 'last-event-id': id })
      const reset = await client.message('reset')
      expect(reset.id).toBe(String(t.app.eventBus.lastId))
      expect(json(reset)).toEqual({
        reason: 'missed_events_unavailable',
        last_event_id: id,
        current_id: t.app.eventBus.lastId,
      })
      expect(client.messages).toHaveLength(1)
      client.close()
    })
  }

  it('lets go of clients that hang up', async () => {
    const client = await connect()
    const before = t.app.eventBus.subscriberCount
    client.close()
    await client.until(() => t.app.eventBus.subscriberCount < before, 'the server to notice')
  })

  it('ends open streams when the app closes', async () => {
    const client = await connect()
    const started = Date.now()
    closed = true
    await t.close()
    // Without the bus ending the streams this would wait for the client to hang up. (What it may still
    // wait for: the idle spare connection fetch opens after an aborted stream, which fetch drops after 4 s.)
    expect(Date.now() - started).toBeLessThan(10_000)
    await client.until(() => client.ended, 'the stream to end')
    expect(t.app.eventBus.subscriberCount).toBe(0)
  })
})

describe('GET /api/events machinery (no database)', () => {
  let app: FastifyInstance
  let base: string

  beforeAll(async () => {
    app = Fastify().withTypeProvider<TypeBoxTypeProvider>()
    // No sessions here: every request is a user who sees all (the scoping is tested above).
    app.decorateRequest('user', null)
    app.addHook('onRequest', async (request) => {
      request.user = {
        id: 0,
        username: 'machinery',
        display_name: 'machinery',
        role: 'coordinator',
        scope: 'all',
        district_code: null,
        station_id: null,
      }
    })
    await app.register(eventBus, { heartbeatMs: 50, maxClientBufferBytes: 256 * 1024, capacity: 10 })
    await app.register(eventRoutes, { prefix: '/api' })
    base = await app.listen({ host: '127.0.0.1', port: 0 })
  })
  afterAll(() => app?.close())

  it('sends a heartbeat comment while nothing happens', async () => {
    const client = await SseClient.connect(`${base}/api/events`)
    await client.until(() => client.comments.filter((c) => c === 'heartbeat').length >= 2, 'two heartbeats')
    expect(client.messages).toEqual([])
    client.close()
  })

  it('drops a client that stops reading, and keeps serving the others', async () => {
    const reader = await SseClient.connect(`${base}/api/events`)
    await reader.until(() => reader.comments.includes('connected'), 'the reader to connect')
    // A client that sends its request and then never reads: its socket buffers fill up.
    const stuck = net.connect(Number(new URL(base).port), '127.0.0.1')
    await new Promise<void>((resolve) => stuck.once('connect', () => resolve()))
    stuck.write('GET /api/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n')
    stuck.pause()
    await reader.until(() => app.eventBus.subscriberCount === 2, 'both clients to subscribe')

    // One event at a time, so the reading client keeps up while the stuck one falls behind.
    const filler = 'x'.repeat(8 * 1024)
    let published = 0
    while (app.eventBus.subscriberCount === 2 && published < 8000) {
      app.eventBus.publish('patrol.position', { filler, n: published })
      published += 1
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
    expect(app.eventBus.subscriberCount).toBe(1)
    // The reader that keeps up gets every event.
    await reader.until(() => reader.messages.length === published, `all ${published} events`, 15_000)
    expect(reader.messages.map((m) => JSON.parse(m.data).n)).toEqual([...Array(published).keys()])
    stuck.destroy()
    reader.close()
  })

  it('sends reset instead of a replay larger than the client buffer limit', async () => {
    const filler = 'x'.repeat(40 * 1024)
    for (let n = 0; n < 10; n++) app.eventBus.publish('patrol.position', { filler, n })
    const small = await SseClient.connect(`${base}/api/events`, {
      'last-event-id': String(app.eventBus.lastId - 3),
    })
    await small.until(() => small.messages.length === 3, 'a replay of three')
    const large = await SseClient.connect(`${base}/api/events`, {
      'last-event-id': String(app.eventBus.lastId - 10),
    })
    const reset = JSON.parse((await large.message('reset')).data)
    expect(reset.reason).toBe('too_many_missed_events')
    expect(large.messages).toHaveLength(1)
    small.close()
    large.close()
  })

  it('ends open streams when the app closes', async () => {
    const client = await SseClient.connect(`${base}/api/events`)
    await client.until(() => client.comments.includes('connected'), 'the stream to open')
    await app.close()
    await client.until(() => client.ended, 'the stream to end')
  })
})

describe('the event bus', () => {
  const filled = (capacity: number, count: number) => {
    const bus = createEventBus({ capacity, firstId: 101 })
    for (let i = 0; i < count; i++) bus.publish('incident.updated', { n: i })
    return bus
  }
  const ids = (events: BusEvent[] | null) => events?.map((e) => e.id) ?? null

  it('numbers events from firstId, one by one', () => {
    const bus = filled(5, 3)
    expect(bus.lastId).toBe(103)
    expect(ids(bus.replay(100))).toEqual([101, 102, 103])
  })

  it('replays only what the ring still holds', () => {
    const bus = filled(3, 5) // holds 103, 104, 105
    expect(ids(bus.replay(102))).toEqual([103, 104, 105])
    expect(ids(bus.replay(104))).toEqual([105])
    expect(ids(bus.replay(105))).toEqual([])
    expect(bus.replay(101)).toBeNull() // 102 is gone
    expect(bus.replay(106)).toBeNull() // not an id of this bus
    expect(bus.replay(Number.NaN)).toBeNull()
  })

  it('catches up a client that saw nothing yet when nothing was published', () => {
    const bus = filled(3, 0)
    expect(ids(bus.replay(100))).toEqual([])
    expect(bus.replay(99)).toBeNull()
  })

  it('stays bounded', () => {
    const bus = filled(1000, 5000)
    expect(ids(bus.replay(bus.lastId - 1000))).toHaveLength(1000)
    expect(bus.replay(bus.lastId - 1001)).toBeNull()
  })

  it('keeps publishing when a subscriber throws, and closes subscribers on close', () => {
    const bus = createEventBus()
    const seen: number[] = []
    let closedCount = 0
    bus.subscribe({
      send: () => {
        throw new Error('broken')
      },
      close: () => {},
    })
    const unsubscribe = bus.subscribe({ send: (e) => seen.push(e.id), close: () => closedCount++ })
    bus.subscribe({ send: () => {}, close: () => closedCount++ })
    const first = bus.publish('incident.created', {})
    expect(seen).toEqual([first.id])
    expect(bus.subscriberCount).toBe(2)
    unsubscribe()
    bus.close()
    expect(closedCount).toBe(1)
    expect(bus.subscriberCount).toBe(0)
    bus.subscribe({ send: () => {}, close: () => closedCount++ })
    expect(closedCount).toBe(2)
  })
})
