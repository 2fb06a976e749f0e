/**
 * The first batch of 15 co-governance stations (生态警务联动共治工作站): where they are, which agencies
 * sit in them, and the area each watches. Cross-border stations reach into Jiangsu or Anhui.
 */
import {
  bbox as bboxOf,
  booleanValid,
  difference,
  intersect,
  pointToPolygonDistance,
  union,
} from '@turf/turf'
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson'
import type { Geography } from './geography.ts'
import { chaikin, dedupe, type LonLat, ringArea, roundPoint, starRing } from './geometry.ts'
import { clipToBox } from './place-kit.ts'
import type { PlaceSet } from './places.ts'
import type { Rng } from './random.ts'
import { ANJI, CHANGXING, DEQING, NANXUN, WUXING } from './towns.ts'
import type { DemoStation } from './types.ts'

type Reach = 'huzhou' | 'taihu' | 'jiangsu' | 'anhui' | 'jiangsu+anhui'

interface StationDef {
  id: string
  name_zh: string
  name_en: string
  code: number
  /** A position, or the id of the place it sits by. */
  at: LonLat | string
  km: number
  reach: Reach
  agencies: string[]
  duty_hours?: string
}

const stationDefs: StationDef[] = [
  {
    id: 'station-fushi',
    name_zh: '赋石水库生态警务联动共治工作站',
    name_en: 'Fushi Reservoir Co-governance Station',
    code: ANJI,
    at: 'reservoir-fushi',
    km: 4.5,
    reach: 'huzhou',
    agencies: ['police', 'water', 'law_enforcement'],
  },
  {
    id: 'station-qiaoxi',
    name_zh: '织里侨委跨省生态警务联动共治工作站',
    name_en: 'Qiaoxi (Qiaowei) Cross-province Co-governance Station, Zhili',
    code: WUXING,
    at: [120.31, 30.905],
    km: 8.5,
    reach: 'jiangsu',
    agencies: ['police', 'environment', 'water', 'law_enforcement'],
  },
  {
    id: 'station-hongfeng',
    name_zh: '红丰市场生态警务工作站',
    name_en: 'Hongfeng Market Co-governance Station',
    code: WUXING,
    at: 'market-hongfeng',
    km: 1.6,
    reach: 'huzhou',
    agencies: ['police', 'market_regulation', 'law_enforcement'],
    duty_hours: '05:00-19:00',
  },
  {
    id: 'station-huanghu',
    name_zh: '南太湖黄湖生态警务联动共治工作站',
    name_en: 'Huanghu Co-governance Station, Nantaihu',
    code: WUXING,
    at: [120.12, 30.918],
    km: 6,
    reach: 'taihu',
    agencies: ['police', 'water', 'agriculture', 'law_enforcement'],
  },
  {
    id: 'station-mogan',
    name_zh: '莫干山生态警务联动共治工作站',
    name_en: 'Moganshan Co-governance Station',
    code: DEQING,
    at: [119.885, 30.595],
    km: 6,
    reach: 'huzhou',
    agencies: ['police', 'forestry', 'culture_tourism', 'law_enforcement'],
  },
  {
    id: 'station-sian',
    name_zh: '泗安浙皖跨省生态警务工作站',
    name_en: 'Si\u2019an Zhejiang\u2013Anhui Cross-border Station',
    code: CHANGXING,
    at: [119.615, 30.9],
    km: 6,
    reach: 'anhui',
    agencies: ['police', 'forestry', 'environment', 'natural_resources'],
  },
  {
    id: 'station-meishan',
    name_zh: '煤山三省交界生态警务工作站',
    name_en: 'Meishan Tri-province Border Station',
    code: CHANGXING,
    at: [119.68, 31.11],
    km: 6,
    reach: 'jiangsu+anhui',
    agencies: ['police', 'natural_resources', 'environment', 'forestry'],
  },
  {
    id: 'station-tianhuangping',
    name_zh: '天荒坪生态警务联动共治工作站',
    name_en: 'Tianhuangping Co-governance Station',
    code: ANJI,
    at: [119.615, 30.495],
    km: 6,
    reach: 'huzhou',
    agencies: ['police', 'forestry', 'culture_tourism'],
  },
  {
    id: 'station-laoshikan',
    name_zh: '老石坎水库生态警务工作站',
    name_en: 'Laoshikan Reservoir Station',
    code: ANJI,
    at: 'reservoir-laoshikan',
    km: 4,
    reach: 'huzhou',
    agencies: ['police', 'water', 'forestry'],
  },
  {
    id: 'station-xiazhuhu',
    name_zh: '下渚湖湿地生态警务工作站',
    name_en: 'Xiazhu Lake Wetland Station',
    code: DEQING,
    at: 'scenic-xiazhuhu',
    km: 4.5,
    reach: 'huzhou',
    agencies: ['police', 'forestry', 'environment', 'culture_tourism'],
  },
  {
    id: 'station-nanxun',
    name_zh: '南浔古镇运河生态警务工作站',
    name_en: 'Nanxun Old Town Canal Station',
    code: NANXUN,
    at: [120.428, 30.872],
    km: 4.5,
    reach: 'huzhou',
    agencies: ['police', 'water', 'culture_tourism', 'law_enforcement'],
    duty_hours: '08:00-22:00',
  },
  {
    id: 'station-jiapu',
    name_zh: '夹浦太湖禁渔生态警务工作站',
    name_en: 'Jiapu Taihu Fishing-ban Station',
    code: CHANGXING,
    at: [119.945, 31.095],
    km: 5.5,
    reach: 'taihu',
    agencies: ['police', 'agriculture', 'water'],
  },
  {
    id: 'station-laohutan',
    name_zh: '老虎潭水库生态警务工作站',
    name_en: 'Laohutan Reservoir Station',
    code: WUXING,
    at: 'reservoir-laohutan',
    km: 4,
    reach: 'huzhou',
    agencies: ['police', 'water', 'environment'],
  },
  {
    id: 'station-lijiaxiang',
    name_zh: '李家巷矿区生态警务工作站',
    name_en: 'Lijiaxiang Mining Area Station',
    code: CHANGXING,
    at: [119.875, 30.955],
    km: 6,
    reach: 'huzhou',
    agencies: ['police', 'natural_resources', 'environment'],
  },
  {
    id: 'station-lianshi',
    name_zh: '练市水乡生态警务工作站',
    name_en: 'Lianshi Water Town Station',
    code: NANXUN,
    at: [120.35, 30.72],
    km: 5,
    reach: 'huzhou',
    agencies: ['police', 'environment', 'water'],
    duty_hours: '08:00-20:00',
  },
]

