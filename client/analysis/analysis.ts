import type { Layer } from '@deck.gl/core'
import { bbox as turfBbox } from '@turf/turf'
import type { Map as MapLibreMap, MapMouseEvent } from 'maplibre-gl'
import {
  type Accessor,
  batch,
  createEffect,
  createMemo,
  createResource,
  createSignal,
  onCleanup,
  type Resource,
  untrack,
} from 'solid-js'
import { indexOfCell } from '../../server/domain/hotspot-columns.ts'
import {
  analysisApi,
  type CoverageReport,
  type GapReport,
  type HotspotColumns,
  type HotspotFeature,
  type PlaceCoverage,
  type Plan,
  type TrendCollection,
} from '../analysis-api.ts'
import type { LayerId } from '../api.ts'
import { localName } from '../i18n/index.ts'
import { createCoverageLayer } from '../map/coverage-layer.ts'
import { createHotspotLayer, drawnCells, hotspotFeature } from '../map/hotspot-layer.ts'
import { createHotspotSelectionLayer } from '../map/hotspot-selection-layer.ts'
import type { LabelObstacle } from '../map/labels-layer.ts'
import { createPatrolTripsLayer, type PatrolFeature } from '../map/patrol-trips-layer.ts'
import { createPlaceHighlightLayer } from '../map/place-highlight-layer.ts'
import { createPlanLayer, planParts } from '../map/plan-layer.ts'
import { createRouteDrawing, type RouteDrawing } from '../map/route-drawing.ts'
import { createSelectedChiefsLayer, selectedChiefObstacles } from '../map/selected-chiefs-layer.ts'
import { stationLayerIds } from '../map/station-layers.ts'
import type { HoverInfo } from '../map/tooltip.tsx'
import { user } from '../session.ts'
import { createDesk, type Desk } from './desk.ts'
import {
  type ChiefFeature,
  type ChiefIndex,
  loadChiefs,
  loadPlaceShapes,
  type PlaceShapes,
} from './place-shapes.ts'
import { createStationMode, type StationMode } from './station-view.ts'
import { createTimeWindow, dayMs, hourMs, type TimeWindow, type Window } from './time-window.ts'
import {
  type AnalysisMode,
  type HotspotMetric,
  parseAnalysisParams,
  writeAnalysisParams,
} from './url-params.ts'

/** deck.gl layer ids of the analysis modes (the hover card of app.tsx tells them from the base layers). */
export const analysisLayerIds = new Set([
  'coverage',
  'hotspots',
  'selected-chiefs',
  'place-highlight',
  'hotspot-selection',
  'patrol-trips',
  'plan',
  ...stationLayerIds,
  'district-coverage',
])

/** Whether a hovered deck.gl layer gets the analysis hover card (coverage places, hotspot cells). */
export const hasAnalysisCard = (layer: string) => analysisLayerIds.has(layer) && layer !== 'selected-chiefs'

/** The hover for the standard card: the selected place's chiefs are shown as chiefs. */
export const asBaseHover = (info: HoverInfo): HoverInfo =>
  (info.layer as string) === 'selected-chiefs' ? { ...info, layer: 'chiefs' } : info

/** The base layers drawn under each analysis mode (the user's own choice is kept for the map mode). */
const modeBaseLayers: Record<Exclude<AnalysisMode, 'map'>, readonly LayerId[]> = {
  coverage: ['boundaries', 'lakes', 'stations'],
  hotspots: ['boundaries', 'lakes', 'reservoirs', 'rivers', 'stations'],
  station: ['boundaries', 'lakes', 'reservoirs', 'rivers', 'stations'],
  desk: ['boundaries', 'lakes'],
}

export interface TrackSet {
  range: Window
  features: PatrolFeature[]
  truncated: boolean
}

export interface Analysis {
  mode: Accessor<AnalysisMode>
  setMode: (mode: AnalysisMode) => void
  time: TimeWindow
  dataEnd: Resource<number | undefined>

  shapes: Resource<PlaceShapes>
  coverage: Resource<CoverageReport>
  coverageById: Accessor<ReadonlyMap<string, PlaceCoverage> | undefined>
  gaps: Resource<GapReport>
  /** When the coverage now being computed started (for the elapsed seconds), undefined when idle. */
  coverageSince: Accessor<number | undefined>
  retryCoverage: () => void

