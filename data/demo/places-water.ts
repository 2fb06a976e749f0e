/**
 * Water places: the real lakes (Taihu and the context lakes), the rivers (named main rivers, the streams
 * of the drainage network, the plain canals), small plain lakes, reservoirs on the hill rivers and the
 * drinking-water source zones around the reservoirs that supply the towns.
 */
import { buffer } from '@turf/turf'
import type { Feature, Polygon } from 'geojson'
import type { BaseData } from './base.ts'
import type { Stream } from './geography.ts'
import {
  angleBetween,
  chaikin,
  cumulative,
  distance,
  type LonLat,
  lineLength,
  nearestOnLine,
  offset,
  pointAlong,
  roundPoint,
  sliceAlong,
  starRing,
} from './geometry.ts'
import { placeStem } from './names.ts'
import {
  anyCellSet,
  cleanRing,
  clipToDistrict,
  km,
  largestRing,
  lineGeometry,
  markCells,
  markLine,
  type PlaceKit,
  polygonGeometry,
  ringIsValid,
  ringOnLand,
  splitLineByDistrict,
} from './place-kit.ts'
import type { Rng } from './random.ts'
import { ANJI, CHANGXING, DEQING, NANXUN, WUXING } from './towns.ts'
import type { DemoPlace } from './types.ts'

/** Target patrol intervals (days) per kind of place. */
export const patrolEveryDays = {
  river: 7,
  lake: 7,
  taihu: 3,
  reservoir: 3,
  smallReservoir: 7,
  water_source: 3,
  forest: 14,
  mine: 14,
  market: 7,
  road: 14,
  project: 14,
  scenic: 7,
} as const

/**
 * The real lakes and rivers of data/base as places: Taihu is patrolled (its Huzhou shore, district
 * Wuxing, home of the Nantaihu New Area); the others are context with no patrol target.
 */
export function basePlaces(base: BaseData): DemoPlace[] {
  const lakes: DemoPlace[] = base.lakes.features.map((f) => {
    const taihu = f.properties.id === 'lake-taihu'
    return {
      id: f.properties.id,
      kind: 'lake',
      name_zh: f.properties.name_zh,
      name_en: f.properties.name_en,
      district_code: taihu ? WUXING : null,
      patrol_every_days: taihu ? patrolEveryDays.taihu : null,
      properties: {
        source: f.properties.source,
        named_by: f.properties.named_by,
        real: true,
        ...(taihu ? { note: '太湖禁渔 Taihu fishing ban; Huzhou shore patrolled' } : { context: true }),
      },
      geometry: f.geometry,
    }
  })
  const counts = new Map<number, number>()
  const rivers: DemoPlace[] = base.rivers.features.map((f) => {
    const i = f.properties.source_index
    const n = (counts.get(i) ?? 0) + 1
    counts.set(i, n)
    const canal = f.properties.kind === 'canal'
    return {
      id: `river-wdbii-${i}${n > 1 ? `-${n}` : ''}`,
      kind: 'river',
      name_zh: f.properties.name_zh || (canal ? '运河' : '河流'),
      name_en: f.properties.name_en || (canal ? 'Canal' : 'River'),
      district_code: null,
      patrol_every_days: null,
      properties: {
        source: f.properties.source,
        wdbii_level: f.properties.level,
        waterway: f.properties.kind,
        real: true,
        context: true,
      },
      geometry: f.geometry,
    }
  })
  return [...lakes, ...rivers]
}

/** A river place and its line, kept for the reservoirs, patrols and incidents. */
export interface RiverInfo {
  place: DemoPlace
  line: LonLat[]
  code: number
  /** In the hills (a stream or a main river's upper course). */
  hill: boolean
  mainId?: string
}

const riverQuota: Record<number, { total: number; canals: number }> = {
  [ANJI]: { total: 53, canals: 0 },
  [DEQING]: { total: 40, canals: 14 },
  [CHANGXING]: { total: 38, canals: 9 },
  [WUXING]: { total: 28, canals: 9 },
  [NANXUN]: { total: 33, canals: 99 },
}

