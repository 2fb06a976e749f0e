import type { Position } from 'geojson'
import {
  type Accessor,
  type Component,
  createEffect,
  createMemo,
  createSignal,
  For,
  onCleanup,
  Show,
} from 'solid-js'
import { formatPercent } from '../analysis/format.ts'
import type { PlaceFeature, PlaceShapes } from '../analysis/place-shapes.ts'
import { type PlaceGain, previewRoute } from '../analysis/route-preview.ts'
import type { Gap, PlaceCoverage } from '../analysis-api.ts'
import { formatNumber, localName, t } from '../i18n/index.ts'
import { kindName } from './gap-list.tsx'

/** The preview follows the pointer at most this often (ms): turf's buffer and clipping take a few ms. */
const PREVIEW_EVERY_MS = 120

/** `source`, at most once per `ms`, always ending on its latest value. */
function createThrottled<T>(source: Accessor<T>, ms: number): Accessor<T> {
  const [value, setValue] = createSignal<T>(source())
  let timer: ReturnType<typeof setTimeout> | undefined
  createEffect(() => {
    source()
    timer ??= setTimeout(() => {
      timer = undefined
      setValue(() => source())
    }, ms)
  })
  onCleanup(() => clearTimeout(timer))
  return value
}

export interface RouteGainsProps {
  route: Position[] | undefined
  gaps: readonly Gap[] | undefined
  shapes: PlaceShapes | undefined
  coverage: ReadonlyMap<string, PlaceCoverage> | undefined
  /** Coverage radius R of the gap list, metres. */
  radius: number
  speedKmh: number
}

interface PlaceGainRow {
  place: PlaceFeature
  gain: PlaceGain
  /** Its coverage in the window now (0..1), when known. */
  coverage: number | undefined
  /** On the gap list (overdue or under the threshold). */
  gap: boolean
}

/**
 * While a route is drawn: its length and time, and which patrolled places it would cover and how
 * much of each, gaps first (turf in the browser; the server's exact figures come when it is saved).
 */
export const RouteGains: Component<RouteGainsProps> = (props) => {
  const route = createThrottled(() => props.route, PREVIEW_EVERY_MS)
  const patrolled = createMemo(
    () => props.shapes?.features.filter((f) => f.properties.patrol_every_days != null) ?? [],
  )
  const gapIds = createMemo(() => new Set((props.gaps ?? []).map((g) => g.place.id)))
  const preview = createMemo(() => {
    const line = route()
    if (!line || line.length < 2) return undefined
    const result = previewRoute(line, patrolled(), props.radius)
    const byId = props.shapes?.byId
    const rows: PlaceGainRow[] = result.gains.flatMap((gain) => {
      const place = byId?.get(gain.id)
      if (!place) return []
      return [{ place, gain, coverage: props.coverage?.get(gain.id)?.coverage, gap: gapIds().has(gain.id) }]
    })
    // Gaps first; within each, the most covered first (the order previewRoute gives).
    rows.sort((a, b) => Number(b.gap) - Number(a.gap))
    return { length_m: result.length_m, rows, gaps: rows.filter((r) => r.gap).length }
  })

  return (
    <Show when={preview()} fallback={<p class="muted small">{t('draw.empty')}</p>}>
      {(p) => (
        <div class="route-gains" data-testid="route-gains">
          <p>
            <strong>
              {t('draw.length', {
                km: formatNumber(p().length_m / 1000, 1),
                minutes: formatNumber(Math.round((p().length_m / 1000 / props.speedKmh) * 60)),
                speed: formatNumber(props.speedKmh),
              })}
            </strong>
          </p>
          <Show
            when={p().rows.length > 0}
            fallback={<p class="muted">{t('draw.noPlaces', { radius: formatNumber(props.radius) })}</p>}
          >
            <p data-testid="route-gains-count">
              {t('draw.gains', {
                count: formatNumber(p().rows.length),
                gaps: formatNumber(p().gaps),
                radius: formatNumber(props.radius),
              })}
            </p>
            <ul class="route-gain-list">
              <For each={p().rows}>
                {(row) => (
                  <li classList={{ gap: row.gap }} data-place-id={row.place.properties.id} data-gap={row.gap}>
                    <span class="stop-name">
                      {localName(row.place.properties)}
                      <Show when={row.gap}>
                        <span class="gap-badge">{t('draw.gap')}</span>
                      </Show>
                    </span>
                    <span class="muted">
                      {kindName(row.place.properties.kind)}
                      <Show when={row.coverage !== undefined}>
                        {' · '}
                        {t('draw.now', { coverage: formatPercent(row.coverage ?? 0) })}
                      </Show>{' '}
                      ·{' '}
                      {row.gain.measure === 'visit'
                        ? t('draw.visit')
                        : t(row.gain.measure === 'length' ? 'draw.alongLength' : 'draw.alongArea', {
                            share: formatPercent(row.gain.share),
                            amount: formatNumber(
                              row.gain.measure === 'length'
                                ? row.gain.amount / 1000
                                : row.gain.amount / 1_000_000,
                              2,
                            ),
                          })}
                    </span>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </div>
      )}
    </Show>
  )
}
