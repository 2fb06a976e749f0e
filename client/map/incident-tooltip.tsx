import { type Component, For, Show } from 'solid-js'
import { formatNumber, localName, t } from '../i18n/index.ts'
import { categoryName, formatDateTime, statusName, whereName } from '../incident-format.ts'
import { type IncidentProps, isIncidentCategory } from '../incidents-api.ts'
import { isCluster } from './incident-clusters.ts'
import { categoryColors, statusColors } from './incident-style.ts'

/** The hover card of the incident layers: one incident, or a cluster's counts. */
export interface IncidentTooltipProps {
  x: number
  y: number
  properties: Record<string, unknown>
}

/** Whether a hovered layer id (from MapView's pick) is one of the incident layers. */
export const isIncidentLayer = (layer: string) => layer === 'incidents'

export const IncidentTooltip: Component<IncidentTooltipProps> = (props) => {
  const cluster = () => (isCluster(props.properties) ? props.properties : undefined)
  const incident = () =>
    !isCluster(props.properties) && isIncidentCategory(props.properties.category)
      ? (props.properties as unknown as IncidentProps)
      : undefined
  return (
    <div
      class="tooltip incident-tooltip"
      role="tooltip"
      style={{ left: `${props.x}px`, top: `${props.y}px` }}
      data-layer="incidents"
    >
      <Show when={cluster()}>
        {(c) => (
          <>
            <div class="tooltip-name">{t('incident.cluster.count', { count: formatNumber(c().count) })}</div>
            <Show when={c().open > 0}>
              <div class="tooltip-line incident-tooltip-open">
                {t('incident.cluster.open', { count: formatNumber(c().open) })}
              </div>
            </Show>
            <For each={c().categories.slice(0, 4)}>
              {([category, count]) => (
                <div class="tooltip-line incident-tooltip-category">
                  <span class="incident-dot" style={{ '--c': categoryColors[category] }} />
                  {categoryName(category)} · {formatNumber(count)}
                </div>
              )}
            </For>
            <div class="tooltip-kind">{t('incident.cluster.hint')}</div>
          </>
        )}
      </Show>
      <Show when={incident()}>
        {(i) => (
          <>
            <div class="tooltip-name">
              <span class="incident-dot" style={{ '--c': categoryColors[i().category] }} />
              {categoryName(i().category)}
            </div>
            <div class="tooltip-line">
              <span class="incident-tooltip-status" style={{ '--s': statusColors[i().status] }}>
                {statusName(i().status)}
              </span>{' '}
              · {formatDateTime(i().occurred_at)}
            </div>
            {/* Older incidents of a large window come from the columns, without their place. */}
            <Show when={i().district !== undefined}>
              <div class="tooltip-line">{whereName(i())}</div>
            </Show>
            <Show when={i().chief}>
              {(chief) => (
                <div class="tooltip-line">{t('incident.tooltip.chief', { name: localName(chief()) })}</div>
              )}
            </Show>
            <div class="tooltip-kind">{t('incident.tooltip.hint')}</div>
          </>
        )}
      </Show>
    </div>
  )
}
