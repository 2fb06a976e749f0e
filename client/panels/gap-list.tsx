import { type Component, For, Show } from 'solid-js'
import { formatPercent } from '../analysis/format.ts'
import type { Gap, GapReport } from '../analysis-api.ts'
import { formatNumber, hasMessage, joinList, localName, t } from '../i18n/index.ts'
import { CoverageBar } from './coverage-bars.tsx'

/** 'Forest zone' for 'forest': the kind names the layer panel uses. */
export const kindName = (kind: string) => {
  const key = `kind.${kind}`
  return hasMessage(key) ? t(key) : kind
}

/** Overdue days as the list shows them: whole days from 10 on, one decimal below. */
export const formatDays = (days: number) => formatNumber(days, days >= 10 ? 0 : 1)

export interface GapListProps {
  report: GapReport
  selected: string | undefined
  onSelect: (placeId: string) => void
}

const chiefsShown = 3

/**
 * The gap list: places overdue or under-covered as of the window's end, most urgent (score) first.
 * Each row: name and kind, why it is a gap, overdue days, a coverage bar and the chiefs.
 */
export const GapList: Component<GapListProps> = (props) => (
  <div class="gap-list" data-testid="gap-list">
    <p class="gap-count" data-total={props.report.total}>
      {props.report.truncated
        ? t('gap.countTruncated', {
            total: formatNumber(props.report.total),
            shown: formatNumber(props.report.gaps.length),
          })
        : t('gap.count', { total: formatNumber(props.report.total) })}
    </p>
    <ol>
      <For each={props.report.gaps} fallback={<li class="muted">{t('gap.none')}</li>}>
        {(gap, index) => (
          <GapRow
            gap={gap}
            rank={index() + 1}
            selected={props.selected === gap.place.id}
            onSelect={() => props.onSelect(gap.place.id)}
          />
        )}
      </For>
    </ol>
  </div>
)

const GapRow: Component<{ gap: Gap; rank: number; selected: boolean; onSelect: () => void }> = (props) => {
  const chiefs = () => props.gap.chiefs.map((c) => localName(c))
  return (
    <li>
      <button
        type="button"
        class="gap-row"
        classList={{ selected: props.selected }}
        aria-pressed={props.selected}
        data-testid="gap-row"
        data-place-id={props.gap.place.id}
        onClick={() => props.onSelect()}
      >
        <span class="gap-rank">{props.rank}</span>
        <span class="gap-main">
          <span class="gap-title">
            <span class="gap-name">{localName(props.gap.place)}</span>
            <span class="gap-kind">{kindName(props.gap.place.kind)}</span>
          </span>
          <span class="gap-facts">
            <span class={`gap-reason ${props.gap.reason}`}>{t(`gap.reason.${props.gap.reason}`)}</span>
            <Show when={props.gap.overdue_days > 0}>
              <span class="gap-overdue">
                {t('gap.overdue', { days: formatDays(props.gap.overdue_days) })}
              </span>
            </Show>
            <span class="gap-coverage">
              <CoverageBar share={props.gap.coverage} small />
              {formatPercent(props.gap.coverage)}
            </span>
          </span>
          <span class="gap-chiefs" data-testid="gap-chiefs">
            <span class="gap-chiefs-label">{t('gap.chiefs')}: </span>
            <Show when={chiefs().length > 0} fallback={<span class="muted">{t('gap.noChiefs')}</span>}>
              {joinList(chiefs().slice(0, chiefsShown))}
              <Show when={chiefs().length > chiefsShown}>{` +${chiefs().length - chiefsShown}`}</Show>
            </Show>
          </span>
        </span>
      </button>
    </li>
  )
}
