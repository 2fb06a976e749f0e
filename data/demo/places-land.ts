/**
 * Land places: mines on the hill edges, scenic areas (the real ones, roughly where they are, and
 * campsites), forest zones tiling the hills, markets and project sites in the towns, road segments
 * between the towns.
 */
import type { Point } from 'geojson'
import {
  angleBetween,
  chaikin,
  cumulative,
  densify,
  distance,
  type LonLat,
  lerp,
  lineLength,
  offset,
  roundPoint,
  starRing,
} from './geometry.ts'
import { placeStem } from './names.ts'
import { outlineOfCells } from './outline.ts'
import {
  anyCellSet,
  cleanRing,
  clipToDistrict,
  km,
  lineGeometry,
  markCells,
  type PlaceKit,
  polygonGeometry,
  ringIsValid,
  ringOnLand,
  splitLineByDistrict,
} from './place-kit.ts'
import { patrolEveryDays, type RiverInfo } from './places-water.ts'
import type { Rng } from './random.ts'
import { ANJI, CHANGXING, DEQING, NANXUN, type Town, WUXING } from './towns.ts'
import type { DemoPlace } from './types.ts'

/** An irregular blob around a centre. */
function blob(rng: Rng, centre: LonLat, radius: number, vertices = 16, roughness = 0.25): LonLat[] {
  const phase = rng.float(0, 6)
  const radii = Array.from(
    { length: vertices },
    (_, k) =>
      radius *
      (1 +
        roughness * Math.sin(2 * k * ((2 * Math.PI) / vertices) + phase) +
        rng.float(-roughness, roughness) * 0.6),
  )
  return chaikin(starRing(centre, radii, rng.float(0, 6)), 2, true)
}

// --- mines -------------------------------------------------------------------------------------

const mineQuota: [number, number, string, string, string][] = [
  [CHANGXING, 30, '石矿', 'Quarry', 'limestone'],
  [ANJI, 12, '采石场', 'Stone Pit', 'granite'],
  [DEQING, 6, '矿区', 'Mine', 'tuff'],
  [WUXING, 8, '石矿', 'Quarry', 'limestone'],
]

export function generateMines(kit: PlaceKit, rng: Rng): DemoPlace[] {
  const { geo } = kit
  const out: DemoPlace[] = []
  for (const [code, n, suffixZh, suffixEn, mineral] of mineQuota) {
    const d = geo.districtByCode.get(code)
    if (!d) continue
    let made = 0
    for (let attempt = 0; attempt < 3000 && made < n; attempt++) {
      const c: LonLat = [rng.float(d.bbox[0], d.bbox[2]), rng.float(d.bbox[1], d.bbox[3])]
      if (!geo.isLand(c, code)) continue
      const e = geo.elevationAt(c)
      if (e < 25 || e > 260) continue
      const ring = cleanRing(blob(rng, c, rng.float(160, 420), 12, 0.3))
      if (
        !ringOnLand(geo, ring, code) ||
        anyCellSet(geo, ring, kit.occupied) ||
        anyCellSet(geo, ring, kit.water)
      )
        continue
      if (!ringIsValid(ring)) continue
      const stem = placeStem(rng, kit.usedNames)
      const status = rng.weighted(
        [
          ['operating', 0.4],
          ['closed', 0.35],
          ['restoration', 0.25],
        ] as const,
        (x) => x[1],
      )[0]
      out.push(
        kit.add({
          id: kit.nextId('mine', code),
          kind: 'mine',
          name_zh: stem.zh + suffixZh,
          name_en: `${stem.en} ${suffixEn}`,
          district_code: code,
          patrol_every_days: patrolEveryDays.mine,
          properties: { synthetic: true, mineral: rng.chance(0.8) ? mineral : 'sand and gravel', status },
          geometry: polygonGeometry(ring),
        }),
      )
      markCells(geo, ring, kit.occupied, 1, 1)
      made++
    }
  }
  return out
}

// --- scenic areas ------------------------------------------------------------------------------

interface ScenicDef {
  id: string
  name_zh: string
  name_en: string
  code: number
  centre: LonLat
  km: number
  type: string
}

