import type { Layer } from '@deck.gl/core'
import { ScatterplotLayer, TextLayer } from '@deck.gl/layers'
import { type IncidentFeature, isOpen } from '../incidents-api.ts'
import { rgba } from './catalog.ts'
import { clusterIncidents, clusterRadius, type IncidentCluster } from './incident-clusters.ts'
import { categoryColor, clusterBelowZoom, openRingColor } from './incident-style.ts'
import { labelFontFamily } from './labels-layer.ts'

/**
 * Incidents: from zoom 10 on one dot per incident, coloured by category; open ones (reported,
 * dispatched, on scene) large with a dark ring and drawn on top, handled ones small and faded.
 * Zoomed out, clusters with their count, coloured by their most frequent category and ringed when
 * they hold open incidents. Layer ids start with `incidents--` so hover look-ups name the layer.
 */

/** Closed and cancelled first, open last: the open ones are drawn on top. */
const drawOrder = (f: IncidentFeature) => {
  const status = f.properties.status
  if (isOpen(status)) return 2
  return status === 'resolved' ? 1 : 0
}

export function sortForDrawing(incidents: readonly IncidentFeature[]): IncidentFeature[] {
  return [...incidents].sort((a, b) => drawOrder(a) - drawOrder(b))
}

const ring = rgba(openRingColor, 235)
const faintRing: [number, number, number, number] = [255, 255, 255, 150]

/** The radius of an incident dot in pixels (also used by the click hit test). */
export const incidentRadius = (f: IncidentFeature) => (isOpen(f.properties.status) ? 6.5 : 3.5)

export function createIncidentPointsLayer(sorted: readonly IncidentFeature[]): Layer {
  return new ScatterplotLayer<IncidentFeature>({
    id: 'incidents--points',
    data: sorted,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 214, 0, 220],
    filled: true,
    stroked: true,
    radiusUnits: 'pixels',
    getRadius: incidentRadius,
    lineWidthUnits: 'pixels',
    getLineWidth: (f) => (isOpen(f.properties.status) ? 2 : 0.75),
    getLineColor: (f) => (isOpen(f.properties.status) ? ring : faintRing),
    getFillColor: (f) => {
      const status = f.properties.status
      if (isOpen(status)) return categoryColor(f.properties.category, 255)
      return categoryColor(f.properties.category, status === 'cancelled' ? 70 : 130)
    },
    getPosition: (f) => f.geometry.coordinates as [number, number],
  })
}

export function createIncidentClusterLayers(clusters: readonly IncidentCluster[]): Layer[] {
  return [
    new ScatterplotLayer<IncidentCluster>({
      id: 'incidents--clusters',
      data: clusters,
      pickable: true,
      autoHighlight: true,
      highlightColor: [255, 214, 0, 200],
      filled: true,
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: (c) => clusterRadius(c.properties.count),
      lineWidthUnits: 'pixels',
      getLineWidth: (c) => (c.properties.open > 0 ? 2 : 1),
      getLineColor: (c) => (c.properties.open > 0 ? ring : [255, 255, 255, 230]),
      getFillColor: (c) => categoryColor(c.properties.top, c.properties.count === 1 ? 160 : 185),
      getPosition: (c) => c.geometry.coordinates as [number, number],
    }),
    new TextLayer<IncidentCluster>({
      id: 'incidents--counts',
      data: clusters.filter((c) => c.properties.count > 1),
      pickable: false,
      characterSet: '0123456789',
      fontFamily: labelFontFamily,
      fontWeight: 700,
      fontSettings: { sdf: true, fontSize: 48, buffer: 8, radius: 12, cutoff: 0.25 },
      outlineWidth: 3,
      outlineColor: [15, 23, 42, 200],
      sizeUnits: 'pixels',
      getText: (c) => String(c.properties.count),
      getPosition: (c) => c.geometry.coordinates as [number, number],
      getSize: (c) => (c.properties.count >= 100 ? 9.5 : 10.5),
      getColor: [255, 255, 255, 255],
      getTextAnchor: 'middle',
      getAlignmentBaseline: 'center',
      parameters: { depthCompare: 'always' },
    }),
  ]
}

/** Points or clusters, whichever the zoom calls for. */
export function createIncidentsLayers(incidents: readonly IncidentFeature[], zoom: number): Layer[] {
  if (zoom < clusterBelowZoom) return createIncidentClusterLayers(clusterIncidents(incidents, zoom))
  return [createIncidentPointsLayer(sortForDrawing(incidents))]
}
