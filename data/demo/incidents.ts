/**
 * A year of incidents up to `end`, placed where each kind happens (fishing on Taihu and the rivers,
 * bird traps in the forests and by the reservoirs, dumping by the roads, …), with seasons, times of
 * day, a few genuinely dense hotspots, cases across the Jiangsu and Anhui lines, and the audit trail
 * of each: reported → dispatched → on_scene → resolved → closed (or cancelled).
 */
import { booleanPointInPolygon } from '@turf/turf'
import type { ChiefSet } from './chiefs.ts'
import type { Geography } from './geography.ts'
import { cumulative, type LonLat, offset, pointAlong, roundPoint } from './geometry.ts'
import { PlaceIndex } from './place-index.ts'
import { nearestDistrict, randomPointInRing } from './place-kit.ts'
import type { PlaceSet } from './places.ts'
import type { Rng } from './random.ts'
import type { StationInfo } from './stations.ts'
import type {
  DemoChief,
  DemoIncident,
  DemoIncidentEvent,
  DemoPlace,
  IncidentCategory,
  IncidentSource,
  IncidentStatus,
  PlaceKind,
} from './types.ts'

export const DAY = 86400
/** China Standard Time, UTC+8, for times of day and calendar days. */
const LOCAL = 8 * 3600

type Where = PlaceKind | 'taihu'
/** How a point is put on a place: on it, in it, by its edge or shore, or near it (metres). */
type Mode = 'on' | 'in' | 'shore' | 'near'

interface CategoryDef {
  share: number
  months: number[]
  hours: number[]
  weekend: number
  where: [Where, number, Mode][]
  sources: [IncidentSource, number][]
  severity: [number, number, number]
  /** Median minutes from arrival to resolution. */
  resolveMinutes: number
  text: [string, string][]
  resolved: string
}

const h = (night: number, morning: number, day: number, evening: number) =>
  Array.from({ length: 24 }, (_, hour) =>
    hour < 5 ? night : hour < 9 ? morning : hour < 17 ? day : hour < 21 ? evening : night,
  )

