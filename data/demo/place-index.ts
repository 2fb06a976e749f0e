/** A bucket grid over the places' vertices, to find the place nearest to a point. */
import type { LonLat } from './geometry.ts'
import { distance, distanceToSegment } from './geometry.ts'
import { pointInPolygonRing } from './place-kit.ts'
import type { DemoPlace, PlaceKind } from './types.ts'

const bucket = 0.01

export class PlaceIndex {
  private buckets = new Map<number, { place: DemoPlace; a: LonLat; b: LonLat }[]>()

  constructor(places: readonly DemoPlace[]) {
    for (const place of places) {
      if (place.patrol_every_days === null) continue
      const g = place.geometry
      const lines: LonLat[][] =
        g.type === 'Point'
          ? [[g.coordinates as LonLat, g.coordinates as LonLat]]
          : g.type === 'LineString'
            ? [g.coordinates as LonLat[]]
            : g.type === 'Polygon'
              ? [g.coordinates[0] as LonLat[]]
              : g.coordinates.map((p) => p[0] as LonLat[])
      for (const line of lines)
        for (let i = 1; i < line.length; i++) {
          const key = this.key(line[i])
          const list = this.buckets.get(key) ?? []
          list.push({ place, a: line[i - 1], b: line[i] })
          this.buckets.set(key, list)
        }
    }
  }

  private key(p: LonLat): number {
    return Math.floor(p[0] / bucket) * 100000 + Math.floor(p[1] / bucket)
  }

  /**
   * The nearest patrolled place (of the given kinds) within maxMetres: 0 m when the point lies in
   * a polygon place; null if there is none.
   */
  nearest(
    p: LonLat,
    kinds?: readonly PlaceKind[],
    maxMetres = 8000,
  ): { place: DemoPlace; distance: number } | null {
    const cx = Math.floor(p[0] / bucket)
    const cy = Math.floor(p[1] / bucket)
    let best = null as { place: DemoPlace; distance: number } | null
    const reach = Math.ceil(maxMetres / 950)
    for (let r = 0; r <= reach; r++) {
      for (let dx = -r; dx <= r; dx++)
        for (let dy = -r; dy <= r; dy++) {
          if (Math.max(Math.abs(dx), Math.abs(dy)) !== r) continue
          for (const s of this.buckets.get((cx + dx) * 100000 + (cy + dy)) ?? []) {
            if (kinds && !kinds.includes(s.place.kind)) continue
            const d = distanceToSegment(p, s.a, s.b)
            if (!best || d < best.distance || (d === best.distance && s.place.id < best.place.id)) {
              best = { place: s.place, distance: d }
            }
          }
        }
      // Anything in a further ring of buckets is at least (r - 1) buckets away.
      if (best && best.distance < (r - 0.5) * 950) break
    }
    if (
      best &&
      best.place.geometry.type === 'Polygon' &&
      pointInPolygonRing(p, best.place.geometry.coordinates[0] as LonLat[])
    ) {
      return { place: best.place, distance: 0 }
    }
    if (best && best.distance > maxMetres) return null
    return best
  }
}

export { distance }
