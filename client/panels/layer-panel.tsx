import { type Component, createSignal, For, type JSX, Show } from 'solid-js'
import type { LayerId, LayerSummary } from '../api.ts'
import { formatNumber, t } from '../i18n/index.ts'
import { backgroundColor } from '../map/base-style.ts'
import {
  crossBorderColor,
  districtLineColor,
  type LayerDefinition,
  layerCatalog,
  layerDefinition,
  layerGroups,
  offDutyColor,
} from '../map/catalog.ts'
import type { LayerStatus } from '../map/layer-data.ts'

export interface LayerPanelProps {
  /** The server's layers with their counts (undefined while loading). */
  layers: readonly LayerSummary[] | undefined
  visible: ReadonlySet<LayerId>
  status: (id: LayerId) => LayerStatus
  onToggle: (id: LayerId, on: boolean) => void
  onRetry: (id: LayerId) => void
  onDefaults: () => void
}

/** The legend and the layer switches in one: a swatch, the name, the count and the loading state. */
export const LayerPanel: Component<LayerPanelProps> = (props) => {
  const [open, setOpen] = createSignal(true)
  const count = (id: LayerId) => props.layers?.find((layer) => layer.id === id)?.count
  return (
    <section class="layer-panel" classList={{ collapsed: !open() }} aria-label={t('panel.legend')}>
      <div class="panel-head">
        <h2>{t('panel.title')}</h2>
        <Show when={open()}>
          <button
            type="button"
            class="link-button small"
            onClick={() => props.onDefaults()}
            data-testid="layers-default"
          >
            {t('panel.defaults')}
          </button>
        </Show>
        <button
          type="button"
          class="icon-button"
          aria-expanded={open()}
          title={open() ? t('panel.collapse') : t('panel.expand')}
          aria-label={open() ? t('panel.collapse') : t('panel.expand')}
          onClick={() => setOpen(!open())}
        >
          {open() ? '‹' : '›'}
        </button>
      </div>
      <Show when={open()}>
        <div class="panel-body">
          <For each={layerGroups}>
            {(group) => (
              <div class="layer-group">
                <h3>{t(`panel.group.${group}`)}</h3>
                <ul>
                  <For each={layerCatalog.filter((layer) => layer.group === group)}>
                    {(layer) => (
                      <LayerRow
                        layer={layer}
                        count={count(layer.id)}
                        checked={props.visible.has(layer.id)}
                        status={props.status(layer.id)}
                        onToggle={(on) => props.onToggle(layer.id, on)}
                        onRetry={() => props.onRetry(layer.id)}
                      />
                    )}
                  </For>
                </ul>
              </div>
            )}
          </For>
        </div>
      </Show>
    </section>
  )
}

interface LayerRowProps {
  layer: LayerDefinition
  count: number | undefined
  checked: boolean
  status: LayerStatus
  onToggle: (on: boolean) => void
  onRetry: () => void
}

const LayerRow: Component<LayerRowProps> = (props) => (
  <li class="layer-row" classList={{ off: !props.checked }} data-layer={props.layer.id}>
    <label>
      <input
        type="checkbox"
        // The visible layers come from the URL; no browser restoring an old state on reload.
        autocomplete="off"
        checked={props.checked}
        data-layer-toggle={props.layer.id}
        onChange={(event) => props.onToggle(event.currentTarget.checked)}
      />
      <Swatch id={props.layer.id} />
      <span class="layer-name">{t(props.layer.label)}</span>
      <span class="layer-count" title={t('panel.count', { count: formatNumber(props.count ?? 0) })}>
        <Show
          when={props.status.loading}
          fallback={props.count === undefined ? '' : formatNumber(props.count)}
        >
          <span class="spinner small" role="status" aria-label={t('panel.loading')} />
        </Show>
      </span>
    </label>
    <Show when={props.status.error}>
      {(message) => (
        <div class="layer-error" role="alert">
          <span>{t('panel.failed', { message: message() })}</span>
          <button type="button" class="link-button small" onClick={() => props.onRetry()}>
            {t('panel.retry')}
          </button>
        </div>
      )}
    </Show>
    <Show when={props.checked}>
      <LegendExtras id={props.layer.id} />
    </Show>
  </li>
)

/** Second legend lines where one colour is not the whole story. */
const LegendExtras: Component<{ id: LayerId }> = (props) => {
  const extra = (swatch: JSX.Element, label: string) => (
    <div class="legend-extra">
      {swatch}
      <span>{label}</span>
    </div>
  )
  return (
    <>
      <Show when={props.id === 'boundaries'}>
        {extra(
          <span class="swatch line dashdot" style={{ '--c': layerDefinition('boundaries').stroke }} />,
          t('panel.province'),
        )}
        {extra(
          <span class="swatch line dashed thin" style={{ '--c': districtLineColor }} />,
          t('panel.district'),
        )}
      </Show>
      <Show when={props.id === 'stations'}>
        {extra(
          <span class="swatch station cross" style={{ '--c': crossBorderColor }} />,
          t('panel.crossBorder'),
        )}
      </Show>
      <Show when={props.id === 'jurisdictions'}>
        {extra(
          <span
            class="swatch area dashed"
            style={{ '--c': `${crossBorderColor}22`, '--s': crossBorderColor }}
          />,
          t('panel.crossBorder'),
        )}
      </Show>
      <Show when={props.id === 'chiefs'}>
        {extra(<span class="swatch dot" style={{ '--c': offDutyColor }} />, t('panel.offDuty'))}
      </Show>
    </>
  )
}

/** The legend symbol of a layer, drawn like the map draws it. */
export const Swatch: Component<{ id: LayerId }> = (props) => {
  const layer = () => layerDefinition(props.id)
  const style = () => ({ '--c': layer().color, '--s': layer().stroke, '--bg': backgroundColor })
  const kind = () => {
    switch (props.id) {
      case 'boundaries':
        return 'area boundary'
      case 'stations':
        return 'station'
      case 'chiefs':
        return 'dot'
      case 'markets':
        return 'point'
      case 'jurisdictions':
        return 'area dashed wash'
      case 'water_sources':
        return 'area dashed'
      default:
        return layer().geometry === 'line' ? 'line' : layer().geometry === 'point' ? 'point' : 'area'
    }
  }
  return <span class={`swatch ${kind()}`} style={style()} aria-hidden="true" />
}
