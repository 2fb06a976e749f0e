import { type Component, createEffect, createMemo, createSignal, For, on, Show } from 'solid-js'
import { formatNumber, localName, t } from '../i18n/index.ts'
import {
  actorName,
  categoryName,
  formatDateTime,
  formatDistance,
  formatFullTime,
  formatMinutes,
  formatPosition,
  minutesBetween,
  placeKindName,
  sourceName,
  statusName,
  whereName,
} from '../incident-format.ts'
import type { IncidentsController } from '../incidents.tsx'
import type {
  IncidentDetail,
  IncidentEvent,
  IncidentStatus,
  ResponsibleCandidate,
  ResponsibleReason,
} from '../incidents-api.ts'
import { categoryColors, statusColors } from '../map/incident-style.ts'
import { messageOf } from '../map/layer-data.ts'
import { canOperate } from '../session.ts'

/**
 * The open incident: what happened where, the one-key Dispatch with the next steps the lifecycle
 * allows, who answers for it and why (ranked, as on the map), the facts and the audit trail.
 */
export const IncidentPanel: Component<{ incidents: IncidentsController }> = (props) => {
  const inc = () => props.incidents
  const [note, setNote] = createSignal('')
  const [busy, setBusy] = createSignal<string>()
  const [error, setError] = createSignal<string>()
  createEffect(
    on(inc().selected, () => {
      setNote('')
      setError(undefined)
    }),
  )

  const run = async (key: string, action: () => Promise<void>) => {
    setBusy(key)
    setError(undefined)
    try {
      await action()
      setNote('')
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(undefined)
    }
  }

  const loadError = () => (inc().detail.state === 'errored' ? messageOf(inc().detail.error) : undefined)

  return (
    <article
      class="incident-panel"
      data-testid="incident-panel"
      data-incident-id={inc().selected()}
      data-incident-status={inc().current()?.status}
      aria-busy={busy() !== undefined}
    >
      <Show
        when={inc().current()}
        fallback={
          <div class="inc-panel-state">
            <div class="inc-panel-state-head">
              <Show when={loadError()} fallback={<span class="spinner small" role="status" />}>
                <strong class="inc-danger-text">{t('incident.panel.loadFailed')}</strong>
              </Show>
              <CloseButton onClose={() => inc().select(undefined)} />
            </div>
            <Show when={loadError()}>{(message) => <p class="inc-error">{message()}</p>}</Show>
          </div>
        }
      >
        {(d) => (
          <>
            <header class="incident-head">
              <div class="incident-title">
                <span
                  class="incident-dot big"
                  style={{ '--c': categoryColors[d().category] }}
                  aria-hidden="true"
                />
                <h3>{categoryName(d().category)}</h3>
                <StatusBadge status={d().status} />
                <CloseButton onClose={() => inc().select(undefined)} />
              </div>
              <div class="incident-sub">
                <span>#{d().id}</span>
                <span>{formatDateTime(d().occurred_at)}</span>
                <span>{whereName(d())}</span>
                <Show when={d().district}>{(district) => <span>{localName(district())}</span>}</Show>
              </div>
              <Show when={d().description}>
                <p class="incident-description" data-testid="incident-description">
                  {d().description}
                </p>
              </Show>
            </header>

            <Actions
              detail={d()}
              incidents={inc()}
              note={note()}
              busy={busy()}
              error={error()}
              onNote={setNote}
              onDispatch={() => run('dispatched', () => inc().dispatch(note().trim()))}
              onStatus={(status) => run(status, () => inc().changeStatus(status, note().trim()))}
            />

            {/* Before dispatch the question is who goes; afterwards, what has happened since. */}
            <Show
              when={d().next_statuses.includes('dispatched')}
              fallback={
                <>
                  <Timeline detail={d()} candidates={inc().currentCandidates()} />
                  <Facts detail={d()} />
                  <Responsible detail={d()} incidents={inc()} />
                </>
              }
            >
              <Responsible detail={d()} incidents={inc()} />
              <Facts detail={d()} />
              <Timeline detail={d()} candidates={inc().currentCandidates()} />
            </Show>
          </>
        )}
      </Show>
    </article>
  )
}

const CloseButton: Component<{ onClose: () => void }> = (props) => (
  <button
    type="button"
    class="icon-button inc-close"
    aria-label={t('incident.panel.close')}
    title={t('incident.panel.close')}
    data-testid="incident-close"
    onClick={() => props.onClose()}
  >
    ×
  </button>
)

export const StatusBadge: Component<{ status: IncidentStatus }> = (props) => (
  <span class="inc-status-badge" style={{ '--s': statusColors[props.status] }} data-status={props.status}>
    {statusName(props.status)}
  </span>
)

