import { createHash } from 'node:crypto'
import { booleanPointInPolygon } from '@turf/turf'
import type { Position } from 'geojson'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBaseGeoData } from '../../data/demo/base.ts'
import { buildGeography } from '../../data/demo/geography.ts'
import { generatePlaces } from '../../data/demo/places.ts'
import { Rng } from '../../data/demo/random.ts'
import type { DemoPlace, DemoWorld } from '../../data/demo/types.ts'
import { generateDemoWorld } from '../../data/demo/world.ts'

const seed = 20201201
const end = new Date('2025-06-30T16:00:00Z')
const ANJI = 330523

const hashOf = (world: DemoWorld) => createHash('sha256').update(JSON.stringify(world)).digest('hex')

/** Great-circle distance in metres. */
function haversine(a: Position, b: Position): number {
  const rad = Math.PI / 180
  const dLat = (b[1] - a[1]) * rad
  const dLon = (b[0] - a[0]) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h))
}

function positionsOf(place: DemoPlace): Position[] {
  const g = place.geometry
  switch (g.type) {
    case 'Point':
      return [g.coordinates]
    case 'LineString':
      return g.coordinates
    case 'Polygon':
      return g.coordinates.flat()
    case 'MultiPolygon':
      return g.coordinates.flat(2)
  }
}

