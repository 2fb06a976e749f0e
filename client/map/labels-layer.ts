import type { Layer } from '@deck.gl/core'
import { TextLayer } from '@deck.gl/layers'
import { along, area, bbox, booleanPointInPolygon, centroid, length, pointOnFeature } from '@turf/turf'
import type { Feature, Geometry, LineString, MultiLineString, MultiPolygon, Polygon } from 'geojson'
import type { LayerCollection, LayerId } from '../api.ts'
import { layerDefinition, type RGBA, rgba } from './catalog.ts'

/**
 * Map labels drawn by deck.gl's TextLayer (the offline MapLibre style has no glyphs). The font atlas
 * is made in the browser from local fonts (characterSet 'auto' covers Chinese). Labels are placed
 * greedily by priority so they never overlap: in screen space at a given zoom the overlap of two
 * labels does not depend on where the map is panned, so the placement is computed per zoom step.
 */

export interface LabelCandidate {
  key: string
  text: string
  position: [number, number]
  /** Font size in pixels. */
  size: number
  color: RGBA
  /** Higher is placed first. */
  priority: number
  /** Shown from this zoom on. */
  minZoom: number
  style: 'region' | 'place'
  /** Pixel offset of the label's centre from its position. */
  offset: [number, number]
  /** Other offsets to try, in order, when the first one collides (a station name above or beside it). */
  alternatives?: [number, number][]
}

/**
 * Local system fonts only. Latin fonts come first: the font atlas (TinySDF) measures a glyph from its
 * origin rightwards, so a Latin glyph whose ink starts left of the origin (the J of WenQuanYi Micro
 * Hei, say) loses its stem. Chinese characters fall through to the first CJK font present.
 */
export const labelFontFamily =
  'DejaVu Sans, Liberation Sans, Arial, Helvetica, Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif'

type LayerData = { [K in LayerId]?: LayerCollection<K> }

type AreaGeometry = Polygon | MultiPolygon

const isArea = (g: Geometry | null): g is AreaGeometry => g?.type === 'Polygon' || g?.type === 'MultiPolygon'
const isLine = (g: Geometry | null): g is LineString | MultiLineString =>
  g?.type === 'LineString' || g?.type === 'MultiLineString'

/** A point inside an area for its label: the centroid when it falls inside, else a point on the surface. */
function areaLabelPoint(feature: Feature<AreaGeometry>): [number, number] {
  const c = centroid(feature).geometry.coordinates as [number, number]
  if (booleanPointInPolygon(c, feature)) return c
  return pointOnFeature(feature).geometry.coordinates as [number, number]
}

/** The middle of the longest part of a line. */
function lineLabelPoint(feature: Feature<LineString | MultiLineString>): {
  at: [number, number]
  km: number
} {
  const parts: LineString[] =
    feature.geometry.type === 'LineString'
      ? [feature.geometry]
      : feature.geometry.coordinates.map((coordinates) => ({ type: 'LineString', coordinates }))
  let best: LineString | undefined
  let bestKm = 0
  for (const part of parts) {
    const km = length({ type: 'Feature', properties: {}, geometry: part })
    if (km > bestKm) {
      best = part
      bestKm = km
    }
  }
  if (!best) return { at: [0, 0], km: 0 }
  return { at: along(best, bestKm / 2).geometry.coordinates as [number, number], km: bestKm }
}

/** A lon/lat box: [minLon, minLat, maxLon, maxLat]. */
export type Region = [number, number, number, number]

/**
 * Where a province's name goes: the province's own land within `region` (the part of the map in
 * view), outside Huzhou's districts and the lakes, at the sample point nearest the middle of that land.
 */
