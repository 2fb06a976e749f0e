import type { Layer } from '@deck.gl/core'
import { MapboxOverlay } from '@deck.gl/mapbox'
import type { Feature, FeatureCollection } from 'geojson'
import {
  type GeoJSONSource,
  Map as MapLibreMap,
  type MapMouseEvent,
  ScaleControl,
  setWorkerUrl,
} from 'maplibre-gl'
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'
import {
  type Component,
  createEffect,
  createMemo,
  createSignal,
  on,
  onCleanup,
  onMount,
  untrack,
} from 'solid-js'
import type { LayerId } from '../api.ts'
import { locale, localName, t } from '../i18n/index.ts'
import {
  type BaseSourceId,
  baseLayersOf,
  baseSources,
  bordersSource,
  buildBaseStyle,
  hoverableBaseLayers,
  waterLayerId,
} from './base-style.ts'
import { borderLines } from './boundary-lines.ts'
import { createChiefsLayer } from './chiefs-layer.ts'
import { createJurisdictionsLayer } from './jurisdictions-layer.ts'
import {
  createLabelsLayers,
  type LabelObstacle,
  labelCandidates,
  placeLabels,
  provinceLabelCandidates,
  type Region,
  stationObstacles,
} from './labels-layer.ts'
import type { LayerDataMap } from './layer-data.ts'
import { installTransformCompat } from './maplibre-compat.ts'
import {
  hoverablePlaceTileLayers,
  isTiledPlaceLayer,
  placeTileLayersOf,
  tiledBelowZoom,
  tiledPlaceLayers,
} from './place-tiles.ts'
import { createPlacesLayer, type DeckPlaceLayerId } from './places-layer.ts'
import { createStationsLayers } from './stations-layer.ts'
import type { HoverInfo } from './tooltip.tsx'
import { defaultView, maxZoom, minZoom, type MapView as View, viewsDiffer } from './url-view.ts'

export interface MapViewProps {
  /** The view to show: the map starts there and jumps when it changes to something else. */
  view: View
  visible: ReadonlySet<LayerId>
  data: LayerDataMap
  onViewChange: (view: View) => void
  onHover: (info: HoverInfo | null) => void
  /** False to stop hover cards (while a route is drawn the pointer is a pen, and picking costs). */
  hoverable?: boolean
  /** False while new data or layers are being drawn, true once the map has gone idle. */
  onSettledChange: (settled: boolean) => void
  onMapError: (message: string) => void
  /**
   * More deck.gl layers (analysis modes, incidents…), drawn above the places and below the labels.
   * A change redraws the overlay only; it does not mark the map unsettled (animations would flicker).
   */
  extraLayers?: readonly Layer[]
  /** What the extra layers draw that the map's labels must make way for. */
  labelObstacles?: readonly LabelObstacle[]
  /**
   * Hands out the MapLibre map once it exists (undefined when it goes), for fly-to and clicks, with
   * `pickAt`: what is drawn at a pixel (deck.gl layers first). In interleaved mode deck.gl does not
   * see map clicks, so layers' onClick never fires: listen to the map's 'click' and pick instead.
   */
  onMap?: (map: MapLibreMap | undefined, pickAt?: (x: number, y: number) => HoverInfo | null) => void
}

/** Deck place layers, bottom to top; areas go under the water. */
const areaLayers: readonly DeckPlaceLayerId[] = ['forests', 'scenic', 'projects', 'mines', 'water_sources']

/** Labels are re-placed when the zoom crosses a quarter step. */
const zoomStep = (zoom: number) => Math.round(zoom * 4) / 4

/**
 * The map: MapLibre draws the offline base style (boundaries, water) and one interleaved deck.gl
 * MapboxOverlay draws the places, stations, chiefs and labels in the same WebGL context.
 */
