import type { Map as MapLibreMap } from 'maplibre-gl'

/**
 * @deck.gl/mapbox 9.4 reads the private `map.transform` (viewport height, terrain elevation, near/far
 * planes) on every frame. MapLibre 6 moved it to `map._camera.transform`, so without this every
 * interleaved frame throws "Cannot read properties of undefined (reading 'height')" and no deck.gl
 * layer is drawn (visgl/deck.gl#10501). This puts a read-only `transform` back on the one map we make.
 * Remove it when the project moves to @deck.gl/maplibre, which uses MapLibre's public API instead.
 */
export function installTransformCompat(map: MapLibreMap): void {
  if ('transform' in map) return
  const camera = () => (map as unknown as { _camera?: { transform?: unknown } })._camera
  Object.defineProperty(map, 'transform', {
    configurable: true,
    enumerable: false,
    get: () => camera()?.transform,
  })
}