  selectedPlace: Accessor<string | undefined>
  selectPlace: (id: string | undefined, fly?: boolean) => void
  chiefs: Resource<ChiefIndex>
  selectedChiefs: Accessor<ChiefFeature[]>

  showTracks: Accessor<boolean>
  setShowTracks: (on: boolean) => void
  tracks: Accessor<TrackSet | undefined>
  tracksLoading: Accessor<boolean>
  tracksError: Accessor<string | undefined>

  metric: Accessor<HotspotMetric>
  setMetric: (metric: HotspotMetric) => void
  extruded: Accessor<boolean>
  setExtruded: (on: boolean) => void
  hotspots: Resource<HotspotColumns>
  selectedCellId: Accessor<string | undefined>
  selectedCell: Accessor<HotspotFeature | undefined>
  selectCell: (id: string | undefined) => void
  trend: Resource<TrendCollection>

  planStart: Accessor<[number, number] | undefined>
  setPlanStart: (start: [number, number] | undefined) => void
  picking: Accessor<boolean>
  setPicking: (on: boolean) => void
  plan: Accessor<Plan | undefined>
  setPlan: (plan: Plan | undefined) => void
  /** A chief handed from the gap list to the plan form. */
  planChief: Accessor<string | undefined>
  setPlanChief: (id: string | undefined) => void
  /** A patrol route drawn by hand in the plan form. */
  drawing: RouteDrawing

  /** The station mode: one station's area, both sides of the line, its figures. */
  station: StationMode
  /** The supervisor's desk: figures per district, kind of place and chief; exports; the brief. */
  desk: Desk

  /** The deck.gl layers of the mode, for MapView's extraLayers. */
  layers: Accessor<Layer[]>
  /** What the mode's layers draw that the map's labels must make way for (the selected chiefs' names). */
  labelObstacles: Accessor<LabelObstacle[]>
  /** The base layers to draw in the mode, given the user's choice. */
  drawnLayers: (visible: ReadonlySet<LayerId>) => ReadonlySet<LayerId>
  map: Accessor<MapLibreMap | undefined>
  /** For MapView's onMap: the map and its picking function. */
  setMap: (map: MapLibreMap | undefined, pickAt?: (x: number, y: number) => HoverInfo | null) => void
}

/** The latest value of a resource, undefined when it failed (reading a failed resource throws). */
export const latestOf = <T>(resource: Resource<T>): T | undefined =>
  resource.state === 'errored' ? undefined : resource.latest

const windowKey = (w: Window) => `${w.from}-${w.to}`

/** A small cache of answers per window: the same window twice costs one request. */
function memoize<T>(size: number, load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>()
  return (key) => {
    let answer = cache.get(key)
    if (answer) {
      cache.delete(key)
      cache.set(key, answer)
      return answer
    }
    answer = load(key)
    cache.set(key, answer)
    answer.catch(() => cache.delete(key))
    while (cache.size > size) {
      const oldest = cache.keys().next().value
      if (oldest === undefined) break
      cache.delete(oldest)
    }
    return answer
  }
}

const parseKey = (key: string): Window => {
  const [from, to] = key.split('-').map(Number)
  return { from: from ?? 0, to: to ?? 0 }
}

/**
 * The state of the analysis modes (coverage and gaps, hotspots) and their shared time window: what
 * they fetch, what they draw, what the URL keeps. Created once by the app.
 */
