import { type Accessor, createMemo, createResource, type Resource } from 'solid-js'
import { api, type LayerCollection, type LayerId } from '../api.ts'
import { layerCatalog } from './catalog.ts'

/** The features of every layer fetched so far. */
export type LayerDataMap = { [K in LayerId]?: LayerCollection<K> }

export interface LayerStatus {
  loading: boolean
  error: string | undefined
}

export interface LayerData {
  /** Everything fetched so far; a new object whenever a layer arrives. */
  all: Accessor<LayerDataMap>
  status: (id: LayerId) => LayerStatus
  /** Some visible layer is still on its way. */
  busy: Accessor<boolean>
  /** Messages of the layers that failed, by layer. */
  errors: Accessor<[LayerId, string][]>
  retry: (id: LayerId) => void
}

/**
 * One resource per layer, fetched the first time the layer is shown and kept afterwards, so toggling
 * a layer off and on again costs nothing. A failed layer keeps its error until retried.
 */
export function createLayerData(visible: Accessor<ReadonlySet<LayerId>>): LayerData {
  const entries = layerCatalog.map((definition) => {
    const id = definition.id
    // Once wanted, always wanted: the source never goes back to false, so no refetch on re-show.
    const wanted = createMemo<boolean>((was) => was || visible().has(id), false)
    const [resource, { refetch }] = createResource(
      () => (wanted() ? id : false),
      (layer: LayerId) => api.layer(layer),
    )
    return [id, { resource: resource as Resource<LayerCollection>, refetch }] as const
  })
  const byId = new Map(entries)

  const readyValue = (resource: Resource<LayerCollection>) =>
    resource.state === 'ready' || resource.state === 'refreshing' ? resource() : undefined

  const all = createMemo<LayerDataMap>(() => {
    const map: Record<string, LayerCollection | undefined> = {}
    for (const [id, { resource }] of entries) {
      const value = readyValue(resource)
      if (value) map[id] = value
    }
    return map as LayerDataMap
  })

  const status = (id: LayerId): LayerStatus => {
    const entry = byId.get(id)
    if (!entry) return { loading: false, error: undefined }
    const { resource } = entry
    return {
      loading: resource.state === 'pending' || resource.state === 'refreshing',
      error: resource.state === 'errored' ? messageOf(resource.error) : undefined,
    }
  }

  const busy = createMemo(() => [...visible()].some((id) => status(id).loading))

  const errors = createMemo(() =>
    entries.flatMap(([id]) => {
      const error = status(id).error
      return error ? [[id, error] as [LayerId, string]] : []
    }),
  )

  return {
    all,
    status,
    busy,
    errors,
    retry: (id) => {
      void byId.get(id)?.refetch()
    },
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
