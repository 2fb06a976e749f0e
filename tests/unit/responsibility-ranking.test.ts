import { describe, expect, it } from 'vitest'
import {
  formatDistance,
  type NearChiefRow,
  type PlaceChiefRow,
  rankResponsible,
  type StationRow,
} from '../../server/domain/responsibility.ts'

const place = (over: Partial<PlaceChiefRow>): PlaceChiefRow => ({
  place_id: 'reservoir-fushi',
  place_kind: 'reservoir',
  place_name_zh: '赋石水库',
  place_name_en: 'Fushi Reservoir',
  place_distance_m: 0,
  chief_id: 'chief-a',
  chief_name_zh: '甲',
  chief_name_en: 'A',
  on_duty: true,
  chief_distance_m: 500,
  ...over,
})
const station = (over: Partial<StationRow>): StationRow => ({
  id: 'station-fushi',
  name_zh: '赋石水库站',
  name_en: 'Fushi Reservoir Station',
  cross_border: false,
  distance_m: 1500,
  ...over,
})
const near = (id: string, distance_m: number): NearChiefRow => ({ id, name_zh: id, name_en: id, distance_m })

describe('rankResponsible', () => {
  it('puts place chiefs first, then stations, then the nearest on-duty chiefs', () => {
    const ranked = rankResponsible(
      [place({ chief_id: 'chief-a' })],
      [station({})],
      [near('chief-n1', 800), near('chief-n2', 2000)],
    )
    expect(ranked.map((c) => [c.kind, c.id, c.reason.code])).toEqual([
      ['chief', 'chief-a', 'place_chief'],
      ['station', 'station-fushi', 'station_jurisdiction'],
      ['chief', 'chief-n1', 'nearest_on_duty_chief'],
      ['chief', 'chief-n2', 'nearest_on_duty_chief'],
    ])
  })

  it('orders place chiefs by the distance of their place, then on duty first, then by their own distance', () => {
    const ranked = rankResponsible(
      [
        place({
          place_id: 'forest-x',
          place_name_en: 'Forest',
          place_distance_m: 640,
          chief_id: 'chief-forest',
        }),
        place({ chief_id: 'chief-off', on_duty: false, chief_distance_m: 10 }),
        place({ chief_id: 'chief-far', chief_distance_m: 9000 }),
        place({ chief_id: 'chief-unknown', chief_distance_m: null }),
        place({ chief_id: 'chief-close', chief_distance_m: 300 }),
      ],
      [],
      [],
    )
    expect(ranked.map((c) => c.id)).toEqual([
      'chief-close',
      'chief-far',
      'chief-unknown',
      'chief-off',
      'chief-forest',
    ])
    expect(ranked[2]?.distance_m).toBeNull()
    expect(ranked[3]?.on_duty).toBe(false)
  })

  it('names each chief once, under the first reason', () => {
    const ranked = rankResponsible(
      [
        place({ chief_id: 'chief-a' }),
        place({ place_id: 'forest-x', place_distance_m: 200, chief_id: 'chief-a' }),
        place({ place_id: 'forest-x', place_distance_m: 200, chief_id: 'chief-b' }),
      ],
      [station({}), station({})],
      [near('chief-a', 100), near('chief-b', 150), near('chief-c', 900)],
      2,
    )
    expect(ranked.map((c) => c.id)).toEqual(['chief-a', 'chief-b', 'station-fushi', 'chief-c'])
    expect(ranked[0]?.reason.params).toMatchObject({ place_id: 'reservoir-fushi' })
    // The reason names the nearest place; `places` lists all of them.
    expect(ranked[0]?.places.map((p) => [p.id, p.distance_m])).toEqual([
      ['reservoir-fushi', 0],
      ['forest-x', 200],
    ])
    expect(ranked[1]?.places.map((p) => p.id)).toEqual(['forest-x'])
    expect(ranked[2]?.places).toEqual([])
    expect(ranked[3]?.places).toEqual([])
    expect(ranked[3]?.reason).toEqual({
      code: 'nearest_on_duty_chief',
      params: { rank: 1, distance_m: 900 },
      text: 'nearest on-duty chief no. 1, 900 m away',
    })
  })

  it('adds at most the asked number of nearest chiefs', () => {
    const nearest = [near('c1', 100), near('c2', 200), near('c3', 300), near('c4', 400)]
    expect(rankResponsible([], [], nearest, 2).map((c) => c.id)).toEqual(['c1', 'c2'])
    expect(rankResponsible([], [], nearest, 0)).toEqual([])
  })

  it('orders several stations by distance', () => {
    const ranked = rankResponsible(
      [],
      [station({ id: 's-far', distance_m: 9000 }), station({ id: 's-near', distance_m: 10 })],
      [],
    )
    expect(ranked.map((c) => c.id)).toEqual(['s-near', 's-far'])
    expect(ranked[0]?.on_duty).toBeNull()
  })

  it('gives a reason as code, parameters and text', () => {
    const [inside, beside] = rankResponsible(
      [place({ chief_id: 'a' }), place({ place_id: 'p2', place_distance_m: 119.6, chief_id: 'b' })],
      [],
      [],
    )
    expect(inside?.reason).toEqual({
      code: 'place_chief',
      params: {
        place_id: 'reservoir-fushi',
        place_kind: 'reservoir',
        place_name_zh: '赋石水库',
        place_name_en: 'Fushi Reservoir',
        place_distance_m: 0,
      },
      text: 'chief of 赋石水库 Fushi Reservoir, the point lies in it',
    })
    expect(beside?.reason.text).toBe('chief of 赋石水库 Fushi Reservoir, 120 m away')
    const [crossBorder] = rankResponsible(
      [],
      [station({ cross_border: true, name_zh: '侨委站', name_en: 'Qiaowei' })],
      [],
    )
    expect(crossBorder?.reason).toEqual({
      code: 'station_jurisdiction',
      params: { cross_border: true },
      text: 'the point lies in the jurisdiction of 侨委站 Qiaowei (cross-border)',
    })
  })

  it('rounds distances to whole metres', () => {
    const [chief] = rankResponsible([place({ chief_distance_m: 1234.56 })], [], [])
    expect(chief?.distance_m).toBe(1235)
  })
})

describe('formatDistance', () => {
  it('uses metres below a kilometre and kilometres above', () => {
    expect(formatDistance(0)).toBe('0 m')
    expect(formatDistance(119.6)).toBe('120 m')
    expect(formatDistance(999)).toBe('999 m')
    expect(formatDistance(2345)).toBe('2.3 km')
  })
})
