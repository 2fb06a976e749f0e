/**
 * A year of patrol tracks: GPS fixes every 10–60 s along rivers and roads, around reservoirs and
 * forest edges, by boat off the Taihu shore, by the chiefs who answer for the place. Most places are
 * kept up (more often as the year goes on), some lapsed a while ago, some are neglected: the coverage
 * gaps are real. A few patrols are still open at `end`.
 */
import type { ChiefSet } from './chiefs.ts'
import type { Geography } from './geography.ts'
import {
  angleBetween,
  cumulative,
  distance,
  type LonLat,
  metresPerDegLat,
  metresPerDegLon,
  offset,
  pointAlong,
  starRing,
} from './geometry.ts'
import { nearestDistrict } from './place-kit.ts'
import type { PlaceSet } from './places.ts'
import type { Rng } from './random.ts'
import type { StationInfo } from './stations.ts'
import type { DemoChief, DemoPatrol, DemoPlace, PatrolMode } from './types.ts'

const DAY = 86400
const LOCAL = 8 * 3600

interface ModeDef {
  speed: [number, number]
  interval: [number, number]
  /** Sideways offset from the route (a bank, a verge), metres. */
  side: [number, number]
}

const modes: Record<PatrolMode, ModeDef> = {
  walk: { speed: [1.0, 1.5], interval: [20, 60], side: [5, 25] },
  bike: { speed: [3, 5], interval: [10, 30], side: [5, 15] },
  boat: { speed: [3, 7], interval: [15, 40], side: [0, 10] },
  car: { speed: [6, 12], interval: [10, 20], side: [3, 8] },
}

function modeFor(rng: Rng, place: DemoPlace): PatrolMode {
  const pick = (options: [PatrolMode, number][]) => rng.weighted(options, (o) => o[1])[0]
  switch (place.kind) {
    case 'river':
      return place.properties.named || place.properties.waterway === 'canal'
        ? pick([
            ['walk', 0.35],
            ['bike', 0.25],
            ['boat', 0.4],
          ])
        : pick([
            ['walk', 0.7],
            ['bike', 0.3],
          ])
    case 'road':
      return pick([
        ['car', 0.75],
        ['bike', 0.25],
      ])
    case 'lake':
      return place.id === 'lake-taihu'
        ? pick([
            ['boat', 0.7],
            ['car', 0.3],
          ])
        : pick([
            ['boat', 0.5],
            ['walk', 0.5],
          ])
    case 'reservoir':
      return pick([
        ['walk', 0.6],
        ['boat', 0.4],
      ])
    case 'mine':
    case 'project':
      return pick([
        ['car', 0.5],
        ['walk', 0.5],
      ])
    case 'scenic':
      return pick([
        ['walk', 0.75],
        ['car', 0.25],
      ])
    default:
      return 'walk'
  }
}

interface Route {
  line: LonLat[]
  closed: boolean
}

function routeFor(rng: Rng, geo: Geography, place: DemoPlace, places: PlaceSet, mode: PatrolMode): Route {
  const g = place.geometry
  if (place.id === 'lake-taihu') {
    // Off the Huzhou shore by boat, or along the shore road by car.
    const ring = geo.taihu.rings[0]
    const cx = ring.reduce((a, p) => a + p[0], 0) / ring.length
    const cy = ring.reduce((a, p) => a + p[1], 0) / ring.length
    const line = places.taihuShore.map((p) => {
      const towards = angleBetween(p, [cx, cy])
      const q = offset(p, 350, mode === 'boat' ? towards : towards + Math.PI)
      return mode === 'boat' ? (geo.inLake(q) ? q : p) : geo.inLake(q) ? p : q
    })
    return { line, closed: false }
  }
  switch (g.type) {
    case 'Point': {
      const radii = Array.from({ length: 10 }, () => rng.float(120, 350))
      return { line: starRing(g.coordinates as LonLat, radii, rng.float(0, 6)), closed: true }
    }
    case 'LineString':
      return { line: g.coordinates as LonLat[], closed: false }
    case 'Polygon':
      return { line: g.coordinates[0] as LonLat[], closed: true }
    case 'MultiPolygon':
      return { line: rng.pick(g.coordinates)[0] as LonLat[], closed: true }
  }
}

