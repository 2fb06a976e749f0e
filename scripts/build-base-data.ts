/**
 * Builds data/base/*.geojson from the real geodata in ../shared/data (see data/README.md).
 * Run once by a developer (`npm run data:base`); the output is committed.
 *
 * - districts.geojson, provinces.geojson: echarts-derived outlines, GCJ-02 → WGS84 (gcoord), 6 decimals
 * - huzhou.geojson: the city's outline, the five districts dissolved (for clipping in the generator)
 * - lakes.geojson: GSHHG lakes (WGS84), names added for the ones identified by location
 * - rivers.geojson: WDBII rivers and canals, clipped to the region, named where identified
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { bboxClip, booleanValid, length as lineLength, union } from '@turf/turf'
import gcoord from 'gcoord'
import type {
  Feature,
  FeatureCollection,
  Geometry,
  LineString,
  MultiPolygon,
  Polygon,
  Position,
} from 'geojson'
import { projectRoot } from '../server/config.ts'

const sourceDir = path.resolve(projectRoot, '../shared/data')
const outDir = path.join(projectRoot, 'data', 'base')

/** The region the context layers are clipped to (same as the provinces in the source). */
const regionBbox: [number, number, number, number] = [118.9, 30.0, 120.9, 31.6]

const read = <G extends Geometry>(file: string) =>
  JSON.parse(readFileSync(path.join(sourceDir, file), 'utf8')) as FeatureCollection<G>

const round6 = (v: number) => Math.round(v * 1e6) / 1e6

function mapPositions<G extends Geometry>(geometry: G, fn: (p: Position) => Position): G {
  const walk = (c: unknown): unknown =>
    typeof (c as number[])[0] === 'number' ? fn(c as Position) : (c as unknown[]).map(walk)
  return {
    ...geometry,
    coordinates: walk((geometry as unknown as { coordinates: unknown }).coordinates),
  } as G
}

/** Drops consecutive duplicate positions (rounding can create them) in every ring or line. */
function dropRepeats<G extends Geometry>(geometry: G): G {
  const dedupe = (line: Position[]) =>
    line.filter((p, i) => i === 0 || p[0] !== line[i - 1][0] || p[1] !== line[i - 1][1])
  const walk = (c: unknown): unknown => {
    const arr = c as unknown[]
    if (Array.isArray(arr[0]) && typeof (arr[0] as unknown[])[0] === 'number')
      return dedupe(arr as Position[])
    return arr.map(walk)
  }
  return {
    ...geometry,
    coordinates: walk((geometry as unknown as { coordinates: unknown }).coordinates),
  } as G
}

function gcjToWgs<G extends Geometry>(geometry: G): G {
  const converted = mapPositions(geometry, (p) => {
    const [lon, lat] = gcoord.transform([p[0], p[1]] as [number, number], gcoord.GCJ02, gcoord.WGS84)
    return [round6(lon), round6(lat)]
  })
  return dropRepeats(converted)
}

function checkValid(kind: string, name: string, geometry: Geometry) {
  if (!booleanValid(geometry))
    console.warn(`warning: ${kind} ${name} is not a valid geometry after conversion`)
}

const collection = <G extends Geometry, P>(features: Feature<G, P>[]): FeatureCollection<G, P> => ({
  type: 'FeatureCollection',
  features,
})

function write(name: string, fc: FeatureCollection) {
  // One feature per line: small diffs, still readable.
  const body = fc.features.map((f) => JSON.stringify(f)).join(',\n')
  writeFileSync(path.join(outDir, name), `{"type":"FeatureCollection","features":[\n${body}\n]}\n`)
  console.log(`wrote data/base/${name}: ${fc.features.length} features`)
}

// --- districts ---------------------------------------------------------------------------------

interface DistrictSource {
  name: string
  name_en: string
  adcode: number
}

const districts = read<Polygon | MultiPolygon>('huzhou_districts_clean.geojson').features.map((f) => {
  const p = f.properties as unknown as DistrictSource
  const geometry = gcjToWgs(f.geometry)
  checkValid('district', p.name_en, geometry)
  return {
    type: 'Feature' as const,
    properties: { adcode: p.adcode, name_zh: p.name, name_en: p.name_en },
    geometry,
  }
})
districts.sort((a, b) => a.properties.adcode - b.properties.adcode)

// The outline of Huzhou (the five districts dissolved), for clipping in the demo generator.
const huzhouOutline = union(collection(districts))
if (!huzhouOutline) throw new Error('the districts do not dissolve into an outline')
checkValid('city', 'Huzhou', huzhouOutline.geometry)
const huzhou = {
  type: 'Feature' as const,
  properties: { adcode: 330500, name_zh: '湖州市', name_en: 'Huzhou' },
  geometry: huzhouOutline.geometry,
}

