import {
  batch,
  type Component,
  createEffect,
  createMemo,
  createResource,
  createSignal,
  onCleanup,
  Show,
} from 'solid-js'
import { asBaseHover, createAnalysis, hasAnalysisCard } from './analysis/analysis.ts'
import { api, type LayerId } from './api.ts'
import { locale, localName, t } from './i18n/index.ts'
import { createIncidents, IncidentsUi } from './incidents.tsx'
import { AnalysisTooltip } from './map/analysis-tooltip.tsx'
import { defaultVisibleLayers, isKnownLayer } from './map/catalog.ts'
import { IncidentTooltip, isIncidentLayer } from './map/incident-tooltip.tsx'
import { createLayerData, messageOf } from './map/layer-data.ts'
import { MapView } from './map/map-view.tsx'
import { type HoverInfo, Tooltip } from './map/tooltip.tsx'
import { defaultView, parseUrlView, type MapView as View, viewsDiffer, writeUrlView } from './map/url-view.ts'
import { AboutData } from './panels/about-data.tsx'
import { AnalysisPanels } from './panels/analysis-panels.tsx'
import { Header } from './panels/header.tsx'
import { ImportDialog } from './panels/import-dialog.tsx'
import { LayerPanel } from './panels/layer-panel.tsx'
import { ModeSwitch } from './panels/mode-switch.tsx'
import { EmptyNotice, ErrorNotice, LayerErrorsNotice, LoadingNotice } from './panels/notices.tsx'
import { StatusLine } from './panels/status-line.tsx'

const sameSet = (a: ReadonlySet<LayerId>, b: readonly LayerId[]) =>
  a.size === b.length && b.every((id) => a.has(id))

/**
 * The one screen: header, map with its layer panel, tooltip and notices, status line.
 * The root carries `data-map-state` (loading | ready | error) for tests and screen recorders.
 */