const scenicDefs: ScenicDef[] = [
  {
    id: 'moganshan',
    name_zh: '莫干山风景名胜区',
    name_en: 'Moganshan Scenic Area',
    code: DEQING,
    centre: [119.865, 30.605],
    km: 3,
    type: 'mountain',
  },
  {
    id: 'anji-bamboo-sea',
    name_zh: '中国大竹海',
    name_en: 'Anji Bamboo Sea',
    code: ANJI,
    centre: [119.645, 30.485],
    km: 2.4,
    type: 'bamboo forest',
  },
  {
    id: 'jiangnan-tianchi',
    name_zh: '天荒坪江南天池',
    name_en: 'Tianhuangping Jiangnan Tianchi',
    code: ANJI,
    centre: [119.59, 30.462],
    km: 1.6,
    type: 'mountain lake',
  },
  {
    id: 'yucun',
    name_zh: '余村',
    name_en: 'Yucun Village',
    code: ANJI,
    centre: [119.628, 30.525],
    km: 1.1,
    type: 'village',
  },
  {
    id: 'canglong-waterfalls',
    name_zh: '藏龙百瀑',
    name_en: 'Canglong Waterfalls',
    code: ANJI,
    centre: [119.555, 30.44],
    km: 1.1,
    type: 'waterfalls',
  },
  {
    id: 'zhebei-canyon',
    name_zh: '浙北大峡谷',
    name_en: 'North Zhejiang Grand Canyon',
    code: ANJI,
    centre: [119.47, 30.445],
    km: 1.8,
    type: 'canyon',
  },
  {
    id: 'longwangshan',
    name_zh: '龙王山自然保护区',
    name_en: 'Longwang Shan Nature Reserve',
    code: ANJI,
    centre: [119.44, 30.41],
    km: 2.4,
    type: 'nature reserve',
  },
  {
    id: 'nanxun-old-town',
    name_zh: '南浔古镇',
    name_en: 'Nanxun Old Town',
    code: NANXUN,
    centre: [120.43, 30.876],
    km: 0.9,
    type: 'old town',
  },
  {
    id: 'xinshi-old-town',
    name_zh: '新市古镇',
    name_en: 'Xinshi Old Town',
    code: DEQING,
    centre: [120.29, 30.628],
    km: 0.7,
    type: 'old town',
  },
  {
    id: 'xiazhuhu',
    name_zh: '下渚湖湿地',
    name_en: 'Xiazhu Lake Wetland',
    code: DEQING,
    centre: [120.1, 30.525],
    km: 2,
    type: 'wetland',
  },
  {
    id: 'guzhu',
    name_zh: '顾渚山大唐贡茶院',
    name_en: 'Guzhu Tea Mountain',
    code: CHANGXING,
    centre: [119.845, 31.12],
    km: 1.6,
    type: 'tea mountain',
  },
  {
    id: 'golden-spike',
    name_zh: '长兴金钉子地质公园',
    name_en: 'Changxing Golden Spike Geopark',
    code: CHANGXING,
    centre: [119.705, 31.082],
    km: 1.2,
    type: 'geopark',
  },
  {
    id: 'xianshanhu',
    name_zh: '仙山湖',
    name_en: 'Xianshan Lake',
    code: CHANGXING,
    centre: [119.61, 30.865],
    km: 1.4,
    type: 'lake',
  },
  {
    id: 'tuying',
    name_zh: '太湖图影湿地',
    name_en: 'Taihu Tuying Wetland',
    code: CHANGXING,
    centre: [120.0, 30.995],
    km: 1.4,
    type: 'wetland',
  },
  {
    id: 'bianshan',
    name_zh: '弁山',
    name_en: 'Bianshan',
    code: WUXING,
    centre: [119.995, 30.9],
    km: 1.7,
    type: 'mountain',
  },
  {
    id: 'taihu-resort',
    name_zh: '太湖旅游度假区',
    name_en: 'Taihu Tourist Resort',
    code: WUXING,
    centre: [120.135, 30.915],
    km: 1.4,
    type: 'lakeshore',
  },
  {
    id: 'yigao',
    name_zh: '义皋古村',
    name_en: 'Yigao Village',
    code: WUXING,
    centre: [120.225, 30.914],
    km: 0.7,
    type: 'village',
  },
  {
    id: 'digang',
    name_zh: '荻港渔庄',
    name_en: 'Digang Fishing Village',
    code: NANXUN,
    centre: [120.205, 30.8],
    km: 0.8,
    type: 'village',
  },
]