/** 頔塘, the Grand Canal's Nanxun section (a World Heritage component), drawn by hand. */
const ditang: LonLat[] = [
  [120.1, 30.872],
  [120.14, 30.868],
  [120.18, 30.862],
  [120.22, 30.858],
  [120.27, 30.857],
  [120.32, 30.86],
  [120.36, 30.866],
  [120.4, 30.874],
  [120.43, 30.879],
  [120.47, 30.886],
  [120.5, 30.892],
]

export function generateRivers(kit: PlaceKit, rng: Rng): RiverInfo[] {
  const { geo } = kit
  const rivers: RiverInfo[] = []
  const count = new Map<number, number>()
  const bump = (code: number) => count.set(code, (count.get(code) ?? 0) + 1)
  const districtName = (code: number) => geo.districtByCode.get(code)

  const addRiver = (
    info: Omit<RiverInfo, 'place'>,
    place: Omit<DemoPlace, 'geometry' | 'kind' | 'district_code'>,
  ) => {
    const geometry = lineGeometry(info.line)
    const r: RiverInfo = {
      ...info,
      line: geometry.coordinates as LonLat[],
      place: kit.add({
        ...place,
        kind: 'river',
        district_code: info.code,
        geometry,
        properties: { ...place.properties, length_km: km(lineLength(geometry.coordinates as LonLat[])) },
      }),
    }
    markLine(geo, r.line, kit.water)
    bump(info.code)
    rivers.push(r)
    return r
  }

  // The named main rivers, one place per district section.
  for (const main of geo.mainRivers) {
    const pieces = splitLineByDistrict(geo, main.line).filter((p) => lineLength(p.line) >= 1000)
    const codes = new Set(pieces.map((p) => p.code))
    const seen = new Map<number, number>()
    for (const piece of pieces) {
      const d = districtName(piece.code)
      const n = (seen.get(piece.code) ?? 0) + 1
      seen.set(piece.code, n)
      const section = codes.size > 1 ? `(${d?.name_zh.replace(/[县区]$/, '')}段${n > 1 ? n : ''})` : ''
      const sectionEn = codes.size > 1 ? ` (${d?.name_en} section${n > 1 ? ` ${n}` : ''})` : ''
      addRiver(
        {
          line: piece.line,
          code: piece.code,
          hill: piece.code === ANJI || main.id === 'yuyingxi',
          mainId: main.id,
        },
        {
          id: `river-${main.id}-${d?.slug}${n > 1 ? `-${n}` : ''}`,
          name_zh: main.name_zh + section,
          name_en: main.name_en + sectionEn,
          patrol_every_days: patrolEveryDays.river,
          properties: { synthetic: true, main_river: main.id, named: true },
        },
      )
    }
  }
  for (const piece of splitLineByDistrict(geo, chaikin(ditang, 3))) {
    if (lineLength(piece.line) < 1000) continue
    const d = districtName(piece.code)
    addRiver(
      { line: piece.line, code: piece.code, hill: false, mainId: 'ditang' },
      {
        id: `river-ditang-${d?.slug}`,
        name_zh: `頔塘(京杭大运河${d?.name_zh.replace(/[县区]$/, '')}段)`,
        name_en: `Ditang Canal (Grand Canal, ${d?.name_en} section)`,
        patrol_every_days: patrolEveryDays.river,
        properties: { synthetic: true, main_river: 'ditang', named: true, waterway: 'canal' },
      },
    )
  }

  // Streams from the hills, cut where they have run out onto the plain.
  interface Candidate {
    stream: Stream
    code: number
    line: LonLat[]
    length: number
  }
  const candidates: Candidate[] = []
  for (const stream of geo.streams) {
    if (stream.sourceElevation < 40) continue
    const line = trimInPlain(geo, stream.line)
    for (const piece of splitLineByDistrict(geo, line)) {
      const length = lineLength(piece.line)
      if (length >= 1500) candidates.push({ stream, code: piece.code, line: piece.line, length })
    }
  }
  candidates.sort((a, b) => b.stream.areaKm2 - a.stream.areaKm2 || b.length - a.length)
  const stemOf = new Map<number, { zh: string; en: string }>()
  for (const c of candidates) {
    const quota = riverQuota[c.code]
    if (!quota || (count.get(c.code) ?? 0) >= quota.total - Math.min(quota.canals, quota.total)) continue
    let stem = stemOf.get(c.stream.index)
    if (!stem) {
      stem = placeStem(rng, kit.usedNames)
      stemOf.set(c.stream.index, stem)
    }
    const big = c.stream.areaKm2 >= 8
    addRiver(
      { line: c.line, code: c.code, hill: true },
      {
        id: kit.nextId('river', c.code),
        name_zh: stem.zh + (big ? '溪' : '坑'),
        name_en: `${stem.en} ${big ? 'Creek' : 'Brook'}`,
        patrol_every_days: patrolEveryDays.river,
        properties: { synthetic: true, catchment_km2: Math.round(c.stream.areaKm2 * 10) / 10 },
      },
    )
  }

  // Canals of the plain water network (塘 east–west, 港 north–south).
  for (const [codeText, quota] of Object.entries(riverQuota)) {
    const code = Number(codeText)
    let attempts = 0
    while ((count.get(code) ?? 0) < quota.total && attempts++ < 400) {
      const line = plainCanal(kit, rng, code)
      if (!line) continue
      const eastWest = Math.abs(Math.cos(angleBetween(line[0], line[line.length - 1]))) > 0.7
      const stem = placeStem(rng, kit.usedNames)
      addRiver(
        { line, code, hill: false },
        {
          id: kit.nextId('river', code),
          name_zh: stem.zh + (eastWest ? '塘' : '港'),
          name_en: `${stem.en} ${eastWest ? 'Tang' : 'Gang'} Canal`,
          patrol_every_days: patrolEveryDays.river,
          properties: { synthetic: true, waterway: 'canal' },
        },
      )
    }
  }
  return rivers
}