export interface StationInfo {
  station: DemoStation
  /** The jurisdiction's polygons, for point-in-polygon tests. */
  feature: Feature<MultiPolygon>
}

function placeCentre(places: PlaceSet, id: string): LonLat {
  const place = places.byId.get(id)
  if (!place) throw new Error(`station site ${id} is not a place`)
  const g = place.geometry
  if (g.type === 'Point') return g.coordinates as LonLat
  const ring = (
    g.type === 'Polygon' ? g.coordinates[0] : g.type === 'MultiPolygon' ? g.coordinates[0][0] : g.coordinates
  ) as LonLat[]
  let x = 0
  let y = 0
  for (const p of ring) {
    x += p[0]
    y += p[1]
  }
  return [x / ring.length, y / ring.length]
}

/** Rounded to 6 decimals, without the slivers and pinholes that clipping along shared borders leaves. */
const toMulti = (f: Feature<Polygon | MultiPolygon>): MultiPolygon => ({
  type: 'MultiPolygon',
  coordinates: (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates)
    .map((poly) =>
      poly
        .map((ring) => dedupe(ring.map((p) => roundPoint(p as LonLat))) as Position[])
        .filter((ring, k) => ring.length >= 4 && (k === 0 || Math.abs(ringArea(ring as LonLat[])) > 20000)),
    )
    .filter((poly) => poly.length > 0 && Math.abs(ringArea(poly[0] as LonLat[])) > 20000),
})