/** How well a place is kept up. */
type Care = 'kept' | 'lapsed' | 'neglected'

export interface PatrolContext {
  geo: Geography
  places: PlaceSet
  chiefs: ChiefSet
  stations: StationInfo[]
  end: number
}

export function generatePatrols(ctx: PatrolContext, rng: Rng): DemoPatrol[] {
  const { geo, places, chiefs, stations, end } = ctx
  const start = end - 365 * DAY
  const patrolled = places.places.filter(
    (p) => p.patrol_every_days !== null && (chiefs.byPlace.get(p.id)?.length ?? 0) > 0,
  )
  const drafts: Omit<DemoPatrol, 'id'>[] = []
  // The interval between patrols, as a multiple of the place's target: close to it lately, far
  // above it a year ago (the app was taken up through the year).
  const stretch = (age: number) => 2.1 + 8 * Math.min(1, age / (365 * DAY))
  const stationDistance = (p: LonLat) => Math.min(...stations.map((s) => distance(p, s.station.location)))

  for (const place of patrolled) {
    const every = (place.patrol_every_days ?? 7) * DAY
    const route0 = routeFor(rng, geo, place, places, 'walk')
    const remote = stationDistance(route0.line[0]) > 9000
    let neglect =
      0.1 + (place.kind === 'forest' ? 0.1 : 0) + (place.kind === 'road' ? 0.05 : 0) + (remote ? 0.08 : 0)
    if (place.properties.named || place.id === 'lake-taihu') neglect = 0.02
    const care: Care = rng.chance(neglect) ? 'neglected' : rng.chance(0.22) ? 'lapsed' : 'kept'
    const times: number[] = []
    if (care === 'neglected') {
      const n = rng.int(0, 2)
      for (let k = 0; k < n; k++) times.push(rng.int(start, end - 60 * DAY))
    } else {
      let t =
        care === 'kept'
          ? end - rng.float(0.05, 0.9) * every
          : end - rng.float(1.4, 5) * every - rng.float(0, 60) * DAY
      while (t > start) {
        times.push(t)
        t -= every * stretch(end - t) * rng.float(0.6, 1.5)
      }
    }
    for (const t of times) {
      const mode = modeFor(rng, place)
      const draft = track(rng, geo, place, places, chiefs, mode, t, end)
      if (draft) drafts.push(draft)
    }
  }

  // Chiefs on patrol right now: their patrols are still open.
  const onDuty = chiefs.chiefs.filter((c) => c.on_duty)
  const openChiefs = new Set<string>()
  for (let k = 0; k < 14 && onDuty.length; k++) {
    const chief = rng.pick(onDuty)
    if (openChiefs.has(chief.id)) continue
    const placeId = ctxPlaceOf(chiefs, chief)
    const place = placeId ? places.byId.get(placeId) : undefined
    if (!place) continue
    const mode = modeFor(rng, place)
    const draft = track(rng, geo, place, places, chiefs, mode, end - rng.int(1200, 5400), end, chief)
    if (!draft) continue
    draft.status = 'open'
    openChiefs.add(chief.id)
    drafts.push(draft)
  }

  // A chief walks one patrol at a time: later overlapping ones move after the earlier one.
  drafts.sort((a, b) => a.started_at - b.started_at || a.chief_id.localeCompare(b.chief_id))
  const busyUntil = new Map<string, number>()
  const kept: Omit<DemoPatrol, 'id'>[] = []
  for (const d of drafts) {
    const free = busyUntil.get(d.chief_id) ?? 0
    if (d.started_at <= free) {
      if (d.status === 'open') continue
      const shift = free - d.started_at + rng.int(1800, 3 * 3600)
      if (d.ended_at + shift > end) continue
      for (const fix of d.track) fix[2] += shift
      d.started_at += shift
      d.ended_at += shift
    }
    busyUntil.set(d.chief_id, d.ended_at)
    kept.push(d)
  }
  kept.sort((a, b) => a.started_at - b.started_at || a.chief_id.localeCompare(b.chief_id))
  const patrols = kept.map((d, i) => ({ id: i + 1, ...d }))
  // A chief on an open patrol was last seen at its last fix.
  for (const p of patrols) {
    if (p.status !== 'open') continue
    const chief = chiefs.byId.get(p.chief_id)
    const last = p.track[p.track.length - 1]
    if (chief) {
      chief.position = [last[0], last[1]]
      chief.position_at = last[2]
    }
  }
  return patrols
}

