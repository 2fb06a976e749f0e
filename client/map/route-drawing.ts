import type { Position } from 'geojson'
import type { Map as MapLibreMap } from 'maplibre-gl'
import { type Accessor, batch, createSignal, onCleanup } from 'solid-js'
import { TerraDraw, TerraDrawLineStringMode } from 'terra-draw'
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter'

/** Drawing a patrol route by hand: off, in progress (clicks add points), or finished. */
export type DrawingState = 'off' | 'drawing' | 'done'

export interface RouteDrawing {
  state: Accessor<DrawingState>
  /** The route as drawn so far (while drawing, its last point follows the pointer). */
  route: Accessor<Position[] | undefined>
  /** Starts a new route, dropping the one drawn before. */
  start: () => void
  /** Drops the route and stops drawing. */
  clear: () => void
}

const routeColor = '#ea580c'

/**
 * A route drawn with Terra Draw's line mode on the MapLibre map: click to add points, click the last
 * point again or press Enter to finish, Escape to drop it. Terra Draw draws in MapLibre layers of its
 * own, above deck.gl's. Created once; attaches to the map when drawing starts.
 */
export function createRouteDrawing(map: Accessor<MapLibreMap | undefined>): RouteDrawing {
  const [state, setState] = createSignal<DrawingState>('off')
  const [route, setRoute] = createSignal<Position[]>()
  let draw: TerraDraw | undefined
  let drawnOn: MapLibreMap | undefined

  const lineOf = (): Position[] | undefined => {
    const line = draw
      ?.getSnapshot()
      .find((f) => f.geometry.type === 'LineString' && f.properties.mode === 'linestring')
    return line?.geometry.type === 'LineString' ? line.geometry.coordinates : undefined
  }

  const attach = (instance: MapLibreMap): TerraDraw => {
    if (draw && drawnOn === instance) return draw
    detach()
    const next = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map: instance }),
      modes: [
        new TerraDrawLineStringMode({
          styles: {
            lineStringColor: routeColor,
            lineStringWidth: 4,
            closingPointColor: '#ffffff',
            closingPointOutlineColor: routeColor,
            closingPointWidth: 6,
            closingPointOutlineWidth: 3,
            coordinatePointColor: routeColor,
            coordinatePointWidth: 4,
          },
          showCoordinatePoints: true,
        }),
      ],
    })
    next.start()
    next.on('change', () => {
      if (state() === 'drawing') setRoute(lineOf())
    })
    next.on('finish', () => {
      batch(() => {
        setRoute(lineOf())
        setState('done')
      })
      // Back to the static mode: the finished route stays drawn and clicks select places again.
      next.setMode('static')
    })
    draw = next
    drawnOn = instance
    return next
  }

  const detach = () => {
    if (draw?.enabled) draw.stop()
    draw = undefined
    drawnOn = undefined
  }

  const start = () => {
    const instance = map()
    if (!instance) return
    const d = attach(instance)
    d.clear()
    batch(() => {
      setRoute(undefined)
      setState('drawing')
    })
    d.setMode('linestring')
  }

  const clear = () => {
    if (draw) {
      draw.clear()
      draw.setMode('static')
    }
    batch(() => {
      setRoute(undefined)
      setState('off')
    })
  }

  onCleanup(detach)
  return { state, route, start, clear }
}
