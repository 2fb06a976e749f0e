import { type Component, For, Show } from 'solid-js'
import type { TrackSet } from '../analysis/analysis.ts'
import { formatDate, formatShortDateTime } from '../analysis/format.ts'
import { dayMs, hourMs, playSpeeds, type TimeWindow } from '../analysis/time-window.ts'
import { windowDays } from '../analysis/url-params.ts'
import { formatNumber, t } from '../i18n/index.ts'

export interface TimeSliderProps {
  time: TimeWindow
  /** Offer the patrol playback (the station mode draws its own patrols). */
  withTracks: boolean
  showTracks: boolean
  onShowTracks: (on: boolean) => void
  tracks: TrackSet | undefined
  tracksLoading: boolean
  tracksError: string | undefined
}

/**
 * The time window of the analysis modes: a slider over the year of records for the window's end,
 * play/pause with a speed, the window's length, and the patrol tracks played back on the map.
 */
export const TimeSlider: Component<TimeSliderProps> = (props) => {
  const label = () => {
    const end = props.time.end()
    if (end === undefined) return t('time.loadingRecords')
    const from = end - props.time.days() * dayMs
    return t('time.window', { from: formatShortDateTime(from), to: formatShortDateTime(end) })
  }
  const tracksInWindow = () => {
    const set = props.tracks
    const end = props.time.end()
    if (!set || end === undefined) return undefined
    const from = end - props.time.days() * dayMs
    return set.features.filter((f) => {
      const times = f.properties.times
      const first = times[0] ?? 0
      const last = times[times.length - 1] ?? 0
      return last >= from && first < end
    }).length
  }
  return (
    <section
      class="time-slider"
      aria-label={t('time.label')}
      data-testid="time-slider"
      data-playing={props.time.playing() ? 'true' : undefined}
    >
      <div class="time-row">
        <button
          type="button"
          class="play-button"
          data-testid="time-play"
          aria-label={props.time.playing() ? t('time.pause') : t('time.play')}
          title={props.time.playing() ? t('time.pause') : t('time.play')}
          disabled={props.time.domain() === undefined}
          onClick={() => props.time.setPlaying(!props.time.playing())}
        >
          {props.time.playing() ? '❚❚' : '▶'}
        </button>
        <div class="time-label" data-testid="time-window-label" aria-live="off">
          {label()}
        </div>
        <button
          type="button"
          class="link-button small"
          title={t('time.latestTitle')}
          disabled={props.time.latest()}
          onClick={() => {
            props.time.setPlaying(false)
            const domain = props.time.domain()
            if (domain) props.time.setEnd(domain.to)
          }}
        >
          {t('time.latest')}
        </button>
      </div>
      <Show when={props.time.domain()}>
        {(domain) => (
          <div class="time-range">
            <input
              type="range"
              aria-label={t('time.slider')}
              data-testid="time-range"
              min={domain().from + hourMs}
              max={domain().to}
              step={hourMs}
              value={props.time.end() ?? domain().to}
              onInput={(event) => {
                props.time.setPlaying(false)
                props.time.setEnd(Number(event.currentTarget.value))
              }}
            />
            <div class="time-ends">
              <span>{formatDate(domain().from)}</span>
              <span>{formatDate(domain().to)}</span>
            </div>
          </div>
        )}
      </Show>
      <div class="time-row controls">
        <fieldset class="segmented" aria-label={t('time.length')}>
          <legend>{t('time.length')}</legend>
          <For each={windowDays}>
            {(days) => (
              <button
                type="button"
                aria-pressed={props.time.days() === days}
                classList={{ active: props.time.days() === days }}
                data-days={days}
                onClick={() => props.time.setDays(days)}
              >
                {days === 1 ? t('time.day') : t('time.days', { count: days })}
              </button>
            )}
          </For>
        </fieldset>
        <label class="time-speed">
          <span>{t('time.speed')}</span>
          <select
            value={String(props.time.speed())}
            data-testid="time-speed"
            onChange={(event) => props.time.setSpeed(Number(event.currentTarget.value))}
          >
            <For each={playSpeeds}>
              {(speed) => (
                <option value={String(speed)} selected={props.time.speed() === speed}>
                  {t(`time.speed.${speed}` as 'time.speed.1')}
                </option>
              )}
            </For>
          </select>
        </label>
        <Show when={props.withTracks}>
          <label class="time-tracks">
            <input
              type="checkbox"
              checked={props.showTracks}
              onChange={(event) => props.onShowTracks(event.currentTarget.checked)}
            />
            <span class="swatch-track" aria-hidden="true" />
            <span>{t('time.tracks')}</span>
            <span class="muted" data-testid="time-tracks">
              <Show
                when={!props.tracksError}
                fallback={t('time.tracksFailed', { message: props.tracksError ?? '' })}
              >
                <Show
                  when={tracksInWindow() !== undefined}
                  fallback={props.tracksLoading ? t('time.tracksLoading') : ''}
                >
                  {t('time.tracksCount', { count: formatNumber(tracksInWindow() ?? 0) })}
                  <Show when={props.tracks?.truncated}>
                    {' · '}
                    {t('time.tracksTruncated', { count: formatNumber(props.tracks?.features.length ?? 0) })}
                  </Show>
                </Show>
              </Show>
            </span>
          </label>
        </Show>
      </div>
    </section>
  )
}
