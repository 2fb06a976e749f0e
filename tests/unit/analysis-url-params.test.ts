import { describe, expect, it } from 'vitest'
import { formatAnalysisParams, parseAnalysisParams } from '../../client/analysis/url-params.ts'
import { coverageColor, noDataColor } from '../../client/map/coverage-layer.ts'

describe('analysis state in the URL hash', () => {
  it('reads mode, window, colouring and selections, ignoring the view and broken values', () => {
    expect(
      parseAnalysisParams(
        '#map=9.00/30.7800/119.9500&layers=boundaries&mode=coverage&t=2026-10-01T06:00Z&win=7&hs=count&place=river-anji-003&cell=626,3600',
      ),
    ).toEqual({
      mode: 'coverage',
      end: Date.parse('2026-10-01T06:00:00Z'),
      days: 7,
      metric: 'count',
      place: 'river-anji-003',
      cell: '626,3600',
    })
    expect(parseAnalysisParams('#mode=radar&win=12&t=yesterday&hs=x&cell=1;2')).toEqual({})
  })

  it('starts from the incident filters when it has no window of its own', () => {
    // A custom incident window: whole China days, both included.
    expect(parseAnalysisParams('#inc-from=2026-10-01&inc-to=2026-10-07')).toEqual({
      end: Date.parse('2026-10-08T00:00:00+08:00'),
      days: 7,
    })
    expect(parseAnalysisParams('#inc-window=90d')).toEqual({ days: 90 })
    // Our own keys win.
    expect(parseAnalysisParams('#inc-window=90d&win=1')).toEqual({ days: 1 })
  })

  it('writes only what differs from the defaults, in a fixed order', () => {
    expect(formatAnalysisParams({ mode: 'map', days: 30, metric: 'gi' })).toEqual([])
    expect(
      formatAnalysisParams({
        mode: 'hotspots',
        end: Date.parse('2026-10-01T06:00:00Z'),
        days: 90,
        cell: '1,-2',
      }),
    ).toEqual(['mode=hotspots', 't=2026-10-01T06:00Z', 'win=90', 'cell=1,-2'])
    // At the end of the records the URL keeps no time, so the link follows new records.
    expect(formatAnalysisParams({ mode: 'coverage', end: 0, latest: true })).toEqual(['mode=coverage'])
  })
})

describe('coverage colours', () => {
  it('run from red through yellow at the 50 % threshold to green, grey without a figure', () => {
    expect(coverageColor(0)).toEqual([215, 48, 39, 255])
    expect(coverageColor(0.5)).toEqual([250, 204, 21, 255])
    expect(coverageColor(1)).toEqual([26, 152, 80, 255])
    expect(coverageColor(2)).toEqual(coverageColor(1))
    expect(coverageColor(undefined)).toEqual(noDataColor)
  })
})
