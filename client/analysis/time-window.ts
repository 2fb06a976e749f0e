import { type Accessor, createEffect, createMemo, createSignal, onCleanup, untrack } from 'solid-js'
import { defaultWindowDays } from './url-params.ts'

export const hourMs = 3_600_000
export const dayMs = 24 * hourMs

/** Playback speeds offered, in hours of data per second. */
export const playSpeeds: readonly number[] = [1, 6, 24, 168]
export const defaultSpeed = 24

/** The slider spans the year before the end of the data. */
export const domainDays = 365

export interface Window {
  /** Epoch ms; `from` included, `to` excluded, as on every route of the API. */
  from: number
  to: number
}

export interface TimeWindow {
  /** The slider's range: the year up to the end of the data (rounded up to the hour). */
  domain: Accessor<Window | undefined>
  /** The window end as the slider shows it (moves continuously while playing). */
  end: Accessor<number | undefined>
  days: Accessor<number>
  /** True while the end is the end of the data (no `t` in the URL). */
  latest: Accessor<boolean>
  window: Accessor<Window | undefined>
  /** The window in whole hours, sampled every 2 s while playing: for the hotspots. */
  stepped: Accessor<Window | undefined>
  /** The window once it has stood still for a moment and playback is off: for the slow coverage. */
  settled: Accessor<Window | undefined>
  playing: Accessor<boolean>
  speed: Accessor<number>
  setEnd: (ms: number) => void
  setDays: (days: number) => void
  setSpeed: (hoursPerSecond: number) => void
  setPlaying: (on: boolean) => void
}

const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step

/** Frames slower than this leave the main thread idle as long again; the stepped window moves every
 * `playStepMs` while playing. */
const slowFrameMs = 60
const playStepMs = 2000

/**
 * The time window shared by the analysis modes: a slider over the year with playback. The end stays
 * on whole hours except while playing.
 */
export function createTimeWindow(options: {
  dataEnd: Accessor<number | undefined>
  initialEnd?: number
  initialDays?: number
}): TimeWindow {
  const [chosenEnd, setChosenEnd] = createSignal<number | undefined>(options.initialEnd)
  const [days, setDays] = createSignal(options.initialDays ?? defaultWindowDays)
  const [playing, setPlayingSignal] = createSignal(false)
  const [speed, setSpeed] = createSignal(defaultSpeed)

  const domain = createMemo<Window | undefined>(() => {
    const last = options.dataEnd()
    if (last === undefined) return undefined
    const to = Math.ceil(last / hourMs) * hourMs
    return { from: to - domainDays * dayMs, to }
  })
  const end = createMemo(() => chosenEnd() ?? domain()?.to)
  const latest = () => chosenEnd() === undefined
  const window = createMemo<Window | undefined>(() => {
    const to = end()
    return to === undefined ? undefined : { from: to - days() * dayMs, to }
  })

  // While playing, the stepped window follows the end every `playStepMs` of wall time only: each step
  // is a request and a redraw of a few thousand cells.
  const [playEnd, setPlayEnd] = createSignal<number>()
  createEffect(() => {
    if (!playing()) return
    const sample = () => setPlayEnd(untrack(end))
    sample()
    const timer = setInterval(sample, playStepMs)
    onCleanup(() => clearInterval(timer))
  })
  const stepped = createMemo<Window | undefined>(
    () => {
      const to = playing() ? playEnd() : end()
      if (to === undefined) return undefined
      const rounded = floorTo(to, hourMs)
      return { from: rounded - days() * dayMs, to: rounded }
    },
    undefined,
    { equals: (a, b) => a?.from === b?.from && a?.to === b?.to },
  )

  const [settled, setSettled] = createSignal<Window | undefined>(undefined, {
    equals: (a, b) => a?.from === b?.from && a?.to === b?.to,
  })
  createEffect(() => {
    const current = stepped()
    if (!current || playing()) return
    const timer = setTimeout(() => setSettled(current), settled() ? 600 : 0)
    onCleanup(() => clearTimeout(timer))
  })

  // Playback: advance the end by `speed` hours per second of wall time, stop at the end of the data.
  createEffect(() => {
    if (!playing()) return
    let frame = 0
    let timer: ReturnType<typeof setTimeout> | undefined
    let last = performance.now()
    const tick = (now: number) => {
      const elapsed = now - last
      const range = domain()
      const current = end()
      if (!range || current === undefined) return
      const next = current + (Math.min(elapsed, 1000) / 1000) * speed() * hourMs
      last = now
      if (next >= range.to) {
        setChosenEnd(undefined)
        setPlayingSignal(false)
        return
      }
      setChosenEnd(next)
      // A slow (software) renderer gets as much idle time as its last frame took, for input.
      if (elapsed > slowFrameMs) timer = setTimeout(() => (frame = requestAnimationFrame(tick)), elapsed)
      else frame = requestAnimationFrame(tick)
    }
    frame = requestAnimationFrame(tick)
    onCleanup(() => {
      cancelAnimationFrame(frame)
      clearTimeout(timer)
    })
  })

  const setPlaying = (on: boolean) => {
    const range = domain()
    const current = end()
    if (on && range && current !== undefined && current >= range.to) {
      // At the end: play the year from its start.
      setChosenEnd(range.from + days() * dayMs)
    }
    if (!on && current !== undefined && !latest()) {
      const rounded = Math.round(current / hourMs) * hourMs
      setChosenEnd(range && rounded >= range.to ? undefined : rounded)
    }
    setPlayingSignal(on)
  }

  return {
    domain,
    end,
    days,
    latest,
    window,
    stepped,
    settled,
    playing,
    speed,
    setEnd: (ms) => {
      const range = domain()
      const clamped = range ? Math.min(Math.max(ms, range.from + hourMs), range.to) : ms
      const rounded = Math.round(clamped / hourMs) * hourMs
      setChosenEnd(range && rounded === range.to ? undefined : rounded)
    },
    setDays,
    setSpeed,
    setPlaying,
  }
}
