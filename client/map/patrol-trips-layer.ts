import type { Layer } from '@deck.gl/core'
import { TripsLayer } from '@deck.gl/geo-layers'
import type { Feature, LineString } from 'geojson'
import type { PatrolProps } from '../analysis-api.ts'
import type { RGBA } from './catalog.ts'

export const patrolTripsLayerId = 'patrol-trips'

export type PatrolFeature = Feature<LineString, PatrolProps>

export interface PatrolTripsOptions {
  /** Epoch ms that time 0 of the layer stands for (times are kept in seconds from it: float32). */
  origin: number
  /** The end of the window, epoch ms: the heads of the tracks. */
  currentTime: number
  /** The window length in ms: how far back the trails reach (fading with age). */
  trailLength: number
  color?: RGBA
}

/**
 * Actual patrol tracks played back with deck.gl's TripsLayer: each track is drawn up to the window's
 * end and fades over the window's length, so the tracks of the window show, the newest brightest.
 */
export function createPatrolTripsLayer(data: readonly PatrolFeature[], options: PatrolTripsOptions): Layer {
  const { origin } = options
  return new TripsLayer<PatrolFeature>({
    id: patrolTripsLayerId,
    data: data as PatrolFeature[],
    getPath: (f) => f.geometry.coordinates as [number, number][],
    getTimestamps: (f) => f.properties.times.map((ms) => (ms - origin) / 1000),
    getColor: options.color ?? [67, 56, 202, 170],
    widthUnits: 'pixels',
    getWidth: 1.5,
    widthMinPixels: 1,
    capRounded: true,
    jointRounded: true,
    fadeTrail: true,
    currentTime: (options.currentTime - origin) / 1000,
    trailLength: options.trailLength / 1000,
    pickable: false,
    updateTriggers: { getTimestamps: [origin] },
  })
}