export const App: Component = () => {
  const initial = parseUrlView(location.hash)
  const [visible, setVisible] = createSignal<ReadonlySet<LayerId>>(
    new Set(initial.layers ?? defaultVisibleLayers),
  )
  const [view, setView] = createSignal<View>(initial.view ?? defaultView, {
    equals: (a, b) => !viewsDiffer(a, b),
  })
  const [health] = createResource(() => api.health())
  const [layerList, { refetch: refetchLayers }] = createResource(() => api.layers())
  // The analysis modes (analysis/analysis.ts): coverage and gaps, hotspots, the time window. They
  // draw their own base layers (the user's choice comes back with the map mode).
  const analysis = createAnalysis()
  const drawn = createMemo(() => analysis.drawnLayers(visible()))
  const layerData = createLayerData(drawn)
  const [hover, setHover] = createSignal<HoverInfo | null>(null)
  // Incidents and one-key dispatch (incidents.tsx): their layers, map clicks, panels and live feed.
  const incidents = createIncidents({ zoom: () => view().zoom })
  // Incidents live in the map mode; the analysis modes hide their layers, panels and map clicks.
  createEffect(() => incidents.setMap(analysis.mode() === 'map' ? analysis.map() : undefined))
  const [settled, setSettled] = createSignal(false)
  const [mapError, setMapError] = createSignal<string>()
  const [aboutOpen, setAboutOpen] = createSignal(false)
  const [importOpen, setImportOpen] = createSignal(false)
  const [errorsDismissed, setErrorsDismissed] = createSignal(false)

  // The URL keeps the view and the visible layers (url-view.ts says how).
  createEffect(() => writeUrlView(view(), visible()))
  const onHashChange = () => {
    const next = parseUrlView(location.hash)
    // Both at once, so the URL is not rewritten in between with the new view and the old layers.
    batch(() => {
      if (next.view) setView(next.view)
      if (next.layers && !sameSet(visible(), next.layers)) setVisible(new Set(next.layers))
    })
  }
  window.addEventListener('hashchange', onHashChange)
  onCleanup(() => window.removeEventListener('hashchange', onHashChange))

  createEffect(() => {
    document.documentElement.lang = locale()
    document.title = t('app.documentTitle')
  })

  const toggle = (id: LayerId, on: boolean) => {
    const next = new Set(visible())
    if (on) next.add(id)
    else next.delete(id)
    setVisible(next)
  }

  const layersError = () => (layerList.state === 'errored' ? messageOf(layerList.error) : undefined)
  const layers = () =>
    layerList.state === 'ready' || layerList.state === 'refreshing' ? layerList() : undefined
  const isEmpty = () => {
    const list = layers()
    if (!list) return false
    return list.filter((layer) => isKnownLayer(layer.id)).every((layer) => layer.count === 0)
  }
  const mapState = createMemo(() => {
    if (mapError() || layersError()) return 'error'
    if (!layers() || layerData.busy() || !settled()) return 'loading'
    // In the map mode the incidents are part of the picture: ready once they are drawn too.
    if (analysis.mode() === 'map' && incidents.store.loading()) return 'loading'
    return 'ready'
  })

  const districtNames = createMemo(() => {
    const names = new Map<number, string>()
    for (const f of layerData.all().boundaries?.features ?? []) {
      if (f.properties.level === 'district' && f.properties.adcode != null)
        names.set(f.properties.adcode, localName(f.properties))
    }
    return names
  })

  const stationNames = createMemo(() => {
    const names = new Map<string, string>()
    for (const f of layerData.all().stations?.features ?? [])
      names.set(f.properties.id, localName(f.properties))
    return names
  })

  return (
    <div
      class="app"
      data-map-state={mapState()}
      data-empty={isEmpty() ? 'true' : undefined}
      data-locale={locale()}
      data-visible-layers={[...visible()].join(',')}
      data-mode={analysis.mode()}
      data-picking={analysis.picking() ? 'true' : undefined}
    >
      <Header onAbout={() => setAboutOpen(true)} onImport={() => setImportOpen(true)}>
        <ModeSwitch mode={analysis.mode()} onChange={analysis.setMode} />
      </Header>
      <main class="app-main">
        <MapView
          view={view()}
          visible={drawn()}
          data={layerData.all()}
          onViewChange={setView}
          onHover={setHover}
          hoverable={analysis.drawing.state() !== 'drawing'}
          onSettledChange={setSettled}
          onMapError={setMapError}
          extraLayers={analysis.mode() === 'map' ? incidents.layers() : analysis.layers()}
          labelObstacles={analysis.labelObstacles()}
          onMap={analysis.setMap}
        />
        <Show when={analysis.mode() === 'map'}>
          <LayerPanel
            layers={layers()}
            visible={visible()}
            status={layerData.status}
            onToggle={toggle}
            onRetry={layerData.retry}
            onDefaults={() => setVisible(new Set(defaultVisibleLayers))}
          />
          <IncidentsUi incidents={incidents} />
        </Show>
        <AnalysisPanels analysis={analysis} />
        <Show when={hover()}>
          {(info) => (
            <Show
              when={!isIncidentLayer(info().layer)}
              fallback={<IncidentTooltip x={info().x} y={info().y} properties={info().properties} />}
            >
              <Show
                when={!hasAnalysisCard(info().layer)}
                fallback={
                  <AnalysisTooltip info={info()} coverage={(id) => analysis.coverageById()?.get(id)} />
                }
              >
                <Tooltip
                  info={asBaseHover(info())}
                  districtName={(code) => (code == null ? undefined : districtNames().get(code))}
                  stationName={(id) => (id == null ? undefined : stationNames().get(id))}
                />
              </Show>
            </Show>
          )}
        </Show>
        <Show when={mapState() === 'loading' && !layersError()}>
          <LoadingNotice drawing={layers() !== undefined && !layerData.busy()} />
        </Show>
        <Show when={mapError() ?? layersError()}>
          {(message) => (
            <ErrorNotice message={message()} onRetry={mapError() ? undefined : () => refetchLayers()} />
          )}
        </Show>
        <Show when={isEmpty()}>
          <EmptyNotice />
        </Show>
        <Show when={!errorsDismissed() && layerData.errors().length > 0}>
          <LayerErrorsNotice
            errors={layerData.errors()}
            onRetry={layerData.retry}
            onDismiss={() => setErrorsDismissed(true)}
          />
        </Show>
      </main>
      <StatusLine health={health} view={view()} />
      <Show when={aboutOpen()}>
        <AboutData onClose={() => setAboutOpen(false)} />
      </Show>
      <Show when={importOpen()}>
        <ImportDialog onClose={() => setImportOpen(false)} onImported={() => incidents.store.refetch()} />
      </Show>
    </div>
  )
}
