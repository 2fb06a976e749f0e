import { formatNumber, locale } from '../i18n/index.ts'

/** Huzhou's clock: every time on the screen is China time, whatever the browser's zone. */
export const chinaTimeZone = 'Asia/Shanghai'

const dateTimeFormat = (withTime: boolean, withYear: boolean) =>
  new Intl.DateTimeFormat(locale(), {
    timeZone: chinaTimeZone,
    year: withYear ? 'numeric' : undefined,
    month: 'short',
    day: 'numeric',
    hour: withTime ? '2-digit' : undefined,
    minute: withTime ? '2-digit' : undefined,
    hourCycle: 'h23',
  })

/** '1 Nov 2026, 08:00' / '2026年11月1日 08:00' (China time); reactive to the language. */
export const formatDateTime = (ms: number) => dateTimeFormat(true, true).format(ms)

/** '1 Nov 2026' / '2026年11月1日'. */
export const formatDate = (ms: number) => dateTimeFormat(false, true).format(ms)

/** '1 Nov, 08:00': for the two ends of a window within a year. */
export const formatShortDateTime = (ms: number) => dateTimeFormat(true, false).format(ms)

/** 'Nov' / '11月': a month on a sparkline axis. */
export const formatMonth = (ms: number) =>
  new Intl.DateTimeFormat(locale(), { timeZone: chinaTimeZone, month: 'short' }).format(ms)

/** '08:30' China time. */
export const formatClock = (ms: number) =>
  new Intl.DateTimeFormat(locale(), {
    timeZone: chinaTimeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(ms)

/** The China-time calendar day of an instant, 'YYYY-MM-DD' (what POST /api/plans takes). */
export const chinaDate = (ms: number) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: chinaTimeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(ms)

/** 0.4237 → '42 %' ('42%' in Chinese). */
export const formatPercent = (share: number) =>
  locale() === 'zh-CN' ? `${formatNumber(share * 100)}%` : `${formatNumber(share * 100)} %`