interface ActionsProps {
  detail: IncidentDetail
  incidents: IncidentsController
  note: string
  busy: string | undefined
  error: string | undefined
  onNote: (note: string) => void
  onDispatch: () => void
  onStatus: (status: IncidentStatus) => void
}

/** One key first; then only the steps the lifecycle allows now, with an optional note. */
const Actions: Component<ActionsProps> = (props) => {
  const canDispatch = () => props.detail.next_statuses.includes('dispatched')
  // 'dispatched' has the Dispatch button; 'reported' is never a next step.
  const others = () =>
    props.detail.next_statuses.filter(
      (s): s is Exclude<IncidentStatus, 'reported' | 'dispatched'> => s !== 'dispatched' && s !== 'reported',
    )
  const target = () => props.incidents.target()
  const targetRank = () => {
    const id = target()?.id
    const index = props.incidents.currentCandidates()?.findIndex((c) => c.id === id) ?? -1
    return index + 1
  }
  return (
    <section class="incident-actions" aria-label={t('incident.actions.title')}>
      <Show when={!canOperate()}>
        <p class="muted small" data-testid="read-only">
          {t('incident.readOnly')}
        </p>
      </Show>
      <Show when={canOperate() && canDispatch()}>
        <button
          type="button"
          class="dispatch-button"
          data-testid="dispatch-button"
          disabled={props.busy !== undefined}
          onClick={() => props.onDispatch()}
        >
          <span class="dispatch-key">{t('incident.dispatch.key')}</span>
          <span class="dispatch-label">
            <Show when={target()} fallback={t('incident.dispatch.toFirst')}>
              {(c) => t('incident.dispatch.to', { name: localName(c()) })}
            </Show>
          </span>
          <Show when={target()}>
            {(c) => (
              <span class="dispatch-sub">
                {t('incident.dispatch.sub', { rank: targetRank(), distance: formatDistance(c().distance_m) })}
              </span>
            )}
          </Show>
        </button>
      </Show>
      <Show when={canOperate() && props.detail.next_statuses.length > 0}>
        <label class="inc-note-field">
          <span>{t('incident.note.label')}</span>
          <input
            type="text"
            maxLength={4000}
            value={props.note}
            placeholder={t('incident.note.placeholder')}
            data-testid="status-note"
            onInput={(e) => props.onNote(e.currentTarget.value)}
          />
        </label>
        <Show when={others().length > 0}>
          <div class="inc-status-actions">
            <For each={others()}>
              {(status) => (
                <button
                  type="button"
                  class="inc-status-action"
                  classList={{
                    danger: status === 'cancelled',
                    primary: !canDispatch() && status !== 'cancelled',
                  }}
                  data-action={status}
                  disabled={props.busy !== undefined}
                  onClick={() => props.onStatus(status)}
                >
                  <Show when={props.busy === status}>
                    <span class="spinner small" aria-hidden="true" />
                  </Show>
                  {t(`incident.action.${status}`)}
                </button>
              )}
            </For>
          </div>
        </Show>
      </Show>
      <Show when={props.detail.next_statuses.length === 0}>
        <p class="inc-final-note">
          {t('incident.actions.final', { status: statusName(props.detail.status) })}
        </p>
      </Show>
      <Show when={props.error}>
        {(message) => (
          <div class="inc-error" role="alert" data-testid="action-error">
            {message()}
          </div>
        )}
      </Show>
    </section>
  )
}

/** The reason of a candidate in the UI's language, from its code and parameters. */
export function reasonText(reason: ResponsibleReason): string {
  switch (reason.code) {
    case 'place_chief': {
      const place = localName({ name_zh: reason.params.place_name_zh, name_en: reason.params.place_name_en })
      const kind = placeKindName(reason.params.place_kind)
      return reason.params.place_distance_m === 0
        ? t('incident.reason.placeIn', { place, kind })
        : t('incident.reason.placeNear', {
            place,
            kind,
            distance: formatDistance(reason.params.place_distance_m),
          })
    }
    case 'station_jurisdiction':
      return reason.params.cross_border ? t('incident.reason.stationCross') : t('incident.reason.station')
    case 'nearest_on_duty_chief':
      return t('incident.reason.nearest')
  }
}

const groupKey = (reason: ResponsibleReason) =>
  reason.code === 'place_chief' ? `place:${reason.params.place_id}` : reason.code

interface CandidateGroup {
  key: string
  reason: ResponsibleReason
  rows: { rank: number; candidate: ResponsibleCandidate }[]
}

