import { describe, expect, it } from 'vitest'
import type { ChiefFeature } from '../../client/analysis/place-shapes.ts'
import type { LayerCollection } from '../../client/api.ts'
import {
  type LabelCandidate,
  labelCandidates,
  placeLabels,
  textWidth,
} from '../../client/map/labels-layer.ts'
import { selectedChiefObstacles } from '../../client/map/selected-chiefs-layer.ts'

/** Degrees of longitude per pixel at zoom 12 (512-pixel tiles). */
const degreesPerPixel = 360 / (512 * 2 ** 12)

const at = (pixelsEast: number): [number, number] => [119.9 + pixelsEast * degreesPerPixel, 30.9]

const label = (key: string, pixelsEast: number, priority = 200): LabelCandidate => ({
  key,
  text: 'Xitiaoxi',
  position: at(pixelsEast),
  size: 11.5,
  color: [0, 0, 0, 255],
  priority,
  minZoom: 0,
  style: 'place',
  offset: [0, 0],
})

const chief = (name: string, position: [number, number]): ChiefFeature => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates: position },
  properties: { name_en: name } as ChiefFeature['properties'],
})

describe('label placement', () => {
  it('keeps the lower of two overlapping labels out, and both when they are apart', () => {
    const apart = placeLabels([label('a', 0, 300), label('b', 200)], 12)
    expect(apart.map((c) => c.key)).toEqual(['a', 'b'])
    const close = placeLabels([label('a', 0), label('b', 30, 300)], 12)
    expect(close.map((c) => c.key)).toEqual(['b'])
  })

  it("makes way for a selected chief's dot and name, which run right of the dot", () => {
    const name = 'Qiu Xiaoyan'
    const obstacles = selectedChiefObstacles([chief(name, at(0))], {
      getName: (c) => c.properties.name_en ?? '',
    })
    expect(obstacles).toHaveLength(1)
    const nameEnd = 10 + textWidth(name, 13)
    const halfLabel = textWidth('Xitiaoxi', 11.5) / 2 + 4
    // Over the name, over the dot, and just clear of the name's end.
    const onName = label('on-name', nameEnd / 2)
    const onDot = label('on-dot', -halfLabel + 2)
    const clear = label('clear', nameEnd + halfLabel + 1)
    const placed = placeLabels([onName, onDot, clear], 12, obstacles).map((c) => c.key)
    expect(placed).toEqual(['clear'])
    // Without the chief, the label over its name has room.
    expect(placeLabels([onName], 12).map((c) => c.key)).toEqual(['on-name'])
  })

  it("moves a place's name a line up when its middle is taken", () => {
    // An 80 × 40 pixel square lake.
    const north = 30.9 + 40 * degreesPerPixel
    const lakes = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: {
            type: 'Polygon',
            coordinates: [[at(-40), at(40), [at(40)[0], north], [at(-40)[0], north], at(-40)]],
          },
          properties: { id: 'lake-1', name_en: 'Guanao Yang' },
        },
      ],
    } as unknown as LayerCollection<'lakes'>
    const candidates = labelCandidates({ lakes }, new Set(['lakes']), (p) => p.name_en ?? '')
    expect(candidates).toHaveLength(1)
    expect(placeLabels(candidates, 12)[0]?.offset).toEqual([0, 0])
    // A chief standing on the lake's middle.
    const middle = candidates[0]?.position ?? [0, 0]
    const obstacles = selectedChiefObstacles([chief('Zhu Yan', middle)], { getName: () => 'Zhu Yan' })
    const placed = placeLabels(candidates, 12, obstacles)
    expect(placed).toHaveLength(1)
    expect(placed[0]?.offset[0]).toBe(0)
    expect(placed[0]?.offset[1]).toBeLessThan(0)
  })

  it('leaves chiefs without a known position out', () => {
    const unplaced: ChiefFeature = {
      ...chief('Nowhere', at(0)),
      geometry: null as unknown as ChiefFeature['geometry'],
    }
    expect(selectedChiefObstacles([unplaced], { getName: () => 'Nowhere' })).toEqual([])
  })
})
