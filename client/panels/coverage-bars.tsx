import { type Component, createMemo, createSignal, For, Show } from 'solid-js'
import { formatPercent } from '../analysis/format.ts'
import type { CoverageReport } from '../analysis-api.ts'
import { formatNumber, localName, t } from '../i18n/index.ts'
import { coverageColor } from '../map/coverage-layer.ts'

/** A share as a bar in the coverage ramp's colour, with the 50 % gap threshold marked. */
export const CoverageBar: Component<{ share: number; small?: boolean }> = (props) => {
  const color = () => {
    const [r, g, b] = coverageColor(props.share)
    return `rgb(${r} ${g} ${b})`
  }
  return (
    <span class="coverage-bar" classList={{ small: props.small }} aria-hidden="true">
      <span
        class="coverage-fill"
        style={{ width: `${Math.max(0, Math.min(1, props.share)) * 100}%`, background: color() }}
      />
      <span class="coverage-threshold" />
    </span>
  )
}

export interface CoverageBarsProps {
  report: CoverageReport
  /** Hands a chief to the patrol suggestion form. */
  onPlanFor: (chiefId: string) => void
}

const pageSize = 15

/**
 * For supervisors: coverage per district and per chief in the window (weighted by patrol length,
 * docs/definitions.md), lowest first; chiefs can be searched by name or id.
 */
export const CoverageBars: Component<CoverageBarsProps> = (props) => {
  const [filter, setFilter] = createSignal('')
  const [shown, setShown] = createSignal(pageSize)
  const districts = createMemo(() => [...props.report.districts].sort((a, b) => a.coverage - b.coverage))
  const chiefs = createMemo(() => {
    const needle = filter().trim().toLowerCase()
    const list = needle
      ? props.report.chiefs.filter(
          (c) =>
            c.chief_id.toLowerCase().includes(needle) ||
            c.name_zh.includes(needle) ||
            c.name_en.toLowerCase().includes(needle),
        )
      : props.report.chiefs
    return [...list].sort((a, b) => a.coverage - b.coverage || b.places - a.places)
  })
  return (
    <div class="coverage-bars" data-testid="coverage-bars">
      <h3>{t('bars.districts')}</h3>
      <ul class="bar-list">
        <For each={districts()}>
          {(district) => (
            <li class="bar-row" data-district={district.district_code ?? ''}>
              <span class="bar-name">
                {district.district_code == null
                  ? t('bars.noDistrict')
                  : localName({ name_zh: district.name_zh, name_en: district.name_en })}
              </span>
              <CoverageBar share={district.coverage} />
              <span class="bar-value">{formatPercent(district.coverage)}</span>
              <span class="bar-note">{t('bars.places', { count: formatNumber(district.places) })}</span>
            </li>
          )}
        </For>
      </ul>
      <h3>{t('bars.chiefs')}</h3>
      <input
        type="search"
        class="bar-filter"
        placeholder={t('bars.filter')}
        aria-label={t('bars.filter')}
        value={filter()}
        onInput={(event) => {
          setFilter(event.currentTarget.value)
          setShown(pageSize)
        }}
      />
      <ul class="bar-list chiefs">
        <For each={chiefs().slice(0, shown())} fallback={<li class="muted">{t('bars.noMatch')}</li>}>
          {(chief) => (
            <li class="bar-row" data-chief={chief.chief_id}>
              <button
                type="button"
                class="bar-name link-like"
                title={t('gap.planFor')}
                onClick={() => props.onPlanFor(chief.chief_id)}
              >
                {localName(chief)}
                <span class="muted"> {chief.chief_id}</span>
              </button>
              <CoverageBar share={chief.coverage} />
              <span class="bar-value">{formatPercent(chief.coverage)}</span>
              <span class="bar-note">{t('bars.places', { count: formatNumber(chief.places) })}</span>
            </li>
          )}
        </For>
      </ul>
      <Show when={chiefs().length > shown()}>
        <button type="button" class="link-button small" onClick={() => setShown(shown() + 30)}>
          {t('bars.more', { count: formatNumber(Math.min(30, chiefs().length - shown())) })}
        </button>
      </Show>
    </div>
  )
}