function provinceLabelPoint(
  province: Feature<AreaGeometry>,
  avoid: readonly Feature<AreaGeometry>[],
  region: Region,
): [number, number] | undefined {
  const [minX, minY, maxX, maxY] = bbox(province)
  const x0 = Math.max(minX, region[0])
  const y0 = Math.max(minY, region[1])
  const x1 = Math.min(maxX, region[2])
  const y1 = Math.min(maxY, region[3])
  if (x0 >= x1 || y0 >= y1) return undefined
  // About 40 samples across the view, whatever the zoom.
  const step = Math.max((region[2] - region[0]) / 40, 0.0005)
  const inside: [number, number][] = []
  for (let x = x0 + step / 2; x < x1; x += step) {
    for (let y = y0 + step / 2; y < y1; y += step) {
      const p: [number, number] = [x, y]
      if (!booleanPointInPolygon(p, province)) continue
      if (avoid.some((a) => booleanPointInPolygon(p, a))) continue
      inside.push(p)
    }
  }
  // Too small a piece in view (a sliver at the edge of the view): no label.
  if (inside.length < 12) return undefined
  const mx = inside.reduce((s, p) => s + p[0], 0) / inside.length
  const my = inside.reduce((s, p) => s + p[1], 0) / inside.length
  let best = inside[0]
  let bestD = Number.POSITIVE_INFINITY
  for (const p of inside) {
    const d = (p[0] - mx) ** 2 + (p[1] - my) ** 2
    if (d < bestD) {
      best = p
      bestD = d
    }
  }
  return best
}

/** Province names placed on the provinces' land within the view (they follow the map as it moves). */
export function provinceLabelCandidates(
  data: LayerData,
  visible: ReadonlySet<LayerId>,
  region: Region,
  nameOf: (props: { name_zh?: string | null; name_en?: string | null }) => string,
): LabelCandidate[] {
  if (!visible.has('boundaries') || !data.boundaries) return []
  const areas = data.boundaries.features.filter((f): f is Feature<AreaGeometry, (typeof f)['properties']> =>
    isArea(f.geometry),
  )
  const avoid = [
    ...areas.filter((f) => f.properties.level === 'district'),
    ...(data.lakes?.features ?? []).filter((f): f is Feature<AreaGeometry, (typeof f)['properties']> =>
      isArea(f.geometry),
    ),
  ]
  const out: LabelCandidate[] = []
  for (const f of areas) {
    if (f.properties.level !== 'province') continue
    const at = provinceLabelPoint(f, avoid, region)
    const text = nameOf(f.properties)
    if (!at || !text) continue
    out.push({
      key: `province:${f.properties.id}`,
      text,
      position: at,
      size: 19,
      color: rgba('#6b7280'),
      priority: 1000,
      minZoom: 6,
      style: 'region',
      offset: [0, 0],
    })
  }
  return out
}

const water = rgba('#1f5f94')

/**
 * Every label the visible layers could show except the provinces' (provinceLabelCandidates), in the current language (`nameOf` picks name_zh or
 * name_en). District names and the main place names; small sites only when zoomed in.
 */
