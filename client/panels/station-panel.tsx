import { type Component, createSignal, For, Match, Show, Switch } from 'solid-js'
import { agencies } from '../../server/domain/agencies.ts'
import { latestOf } from '../analysis/analysis.ts'
import { formatPercent, formatShortDateTime } from '../analysis/format.ts'
import type { StationMode } from '../analysis/station-view.ts'
import { analysisApi, type StationDetail, type StationView } from '../analysis-api.ts'
import { formatNumber, hasMessage, joinList, localName, t } from '../i18n/index.ts'
import { messageOf } from '../map/layer-data.ts'
import { provinceColor } from '../map/station-layers.ts'
import { user } from '../session.ts'

const agencyName = (agency: string) => {
  const key = `agency.${agency}`
  return hasMessage(key) ? t(key) : agency
}

const minutes = (value: number | null) =>
  value === null ? '—' : t('station.minutes', { n: formatNumber(value, value < 10 ? 1 : 0) })

/**
 * The station mode's side panel: pick a station; its agencies, duty hours and band; both sides'
 * incidents and patrols by province (the map's colours); handling times; coverage of its places.
 * Admins can change agencies and duty hours here.
 */
export const StationPanel: Component<{ station: StationMode }> = (props) => {
  const s = () => props.station
  const view = () => latestOf(s().view)
  const stationList = () => latestOf(s().stations) ?? []
  return (
    <section class="analysis-panel station-panel" aria-label={t('station.title')} data-testid="station-panel">
      <header class="analysis-head">
        <h2>{t('station.title')}</h2>
        <Show when={view()}>
          {(v) => (
            <p class="muted" data-testid="station-window">
              {t('station.window', {
                from: formatShortDateTime(Date.parse(v().from)),
                to: formatShortDateTime(Date.parse(v().to)),
              })}
            </p>
          )}
        </Show>
      </header>
      <div class="analysis-body">
        <label class="form-row">
          <span class="form-label">{t('station.pick')}</span>
          <select data-testid="station-select" onChange={(event) => s().select(event.currentTarget.value)}>
            <For each={stationList()}>
              {(station) => (
                <option value={station.id} selected={station.id === s().selected()}>
                  {localName(station)}
                </option>
              )}
            </For>
          </select>
        </label>
        <Switch>
          <Match when={s().view.state === 'errored'}>
            <div class="analysis-error" role="alert">
              <p>{t('station.failed', { message: messageOf(s().view.error) })}</p>
              <button type="button" class="button" onClick={() => s().refresh()}>
                {t('station.retry')}
              </button>
            </div>
          </Match>
          <Match when={s().view.loading}>
            <div class="analysis-loading" role="status" aria-live="polite" data-testid="station-loading">
              <span class="spinner" aria-hidden="true" />
              <div>{t('station.loading')}</div>
            </div>
          </Match>
        </Switch>
        <Show when={view()}>{(v) => <StationFigures view={v()} />}</Show>
        <Show when={user()?.role === 'admin' && view()}>
          {(v) => <StationEditor station={v().station} onSaved={() => s().refresh()} />}
        </Show>
      </div>
    </section>
  )
}

