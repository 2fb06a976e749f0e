import { type Accessor, batch, createMemo, createResource, createSignal, onCleanup } from 'solid-js'
import { type IncidentColumns, indexOfId } from './incident-columns.ts'
import { type IncidentFilters, matchesFilters, windowRange } from './incident-filters.ts'
import {
  type IncidentCategory,
  type IncidentFeature,
  type IncidentList,
  incidentCategories,
  incidentStatuses,
  incidentsApi,
  isOpen,
} from './incidents-api.ts'
import type { IncidentMessage } from './live-feed.ts'

/**
 * The incidents the map shows: fetched for the filters (the whole window, not the view, so panning
 * costs nothing) and kept up to date by the live feed in between fetches. Live changes override the
 * fetched rows; an incident that no longer passes the filters (say, resolved while only open ones are
 * shown) leaves the map.
 *
 * Two fetches of the same filter: every incident as columns (typed arrays, up to 2 M) for the dots,
 * clusters and counts, and the newest 5,000 with all their fields for hover cards and look-ups.
 */

/** The columns with the live changes laid over them (what the map draws and the dock counts). */
export interface LiveColumns {
  columns: IncidentColumns
  /** Rows of `columns` that a live change replaces (or removes); not drawn. */
  hidden: ReadonlySet<number>
  /** Changed or new incidents that pass the filters, drawn on top. */
  extra: readonly IncidentFeature[]
}

export interface IncidentSummary {
  count: number
  open: number
  byCategory: ReadonlyMap<IncidentCategory, number>
}

export interface FeedEntry {
  /** The SSE event id: unique per change. */
  key: string
  type: IncidentMessage['type']
  incident: IncidentFeature
  /** When the change reached this screen (ms). */
  receivedAt: number
}

/** How long a changed incident glows on the map, and how long its toast stays. */
export const highlightMs = 8000
export const toastMs = 7000
const feedSize = 30

interface LiveEntry {
  feature: IncidentFeature
  receivedAt: number
}

export function createIncidentStore(filters: Accessor<IncidentFilters>) {
  // A window's bounds are fixed when the filters change (or on a refetch), not on every read.
  const [fetchKey, setFetchKey] = createSignal(0)
  const query = createMemo(() => {
    fetchKey()
    const f = filters()
    return { range: windowRange(f.window, new Date()), filters: f }
  })
  const [live, setLive] = createSignal<ReadonlyMap<number, LiveEntry>>(new Map())

  const [list] = createResource(query, async (q): Promise<IncidentList> => {
    const started = Date.now()
    const result = await incidentsApi.list({
      ...q.range,
      categories: q.filters.categories,
      statuses: q.filters.statuses,
    })
    // Changes that arrived before this fetch began are in its answer; later ones still apply.
    setLive((entries) => new Map([...entries].filter(([, entry]) => entry.receivedAt >= started)))
    return result
  })

  const [columns] = createResource(query, (q) =>
    incidentsApi.columns({ ...q.range, categories: q.filters.categories, statuses: q.filters.statuses }),
  )

  const liveColumns = createMemo<LiveColumns | undefined>(() => {
    const base = columns.latest
    if (!base) return undefined
    const { range, filters: f } = query()
    const hidden = new Set<number>()
    const extra: IncidentFeature[] = []
    for (const [id, change] of live()) {
      const index = indexOfId(base, id)
      if (index >= 0) hidden.add(index)
      if (matchesFilters(change.feature.properties, f, range)) extra.push(change.feature)
    }
    return { columns: base, hidden, extra }
  })

  /** Counts for the dock, from the columns (every incident of the window). */
  const summary = createMemo<IncidentSummary>(() => {
    const data = liveColumns()
    const openIndexes = new Set(incidentStatuses.flatMap((s, i) => (isOpen(s) ? [i] : [])))
    const perCategory = new Array<number>(incidentCategories.length).fill(0)
    let count = 0
    let open = 0
    if (data) {
      const { categories, statuses } = data.columns
      for (let i = 0; i < data.columns.count; i++) {
        if (data.hidden.has(i)) continue
        count++
        perCategory[categories[i] as number]++
        if (openIndexes.has(statuses[i] as number)) open++
      }
      for (const f of data.extra) {
        count++
        perCategory[incidentCategories.indexOf(f.properties.category)]++
        if (isOpen(f.properties.status)) open++
      }
    }
    return {
      count,
      open,
      byCategory: new Map(incidentCategories.map((c, i) => [c, perCategory[i] as number])),
    }
  })

  const incidents = createMemo<IncidentFeature[]>(() => {
    const base = list.latest?.features ?? []
    const changes = live()
    if (changes.size === 0) return base
    const { range, filters: f } = query()
    const passes = (feature: IncidentFeature) => matchesFilters(feature.properties, f, range)
    const out: IncidentFeature[] = []
    for (const feature of base) {
      const change = changes.get(feature.properties.id)
      if (!change) out.push(feature)
      else if (passes(change.feature)) out.push(change.feature)
    }
    const known = new Set(base.map((feature) => feature.properties.id))
    for (const [id, change] of changes) if (!known.has(id) && passes(change.feature)) out.push(change.feature)
    return out
  })

  const [feed, setFeed] = createSignal<readonly FeedEntry[]>([])
  const [highlights, setHighlights] = createSignal<ReadonlyMap<number, number>>(new Map())
  const timers = new Set<ReturnType<typeof setTimeout>>()
  onCleanup(() => {
    for (const timer of timers) clearTimeout(timer)
  })
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      fn()
    }, ms)
    timers.add(timer)
  }

  /** A change of one incident: from the live feed, or the answer to this screen's own request. */
  const apply = (feature: IncidentFeature) => {
    setLive((entries) => new Map(entries).set(feature.properties.id, { feature, receivedAt: Date.now() }))
  }

  const receive = (message: IncidentMessage) => {
    const id = message.incident.properties.id
    const now = Date.now()
    batch(() => {
      apply(message.incident)
      setFeed((entries) =>
        entries.some((e) => e.key === message.id && message.id !== '')
          ? entries
          : [
              {
                key: message.id || `${id}-${now}`,
                type: message.type,
                incident: message.incident,
                receivedAt: now,
              },
              ...entries,
            ].slice(0, feedSize),
      )
      setHighlights((map) => new Map(map).set(id, now + highlightMs))
    })
    later(highlightMs + 50, () =>
      setHighlights((map) => {
        const until = map.get(id)
        if (until === undefined || until > Date.now()) return map
        const next = new Map(map)
        next.delete(id)
        return next
      }),
    )
  }

  const byId = createMemo(() => new Map(incidents().map((f) => [f.properties.id, f])))

  return {
    /** The newest incidents passing the filters with all their fields, live changes included. */
    incidents,
    byId,
    list,
    /** Every incident of the filters as columns, with the live changes over them. */
    columns: liveColumns,
    summary,
    /** The window's bounds of the current fetch. */
    range: () => query().range,
    loading: () => list.loading || columns.loading,
    error: () =>
      list.state === 'errored'
        ? (list.error as unknown)
        : columns.state === 'errored'
          ? (columns.error as unknown)
          : undefined,
    /** Whether the columns (every incident of the window) stopped at their limit. */
    truncated: () => columns.latest?.truncated ?? false,
    limit: () => columns.latest?.limit,
    feed,
    /** Incident ids that glow, with the time (ms) they stop. */
    highlights,
    apply,
    receive,
    /** Fetches again (after a `reset` of the live feed, or a retry), with the window counted from now. */
    refetch: () => setFetchKey((k) => k + 1),
  }
}

export type IncidentStore = ReturnType<typeof createIncidentStore>