// --- provinces ---------------------------------------------------------------------------------

const provinceNames: Record<string, { code: number; name_zh: string; name_en: string; abbr: string }> = {
  浙江: { code: 330000, name_zh: '浙江省', name_en: 'Zhejiang', abbr: 'ZJ' },
  江苏: { code: 320000, name_zh: '江苏省', name_en: 'Jiangsu', abbr: 'JS' },
  安徽: { code: 340000, name_zh: '安徽省', name_en: 'Anhui', abbr: 'AH' },
  上海: { code: 310000, name_zh: '上海市', name_en: 'Shanghai', abbr: 'SH' },
}

const provinces = read<Polygon | MultiPolygon>('context_provinces.geojson').features.map((f) => {
  const key = (f.properties as { province: string }).province
  const names = provinceNames[key]
  if (!names) throw new Error(`unknown province ${key} in context_provinces.geojson`)
  const geometry = gcjToWgs(f.geometry)
  checkValid('province', names.name_en, geometry)
  return { type: 'Feature' as const, properties: { ...names }, geometry }
})
provinces.sort((a, b) => a.properties.code - b.properties.code)

// --- lakes -------------------------------------------------------------------------------------

/** GSHHG lakes in file order; the unnamed ones identified by their position. */
const lakeNames: { name_zh: string; name_en: string }[] = [
  { name_zh: '太湖', name_en: 'Taihu' },
  { name_zh: '石臼湖', name_en: 'Shijiu Lake' },
  { name_zh: '南漪湖', name_en: 'Nanyi Lake' },
  { name_zh: '滆湖', name_en: 'Gehu' },
  { name_zh: '长荡湖', name_en: 'Changdang Lake' },
  { name_zh: '阳澄湖', name_en: 'Yangcheng Lake' },
  { name_zh: '淀山湖', name_en: 'Dianshan Lake' },
]
const lakeIds = ['taihu', 'shijiu', 'nanyi', 'gehu', 'changdang', 'yangcheng', 'dianshan']

const lakes = read<Polygon>('gshhg_lakes.geojson').features.map((f, i) => {
  const geometry = dropRepeats(mapPositions(f.geometry, (p) => [round6(p[0]), round6(p[1])]))
  checkValid('lake', lakeNames[i].name_en, geometry)
  return {
    type: 'Feature' as const,
    properties: {
      id: `lake-${lakeIds[i]}`,
      ...lakeNames[i],
      named_by: i === 0 ? 'source' : 'location',
      source: 'GSHHG 2.3.7 full (WDBII lakes)',
    },
    geometry,
  }
})

// --- rivers ------------------------------------------------------------------------------------

/** WDBII features identified by their position (index in the source file). */
const riverNames: Record<number, { name_zh: string; name_en: string }> = {
  12: { name_zh: '京杭大运河', name_en: 'Grand Canal' },
  30: { name_zh: '京杭大运河', name_en: 'Grand Canal' },
  9: { name_zh: '吴淞江', name_en: 'Wusong River' },
  24: { name_zh: '富春江', name_en: 'Fuchun River' },
  27: { name_zh: '钱塘江', name_en: 'Qiantang River' },
}

const levelKind = (level: number) => (level >= 8 ? 'canal' : 'river')

const rivers: Feature<LineString>[] = []
read<LineString>('wdbii_rivers_f.geojson').features.forEach((f, i) => {
  const level = (f.properties as { level: number }).level
  const clipped = bboxClip(f, regionBbox).geometry
  const lines: Position[][] =
    clipped.type === 'LineString' ? [clipped.coordinates] : (clipped.coordinates as Position[][])
  for (const coords of lines) {
    const line: LineString = dropRepeats({
      type: 'LineString',
      coordinates: coords.map((p) => [round6(p[0]), round6(p[1])]),
    })
    if (line.coordinates.length < 2 || lineLength({ type: 'Feature', properties: {}, geometry: line }) < 0.5)
      continue
    const names = riverNames[i] ?? { name_zh: '', name_en: '' }
    rivers.push({
      type: 'Feature',
      properties: {
        ...names,
        kind: levelKind(level),
        level,
        source: 'WDBII (GSHHG 2.3.7 full)',
        source_index: i,
      },
      geometry: line,
    })
  }
})

mkdirSync(outDir, { recursive: true })
write('districts.geojson', collection(districts))
write('huzhou.geojson', collection([huzhou]))
write('provinces.geojson', collection(provinces))
write('lakes.geojson', collection(lakes))
write('rivers.geojson', collection(rivers))
