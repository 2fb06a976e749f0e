import { COORDINATE_SYSTEM, type GetPickingInfoParams, type Layer, type PickingInfo } from '@deck.gl/core'
import { ScatterplotLayer, TextLayer } from '@deck.gl/layers'
import type { LiveColumns } from '../incident-store.ts'
import {
  type IncidentFeature,
  type IncidentStatus,
  incidentCategories,
  incidentStatuses,
  isOpen,
} from '../incidents-api.ts'
import { rgba } from './catalog.ts'
import { clusterIncidents, clusterRadius, type IncidentCluster } from './incident-clusters.ts'
import { categoryColor, clusterBelowZoom, openRingColor } from './incident-style.ts'
import { labelFontFamily } from './labels-layer.ts'

/**
 * Incidents: from zoom 10 on one dot per incident, coloured by category; open ones (reported,
 * dispatched, on scene) large with a dark ring and drawn on top, handled ones small and faded.
 * Zoomed out, clusters with their count, coloured by their most frequent category and ringed when
 * they hold open incidents. Layer ids start with `incidents--` so hover look-ups name the layer.
 *
 * The dots of the whole window come as columns (incident-columns.ts) and are drawn with binary
 * attributes: a million incidents are a few typed arrays on the GPU, not a million objects.
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

/** Radii of dots in pixels (also used by the click hit test). */
export const handledRadius = 3.5
export const openRadius = 6.5

/** The radius of an incident dot in pixels. */
export const incidentRadius = (f: IncidentFeature) =>
  isOpen(f.properties.status) ? openRadius : handledRadius

/** One status group of dots in drawing order: positions as offsets from the columns' origin. */
export interface DotSet {
  length: number
  positions: Float32Array
  /** RGBA; clamped bytes are the array type deck.gl takes for normalized colours as they are. */
  colors: Uint8ClampedArray
  /** The incident id of each dot, for picking. */
  ids: Uint32Array
}

export interface IncidentDots {
  origin: [number, number]
  /** Resolved, closed and cancelled: small and faded, drawn first (resolved above the others). */
  handled: DotSet
  /** Reported, dispatched, on scene: large and ringed, drawn on top. */
  open: DotSet
  /** Incidents changed by the live feed, drawn as features above both. */
  live: IncidentFeature[]
}

const fillAlpha = (status: IncidentStatus) => (isOpen(status) ? 255 : status === 'cancelled' ? 70 : 130)
/** RGBA fill by (category × statuses + status) × 4, for the loop below. */
const fillTable = Uint8Array.from(
  incidentCategories.flatMap((category) =>
    incidentStatuses.flatMap((status) => categoryColor(category, fillAlpha(status))),
  ),
)
const statusGroup = incidentStatuses.map((status) => (isOpen(status) ? 2 : status === 'resolved' ? 1 : 0))

/** The columns as drawing arrays, in drawing order; rows replaced by live changes are left out. */
export function buildIncidentDots({ columns, hidden, extra }: LiveColumns): IncidentDots {
  const { count, positions, categories, statuses, ids } = columns
  const perGroup = [0, 0, 0]
  for (let i = 0; i < count; i++)
    if (!hidden.has(i)) (perGroup[statusGroup[statuses[i] as number] as number] as number)++
  const [closed = 0, resolved = 0, open = 0] = perGroup
  const set = (length: number): DotSet => ({
    length,
    positions: new Float32Array(2 * length),
    colors: new Uint8ClampedArray(4 * length),
    ids: new Uint32Array(length),
  })
  const handledSet = set(closed + resolved)
  const openSet = set(open)
  // Where the next dot of each group goes: closed and cancelled, then resolved, in one set; open in the other.
  const cursor = [0, closed, 0]
  const target = [handledSet, handledSet, openSet]
  for (let i = 0; i < count; i++) {
    if (hidden.has(i)) continue
    const status = statuses[i] as number
    const group = statusGroup[status] as number
    const into = target[group] as DotSet
    const at = cursor[group] as number
    cursor[group] = at + 1
    into.positions[2 * at] = positions[2 * i] as number
    into.positions[2 * at + 1] = positions[2 * i + 1] as number
    const fill = 4 * ((categories[i] as number) * incidentStatuses.length + status)
    into.colors[4 * at] = fillTable[fill] as number
    into.colors[4 * at + 1] = fillTable[fill + 1] as number
    into.colors[4 * at + 2] = fillTable[fill + 2] as number
    into.colors[4 * at + 3] = fillTable[fill + 3] as number
    into.ids[at] = ids[i] as number
  }
  return { origin: columns.origin, handled: handledSet, open: openSet, live: sortForDrawing(extra) }
}

/**
 * Dots from typed arrays. Binary data has no objects for deck.gl to hand out, so picking turns the
 * index back into the incident's properties (`describe`), which the hover card reads.
 */
class IncidentDotsLayer extends ScatterplotLayer<
  unknown,
  { ids: Uint32Array; describe: (id: number) => Record<string, unknown> }
> {
  static override layerName = 'IncidentDotsLayer'

  override getPickingInfo(params: GetPickingInfoParams): PickingInfo {
    const info = super.getPickingInfo(params)
    const id = info.index >= 0 ? this.props.ids[info.index] : undefined
    if (id !== undefined) info.object = { properties: this.props.describe(id) }
    return info
  }
}

/**
 * Above this many dots a layer is not pickable. Every hover pick draws the pickable layers again
 * (the vertex work of all their dots), and with software WebGL a million dots made each pick a
 * main-thread stall of seconds (bench/frame-time.ts). Clicks do not need it: they hit-test the
 * typed arrays (incidents.tsx); only the hover card of those dots is lost.
 */
export const pickableDotsMax = 200_000

/** The dots of the columns and the live changes over them, bottom to top. */
export function createIncidentDotsLayers(
  dots: IncidentDots,
  describe: (id: number) => Record<string, unknown>,
): Layer[] {
  const layer = (id: string, set: DotSet, open: boolean) =>
    new IncidentDotsLayer({
      id,
      data: {
        length: set.length,
        attributes: {
          getPosition: { value: set.positions, size: 2 },
          getFillColor: { value: set.colors, size: 4 },
        },
      },
      ids: set.ids,
      describe,
      coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS,
      coordinateOrigin: [dots.origin[0], dots.origin[1], 0],
      pickable: set.length <= pickableDotsMax,
      autoHighlight: true,
      highlightColor: [255, 214, 0, 220],
      filled: true,
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: open ? openRadius : handledRadius,
      lineWidthUnits: 'pixels',
      getLineWidth: open ? 2 : 0.75,
      getLineColor: open ? ring : faintRing,
    })
  return [
    layer('incidents--handled', dots.handled, false),
    layer('incidents--open', dots.open, true),
    createIncidentPointsLayer(dots.live),
  ]
}

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
