import { type Component, createSignal, For, Match, Show, Switch } from 'solid-js'
import { formatNumber, t } from '../i18n/index.ts'
import { chinaDay, type IncidentFilters, type TimeWindow, windowPresets } from '../incident-filters.ts'
import { categoryName, formatClock, statusName, whereName } from '../incident-format.ts'
import type { FeedEntry } from '../incident-store.ts'
import type { IncidentsController } from '../incidents.tsx'
import {
  type IncidentCategory,
  type IncidentStatus,
  incidentCategories,
  incidentStatuses,
  openStatuses,
} from '../incidents-api.ts'
import { categoryColors, clusterBelowZoom, statusColors } from '../map/incident-style.ts'
import { messageOf } from '../map/layer-data.ts'
import { canOperate } from '../session.ts'
import { HandlingTimeCard } from './handling-time-card.tsx'
import { IncidentPanel } from './incident-panel.tsx'
import { ReportForm } from './report-form.tsx'

/**
 * The right-hand dock of the incident screens: the time window and the counts on top; below them the
 * report form while reporting, the open incident's panel, or the overview (category legend and
 * filter, status filter, handling times, live feed).
 */
export const IncidentsDock: Component<{ incidents: IncidentsController }> = (props) => {
  const inc = () => props.incidents
  return (
    <aside
      class="incidents-dock"
      aria-label={t('incident.dock.title')}
      data-testid="incidents-dock"
      data-live={inc().liveState()}
      data-loading={inc().store.loading() ? 'true' : undefined}
      data-incident-count={inc().store.summary().count}
    >
      <div class="inc-dock-head">
        <h2>{t('incident.dock.title')}</h2>
        <span
          class="inc-live"
          classList={{ on: inc().liveState() === 'open' }}
          title={t(`incident.live.${inc().liveState()}`)}
          data-testid="live-state"
        >
          <span class="inc-live-dot" aria-hidden="true" />
          {t(`incident.live.${inc().liveState()}`)}
        </span>
        <Show when={canOperate()}>
          <button
            type="button"
            class="inc-report-button"
            classList={{ active: inc().reporting() }}
            aria-pressed={inc().reporting()}
            data-testid="report-button"
            onClick={() => (inc().reporting() ? inc().cancelReport() : inc().startReport())}
          >
            {inc().reporting() ? t('incident.report.cancel') : t('incident.report.button')}
          </button>
        </Show>
      </div>
      <WindowPicker
        window={inc().filters().window}
        onChange={(window) => inc().setFilters({ ...inc().filters(), window })}
      />
      <div class="inc-summary" data-testid="incident-summary">
        <Show when={inc().store.loading()}>
          <span class="spinner small" role="status" aria-label={t('panel.loading')} />
        </Show>
        <span>
          {t('incident.summary', {
            count: formatNumber(inc().store.summary().count),
            open: formatNumber(inc().store.summary().open),
          })}
        </span>
        <Show when={inc().store.truncated()}>
          <span class="inc-warning">
            {t('incident.truncated', { limit: formatNumber(inc().store.limit() ?? 0) })}
          </span>
        </Show>
      </div>
      <Show when={inc().store.error()}>
        {(error) => (
          <div class="inc-dock-error" role="alert">
            {t('incident.loadFailed', { message: messageOf(error()) })}{' '}
            <button type="button" class="link-button small" onClick={() => inc().store.refetch()}>
              {t('panel.retry')}
            </button>
          </div>
        )}
      </Show>
      <div class="inc-dock-body">
        <Switch>
          <Match when={inc().reporting()}>
            <Show
              when={inc().reportAt()}
              fallback={
                <div class="inc-report-hint" data-testid="report-hint">
                  <strong>{t('incident.report.hintTitle')}</strong>
                  <p>{t('incident.report.hint')}</p>
                  <button
                    type="button"
                    class="link-button small"
                    data-testid="report-at-centre"
                    onClick={() => inc().reportAtCentre()}
                  >
                    {t('incident.report.atCentre')}
                  </button>
                </div>
              }
            >
              {(at) => (
                <ReportForm
                  position={at()}
                  onCancel={() => inc().cancelReport()}
                  onReported={(detail) => inc().reported(detail)}
                />
              )}
            </Show>
          </Match>
          <Match when={inc().selected()}>
            <IncidentPanel incidents={inc()} />
          </Match>
          <Match when={true}>
            <Overview incidents={inc()} />
          </Match>
        </Switch>
      </div>
    </aside>
  )
}

