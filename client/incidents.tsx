import './incidents.css'
import type { Layer } from '@deck.gl/core'
import { LngLatBounds, type Map as MapLibreMap, type MapMouseEvent } from 'maplibre-gl'
import {
  type Accessor,
  batch,
  type Component,
  createEffect,
  createMemo,
  createResource,
  createSignal,
  on,
  onCleanup,
  onMount,
  Show,
} from 'solid-js'
import { api, type BBox } from './api.ts'
import { categoryAt, indexOfId, lonLatAt, occurredAt, statusAt } from './incident-columns.ts'
import {
  type IncidentFilters,
  parseIncidentHash,
  sameFilters,
  writeIncidentHash,
} from './incident-filters.ts'
import { createIncidentStore } from './incident-store.ts'
import {
  featureOf,
  type IncidentDetail,
  type IncidentStatus,
  incidentsApi,
  type ResponsibleCandidate,
} from './incidents-api.ts'
import { type LiveState, openLiveFeed } from './live-feed.ts'
import { cellsOfColumns, clusterRadius, clustersOfCells } from './map/incident-clusters.ts'
import { HighlightMarkers, ReportMarker } from './map/incident-markers.tsx'
import { clusterBelowZoom } from './map/incident-style.ts'
import {
  buildIncidentDots,
  createIncidentClusterLayers,
  createIncidentDotsLayers,
  type DotSet,
  handledRadius,
  incidentRadius,
  openRadius,
} from './map/incidents-layer.ts'
import { createResponsibleLayers, type ResponsibleTarget } from './map/responsible-layer.ts'
import { IncidentToasts } from './panels/incident-toasts.tsx'
import { IncidentsDock } from './panels/incidents-dock.tsx'

/**
 * Incidents and one-key dispatch: the state behind the incident layers and panels. `createIncidents`
 * runs inside the App (it owns resources and the live feed); the App hands its layers and map to the
 * MapView and renders `<IncidentsUi>`.
 */

/** Responsible units listed (and drawn) before "show all". */
export const candidatesShown = 6

