import { type Component, createSignal, For, onCleanup, Show } from 'solid-js'
import { formatDateTime, formatPercent } from '../analysis/format.ts'
import type { ChiefFeature } from '../analysis/place-shapes.ts'
import { analysisApi, type Gap, type PlaceCoverage } from '../analysis-api.ts'
import { formatNumber, localName, t } from '../i18n/index.ts'
import { messageOf } from '../map/layer-data.ts'
import { CoverageBar } from './coverage-bars.tsx'
import { formatDays, kindName } from './gap-list.tsx'

export interface PlaceCardProps {
  /** Name and kind of the place (from the gap, the coverage answer or the layer). */
  place: { id: string; kind: string; name_zh: string; name_en: string }
  gap: Gap | undefined
  coverage: PlaceCoverage | undefined
  /** The chiefs answering for it, with last known position and duty state. */
  chiefs: readonly ChiefFeature[]
  chiefsLoading: boolean
  /** The window the figures are for (ISO); the exact measurement is asked for the same one. */
  window: { from: string; to: string } | undefined
  onClose: () => void
  onPlanFor: (chiefId: string) => void
}

type Exact =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'done'; coverage: number }
  | { state: 'failed'; message: string }

/**
 * The map's coverage figures come from 250 m cells; this measures one place exactly on request
 * (buffers and intersections on the server), for the window shown.
 */
const ExactCoverage: Component<{ placeId: string; window: { from: string; to: string } }> = (props) => {
  const [exact, setExact] = createSignal<Exact>({ state: 'idle' })
  const controller = new AbortController()
  onCleanup(() => controller.abort())
  const measure = async () => {
    setExact({ state: 'loading' })
    try {
      const place = await analysisApi.exactCoverage(
        props.placeId,
        props.window.from,
        props.window.to,
        controller.signal,
      )
      setExact(
        place
          ? { state: 'done', coverage: place.coverage }
          : { state: 'failed', message: t('gap.exactNone') },
      )
    } catch (error) {
      if (!controller.signal.aborted) setExact({ state: 'failed', message: messageOf(error) })
    }
  }
  return (
    <p class="place-line muted small" data-testid="exact-coverage">
      {(() => {
        const e = exact()
        if (e.state === 'done') return t('gap.exactResult', { pct: formatPercent(e.coverage) })
        if (e.state === 'loading') return t('gap.exactLoading')
        return (
          <>
            {e.state === 'failed'
              ? `${t('gap.exactFailed', { message: e.message })} `
              : `${t('gap.cellsNote')} `}
            <button type="button" class="link-button small" onClick={measure}>
              {t('gap.exact')}
            </button>
          </>
        )
      })()}
    </p>
  )
}

/** The selected place: why it is a gap (or not), its figures, and the chiefs who answer for it. */
export const PlaceCard: Component<PlaceCardProps> = (props) => {
  const share = () => props.gap?.coverage ?? props.coverage?.coverage
  const last = () => props.gap?.last_patrolled_at ?? props.coverage?.last_patrolled_at ?? null
  const every = () => props.gap?.patrol_every_days ?? props.coverage?.patrol_every_days
  /** Chiefs from the layer (with duty state); the gap's names when the layer has not come yet. */
  const chiefRows = () =>
    props.chiefs.length > 0
      ? props.chiefs.map((c) => ({
          id: c.properties.id,
          name: localName(c.properties),
          onDuty: c.properties.on_duty,
        }))
      : (props.gap?.chiefs ?? []).map((c) => ({ id: c.id, name: localName(c), onDuty: undefined }))
  return (
    <section class="place-card" data-testid="place-card" data-place-id={props.place.id}>
      <header>
        <div>
          <div class="place-name">{localName(props.place)}</div>
          <div class="muted">{kindName(props.place.kind)}</div>
        </div>
        <button
          type="button"
          class="icon-button"
          aria-label={t('gap.close')}
          title={t('gap.close')}
          onClick={() => props.onClose()}
        >
          ×
        </button>
      </header>
      <Show when={props.gap} fallback={<p class="place-line muted">{t('gap.notGap')}</p>}>
        {(gap) => (
          <p class="place-line">
            <span class={`gap-reason ${gap().reason}`}>{t(`gap.reason.${gap().reason}`)}</span>
            <Show when={gap().overdue_days > 0}>
              {' '}
              <strong>{t('gap.overdue', { days: formatDays(gap().overdue_days) })}</strong>
            </Show>
            <span class="muted"> · {t('gap.score', { score: formatNumber(gap().score, 0) })}</span>
          </p>
        )}
      </Show>
      <Show when={share() !== undefined}>
        <p class="place-line place-coverage">
          <CoverageBar share={share() ?? 0} />
          <span>{t('gap.placeCoverage', { pct: formatPercent(share() ?? 0) })}</span>
        </p>
        <Show when={props.window}>
          {(window) => (
            <Show when={props.place.id} keyed>
              {(id) => <ExactCoverage placeId={id} window={window()} />}
            </Show>
          )}
        </Show>
      </Show>
      <p class="place-line muted">
        {last() ? t('gap.lastPatrol', { date: formatDateTime(Date.parse(last() ?? '')) }) : t('gap.never')}
        <Show when={every()}>
          {(days) => (
            <>
              {' · '}
              {t('gap.every', { days: formatNumber(days()) })}
            </>
          )}
        </Show>
      </p>
      <Show when={props.gap && props.gap.incidents_recent > 0}>
        <p class="place-line muted">
          {t('gap.incidents', { count: formatNumber(props.gap?.incidents_recent ?? 0) })}
        </p>
      </Show>
      <h4>{t('gap.chiefs')}</h4>
      <ul class="place-chiefs" data-testid="place-chiefs">
        <For
          each={chiefRows()}
          fallback={<li class="muted">{props.chiefsLoading ? t('gap.loadingChiefs') : t('gap.noChiefs')}</li>}
        >
          {(chief) => (
            <li>
              <span
                class="duty-dot"
                classList={{ on: chief.onDuty === true, off: chief.onDuty === false }}
                title={
                  chief.onDuty === undefined ? '' : chief.onDuty ? t('tooltip.onDuty') : t('tooltip.offDuty')
                }
              />
              <span class="chief-name">{chief.name}</span>
              <span class="muted">{chief.id}</span>
              <button type="button" class="link-button small" onClick={() => props.onPlanFor(chief.id)}>
                {t('gap.planFor')}
              </button>
            </li>
          )}
        </For>
      </ul>
    </section>
  )
}