export const MapView: Component<MapViewProps> = (props) => {
  let container!: HTMLDivElement
  const [map, setMap] = createSignal<MapLibreMap>()
  const [styleLoaded, setStyleLoaded] = createSignal(false)
  const [zoom, setZoom] = createSignal(zoomStep(props.view.zoom))
  // Whether deck.gl draws the tiled place layers (at and above the switch) or MapLibre's tiles do.
  const [detailed, setDetailed] = createSignal(props.view.zoom >= tiledBelowZoom)
  const [region, setRegion] = createSignal<Region>()

  onMount(() => {
    // The worker is bundled as an asset of its own (Vite's ?url); MapLibre cannot find it by itself.
    setWorkerUrl(workerUrl)
    let instance: MapLibreMap
    try {
      instance = new MapLibreMap({
        container,
        style: buildBaseStyle(props.visible, location.origin),
        center: [props.view.lon, props.view.lat],
        zoom: props.view.zoom,
        minZoom,
        maxZoom,
        maxBounds: [
          [110, 24],
          [130, 37],
        ],
        attributionControl: false,
        dragRotate: false,
        pitchWithRotate: false,
        touchPitch: false,
        renderWorldCopies: false,
        fadeDuration: 0,
        canvasContextAttributes: { antialias: true },
      })
    } catch (error) {
      props.onMapError(
        t('state.noWebgl', { message: error instanceof Error ? error.message : String(error) }),
      )
      return
    }
    installTransformCompat(instance)
    instance.touchZoomRotate.disableRotation()
    instance.keyboard.disableRotation()
    const scale = new ScaleControl({ maxWidth: 120, unit: 'metric' })
    instance.addControl(scale, 'bottom-right')
    // deck.gl's own picking stays off: it would pick on every pointer move and press for callbacks
    // this map does not use (it picks itself, below), and each picking pass redraws every layer.
    const overlay = new MapboxOverlay({ interleaved: true, layers: [], _pickable: false })
    instance.addControl(overlay)

    const viewOf = (): View => {
      const center = instance.getCenter()
      return { lon: center.lng, lat: center.lat, zoom: instance.getZoom() }
    }
    const onLoad = () => {
      setRegion(regionInView())
      setStyleLoaded(true)
    }
    /** The part of the map not under the layer panel, for province names. */
    const regionInView = (): Region => {
      const canvas = instance.getCanvas()
      const width = canvas.clientWidth
      const height = canvas.clientHeight
      const left = width > 900 ? 300 : 20
      const sw = instance.unproject([left, height - 30])
      const ne = instance.unproject([width - 60, 30])
      return [sw.lng, sw.lat, ne.lng, ne.lat]
    }
    const onMoveEnd = () => {
      setRegion(regionInView())
      props.onViewChange(viewOf())
    }
    const onZoom = () => {
      setZoom(zoomStep(instance.getZoom()))
      setDetailed(instance.getZoom() >= tiledBelowZoom)
    }
    const onError = (event: { error?: { message?: string } }) => {
      const message = event.error?.message ?? 'unknown map error'
      console.error('[shanshui] map error:', event.error)
      props.onMapError(message)
    }
    const onMouseMove = (event: MapMouseEvent) => {
      if (props.hoverable === false) return
      const hover = pick(instance, overlay, event)
      instance.getCanvas().style.cursor = hover ? 'pointer' : ''
      props.onHover(hover)
    }
    const onMouseOut = () => props.onHover(null)
    const onMoveStart = () => props.onHover(null)

    instance.on('load', onLoad)
    instance.on('moveend', onMoveEnd)
    instance.on('zoom', onZoom)
    instance.on('error', onError)
    instance.on('mousemove', onMouseMove)
    instance.on('mouseout', onMouseOut)
    instance.on('movestart', onMoveStart)
    setMap(instance)
    props.onMap?.(instance, (x, y) => pick(instance, overlay, { point: { x, y } }))

    onCleanup(() => {
      props.onMap?.(undefined)
      instance.off('load', onLoad)
      instance.off('moveend', onMoveEnd)
      instance.off('zoom', onZoom)
      instance.off('error', onError)
      instance.off('mousemove', onMouseMove)
      instance.off('mouseout', onMouseOut)
      instance.off('movestart', onMoveStart)
      instance.removeControl(overlay)
      instance.removeControl(scale)
      instance.remove()
      setMap(undefined)
    })

    /** Marks the map busy and reports settled once it has drawn the change. */
    let drawToken = 0
    const redraw = () => {
      const token = ++drawToken
      props.onSettledChange(false)
      instance.once('idle', () => {
        if (token === drawToken) props.onSettledChange(true)
      })
      instance.triggerRepaint()
    }

    // Base map: feed the GeoJSON sources with the layers' data (each collection once).
    const fed = new Map<string, unknown>()
    const borders = createMemo(() => (props.data.boundaries ? borderLines(props.data.boundaries) : undefined))
    createEffect(() => {
      if (!styleLoaded()) return
      let changed = false
      const feed = (source: string, data: unknown) => {
        if (data === undefined || fed.get(source) === data) return
        fed.set(source, data)
        ;(instance.getSource(source) as GeoJSONSource | undefined)?.setData(data as FeatureCollection)
        changed = true
      }
      for (const id of baseSources) feed(id, props.data[id] as FeatureCollection | undefined)
      feed(bordersSource, borders())
      if (changed) redraw()
    })

    // Base map: show and hide its layers.
    createEffect(() => {
      if (!styleLoaded()) return
      const visible = props.visible
      for (const id of baseSources) {
        for (const layer of baseLayersOf[id as BaseSourceId]) {
          instance.setLayoutProperty(layer, 'visibility', visible.has(id) ? 'visible' : 'none')
        }
      }
      for (const id of tiledPlaceLayers) {
        for (const layer of placeTileLayersOf[id]) {
          instance.setLayoutProperty(layer, 'visibility', visible.has(id) ? 'visible' : 'none')
        }
      }
      redraw()
    })

    // deck.gl: places, jurisdictions, stations, chiefs and labels.
    const candidates = createMemo(() => {
      locale()
      return labelCandidates(props.data, props.visible, localName)
    })
    const provinceCandidates = createMemo(() => {
      locale()
      const box = region()
      return box ? provinceLabelCandidates(props.data, props.visible, box, localName) : []
    })
    const obstacles = createMemo(() => [
      ...stationObstacles(props.data, props.visible),
      ...(props.labelObstacles ?? []),
    ])
    const placed = createMemo(() =>
      placeLabels([...provinceCandidates(), ...candidates()], zoom(), obstacles()),
    )
    let baseLayers: Layer[] = []
    let labelLayers: Layer[] = []
    const applyLayers = () =>
      overlay.setProps({
        layers: [...baseLayers, ...untrack(() => props.extraLayers ?? []), ...labelLayers],
      })
    createEffect(() => {
      if (!styleLoaded()) return
      const data = props.data
      const visible = props.visible
      // Below the switch the tiles draw these layers (place-tiles.ts); deck.gl keeps them, hidden.
      const drawnHere = (id: DeckPlaceLayerId) => visible.has(id) && (detailed() || !isTiledPlaceLayer(id))
      const layers: Layer[] = []
      for (const id of areaLayers) {
        const collection = data[id]
        if (collection)
          layers.push(createPlacesLayer(id, collection, { visible: drawnHere(id), beforeId: waterLayerId }))
      }
      if (data.roads) layers.push(createPlacesLayer('roads', data.roads, { visible: drawnHere('roads') }))
      if (data.jurisdictions)
        layers.push(createJurisdictionsLayer(data.jurisdictions, visible.has('jurisdictions')))
      if (data.chiefs) layers.push(createChiefsLayer(data.chiefs, visible.has('chiefs')))
      if (data.markets)
        layers.push(createPlacesLayer('markets', data.markets, { visible: drawnHere('markets') }))
      if (data.stations) layers.push(...createStationsLayers(data.stations, visible.has('stations')))
      baseLayers = layers
      labelLayers = createLabelsLayers(placed())
      applyLayers()
      redraw()
    })

    // deck.gl: the extra layers between the places and the labels; only the overlay is redrawn.
    createEffect(
      on(
        [styleLoaded, () => props.extraLayers],
        ([loaded]) => {
          if (!loaded) return
          applyLayers()
          instance.triggerRepaint()
        },
        { defer: true },
      ),
    )
  })

  // A view asked for from outside (a pasted link, the reset button): jump there.
  createEffect(
    on(
      () => props.view,
      (view) => {
        const instance = map()
        if (!instance) return
        const center = instance.getCenter()
        const current = { lon: center.lng, lat: center.lat, zoom: instance.getZoom() }
        if (viewsDiffer(current, view)) instance.jumpTo({ center: [view.lon, view.lat], zoom: view.zoom })
      },
      { defer: true },
    ),
  )

  const zoomBy = (delta: number) =>
    map()?.easeTo({ zoom: (map()?.getZoom() ?? defaultView.zoom) + delta, duration: 250 })
  const reset = () => map()?.jumpTo({ center: [defaultView.lon, defaultView.lat], zoom: defaultView.zoom })

  createEffect(() => {
    if (props.hoverable === false) props.onHover(null)
  })

  return (
    <div class="map-view">
      <div class="map-canvas" ref={container} role="application" aria-label={t('map.label')} />
      <div class="map-buttons">
        <button type="button" title={t('map.zoomIn')} aria-label={t('map.zoomIn')} onClick={() => zoomBy(1)}>
          +
        </button>
        <button
          type="button"
          title={t('map.zoomOut')}
          aria-label={t('map.zoomOut')}
          onClick={() => zoomBy(-1)}
        >
          −
        </button>
        <button type="button" title={t('map.resetView')} aria-label={t('map.resetView')} onClick={reset}>
          ⌂
        </button>
      </div>
    </div>
  )
}

