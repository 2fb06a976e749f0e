import { type Component, createSignal, For, Show } from 'solid-js'
import { ApiError } from '../api.ts'
import { t } from '../i18n/index.ts'
import { chinaOffset } from '../incident-filters.ts'
import { categoryName, formatPosition, sourceName } from '../incident-format.ts'
import {
  type IncidentCategory,
  type IncidentDetail,
  type IncidentSource,
  incidentCategories,
  incidentSources,
  incidentsApi,
  isIncidentCategory,
} from '../incidents-api.ts'
import { categoryColors } from '../map/incident-style.ts'
import { messageOf } from '../map/layer-data.ts'

export interface ReportFormProps {
  /** Where the map was clicked. */
  position: [number, number]
  onCancel: () => void
  onReported: (incident: IncidentDetail) => void
}

/** 'YYYY-MM-DDTHH:mm' of an instant in China Standard Time, for a datetime-local input. */
export const chinaLocalInput = (time: Date) =>
  new Date(time.getTime() + 8 * 3600_000).toISOString().slice(0, 16)

/** The incident report for a point clicked on the map; the server's message on a refusal. */
export const ReportForm: Component<ReportFormProps> = (props) => {
  const [category, setCategory] = createSignal<IncidentCategory | ''>('')
  const [source, setSource] = createSignal<IncidentSource>('hotline')
  const [severity, setSeverity] = createSignal(2)
  const [time, setTime] = createSignal(chinaLocalInput(new Date()))
  const [description, setDescription] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<{ message: string; details: string[] }>()

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const chosen = category()
    if (!isIncidentCategory(chosen)) {
      setError({ message: t('incident.report.needCategory'), details: [] })
      return
    }
    if (!time()) {
      setError({ message: t('incident.report.needTime'), details: [] })
      return
    }
    setBusy(true)
    setError(undefined)
    try {
      const incident = await incidentsApi.create({
        category: chosen,
        source: source(),
        severity: severity(),
        occurred_at: new Date(`${time()}:00${chinaOffset}`).toISOString(),
        description: description().trim(),
        location: { type: 'Point', coordinates: props.position },
      })
      props.onReported(incident)
    } catch (e) {
      const details =
        e instanceof ApiError
          ? e.details.flatMap((d) =>
              typeof d === 'object' && d !== null && 'message' in d
                ? [String((d as { message: unknown }).message)]
                : [],
            )
          : []
      setError({ message: messageOf(e), details })
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="inc-report-form" data-testid="report-form" onSubmit={submit} novalidate>
      <div class="inc-section-head">
        <h3>{t('incident.report.title')}</h3>
      </div>
      <p class="inc-note inc-mono" data-testid="report-position">
        {formatPosition(props.position)} · {t('incident.report.moveHint')}
      </p>

      <fieldset class="inc-form-field">
        <legend>{t('incident.report.category')}</legend>
        <div class="inc-category-choices">
          <For each={incidentCategories}>
            {(c) => (
              <label class="inc-category-choice" classList={{ checked: category() === c }}>
                <input
                  type="radio"
                  name="category"
                  value={c}
                  checked={category() === c}
                  onChange={() => setCategory(c)}
                />
                <span class="incident-dot" style={{ '--c': categoryColors[c] }} aria-hidden="true" />
                <span>{categoryName(c)}</span>
              </label>
            )}
          </For>
        </div>
      </fieldset>

      <div class="inc-form-row">
        <label class="inc-form-field">
          <span>{t('incident.report.source')}</span>
          <select
            name="source"
            value={source()}
            onChange={(e) => setSource(e.currentTarget.value as IncidentSource)}
          >
            <For each={incidentSources}>{(s) => <option value={s}>{sourceName(s)}</option>}</For>
          </select>
        </label>
        <fieldset class="inc-form-field">
          <legend>{t('incident.report.severity')}</legend>
          <div class="inc-segmented small">
            <For each={[1, 2, 3] as const}>
              {(level) => (
                <button
                  type="button"
                  classList={{ active: severity() === level }}
                  aria-pressed={severity() === level}
                  data-severity={level}
                  onClick={() => setSeverity(level)}
                >
                  {t(`incident.severity.${level}`)}
                </button>
              )}
            </For>
          </div>
        </fieldset>
      </div>

      <label class="inc-form-field">
        <span>{t('incident.report.time')}</span>
        <input
          type="datetime-local"
          name="occurred_at"
          value={time()}
          max={chinaLocalInput(new Date(Date.now() + 60_000))}
          onInput={(e) => setTime(e.currentTarget.value)}
        />
      </label>

      <label class="inc-form-field">
        <span>{t('incident.report.description')}</span>
        <textarea
          name="description"
          rows={3}
          maxLength={4000}
          placeholder={t('incident.report.descriptionHint')}
          value={description()}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
      </label>

      <Show when={error()}>
        {(e) => (
          <div class="inc-error" role="alert" data-testid="report-error">
            {e().message}
            <Show when={e().details.length > 0}>
              <ul>
                <For each={e().details}>{(detail) => <li>{detail}</li>}</For>
              </ul>
            </Show>
          </div>
        )}
      </Show>

      <div class="inc-form-actions">
        <button type="button" class="button inc-button-secondary" onClick={() => props.onCancel()}>
          {t('incident.report.cancel')}
        </button>
        <button type="submit" class="button" disabled={busy()} data-testid="report-submit">
          <Show when={busy()}>
            <span class="spinner small" aria-hidden="true" />{' '}
          </Show>
          {t('incident.report.submit')}
        </button>
      </div>
    </form>
  )
}
