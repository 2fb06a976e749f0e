import type { LayerId } from '../api.ts'
import { isKnownLayer, layerCatalog } from './catalog.ts'

/**
 * The view kept in the URL hash, so a reload or a shared link shows the same map:
 *
 *   #map=<zoom>/<lat>/<lon>&layers=<id>,<id>,…
 *
 * e.g. `#map=9.00/30.7800/119.9500&layers=boundaries,rivers,stations`. The `map` part follows the
 * zoom/lat/lon order of OpenStreetMap and MapLibre links. Without `layers` the default layers are
 * shown; `layers=` (empty) means none. Unknown layer ids and out-of-range numbers are ignored.
 */
export interface MapView {
  lon: number
  lat: number
  zoom: number
}

export interface UrlView {
  view?: MapView
  layers?: LayerId[]
}

/** All of Huzhou on a typical command-centre screen. */
export const defaultView: MapView = { lon: 119.95, lat: 30.78, zoom: 9 }

export const minZoom = 5
export const maxZoom = 18

const inRange = (value: number, min: number, max: number) =>
  Number.isFinite(value) && value >= min && value <= max

/** Reads the view from a location hash ('#map=…&layers=…'); missing or broken parts are left out. */
export function parseUrlView(hash: string): UrlView {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const result: UrlView = {}
  const map = params.get('map')
  if (map) {
    const [zoom, lat, lon] = map.split('/').map(Number)
    if (
      zoom !== undefined &&
      lat !== undefined &&
      lon !== undefined &&
      inRange(zoom, 0, 24) &&
      inRange(lat, -85, 85) &&
      inRange(lon, -180, 180)
    ) {
      result.view = { lon, lat, zoom: Math.min(Math.max(zoom, minZoom), maxZoom) }
    }
  }
  const layers = params.get('layers')
  if (layers !== null) {
    const wanted = new Set(layers.split(',').map((id) => id.trim()))
    // Catalog order, so the same set always gives the same URL.
    result.layers = layerCatalog.map((layer) => layer.id).filter((id) => wanted.has(id) && isKnownLayer(id))
  }
  return result
}

/** The hash for a view and a set of visible layers (layers in catalog order). */
export function formatUrlView(view: MapView, visible: ReadonlySet<LayerId>): string {
  const layers = layerCatalog.map((layer) => layer.id).filter((id) => visible.has(id))
  // Commas stay readable in the hash; URLSearchParams would escape them.
  return `#map=${view.zoom.toFixed(2)}/${view.lat.toFixed(4)}/${view.lon.toFixed(4)}&layers=${layers.join(',')}`
}

/**
 * Writes the hash without adding a history entry (panning would otherwise flood the back button).
 * Other parameters in the hash (the analysis mode and time window, filters) are kept after these.
 */
export function writeUrlView(view: MapView, visible: ReadonlySet<LayerId>): void {
  const others = location.hash
    .replace(/^#/, '')
    .split('&')
    .filter((part) => part !== '' && !/^(map|layers)=/.test(part))
  const hash = [formatUrlView(view, visible), ...others].join('&')
  if (location.hash === hash) return
  history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`)
}

/** True when two views differ by more than what the URL keeps. */
export function viewsDiffer(a: MapView, b: MapView): boolean {
  return (
    Math.abs(a.zoom - b.zoom) > 0.005 ||
    Math.abs(a.lat - b.lat) > 0.00005 ||
    Math.abs(a.lon - b.lon) > 0.00005
  )
}