export function labelCandidates(
  data: LayerData,
  visible: ReadonlySet<LayerId>,
  nameOf: (props: { name_zh?: string | null; name_en?: string | null }) => string,
): LabelCandidate[] {
  const out: LabelCandidate[] = []
  const add = (candidate: Omit<LabelCandidate, 'offset'> & { offset?: [number, number] }) => {
    if (!candidate.text) return
    // A place's name on its middle may move a line up or down when something holds the middle
    // (a selected chief's name, a station).
    const line = candidate.size * 1.3 + 8
    const moves = candidate.style === 'place' && !candidate.offset && !candidate.alternatives
    const alternatives: [number, number][] | undefined = moves
      ? [
          [0, -line],
          [0, line],
        ]
      : candidate.alternatives
    out.push({ offset: [0, 0], ...candidate, alternatives })
  }

  const lakes = visible.has('lakes') ? (data.lakes?.features ?? []) : []
  if (visible.has('boundaries') && data.boundaries) {
    for (const f of data.boundaries.features) {
      if (f.properties.level !== 'district' || !isArea(f.geometry)) continue
      add({
        key: `district:${f.properties.id}`,
        text: nameOf(f.properties),
        position: areaLabelPoint(f as Feature<AreaGeometry>),
        size: 16,
        color: rgba('#1f2937'),
        priority: 900,
        minZoom: 6.5,
        style: 'region',
      })
    }
  }

  if (visible.has('stations') && data.stations) {
    for (const f of data.stations.features) {
      if (f.geometry?.type !== 'Point') continue
      const cross = f.properties.cross_border
      add({
        key: `station:${f.properties.id}`,
        text: nameOf(f.properties),
        position: f.geometry.coordinates as [number, number],
        size: 13,
        color: rgba(cross ? '#a8163a' : '#1e3a8a'),
        priority: cross ? 820 : 800,
        minZoom: 8.5,
        style: 'place',
        offset: [0, cross ? 30 : 25],
        alternatives: [[0, cross ? -30 : -25]],
      })
    }
  }

  for (const f of lakes) {
    if (!isArea(f.geometry)) continue
    const km2 = area(f) / 1e6
    add({
      key: `lake:${f.properties.id}`,
      text: nameOf(f.properties),
      position: areaLabelPoint(f as Feature<AreaGeometry>),
      size: km2 > 500 ? 18 : 12.5,
      color: water,
      priority: km2 > 500 ? 950 : 600 + Math.min(99, km2),
      minZoom: km2 > 500 ? 6 : km2 > 20 ? 8.5 : 10,
      style: km2 > 500 ? 'region' : 'place',
    })
  }

  if (visible.has('reservoirs')) {
    for (const f of data.reservoirs?.features ?? []) {
      if (!isArea(f.geometry)) continue
      add({
        key: `reservoir:${f.properties.id}`,
        text: nameOf(f.properties),
        position: areaLabelPoint(f as Feature<AreaGeometry>),
        size: 12,
        color: water,
        priority: 700,
        minZoom: 9.5,
        style: 'place',
        offset: [0, 14],
      })
    }
  }

  if (visible.has('rivers')) {
    for (const f of data.rivers?.features ?? []) {
      if (!isLine(f.geometry)) continue
      const { at, km } = lineLabelPoint(f as Feature<LineString | MultiLineString>)
      if (km < 5) continue
      add({
        key: `river:${f.properties.id}`,
        text: nameOf(f.properties),
        position: at,
        size: 12,
        color: water,
        priority: 500 + Math.min(99, km),
        minZoom: km > 40 ? 8.5 : 10,
        style: 'place',
      })
    }
  }

  const siteLayers = [
    ['scenic', 400, 10],
    ['water_sources', 300, 11],
    ['mines', 250, 11.5],
    ['forests', 200, 11.5],
    ['markets', 200, 12],
    ['projects', 150, 12],
  ] as const
  for (const [id, priority, minZoom] of siteLayers) {
    if (!visible.has(id)) continue
    const color = rgba(layerDefinition(id).stroke)
    for (const f of data[id]?.features ?? []) {
      const g = f.geometry
      const position = isArea(g)
        ? areaLabelPoint(f as Feature<AreaGeometry>)
        : g?.type === 'Point'
          ? (g.coordinates as [number, number])
          : undefined
      if (!position) continue
      add({
        key: `${id}:${f.properties.id}`,
        text: nameOf(f.properties),
        position,
        size: 11.5,
        color,
        priority,
        minZoom,
        style: 'place',
        offset: g?.type === 'Point' ? [0, 14] : [0, 0],
      })
    }
  }
  return out
}

/** The width of a label in pixels, near enough for placing: CJK glyphs are square, Latin narrower. */
export function textWidth(text: string, size: number): number {
  let width = 0
  for (const char of text) width += (char.codePointAt(0) ?? 0) >= 0x2e80 ? size : size * 0.64
  return width
}

const TILE = 512

