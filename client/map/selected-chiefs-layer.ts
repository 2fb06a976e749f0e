import type { Layer } from '@deck.gl/core'
import { GeoJsonLayer } from '@deck.gl/layers'
import type { ChiefFeature } from '../analysis/place-shapes.ts'
import { offDutyColor, rgba } from './catalog.ts'
import { labelFontFamily } from './labels-layer.ts'

export const selectedChiefsLayerId = 'selected-chiefs'

export interface SelectedChiefsOptions {
  /** The chief's name in the current language. */
  getName: (chief: ChiefFeature) => string
}

/** The chiefs of the selected place at their last known positions, named (grey when off duty). */
export function createSelectedChiefsLayer(
  chiefs: readonly ChiefFeature[],
  options: SelectedChiefsOptions,
): Layer {
  const offDuty = rgba(offDutyColor)
  return new GeoJsonLayer<ChiefFeature['properties']>({
    id: selectedChiefsLayerId,
    data: chiefs.filter((c) => c.geometry?.type === 'Point') as ChiefFeature[],
    pickable: true,
    pointType: 'circle+text',
    filled: true,
    stroked: true,
    getFillColor: (f) => (f.properties.on_duty ? [20, 48, 79, 255] : offDuty),
    getLineColor: [255, 255, 255, 255],
    lineWidthUnits: 'pixels',
    getLineWidth: 2,
    pointRadiusUnits: 'pixels',
    getPointRadius: 6,
    getText: (f: ChiefFeature) => options.getName(f),
    getTextSize: 13,
    getTextColor: [20, 48, 79, 255],
    getTextPixelOffset: [10, 0],
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