export function createIncidents(options: { zoom: Accessor<number> }) {
  const initial = parseIncidentHash(location.hash)
  const [filters, setFilters] = createSignal<IncidentFilters>(initial.filters, { equals: sameFilters })
  const [selected, setSelected] = createSignal<number | undefined>(initial.selected)
  const [map, setMap] = createSignal<MapLibreMap>()
  const [reporting, setReporting] = createSignal(false)
  const [reportAt, setReportAt] = createSignal<[number, number]>()
  const [liveState, setLiveState] = createSignal<LiveState>('connecting')
  const [chosen, setChosen] = createSignal<string>()
  const [showAllCandidates, setShowAllCandidates] = createSignal(false)

  // The URL keeps the filters and the open incident (incident-filters.ts says how).
  createEffect(() => writeIncidentHash(filters(), selected()))
  const onHashChange = () => {
    const next = parseIncidentHash(location.hash)
    batch(() => {
      setFilters(next.filters)
      setSelected(next.selected)
    })
  }
  window.addEventListener('hashchange', onHashChange)
  onCleanup(() => window.removeEventListener('hashchange', onHashChange))

  const store = createIncidentStore(filters)

  // The open incident with its history, and who answers for it.
  const [detail, { refetch: refetchDetail, mutate: setDetail }] = createResource(selected, (id) =>
    incidentsApi.get(id),
  )
  const [candidates] = createResource(selected, (id) => incidentsApi.responsible(id))
  createEffect(
    on(selected, () => {
      setChosen(undefined)
      setShowAllCandidates(false)
    }),
  )
  /** The detail of the open incident, once it is the one asked for. */
  const current = () => {
    const d = detail.latest
    return d && d.id === selected() ? d : undefined
  }
  const currentCandidates = () => (current() && !candidates.loading ? candidates.latest : undefined)

  /** Whom one key sends: the first responsible on-duty chief (the server's rule), unless one was picked. */
  const defaultTarget = createMemo(() => {
    const chiefs = (currentCandidates() ?? []).filter((c) => c.kind === 'chief')
    return chiefs.find((c) => c.on_duty) ?? chiefs[0]
  })
  const target = createMemo<ResponsibleCandidate | undefined>(() => {
    const picked = chosen()
    return (picked && currentCandidates()?.find((c) => c.id === picked)) || defaultTarget()
  })

  // Where the candidates are: chiefs' last positions and stations' buildings around the incident.
  const positionsQuery = createMemo(
    () => {
      const d = current()
      const list = currentCandidates()
      if (!d || !list) return false as const
      const farthest = Math.max(500, ...list.map((c) => c.distance_m ?? 0))
      return { id: d.id, origin: d.location.coordinates as [number, number], farthest }
    },
    false as const,
    { equals: (a, b) => (a && b ? a.id === b.id && a.farthest === b.farthest : a === b) },
  )
  const [positions] = createResource(positionsQuery, async (q) => {
    const bbox = around(q.origin, q.farthest * 1.05 + 300)
    const [chiefs, stations] = await Promise.all([api.layer('chiefs', bbox), api.layer('stations', bbox)])
    const found = new Map<string, [number, number]>()
    for (const f of [...chiefs.features, ...stations.features]) {
      if (f.geometry?.type === 'Point') found.set(f.properties.id, f.geometry.coordinates as [number, number])
    }
    return found
  })

  const shownCandidates = createMemo(() => {
    const list = currentCandidates() ?? []
    return showAllCandidates() ? list : list.slice(0, candidatesShown)
  })

  /** Who is drawn as the target: the dispatch target while dispatch is possible, else the assigned chief. */
  const highlightedUnit = () => {
    const d = current()
    if (!d) return undefined
    return d.next_statuses.includes('dispatched') ? target()?.id : (d.chief_id ?? undefined)
  }

  // --- layers ------------------------------------------------------------------------------------

  const zoomLevel = createMemo(() => Math.floor(options.zoom()))
  const clustered = createMemo(() => zoomLevel() < clusterBelowZoom)
  // Both are built once per fetch (or live change), whatever the zoom: zooming in and out then only
  // switches layers and merges cells, it never walks every incident again.
  const dots = createMemo(() => {
    const data = store.columns()
    return data && buildIncidentDots(data)
  })
  const finestCells = createMemo(() => {
    const data = store.columns()
    return data && cellsOfColumns(data, clusterBelowZoom - 1)
  })
  const clusters = createMemo(() => {
    const cells = finestCells()
    return clustered() && cells ? clustersOfCells(cells, zoomLevel()) : []
  })
  /** An incident's fields for the hover card: all of them for the newest, else what the columns hold. */
  const describe = (id: number): Record<string, unknown> => {
    const known = store.byId().get(id)
    if (known) return known.properties as unknown as Record<string, unknown>
    const columns = store.columns()?.columns
    const index = columns ? indexOfId(columns, id) : -1
    if (!columns || index < 0) return { id }
    return {
      id,
      category: categoryAt(columns, index),
      status: statusAt(columns, index),
      occurred_at: occurredAt(columns, index).toISOString(),
    }
  }
  const incidentLayers = createMemo<Layer[]>(() => {
    if (clustered()) return createIncidentClusterLayers(clusters())
    const drawn = dots()
    return drawn ? createIncidentDotsLayers(drawn, describe) : []
  })
  const responsibleLayers = createMemo<Layer[]>(() => {
    const d = current()
    const found = positions.latest
    if (!d || !found || positionsQuery() === false) return []
    const unit = highlightedUnit()
    const targets: ResponsibleTarget[] = []
    shownCandidates().forEach((c, index) => {
      const position = found.get(c.id)
      if (position)
        targets.push({
          rank: index + 1,
          kind: c.kind,
          id: c.id,
          position,
          onDuty: c.on_duty,
          target: c.id === unit,
        })
    })
    return createResponsibleLayers(d.location.coordinates as [number, number], targets)
  })
  const layers = createMemo<Layer[]>(() => [...incidentLayers(), ...responsibleLayers()])

  // --- the map: clicks, report mode, fly-to --------------------------------------------------------

  /** The incident or cluster drawn under a screen point, by distance to what is drawn there. */
  const hitTest = (m: MapLibreMap, x: number, y: number) => {
    let best: { distance: number; id?: number; cluster?: [number, number] } | undefined
    const consider = (
      lonLat: [number, number],
      radius: number,
      hit: Omit<NonNullable<typeof best>, 'distance'>,
    ) => {
      const p = m.project(lonLat)
      const distance = Math.hypot(p.x - x, p.y - y)
      if (distance <= radius + 4 && (!best || distance <= best.distance)) best = { distance, ...hit }
    }
    if (clustered()) {
      for (const c of clusters()) {
        const position = c.geometry.coordinates as [number, number]
        consider(position, clusterRadius(c.properties.count), { cluster: position })
      }
    } else {
      const drawn = dots()
      if (!drawn) return best
      // Only dots inside the box around the click are projected: a scan of the typed arrays, not
      // a projection of a million points. Drawing order: later ones are on top and win ties.
      const reach = openRadius + 4
      const sw = m.unproject([x - reach, y + reach])
      const ne = m.unproject([x + reach, y - reach])
      const [originLon, originLat] = drawn.origin
      const near = (set: DotSet, radius: number) => {
        const [west, south, east, north] = [
          sw.lng - originLon,
          sw.lat - originLat,
          ne.lng - originLon,
          ne.lat - originLat,
        ]
        for (let i = 0; i < set.length; i++) {
          const dLon = set.positions[2 * i] as number
          const dLat = set.positions[2 * i + 1] as number
          if (dLon < west || dLon > east || dLat < south || dLat > north) continue
          consider([originLon + dLon, originLat + dLat], radius, { id: set.ids[i] as number })
        }
      }
      near(drawn.handled, handledRadius)
      near(drawn.open, openRadius)
      for (const f of drawn.live)
        consider(f.geometry.coordinates as [number, number], incidentRadius(f), { id: f.properties.id })
    }
    return best
  }

  onMount(() => {
    createEffect(() => {
      const m = map()
      if (!m) return
      const onClick = (event: MapMouseEvent) => {
        if (reporting()) {
          setReportAt([event.lngLat.lng, event.lngLat.lat])
          return
        }
        const hit = hitTest(m, event.point.x, event.point.y)
        if (hit?.id !== undefined) setSelected(hit.id)
        else if (hit?.cluster) m.easeTo({ center: hit.cluster, zoom: m.getZoom() + 2, duration: 400 })
      }
      m.on('click', onClick)
      onCleanup(() => m.off('click', onClick))
    })
    createEffect(() => {
      const m = map()
      if (!m) return
      const container = m.getCanvasContainer()
      container.classList.toggle('incident-reporting', reporting())
      onCleanup(() => container.classList.remove('incident-reporting'))
    })
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return
      if (reporting()) cancelReport()
    }
    window.addEventListener('keydown', onKey)
    onCleanup(() => window.removeEventListener('keydown', onKey))

    // The live feed: one EventSource for the whole screen.
    const close = openLiveFeed({
      onIncident: (message) => {
        store.receive(message)
        const open = current()
        if (open && message.incident.properties.id === open.id) {
          // The new status at once; the record (events) follows with the refetch.
          setDetail({ ...open, ...message.incident.properties })
          void refetchDetail()
        }
      },
      onReset: () => {
        store.refetch()
        if (selected() !== undefined) void refetchDetail()
      },
      onState: setLiveState,
    })
    onCleanup(close)
  })

  /** Fits the incident and the responsible units shown in the panel into the free part of the map. */
  const fitResponsible = () => {
    const m = map()
    const d = current()
    if (!m || !d) return
    const found = positions.latest
    const bounds = new LngLatBounds(
      d.location.coordinates as [number, number],
      d.location.coordinates as [number, number],
    )
    for (const c of shownCandidates()) {
      const position = found?.get(c.id)
      if (position) bounds.extend(position)
    }
    m.fitBounds(bounds, { padding: freePadding(m), maxZoom: 15, duration: 600 })
  }

  const flyTo = (lonLat: [number, number]) => {
    const m = map()
    if (!m) return
    m.easeTo({ center: lonLat, zoom: Math.max(m.getZoom(), 13), duration: 600 })
  }

  // --- actions -----------------------------------------------------------------------------------

  /** This screen's own change (a report, a dispatch, a status): shown at once, before the live echo. */
  const applyDetail = (d: IncidentDetail) => {
    store.apply(featureOf(d))
    if (d.id === selected()) setDetail(d)
  }

  const cancelReport = () => {
    batch(() => {
      setReporting(false)
      setReportAt(undefined)
    })
  }

  return {
    filters,
    setFilters,
    selected,
    select: (id: number | undefined, options: { fly?: boolean } = {}) => {
      batch(() => {
        cancelReport()
        setSelected(id)
      })
      if (options.fly && id !== undefined) {
        const f = store.byId().get(id)
        const columns = store.columns()?.columns
        const index = columns ? indexOfId(columns, id) : -1
        if (f) flyTo(f.geometry.coordinates as [number, number])
        else if (columns && index >= 0) flyTo(lonLatAt(columns, index))
      }
    },
    store,
    detail,
    current,
    candidates,
    currentCandidates,
    shownCandidates,
    fitResponsible,
    showAllCandidates,
    setShowAllCandidates,
    positions,
    chosen,
    setChosen,
    target,
    defaultTarget,
    map,
    setMap,
    layers,
    liveState,
    reporting,
    reportAt,
    startReport: () => {
      batch(() => {
        setSelected(undefined)
        setReportAt(undefined)
        setReporting(true)
      })
    },
    cancelReport,
    /** Reports at the centre of the map (for the keyboard, or to place it by panning). */
    reportAtCentre: () => {
      const centre = map()?.getCenter()
      if (centre) setReportAt([centre.lng, centre.lat])
    },
    /** After a successful report: show it and open it. */
    reported: (d: IncidentDetail) => {
      store.apply(featureOf(d))
      batch(() => {
        cancelReport()
        setSelected(d.id)
      })
    },
    dispatch: async (note: string) => {
      const d = current()
      if (!d) return
      const picked = chosen()
      // One key: no body unless another candidate was picked or a note written.
      applyDetail(await incidentsApi.dispatch(d.id, { chiefId: picked, note: note || undefined }))
    },
    changeStatus: async (status: IncidentStatus, note: string) => {
      const d = current()
      if (!d) return
      applyDetail(await incidentsApi.changeStatus(d.id, status, note || undefined))
    },
  }
}