const WindowPicker: Component<{ window: TimeWindow; onChange: (window: TimeWindow) => void }> = (props) => {
  const [customOpen, setCustomOpen] = createSignal(props.window.kind === 'custom')
  const today = () => chinaDay(new Date())
  const [from, setFrom] = createSignal(
    props.window.kind === 'custom' ? props.window.from : chinaDay(new Date(Date.now() - 7 * 86_400_000)),
  )
  const [to, setTo] = createSignal(props.window.kind === 'custom' ? props.window.to : today())
  const valid = () => from() !== '' && to() !== '' && from() <= to()
  return (
    <div class="inc-window">
      <fieldset class="inc-segmented" aria-label={t('incident.window.label')}>
        <legend class="visually-hidden">{t('incident.window.label')}</legend>
        <For each={windowPresets}>
          {(preset) => (
            <button
              type="button"
              aria-pressed={props.window.kind === 'preset' && props.window.preset === preset}
              classList={{ active: props.window.kind === 'preset' && props.window.preset === preset }}
              data-window={preset}
              onClick={() => {
                setCustomOpen(false)
                props.onChange({ kind: 'preset', preset })
              }}
            >
              {t(`incident.window.${preset}`)}
            </button>
          )}
        </For>
        <button
          type="button"
          aria-pressed={props.window.kind === 'custom'}
          classList={{ active: props.window.kind === 'custom' || customOpen() }}
          data-window="custom"
          onClick={() => setCustomOpen(!customOpen())}
        >
          {t('incident.window.custom')}
        </button>
      </fieldset>
      <Show when={customOpen()}>
        <form
          class="inc-custom-window"
          onSubmit={(event) => {
            event.preventDefault()
            if (valid()) props.onChange({ kind: 'custom', from: from(), to: to() })
          }}
        >
          <label>
            <span>{t('incident.window.from')}</span>
            <input type="date" value={from()} max={today()} onInput={(e) => setFrom(e.currentTarget.value)} />
          </label>
          <label>
            <span>{t('incident.window.to')}</span>
            <input type="date" value={to()} max={today()} onInput={(e) => setTo(e.currentTarget.value)} />
          </label>
          <button type="submit" class="button inc-button-small" disabled={!valid()}>
            {t('incident.window.apply')}
          </button>
        </form>
        <p class="inc-window-note">{t('incident.window.note')}</p>
      </Show>
    </div>
  )
}

/** A set filter where "empty" means all: toggling the last one off (or the last one on) shows all. */
function toggled<T extends string>(current: readonly T[], all: readonly T[], value: T): T[] {
  const shown = new Set(current.length ? current : all)
  if (shown.has(value)) shown.delete(value)
  else shown.add(value)
  const next = all.filter((v) => shown.has(v))
  return next.length === 0 || next.length === all.length ? [] : next
}