describe('the demo world generator', () => {
  let world: DemoWorld
  const base = loadBaseGeoData()
  const districts = new Map(base.districts.features.map((f) => [f.properties.adcode, f]))
  const taihu = base.lakes.features.find((f) => f.properties.id === 'lake-taihu')

  beforeAll(() => {
    world = generateDemoWorld({ seed, end })
  }, 120_000)

  it('gives the same world for the same seed and end, another for another seed', () => {
    const again = generateDemoWorld({ seed, end })
    expect(hashOf(again)).toBe(hashOf(world))
    // Another seed changes the landform and so everything built on it (checked on the places, cheaper).
    const other = generatePlaces(buildGeography(seed + 1), new Rng(seed + 1, 'world').fork('places'))
    const ours = JSON.stringify(world.places.filter((p) => p.properties.synthetic))
    expect(JSON.stringify(other.places.filter((p) => p.properties.synthetic))).not.toBe(ours)
    expect(other.places.filter((p) => p.kind === 'reservoir' && p.district_code === ANJI)).toHaveLength(83)
  }, 120_000)

  it('has a seeded PRNG that repeats itself', () => {
    const a = new Rng(7, 'x')
    const b = new Rng(7, 'x')
    const c = new Rng(8, 'x')
    const seq = (r: Rng) => Array.from({ length: 5 }, () => r.next())
    const first = seq(a)
    expect(seq(b)).toEqual(first)
    expect(seq(c)).not.toEqual(first)
    expect(first.every((v) => v >= 0 && v < 1)).toBe(true)
  })

  it('has the counts of DOMAIN.md', () => {
    expect(world.chiefs).toHaveLength(2185)
    expect(world.stations).toHaveLength(15)
    expect(world.incidents.length).toBeGreaterThan(19000)
    expect(world.incidents.length).toBeLessThan(21000)
    expect(world.patrols.length).toBeGreaterThanOrEqual(5000)
    expect(world.patrols.length).toBeLessThanOrEqual(8000)
    const anji = (kind: string) =>
      world.places.filter((p) => p.kind === kind && p.district_code === ANJI).length
    expect(anji('river')).toBe(53)
    expect(anji('reservoir')).toBe(83)
    expect(anji('forest')).toBe(187)
    const chiefKinds = new Set(world.chiefs.map((c) => c.kind))
    for (const kind of [
      'river',
      'lake',
      'reservoir',
      'forest',
      'mine',
      'market',
      'road',
      'project',
      'scenic',
    ]) {
      expect(chiefKinds.has(kind as never), kind).toBe(true)
    }
  })

  it('gives every patrolled place a chief, and every chief a place', () => {
    const placesWithChief = new Set(world.chiefPlaces.map((l) => l.place_id))
    const chiefsWithPlace = new Set(world.chiefPlaces.map((l) => l.chief_id))
    const orphans = world.places.filter((p) => p.patrol_every_days !== null && !placesWithChief.has(p.id))
    expect(orphans.map((p) => p.id)).toEqual([])
    expect(world.chiefs.every((c) => chiefsWithPlace.has(c.id))).toBe(true)
    const ids = new Set(world.places.map((p) => p.id))
    expect(world.chiefPlaces.every((l) => ids.has(l.place_id))).toBe(true)
    expect(new Set(world.chiefs.map((c) => c.id)).size).toBe(world.chiefs.length)
  })

  it('has Fushi Reservoir in Anji and the cross-border Qiaoxi station', () => {
    const fushi = world.places.find((p) => p.id === 'reservoir-fushi')
    expect(fushi?.district_code).toBe(ANJI)
    const anji = districts.get(ANJI)
    expect(anji).toBeDefined()
    if (!fushi || !anji) return
    expect(positionsOf(fushi).every((p) => booleanPointInPolygon(p, anji))).toBe(true)
    expect(world.places.find((p) => p.id === 'water-source-fushi')?.properties.level).toMatch(
      /national first-class/,
    )

    const qiaoxi = world.stations.find((s) => s.id === 'station-qiaoxi')
    expect(qiaoxi?.cross_border).toBe(true)
    expect(qiaoxi?.provinces).toContain('Jiangsu')
    const outside = qiaoxi?.jurisdiction.coordinates
      .flat(2)
      .some((p) => ![...districts.values()].some((d) => booleanPointInPolygon(p, d)))
    expect(outside).toBe(true)
    expect(world.stations.find((s) => s.id === 'station-fushi')?.agencies).toEqual(
      expect.arrayContaining(['police', 'water', 'law_enforcement']),
    )
    expect(world.stations.some((s) => s.cross_border && s.provinces.includes('Anhui'))).toBe(true)
  })

  it('puts every generated place inside its own district and out of Taihu', () => {
    const problems: string[] = []
    for (const place of world.places) {
      if (!place.properties.synthetic) continue
      const district = place.district_code === null ? undefined : districts.get(place.district_code)
      if (!district) {
        problems.push(`${place.id}: no district`)
        continue
      }
      for (const p of positionsOf(place)) {
        if (!booleanPointInPolygon(p, district) || (taihu && booleanPointInPolygon(p, taihu))) {
          problems.push(`${place.id}: ${p.join(' ')}`)
          break
        }
      }
    }
    expect(problems).toEqual([])
  })

  it('records patrol tracks with increasing times and no jump faster than 150 km/h', () => {
    const problems: string[] = []
    for (const patrol of world.patrols) {
      const t = patrol.track
      if (t.length < 2 || t.length > 200) problems.push(`${patrol.id}: ${t.length} fixes`)
      if (patrol.started_at !== t[0][2] || patrol.ended_at !== t[t.length - 1][2])
        problems.push(`${patrol.id}: times`)
      if (patrol.ended_at > world.end || patrol.started_at < world.end - 366 * 86400)
        problems.push(`${patrol.id}: window`)
      for (let i = 1; i < t.length; i++) {
        const dt = t[i][2] - t[i - 1][2]
        if (dt <= 0) problems.push(`${patrol.id}: time goes back at ${i}`)
        else if ((haversine(t[i - 1], t[i]) / dt) * 3.6 > 150) problems.push(`${patrol.id}: too fast at ${i}`)
      }
    }
    expect(problems.slice(0, 10)).toEqual([])
    // One patrol at a time per chief.
    const byChief = new Map<string, { s: number; e: number }[]>()
    for (const p of world.patrols)
      byChief.set(p.chief_id, [...(byChief.get(p.chief_id) ?? []), { s: p.started_at, e: p.ended_at }])
    for (const list of byChief.values()) {
      list.sort((a, b) => a.s - b.s)
      for (let i = 1; i < list.length; i++) expect(list[i].s).toBeGreaterThan(list[i - 1].e)
    }
  })

  it('gives incidents a consistent history within the year', () => {
    const order = ['reported', 'dispatched', 'on_scene', 'resolved', 'closed']
    const start = world.end - 366 * 86400
    const problems: string[] = []
    for (const incident of world.incidents) {
      const e = incident.events
      const bad = (why: string) => problems.push(`${incident.id}: ${why}`)
      if (e[0].to_status !== 'reported' || e[0].at !== incident.reported_at) bad('first event')
      if (incident.reported_at < start) bad('before the year')
      if (e[e.length - 1].to_status !== incident.status) bad('status is not the last event')
      if (e[e.length - 1].at > world.end) bad('event after end')
      if (incident.occurred_at > incident.reported_at) bad('reported before it occurred')
      for (let i = 1; i < e.length; i++) {
        if (e[i].from_status !== e[i - 1].to_status) bad(`event ${i} does not follow`)
        if (e[i].at < e[i - 1].at) bad(`event ${i} goes back in time`)
        if (
          e[i].to_status !== 'cancelled' &&
          order.indexOf(e[i].to_status) !== order.indexOf(e[i - 1].to_status) + 1
        ) {
          bad(`event ${i} skips a step`)
        }
      }
    }
    expect(problems.slice(0, 10)).toEqual([])
    const statuses = new Set(world.incidents.map((i) => i.status))
    for (const s of ['closed', 'cancelled', 'resolved', 'reported'])
      expect(statuses.has(s as never), s).toBe(true)
    const ids = world.incidents.map((i) => i.id)
    expect(ids).toEqual(ids.map((_, k) => k + 1))
  })

  it('places incidents in Huzhou (or just across a line) near their place', () => {
    const placeIds = new Set(world.places.map((p) => p.id))
    expect(world.incidents.every((i) => i.place_id === null || placeIds.has(i.place_id))).toBe(true)
    const across = world.incidents.filter((i) => i.district_code === null)
    expect(across.length).toBeGreaterThan(50)
    expect(across.length).toBeLessThan(world.incidents.length * 0.05)
    const categories = new Set(world.incidents.map((i) => i.category))
    expect(categories.size).toBe(10)
    // Drowning risk is a summer thing.
    const month = (t: number) => new Date((t + 8 * 3600) * 1000).getUTCMonth()
    const drowning = world.incidents.filter((i) => i.category === 'drowning_risk')
    const summer = drowning.filter((i) => [5, 6, 7].includes(month(i.reported_at))).length
    expect(summer / drowning.length).toBeGreaterThan(0.5)
  })

  it('includes the Fushi Reservoir bird-trap case, handled within 30 minutes', () => {
    const incident = world.incidents.find((i) => i.id === world.highlights.fushiBirdTrapIncidentId)
    expect(incident).toMatchObject({
      category: 'poaching',
      source: 'app',
      place_id: 'reservoir-fushi',
      status: 'closed',
    })
    if (!incident?.resolved_at) throw new Error('the bird-trap case is not resolved')
    expect(incident.resolved_at - incident.reported_at).toBeLessThan(30 * 60)
    expect(incident.events.map((e) => e.to_status)).toEqual([
      'reported',
      'dispatched',
      'on_scene',
      'resolved',
      'closed',
    ])
  })
})
