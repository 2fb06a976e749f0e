import { badRequest } from '../errors.ts'

export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number]

/** Parses "minLon,minLat,maxLon,maxLat" in degrees; throws a 400 that says what is wrong. */
export function parseBBox(text: string): BBox {
  const parts = text.split(',').map((p) => Number(p.trim()))
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) {
    throw badRequest(`bbox must be four numbers "minLon,minLat,maxLon,maxLat", got "${text}"`)
  }
  const [minLon, minLat, maxLon, maxLat] = parts as BBox
  if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90) {
    throw badRequest(`bbox must lie within -180..180 longitude and -90..90 latitude, got "${text}"`)
  }
  if (minLon >= maxLon || minLat >= maxLat) {
    throw badRequest(`bbox must have min before max on both axes, got "${text}"`)
  }
  return [minLon, minLat, maxLon, maxLat]
}