export interface ScenicInfo {
  place: DemoPlace
  ring: LonLat[]
  campsite: boolean
}

export function generateScenic(kit: PlaceKit, rng: Rng, rivers: RiverInfo[]): ScenicInfo[] {
  const { geo } = kit
  const out: ScenicInfo[] = []
  const add = (
    id: string,
    name_zh: string,
    name_en: string,
    code: number,
    ring: LonLat[],
    properties: object,
  ) => {
    const place = kit.add({
      id,
      kind: 'scenic',
      name_zh,
      name_en,
      district_code: code,
      patrol_every_days: patrolEveryDays.scenic,
      properties: { synthetic: true, ...properties },
      geometry: polygonGeometry(ring),
    })
    out.push({ place, ring, campsite: 'campsite' in properties })
  }
  for (const def of scenicDefs) {
    const centre = geo.snapToLand(def.centre, def.code)
    let ring: LonLat[] | null = null
    for (let k = 0; k < 6 && !ring && centre; k++) {
      ring = clipToDistrict(geo, blob(rng, centre, def.km * 1000 * (1 - k * 0.12), 18, 0.22), def.code)
    }
    // Failing that, a smaller blob that stays on land by itself.
    for (let r = def.km * 800; !ring && centre && r >= 150; r *= 0.8) {
      const candidate = cleanRing(blob(rng, centre, r, 16, 0.15))
      if (ringOnLand(geo, candidate, def.code) && ringIsValid(candidate)) ring = candidate
    }
    if (!ring) throw new Error(`could not shape the scenic area ${def.id}`)
    add(`scenic-${def.id}`, def.name_zh, def.name_en, def.code, ring, { type: def.type, named: true })
  }
  // Campsites by the hill rivers of Anji and Deqing (the "安心营" Safe Camp scene).
  const hillRivers = rivers.filter((r) => r.hill && (r.code === ANJI || r.code === DEQING))
  let made = 0
  for (let attempt = 0; attempt < 400 && made < 14; attempt++) {
    const river = rng.pick(hillRivers)
    const cum = cumulative(river.line)
    const p = lerp(river.line[0], river.line[river.line.length - 1], 0.5)
    const at = cum[cum.length - 1] * rng.float(0.2, 0.9)
    let q = p
    for (let i = 1; i < cum.length; i++)
      if (cum[i] >= at) {
        q = river.line[i]
        break
      }
    const centre = offset(q, rng.float(120, 300), rng.float(0, 2 * Math.PI))
    const ring = cleanRing(blob(rng, centre, rng.float(180, 380), 12, 0.2))
    if (!ringOnLand(geo, ring, river.code) || anyCellSet(geo, ring, kit.occupied) || !ringIsValid(ring))
      continue
    const stem = placeStem(rng, kit.usedNames)
    add(kit.nextId('scenic', river.code), `${stem.zh}露营地`, `${stem.en} Campsite`, river.code, ring, {
      type: 'campsite',
      campsite: true,
      safe_camp: '安心营 Safe Camp',
      river_id: river.place.id,
    })
    markCells(geo, ring, kit.occupied, 1, 0)
    made++
  }
  return out
}

// --- forest zones ------------------------------------------------------------------------------

const forestQuota: Record<number, number> = { [ANJI]: 187, [DEQING]: 55, [CHANGXING]: 70, [WUXING]: 30 }

/**
 * Forest zones tile the hills of each district: seeds spread over the hill cells, every hill cell
 * joins its nearest seed, and each zone's cells are outlined and smoothed.
 */
