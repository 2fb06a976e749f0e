import { type Component, type JSX, Match, Show, Switch } from 'solid-js'
import type { BoundaryProps, ChiefProps, LayerId, PlaceKind, PlaceProps, StationProps } from '../api.ts'
import { formatNumber, hasMessage, joinList, localName, t } from '../i18n/index.ts'

/** What the pointer is over: the API layer and the feature's properties, at container pixels x, y. */
export interface HoverInfo {
  x: number
  y: number
  layer: LayerId
  properties: Record<string, unknown>
}

const placeKinds = new Set<string>([
  'river',
  'lake',
  'reservoir',
  'forest',
  'mine',
  'market',
  'road',
  'project',
  'scenic',
  'water_source',
])
const isPlaceKind = (kind: unknown): kind is PlaceKind => typeof kind === 'string' && placeKinds.has(kind)

/** An agency id or name from the data, translated when the dictionary knows it. */
export function agencyName(agency: string): string {
  const key = `agency.${agency.toLowerCase().replace(/[\s-]+/g, '_')}`
  return hasMessage(key) ? t(key) : agency
}

/** A province from a station's `provinces` list (code, English or Chinese name). */
export function provinceName(province: string): string {
  const normalized = province.toLowerCase()
  const known: Record<string, string> = {
    zj: 'zhejiang',
    zhejiang: 'zhejiang',
    浙江: 'zhejiang',
    浙江省: 'zhejiang',
    '33': 'zhejiang',
    '330000': 'zhejiang',
    js: 'jiangsu',
    jiangsu: 'jiangsu',
    江苏: 'jiangsu',
    江苏省: 'jiangsu',
    '32': 'jiangsu',
    '320000': 'jiangsu',
    ah: 'anhui',
    anhui: 'anhui',
    安徽: 'anhui',
    安徽省: 'anhui',
    '34': 'anhui',
    '340000': 'anhui',
    sh: 'shanghai',
    shanghai: 'shanghai',
    上海: 'shanghai',
    上海市: 'shanghai',
    '31': 'shanghai',
    '310000': 'shanghai',
  }
  const id = known[normalized] ?? known[province]
  const key = `province.${id}`
  return id && hasMessage(key) ? t(key) : province
}

export interface TooltipProps {
  info: HoverInfo
  /** District names by adcode, for "District: …". */
  districtName: (code: number | null | undefined) => string | undefined
  /** Station names by id, for a chief's station. */
  stationName: (id: string | null | undefined) => string | undefined
}

const Line: Component<{ children: JSX.Element }> = (props) => <div class="tooltip-line">{props.children}</div>

/** The hover card: name, kind and the facts a coordinator needs at a glance. */
export const Tooltip: Component<TooltipProps> = (props) => {
  const p = () => props.info.properties
  const kindLabel = () => {
    const layer = props.info.layer
    if (layer === 'stations') return t('kind.station')
    if (layer === 'jurisdictions') return t('kind.jurisdiction')
    if (layer === 'chiefs') {
      const kind = p().kind
      return isPlaceKind(kind) ? t(`chief.${kind}`) : t('layer.chiefs')
    }
    if (layer === 'boundaries') return p().level === 'province' ? t('kind.province') : t('kind.district')
    const kind = p().kind
    return isPlaceKind(kind) ? t(`kind.${kind}`) : t(`layer.${layer}`)
  }
  const district = () => props.districtName(p().district_code as number | null | undefined)
  const station = () => p() as unknown as StationProps
  const chief = () => p() as unknown as ChiefProps
  const place = () => p() as unknown as PlaceProps
  const isStation = () => props.info.layer === 'stations' || props.info.layer === 'jurisdictions'

  return (
    <div
      class="tooltip"
      role="tooltip"
      style={{ left: `${props.info.x}px`, top: `${props.info.y}px` }}
      data-layer={props.info.layer}
    >
      <div class="tooltip-name">{localName(p() as unknown as BoundaryProps) || String(p().id ?? '')}</div>
      <div class="tooltip-kind">{kindLabel()}</div>
      <Show when={district()}>{(name) => <Line>{t('tooltip.district', { name: name() })}</Line>}</Show>
      <Switch>
        <Match when={isStation()}>
          <Show when={(station().agencies ?? []).length > 0}>
            <Line>
              {t('tooltip.agencies', { list: joinList((station().agencies ?? []).map(agencyName)) })}
            </Line>
          </Show>
          <Show when={station().duty_hours}>
            {(hours) => (
              <Line>{t('tooltip.duty', { hours: hours() === '24h' ? t('tooltip.allDay') : hours() })}</Line>
            )}
          </Show>
          <Show when={station().cross_border} fallback={<Line>{t('tooltip.localStation')}</Line>}>
            <div class="tooltip-line tooltip-cross">
              {t('tooltip.crossBorder', {
                provinces: joinList((station().provinces ?? []).map(provinceName)),
              })}
            </div>
          </Show>
        </Match>
        <Match when={props.info.layer === 'chiefs'}>
          <Line>
            <span classList={{ 'tooltip-duty': true, off: !chief().on_duty }}>
              {chief().on_duty ? t('tooltip.onDuty') : t('tooltip.offDuty')}
            </span>
          </Line>
          <Show when={props.stationName(chief().station_id)}>
            {(name) => <Line>{t('tooltip.station', { name: name() })}</Line>}
          </Show>
          <Show when={(chief().places ?? []).length > 0}>
            <Line>{t('tooltip.places', { count: formatNumber((chief().places ?? []).length) })}</Line>
          </Show>
        </Match>
        <Match when={typeof place().patrol_every_days === 'number'}>
          <Line>{t('tooltip.patrolEvery', { days: formatNumber(place().patrol_every_days ?? 0) })}</Line>
        </Match>
      </Switch>
    </div>
  )
}
