import { type Component, For, Match, Switch } from 'solid-js'
import type { HotspotMetric } from '../analysis/url-params.ts'
import { hotspotMetrics } from '../analysis/url-params.ts'
import { formatNumber, t } from '../i18n/index.ts'
import type { RGBA } from '../map/catalog.ts'
import {
  binColors,
  countBins,
  effortBins,
  emptyColor,
  giClasses,
  giColors,
  unpatrolledColor,
} from '../map/hotspot-layer.ts'

const css = (color: RGBA) => `rgb(${color[0]} ${color[1]} ${color[2]} / ${Math.max(color[3], 60) / 255})`

/** Bins as labels: '1', '2–3', '4–7', '8–15', '16+'. */
const binLabels = (bins: readonly number[], whole: boolean) =>
  bins.map((lower, i) => {
    const next = bins[i + 1]
    const low = whole ? formatNumber(lower) : formatNumber(i === 0 ? 0 : lower)
    if (next === undefined) return t('hs.binFrom', { value: low })
    if (whole && next - 1 === lower) return low
    return t('hs.binRange', { from: low, to: whole ? formatNumber(next - 1) : formatNumber(next) })
  })

export interface HotspotLegendProps {
  metric: HotspotMetric
  onMetric: (metric: HotspotMetric) => void
}

/** The colouring switch and its legend; for significance, Gi* in one sentence. */
export const HotspotLegend: Component<HotspotLegendProps> = (props) => (
  <div class="hotspot-legend" data-testid="hotspot-legend">
    <div class="form-row">
      <span class="form-label">{t('hs.metric')}</span>
      <fieldset class="segmented" aria-label={t('hs.metric')}>
        <legend>{t('hs.metric')}</legend>
        <For each={hotspotMetrics}>
          {(metric) => (
            <button
              type="button"
              aria-pressed={props.metric === metric}
              classList={{ active: props.metric === metric }}
              data-metric={metric}
              onClick={() => props.onMetric(metric)}
            >
              {t(`hs.metric.${metric}`)}
            </button>
          )}
        </For>
      </fieldset>
    </div>
    <Switch>
      <Match when={props.metric === 'gi'}>
        <div class="gi-scale">
          <div class="gi-scale-ends" aria-hidden="true">
            <span>{t('hs.cold')}</span>
            <span>{t('hs.class.none')}</span>
            <span>{t('hs.hot')}</span>
          </div>
          <ul class="gi-scale-cells">
            <For each={[...giClasses].reverse()}>
              {(cls) => (
                <li data-class={cls} title={t(`hs.class.${cls}`)}>
                  <span class="gi-chip" style={{ background: css(giColors[cls]) }} />
                  <span class="visually-hidden">{t(`hs.class.${cls}`)}</span>
                  <span aria-hidden="true">{cls === 'none' ? '–' : `${cls.slice(-2)} %`}</span>
                </li>
              )}
            </For>
          </ul>
          <div class="gi-scale-note">{t('hs.confidence')}</div>
        </div>
        <p class="legend-explain" data-testid="gi-explain">
          {t('hs.explain')}
        </p>
      </Match>
      <Match when={props.metric === 'count'}>
        <div class="legend-title">{t('hs.countLegend')}</div>
        <ul class="legend-list inline">
          <For each={binLabels(countBins, true)}>
            {(label, i) => (
              <li>
                <span class="legend-hex" style={{ background: css(binColors[i()] ?? [0, 0, 0, 0]) }} />
                {label}
              </li>
            )}
          </For>
        </ul>
      </Match>
      <Match when={props.metric === 'effort'}>
        <div class="legend-title">{t('hs.effortLegend')}</div>
        <ul class="legend-list inline">
          <For each={binLabels(effortBins, false)}>
            {(label, i) => (
              <li>
                <span class="legend-hex" style={{ background: css(binColors[i()] ?? [0, 0, 0, 0]) }} />
                {label}
              </li>
            )}
          </For>
          <li>
            <span class="legend-hex" style={{ background: css(unpatrolledColor) }} />
            {t('hs.unpatrolled')}
          </li>
          <li>
            <span class="legend-hex" style={{ background: css(emptyColor) }} />
            {t('hs.patrolledQuiet')}
          </li>
        </ul>
      </Match>
    </Switch>
  </div>
)