const Responsible: Component<{ detail: IncidentDetail; incidents: IncidentsController }> = (props) => {
  const inc = () => props.incidents
  const all = () => inc().currentCandidates()
  const groups = createMemo(() => {
    const out: CandidateGroup[] = []
    inc()
      .shownCandidates()
      .forEach((candidate, index) => {
        const key = groupKey(candidate.reason)
        const last = out[out.length - 1]
        const row = { rank: index + 1, candidate }
        if (last && last.key === key) last.rows.push(row)
        else out.push({ key, reason: candidate.reason, rows: [row] })
      })
    return out
  })
  const canPick = () => props.detail.next_statuses.includes('dispatched')
  const highlighted = () => (canPick() ? inc().target()?.id : props.detail.chief_id)
  return (
    <section
      class="incident-section inc-responsible"
      aria-labelledby="responsible-title"
      data-testid="responsible"
      // Set once the lines to the units can be drawn (their positions have arrived).
      data-on-map={inc().positions.latest && !inc().positions.loading ? 'true' : undefined}
    >
      <div class="inc-section-head">
        <h4 id="responsible-title">{t('incident.responsible.title')}</h4>
        <Show when={all()}>
          {(list) => (
            <span class="inc-count">
              {t('incident.responsible.count', { count: formatNumber(list().length) })}
            </span>
          )}
        </Show>
        <Show when={inc().positions.latest && inc().map()}>
          <button
            type="button"
            class="link-button small"
            data-testid="fit-responsible"
            onClick={() => inc().fitResponsible()}
          >
            {t('incident.responsible.fit')}
          </button>
        </Show>
      </div>
      <Show
        when={all()}
        fallback={
          <p class="inc-note">
            {inc().candidates.state === 'errored'
              ? t('incident.loadFailed', { message: messageOf(inc().candidates.error) })
              : t('panel.loading')}
          </p>
        }
      >
        {(list) => (
          <Show when={list().length > 0} fallback={<p class="inc-note">{t('incident.responsible.none')}</p>}>
            <Show when={canPick()}>
              <p class="inc-note">{t('incident.responsible.pick')}</p>
            </Show>
            <For each={groups()}>
              {(group) => (
                <div class="inc-candidate-group" data-reason-code={group.reason.code}>
                  <div class="inc-candidate-reason">{reasonText(group.reason)}</div>
                  <ul>
                    <For each={group.rows}>
                      {(row) => (
                        <li>
                          <button
                            type="button"
                            class="inc-candidate"
                            classList={{
                              target: row.candidate.id === highlighted(),
                              off: row.candidate.on_duty === false,
                              station: row.candidate.kind === 'station',
                            }}
                            disabled={!canPick() || row.candidate.kind !== 'chief'}
                            aria-pressed={row.candidate.id === highlighted()}
                            data-candidate-rank={row.rank}
                            data-candidate-id={row.candidate.id}
                            data-reason-code={row.candidate.reason.code}
                            data-places={row.candidate.places.map((p) => p.id).join(',')}
                            title={reasonTitle(row.candidate)}
                            onClick={() =>
                              inc().setChosen(
                                row.candidate.id === inc().defaultTarget()?.id ? undefined : row.candidate.id,
                              )
                            }
                          >
                            <span class="inc-rank">{row.rank}</span>
                            <span class="inc-candidate-name">{localName(row.candidate)}</span>
                            <span class="inc-candidate-kind">
                              {row.candidate.kind === 'station'
                                ? t('kind.station')
                                : row.candidate.on_duty
                                  ? t('tooltip.onDuty')
                                  : t('tooltip.offDuty')}
                            </span>
                            <span class="inc-candidate-distance">
                              {formatDistance(row.candidate.distance_m)}
                            </span>
                          </button>
                        </li>
                      )}
                    </For>
                  </ul>
                </div>
              )}
            </For>
            <Show when={list().length > inc().shownCandidates().length || inc().showAllCandidates()}>
              <button
                type="button"
                class="link-button small"
                onClick={() => inc().setShowAllCandidates(!inc().showAllCandidates())}
              >
                {inc().showAllCandidates()
                  ? t('incident.responsible.fewer')
                  : t('incident.responsible.all', { count: formatNumber(list().length) })}
              </button>
            </Show>
          </Show>
        )}
      </Show>
    </section>
  )
}

/** The full reason on hover: the places within 1 km a chief answers for. */
function reasonTitle(candidate: ResponsibleCandidate): string {
  const places = candidate.places.map((p) => `${localName(p)} (${formatDistance(p.distance_m)})`)
  const base = reasonText(candidate.reason)
  if (candidate.reason.code === 'nearest_on_duty_chief')
    return t('incident.reason.nearestRank', {
      rank: candidate.reason.params.rank,
      distance: formatDistance(candidate.reason.params.distance_m),
    })
  return places.length ? `${base}: ${places.join(t('tooltip.listSeparator'))}` : base
}

