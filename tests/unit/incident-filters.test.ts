import { describe, expect, it } from 'vitest'
import {
  defaultFilters,
  formatIncidentParts,
  matchesFilters,
  parseIncidentHash,
  windowRange,
  withIncidentParts,
} from '../../client/incident-filters.ts'
import type { IncidentFeature } from '../../client/incidents-api.ts'
import { clusterIncidents } from '../../client/map/incident-clusters.ts'

// The incident filters in the URL hash, the window they cover, and the client-side clustering.

describe('incident filters in the URL hash', () => {
  it('reads what it writes, leaving the view and other keys alone', () => {
    const filters = {
      window: { kind: 'preset', preset: '7d' },
      categories: ['dumping', 'poaching'],
      statuses: ['reported'],
    } as const
    const hash = withIncidentParts('#map=9.00/30.7800/119.9500&layers=boundaries&mode=map', filters, 42)
    expect(hash).toBe(
      '#map=9.00/30.7800/119.9500&layers=boundaries&mode=map&inc-window=7d&inc-category=poaching,dumping&inc-status=reported&incident=42',
    )
    expect(parseIncidentHash(hash)).toEqual({
      filters: { ...filters, categories: ['poaching', 'dumping'] },
      selected: 42,
    })
    // Written again with the defaults, only the incident keys go.
    expect(withIncidentParts(hash, defaultFilters, undefined)).toBe(
      '#map=9.00/30.7800/119.9500&layers=boundaries&mode=map',
    )
  })

  it('leaves defaults out and ignores broken values', () => {
    expect(formatIncidentParts(defaultFilters, undefined)).toEqual([])
    expect(
      parseIncidentHash('#inc-window=3d&inc-category=poaching,nonsense&inc-status=&incident=-1'),
    ).toEqual({
      filters: { ...defaultFilters, categories: ['poaching'] },
      selected: undefined,
    })
    // A custom window needs two valid days in order.
    expect(parseIncidentHash('#inc-from=2026-11-10&inc-to=2026-11-01').filters.window).toEqual(
      defaultFilters.window,
    )
    expect(parseIncidentHash('#inc-from=2026-11-01&inc-to=2026-11-10').filters.window).toEqual({
      kind: 'custom',
      from: '2026-11-01',
      to: '2026-11-10',
    })
  })

  it('counts presets back from now and takes custom days whole, in China Standard Time', () => {
    const now = new Date('2026-11-30T04:00:00Z')
    expect(windowRange({ kind: 'preset', preset: '24h' }, now)).toEqual({ from: '2026-11-29T04:00:00.000Z' })
    expect(windowRange({ kind: 'custom', from: '2026-11-01', to: '2026-11-10' }, now)).toEqual({
      from: '2026-10-31T16:00:00.000Z',
      to: '2026-11-10T16:00:00.000Z',
    })
  })

  it('tells whether a live incident passes the filters', () => {
    const range = { from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' }
    const incident = {
      category: 'poaching',
      status: 'reported',
      occurred_at: '2026-11-01T08:00:00Z',
    } as const
    expect(matchesFilters(incident, defaultFilters, range)).toBe(true)
    expect(matchesFilters(incident, { ...defaultFilters, statuses: ['resolved'] }, range)).toBe(false)
    expect(matchesFilters(incident, { ...defaultFilters, categories: ['dumping'] }, range)).toBe(false)
    expect(matchesFilters({ ...incident, occurred_at: '2026-11-02T00:00:00Z' }, defaultFilters, range)).toBe(
      false,
    )
  })
})

describe('incident clusters', () => {
  const incident = (id: number, lon: number, lat: number, category: string, status: string) =>
    ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [lon, lat] },
      properties: { id, category, status },
    }) as unknown as IncidentFeature

  it('groups nearby incidents, counts the open ones and names the most frequent category', () => {
    const clusters = clusterIncidents(
      [
        incident(1, 119.56, 30.556, 'poaching', 'reported'),
        incident(2, 119.561, 30.557, 'poaching', 'closed'),
        incident(3, 119.5605, 30.5562, 'dumping', 'resolved'),
        incident(4, 120.1, 30.9, 'illegal_fishing', 'closed'),
      ],
      9,
    )
    expect(clusters).toHaveLength(2)
    const fushi = clusters.find((c) => c.properties.count === 3)
    expect(fushi?.properties).toMatchObject({
      open: 1,
      top: 'poaching',
      categories: [
        ['poaching', 2],
        ['dumping', 1],
      ],
    })
    // At a high zoom the same incidents fall apart.
    expect(
      clusterIncidents(
        [
          incident(1, 119.56, 30.556, 'poaching', 'reported'),
          incident(2, 119.561, 30.557, 'poaching', 'closed'),
        ],
        16,
      ),
    ).toHaveLength(2)
  })
})
