import { bbox as turfBbox } from '@turf/turf'
import { type Component, createSignal, For, Match, type ParentComponent, Show, Switch } from 'solid-js'
import { Portal } from 'solid-js/web'
import { type Analysis, latestOf } from '../analysis/analysis.ts'
import { chinaDate, formatPercent, formatShortDateTime } from '../analysis/format.ts'
import { analysisApi, type SupervisorSummary } from '../analysis-api.ts'
import { formatNumber, locale, localName, t } from '../i18n/index.ts'
import { categoryName } from '../incident-format.ts'
import { incidentCategories } from '../incidents-api.ts'
import { coverageStops } from '../map/coverage-layer.ts'
import { messageOf } from '../map/layer-data.ts'
import { mapImage } from '../map/snapshot.ts'
import { Brief } from './brief.tsx'
import { CategoryChart } from './category-chart.tsx'
import { CoverageLegend } from './coverage-help.tsx'

type Group = SupervisorSummary['districts'][number]
type Duration = NonNullable<Group['handling']>['minutes_to_dispatch']

const minutes = (value: number | null | undefined) =>
  value == null ? '—' : formatNumber(value, value < 10 ? 1 : 0)
const pair = (d: Duration | undefined) => (d ? `${minutes(d.median)} / ${minutes(d.p90)}` : '—')
const share = (value: number | null | undefined) => (value == null ? '—' : formatPercent(value))

/** The incident filters of the map mode (their URL keys), for the incidents export. */
function incidentFilters(): Record<string, string> {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''))
  const filters: Record<string, string> = {}
  const category = params.get('inc-category')
  const status = params.get('inc-status')
  if (category) filters.category = category
  if (status) filters.status = status
  return filters
}

const exportFiles: { dataset: 'incidents' | 'patrols' | 'gaps' | 'coverage'; formats: string[] }[] = [
  { dataset: 'incidents', formats: ['csv', 'geojson'] },
  { dataset: 'patrols', formats: ['csv', 'geojson', 'gpx'] },
  { dataset: 'gaps', formats: ['csv', 'geojson'] },
  { dataset: 'coverage', formats: ['csv', 'geojson'] },
]

/**
 * The supervisor's desk beside the map: key figures of the window against the one before, incidents
 * by category (a chart), per district and kind of place coverage, overdue places, incidents and
 * handling times, the chiefs with overdue places; exports of the window, a map image and the brief.
 * Every figure is a link to the map showing it (the mode, the district framed, the incident filter).
 */
