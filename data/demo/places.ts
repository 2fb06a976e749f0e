/** All places of the demo world, in dependency order (rivers before the reservoirs on them, …). */
import type { Geography } from './geography.ts'
import { type LonLat, metresPerDegLat, metresPerDegLon } from './geometry.ts'
import { createPlaceKit } from './place-kit.ts'
import {
  generateForests,
  generateMarkets,
  generateMines,
  generateProjects,
  generateRoads,
  generateScenic,
  type ScenicInfo,
} from './places-land.ts'
import {
  basePlaces,
  generatePlainLakes,
  generateReservoirs,
  generateRivers,
  generateWaterSources,
  type ReservoirInfo,
  type RiverInfo,
} from './places-water.ts'
import type { Rng } from './random.ts'
import type { DemoPlace } from './types.ts'

export interface PlaceSet {
  places: DemoPlace[]
  byId: Map<string, DemoPlace>
  rivers: RiverInfo[]
  reservoirs: ReservoirInfo[]
  scenic: ScenicInfo[]
  /** Taihu's shore along Huzhou (lake side), for fishing incidents and boat patrols. */
  taihuShore: LonLat[]
}

export function generatePlaces(geo: Geography, rng: Rng): PlaceSet {
  const kit = createPlaceKit(geo)
  for (const p of basePlaces(geo.base)) kit.add(p)
  const rivers = generateRivers(kit, rng.fork('rivers'))
  const reservoirs = generateReservoirs(kit, rng.fork('reservoirs'), rivers)
  generateWaterSources(kit, reservoirs)
  generatePlainLakes(kit, rng.fork('lakes'))
  generateMines(kit, rng.fork('mines'))
  const scenic = generateScenic(kit, rng.fork('scenic'), rivers)
  generateForests(kit, rng.fork('forests'))
  generateMarkets(kit, rng.fork('markets'))
  generateProjects(kit, rng.fork('projects'))
  generateRoads(kit, rng.fork('roads'), scenic)
  return {
    places: kit.places,
    byId: new Map(kit.places.map((p) => [p.id, p])),
    rivers,
    reservoirs,
    scenic,
    taihuShore: huzhouShore(geo),
  }
}

/** The vertices of Taihu's outline within 1.5 km of a Huzhou district, in ring order from one end. */
function huzhouShore(geo: Geography): LonLat[] {
  const ring = geo.taihu.rings[0].slice(0, -1)
  const near = (p: LonLat) => {
    for (const r of [400, 900, 1500])
      for (let k = 0; k < 8; k++) {
        const a = (k * Math.PI) / 4
        const q: LonLat = [
          p[0] + (Math.cos(a) * r) / metresPerDegLon,
          p[1] + (Math.sin(a) * r) / metresPerDegLat,
        ]
        if (geo.districtAt(q) !== null) return true
      }
    return false
  }
  const keep = ring.map((_, i) => i).filter((i) => near(ring[i]))
  // The ring may start in the middle of the Huzhou shore: start after the widest gap instead.
  let widest = 0
  let at = 0
  keep.forEach((i, k) => {
    const next = keep[(k + 1) % keep.length]
    const gap = (next - i + ring.length) % ring.length
    if (gap > widest) {
      widest = gap
      at = (k + 1) % keep.length
    }
  })
  return [...keep.slice(at), ...keep.slice(0, at)].map((i) => ring[i])
}