export function generateForests(kit: PlaceKit, rng: Rng): DemoPlace[] {
  const { geo } = kit
  const { grid } = geo
  const out: DemoPlace[] = []
  for (const [codeText, quota] of Object.entries(forestQuota)) {
    const code = Number(codeText)
    const d = geo.districtByCode.get(code)
    if (!d) continue
    // Hill cells wholly inside the district: their outlines need no clipping.
    const cells: number[] = []
    const c0 = Math.max(0, Math.floor((d.bbox[0] - grid.x0) / grid.cell))
    const c1 = Math.min(grid.nx - 1, Math.ceil((d.bbox[2] - grid.x0) / grid.cell))
    const r0 = Math.max(0, Math.floor((d.bbox[1] - grid.y0) / grid.cell))
    const r1 = Math.min(grid.ny - 1, Math.ceil((d.bbox[3] - grid.y0) / grid.cell))
    for (let r = r0; r <= r1; r++)
      for (let c = c0; c <= c1; c++) {
        const i = r * grid.nx + c
        if (!kit.occupied[i] && geo.elevation[i] >= 45 && geo.interiorCell(i) === code) cells.push(i)
      }
    const unique = [...new Set(cells)].sort((a, b) => a - b)
    const cellKm2 = (grid.dx * grid.dy) / 1e6
    let spacing = Math.sqrt((unique.length * cellKm2) / quota) * 1000 * 0.8
    const seeds: LonLat[] = []
    const order = rng.shuffle(unique.slice())
    while (seeds.length < quota && spacing > 100) {
      for (const i of order) {
        if (seeds.length >= quota) break
        const p = grid.center(i)
        if (seeds.every((s) => distance(s, p) >= spacing)) seeds.push(p)
      }
      spacing *= 0.85
    }
    const zones: number[][] = seeds.map(() => [])
    for (const i of unique) {
      const p = grid.center(i)
      let best = -1
      let bestD = Number.POSITIVE_INFINITY
      for (let k = 0; k < seeds.length; k++) {
        const dd = distance(seeds[k], p)
        if (dd < bestD) {
          bestD = dd
          best = k
        }
      }
      if (best >= 0) zones[best].push(i)
    }
    zones.forEach((zone, k) => {
      let ring: LonLat[] | null = null
      const outline = outlineOfCells(grid, zone)
      if (outline) {
        const cleaned = cleanRing(outline)
        if (ringIsValid(cleaned)) ring = cleaned
      }
      // A fallback blob for the odd zone whose outline did not survive clipping.
      for (let r = 900; !ring && r >= 200; r -= 140)
        ring = clipToDistrict(geo, blob(rng, seeds[k], r, 14, 0.2), code)
      if (!ring) return
      const stem = placeStem(rng, kit.usedNames)
      const e = geo.elevationAt(seeds[k])
      const type =
        code === ANJI && e < 500 && rng.chance(0.7)
          ? '毛竹林 moso bamboo'
          : e > 600
            ? '针叶林 conifer'
            : rng.chance(0.5)
              ? '阔叶混交林 mixed broadleaf'
              : rng.chance(0.5)
                ? '茶园与经济林 tea and orchards'
                : '马尾松林 masson pine'
      out.push(
        kit.add({
          id: kit.nextId('forest', code),
          kind: 'forest',
          name_zh: `${stem.zh}林区`,
          name_en: `${stem.en} Forest Zone`,
          district_code: code,
          patrol_every_days: patrolEveryDays.forest,
          properties: {
            synthetic: true,
            forest_type: type,
            area_km2: Math.round(zone.length * cellKm2 * 10) / 10,
          },
          geometry: polygonGeometry(ring),
        }),
      )
    })
  }
  return out
}

// --- markets, projects -------------------------------------------------------------------------

