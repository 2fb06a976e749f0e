import type { Layer } from '@deck.gl/core'
import type { Map as MapLibreMap } from 'maplibre-gl'
import {
  type Accessor,
  createEffect,
  createMemo,
  createResource,
  createSignal,
  on,
  type Resource,
} from 'solid-js'
import { analysisApi, type Station, type StationView } from '../analysis-api.ts'
import { createStationLayers } from '../map/station-layers.ts'
import { user } from '../session.ts'
import type { Window } from './time-window.ts'

/**
 * The station mode: one co-governance station's area (its jurisdiction, which may cross the
 * province line, and the boundary band beside it) with both sides' incidents and patrols, and the
 * station's own figures. A station user starts on their own station, everyone else on the first
 * cross-border one; the URL keeps the choice as `station`.
 */
export interface StationMode {
  stations: Resource<Station[]>
  selected: Accessor<string | undefined>
  select: (id: string) => void
  view: Resource<StationView>
  /** The station changed by an admin: reload the view. */
  refresh: () => void
  layers: Accessor<Layer[]>
}

export function createStationMode(options: {
  active: Accessor<boolean>
  window: Accessor<Window | undefined>
  map: Accessor<MapLibreMap | undefined>
  initial?: string
}): StationMode {
  const [stations] = createResource(options.active, () => analysisApi.stations())
  const [chosen, setChosen] = createSignal<string | undefined>(options.initial)
  const selected = createMemo(() => {
    const list = stations.state === 'ready' ? stations() : undefined
    const id = chosen() ?? user()?.station_id ?? undefined
    if (!list) return id
    if (id && list.some((s) => s.id === id)) return id
    return (list.find((s) => s.cross_border) ?? list[0])?.id
  })
  const source = () => {
    const id = selected()
    const w = options.window()
    return options.active() && id && w ? { id, from: w.from, to: w.to } : false
  }
  const [view, { refetch }] = createResource(source, (s) => analysisApi.stationView(s.id, s.from, s.to))

  // Frame the station's area whenever another station is chosen (or the mode opens on one).
  createEffect(
    on([selected, () => stations.state, options.map, options.active], ([id, state, map, active]) => {
      if (!active || !id || !map || state !== 'ready') return
      const station = stations()?.find((s) => s.id === id)
      if (!station) return
      const [minX, minY, maxX, maxY] = station.bbox
      // The band reaches 5 km (~0.05°) past the jurisdiction: frame that too.
      const pad = 0.05
      map.fitBounds(
        [
          [minX - pad, minY - pad],
          [maxX + pad, maxY + pad],
        ],
        { padding: { top: 40, bottom: 160, left: 400, right: 60 }, duration: 0 },
      )
    }),
  )

  const layers = createMemo(() => {
    if (!options.active()) return []
    const current = view.state === 'errored' ? undefined : view.latest
    return current ? createStationLayers(current) : []
  })

  return { stations, selected, select: setChosen, view, refresh: refetch, layers }
}
