import { type Component, createEffect, createResource, on, onCleanup, Show } from 'solid-js'
import { formatNumber, t } from '../i18n/index.ts'
import type { TimeWindow } from '../incident-filters.ts'
import { formatMinutes } from '../incident-format.ts'
import type { FeedEntry } from '../incident-store.ts'
import { type Duration, incidentsApi } from '../incidents-api.ts'
import { messageOf } from '../map/layer-data.ts'

export interface HandlingTimeCardProps {
  /** The window's bounds (as the incident list was fetched). */
  range: { from: string; to?: string }
  window: TimeWindow
  /** The live feed: a change refreshes the figures a few seconds later. */
  feed: readonly FeedEntry[]
}

/** Handling times over the window: median minutes to dispatch, on scene, resolved; share within 30 min. */
export const HandlingTimeCard: Component<HandlingTimeCardProps> = (props) => {
  const [stats, { refetch }] = createResource(
    () => ({ from: props.range.from, to: props.range.to }),
    (range) => incidentsApi.stats(range),
  )
  // Live changes move the figures: refresh once things calm down, not on every event.
  let timer: ReturnType<typeof setTimeout> | undefined
  createEffect(
    on(
      () => props.feed[0]?.key,
      () => {
        clearTimeout(timer)
        timer = setTimeout(() => void refetch(), 4000)
      },
      { defer: true },
    ),
  )
  onCleanup(() => clearTimeout(timer))

  const statsError = () =>
    stats.error ? t('incident.loadFailed', { message: messageOf(stats.error) }) : undefined

  const windowLabel = () =>
    props.window.kind === 'custom'
      ? t('incident.window.range', { from: props.window.from, to: props.window.to })
      : t(`incident.window.long.${props.window.preset}`)

  const Figure: Component<{ label: string; duration: Duration; testid: string }> = (figure) => (
    <div
      class="inc-figure"
      data-testid={figure.testid}
      title={t('incident.stats.p90', { value: formatMinutes(figure.duration.p90) })}
    >
      <span class="inc-figure-value">{formatMinutes(figure.duration.median)}</span>
      <span class="inc-figure-label">{figure.label}</span>
    </div>
  )

  return (
    <section class="inc-section handling-card" aria-labelledby="handling-title" data-testid="handling-card">
      <div class="inc-section-head">
        <h3 id="handling-title">{t('incident.stats.title')}</h3>
        <span class="inc-note">{windowLabel()}</span>
      </div>
      <Show
        when={stats.latest?.total}
        fallback={<p class="inc-feed-empty">{statsError() ?? t('panel.loading')}</p>}
      >
        {(total) => (
          <>
            <div class="inc-figures">
              <Figure
                label={t('incident.stats.dispatch')}
                duration={total().minutes_to_dispatch}
                testid="median-dispatch"
              />
              <Figure
                label={t('incident.stats.onScene')}
                duration={total().minutes_to_on_scene}
                testid="median-on-scene"
              />
              <Figure
                label={t('incident.stats.resolve')}
                duration={total().minutes_to_resolve}
                testid="median-resolve"
              />
              <div class="inc-figure inc-within30" data-testid="share-30m">
                <span class="inc-figure-value">
                  {total().share_resolved_within_30m === null
                    ? '—'
                    : `${formatNumber((total().share_resolved_within_30m ?? 0) * 100)}%`}
                </span>
                <span class="inc-figure-label">{t('incident.stats.within30')}</span>
              </div>
            </div>
            <p class="inc-note">
              {t('incident.stats.basis', {
                count: formatNumber(total().count),
                resolved: formatNumber(total().resolved),
              })}
            </p>
          </>
        )}
      </Show>
    </section>
  )
}