/** Cuts a stream where it has flowed more than 2 km across the plain without meeting anything. */
function trimInPlain(geo: PlaceKit['geo'], line: LonLat[]): LonLat[] {
  let run = 0
  let runStart = -1
  for (let i = 1; i < line.length; i++) {
    if (geo.elevationAt(line[i]) < 9) {
      if (runStart < 0) runStart = i
      run += distance(line[i - 1], line[i])
      if (run > 2000) return line.slice(0, Math.max(2, runStart + 4))
    } else {
      run = 0
      runStart = -1
    }
  }
  return line
}

function plainCanal(kit: PlaceKit, rng: Rng, code: number): LonLat[] | null {
  const { geo } = kit
  const d = geo.districtByCode.get(code)
  if (!d) return null
  let start: LonLat | null = null
  for (let k = 0; k < 50 && !start; k++) {
    const p: LonLat = [rng.float(d.bbox[0], d.bbox[2]), rng.float(d.bbox[1], d.bbox[3])]
    const i = geo.grid.index(p)
    if (i < 0 || kit.water[i] || kit.occupied[i] || !geo.isLand(p, code) || geo.elevationAt(p) > 12) continue
    start = p
  }
  if (!start) return null
  const eastWest = rng.chance(code === NANXUN ? 0.55 : 0.45)
  const axis = (eastWest ? 0 : Math.PI / 2) + (rng.chance(0.5) ? 0 : Math.PI) + rng.normal(0, 0.2)
  let heading = axis
  const target = rng.float(3500, 11000)
  const pts: LonLat[] = [start]
  let travelled = 0
  while (travelled < target) {
    heading += rng.normal(0, 0.1) + 0.2 * (axis - heading)
    const p = offset(pts[pts.length - 1], 200, heading)
    if (!geo.isLand(p, code) || geo.elevationAt(p) > 15) break
    travelled += 200
    pts.push(p)
    const i = geo.grid.index(p)
    if (travelled > 1200 && kit.water[i]) break
  }
  if (travelled < 2000) return null
  return chaikin(pts, 2).map(roundPoint)
}