export function generateMarkets(kit: PlaceKit, rng: Rng): DemoPlace[] {
  const { geo } = kit
  const out: DemoPlace[] = []
  const point = (p: LonLat): Point => ({ type: 'Point', coordinates: roundPoint(p) })
  const hongfeng = geo.snapToLand([120.084, 30.877], WUXING)
  if (!hongfeng) throw new Error('no land for the Hongfeng market')
  out.push(
    kit.add({
      id: 'market-hongfeng',
      kind: 'market',
      name_zh: '红丰农贸市场',
      name_en: 'Hongfeng Farmers\u2019 Market',
      district_code: WUXING,
      patrol_every_days: patrolEveryDays.market,
      properties: { synthetic: true, named: true, market_type: 'farmers', town: 'huzhou' },
      geometry: point(hongfeng),
    }),
  )
  const types = [
    ['农贸市场', 'Farmers\u2019 Market', 'farmers'],
    ['水产市场', 'Aquatic Products Market', 'aquatic'],
    ['菜市场', 'Food Market', 'food'],
    ['综合市场', 'General Market', 'general'],
  ] as const
  for (const town of geo.towns) {
    const n = town.size === 3 ? 3 : town.size === 2 ? 2 : 1
    for (let k = 0; k < n; k++) {
      let p: LonLat | null = null
      for (let attempt = 0; attempt < 40 && !p; attempt++) {
        const q = offset(town.p, rng.float(100, 500 + 500 * town.size), rng.float(0, 2 * Math.PI))
        const i = geo.grid.index(q)
        if (geo.isLand(q, town.district_code) && i >= 0 && !kit.occupied[i]) p = q
      }
      if (!p) continue
      const [zh, en, type] = k === 0 ? types[0] : rng.pick(types)
      const stem = k === 0 ? { zh: town.name_zh, en: town.name_en } : placeStem(rng, kit.usedNames)
      out.push(
        kit.add({
          id: kit.nextId('market', town.district_code),
          kind: 'market',
          name_zh: `${k === 0 ? town.name_zh : town.name_zh + stem.zh}${zh}`,
          name_en: `${town.name_en}${k === 0 ? '' : ` ${stem.en}`} ${en}`,
          district_code: town.district_code,
          patrol_every_days: patrolEveryDays.market,
          properties: { synthetic: true, market_type: type, town: town.id },
          geometry: point(p),
        }),
      )
    }
  }
  return out
}

const projectTypes = [
  ['物流园建设项目', 'logistics park construction', 'logistics'],
  ['水利工程', 'water works', 'water'],
  ['道路改建工程', 'road rebuilding', 'road'],
  ['安置小区项目', 'housing project', 'housing'],
  ['产业园项目', 'industrial park', 'industry'],
  ['光伏电站项目', 'solar farm', 'solar'],
  ['污水处理厂扩建', 'sewage plant extension', 'sewage'],
  ['矿山生态修复工程', 'mine restoration works', 'restoration'],
  ['美丽河湖整治工程', 'river and lake rehabilitation', 'river'],
] as const

export function generateProjects(kit: PlaceKit, rng: Rng): DemoPlace[] {
  const { geo } = kit
  const out: DemoPlace[] = []
  const target = 64
  for (let attempt = 0; attempt < 2000 && out.length < target; attempt++) {
    const town = rng.weighted(geo.towns, (t) => t.size)
    const c = offset(town.p, rng.float(600, 4500), rng.float(0, 2 * Math.PI))
    const w = rng.float(150, 700)
    const h = rng.float(120, 500)
    const a = rng.float(0, Math.PI)
    const corners: LonLat[] = [
      [-w, -h],
      [w, -h],
      [w, h],
      [-w, h],
    ].map(([x, y]) => offset(c, Math.hypot(x, y) / 2, a + Math.atan2(y, x)))
    const ring = cleanRing([...corners, corners[0]])
    const code = town.district_code
    if (!ringOnLand(geo, ring, code) || anyCellSet(geo, ring, kit.occupied) || !ringIsValid(ring)) continue
    const [zh, en, type] = rng.pick(projectTypes)
    const stem = placeStem(rng, kit.usedNames)
    out.push(
      kit.add({
        id: kit.nextId('project', code),
        kind: 'project',
        name_zh: `${town.name_zh}${stem.zh}${zh}`,
        name_en: `${town.name_en} ${stem.en} ${en}`,
        district_code: code,
        patrol_every_days: patrolEveryDays.project,
        properties: { synthetic: true, project_type: type, town: town.id },
        geometry: polygonGeometry(ring),
      }),
    )
    markCells(geo, ring, kit.occupied, 1, 1)
  }
  return out
}

