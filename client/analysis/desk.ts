import type { Layer } from '@deck.gl/core'
import type { Feature, Geometry } from 'geojson'
import { type Accessor, createMemo, createResource, type Resource } from 'solid-js'
import { analysisApi, type SupervisorSummary } from '../analysis-api.ts'
import { api, type BoundaryProps } from '../api.ts'
import { createDistrictCoverageLayer } from '../map/district-coverage-layer.ts'
import type { Window } from './time-window.ts'

/**
 * The supervisor's desk: the summary of the window (GET /api/summary) beside the map, whose
 * districts are washed in their coverage. Computing every place's coverage takes the server seconds,
 * so the summary follows the settled window only.
 */
export interface Desk {
  summary: Resource<SupervisorSummary>
  districts: Resource<Feature<Geometry, BoundaryProps>[]>
  retry: () => void
  layers: Accessor<Layer[]>
}

export function createDesk(options: {
  active: Accessor<boolean>
  window: Accessor<Window | undefined>
}): Desk {
  const source = () => {
    const w = options.window()
    return options.active() && w ? w : false
  }
  const [summary, { refetch }] = createResource(source, (w) => analysisApi.summary(w.from, w.to))
  const [districts] = createResource(options.active, async () =>
    (await api.layer('boundaries')).features.filter((f) => f.properties.level === 'district'),
  )
  const layers = createMemo<Layer[]>(() => {
    if (!options.active()) return []
    const shapes = districts.state === 'ready' ? districts() : undefined
    const figures = summary.state === 'errored' ? undefined : summary.latest
    if (!shapes || !figures) return []
    const coverage = new Map(figures.districts.map((d) => [Number(d.key), d.coverage]))
    return [createDistrictCoverageLayer(shapes, coverage)]
  })
  return { summary, districts, retry: refetch, layers }
}