/** Small lakes of the plain (漾, 荡). */
export function generatePlainLakes(kit: PlaceKit, rng: Rng): DemoPlace[] {
  const { geo } = kit
  const quota: [number, number][] = [
    [NANXUN, 8],
    [WUXING, 3],
    [DEQING, 3],
  ]
  const out: DemoPlace[] = []
  for (const [code, n] of quota) {
    const d = geo.districtByCode.get(code)
    if (!d) continue
    let made = 0
    for (let attempt = 0; attempt < 400 && made < n; attempt++) {
      const c: LonLat = [rng.float(d.bbox[0], d.bbox[2]), rng.float(d.bbox[1], d.bbox[3])]
      if (!geo.isLand(c, code) || geo.elevationAt(c) > 10) continue
      const r = rng.float(280, 750)
      const radii = Array.from(
        { length: 18 },
        (_, k) => r * (0.7 + 0.3 * Math.sin(k * 0.9 + rng.float(0, 6)) + rng.float(-0.08, 0.08)),
      )
      const ring = cleanRing(chaikin(starRing(c, radii, rng.float(0, 6)), 2, true))
      if (
        !ringOnLand(geo, ring, code) ||
        anyCellSet(geo, ring, kit.water) ||
        anyCellSet(geo, ring, kit.occupied)
      )
        continue
      if (!ringIsValid(ring)) continue
      const stem = placeStem(rng, kit.usedNames)
      const place = kit.add({
        id: kit.nextId('lake', code),
        kind: 'lake',
        name_zh: `${stem.zh}漾`,
        name_en: `${stem.en} Yang (lake)`,
        district_code: code,
        patrol_every_days: patrolEveryDays.lake,
        properties: { synthetic: true },
        geometry: polygonGeometry(ring),
      })
      markCells(geo, ring, kit.occupied, 1, 1)
      out.push(place)
      made++
    }
  }
  return out
}

// --- reservoirs --------------------------------------------------------------------------------

interface NamedReservoir {
  id: string
  name_zh: string
  name_en: string
  code: number
  /** Where the dam is, roughly; snapped onto the river. */
  dam: LonLat
  /** Main river id, or undefined for the nearest hill stream. */
  river?: string
  length: number
  width: number
  town: string
  waterSource?: { level: string; supplies: string }
}

const namedReservoirs: NamedReservoir[] = [
  {
    id: 'fushi',
    name_zh: '赋石水库',
    name_en: 'Fushi Reservoir',
    code: ANJI,
    dam: [119.556, 30.562],
    river: 'xixi',
    length: 5600,
    width: 850,
    town: 'xiaofeng',
    waterSource: {
      level: '国家一级饮用水水源保护区 national first-class drinking-water source',
      supplies: 'Anji',
    },
  },
  {
    id: 'laoshikan',
    name_zh: '老石坎水库',
    name_en: 'Laoshikan Reservoir',
    code: ANJI,
    dam: [119.566, 30.5],
    river: 'nanxi',
    length: 4600,
    width: 700,
    town: 'baofu',
    waterSource: { level: '饮用水水源保护区 drinking-water source', supplies: 'Anji' },
  },
  {
    id: 'duihekou',
    name_zh: '对河口水库',
    name_en: 'Duihekou Reservoir',
    code: DEQING,
    dam: [119.915, 30.561],
    river: 'yuyingxi',
    length: 2800,
    width: 480,
    town: 'moganshan',
    waterSource: { level: '饮用水水源保护区 drinking-water source', supplies: 'Deqing' },
  },
  {
    id: 'laohutan',
    name_zh: '老虎潭水库',
    name_en: 'Laohutan Reservoir',
    code: WUXING,
    dam: [119.965, 30.715],
    length: 2600,
    width: 420,
    town: 'daixi',
    waterSource: { level: '饮用水水源保护区 drinking-water source', supplies: 'Huzhou city' },
  },
  {
    id: 'hexi',
    name_zh: '合溪水库',
    name_en: 'Hexi Reservoir',
    code: CHANGXING,
    dam: [119.79, 31.093],
    river: 'hexi',
    length: 3000,
    width: 520,
    town: 'xiaopu',
    waterSource: { level: '饮用水水源保护区 drinking-water source', supplies: 'Changxing' },
  },
  {
    id: 'sian',
    name_zh: '泗安水库',
    name_en: 'Si\u2019an Reservoir',
    code: CHANGXING,
    dam: [119.655, 30.896],
    river: 'sian-river',
    length: 2400,
    width: 420,
    town: 'sian',
  },
]