const StationFigures: Component<{ view: StationView }> = (props) => {
  const station = () => props.view.station
  const handling = () => props.view.handling
  return (
    <div class="station-figures" data-testid="station-figures" data-station={station().id}>
      <div class="station-name">
        <strong>{localName(station())}</strong>
        <Show when={station().cross_border}>
          <span class="cross-border-chip">{t('station.crossBorder')}</span>
        </Show>
      </div>
      <p class="small">
        {t('station.duty')}: {station().duty_hours === '24h' ? t('station.dutyAllDay') : station().duty_hours}
      </p>
      <p class="small">
        {t('station.agencies')}: {joinList(station().agencies.map(agencyName))}
      </p>
      <p class="small muted" data-testid="station-band">
        <Show when={props.view.band} fallback={t('station.noBand')}>
          <span class="band-swatch" aria-hidden="true" />
          {t('station.band', { km: formatNumber(props.view.band_km) })}
        </Show>
      </p>

      <h3>{t('station.sides')}</h3>
      <Show
        when={props.view.provinces.length > 0}
        fallback={<p class="muted small">{t('station.nothing')}</p>}
      >
        <table class="station-sides" data-testid="station-sides">
          <thead>
            <tr>
              <th>{t('station.province')}</th>
              <th>{t('station.incidents')}</th>
              <th>{t('station.patrols')}</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.view.provinces}>
              {(side) => (
                <tr data-province={side.province_code ?? 'none'}>
                  <td>
                    <span
                      class="province-swatch"
                      aria-hidden="true"
                      style={{
                        background: `rgb(${provinceColor(side.province_code).slice(0, 3).join(',')})`,
                      }}
                    />
                    {side.province_code === null ? t('station.outside') : localName(side)}
                  </td>
                  <td>{formatNumber(side.incidents)}</td>
                  <td>{formatNumber(side.patrols)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
      <Show when={props.view.truncated}>
        <p class="muted small">{t('station.truncated', { n: formatNumber(props.view.limit) })}</p>
      </Show>

      <h3>{t('station.handling')}</h3>
      <dl class="station-handling" data-testid="station-handling">
        <dt>{t('station.incidents')}</dt>
        <dd>{formatNumber(handling().count)}</dd>
        <dt>{t('station.toDispatch')}</dt>
        <dd>{minutes(handling().minutes_to_dispatch.median)}</dd>
        <dt>{t('station.toResolve')}</dt>
        <dd>{minutes(handling().minutes_to_resolve.median)}</dd>
        <dt>{t('station.within30')}</dt>
        <dd>
          {handling().share_resolved_within_30m === null
            ? '—'
            : formatPercent(handling().share_resolved_within_30m ?? 0)}
        </dd>
      </dl>

      <h3>{t('station.places')}</h3>
      <Show when={props.view.places.length > 0} fallback={<p class="muted small">{t('station.noPlaces')}</p>}>
        <ul class="bar-list" data-testid="station-places">
          <For each={props.view.places}>
            {(place) => (
              <li class="bar-row">
                <span class="bar-name">{localName(place)}</span>
                <span class="coverage-bar" aria-hidden="true">
                  <span class="coverage-fill" style={{ width: `${Math.round(place.coverage * 100)}%` }} />
                </span>
                <span class="bar-value">{formatPercent(place.coverage)}</span>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  )
}

/** Admins: the station's agencies and duty hours (the jurisdiction is changed through the API). */
const StationEditor: Component<{ station: StationDetail; onSaved: () => void }> = (props) => {
  const [dutyHours, setDutyHours] = createSignal(props.station.duty_hours)
  const [chosen, setChosen] = createSignal<ReadonlySet<string>>(new Set(props.station.agencies))
  const [state, setState] = createSignal<'idle' | 'saving' | 'saved'>('idle')
  const [error, setError] = createSignal<string>()
  const toggle = (agency: string, on: boolean) => {
    const next = new Set(chosen())
    if (on) next.add(agency)
    else next.delete(agency)
    setChosen(next)
  }
  const save = async (event: SubmitEvent) => {
    event.preventDefault()
    setState('saving')
    setError(undefined)
    try {
      await analysisApi.updateStation(props.station.id, {
        duty_hours: dutyHours().trim(),
        agencies: agencies.filter((agency) => chosen().has(agency)),
      })
      setState('saved')
      props.onSaved()
    } catch (failure) {
      setState('idle')
      setError(messageOf(failure))
    }
  }
  return (
    <details class="station-editor" data-testid="station-editor">
      <summary>{t('station.edit')}</summary>
      <form onSubmit={save}>
        <fieldset class="agency-choices">
          <legend>{t('station.agencies')}</legend>
          <For each={agencies}>
            {(agency) => (
              <label>
                <input
                  type="checkbox"
                  checked={chosen().has(agency)}
                  onChange={(event) => toggle(agency, event.currentTarget.checked)}
                />
                {agencyName(agency)}
              </label>
            )}
          </For>
        </fieldset>
        <label class="form-row">
          <span class="form-label">{t('station.dutyHours')}</span>
          <input
            type="text"
            value={dutyHours()}
            onInput={(event) => setDutyHours(event.currentTarget.value)}
          />
        </label>
        <Show when={error()}>{(message) => <p class="form-error">{message()}</p>}</Show>
        <div class="form-actions">
          <button type="submit" class="button" disabled={state() === 'saving'}>
            {state() === 'saving' ? t('station.saving') : t('station.save')}
          </button>
          <Show when={state() === 'saved'}>
            <span class="muted small">{t('station.saved')}</span>
          </Show>
        </div>
      </form>
    </details>
  )
}
