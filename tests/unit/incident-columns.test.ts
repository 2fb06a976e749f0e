import { describe, expect, it } from 'vitest'
import { decodeIncidentColumns, indexOfId, lonLatAt, occurredAt } from '../../client/incident-columns.ts'
import type { IncidentFeature } from '../../client/incidents-api.ts'
import { cellsOfColumns, clusterIncidents, clustersOfCells } from '../../client/map/incident-clusters.ts'
import { buildIncidentDots } from '../../client/map/incidents-layer.ts'
import { encodeColumns } from '../../server/domain/incident-columns.ts'

// The binary incident columns: what the server writes the client reads back, the drawing arrays
// built from them, and clusters from columns agreeing with clusters from features.

const categories = ['illegal_fishing', 'poaching', 'dumping'] as const
const statuses = ['reported', 'dispatched', 'on_scene', 'resolved', 'closed', 'cancelled'] as const
const categoryIndex = { illegal_fishing: 0, poaching: 1, dumping: 3 } as const

/** Rows as the server's query gives them (indexes into the full dictionaries), newest first. */
const rows = [
  { id: 9, lon: 119.9001234, lat: 30.8509876, category: 1, status: 0, occurred: 1_790_000_000 },
  { id: 7, lon: 119.9011, lat: 30.8511, category: 3, status: 4, occurred: 1_789_000_100 },
  { id: 5, lon: 120.1, lat: 30.9, category: 0, status: 3, occurred: 1_789_000_000 },
  { id: 2, lon: 119.9005, lat: 30.851, category: 1, status: 5, occurred: 1_789_500_000 },
]

const decode = (buffer: Buffer) =>
  decodeIncidentColumns(
    buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length) as ArrayBuffer,
  )

describe('incident columns', () => {
  it('reads back what the server writes', () => {
    const columns = decode(encodeColumns(rows, { limit: 10, truncated: false }))
    expect(columns.count).toBe(4)
    expect([...columns.ids]).toEqual([9, 7, 5, 2])
    const [lon, lat] = lonLatAt(columns, 0)
    expect(Math.abs(lon - 119.9001234)).toBeLessThan(1e-6)
    expect(Math.abs(lat - 30.8509876)).toBeLessThan(1e-6)
    expect(occurredAt(columns, 1).getTime()).toBe(1_789_000_100_000)
    expect([...columns.categories]).toEqual([1, 3, 0, 1])
    expect([...columns.statuses]).toEqual([0, 4, 3, 5])
    expect(indexOfId(columns, 5)).toBe(2)
    expect(indexOfId(columns, 6)).toBe(-1)
  })

  it('reads an empty answer', () => {
    const columns = decode(encodeColumns([], { limit: 10, truncated: false }))
    expect(columns.count).toBe(0)
    expect(indexOfId(columns, 1)).toBe(-1)
  })

  it('draws handled dots (closed and cancelled below resolved) and open ones apart, leaving out replaced rows', () => {
    const columns = decode(encodeColumns(rows, { limit: 10, truncated: false }))
    const dots = buildIncidentDots({ columns, hidden: new Set(), extra: [] })
    expect([...dots.handled.ids]).toEqual([7, 2, 5])
    expect([...dots.open.ids]).toEqual([9])
    // Open: full colour; cancelled: faintest.
    expect(dots.open.colors[3]).toBe(255)
    expect(dots.handled.colors[4 + 3]).toBe(70)
    const replaced = buildIncidentDots({ columns, hidden: new Set([indexOfId(columns, 7)]), extra: [] })
    expect([...replaced.handled.ids]).toEqual([2, 5])
  })

  it('clusters columns as it clusters the same incidents as features, at every coarser zoom', () => {
    const columns = decode(encodeColumns(rows, { limit: 10, truncated: false }))
    const features = rows.map(
      (row) =>
        ({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [row.lon, row.lat] },
          properties: {
            id: row.id,
            category: [...categories, 'wildlife_trade'].find(
              (c) => categoryIndex[c as keyof typeof categoryIndex] === row.category,
            ),
            status: statuses[row.status],
          },
        }) as unknown as IncidentFeature,
    )
    const finest = cellsOfColumns({ columns, hidden: new Set(), extra: [] }, 9)
    for (const zoom of [6, 8, 9]) {
      const fromColumns = clustersOfCells(finest, zoom).map((c) => c.properties)
      const fromFeatures = clusterIncidents(features, zoom).map((c) => c.properties)
      const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key)
      expect(fromColumns.sort(byKey)).toEqual(fromFeatures.sort(byKey))
    }
    const fushi = clustersOfCells(finest, 9).find((c) => c.properties.count === 3)
    expect(fushi?.properties).toMatchObject({ open: 1, top: 'poaching' })
  })
})