const reservoirQuota: Record<number, number> = { [ANJI]: 83, [DEQING]: 22, [CHANGXING]: 26, [WUXING]: 12 }

export interface ReservoirInfo {
  place: DemoPlace
  ring: LonLat[]
  dam: LonLat
  river: RiverInfo
  named?: NamedReservoir
}

/**
 * A reservoir filling the valley upstream of a dam: the river's course above the dam, widened to
 * both sides, widest at the dam and narrowing to the tail. Straightened if the valley is too tight.
 */
function reservoirRing(
  rng: Rng,
  line: LonLat[],
  sDam: number,
  length: number,
  width: number,
): LonLat[] | null {
  const cum = cumulative(line)
  const from = Math.max(0, sDam - length)
  for (const straight of [false, true]) {
    let spine = sliceAlong(line, cum, from, sDam).reverse()
    if (straight) spine = [spine[0], spine[spine.length - 1]]
    const scum = cumulative(spine)
    const total = scum[scum.length - 1]
    if (total < 150) return null
    const n = Math.max(6, Math.min(24, Math.round(total / 180)))
    const wobble = Array.from({ length: n }, () => rng.float(0.7, 1.3))
    const left: LonLat[] = []
    const right: LonLat[] = []
    for (let i = 0; i < n; i++) {
      const t = i / n
      const { p, angle } = pointAlong(spine, scum, t * total)
      const w = width * (1 - t) ** 0.55 * (i === 0 ? 1 : (wobble[i] + wobble[i - 1]) / 2) + 20
      left.push(offset(p, w, angle + Math.PI / 2))
      right.push(offset(p, w, angle - Math.PI / 2))
    }
    const tail = spine[spine.length - 1]
    const ring = cleanRing([...left, tail, ...right.reverse(), left[0]])
    if (ringIsValid(ring)) return ring
  }
  return null
}

