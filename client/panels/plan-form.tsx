import type { Map as MapLibreMap } from 'maplibre-gl'
import { type Component, createEffect, createResource, createSignal, For, on, Show } from 'solid-js'
import { latestOf } from '../analysis/analysis.ts'
import { chinaDate, formatClock } from '../analysis/format.ts'
import type { PlaceShapes } from '../analysis/place-shapes.ts'
import {
  analysisApi,
  type ChiefCoverage,
  type Gap,
  type PlaceCoverage,
  type Plan,
  type PlanRequest,
} from '../analysis-api.ts'
import { api } from '../api.ts'
import { formatNumber, localName, t } from '../i18n/index.ts'
import { messageOf } from '../map/layer-data.ts'
import type { RouteDrawing } from '../map/route-drawing.ts'
import { canOperate } from '../session.ts'
import { kindName } from './gap-list.tsx'
import { RouteGains } from './route-gains.tsx'

/** The speed a drawn route is timed at unless changed: car and foot, as for suggestions. */
const DEFAULT_SPEED_KMH = 15

export interface PlanFormProps {
  /** Chiefs to offer (from the coverage answer), for the chief field's suggestions. */
  chiefs: readonly ChiefCoverage[] | undefined
  /** A chief handed over from the gap list or the bars (fills the field). */
  chief: string | undefined
  /** The end of the time window: the default day of the patrol. */
  windowEnd: number | undefined
  start: [number, number] | undefined
  onStart: (start: [number, number] | undefined) => void
  picking: boolean
  onPicking: (on: boolean) => void
  plan: Plan | undefined
  onPlan: (plan: Plan | undefined) => void
  map: MapLibreMap | undefined
  drawing: RouteDrawing
  /** The gap list and the places' shapes, for the preview of a drawn route. */
  gaps: readonly Gap[] | undefined
  shapes: PlaceShapes | undefined
  coverage: ReadonlyMap<string, PlaceCoverage> | undefined
  radius: number
}

/**
 * Plan a patrol for a chief (by id) or a station on a day, in one of two ways:
 * - suggest: a start clicked on the map and hours → a route through the most urgent gaps;
 * - draw: a route drawn on the map, with turf's live preview of the gaps it would cover.
 * Either is saved by POST /api/plans and shown with its numbered stops and the coverage it adds.
 */