const categories: Record<IncidentCategory, CategoryDef> = {
  illegal_fishing: {
    share: 0.16,
    months: [0.6, 0.7, 1.2, 1.6, 1.6, 1.4, 1.0, 0.9, 1.0, 0.9, 0.7, 0.6],
    hours: h(1.6, 1.3, 0.5, 1.2),
    weekend: 1.1,
    where: [
      ['taihu', 5, 'in'],
      ['river', 3, 'on'],
      ['reservoir', 1.5, 'in'],
      ['lake', 1.2, 'in'],
    ],
    sources: [
      ['video', 0.25],
      ['drone', 0.22],
      ['patrol', 0.28],
      ['hotline', 0.15],
      ['app', 0.1],
    ],
    severity: [0.45, 0.4, 0.15],
    resolveMinutes: 12,
    text: [
      ['禁渔区内发现电鱼行为', 'electro-fishing in the fishing-ban zone'],
      ['发现地笼网违规捕捞', 'illegal cage nets set'],
      ['夜间偷捕，疑似使用拖网', 'night poaching of fish, trawl net suspected'],
      ['垂钓者使用多线多钩', 'angler using banned multi-hook lines'],
    ],
    resolved: '已收缴渔具并教育劝离 gear seized, offenders warned',
  },
  poaching: {
    share: 0.09,
    months: [1.3, 1.1, 0.9, 0.7, 0.5, 0.4, 0.4, 0.5, 0.9, 1.5, 1.8, 1.6],
    hours: h(0.6, 1.6, 1.0, 1.1),
    weekend: 1.0,
    where: [
      ['forest', 5, 'in'],
      ['reservoir', 2.5, 'shore'],
      ['scenic', 1, 'in'],
      ['water_source', 1, 'in'],
    ],
    sources: [
      ['app', 0.35],
      ['patrol', 0.3],
      ['video', 0.1],
      ['drone', 0.1],
      ['hotline', 0.15],
    ],
    severity: [0.35, 0.45, 0.2],
    resolveMinutes: 10,
    text: [
      ['发现捕鸟网', 'mist nets for birds found'],
      ['发现疑似捕兽夹', 'suspected animal traps found'],
      ['山林中有人持弓弩狩猎', 'hunting with a crossbow in the forest'],
      ['发现鸟类诱捕装置（鸣叫器）', 'bird-luring sound device found'],
    ],
    resolved: '已拆除网具、放生鸟类 nets removed, birds released',
  },
  wildlife_trade: {
    share: 0.05,
    months: [1.6, 1.5, 0.9, 0.7, 0.6, 0.6, 0.6, 0.7, 0.9, 1.1, 1.3, 1.6],
    hours: h(0.2, 0.6, 1.2, 1.5),
    weekend: 1.2,
    where: [
      ['market', 4, 'near'],
      ['scenic', 1.5, 'in'],
      ['road', 1, 'near'],
    ],
    sources: [
      ['hotline', 0.35],
      ['app', 0.25],
      ['patrol', 0.3],
      ['video', 0.1],
    ],
    severity: [0.3, 0.45, 0.25],
    resolveMinutes: 25,
    text: [
      ['饭店疑似出售野生动物', 'restaurant suspected of selling wild animals'],
      ['市场摊位出售野生鸟类', 'wild birds sold at a market stall'],
      ['车辆疑似运输野生动物', 'vehicle suspected of carrying wildlife'],
    ],
    resolved: '已查扣并移交森林公安 seized and handed to forest police',
  },
  dumping: {
    share: 0.17,
    months: [1.2, 1.3, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.0, 1.1],
    hours: h(1.6, 0.8, 0.8, 1.0),
    weekend: 1.0,
    where: [
      ['road', 5, 'near'],
      ['project', 2, 'near'],
      ['river', 1.5, 'near'],
      ['mine', 0.8, 'near'],
    ],
    sources: [
      ['video', 0.3],
      ['patrol', 0.25],
      ['hotline', 0.2],
      ['app', 0.15],
      ['drone', 0.1],
    ],
    severity: [0.5, 0.38, 0.12],
    resolveMinutes: 20,
    text: [
      ['道路旁发现非法倾倒建筑垃圾', 'construction waste dumped by the road'],
      ['河岸堆放生活垃圾', 'household rubbish piled on the river bank'],
      ['发现倾倒布料边角料', 'textile offcuts dumped'],
      ['夜间渣土车偷倒', 'muck truck dumping at night'],
    ],
    resolved: '已清运并立案调查 cleared, case opened',
  },
  pollution: {
    share: 0.15,
    months: [0.8, 0.8, 0.9, 1.0, 1.2, 1.4, 1.3, 1.2, 1.0, 0.9, 0.8, 0.8],
    hours: h(1.5, 1.0, 0.8, 0.9),
    weekend: 0.9,
    where: [
      ['river', 5, 'on'],
      ['market', 1, 'near'],
      ['lake', 1, 'in'],
      ['mine', 0.8, 'near'],
      ['water_source', 0.6, 'in'],
    ],
    sources: [
      ['video', 0.25],
      ['drone', 0.2],
      ['hotline', 0.25],
      ['patrol', 0.2],
      ['app', 0.1],
    ],
    severity: [0.3, 0.45, 0.25],
    resolveMinutes: 40,
    text: [
      ['河道水体异常变色', 'discoloured water in the river'],
      ['排污口疑似偷排废水', 'suspected illegal discharge at an outfall'],
      ['发现废油（甲酯类）倾倒', 'waste (methyl-ester) oil dumped'],
      ['水面大面积油污', 'oil film on the water'],
    ],
    resolved: '已封堵排口并取样送检 outfall sealed, samples taken',
  },
  illegal_mining: {
    share: 0.06,
    months: [1.1, 1.0, 1.0, 1.1, 1.0, 0.8, 0.8, 0.9, 1.0, 1.2, 1.2, 1.1],
    hours: h(1.7, 0.8, 0.8, 1.0),
    weekend: 1.0,
    where: [
      ['mine', 5, 'near'],
      ['river', 1.5, 'on'],
    ],
    sources: [
      ['drone', 0.3],
      ['patrol', 0.3],
      ['hotline', 0.25],
      ['video', 0.15],
    ],
    severity: [0.25, 0.45, 0.3],
    resolveMinutes: 30,
    text: [
      ['夜间非法开采石料', 'illegal quarrying at night'],
      ['河道非法采砂', 'illegal sand dredging in the river'],
      ['关停矿区内有机械作业', 'machines working in a closed mine'],
    ],
    resolved: '已扣押设备并移交自然资源部门 equipment seized, handed to natural resources',
  },
  illegal_logging: {
    share: 0.09,
    months: [1.2, 1.3, 1.6, 1.6, 0.8, 0.5, 0.5, 0.6, 0.8, 1.2, 1.4, 1.3],
    hours: h(0.3, 0.9, 1.5, 0.8),
    weekend: 1.3,
    where: [
      ['forest', 6, 'in'],
      ['scenic', 1.5, 'in'],
    ],
    sources: [
      ['patrol', 0.35],
      ['drone', 0.25],
      ['video', 0.2],
      ['app', 0.1],
      ['hotline', 0.1],
    ],
    severity: [0.35, 0.4, 0.25],
    resolveMinutes: 18,
    text: [
      ['发现盗伐林木', 'illegal tree felling'],
      ['林区违规野外用火（烧烤）', 'open fire (barbecue) in the forest'],
      ['祭扫用火引发火情隐患', 'fire risk from grave-sweeping fires'],
      ['毛竹被盗挖', 'bamboo illegally cut'],
    ],
    resolved: '已扑灭火源、登记违法人员 fire put out, offenders recorded',
  },
  unsafe_camping: {
    share: 0.09,
    months: [0.3, 0.4, 0.7, 1.1, 1.5, 1.4, 2.0, 2.0, 1.1, 1.5, 0.7, 0.4],
    hours: h(0.5, 0.3, 0.9, 2.2),
    weekend: 2.5,
    where: [
      ['reservoir', 3, 'shore'],
      ['scenic', 3, 'in'],
      ['river', 1.5, 'near'],
      ['water_source', 1, 'in'],
    ],
    sources: [
      ['drone', 0.3],
      ['video', 0.25],
      ['patrol', 0.25],
      ['app', 0.15],
      ['hotline', 0.05],
    ],
    severity: [0.6, 0.32, 0.08],
    resolveMinutes: 8,
    text: [
      ['水源保护区内露营烧烤', 'camping and barbecue in the water-source protection area'],
      ['河滩露营，上游有泄洪风险', 'camping on a river bar with flood release upstream'],
      ['露营者遗留垃圾', 'litter left by campers'],
    ],
    resolved: '已劝离并清理 campers moved on, site cleaned',
  },
  drowning_risk: {
    share: 0.06,
    months: [0.05, 0.05, 0.2, 0.5, 1.2, 2.5, 3.5, 3.2, 1.0, 0.3, 0.1, 0.05],
    hours: h(0.1, 0.3, 1.6, 1.3),
    weekend: 1.8,
    where: [
      ['reservoir', 3, 'in'],
      ['river', 2.5, 'on'],
      ['scenic', 1, 'in'],
      ['lake', 1, 'in'],
    ],
    sources: [
      ['drone', 0.4],
      ['video', 0.3],
      ['patrol', 0.15],
      ['hotline', 0.1],
      ['app', 0.05],
    ],
    severity: [0.2, 0.4, 0.4],
    resolveMinutes: 5,
    text: [
      ['有人在危险水域游泳', 'people swimming in dangerous water'],
      ['未成年人在水边嬉水', 'children playing at the water\u2019s edge'],
      ['无人机喊话劝离野泳人员', 'drone loudspeaker warning to wild swimmers'],
    ],
    resolved: '已劝离上岸 swimmers brought ashore',
  },
  food_safety: {
    share: 0.08,
    months: [1.5, 1.3, 0.9, 0.9, 1.0, 1.2, 1.3, 1.2, 1.0, 1.0, 0.9, 1.1],
    hours: h(0.2, 2.2, 1.0, 0.4),
    weekend: 1.1,
    where: [['market', 1, 'near']],
    sources: [
      ['patrol', 0.45],
      ['hotline', 0.35],
      ['app', 0.15],
      ['video', 0.05],
    ],
    severity: [0.5, 0.38, 0.12],
    resolveMinutes: 15,
    text: [
      ['摊位销售过期食品', 'expired food on sale'],
      ['水产品疑似违规添加', 'aquatic products with suspected banned additives'],
      ['肉品无检疫证明', 'meat without inspection certificate'],
    ],
    resolved: '已下架并移交市场监管 goods withdrawn, handed to market regulation',
  },
}