/** Web-Mercator world pixels at `zoom` (MapLibre's 512-pixel tiles). */
function project([lon, lat]: [number, number], zoom: number): [number, number] {
  const scale = TILE * 2 ** zoom
  const sin = Math.sin((Math.max(-85, Math.min(85, lat)) * Math.PI) / 180)
  return [((lon + 180) / 360) * scale, (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * scale]
}

/** Left, top, right, bottom, in pixels. */
export type Box = [number, number, number, number]

/**
 * Something drawn that labels must keep clear of (a station badge, a chief's dot and name): its
 * position and its box in pixels around that position.
 */
export interface LabelObstacle {
  position: [number, number]
  box: Box
}

/**
 * The labels shown at `zoom`: by priority, each only if its box (with a margin) overlaps neither the
 * obstacles nor a label placed before.
 */
export function placeLabels(
  candidates: readonly LabelCandidate[],
  zoom: number,
  obstacles: readonly LabelObstacle[] = [],
): LabelCandidate[] {
  const cell = 128
  const grid = new Map<string, Box[]>()
  const cellsOf = (box: Box) => {
    const cells: string[] = []
    for (let gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx++) {
      for (let gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy++)
        cells.push(`${gx}:${gy}`)
    }
    return cells
  }
  const occupy = (box: Box, cells: readonly string[]) => {
    for (const key of cells) {
      const list = grid.get(key)
      if (list) list.push(box)
      else grid.set(key, [box])
    }
  }
  for (const o of obstacles) {
    const [x, y] = project(o.position, zoom)
    const box: Box = [x + o.box[0], y + o.box[1], x + o.box[2], y + o.box[3]]
    occupy(box, cellsOf(box))
  }
  const placed: LabelCandidate[] = []
  const margin = 4
  const sorted = candidates.filter((c) => zoom >= c.minZoom).sort((a, b) => b.priority - a.priority)
  for (const c of sorted) {
    const [x, y] = project(c.position, zoom)
    const w = textWidth(c.text, c.size) / 2 + margin
    const h = (c.size * 1.3) / 2 + margin
    for (const offset of [c.offset, ...(c.alternatives ?? [])]) {
      const box: Box = [x + offset[0] - w, y + offset[1] - h, x + offset[0] + w, y + offset[1] + h]
      const cells = cellsOf(box)
      const hit = cells.some((key) =>
        (grid.get(key) ?? []).some((o) => box[0] < o[2] && box[2] > o[0] && box[1] < o[3] && box[3] > o[1]),
      )
      if (hit) continue
      occupy(box, cells)
      placed.push(offset === c.offset ? c : { ...c, offset })
      break
    }
  }
  return placed
}

/**
 * Station badges (and cross-border rings) as obstacles, when stations are shown. The radii leave out
 * the labels' own margin, so a station's name can sit right under its badge.
 */
export function stationObstacles(data: LayerData, visible: ReadonlySet<LayerId>): LabelObstacle[] {
  if (!visible.has('stations')) return []
  return (data.stations?.features ?? []).flatMap((f) => {
    if (f.geometry?.type !== 'Point') return []
    const radius = f.properties.cross_border ? 14 : 9
    return [{ position: f.geometry.coordinates as [number, number], box: [-radius, -radius, radius, radius] }]
  })
}

const fontSettings = { sdf: true, fontSize: 48, buffer: 8, radius: 12, cutoff: 0.25 }

/** The placed labels as two TextLayers: regions (bold, larger) and places. */
export function createLabelsLayers(placed: readonly LabelCandidate[]): Layer[] {
  return (['region', 'place'] as const).map(
    (style) =>
      new TextLayer<LabelCandidate>({
        id: `labels-${style}`,
        data: placed.filter((c) => c.style === style),
        characterSet: 'auto',
        fontFamily: labelFontFamily,
        fontWeight: style === 'region' ? 700 : 600,
        fontSettings,
        outlineWidth: 5,
        outlineColor: [255, 255, 255, 235],
        sizeUnits: 'pixels',
        getText: (c) => c.text,
        getPosition: (c) => c.position,
        getSize: (c) => c.size,
        getColor: (c) => c.color,
        getPixelOffset: (c) => c.offset,
        getTextAnchor: 'middle',
        getAlignmentBaseline: 'center',
        pickable: false,
        parameters: { depthCompare: 'always' },
      }),
  )
}