export const DeskPanel: Component<{ analysis: Analysis }> = (props) => {
  const a = () => props.analysis
  const summary = () => latestOf(a().desk.summary)
  const [briefOpen, setBriefOpen] = createSignal(false)
  const [imageError, setImageError] = createSignal<string>()

  /** Opens the map on what a figure counts: its mode, its district framed, its incidents filtered. */
  const showOnMap = (target: { mode: 'map' | 'coverage'; district?: string | null; category?: string }) => {
    const s = summary()
    const map = a().map()
    if (!s || !map) return
    const params = new URLSearchParams(location.hash.replace(/^#/, ''))
    for (const key of ['mode', 'inc-window', 'inc-from', 'inc-to', 'inc-category', 'incident'])
      params.delete(key)
    if (target.mode === 'map') {
      params.set('inc-from', chinaDate(Date.parse(s.from)))
      params.set('inc-to', chinaDate(Date.parse(s.to) - 1))
      if (target.category) params.set('inc-category', target.category)
    } else params.set('mode', target.mode)
    const district = a()
      .desk.districts()
      ?.find((d) => String(d.properties.adcode) === target.district)
    if (district) {
      const [minX, minY, maxX, maxY] = turfBbox(district)
      const camera = map.cameraForBounds(
        [
          [minX, minY],
          [maxX, maxY],
        ],
        { padding: 40 },
      )
      const centre = camera?.center && 'lng' in camera.center ? camera.center : undefined
      if (camera?.zoom !== undefined && centre)
        params.set('map', `${camera.zoom.toFixed(2)}/${centre.lat.toFixed(4)}/${centre.lng.toFixed(4)}`)
    }
    location.hash = decodeURIComponent(params.toString())
  }

  const saveImage = async () => {
    const map = a().map()
    const s = summary()
    if (!map || !s) return
    setImageError(undefined)
    try {
      const blob = await mapImage(
        map,
        `${t('desk.legend.coverage')} · ${formatShortDateTime(Date.parse(s.from))} – ${formatShortDateTime(Date.parse(s.to))}`,
        {
          title: t('desk.legend.coverage'),
          stops: coverageStops,
          labels: [formatPercent(0), formatPercent(0.5), formatPercent(1)],
        },
      )
      const link = document.createElement('a')
      link.href = URL.createObjectURL(blob)
      link.download = `shanshui-map-${chinaDate(Date.parse(s.to) - 1)}.png`
      link.click()
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000)
    } catch (error) {
      setImageError(messageOf(error))
    }
  }

  const categoriesShown = () => {
    const s = summary()
    if (!s) return []
    return incidentCategories.filter((c) => (s.total.by_category[c] ?? 0) > 0 || previousOf(s, c) > 0)
  }

  return (
    <section class="analysis-panel desk-panel" aria-label={t('desk.title')} data-testid="desk-panel">
      <header class="analysis-head">
        <h2>{t('desk.title')}</h2>
        <Show when={summary()}>
          {(s) => (
            <p class="muted" data-testid="desk-window">
              {t('desk.window', {
                from: formatShortDateTime(Date.parse(s().from)),
                to: formatShortDateTime(Date.parse(s().to)),
                days: formatNumber((Date.parse(s().to) - Date.parse(s().from)) / 86_400_000),
              })}
            </p>
          )}
        </Show>
      </header>
      <div class="analysis-body">
        <Switch>
          <Match when={a().desk.summary.state === 'errored'}>
            <div class="analysis-error" role="alert">
              <p>{t('desk.failed', { message: messageOf(a().desk.summary.error) })}</p>
              <button type="button" class="button" onClick={() => a().desk.retry()}>
                {t('desk.retry')}
              </button>
            </div>
          </Match>
          <Match when={a().desk.summary.loading}>
            <div class="analysis-loading" role="status" aria-live="polite" data-testid="desk-loading">
              <span class="spinner" aria-hidden="true" />
              <div>
                {t('desk.loading')}
                <div class="progress" aria-hidden="true">
                  <span />
                </div>
              </div>
            </div>
          </Match>
        </Switch>
        <Show when={summary()}>
          {(s) => (
            <div
              class="desk-figures"
              data-testid="desk-figures"
              classList={{ stale: a().desk.summary.loading }}
            >
              <div class="desk-actions">
                <button
                  type="button"
                  class="button"
                  data-testid="desk-brief"
                  onClick={() => setBriefOpen(true)}
                >
                  {t('desk.brief')}
                </button>
                <button
                  type="button"
                  class="small-button"
                  data-testid="desk-image"
                  onClick={() => void saveImage()}
                >
                  {t('desk.snapshot')}
                </button>
              </div>
              <Show when={imageError()}>{(message) => <p class="form-error">{message()}</p>}</Show>
              <KeyFigures summary={s()} onShow={showOnMap} />
              <CoverageLegend />

              <h3>{t('desk.chart.title')}</h3>
              <CategoryChart
                categories={categoriesShown()}
                labels={categoriesShown().map((c) => categoryName(c))}
                current={categoriesShown().map((c) => s().total.by_category[c] ?? 0)}
                previous={categoriesShown().map((c) => previousOf(s(), c))}
                currentLabel={t('desk.chart.current')}
                previousLabel={t('desk.chart.previous')}
                onSelect={(category) => showOnMap({ mode: 'map', category })}
              />

              <h3>{t('desk.districts')}</h3>
              <GroupTable
                groups={s().districts.filter((g) => g.key !== null)}
                name={(g) => localName({ name_zh: g.name_zh, name_en: g.name_en })}
                onShow={(g, mode) => showOnMap({ mode, district: g.key })}
                testId="desk-districts"
              />
              <h3>{t('desk.kinds')}</h3>
              <GroupTable
                groups={s().kinds.filter((g) => g.key !== null && g.places > 0)}
                name={(g) => t(`kind.${g.key}` as 'kind.river')}
                onShow={(_g, mode) => showOnMap({ mode })}
                testId="desk-kinds"
              />

              <h3>{t('desk.chiefs')}</h3>
              <table class="desk-table" data-testid="desk-chiefs">
                <thead>
                  <tr>
                    <th>{t('desk.col.name')}</th>
                    <th>{t('desk.col.places')}</th>
                    <th>{t('desk.col.km')}</th>
                    <th>{t('desk.col.overdue')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For
                    each={s()
                      .chiefs.filter((c) => c.overdue > 0)
                      .slice(0, 15)}
                    fallback={
                      <tr>
                        <td colSpan={4}>{t('desk.none')}</td>
                      </tr>
                    }
                  >
                    {(chief) => (
                      <tr>
                        <td>{localName(chief)}</td>
                        <td>{formatNumber(chief.places)}</td>
                        <td>{formatNumber(chief.km_patrolled, 1)}</td>
                        <td>
                          <FigureLink
                            onClick={() =>
                              showOnMap({ mode: 'coverage', district: String(chief.district_code) })
                            }
                          >
                            {formatNumber(chief.overdue)}
                          </FigureLink>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>

              <h3>{t('desk.exports')}</h3>
              <ul class="desk-exports" data-testid="desk-exports">
                <For each={exportFiles}>
                  {(file) => (
                    <li>
                      <span>{t(`desk.export.${file.dataset}`)}</span>
                      <For each={file.formats}>
                        {(format) => (
                          <a
                            class="small-button"
                            href={analysisApi.exportUrl(
                              `${file.dataset}.${format}`,
                              Date.parse(s().from),
                              Date.parse(s().to),
                              locale(),
                              file.dataset === 'incidents' ? incidentFilters() : {},
                            )}
                            download=""
                          >
                            {format.toUpperCase()}
                          </a>
                        )}
                      </For>
                    </li>
                  )}
                </For>
              </ul>
            </div>
          )}
        </Show>
      </div>
      <Show when={briefOpen() && summary()}>
        {(s) => (
          <Portal>
            <Brief summary={s()} map={a().map()} onClose={() => setBriefOpen(false)} />
          </Portal>
        )}
      </Show>
    </section>
  )
}

const previousOf = (s: SupervisorSummary, category: string) => s.total.by_category_previous[category] ?? 0

const KeyFigures: Component<{
  summary: SupervisorSummary
  onShow: (target: { mode: 'map' | 'coverage' }) => void
}> = (props) => {
  const total = () => props.summary.total
  const delta = () => total().incidents - total().incidents_previous
  return (
    <div class="desk-keys" data-testid="desk-keys">
      <button type="button" class="desk-key" onClick={() => props.onShow({ mode: 'coverage' })}>
        <span class="desk-key-value">{share(total().coverage)}</span>
        <span class="desk-key-label">{t('desk.key.coverage')}</span>
      </button>
      <button type="button" class="desk-key" onClick={() => props.onShow({ mode: 'coverage' })}>
        <span class="desk-key-value">{formatNumber(total().overdue)}</span>
        <span class="desk-key-label">{t('desk.key.overdue')}</span>
      </button>
      <button type="button" class="desk-key" onClick={() => props.onShow({ mode: 'map' })}>
        <span class="desk-key-value">{formatNumber(total().incidents)}</span>
        <span class="desk-key-label">{t('desk.key.incidents')}</span>
        <span class="desk-key-trend" classList={{ up: delta() > 0, down: delta() < 0 }}>
          {t('desk.trend', {
            sign: delta() > 0 ? '+' : delta() < 0 ? '−' : '±',
            delta: formatNumber(Math.abs(delta())),
          })}
        </span>
      </button>
      <div class="desk-key">
        <span class="desk-key-value">{minutes(total().handling?.minutes_to_dispatch.median)}</span>
        <span class="desk-key-label">{t('desk.key.dispatch')}</span>
      </div>
      <div class="desk-key">
        <span class="desk-key-value">{share(total().handling?.share_resolved_within_30m)}</span>
        <span class="desk-key-label">{t('desk.key.within30')}</span>
      </div>
    </div>
  )
}

/** A figure that opens the map on what it counts. */
const FigureLink: ParentComponent<{ onClick: () => void }> = (props) => (
  <button type="button" class="link-like" title={t('desk.link')} onClick={() => props.onClick()}>
    {props.children}
  </button>
)

const GroupTable: Component<{
  groups: Group[]
  name: (group: Group) => string
  onShow: (group: Group, mode: 'map' | 'coverage') => void
  testId: string
}> = (props) => (
  <table class="desk-table" data-testid={props.testId}>
    <thead>
      <tr>
        <th>{t('desk.col.name')}</th>
        <th>{t('desk.col.coverage')}</th>
        <th>{t('desk.col.overdue')}</th>
        <th>{t('desk.col.incidents')}</th>
        <th>{t('desk.col.dispatch')}</th>
        <th>{t('desk.col.resolve')}</th>
        <th>{t('desk.col.within30')}</th>
      </tr>
    </thead>
    <tbody>
      <For each={props.groups}>
        {(group) => (
          <tr data-key={group.key}>
            <td>{props.name(group)}</td>
            <td>
              <FigureLink onClick={() => props.onShow(group, 'coverage')}>{share(group.coverage)}</FigureLink>
            </td>
            <td>
              <FigureLink onClick={() => props.onShow(group, 'coverage')}>
                {formatNumber(group.overdue)}
              </FigureLink>
            </td>
            <td>
              <FigureLink onClick={() => props.onShow(group, 'map')}>
                {formatNumber(group.incidents)}
              </FigureLink>
              <span class="muted small"> ({formatNumber(group.incidents_previous)})</span>
            </td>
            <td>{pair(group.handling?.minutes_to_dispatch)}</td>
            <td>{pair(group.handling?.minutes_to_resolve)}</td>
            <td>{share(group.handling?.share_resolved_within_30m)}</td>
          </tr>
        )}
      </For>
    </tbody>
  </table>
)