const nonUrgent: IncidentCategory[] = [
  'dumping',
  'food_safety',
  'wildlife_trade',
  'illegal_mining',
  'pollution',
]

/** The share of cases that stay open for days after the first visit. */
const longCase: Record<IncidentCategory, number> = {
  illegal_fishing: 0.01,
  poaching: 0.02,
  wildlife_trade: 0.06,
  dumping: 0.05,
  pollution: 0.1,
  illegal_mining: 0.08,
  illegal_logging: 0.04,
  unsafe_camping: 0.005,
  drowning_risk: 0,
  food_safety: 0.05,
}

interface Hotspot {
  id: string
  /** A place to centre on, or a position. */
  at: string | LonLat
  categories: IncidentCategory[]
  count: number
  sd: number
  water?: boolean
  crossBorder?: boolean
}

const hotspots: Hotspot[] = [
  {
    id: 'taihu-xiaomeikou',
    at: [120.075, 30.985],
    categories: ['illegal_fishing'],
    count: 850,
    sd: 700,
    water: true,
  },
  {
    id: 'taihu-jiapu',
    at: [119.975, 31.105],
    categories: ['illegal_fishing'],
    count: 420,
    sd: 550,
    water: true,
  },
  {
    id: 'fushi',
    at: 'reservoir-fushi',
    categories: ['unsafe_camping', 'poaching', 'drowning_risk'],
    count: 480,
    sd: 700,
  },
  {
    id: 'meishan-quarries',
    at: [119.72, 31.06],
    categories: ['illegal_mining', 'dumping'],
    count: 420,
    sd: 1000,
  },
  { id: 'zhili', at: [120.255, 30.85], categories: ['dumping', 'pollution'], count: 700, sd: 900 },
  {
    id: 'moganshan',
    at: 'scenic-moganshan',
    categories: ['unsafe_camping', 'illegal_logging', 'drowning_risk'],
    count: 420,
    sd: 900,
  },
  {
    id: 'hongfeng',
    at: 'market-hongfeng',
    categories: ['food_safety', 'wildlife_trade'],
    count: 330,
    sd: 120,
  },
  {
    id: 'bamboo-sea',
    at: 'scenic-anji-bamboo-sea',
    categories: ['poaching', 'illegal_logging'],
    count: 330,
    sd: 900,
  },
  {
    id: 'qiaoxi-border',
    at: 'station-qiaoxi',
    categories: ['pollution', 'dumping'],
    count: 280,
    sd: 1800,
    crossBorder: true,
  },
]

