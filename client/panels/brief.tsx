import { centroid } from '@turf/turf'
import type { Map as MapLibreMap } from 'maplibre-gl'
import { type Component, createResource, For, onCleanup, onMount, Show } from 'solid-js'
import { formatDateTime, formatPercent } from '../analysis/format.ts'
import { analysisApi, type GiClass, type SupervisorSummary } from '../analysis-api.ts'
import { formatNumber, joinList, localName, t } from '../i18n/index.ts'
import { hotspotFeature } from '../map/hotspot-layer.ts'
import { captureMap } from '../map/snapshot.ts'
import { user } from '../session.ts'

/** Chiefs named per gap; Taihu alone has dozens. */
const shownChiefs = 4

const minutes = (value: number | null | undefined) =>
  value == null ? '—' : formatNumber(value, value < 10 ? 1 : 0)

/**
 * The printable brief (A4, saved to PDF by the browser's print dialog): the map at the current view,
 * the key figures, the top gaps with their chiefs, the hotspots, the handling-time table, the period
 * and who produced it. Opened over the app (in a portal); printing shows only the brief (analysis.css, @media print).
 */
export const Brief: Component<{
  summary: SupervisorSummary
  map: MapLibreMap | undefined
  onClose: () => void
}> = (props) => {
  const from = Date.parse(props.summary.from)
  const to = Date.parse(props.summary.to)
  const producedAt = Date.now()
  const [image] = createResource(async () =>
    props.map ? (await captureMap(props.map)).toDataURL('image/png') : '',
  )
  const [gaps] = createResource(() => analysisApi.gaps(from, to, 10))
  const [hotspots] = createResource(async () => {
    const cells = await analysisApi.hotspots(from, to)
    const significant = new Set(['hot99', 'hot95'].map((c) => cells.classNames.indexOf(c as GiClass)))
    return Array.from(cells.z.keys())
      .filter((i) => significant.has(cells.classIndex[i] as number))
      .sort((a, b) => (cells.z[b] as number) - (cells.z[a] as number))
      .slice(0, 8)
      .map((i) => hotspotFeature(cells, i))
  })
  const ready = () => image.state === 'ready' && gaps.state !== 'pending' && hotspots.state !== 'pending'
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') props.onClose()
  }
  onMount(() => {
    document.documentElement.classList.add('printing-brief')
    window.addEventListener('keydown', onKey)
  })
  onCleanup(() => {
    document.documentElement.classList.remove('printing-brief')
    window.removeEventListener('keydown', onKey)
  })
  const total = () => props.summary.total

  return (
    <div class="brief-backdrop">
      <article class="brief" data-testid="brief" data-ready={ready() ? 'true' : undefined}>
        <div class="brief-tools">
          <button type="button" class="button" onClick={() => window.print()}>
            {t('brief.print')}
          </button>
          <button type="button" class="small-button" onClick={() => props.onClose()}>
            {t('brief.close')}
          </button>
        </div>
        <header>
          <h1>{t('brief.title')}</h1>
          <p>{t('brief.period', { from: formatDateTime(from), to: formatDateTime(to) })}</p>
          <p class="muted">
            {t('brief.producedBy', { name: user()?.display_name ?? '', at: formatDateTime(producedAt) })}
          </p>
        </header>

        <Show when={image()} fallback={<p class="muted">{t('brief.loading')}</p>}>
          {(src) => <img class="brief-map" src={src()} alt={t('brief.map')} />}
        </Show>

        <h2>{t('brief.keyFigures')}</h2>
        <dl class="brief-keys">
          <div>
            <dt>{t('desk.key.coverage')}</dt>
            <dd>{total().coverage == null ? '—' : formatPercent(total().coverage ?? 0)}</dd>
          </div>
          <div>
            <dt>{t('desk.key.overdue')}</dt>
            <dd>{formatNumber(total().overdue)}</dd>
          </div>
          <div>
            <dt>{t('desk.key.incidents')}</dt>
            <dd>
              {formatNumber(total().incidents)} <small>({formatNumber(total().incidents_previous)})</small>
            </dd>
          </div>
          <div>
            <dt>{t('desk.key.dispatch')}</dt>
            <dd>{minutes(total().handling?.minutes_to_dispatch.median)}</dd>
          </div>
          <div>
            <dt>{t('desk.key.within30')}</dt>
            <dd>
              {total().handling?.share_resolved_within_30m == null
                ? '—'
                : formatPercent(total().handling?.share_resolved_within_30m ?? 0)}
            </dd>
          </div>
        </dl>

        <h2>{t('brief.topGaps')}</h2>
        <table class="brief-table" data-testid="brief-gaps">
          <thead>
            <tr>
              <th>{t('brief.col.place')}</th>
              <th>{t('brief.col.reason')}</th>
              <th>{t('brief.col.chiefs')}</th>
            </tr>
          </thead>
          <tbody>
            <For each={gaps()?.gaps ?? []}>
              {(gap) => (
                <tr>
                  <td>{localName(gap.place)}</td>
                  <td>
                    {joinList(
                      [
                        gap.overdue_days > 0
                          ? t('brief.overdueDays', { days: formatNumber(gap.overdue_days) })
                          : '',
                        t('brief.lowCoverage', { share: formatPercent(gap.coverage) }),
                      ].filter(Boolean),
                    )}
                  </td>
                  <td>
                    {joinList(gap.chiefs.slice(0, shownChiefs).map((c) => localName(c)))}
                    {gap.chiefs.length > shownChiefs
                      ? ` ${t('brief.moreChiefs', { count: formatNumber(gap.chiefs.length - shownChiefs) })}`
                      : ''}
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>

        <h2>{t('brief.hotspots')}</h2>
        <Show when={(hotspots() ?? []).length > 0} fallback={<p class="muted">{t('brief.noHotspots')}</p>}>
          <table class="brief-table" data-testid="brief-hotspots">
            <thead>
              <tr>
                <th>{t('brief.col.cell')}</th>
                <th>{t('brief.col.count')}</th>
                <th>{t('brief.col.z')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={hotspots() ?? []}>
                {(cell) => {
                  const [lon, lat] = centroid(cell).geometry.coordinates as [number, number]
                  return (
                    <tr>
                      <td>
                        {lat.toFixed(3)}° N, {lon.toFixed(3)}° E
                      </td>
                      <td>{formatNumber(cell.properties.count)}</td>
                      <td>{formatNumber(cell.properties.z, 1)}</td>
                    </tr>
                  )
                }}
              </For>
            </tbody>
          </table>
        </Show>

        <h2>{t('brief.handling')}</h2>
        <table class="brief-table" data-testid="brief-handling">
          <thead>
            <tr>
              <th>{t('desk.col.name')}</th>
              <th>{t('desk.col.incidents')}</th>
              <th>{t('desk.col.dispatch')}</th>
              <th>{t('desk.col.onScene')}</th>
              <th>{t('desk.col.resolve')}</th>
              <th>{t('desk.col.within30')}</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.summary.districts.filter((d) => d.key !== null && d.incidents > 0)}>
              {(d) => (
                <tr>
                  <td>{localName({ name_zh: d.name_zh, name_en: d.name_en })}</td>
                  <td>{formatNumber(d.incidents)}</td>
                  <td>
                    {minutes(d.handling?.minutes_to_dispatch.median)} /{' '}
                    {minutes(d.handling?.minutes_to_dispatch.p90)}
                  </td>
                  <td>{minutes(d.handling?.minutes_to_on_scene.median)}</td>
                  <td>
                    {minutes(d.handling?.minutes_to_resolve.median)} /{' '}
                    {minutes(d.handling?.minutes_to_resolve.p90)}
                  </td>
                  <td>
                    {d.handling?.share_resolved_within_30m == null
                      ? '—'
                      : formatPercent(d.handling.share_resolved_within_30m)}
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </article>
    </div>
  )
}
