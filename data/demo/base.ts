/** The real base data (data/base/*.geojson), read once per process. */
import { readFileSync } from 'node:fs'
import type { FeatureCollection, LineString, MultiPolygon, Polygon } from 'geojson'

export const baseDir = new URL('../base/', import.meta.url)

export interface DistrictProps {
  adcode: number
  name_zh: string
  name_en: string
}
export interface ProvinceProps {
  code: number
  name_zh: string
  name_en: string
  abbr: string
}
export interface LakeProps {
  id: string
  name_zh: string
  name_en: string
  named_by: string
  source: string
}
export interface RiverProps {
  name_zh: string
  name_en: string
  kind: 'river' | 'canal'
  level: number
  source: string
  source_index: number
}

export interface BaseData {
  districts: FeatureCollection<Polygon | MultiPolygon, DistrictProps>
  /** The five districts dissolved into the city's outline. */
  huzhou: FeatureCollection<Polygon | MultiPolygon, DistrictProps>
  provinces: FeatureCollection<Polygon | MultiPolygon, ProvinceProps>
  lakes: FeatureCollection<Polygon, LakeProps>
  rivers: FeatureCollection<LineString, RiverProps>
}

const read = <T>(name: string): T => JSON.parse(readFileSync(new URL(name, baseDir), 'utf8')) as T

let cached: BaseData | undefined

/** Reads data/base; the result is shared, treat it as read-only. */
export function loadBaseGeoData(): BaseData {
  cached ??= {
    districts: read('districts.geojson'),
    huzhou: read('huzhou.geojson'),
    provinces: read('provinces.geojson'),
    lakes: read('lakes.geojson'),
    rivers: read('rivers.geojson'),
  }
  return cached
}