export const PlanForm: Component<PlanFormProps> = (props) => {
  const [how, setHow] = createSignal<'suggest' | 'draw'>('suggest')
  const [speed, setSpeed] = createSignal(DEFAULT_SPEED_KMH)
  const [unit, setUnit] = createSignal<'chief' | 'station'>('chief')
  const [chiefId, setChiefId] = createSignal(props.chief ?? '')
  const [stationId, setStationId] = createSignal('')
  const [hours, setHours] = createSignal(4)
  const [date, setDate] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string>()
  const [stations] = createResource(() => api.layer('stations'))

  createEffect(
    on(
      () => props.chief,
      (chief) => {
        if (!chief) return
        setUnit('chief')
        setChiefId(chief)
      },
    ),
  )
  const day = () => date() || (props.windowEnd === undefined ? '' : chinaDate(props.windowEnd - 1))

  const stationList = () =>
    [...(latestOf(stations)?.features ?? [])].sort((a, b) => a.properties.id.localeCompare(b.properties.id))

  const chooseStation = (id: string) => {
    setStationId(id)
    const station = latestOf(stations)?.features.find((f) => f.properties.id === id)
    if (station?.geometry.type === 'Point' && !props.start)
      props.onStart(station.geometry.coordinates.slice(0, 2) as [number, number])
  }

  const chooseHow = (next: 'suggest' | 'draw') => {
    setHow(next)
    setError(undefined)
    props.onPicking(false)
    if (next === 'suggest') props.drawing.clear()
  }

  const startDrawing = () => {
    setError(undefined)
    props.onPicking(false)
    props.onPlan(undefined)
    props.drawing.start()
  }

  /** The request for the form as filled in, or a message saying what is missing. */
  const request = (): PlanRequest | string => {
    const chief = chiefId().trim()
    if (unit() === 'chief' ? !chief : !stationId()) return t('plan.needUnit')
    const common = {
      ...(unit() === 'chief' ? { chief_id: chief } : { station_id: stationId() }),
      date: day(),
    }
    if (how() === 'draw') {
      const route = props.drawing.route()
      if (props.drawing.state() !== 'done' || !route || route.length < 2) return t('draw.needRoute')
      return { ...common, route: { type: 'LineString', coordinates: route }, speed_kmh: speed() }
    }
    const start = props.start
    if (!start) return t('plan.needStart')
    return { ...common, start: { type: 'Point', coordinates: start }, hours: hours() }
  }

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    setError(undefined)
    const body = request()
    if (typeof body === 'string') return setError(body)
    setBusy(true)
    try {
      const plan = await analysisApi.createPlan(body)
      // A saved drawn route is drawn by the plan layer from now on, with its stops.
      if (plan.source === 'drawn') props.drawing.clear()
      props.onPlan(plan)
      fitPlan(plan)
    } catch (failure) {
      props.onPlan(undefined)
      setError(t('plan.failed', { message: messageOf(failure) }))
    } finally {
      setBusy(false)
    }
  }

  const fitPlan = (plan: Plan) => {
    const map = props.map
    const coordinates = plan.route.geometry.coordinates
    if (!map || coordinates.length < 2) return
    const lons = coordinates.map((c) => c[0] ?? 0)
    const lats = coordinates.map((c) => c[1] ?? 0)
    const canvas = map.getCanvas()
    map.fitBounds(
      [
        [Math.min(...lons), Math.min(...lats)],
        [Math.max(...lons), Math.max(...lats)],
      ],
      {
        padding: {
          top: 60,
          bottom: Math.min(170, canvas.clientHeight * 0.25),
          left: Math.min(400, canvas.clientWidth * 0.4),
          right: 70,
        },
        maxZoom: 13,
        duration: 1000,
      },
    )
  }

  return (
    <form class="plan-form" data-testid="plan-form" onSubmit={(event) => void submit(event)}>
      <div class="segmented plan-how">
        <button
          type="button"
          classList={{ active: how() === 'suggest' }}
          aria-pressed={how() === 'suggest'}
          data-testid="plan-how-suggest"
          onClick={() => chooseHow('suggest')}
        >
          {t('plan.how.suggest')}
        </button>
        <button
          type="button"
          classList={{ active: how() === 'draw' }}
          aria-pressed={how() === 'draw'}
          data-testid="plan-how-draw"
          onClick={() => chooseHow('draw')}
        >
          {t('plan.how.draw')}
        </button>
      </div>
      <p class="muted">{how() === 'draw' ? t('draw.intro') : t('plan.intro')}</p>
      <div class="form-row">
        <span class="form-label">{t('plan.for')}</span>
        <div class="segmented">
          <button
            type="button"
            classList={{ active: unit() === 'chief' }}
            aria-pressed={unit() === 'chief'}
            onClick={() => setUnit('chief')}
          >
            {t('plan.chief')}
          </button>
          <button
            type="button"
            classList={{ active: unit() === 'station' }}
            aria-pressed={unit() === 'station'}
            onClick={() => setUnit('station')}
          >
            {t('plan.station')}
          </button>
        </div>
      </div>
      <Show
        when={unit() === 'chief'}
        fallback={
          <label class="form-row">
            <span class="form-label">{t('plan.station')}</span>
            <select
              value={stationId()}
              data-testid="plan-station"
              onChange={(event) => chooseStation(event.currentTarget.value)}
            >
              <option value="">{t('plan.stationChoose')}</option>
              <For each={stationList()}>
                {(station) => <option value={station.properties.id}>{localName(station.properties)}</option>}
              </For>
            </select>
          </label>
        }
      >
        <label class="form-row">
          <span class="form-label">{t('plan.chief')}</span>
          <input
            type="text"
            list="plan-chief-options"
            placeholder={t('plan.chiefPlaceholder')}
            value={chiefId()}
            data-testid="plan-chief"
            onInput={(event) => setChiefId(event.currentTarget.value)}
          />
          <datalist id="plan-chief-options">
            <For each={props.chiefs ?? []}>
              {(chief) => <option value={chief.chief_id}>{localName(chief)}</option>}
            </For>
          </datalist>
        </label>
      </Show>
      <Show
        when={how() === 'suggest'}
        fallback={
          <>
            <div class="form-row two">
              <label>
                <span class="form-label">{t('draw.speed')}</span>
                <input
                  type="number"
                  min="1"
                  max="80"
                  step="1"
                  value={speed()}
                  data-testid="draw-speed"
                  onInput={(event) => setSpeed(Number(event.currentTarget.value) || DEFAULT_SPEED_KMH)}
                />
              </label>
              <label>
                <span class="form-label">{t('plan.date')}</span>
                <input type="date" value={day()} onInput={(event) => setDate(event.currentTarget.value)} />
              </label>
            </div>
            <div class="form-row">
              <button
                type="button"
                class="small-button"
                classList={{ active: props.drawing.state() === 'drawing' }}
                aria-pressed={props.drawing.state() === 'drawing'}
                data-testid="draw-start"
                onClick={startDrawing}
              >
                {props.drawing.state() === 'off' ? t('draw.start') : t('draw.again')}
              </button>
              <Show when={props.drawing.state() !== 'off'}>
                <button type="button" class="link-button small" onClick={() => props.drawing.clear()}>
                  {t('draw.clear')}
                </button>
              </Show>
            </div>
            <Show when={props.drawing.state() === 'drawing'}>
              <p class="draw-hint" data-testid="draw-hint">
                {t('draw.hint')}
              </p>
            </Show>
            <RouteGains
              route={props.drawing.route()}
              gaps={props.gaps}
              shapes={props.shapes}
              coverage={props.coverage}
              radius={props.radius}
              speedKmh={speed()}
            />
          </>
        }
      >
        <div class="form-row">
          <span class="form-label">{t('plan.start')}</span>
          <span class="plan-start" data-testid="plan-start">
            {props.start
              ? `${props.start[0].toFixed(4)}° E, ${props.start[1].toFixed(4)}° N`
              : t('plan.noStart')}
          </span>
          <button
            type="button"
            class="small-button"
            classList={{ active: props.picking }}
            aria-pressed={props.picking}
            data-testid="plan-pick"
            onClick={() => props.onPicking(!props.picking)}
          >
            {props.picking ? t('plan.picking') : t('plan.pick')}
          </button>
        </div>
        <div class="form-row two">
          <label>
            <span class="form-label">{t('plan.hours')}</span>
            <input
              type="number"
              min="0.5"
              max="16"
              step="0.5"
              value={hours()}
              onInput={(event) => setHours(Number(event.currentTarget.value) || 0)}
            />
          </label>
          <label>
            <span class="form-label">{t('plan.date')}</span>
            <input type="date" value={day()} onInput={(event) => setDate(event.currentTarget.value)} />
          </label>
        </div>
      </Show>
      <div class="form-actions">
        <button
          type="submit"
          class="button"
          disabled={busy() || !canOperate() || (how() === 'draw' && props.drawing.state() !== 'done')}
          title={canOperate() ? undefined : t('incident.readOnly')}
          data-testid="plan-submit"
        >
          {busy() ? t('plan.busy') : how() === 'draw' ? t('draw.save') : t('plan.submit')}
        </button>
        <Show when={props.plan}>
          <button
            type="button"
            class="link-button small"
            onClick={() => {
              props.onPlan(undefined)
              props.onStart(undefined)
            }}
          >
            {t('plan.clear')}
          </button>
        </Show>
      </div>
      <Show when={error()}>
        {(message) => (
          <p class="form-error" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <Show when={props.plan}>{(plan) => <PlanSummary plan={plan()} />}</Show>
    </form>
  )
}

const PlanSummary: Component<{ plan: Plan }> = (props) => (
  <div class="plan-summary" data-testid="plan-summary">
    <p class="muted small">
      {t(props.plan.source === 'drawn' ? 'draw.saved' : 'plan.saved', { id: String(props.plan.id) })}
    </p>
    <p>
      <strong>
        {t('plan.summary', {
          stops: formatNumber(props.plan.stops.length),
          km: formatNumber(props.plan.length_m / 1000, 1),
          from: formatClock(Date.parse(props.plan.started_at)),
          to: formatClock(Date.parse(props.plan.ended_at)),
        })}
      </strong>
    </p>
    <Show when={props.plan.stops.length > 0} fallback={<p class="muted">{t('plan.noStops')}</p>}>
      <p class="plan-adds">
        {t('plan.adds', {
          places: formatNumber(props.plan.adds.places),
          km: formatNumber(props.plan.adds.covered_m / 1000, 1),
          km2: formatNumber(props.plan.adds.covered_m2 / 1_000_000, 2),
          visits: formatNumber(props.plan.adds.visits),
        })}
      </p>
      <ol class="plan-stops">
        <For each={props.plan.stops}>
          {(stop) => (
            <li>
              <span class="stop-number">{stop.order}</span>
              <span class="stop-main">
                <span class="stop-name">{localName(stop)}</span>
                <span class="muted">
                  {kindName(stop.kind)} ·{' '}
                  {stop.reason === 'incidents' ? t('plan.reason.incidents') : t(`gap.reason.${stop.reason}`)}{' '}
                  · {t('plan.arrive', { time: formatClock(Date.parse(stop.arrive_at)) })}
                </span>
              </span>
            </li>
          )}
        </For>
      </ol>
    </Show>
  </div>
)