const Facts: Component<{ detail: IncidentDetail }> = (props) => {
  const d = () => props.detail
  const resolveMinutes = () => minutesBetween(d().reported_at, d().resolved_at)
  return (
    <section class="incident-section" aria-labelledby="facts-title">
      <div class="inc-section-head">
        <h4 id="facts-title">{t('incident.facts.title')}</h4>
      </div>
      <dl class="inc-facts">
        <dt>{t('incident.facts.source')}</dt>
        <dd>{sourceName(d().source)}</dd>
        <dt>{t('incident.facts.severity')}</dt>
        <dd>{t(`incident.severity.${Math.min(3, Math.max(1, d().severity)) as 1 | 2 | 3}`)}</dd>
        <dt>{t('incident.facts.occurred')}</dt>
        <dd>{formatFullTime(d().occurred_at)}</dd>
        <dt>{t('incident.facts.reported')}</dt>
        <dd>{formatFullTime(d().reported_at)}</dd>
        <dt>{t('incident.facts.place')}</dt>
        <dd>
          <Show when={d().place} fallback={t('incident.noPlace')}>
            {(place) =>
              t('incident.facts.placeValue', {
                name: localName(place()),
                kind: placeKindName(place().kind),
                distance: formatDistance(place().distance_m),
              })
            }
          </Show>
        </dd>
        <dt>{t('incident.facts.location')}</dt>
        <dd class="inc-mono">{formatPosition(d().location.coordinates)}</dd>
        <Show when={d().chief}>
          {(chief) => (
            <>
              <dt>{t('incident.facts.chief')}</dt>
              <dd data-testid="assigned-chief">{localName(chief())}</dd>
            </>
          )}
        </Show>
        <Show when={d().dispatched_at}>
          <dt>{t('incident.facts.handling')}</dt>
          <dd>
            {[
              t('incident.facts.toDispatch', {
                time: formatMinutes(minutesBetween(d().reported_at, d().dispatched_at)),
              }),
              d().on_scene_at
                ? t('incident.facts.toOnScene', {
                    time: formatMinutes(minutesBetween(d().reported_at, d().on_scene_at)),
                  })
                : '',
              d().resolved_at ? t('incident.facts.toResolve', { time: formatMinutes(resolveMinutes()) }) : '',
            ]
              .filter(Boolean)
              .join(' · ')}
            <Show when={resolveMinutes() !== null}>
              <span class="inc-within" classList={{ late: (resolveMinutes() ?? 0) > 30 }}>
                {(resolveMinutes() ?? 0) <= 30 ? t('incident.facts.within30') : t('incident.facts.over30')}
              </span>
            </Show>
          </dd>
        </Show>
      </dl>
    </section>
  )
}

/**
 * A note as the record keeps it, except the one the server writes for a one-key dispatch: the chosen
 * chief's reason in English, shown in the UI's language when it matches that chief's reason exactly.
 */
function noteText(event: IncidentEvent, candidates: readonly ResponsibleCandidate[] | undefined): string {
  if (event.to_status !== 'dispatched' || !event.chief_id) return event.note
  const chosen = candidates?.find((c) => c.id === event.chief_id && c.reason.text === event.note)
  return chosen ? reasonText(chosen.reason) : event.note
}

const Timeline: Component<{
  detail: IncidentDetail
  candidates: readonly ResponsibleCandidate[] | undefined
}> = (props) => (
  <section class="incident-section" aria-labelledby="timeline-title">
    <div class="inc-section-head">
      <h4 id="timeline-title">{t('incident.timeline.title')}</h4>
    </div>
    <ol class="inc-timeline" data-testid="timeline">
      <For each={props.detail.events}>
        {(event) => (
          <li data-event-to={event.to_status} style={{ '--s': statusColors[event.to_status] }}>
            <div class="inc-timeline-head">
              <span class="inc-timeline-step">
                {event.from_status
                  ? t('incident.timeline.step', {
                      from: statusName(event.from_status),
                      to: statusName(event.to_status),
                    })
                  : statusName(event.to_status)}
              </span>
              <time datetime={event.at}>{formatFullTime(event.at)}</time>
            </div>
            <div class="inc-timeline-who">
              {t('incident.timeline.by', { actor: actorName(event.actor) })}
              <Show when={event.chief}>
                {(chief) => <> · {t('incident.timeline.chief', { name: localName(chief()) })}</>}
              </Show>
            </div>
            <Show when={event.note}>
              <div class="inc-timeline-note">{noteText(event, props.candidates)}</div>
            </Show>
          </li>
        )}
      </For>
    </ol>
  </section>
)