/** Places fitting each category, kind by kind. */
function placesByKind(places: PlaceSet) {
  const map = new Map<PlaceKind, DemoPlace[]>()
  for (const p of places.places) {
    if (p.patrol_every_days === null || p.id === 'lake-taihu') continue
    map.set(p.kind, [...(map.get(p.kind) ?? []), p])
  }
  return map
}

function cumulativeWeights(values: number[]): Float64Array {
  const acc = new Float64Array(values.length)
  let sum = 0
  values.forEach((v, i) => {
    sum += v
    acc[i] = sum
  })
  return acc
}

function sampleIndex(rng: Rng, acc: Float64Array): number {
  const r = rng.next() * acc[acc.length - 1]
  let lo = 0
  let hi = acc.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (acc[mid] > r) hi = mid
    else lo = mid + 1
  }
  return lo
}

export interface IncidentContext {
  geo: Geography
  places: PlaceSet
  chiefs: ChiefSet
  stations: StationInfo[]
  end: number
}

export function generateIncidents(
  ctx: IncidentContext,
  rng: Rng,
): { incidents: DemoIncident[]; fushiBirdTrap: number } {
  const { geo, places, chiefs, stations, end } = ctx
  const start = end - 365 * DAY
  const firstMidnight = Math.floor((start + LOCAL) / DAY) * DAY - LOCAL
  const days = Math.ceil((end - firstMidnight) / DAY)
  const calendar = Array.from({ length: days }, (_, d) => {
    const date = new Date((firstMidnight + d * DAY + LOCAL) * 1000)
    const month = date.getUTCMonth()
    const dom = date.getUTCDate()
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6
    const holiday =
      (month === 4 && dom <= 5) || (month === 9 && dom <= 7) || (month === 3 && dom >= 4 && dom <= 6)
    return { month, weekend: weekend || holiday }
  })
  const byKind = placesByKind(places)
  const index = new PlaceIndex(places.places)
  // Some places see far more trouble than others.
  const risk = new Map(places.places.map((p) => [p.id, rng.logNormal(1, 0.9)]))
  const shoreDistrict = places.taihuShore.map((p) => nearestDistrict(geo, p))

  const dayWeights = new Map<IncidentCategory, Float64Array>()
  const hourWeights = new Map<IncidentCategory, Float64Array>()
  for (const [cat, def] of Object.entries(categories) as [IncidentCategory, CategoryDef][]) {
    dayWeights.set(
      cat,
      cumulativeWeights(
        calendar.map((c, d) => {
          // The first and last day are partial.
          const from = Math.max(start, firstMidnight + d * DAY)
          const to = Math.min(end, firstMidnight + (d + 1) * DAY)
          return (def.months[c.month] * (c.weekend ? def.weekend : 1) * Math.max(0, to - from)) / DAY
        }),
      ),
    )
    hourWeights.set(cat, cumulativeWeights(def.hours))
  }
  const timeFor = (cat: IncidentCategory): number => {
    for (;;) {
      const d = sampleIndex(rng, dayWeights.get(cat) as Float64Array)
      const hour = sampleIndex(rng, hourWeights.get(cat) as Float64Array)
      const t = firstMidnight + d * DAY + hour * 3600 + rng.int(0, 3599)
      if (t >= start && t < end) return t
    }
  }

  interface Draft {
    category: IncidentCategory
    place: DemoPlace | null
    location: LonLat
    district: number | null
    reported: number
    crossBorder?: boolean
    hotspot?: string
  }
  const drafts: Draft[] = []

  // Where a point of a category goes on a place.
  const pointFor = (place: DemoPlace, mode: Mode): LonLat => {
    const g = place.geometry
    if (g.type === 'Point')
      return offset(g.coordinates as LonLat, rng.float(15, mode === 'near' ? 300 : 120), rng.float(0, 7))
    if (g.type === 'LineString') {
      const line = g.coordinates as LonLat[]
      const cum = cumulative(line)
      const { p, angle } = pointAlong(line, cum, rng.float(0, cum[cum.length - 1]))
      const side = rng.chance(0.5) ? 1 : -1
      const off = mode === 'on' ? rng.normal(0, 12) : side * rng.float(15, 90)
      return offset(p, off, angle + Math.PI / 2)
    }
    const ring = (g.type === 'Polygon' ? g.coordinates[0] : rng.pick(g.coordinates)[0]) as LonLat[]
    if (mode === 'shore' || mode === 'near') {
      const v = rng.pick(ring)
      return offset(v, rng.float(10, mode === 'near' ? 250 : 150), rng.float(0, 7))
    }
    return randomPointInRing(rng, ring)
  }
  const taihuPoint = (): { p: LonLat; district: number | null } => {
    for (;;) {
      const k = rng.int(0, places.taihuShore.length - 1)
      const v = places.taihuShore[k]
      const p = offset(v, rng.logNormal(700, 0.7), rng.float(0, 7))
      if (geo.inLake(p)) return { p, district: shoreDistrict[k] }
    }
  }

  // 1. Hotspots: dense clusters around a few places.
  const stationById = new Map(stations.map((s) => [s.station.id, s]))
  for (const spot of hotspots) {
    const centre: LonLat =
      typeof spot.at !== 'string'
        ? spot.at
        : (stationById.get(spot.at)?.station.location ?? placeCentre(places.byId.get(spot.at)))
    let made = 0
    for (let attempt = 0; made < spot.count && attempt < spot.count * 30; attempt++) {
      const p = offset(centre, Math.abs(rng.normal(0, spot.sd)), rng.float(0, 2 * Math.PI))
      const category = rng.pick(spot.categories)
      let district = geo.districtAt(p)
      let place: DemoPlace | null = null
      if (spot.water) {
        if (!geo.inLake(p)) continue
        place = places.byId.get('lake-taihu') ?? null
        district = nearestDistrict(geo, p)
      } else {
        if (geo.inLake(p)) continue
        if (district === null && !spot.crossBorder) continue
        const kinds = categories[category].where.map((w) => w[0]).filter((w): w is PlaceKind => w !== 'taihu')
        place = index.nearest(p, kinds, 6000)?.place ?? index.nearest(p, undefined, 10000)?.place ?? null
        if (
          district === null &&
          !stations.some((s) => s.station.cross_border && booleanPointInPolygon(p, s.feature))
        ) {
          continue
        }
      }
      drafts.push({
        category,
        place,
        location: p,
        district,
        reported: timeFor(category),
        hotspot: spot.id,
        crossBorder: district === null,
      })
      made++
    }
  }

  // 2. Across the line: cases on the Jiangsu or Anhui side, inside the cross-border stations' areas.
  const crossBorderTotal = 160
  const crossStations = stations.filter((s) => s.station.cross_border)
  let crossMade = 0
  for (let attempt = 0; crossMade < crossBorderTotal && attempt < 50000; attempt++) {
    const s = rng.pick(crossStations)
    const ring = rng.pick(s.station.jurisdiction.coordinates)[0] as LonLat[]
    const p = randomPointInRing(rng, ring)
    if (geo.districtAt(p) !== null || geo.inLake(p) || !booleanPointInPolygon(p, s.feature)) continue
    const category = rng.pick<IncidentCategory>([
      'pollution',
      'pollution',
      'dumping',
      'illegal_mining',
      'poaching',
    ])
    const place = index.nearest(p, undefined, 15000)?.place ?? null
    drafts.push({
      category,
      place,
      location: p,
      district: null,
      reported: timeFor(category),
      crossBorder: true,
    })
    crossMade++
  }

  // 3. The worked example: a bird trap beside Fushi Reservoir, flagged by the app, handled in 27 minutes.
  const fushi = places.byId.get('reservoir-fushi')
  if (fushi?.geometry.type !== 'Polygon') throw new Error('no Fushi Reservoir')
  const fushiRing = fushi.geometry.coordinates[0] as LonLat[]
  const north = fushiRing.reduce((a, b) => (b[1] > a[1] ? b : a))
  const birdTrapAt = geo.snapToLand(offset(north, 120, Math.PI / 2), fushi.district_code ?? 0) ?? north
  const birdTrapDay = firstMidnight + (days - 46) * DAY
  drafts.push({
    category: 'poaching',
    place: fushi,
    location: birdTrapAt,
    district: fushi.district_code,
    reported: birdTrapDay + 9 * 3600 + 12 * 60,
  })
  const birdTrap = drafts[drafts.length - 1]

  // 5. The background: every category where it belongs, through the year, up to the total.
  const total = 20000 + rng.int(-300, 300)
  const cats = Object.keys(categories) as IncidentCategory[]
  const catAcc = cumulativeWeights(cats.map((c) => categories[c].share))
  const placeAcc = new Map<PlaceKind, Float64Array>()
  for (const [kind, list] of byKind)
    placeAcc.set(kind, cumulativeWeights(list.map((p) => risk.get(p.id) ?? 1)))
  while (drafts.length < total) {
    const category = cats[sampleIndex(rng, catAcc)]
    const def = categories[category]
    const [where, , mode] = rng.weighted(def.where, (w) => w[1])
    let draft: Draft | null = null
    if (where === 'taihu') {
      const { p, district } = taihuPoint()
      draft = { category, place: places.byId.get('lake-taihu') ?? null, location: p, district, reported: 0 }
    } else {
      const list = byKind.get(where)
      const acc = placeAcc.get(where)
      if (!list || !acc) continue
      const place = list[sampleIndex(rng, acc)]
      for (let attempt = 0; attempt < 8 && !draft; attempt++) {
        const p = pointFor(place, mode)
        const district = geo.districtAt(p)
        if (district !== null && (mode === 'in' || mode === 'on' || !geo.inLake(p))) {
          draft = { category, place, location: p, district, reported: 0 }
        }
      }
    }
    if (!draft) continue
    draft.reported = timeFor(category)
    drafts.push(draft)
  }

  // Order by report time; ids follow.
  drafts.sort((a, b) => a.reported - b.reported || a.location[0] - b.location[0])
  const incidents: DemoIncident[] = []
  let eventId = 0
  let fushiBirdTrap = 0
  for (const draft of drafts) {
    const id = incidents.length + 1
    const isBirdTrap = draft === birdTrap
    const incident = lifecycle(rng, draft, id, end, chiefs, stations, isBirdTrap, () => ++eventId)
    if (isBirdTrap) fushiBirdTrap = id
    incidents.push(incident)
  }
  return { incidents, fushiBirdTrap }

  function lifecycle(
    r: Rng,
    d: Draft,
    id: number,
    endTime: number,
    cs: ChiefSet,
    ss: StationInfo[],
    birdTrapCase: boolean,
    nextEventId: () => number,
  ): DemoIncident {
    const def = categories[d.category]
    const source: IncidentSource = birdTrapCase ? 'app' : r.weighted(def.sources, (s) => s[1])[0]
    const severity = birdTrapCase ? 2 : ((sampleIndex(r, cumulativeWeights(def.severity)) + 1) as 1 | 2 | 3)
    const list = d.place ? (cs.byPlace.get(d.place.id) ?? []) : []
    const chief: DemoChief | null = list.length ? (r.chance(0.6) ? list[0] : r.pick(list)) : null
    const station =
      chief?.station_id ?? ss.find((s) => booleanPointInPolygon(d.location, s.feature))?.station.id ?? null
    const [zh, en] = r.pick(def.text)
    const where = d.place ? `${d.place.name_zh} ${d.place.name_en}` : ''
    const description = birdTrapCase
      ? '赋石水库旁发现疑似捕鸟网（“生态卫士”应用预警），水库警长30分钟内到场确认并处置 — suspected bird trap beside Fushi Reservoir flagged by the Eco Guard app; the reservoir chief confirmed and removed it within 30 minutes'
      : `${zh}${d.crossBorder ? '（跨省，苏浙皖联防）' : ''} — ${en}${d.crossBorder ? ' (across the province line, joint case)' : ''}${where ? ` · ${where}` : ''}`
    const reported = d.reported
    const occurred =
      reported -
      (source === 'hotline' ? r.int(300, 5400) : source === 'patrol' ? r.int(0, 240) : r.int(0, 900))
    // The timeline as it would run; whatever lies after `end` has not happened yet.
    const slow = r.chance(0.09)
    let dispatched: number
    let onScene: number
    let resolved: number
    if (birdTrapCase) {
      dispatched = reported + 95
      onScene = reported + 14 * 60
      resolved = reported + 27 * 60
    } else if (source === 'patrol') {
      dispatched = reported + r.int(30, 120)
      onScene = dispatched + r.int(0, 60)
      resolved = onScene + Math.round(r.logNormal(def.resolveMinutes, 0.6) * 60)
    } else {
      dispatched = reported + Math.round(Math.min(3600, r.logNormal(slow ? 20 : 1.5, 0.6) * 60))
      // Minor, non-urgent reports out of office hours wait for the day shift.
      const localHour = ((((reported + LOCAL) % DAY) + DAY) % DAY) / 3600
      let queued = false
      if (severity === 1 && nonUrgent.includes(d.category) && (localHour >= 17.5 || localHour < 8)) {
        const nextMorning =
          Math.floor((reported + LOCAL + (localHour >= 17.5 ? DAY : 0)) / DAY) * DAY - LOCAL + 8 * 3600
        dispatched = nextMorning + Math.round(r.logNormal(25, 0.6) * 60)
        queued = true
      } else if (severity < 3 && nonUrgent.includes(d.category) && r.chance(0.35)) {
        // Put on the list of the next inspection round.
        dispatched = reported + Math.round(r.logNormal(2, 0.8) * DAY)
        queued = true
      }
      onScene =
        dispatched + Math.round(queued ? r.logNormal(5, 0.6) * 3600 : r.logNormal(slow ? 75 : 8, 0.5) * 60)
      resolved = onScene + Math.round(r.logNormal(def.resolveMinutes, 0.6) * 60)
    }
    // Some cases take days on scene (sampling, investigation, a second visit).
    if (!birdTrapCase && r.chance(longCase[d.category] * 1.8))
      resolved = onScene + Math.round(r.logNormal(4, 0.8) * DAY)
    const closed = birdTrapCase ? resolved + 3 * 3600 : resolved + Math.round(r.logNormal(18, 0.8) * 3600)
    const cancelled = !birdTrapCase && r.chance(0.045)
    const neverClosed = !birdTrapCase && r.chance(0.012)
    const actorOf = (step: IncidentStatus): string => {
      if (step === 'reported') {
        if (source === 'patrol' && chief) return `chief:${chief.id}`
        if (source === 'app') return d.district === 330523 ? 'app:生态卫士' : 'app:public'
        if (source === 'hotline') return d.category === 'pollution' ? 'hotline:12369' : 'hotline:12345'
        if (source === 'drone') return `drone:${station ?? 'huzhou'}`
        return 'video:ai-camera'
      }
      if (step === 'on_scene' || step === 'resolved')
        return chief ? `chief:${chief.id}` : `station:${station ?? 'huzhou'}`
      return station ? `station:${station}` : 'command:huzhou'
    }
    const events: DemoIncidentEvent[] = []
    const push = (at: number, from: IncidentStatus | null, to: IncidentStatus, note: string) => {
      events.push({
        id: nextEventId(),
        at,
        actor: actorOf(to === 'cancelled' || to === 'closed' || to === 'dispatched' ? 'closed' : to),
        from_status: from,
        to_status: to,
        chief_id: to === 'reported' && source !== 'patrol' ? null : (chief?.id ?? null),
        note,
      })
    }
    const steps: [IncidentStatus, number, string][] = [
      ['reported', reported, source === 'patrol' ? '巡查发现 found on patrol' : '上报 reported'],
      [
        'dispatched',
        dispatched,
        chief
          ? `一键下达 one-key dispatch to ${chief.name_zh} ${chief.name_en}`
          : '一键下达 one-key dispatch',
      ],
      ['on_scene', onScene, '到场核查 on scene'],
      ['resolved', resolved, def.resolved],
      ['closed', closed, '办结 closed'],
    ]
    let status: IncidentStatus = 'reported'
    const times: Partial<Record<IncidentStatus, number>> = {}
    // A cancelled alert stops at a random step before resolution (false alarm, duplicate).
    const cancelAfter = cancelled ? r.int(0, 2) : -1
    for (const [k, [step, at, note]] of steps.entries()) {
      if (at > endTime) break
      if (step === 'closed' && neverClosed) break
      if (k === 0) push(at, null, step, note)
      else push(at, status, step, note)
      times[step] = at
      status = step
      if (k === cancelAfter) {
        const at2 = at + r.int(120, 1800)
        if (at2 <= endTime) {
          push(at2, status, 'cancelled', r.chance(0.6) ? '误报 false alarm' : '重复上报 duplicate report')
          status = 'cancelled'
        }
        break
      }
    }
    return {
      id,
      category: d.category,
      severity,
      source,
      description,
      status,
      occurred_at: occurred,
      reported_at: reported,
      dispatched_at: times.dispatched ?? null,
      on_scene_at: times.on_scene ?? null,
      resolved_at: times.resolved ?? null,
      closed_at: times.closed ?? null,
      chief_id: times.dispatched !== undefined ? (chief?.id ?? null) : null,
      district_code: d.district,
      place_id: d.place?.id ?? null,
      location: roundPoint(d.location),
      events,
    }
  }
}

function placeCentre(place: DemoPlace | undefined): LonLat {
  if (!place) throw new Error('hotspot place missing')
  const g = place.geometry
  if (g.type === 'Point') return g.coordinates as LonLat
  const ring = (
    g.type === 'Polygon' ? g.coordinates[0] : g.type === 'LineString' ? g.coordinates : g.coordinates[0][0]
  ) as LonLat[]
  const x = ring.reduce((a, p) => a + p[0], 0) / ring.length
  const y = ring.reduce((a, p) => a + p[1], 0) / ring.length
  return [x, y]
}