export function createAnalysis(): Analysis {
  const initial = parseAnalysisParams(location.hash)
  // A station's user starts on the station's own view.
  const [mode, setModeSignal] = createSignal<AnalysisMode>(
    initial.mode ?? (user()?.role === 'station' ? 'station' : 'map'),
  )
  const [map, setMapSignal] = createSignal<MapLibreMap>()
  let pickAt: ((x: number, y: number) => HoverInfo | null) | undefined

  // The end of the records; now when there are none or the server cannot say.
  const [dataEnd] = createResource(
    () => mode() !== 'map',
    async () => {
      try {
        return (await analysisApi.dataEnd()) ?? Date.now()
      } catch {
        return Date.now()
      }
    },
  )
  const time = createTimeWindow({
    dataEnd: () => (dataEnd.state === 'ready' ? dataEnd() : undefined),
    initialEnd: initial.end,
    initialDays: initial.days,
  })
  const station = createStationMode({
    active: () => mode() === 'station',
    window: time.settled,
    map,
    initial: initial.station,
  })
  const desk = createDesk({ active: () => mode() === 'desk', window: time.settled })

  // --- coverage and gaps (slow: seconds per window; computed when the window stands still) ---------
  const [shapes] = createResource(() => mode() === 'coverage', loadPlaceShapes)
  const coverageOf = memoize(12, (key) => {
    const w = parseKey(key)
    return analysisApi.coverage(w.from, w.to)
  })
  const gapsOf = memoize(12, (key) => {
    const w = parseKey(key)
    return analysisApi.gaps(w.from, w.to, 200)
  })
  const coverageSource = () => {
    const w = mode() === 'coverage' ? time.settled() : undefined
    return w ? windowKey(w) : false
  }
  const [coverage, { refetch: refetchCoverage }] = createResource(coverageSource, coverageOf)
  const [gaps, { refetch: refetchGaps }] = createResource(coverageSource, gapsOf)
  const coverageById = createMemo(() => {
    const report = latestOf(coverage)
    return report ? new Map(report.places.map((p) => [p.id, p])) : undefined
  })
  const [coverageSince, setCoverageSince] = createSignal<number>()
  createEffect(() => {
    const busy = coverage.loading || gaps.loading
    setCoverageSince((since) => (busy ? (since ?? Date.now()) : undefined))
  })

  // --- selection: a place (coverage) or a cell (hotspots) ------------------------------------------
  const [selectedPlace, setSelectedPlace] = createSignal<string | undefined>(initial.place)
  const [chiefsWanted, setChiefsWanted] = createSignal(initial.place !== undefined)
  const [chiefs] = createResource(() => chiefsWanted() && mode() === 'coverage', loadChiefs)
  const selectedChiefs = createMemo<ChiefFeature[]>(() => {
    const id = selectedPlace()
    const index = latestOf(chiefs)
    return id && index ? (index.byPlace.get(id) ?? []) : []
  })
  const selectedFeature = createMemo(() => {
    const id = selectedPlace()
    return id ? latestOf(shapes)?.byId.get(id) : undefined
  })

  const flyToPlace = async (id: string) => {
    const all = await loadPlaceShapes()
    const feature = all.byId.get(id)
    const instance = map()
    if (!feature || !instance) return
    const [minX, minY, maxX, maxY] = turfBbox(feature) as [number, number, number, number]
    const canvas = instance.getCanvas()
    const width = canvas.clientWidth
    const height = canvas.clientHeight
    instance.fitBounds(
      [
        [minX, minY],
        [maxX, maxY],
      ],
      {
        padding: {
          top: Math.min(70, height * 0.1),
          bottom: Math.min(150, height * 0.25),
          left: Math.min(400, width * 0.4),
          right: Math.min(80, width * 0.1),
        },
        maxZoom: 12.5,
        duration: 1200,
      },
    )
  }

  const selectPlace = (id: string | undefined, fly = false) => {
    setSelectedPlace(id)
    if (id) setChiefsWanted(true)
    if (id && fly) void flyToPlace(id)
  }

  // --- patrol tracks for the trips layer -------------------------------------------------------------
  const [showTracks, setShowTracks] = createSignal(true)
  const [tracks, setTracks] = createSignal<TrackSet>()
  const [tracksLoading, setTracksLoading] = createSignal(false)
  const [tracksError, setTracksError] = createSignal<string>()
  const tracksWanted = () => showTracks() && (mode() === 'coverage' || mode() === 'hotspots')
  /** The range that failed last: not asked for again until the window moves. */
  let failedKey: string | undefined
  createEffect(() => {
    if (!tracksWanted() || tracksLoading()) return
    const w = time.window()
    if (!w) return
    const loaded = untrack(tracks)
    if (loaded && loaded.range.from <= w.from && loaded.range.to >= w.to) return
    // While playing, fetch ahead so the heads do not run out of track at once.
    const ahead = untrack(() => time.playing())
      ? Math.min(Math.max(time.days() * 0.25 * dayMs, dayMs), 7 * dayMs)
      : 0
    const range = {
      from: Math.floor(w.from / hourMs) * hourMs,
      to: Math.ceil((w.to + ahead) / hourMs) * hourMs,
    }
    const key = windowKey(range)
    if (key === failedKey) return
    setTracksLoading(true)
    analysisApi
      .patrols(range.from, range.to)
      .then((answer) => {
        failedKey = undefined
        batch(() => {
          setTracks({ range, features: answer.features, truncated: answer.truncated })
          setTracksError(undefined)
          setTracksLoading(false)
        })
      })
      .catch((error: unknown) => {
        failedKey = key
        batch(() => {
          setTracksError(error instanceof Error ? error.message : String(error))
          setTracksLoading(false)
        })
      })
  })

  // --- hotspots -----------------------------------------------------------------------------------
  const [metric, setMetric] = createSignal<HotspotMetric>(initial.metric ?? 'gi')
  const [extruded, setExtrudedSignal] = createSignal(false)
  const hotspotsOf = memoize(8, (key) => {
    const w = parseKey(key)
    return analysisApi.hotspots(w.from, w.to)
  })
  const [hotspots] = createResource(() => {
    const w = mode() === 'hotspots' ? time.stepped() : undefined
    return w ? windowKey(w) : false
  }, hotspotsOf)
  const [selectedCellId, setSelectedCellId] = createSignal<string | undefined>(initial.cell)
  const selectedCell = createMemo(() => {
    const cells = latestOf(hotspots)
    const [q, r] = selectedCellId()?.split(',').map(Number) ?? []
    const i = cells && q !== undefined && r !== undefined ? indexOfCell(cells, q, r) : -1
    return cells && i >= 0 ? hotspotFeature(cells, i) : undefined
  })
  const trendOf = memoize(4, (key) => analysisApi.hotspotTrend(Number(key)))
  const [trend] = createResource(() => {
    const w = mode() === 'hotspots' && selectedCellId() ? time.settled() : undefined
    // Whole days, so that moving the slider by hours does not refetch a year of trend.
    return w ? String(Math.floor(w.to / dayMs) * dayMs) : false
  }, trendOf)
  const setExtruded = (on: boolean) => {
    setExtrudedSignal(on)
    map()?.easeTo({ pitch: on ? 50 : 0, duration: 600 })
  }

  // --- suggested patrol -----------------------------------------------------------------------------
  const [planStart, setPlanStart] = createSignal<[number, number]>()
  const [picking, setPicking] = createSignal(false)
  const [plan, setPlan] = createSignal<Plan>()
  const [planChief, setPlanChief] = createSignal<string | undefined>(undefined, { equals: false })
  const drawing = createRouteDrawing(map)

  // Map clicks: the start of the suggested patrol while picking, else a place or a hotspot cell.
  // While a route is drawn, clicks are its points (Terra Draw takes them).
  createEffect(() => {
    const instance = map()
    if (!instance) return
    const onClick = (event: MapMouseEvent) => {
      if (untrack(drawing.state) === 'drawing') return
      if (untrack(picking)) {
        batch(() => {
          setPlanStart([Number(event.lngLat.lng.toFixed(6)), Number(event.lngLat.lat.toFixed(6))])
          setPicking(false)
        })
        return
      }
      const hit = pickAt?.(event.point.x, event.point.y)
      const current = untrack(mode)
      if (current === 'coverage' && (hit?.layer as string) === 'coverage') {
        const id = hit?.properties.id
        if (typeof id === 'string') selectPlace(id)
      } else if (current === 'hotspots' && (hit?.layer as string) === 'hotspots') {
        const { q, r } = hit?.properties ?? {}
        if (typeof q === 'number' && typeof r === 'number') setSelectedCellId(`${q},${r}`)
      }
    }
    instance.on('click', onClick)
    onCleanup(() => instance.off('click', onClick))
  })

  const setMode = (next: AnalysisMode) => {
    batch(() => {
      time.setPlaying(false)
      setPicking(false)
      if (next !== 'coverage') drawing.clear()
      setModeSignal(next)
    })
    if (next !== 'hotspots' && extruded()) setExtruded(false)
  }

  // --- layers -------------------------------------------------------------------------------------
  const chiefName = (chief: ChiefFeature) => localName(chief.properties)

  const cellsDrawn = createMemo(() => {
    const cells = latestOf(hotspots)
    return cells ? drawnCells(cells, metric()) : undefined
  })
  const modeLayers = createMemo<Layer[]>(() => {
    const current = mode()
    if (current === 'coverage') {
      const all = latestOf(shapes)
      if (!all) return []
      return [
        createPlaceHighlightLayer(selectedFeature()),
        createCoverageLayer(all.features, {
          coverage: coverageById(),
          stale: coverage.loading,
        }),
      ]
    }
    if (current === 'station') return station.layers()
    if (current === 'desk') return desk.layers()
    if (current === 'hotspots') {
      const cells = cellsDrawn()
      if (!cells) return []
      return [
        createHotspotLayer(cells, {
          metric: metric(),
          extruded: extruded(),
          stale: hotspots.loading,
        }),
        createHotspotSelectionLayer(selectedCell()),
      ]
    }
    return []
  })
  const tripsLayer = createMemo<Layer | undefined>(() => {
    const set = tracks()
    const range = time.domain()
    const end = time.end()
    if (!tracksWanted() || !set || !range || end === undefined) return undefined
    return createPatrolTripsLayer(set.features, {
      origin: range.from,
      currentTime: end,
      trailLength: time.days() * dayMs,
      color: mode() === 'hotspots' ? [30, 41, 59, 100] : undefined,
    })
  })
  const labelObstacles = createMemo<LabelObstacle[]>(() =>
    mode() === 'coverage' ? selectedChiefObstacles(selectedChiefs(), { getName: chiefName }) : [],
  )
  const topLayers = createMemo<Layer[]>(() => {
    if (mode() !== 'coverage') return []
    return [
      createSelectedChiefsLayer(selectedChiefs(), { getName: chiefName }),
      createPlanLayer(planParts(plan(), planStart())),
    ]
  })
  const layers = createMemo<Layer[]>(() => {
    const trips = tripsLayer()
    // Tracks under the places and cells: the coverage colours and hotspot classes are what matters.
    return [...(trips ? [trips] : []), ...modeLayers(), ...topLayers()]
  })

  // --- the URL ------------------------------------------------------------------------------------
  createEffect(() => {
    // Not while playing: the end moves every frame, and browsers throttle history updates.
    if (time.playing()) return
    writeAnalysisParams({
      mode: mode(),
      end: time.end(),
      latest: time.latest(),
      days: time.days(),
      metric: metric(),
      place: mode() === 'coverage' ? selectedPlace() : undefined,
      cell: mode() === 'hotspots' ? selectedCellId() : undefined,
      station: mode() === 'station' ? station.selected() : undefined,
    })
  })
  const onHashChange = () => {
    const next = parseAnalysisParams(location.hash)
    batch(() => {
      if ((next.mode ?? 'map') !== mode()) setMode(next.mode ?? 'map')
      if (next.days !== undefined && next.days !== time.days()) time.setDays(next.days)
      if (next.end !== undefined && next.end !== time.end()) time.setEnd(next.end)
      if (next.metric && next.metric !== metric()) setMetric(next.metric)
    })
  }
  window.addEventListener('hashchange', onHashChange)
  onCleanup(() => window.removeEventListener('hashchange', onHashChange))

  return {
    mode,
    setMode,
    time,
    dataEnd,
    shapes,
    coverage,
    coverageById,
    gaps,
    coverageSince,
    retryCoverage: () => {
      void refetchCoverage()
      void refetchGaps()
    },
    selectedPlace,
    selectPlace,
    chiefs,
    selectedChiefs,
    showTracks,
    setShowTracks,
    tracks,
    tracksLoading,
    tracksError,
    metric,
    setMetric,
    extruded,
    setExtruded,
    hotspots,
    selectedCellId,
    selectedCell,
    selectCell: setSelectedCellId,
    trend,
    planStart,
    setPlanStart,
    picking,
    setPicking,
    plan,
    setPlan,
    planChief,
    setPlanChief,
    drawing,
    station,
    desk,
    layers,
    labelObstacles,
    drawnLayers: (visible) => {
      const current = mode()
      return current === 'map' ? visible : new Set(modeBaseLayers[current])
    },
    map,
    setMap: (instance, pick) => {
      pickAt = instance ? pick : undefined
      setMapSignal(instance)
    },
  }
}
