import { booleanPointInPolygon, bbox as turfBbox } from '@turf/turf'
import { type Component, createMemo, createResource, For, Match, Show, Switch } from 'solid-js'
import { type Analysis, latestOf } from '../analysis/analysis.ts'
import { formatDate, formatMonth, formatShortDateTime } from '../analysis/format.ts'
import type { Window } from '../analysis/time-window.ts'
import { analysisApi, type HotspotFeature } from '../analysis-api.ts'
import type { BBox } from '../api.ts'
import { formatNumber, hasMessage, t } from '../i18n/index.ts'
import { messageOf } from '../map/layer-data.ts'
import { HotspotLegend } from './hotspot-legend.tsx'
import { Sparkline } from './sparkline.tsx'

const categoryName = (category: string) => {
  const key = `hs.category.${category}`
  return hasMessage(key) ? t(key) : category
}

/**
 * The hotspot mode's side panel: colouring and legend (Gi* explained in a sentence), the window's
 * summary, 3D, and the clicked cell: its incidents by category, Gi*, effort, emerging-hotspot class
 * and a sparkline of its incidents per month.
 */
export const HotspotPanel: Component<{ analysis: Analysis }> = (props) => {
  const a = () => props.analysis
  const collection = () => latestOf(a().hotspots)
  return (
    <section class="analysis-panel hotspot-panel" aria-label={t('hs.title')} data-testid="hotspot-panel">
      <header class="analysis-head">
        <h2>{t('hs.title')}</h2>
        <Show when={collection()}>
          {(c) => (
            <p class="muted" data-testid="hotspot-window">
              {t('time.window', {
                from: formatShortDateTime(Date.parse(c().from)),
                to: formatShortDateTime(Date.parse(c().to)),
              })}
            </p>
          )}
        </Show>
      </header>
      <div class="analysis-body">
        <HotspotLegend metric={a().metric()} onMetric={a().setMetric} />
        <Switch>
          <Match when={a().hotspots.state === 'errored'}>
            <p class="analysis-error" role="alert">
              {t('hs.failed', { message: messageOf(a().hotspots.error) })}
            </p>
          </Match>
          <Match when={a().hotspots.loading && !a().time.playing()}>
            <div class="analysis-loading" role="status" data-testid="hotspot-loading">
              <span class="spinner" aria-hidden="true" />
              <span>{t('hs.loading')}</span>
            </div>
          </Match>
        </Switch>
        <Show when={collection()}>
          {(c) => (
            <p class="hotspot-summary" data-testid="hotspot-summary">
              {t('hs.summary', {
                incidents: formatNumber(c().summary.incidents),
                hot: formatNumber(c().summary.hot),
                cold: formatNumber(c().summary.cold),
              })}
            </p>
          )}
        </Show>
        <label class="check-row">
          <input
            type="checkbox"
            checked={a().extruded()}
            onChange={(event) => a().setExtruded(event.currentTarget.checked)}
          />
          <span>{t('hs.extrude')}</span>
        </label>
        <Show when={a().selectedCellId()} fallback={<p class="muted hint">{t('hs.hint')}</p>}>
          {(id) => (
            <Show
              when={a().selectedCell()}
              fallback={
                <div class="cell-card" data-testid="hotspot-cell">
                  <p class="muted">{t('hs.cell.missing')}</p>
                </div>
              }
            >
              {(cell) => (
                <CellCard
                  analysis={a()}
                  id={id()}
                  cell={cell()}
                  window={{
                    from: Date.parse(collection()?.from ?? ''),
                    to: Date.parse(collection()?.to ?? ''),
                  }}
                />
              )}
            </Show>
          )}
        </Show>
      </div>
    </section>
  )
}

interface CellCardProps {
  analysis: Analysis
  id: string
  cell: HotspotFeature
  window: Window
}

