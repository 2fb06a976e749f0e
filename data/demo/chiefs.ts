/**
 * The 2,185 eco-police chiefs (生态警长): every patrolled place gets at least one, bigger and busier
 * places more; some chiefs answer for a few neighbouring places of the same kind. Each chief belongs
 * to the station whose area holds the place (or the nearest one), and has a last known position.
 */
import { booleanPointInPolygon } from '@turf/turf'
import type { Geography } from './geography.ts'
import { distance, type LonLat, offset, roundPoint } from './geometry.ts'
import { personName } from './names.ts'
import { randomPointInRing } from './place-kit.ts'
import type { PlaceSet } from './places.ts'
import type { Rng } from './random.ts'
import type { StationInfo } from './stations.ts'
import type { ChiefKind, DemoChief, DemoChiefPlace, DemoPlace } from './types.ts'

export const CHIEF_COUNT = 2185

export interface ChiefSet {
  chiefs: DemoChief[]
  chiefPlaces: DemoChiefPlace[]
  /** Chiefs per place, the first one the place's lead chief. */
  byPlace: Map<string, DemoChief[]>
  byId: Map<string, DemoChief>
}

/** A point on or in a place: a vertex of a line, a point inside a polygon (Taihu: its Huzhou shore). */
export function pointOnPlace(rng: Rng, place: DemoPlace, places: PlaceSet): LonLat {
  const g = place.geometry
  if (place.id === 'lake-taihu') return rng.pick(places.taihuShore)
  switch (g.type) {
    case 'Point':
      return g.coordinates as LonLat
    case 'LineString':
      return rng.pick(g.coordinates) as LonLat
    case 'Polygon':
      return randomPointInRing(rng, g.coordinates[0] as LonLat[])
    case 'MultiPolygon':
      return randomPointInRing(rng, rng.pick(g.coordinates)[0] as LonLat[])
  }
}

/** How many chiefs a place deserves, relatively. */
function weight(place: DemoPlace): number {
  const p = place.properties
  const num = (v: unknown, fallback: number) => (typeof v === 'number' ? v : fallback)
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v))
  switch (place.kind) {
    case 'river':
      return clamp(num(p.length_km, 5) / 5, 0.4, 5) * (p.named ? 1.6 : 1)
    case 'lake':
      return place.id === 'lake-taihu' ? 45 : 0.6
    case 'reservoir':
      return p.named ? 6 : clamp(num(p.area_km2, 0.1) * 4, 0.3, 2)
    case 'water_source':
      return 0.5
    case 'forest':
      return clamp(num(p.area_km2, 4) / 6, 0.3, 2)
    case 'mine':
      return 0.6
    case 'market':
      return place.id === 'market-hongfeng' ? 4 : 1.2
    case 'road':
      return 0.45
    case 'project':
      return 0.55
    case 'scenic':
      return p.named ? 3.5 : 0.8
  }
}

const chiefKindOf = (place: DemoPlace): ChiefKind =>
  place.kind === 'water_source' ? 'reservoir' : place.kind

export function generateChiefs(
  geo: Geography,
  places: PlaceSet,
  stations: StationInfo[],
  end: number,
  rng: Rng,
): ChiefSet {
  const patrolled = places.places.filter((p) => p.patrol_every_days !== null)
  if (patrolled.length > CHIEF_COUNT) throw new Error('more patrolled places than chiefs')
  // One chief each, the rest shared out by weight (largest remainder, ties by order).
  const extra = CHIEF_COUNT - patrolled.length
  const weights = patrolled.map(weight)
  const total = weights.reduce((a, b) => a + b, 0)
  const quotas = weights.map((w) => (w / total) * extra)
  const counts = quotas.map((q) => 1 + Math.floor(q))
  let left = CHIEF_COUNT - counts.reduce((a, b) => a + b, 0)
  const byRemainder = quotas
    .map((q, i) => ({ i, r: q - Math.floor(q) }))
    .sort((a, b) => b.r - a.r || a.i - b.i)
  for (const { i } of byRemainder) {
    if (left <= 0) break
    counts[i]++
    left--
  }

  const chiefs: DemoChief[] = []
  const links: DemoChiefPlace[] = []
  const byPlace = new Map<string, DemoChief[]>()
  const link = (chief: DemoChief, place: DemoPlace) => {
    const list = byPlace.get(place.id) ?? []
    if (list.includes(chief)) return
    list.push(chief)
    byPlace.set(place.id, list)
    links.push({ chief_id: chief.id, place_id: place.id })
  }
  const stationFor = (p: LonLat, code: number): string | null => {
    const containing = stations.find((s) => booleanPointInPolygon(p, s.feature))
    if (containing) return containing.station.id
    let best: StationInfo | null = null
    let bestD = 15000
    for (const s of stations) {
      const d = distance(p, s.station.location) * (s.station.district_code === code ? 1 : 1.5)
      if (d < bestD) {
        bestD = d
        best = s
      }
    }
    return best?.station.id ?? null
  }

  patrolled.forEach((place, k) => {
    const anchor = pointOnPlace(rng, place, places)
    const code = place.district_code ?? geo.districtAt(anchor) ?? 0
    const station = stationFor(anchor, code)
    for (let n = 0; n < counts[k]; n++) {
      const onDuty = rng.chance(0.72)
      const near = offset(pointOnPlace(rng, place, places), rng.float(0, 250), rng.float(0, 2 * Math.PI))
      const position = geo.snapToLand(near, code, 2000) ?? anchor
      const chief: DemoChief = {
        id: `chief-${String(chiefs.length + 1).padStart(4, '0')}`,
        ...personName(rng),
        kind: chiefKindOf(place),
        district_code: code,
        station_id: station,
        on_duty: onDuty,
        position: roundPoint(position),
        position_at: onDuty ? end - rng.int(0, 1800) : end - rng.int(2 * 3600, 3 * 86400),
      }
      chiefs.push(chief)
      link(chief, place)
    }
  })

  // Some chiefs also answer for neighbouring places of the same kind in their district.
  const byKind = new Map<string, DemoPlace[]>()
  for (const p of patrolled) {
    const key = `${chiefKindOf(p)}:${p.district_code}`
    byKind.set(key, [...(byKind.get(key) ?? []), p])
  }
  const anchorOf = new Map(patrolled.map((p) => [p.id, pointOnPlace(rng, p, places)]))
  for (const chief of chiefs) {
    if (!rng.chance(0.22)) continue
    const own = links.find((l) => l.chief_id === chief.id)
    const candidates = (byKind.get(`${chief.kind}:${chief.district_code}`) ?? [])
      .filter((p) => p.id !== own?.place_id)
      .map((p) => ({ p, d: distance(anchorOf.get(p.id) ?? chief.position, chief.position) }))
      .filter((x) => x.d < 6000)
      .sort((a, b) => a.d - b.d || a.p.id.localeCompare(b.p.id))
    for (const { p } of candidates.slice(0, rng.int(1, 2))) link(chief, p)
  }
  // The water-source zones are also watched by the chiefs of their reservoir.
  for (const place of patrolled) {
    const reservoir = place.kind === 'water_source' ? String(place.properties.reservoir_id) : null
    if (reservoir) for (const chief of (byPlace.get(reservoir) ?? []).slice(0, 3)) link(chief, place)
  }
  return { chiefs, chiefPlaces: links, byPlace, byId: new Map(chiefs.map((c) => [c.id, c])) }
}
