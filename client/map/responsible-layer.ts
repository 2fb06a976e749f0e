import type { Layer } from '@deck.gl/core'
import { LineLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers'
import { layerDefinition, offDutyColor, type RGBA, rgba } from './catalog.ts'
import { responsibleColor, selectedColor } from './incident-style.ts'
import { labelFontFamily } from './labels-layer.ts'

/**
 * Who answers for the selected incident, on the map: a halo around the incident and a straight line
 * to each responsible unit shown in the panel, ending in a numbered disc with the unit's rank (the
 * same number as in the panel). The dispatch target is drawn thick and yellow-ringed; off-duty chiefs
 * grey. Not pickable: the incident under the halo keeps its tooltip.
 */

export interface ResponsibleTarget {
  rank: number
  kind: 'chief' | 'station'
  id: string
  position: [number, number]
  onDuty: boolean | null
  /** The unit the Dispatch button sends to. */
  target: boolean
}

const colorOf = (t: ResponsibleTarget, alpha: number): RGBA => {
  if (t.kind === 'station') return rgba(layerDefinition('stations').color, alpha)
  return t.onDuty === false ? rgba(offDutyColor, alpha) : rgba(responsibleColor, alpha)
}

export function createResponsibleLayers(
  origin: [number, number],
  targets: readonly ResponsibleTarget[],
): Layer[] {
  // The target last, so it is drawn above the others.
  const ordered = [...targets].sort((a, b) => Number(a.target) - Number(b.target) || b.rank - a.rank)
  return [
    new LineLayer<ResponsibleTarget>({
      id: 'responsible--lines',
      data: ordered,
      pickable: false,
      widthUnits: 'pixels',
      getWidth: (t) => (t.target ? 4 : 1.6),
      getSourcePosition: () => origin,
      getTargetPosition: (t) => t.position,
      getColor: (t) => (t.target ? rgba(selectedColor, 255) : colorOf(t, 170)),
      updateTriggers: { getSourcePosition: origin },
    }),
    new ScatterplotLayer<{ position: [number, number] }>({
      id: 'responsible--origin',
      data: [{ position: origin }],
      pickable: false,
      filled: false,
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: 13,
      lineWidthUnits: 'pixels',
      getLineWidth: 3.5,
      getLineColor: rgba(selectedColor, 255),
      getPosition: (d) => d.position,
    }),
    new ScatterplotLayer<ResponsibleTarget>({
      id: 'responsible--targets',
      data: ordered,
      pickable: false,
      filled: true,
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: (t) => (t.target ? 11 : 8.5),
      lineWidthUnits: 'pixels',
      getLineWidth: (t) => (t.target ? 3 : 2),
      getFillColor: (t) => (t.target ? rgba(selectedColor, 255) : [255, 255, 255, 245]),
      getLineColor: (t) => (t.target ? rgba('#0f172a', 255) : colorOf(t, 255)),
      getPosition: (t) => t.position,
    }),
    new TextLayer<ResponsibleTarget>({
      id: 'responsible--ranks',
      data: ordered,
      pickable: false,
      characterSet: '0123456789',
      fontFamily: labelFontFamily,
      fontWeight: 700,
      sizeUnits: 'pixels',
      getText: (t) => String(t.rank),
      getPosition: (t) => t.position,
      getSize: (t) => (t.target ? 12 : 10.5),
      getColor: (t) => (t.target ? [15, 23, 42, 255] : colorOf(t, 255)),
      getTextAnchor: 'middle',
      getAlignmentBaseline: 'center',
      parameters: { depthCompare: 'always' },
    }),
  ]
}