export function generateReservoirs(kit: PlaceKit, rng: Rng, rivers: RiverInfo[]): ReservoirInfo[] {
  const { geo } = kit
  const out: ReservoirInfo[] = []
  const dams: LonLat[] = []
  const count = new Map<number, number>()

  const tryPlace = (
    river: RiverInfo,
    sDam: number,
    length: number,
    width: number,
    named?: NamedReservoir,
  ) => {
    const code = river.code
    for (let shrink = 1; shrink >= 0.45; shrink -= 0.1) {
      const ring = reservoirRing(rng, river.line, sDam, length * shrink, width * shrink)
      if (!ring || !ringOnLand(geo, ring, code) || anyCellSet(geo, ring, kit.occupied)) continue
      const cum = cumulative(river.line)
      const dam = roundPoint(pointAlong(river.line, cum, sDam).p)
      const stem = named ? undefined : placeStem(rng, kit.usedNames)
      const area = Math.abs(ringAreaKm2(ring))
      const place = kit.add({
        id: named ? `reservoir-${named.id}` : kit.nextId('reservoir', code),
        kind: 'reservoir',
        name_zh: named?.name_zh ?? `${stem?.zh}水库`,
        name_en: named?.name_en ?? `${stem?.en} Reservoir`,
        district_code: code,
        patrol_every_days: area >= 0.3 || named ? patrolEveryDays.reservoir : patrolEveryDays.smallReservoir,
        properties: {
          synthetic: true,
          ...(named ? { named: true, town: named.town } : {}),
          area_km2: Math.round(area * 100) / 100,
          dam: dam,
          river_id: river.place.id,
        },
        geometry: polygonGeometry(ring),
      })
      markCells(geo, ring, kit.occupied, 1, 1)
      dams.push(dam)
      count.set(code, (count.get(code) ?? 0) + 1)
      const info = { place, ring, dam, river, named }
      out.push(info)
      return info
    }
    return null
  }

  for (const named of namedReservoirs) {
    // The main river's section in the district, or the biggest hill stream near the dam.
    const options = rivers.filter((r) =>
      named.river ? r.mainId === named.river && r.code === named.code : r.hill && r.code === named.code,
    )
    let best: { river: RiverInfo; s: number; d: number } | null = null
    for (const river of options) {
      const near = nearestOnLine(named.dam, river.line)
      const cum = cumulative(river.line)
      const s = cum[near.index]
      const score = near.distance + (named.river ? 0 : Math.max(0, 2000 - s) * 2)
      if (!best || score < best.d) best = { river, s, d: score }
    }
    if (!best || !tryPlace(best.river, best.s, named.length, named.width, named)) {
      throw new Error(`could not place the named reservoir ${named.id}`)
    }
  }

  interface Site {
    river: RiverInfo
    s: number
  }
  const sites: Site[] = []
  for (const river of rivers) {
    if (!river.hill || !(river.code in reservoirQuota)) continue
    const cum = cumulative(river.line)
    const total = cum[cum.length - 1]
    for (let s = 700; s < total - 150; s += 350) {
      const p = pointAlong(river.line, cum, s).p
      const e = geo.elevationAt(p)
      if (e >= 18 && e <= 600) sites.push({ river, s })
    }
  }
  rng.shuffle(sites)
  for (const site of sites) {
    const code = site.river.code
    if ((count.get(code) ?? 0) >= reservoirQuota[code]) continue
    const p = pointAlong(site.river.line, cumulative(site.river.line), site.s).p
    if (dams.some((d) => distance(d, p) < 1400)) continue
    const length = Math.min(site.s - 50, rng.logNormal(900, 0.45))
    const width = Math.min(length * 0.45, rng.logNormal(150, 0.4))
    tryPlace(site.river, site.s, length, width)
  }
  for (const [code, quota] of Object.entries(reservoirQuota)) {
    if ((count.get(Number(code)) ?? 0) < quota) {
      throw new Error(`only ${count.get(Number(code)) ?? 0} of ${quota} reservoirs placed in ${code}`)
    }
  }
  return out
}

const ringAreaKm2 = (ring: LonLat[]) => {
  let sum = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1])
  }
  return ((sum / 2) * 111320 * Math.cos((30.78 * Math.PI) / 180) * 110860) / 1e6
}

/** Drinking-water source protection zones around the reservoirs that supply the towns. */
export function generateWaterSources(kit: PlaceKit, reservoirs: ReservoirInfo[]): DemoPlace[] {
  const out: DemoPlace[] = []
  for (const r of reservoirs) {
    const ws = r.named?.waterSource
    if (!ws || !r.named) continue
    const feature: Feature<Polygon> = { type: 'Feature', properties: {}, geometry: polygonGeometry(r.ring) }
    const buffered = buffer(feature, r.named.id === 'fushi' ? 1.2 : 0.8, { units: 'kilometers', steps: 6 })
    const ring = buffered ? largestRing(buffered as Feature<Polygon>) : null
    const clipped = ring ? clipToDistrict(kit.geo, ring, r.named.code) : null
    if (!clipped) throw new Error(`water source zone of ${r.named.id} is empty`)
    out.push(
      kit.add({
        id: `water-source-${r.named.id}`,
        kind: 'water_source',
        name_zh: `${r.named.name_zh}饮用水水源保护区`,
        name_en: `${r.named.name_en} drinking-water source area`,
        district_code: r.named.code,
        patrol_every_days: patrolEveryDays.water_source,
        properties: { synthetic: true, reservoir_id: r.place.id, level: ws.level, supplies: ws.supplies },
        geometry: polygonGeometry(clipped),
      }),
    )
  }
  return out
}
