import { formatNumber, hasMessage, locale, localName, t } from './i18n/index.ts'
import type { IncidentCategory, IncidentProps, IncidentSource, IncidentStatus } from './incidents-api.ts'

/** Words and numbers of the incident screens, in the current language; times in China Standard Time. */

const timeZone = 'Asia/Shanghai'

export const categoryName = (category: IncidentCategory) => t(`incident.category.${category}`)
export const statusName = (status: IncidentStatus) => t(`incident.status.${status}`)
export const sourceName = (source: IncidentSource) => t(`incident.source.${source}`)

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(key: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const id = `${locale()}|${key}`
  let format = formatters.get(id)
  if (!format) {
    format = new Intl.DateTimeFormat(locale(), { timeZone, hourCycle: 'h23', ...options })
    formatters.set(id, format)
  }
  return format
}

/** "11-30 13:02" style: month, day and clock time. */
export function formatDateTime(iso: string): string {
  return formatter('datetime', {
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso))
}

/** "2026-11-30 13:02:41": the full time, for the timeline and facts. */
export function formatFullTime(iso: string): string {
  return formatter('full', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(new Date(iso))
}

/** "13:02:41". */
export function formatClock(iso: string | number): string {
  return formatter('clock', { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(iso))
}

/** A WGS84 position in words: 119.56080° E, 30.55660° N (东经…北纬 in Chinese). */
export function formatPosition(coordinates: readonly number[]): string {
  return t('incident.position', {
    lon: formatNumber(coordinates[0] ?? 0, 5),
    lat: formatNumber(coordinates[1] ?? 0, 5),
  })
}

/** 850 m, 3.1 km. */
export function formatDistance(metres: number | null | undefined): string {
  if (metres === null || metres === undefined) return '—'
  if (metres < 1000) return t('incident.unit.m', { n: formatNumber(Math.round(metres)) })
  return t('incident.unit.km', { n: formatNumber(metres / 1000, metres < 10_000 ? 1 : 0) })
}

/** A duration in minutes as minutes, hours or days, whichever reads best. */
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return '—'
  if (minutes < 1) return t('incident.unit.sec', { n: formatNumber(Math.round(minutes * 60)) })
  if (minutes < 60) return t('incident.unit.min', { n: formatNumber(minutes, minutes < 10 ? 1 : 0) })
  if (minutes < 48 * 60) return t('incident.unit.h', { n: formatNumber(minutes / 60, 1) })
  return t('incident.unit.d', { n: formatNumber(minutes / 1440, 1) })
}

/** Minutes between two ISO times (null when either is missing). */
export function minutesBetween(from: string | null, to: string | null): number | null {
  if (!from || !to) return null
  return (Date.parse(to) - Date.parse(from)) / 60_000
}

/** Where it happened: the nearest place, else the district, else the coordinates. */
export function whereName(incident: Pick<IncidentProps, 'place' | 'district'>): string {
  if (incident.place) return localName(incident.place)
  if (incident.district) return localName(incident.district)
  return t('incident.noPlace')
}

/** The place kind in words (place kinds share the layer panel's dictionary). */
export function placeKindName(kind: string): string {
  const key = `kind.${kind}`
  return hasMessage(key) ? t(key) : kind
}

/** An actor id of the audit trail in words: chiefs by name when known, the unsigned default translated. */
export function actorName(actor: string): string {
  if (actor === 'anonymous') return t('incident.actor.anonymous')
  return actor
}