export function generateStations(geo: Geography, places: PlaceSet, rng: Rng): StationInfo[] {
  const province = (name: string) => {
    const f = geo.base.provinces.features.find((p) => p.properties.name_en === name)
    if (!f) throw new Error(`no province ${name}`)
    return f
  }
  const huzhou = geo.base.huzhou.features[0]
  if (!huzhou) throw new Error('data/base/huzhou.geojson is empty')
  const provincesOf: Record<Reach, string[]> = {
    huzhou: ['Zhejiang'],
    taihu: ['Zhejiang'],
    jiangsu: ['Zhejiang', 'Jiangsu'],
    anhui: ['Zhejiang', 'Anhui'],
    'jiangsu+anhui': ['Zhejiang', 'Jiangsu', 'Anhui'],
  }
  const piece = (area: Feature<Polygon>, f: Feature<Polygon | MultiPolygon>) => {
    const near = clipToBox(f, bboxOf(area))
    return near ? intersect({ type: 'FeatureCollection', features: [area, near] }) : null
  }
  /**
   * The station's area on the ground it covers: Huzhou; Huzhou and its Taihu waters; or, for a
   * cross-border station, the whole area (over the province line) less the lake.
   */
  const clip = (area: Feature<Polygon>, reach: Reach): Feature<Polygon | MultiPolygon> | null => {
    if (provincesOf[reach].length > 1) {
      const lake = clipToBox(geo.taihu.feature, bboxOf(area))
      return lake ? difference({ type: 'FeatureCollection', features: [area, lake] }) : area
    }
    const land = piece(area, huzhou)
    if (reach !== 'taihu') return land
    const water = piece(area, geo.taihu.feature)
    if (!land || !water) return land ?? water
    return union({ type: 'FeatureCollection', features: [land, water] })
  }
  return stationDefs.map((def) => {
    const wanted = typeof def.at === 'string' ? placeCentre(places, def.at) : def.at
    const location = geo.snapToLand(wanted, def.code)
    if (!location) throw new Error(`station ${def.id} has no land nearby`)
    const r = rng.fork(def.id)
    // A cross-border station's area reaches at least 3 km over each neighbouring province's line.
    let km = def.km
    for (const name of provincesOf[def.reach].filter((p) => p !== 'Zhejiang')) {
      const beyond = pointToPolygonDistance(location, province(name), { units: 'kilometers' })
      km = Math.max(km, (beyond + 3) / 0.8)
    }
    const radii = Array.from(
      { length: 20 },
      (_, k) => km * 1000 * (0.85 + 0.15 * Math.sin(k * 1.3 + r.float(0, 6)) + r.float(-0.06, 0.06)),
    )
    const area: Feature<Polygon> = {
      type: 'Feature',
      properties: {},
      geometry: { type: 'Polygon', coordinates: [chaikin(starRing(location, radii), 2, true)] },
    }
    let jurisdiction = toMulti(clip(area, def.reach) ?? area)
    let feature: Feature<MultiPolygon> = { type: 'Feature', properties: {}, geometry: jurisdiction }
    if (!booleanValid(feature)) {
      // Should clipping along the outlines leave something invalid, fall back to the station's district.
      const district = geo.districtByCode.get(def.code)
      const own = district && piece(area, district.feature)
      if (!own) throw new Error(`station ${def.id} has no valid jurisdiction`)
      jurisdiction = toMulti(own)
      feature = { type: 'Feature', properties: {}, geometry: jurisdiction }
      if (!booleanValid(feature)) throw new Error(`station ${def.id} has no valid jurisdiction`)
    }
    const provinces = provincesOf[def.reach]
    return {
      station: {
        id: def.id,
        name_zh: def.name_zh,
        name_en: def.name_en,
        district_code: def.code,
        agencies: def.agencies,
        duty_hours: def.duty_hours ?? '24h',
        cross_border: provinces.length > 1,
        provinces,
        location: roundPoint(location),
        jurisdiction,
      },
      feature,
    }
  })
}
