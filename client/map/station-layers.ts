import type { Layer } from '@deck.gl/core'
import { GeoJsonLayer, PathLayer, ScatterplotLayer } from '@deck.gl/layers'
import type { Feature, Geometry } from 'geojson'
import type { StationView } from '../analysis-api.ts'
import type { RGBA } from './catalog.ts'

type SideIncident = StationView['incidents'][number]
type SidePatrol = StationView['patrols'][number]

/** deck.gl layer ids of the station mode. */
export const stationLayerIds = [
  'station-band',
  'station-area',
  'station-patrols',
  'station-incidents',
] as const

/** Each side of the line in its own colour (the panel's legend uses the same). */
const provinceColors: Record<number, RGBA> = {
  330000: [29, 78, 216, 255], // Zhejiang: blue
  320000: [217, 119, 6, 255], // Jiangsu: amber
  340000: [124, 58, 237, 255], // Anhui: violet
  310000: [13, 148, 136, 255], // Shanghai: teal
}
const outsideColor: RGBA = [100, 116, 139, 255]

export const provinceColor = (code: number | null): RGBA =>
  (code === null ? undefined : provinceColors[code]) ?? outsideColor

const bandColor: RGBA = [220, 38, 38, 255]
const withAlpha = ([r, g, b]: RGBA, a: number): RGBA => [r, g, b, a]

/**
 * The station's view on the map: the boundary band (a red wash along the province line), the
 * jurisdiction's outline, patrols and incidents coloured by the province they lie in.
 */
export function createStationLayers(view: StationView): Layer[] {
  const area: Feature<Geometry>[] = [
    { type: 'Feature', geometry: view.station.jurisdiction as Geometry, properties: {} },
  ]
  const band: Feature<Geometry>[] = view.band
    ? [{ type: 'Feature', geometry: view.band as Geometry, properties: {} }]
    : []
  return [
    new GeoJsonLayer({
      id: 'station-band',
      data: band,
      pickable: false,
      filled: true,
      stroked: true,
      getFillColor: withAlpha(bandColor, 40),
      getLineColor: withAlpha(bandColor, 140),
      lineWidthUnits: 'pixels',
      getLineWidth: 1,
    }),
    new GeoJsonLayer({
      id: 'station-area',
      data: area,
      pickable: false,
      filled: false,
      stroked: true,
      getLineColor: [15, 23, 42, 230],
      lineWidthUnits: 'pixels',
      getLineWidth: 2.5,
    }),
    new PathLayer<SidePatrol>({
      id: 'station-patrols',
      data: view.patrols,
      pickable: false,
      getPath: (p) => p.path as [number, number][],
      getColor: (p) => withAlpha(provinceColor(p.province_code), 150),
      widthUnits: 'pixels',
      getWidth: 2,
      jointRounded: true,
      capRounded: true,
    }),
    new ScatterplotLayer<SideIncident>({
      id: 'station-incidents',
      data: view.incidents,
      pickable: false,
      getPosition: (i) => [i.lon, i.lat],
      getFillColor: (i) => provinceColor(i.province_code),
      getLineColor: [255, 255, 255, 255],
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: 5,
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
    }),
  ]
}