function ctxPlaceOf(chiefs: ChiefSet, chief: DemoChief): string | null {
  for (const [placeId, list] of chiefs.byPlace) if (list[0] === chief || list.includes(chief)) return placeId
  return null
}

/** One patrol along the place's route, starting near time t (local daytime, or night on Taihu). */
function track(
  rng: Rng,
  geo: Geography,
  place: DemoPlace,
  places: PlaceSet,
  chiefs: ChiefSet,
  mode: PatrolMode,
  t: number,
  end: number,
  forcedChief?: DemoChief,
): Omit<DemoPatrol, 'id'> | null {
  const list = chiefs.byPlace.get(place.id) ?? []
  const chief = forcedChief ?? (rng.chance(0.65) ? list[0] : rng.pick(list))
  if (!chief) return null
  const def = modes[mode]
  const n = rng.int(50, 150)
  const interval = rng.float(def.interval[0], def.interval[1])
  const speed = rng.float(def.speed[0], def.speed[1])
  let startAt = Math.round(t)
  if (!forcedChief) {
    // Move the start into the working day (local time), or the evening for a Taihu night patrol.
    const midnight = Math.floor((t + LOCAL) / DAY) * DAY - LOCAL
    const night = place.id === 'lake-taihu' && mode === 'boat' && rng.chance(0.3)
    startAt = midnight + (night ? rng.int(19, 22) : rng.int(7, 16)) * 3600 + rng.int(0, 3599)
    if (startAt + n * interval > end) return null
  }
  const route = routeFor(rng, geo, place, places, mode)
  const cum = cumulative(route.line)
  const total = cum[cum.length - 1]
  if (total < 20) return null
  let s = rng.float(0, total)
  let dir = rng.chance(0.5) ? 1 : -1
  const side = rng.float(def.side[0], def.side[1]) * (rng.chance(0.5) ? 1 : -1)
  const fixes: [number, number, number][] = []
  let time = startAt
  for (let k = 0; k < n; k++) {
    const { p, angle } = pointAlong(route.line, cum, s)
    // Off to the side of the route, plus a few metres of GPS noise.
    const east = -Math.sin(angle) * side + rng.normal(0, 3)
    const north = Math.cos(angle) * side + rng.normal(0, 3)
    const lon = p[0] + east / metresPerDegLon
    const lat = p[1] + north / metresPerDegLat
    fixes.push([Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6, time])
    const dt = Math.max(5, Math.round(interval * rng.float(0.8, 1.2)))
    time += dt
    if (time > end) break
    // Walk on; bounce at the ends of a line, go round a ring.
    s += dir * speed * rng.float(0.7, 1.15) * dt
    if (route.closed) s = ((s % total) + total) % total
    else if (s < 0 || s > total) {
      dir = -dir
      s = Math.max(0, Math.min(total, s < 0 ? -s : 2 * total - s))
    }
  }
  if (fixes.length < 2) return null
  const first = fixes[0]
  const district = place.district_code ?? nearestDistrict(geo, [first[0], first[1]])
  return {
    kind: 'actual',
    status: 'closed',
    chief_id: chief.id,
    station_id: chief.station_id,
    district_code: place.id === 'lake-taihu' ? nearestDistrict(geo, [first[0], first[1]]) : district,
    started_at: first[2],
    ended_at: fixes[fixes.length - 1][2],
    mode,
    place_id: place.id,
    track: fixes,
  }
}