/** MapLibre layers a pointer can hover, with the API layer of each. */
const hoverableMapLayers: Record<string, LayerId> = { ...hoverableBaseLayers, ...hoverablePlaceTileLayers }

/**
 * The feature under the pointer: deck.gl's layers first (they are on top), then the base map's water
 * and, at low zoom, the tiled places.
 */
function pick(
  map: MapLibreMap,
  overlay: MapboxOverlay,
  event: Pick<MapMouseEvent, 'point'> | { point: { x: number; y: number } },
): HoverInfo | null {
  const { x, y } = event.point
  overlay.setProps({ _pickable: true })
  let picked: ReturnType<MapboxOverlay['pickObject']>
  try {
    picked = overlay.pickObject({ x, y, radius: 4 })
  } finally {
    overlay.setProps({ _pickable: false })
  }
  const object = picked?.object as Feature | undefined
  if (picked?.layer && object?.properties) {
    const layer = picked.layer.id.split('--')[0] as LayerId
    return { x, y, layer, properties: object.properties }
  }
  const layers = Object.keys(hoverableMapLayers).filter(
    (id) => map.getLayoutProperty(id, 'visibility') !== 'none',
  )
  if (layers.length === 0) return null
  const [feature] = map.queryRenderedFeatures([x, y], { layers })
  if (!feature) return null
  const layer = hoverableMapLayers[feature.layer.id]
  return layer ? { x, y, layer, properties: feature.properties ?? {} } : null
}