const Overview: Component<{ incidents: IncidentsController }> = (props) => {
  const inc = () => props.incidents
  const filters = () => inc().filters()
  const setFilters = (next: Partial<IncidentFilters>) => inc().setFilters({ ...filters(), ...next })
  const counts = () => inc().store.summary().byCategory
  const categoryShown = (c: IncidentCategory) =>
    filters().categories.length === 0 || filters().categories.includes(c)
  const statusShown = (s: IncidentStatus) => filters().statuses.length === 0 || filters().statuses.includes(s)
  const onlyOpen = () =>
    filters().statuses.length === openStatuses.length &&
    openStatuses.every((s) => filters().statuses.includes(s))
  return (
    <div class="inc-overview">
      <section class="inc-section" aria-labelledby="incident-categories-title">
        <div class="inc-section-head">
          <h3 id="incident-categories-title">{t('incident.categories')}</h3>
          <Show when={filters().categories.length > 0}>
            <button type="button" class="link-button small" onClick={() => setFilters({ categories: [] })}>
              {t('incident.all')}
            </button>
          </Show>
        </div>
        <ul class="inc-category-legend">
          <For each={incidentCategories}>
            {(category) => (
              <li>
                <button
                  type="button"
                  class="inc-category-toggle"
                  classList={{ off: !categoryShown(category) }}
                  aria-pressed={categoryShown(category)}
                  data-category={category}
                  title={t('incident.categoryToggle')}
                  onClick={() =>
                    setFilters({ categories: toggled(filters().categories, incidentCategories, category) })
                  }
                >
                  <span class="incident-dot" style={{ '--c': categoryColors[category] }} aria-hidden="true" />
                  <span class="inc-category-name">{categoryName(category)}</span>
                  <span class="inc-category-count">
                    {categoryShown(category) ? formatNumber(counts().get(category) ?? 0) : ''}
                  </span>
                </button>
              </li>
            )}
          </For>
        </ul>
        <div class="inc-state-legend">
          <span>
            <span class="incident-dot open" style={{ '--c': '#6b7280' }} aria-hidden="true" />
            {t('incident.legend.open')}
          </span>
          <span>
            <span class="incident-dot faded" style={{ '--c': '#6b7280' }} aria-hidden="true" />
            {t('incident.legend.handled')}
          </span>
          <span>
            <span class="inc-cluster-swatch" aria-hidden="true">
              12
            </span>
            {t('incident.legend.cluster', { zoom: clusterBelowZoom })}
          </span>
        </div>
      </section>

      <section class="inc-section" aria-labelledby="incident-status-title">
        <div class="inc-section-head">
          <h3 id="incident-status-title">{t('incident.statuses')}</h3>
          <div class="inc-status-presets">
            <button
              type="button"
              class="link-button small"
              classList={{ current: filters().statuses.length === 0 }}
              onClick={() => setFilters({ statuses: [] })}
            >
              {t('incident.all')}
            </button>
            <button
              type="button"
              class="link-button small"
              classList={{ current: onlyOpen() }}
              data-testid="status-open-only"
              onClick={() => setFilters({ statuses: [...openStatuses] })}
            >
              {t('incident.openOnly')}
            </button>
          </div>
        </div>
        <div class="inc-status-chips">
          <For each={incidentStatuses}>
            {(status) => (
              <button
                type="button"
                class="inc-status-chip"
                classList={{ off: !statusShown(status) }}
                style={{ '--s': statusColors[status] }}
                aria-pressed={statusShown(status)}
                data-status-filter={status}
                onClick={() =>
                  setFilters({ statuses: toggled(filters().statuses, incidentStatuses, status) })
                }
              >
                {statusName(status)}
              </button>
            )}
          </For>
        </div>
      </section>

      <HandlingTimeCard range={inc().store.range()} window={filters().window} feed={inc().store.feed()} />

      <section class="inc-section" aria-labelledby="incident-feed-title">
        <div class="inc-section-head">
          <h3 id="incident-feed-title">{t('incident.feed.title')}</h3>
        </div>
        <FeedList feed={inc().store.feed()} onOpen={(id) => inc().select(id, { fly: true })} />
      </section>
    </div>
  )
}

/** What a change in the feed says: "New", "Dispatched", "On scene"… */
export function feedVerb(entry: FeedEntry): string {
  if (entry.type === 'incident.created') return t('incident.feed.created')
  return statusName(entry.incident.properties.status)
}

export const FeedList: Component<{ feed: readonly FeedEntry[]; onOpen: (id: number) => void }> = (props) => (
  <Show when={props.feed.length > 0} fallback={<p class="inc-feed-empty">{t('incident.feed.empty')}</p>}>
    <ol class="inc-feed-list" data-testid="feed-list">
      <For each={props.feed.slice(0, 8)}>
        {(entry) => (
          <li>
            <button
              type="button"
              class="inc-feed-item"
              data-feed-item={entry.key}
              data-incident-id={entry.incident.properties.id}
              data-event-type={entry.type}
              data-status={entry.incident.properties.status}
              onClick={() => props.onOpen(entry.incident.properties.id)}
            >
              <span class="inc-feed-time">{formatClock(entry.receivedAt)}</span>
              <span class="inc-feed-verb" style={{ '--s': statusColors[entry.incident.properties.status] }}>
                {feedVerb(entry)}
              </span>
              <span class="inc-feed-text">
                <span
                  class="incident-dot"
                  style={{ '--c': categoryColors[entry.incident.properties.category] }}
                />
                {t('incident.feed.at', {
                  category: categoryName(entry.incident.properties.category),
                  place: whereName(entry.incident.properties),
                })}
              </span>
            </button>
          </li>
        )}
      </For>
    </ol>
  </Show>
)
