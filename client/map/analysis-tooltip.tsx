import { type Component, Match, Show, Switch } from 'solid-js'
import { formatDateTime, formatPercent } from '../analysis/format.ts'
import type { HotspotProps, PlaceCoverage } from '../analysis-api.ts'
import type { PlaceProps } from '../api.ts'
import { formatNumber, localName, t } from '../i18n/index.ts'
import { kindName } from '../panels/gap-list.tsx'
import type { HoverInfo } from './tooltip.tsx'

export interface AnalysisTooltipProps {
  /** The hovered feature; `layer` is one of the analysis layer ids (analysis.ts). */
  info: HoverInfo
  coverage: (placeId: string) => PlaceCoverage | undefined
}

/** The hover card over the coverage layer (a place and its coverage) and the hotspot cells. */
export const AnalysisTooltip: Component<AnalysisTooltipProps> = (props) => {
  const layer = () => props.info.layer as string
  const place = () => props.info.properties as unknown as PlaceProps
  const cell = () => props.info.properties as unknown as HotspotProps
  const covered = () => props.coverage(place().id)
  return (
    <div
      class="tooltip"
      role="tooltip"
      style={{ left: `${props.info.x}px`, top: `${props.info.y}px` }}
      data-layer={layer()}
    >
      <Switch>
        <Match when={layer() === 'hotspots'}>
          <div class="tooltip-name">{t(`hs.class.${cell().class}`)}</div>
          <div class="tooltip-line">{t('hs.tooltip.count', { count: formatNumber(cell().count) })}</div>
          <Show when={cell().per_100km !== null}>
            <div class="tooltip-line">
              {t('hs.tooltip.per', { per: formatNumber(cell().per_100km ?? 0, 1) })}
            </div>
          </Show>
        </Match>
        <Match when={true}>
          <div class="tooltip-name">{localName(place())}</div>
          <div class="tooltip-kind">{kindName(place().kind)}</div>
          <Show when={covered()} fallback={<div class="tooltip-line">{t('cov.legend.noData')}</div>}>
            {(c) => (
              <>
                <div class="tooltip-line">
                  {t('cov.tooltip.coverage', { pct: formatPercent(c().coverage) })}
                </div>
                <div class="tooltip-line">
                  {c().last_patrolled_at
                    ? t('cov.tooltip.lastPatrol', {
                        date: formatDateTime(Date.parse(c().last_patrolled_at ?? '')),
                      })
                    : t('cov.tooltip.never')}
                </div>
                <div class="tooltip-line">
                  {t('cov.tooltip.patrols', { count: formatNumber(c().patrols) })}
                </div>
              </>
            )}
          </Show>
        </Match>
      </Switch>
    </div>
  )
}
