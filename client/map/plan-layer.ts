import type { Layer } from '@deck.gl/core'
import { GeoJsonLayer } from '@deck.gl/layers'
import type { Feature, Geometry } from 'geojson'
import type { Plan } from '../analysis-api.ts'
import type { RGBA } from './catalog.ts'
import { labelFontFamily } from './labels-layer.ts'

export const planLayerId = 'plan'

interface PlanPartProps {
  role: 'route' | 'stop' | 'start'
  /** The stop's number on the route, '' for the route and the start. */
  label: string
}

type PlanPart = Feature<Geometry, PlanPartProps>

const routeColor: RGBA = [20, 48, 79, 235]
const stopColor: RGBA = [29, 78, 216, 255]
const startColor: RGBA = [22, 163, 74, 255]

/** The parts of a suggested patrol: its route, its numbered stops and its start. */
export function planParts(plan: Plan | undefined, start: [number, number] | undefined): PlanPart[] {
  const parts: PlanPart[] = []
  if (plan) {
    parts.push({ type: 'Feature', geometry: plan.route.geometry, properties: { role: 'route', label: '' } })
    for (const stop of plan.stops) {
      parts.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [stop.lon, stop.lat] },
        properties: { role: 'stop', label: String(stop.order) },
      })
    }
  }
  if (start)
    parts.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: start },
      properties: { role: 'start', label: '' },
    })
  return parts
}

/** A suggested patrol on the map: a dark route, blue numbered stops, a green start. */
export function createPlanLayer(parts: readonly PlanPart[]): Layer {
  return new GeoJsonLayer<PlanPartProps>({
    id: planLayerId,
    data: parts as PlanPart[],
    visible: parts.length > 0,
    pickable: false,
    pointType: 'circle+text',
    filled: true,
    stroked: true,
    getFillColor: (f) => (f.properties.role === 'start' ? startColor : stopColor),
    getLineColor: (f) => (f.properties.role === 'route' ? routeColor : [255, 255, 255, 255]),
    lineWidthUnits: 'pixels',
    getLineWidth: (f) => (f.properties.role === 'route' ? 3.5 : 2),
    lineJointRounded: true,
    lineCapRounded: true,
    pointRadiusUnits: 'pixels',
    getPointRadius: (f) => (f.properties.role === 'start' ? 8 : 10),
    getText: (f: PlanPart) => f.properties.label,
    getTextSize: 12,
    getTextColor: [255, 255, 255, 255],
    textCharacterSet: '0123456789',
    textFontFamily: labelFontFamily,
    textFontWeight: 700,
    getTextAlignmentBaseline: 'center',
    parameters: { depthCompare: 'always' },
  })
}