const CellCard: Component<CellCardProps> = (props) => {
  const p = () => props.cell.properties
  /** The hexagon's centre: the mean of its six corners (the ring repeats the first). */
  const centre = () => {
    const ring = props.cell.geometry.coordinates[0]?.slice(0, -1) ?? []
    const mean = (i: number) => ring.reduce((sum, c) => sum + (c[i] ?? 0), 0) / Math.max(1, ring.length)
    return [mean(0), mean(1)] as const
  }
  // The incidents of the window in the hexagon: those in its bbox, then the ones inside it.
  const [incidents] = createResource(
    () => ({ cell: props.cell, window: props.window }),
    async ({ cell, window }) => {
      const answer = await analysisApi.incidentsIn(turfBbox(cell) as unknown as BBox, window.from, window.to)
      const counts = new Map<string, number>()
      for (const f of answer.features) {
        if (!booleanPointInPolygon(f.geometry.coordinates, cell)) continue
        counts.set(f.properties.category, (counts.get(f.properties.category) ?? 0) + 1)
      }
      return [...counts.entries()].sort((x, y) => y[1] - x[1])
    },
  )
  const trend = createMemo(() => latestOf(props.analysis.trend)?.features.find((f) => f.id === props.id))
  const trendTo = () => {
    const answer = latestOf(props.analysis.trend)
    return answer ? Date.parse(answer.to) : undefined
  }
  const steps = () => latestOf(props.analysis.trend)?.steps ?? []
  const maxCount = () => Math.max(1, ...(latestOf(incidents) ?? []).map(([, n]) => n))
  return (
    <div class="cell-card" data-testid="hotspot-cell" data-cell={props.id}>
      <header>
        <div>
          <strong>{t('hs.cell.title', { id: props.id })}</strong>
          <div class="muted small">
            {t('hs.cell.centre', { lon: formatNumber(centre()[0], 4), lat: formatNumber(centre()[1], 4) })}
          </div>
        </div>
        <button
          type="button"
          class="icon-button"
          aria-label={t('hs.cell.close')}
          title={t('hs.cell.close')}
          onClick={() => props.analysis.selectCell(undefined)}
        >
          ×
        </button>
      </header>
      <p>
        <span class={`class-chip ${p().class}`}>{t(`hs.class.${p().class}`)}</span>{' '}
        {t('hs.cell.count', { count: formatNumber(p().count) })}
      </p>
      <p class="muted small">
        {t('hs.cell.stats', {
          z: formatNumber(p().z, 2),
          p: p().p < 0.001 ? '< 0.001' : `= ${formatNumber(p().p, 3)}`,
        })}
        {' · '}
        {p().per_100km === null
          ? t('hs.cell.effortNone')
          : t('hs.cell.effort', {
              km: formatNumber(p().effort_km, 1),
              per: formatNumber(p().per_100km ?? 0, 1),
            })}
      </p>
      <h4>{t('hs.cell.byCategory')}</h4>
      <Switch>
        <Match when={incidents.loading}>
          <p class="muted small">{t('hs.cell.loading')}</p>
        </Match>
        <Match when={incidents.state === 'errored'}>
          <p class="form-error">{messageOf(incidents.error)}</p>
        </Match>
        <Match when={latestOf(incidents)}>
          {(rows) => (
            <ul class="category-bars" data-testid="cell-categories">
              <For each={rows()} fallback={<li class="muted">{t('hs.cell.noIncidents')}</li>}>
                {([category, count]) => (
                  <li>
                    <span class="bar-name">{categoryName(category)}</span>
                    <span class="category-bar">
                      <span style={{ width: `${(count / maxCount()) * 100}%` }} />
                    </span>
                    <span class="bar-value">{formatNumber(count)}</span>
                  </li>
                )}
              </For>
            </ul>
          )}
        </Match>
      </Switch>
      <h4>{t('hs.cell.trend', { date: trendTo() === undefined ? '…' : formatDate(trendTo() ?? 0) })}</h4>
      <Switch>
        <Match when={props.analysis.trend.loading && !trend()}>
          <p class="muted small">{t('hs.cell.loading')}</p>
        </Match>
        <Match when={props.analysis.trend.state === 'errored'}>
          <p class="form-error">{messageOf(props.analysis.trend.error)}</p>
        </Match>
        <Match when={trend()}>
          {(f) => (
            <div class="cell-trend" data-trend-class={f().properties.class}>
              <p>
                <span class={`emerging-chip ${f().properties.class}`}>
                  {t(`emerging.${f().properties.class}`)}
                </span>
                <span class="muted small"> · {t(`emerging.help.${f().properties.class}`)}</span>
              </p>
              <Sparkline
                values={f().properties.counts}
                label={t('hs.cell.trend', { date: formatDate(trendTo() ?? 0) })}
                firstLabel={steps()[0] ? formatMonth(Date.parse(steps()[0]?.start ?? '')) : ''}
                lastLabel={
                  steps().length > 0 ? formatMonth(Date.parse(steps()[steps().length - 1]?.start ?? '')) : ''
                }
              />
              <p class="muted small">
                {t('hs.cell.mk', {
                  trend: t(`hs.trend.${f().properties.trend}`),
                  p: formatNumber(f().properties.mann_kendall.p, 3),
                })}
              </p>
            </div>
          )}
        </Match>
        <Match when={latestOf(props.analysis.trend)}>
          <p class="muted small">{t('hs.cell.trendNone')}</p>
        </Match>
      </Switch>
    </div>
  )
}
