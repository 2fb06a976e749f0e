import type { Layer } from '@deck.gl/core'
import { GeoJsonLayer } from '@deck.gl/layers'
import type { Point } from 'geojson'
import type { ChiefFeature } from '../analysis/place-shapes.ts'
import { offDutyColor, rgba } from './catalog.ts'
import { type LabelObstacle, labelFontFamily, textWidth } from './labels-layer.ts'

export const selectedChiefsLayerId = 'selected-chiefs'

export interface SelectedChiefsOptions {
  /** The chief's name in the current language. */
  getName: (chief: ChiefFeature) => string
}

const dotRadius = 6
const dotOutline = 2
const textSize = 13
/** The name starts this many pixels right of the dot's centre. */
const textGap = 10

type LocatedChief = ChiefFeature & { geometry: Point }

const located = (chiefs: readonly ChiefFeature[]) =>
  chiefs.filter((c): c is LocatedChief => c.geometry?.type === 'Point')

/** The chiefs of the selected place at their last known positions, named (grey when off duty). */
export function createSelectedChiefsLayer(
  chiefs: readonly ChiefFeature[],
  options: SelectedChiefsOptions,
): Layer {
  const offDuty = rgba(offDutyColor)
  return new GeoJsonLayer<ChiefFeature['properties']>({
    id: selectedChiefsLayerId,
    data: located(chiefs),
    pickable: true,
    pointType: 'circle+text',
    filled: true,
    stroked: true,
    getFillColor: (f) => (f.properties.on_duty ? [20, 48, 79, 255] : offDuty),
    getLineColor: [255, 255, 255, 255],
    lineWidthUnits: 'pixels',
    getLineWidth: dotOutline,
    pointRadiusUnits: 'pixels',
    getPointRadius: dotRadius,
    getText: (f: ChiefFeature) => options.getName(f),
    getTextSize: textSize,
    getTextColor: [20, 48, 79, 255],
    getTextPixelOffset: [textGap, 0],
    getTextAnchor: 'start',
    getTextAlignmentBaseline: 'center',
    textCharacterSet: 'auto',
    textFontFamily: labelFontFamily,
    textFontWeight: 600,
    textFontSettings: { sdf: true, fontSize: 48, buffer: 8, radius: 12, cutoff: 0.25 },
    textOutlineWidth: 5,
    textOutlineColor: [255, 255, 255, 235],
    updateTriggers: { getText: [options.getName] },
  })
}

/** Each named dot as an obstacle, so that the map's own labels make way for the selected chiefs. */
export function selectedChiefObstacles(
  chiefs: readonly ChiefFeature[],
  options: SelectedChiefsOptions,
): LabelObstacle[] {
  const dot = dotRadius + dotOutline
  const halfHeight = Math.max(dot, (textSize * 1.3) / 2)
  return located(chiefs).map((chief) => ({
    position: [chief.geometry.coordinates[0], chief.geometry.coordinates[1]],
    box: [-dot, -halfHeight, textGap + textWidth(options.getName(chief), textSize), halfHeight],
  }))
}