// --- roads -------------------------------------------------------------------------------------

export function generateRoads(
  kit: PlaceKit,
  rng: Rng,
  scenic: { place: DemoPlace; ring: LonLat[] }[],
): DemoPlace[] {
  const { geo } = kit
  const out: DemoPlace[] = []
  const towns = geo.towns
  const pairs = new Map<string, [Town | { id: string; name_zh: string; name_en: string; p: LonLat }, Town]>()
  const seats = towns.filter((t) => t.size === 3)
  const city = towns.find((t) => t.id === 'huzhou')
  for (const t of towns) {
    const near = towns
      .filter((o) => o !== t)
      .map((o) => ({ o, d: distance(o.p, t.p) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 2)
    for (const { o } of near) {
      const key = [t.id, o.id].sort().join('|')
      if (!pairs.has(key)) pairs.set(key, [t, o])
    }
  }
  if (city) for (const s of seats) if (s !== city) pairs.set([s.id, city.id].sort().join('|'), [s, city])
  // Mountain roads up to the named scenic areas.
  for (const s of scenic.filter((x) => x.place.properties.named)) {
    const centre = s.ring[0]
    const nearest = towns.slice().sort((a, b) => distance(a.p, centre) - distance(b.p, centre))[0]
    if (distance(nearest.p, centre) > 1500) {
      pairs.set(`${s.place.id}|${nearest.id}`, [
        {
          id: s.place.id,
          name_zh: s.place.name_zh,
          name_en: s.place.name_en,
          p: lerp(centre, s.ring[Math.floor(s.ring.length / 2)], 0.5),
        },
        nearest,
      ])
    }
  }
  for (const [a, b] of [...pairs.values()].sort((x, y) =>
    (x[0].id + x[1].id).localeCompare(y[0].id + y[1].id),
  )) {
    const len = distance(a.p, b.p)
    const bend = offset(
      lerp(a.p, b.p, rng.float(0.35, 0.65)),
      rng.normal(0, len * 0.08),
      angleBetween(a.p, b.p) + Math.PI / 2,
    )
    const pts = densify([a.p, bend, b.p], 500).map((p, i, all) =>
      i === 0 || i === all.length - 1 ? p : offset(p, rng.float(0, 90), rng.float(0, 2 * Math.PI)),
    )
    const line = chaikin(pts, 3)
    if (line.some((p) => geo.inLake(p))) continue
    for (const piece of splitLineByDistrict(geo, line)) {
      const total = lineLength(piece.line)
      if (total < 800) continue
      const sections = Math.max(1, Math.round(total / 5500))
      const cum = cumulative(piece.line)
      for (let k = 0; k < sections; k++) {
        const from = (total * k) / sections
        const to = (total * (k + 1)) / sections
        // Sections share their end vertices, so the road stays continuous.
        const first = Math.max(0, cum.findIndex((c) => c >= from) - (k > 0 ? 1 : 0))
        const after = cum.findIndex((c) => c > to)
        const part = piece.line.slice(first, after < 0 ? undefined : after)
        if (part.length < 2) continue
        const geometry = lineGeometry(part)
        if (geometry.coordinates.length < 2) continue
        const section = sections > 1 ? `第${k + 1}段` : ''
        out.push(
          kit.add({
            id: kit.nextId('road', piece.code),
            kind: 'road',
            name_zh: `${a.name_zh}—${b.name_zh}公路${section}`,
            name_en: `${a.name_en}\u2013${b.name_en} road${sections > 1 ? `, section ${k + 1}` : ''}`,
            district_code: piece.code,
            patrol_every_days: patrolEveryDays.road,
            properties: { synthetic: true, length_km: km(lineLength(part)) },
            geometry,
          }),
        )
      }
    }
  }
  return out
}