export type IncidentsController = ReturnType<typeof createIncidents>

/** Padding that keeps fitted things clear of the panels floating over the map (layer panel, dock). */
function freePadding(m: MapLibreMap) {
  const canvas = m.getContainer().getBoundingClientRect()
  const left = document.querySelector('.layer-panel')?.getBoundingClientRect()
  const right = document.querySelector('.incidents-dock')?.getBoundingClientRect()
  const margin = 40
  const padding = {
    top: margin,
    bottom: margin,
    left: left ? Math.max(margin, left.right - canvas.left + margin) : margin,
    right: right ? Math.max(margin, canvas.right - right.left + margin) : margin,
  }
  // A narrow screen: the panels cover most of it; fit into the whole map instead.
  if (padding.left + padding.right > canvas.width - 200) return margin
  return padding
}

/** A lon/lat box around a point, `metres` each way. */
function around([lon, lat]: [number, number], metres: number): BBox {
  const dLat = metres / 111_320
  const dLon = metres / (111_320 * Math.cos((lat * Math.PI) / 180))
  return [lon - dLon, lat - dLat, lon + dLon, lat + dLat]
}

/** The incident panels, the toasts and the map markers (pulses, the report pin). */
export const IncidentsUi: Component<{ incidents: IncidentsController }> = (props) => (
  <>
    <IncidentsDock incidents={props.incidents} />
    <IncidentToasts
      feed={props.incidents.store.feed()}
      onOpen={(id) => props.incidents.select(id, { fly: true })}
    />
    <Show when={props.incidents.map()}>
      {(m) => (
        <>
          <HighlightMarkers
            map={m()}
            highlights={props.incidents.store.highlights()}
            incidents={props.incidents.store.byId()}
          />
          <Show when={props.incidents.reportAt()}>{(at) => <ReportMarker map={m()} position={at()} />}</Show>
        </>
      )}
    </Show>
  </>
)
