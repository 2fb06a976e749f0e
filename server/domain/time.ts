import { badRequest } from '../errors.ts'

// ISO 8601 as the API accepts it: a date, or a date and time with an optional zone. A space before
// the zone's hours is read as "+", which is what an unescaped "+" in a query string turns into.
const isoTime =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+\- ]\d{2}:\d{2})?)?$/

/**
 * Parses an ISO 8601 date ("2026-10-01", midnight UTC) or date-time ("2026-10-01T08:00:00+08:00";
 * without a zone it is UTC). Anything else, or an impossible date such as 2026-02-30, is a 400.
 */
export function parseInstant(field: string, text: string): Date {
  const m = isoTime.exec(text)
  const fail = () =>
    badRequest(
      `${field} must be an ISO 8601 date (2026-10-01) or date-time (2026-10-01T08:00:00+08:00), got "${text}"`,
      [{ field, code: 'bad_time', value: text }],
    )
  if (!m) throw fail()
  const [, y, mo, d, hh = '00', mi = '00', ss = '00', frac = '', zone = 'Z'] = m
  const ms = Number(`0.${frac || '0'}`) * 1000
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(hh), Number(mi), Number(ss), ms)
  const check = new Date(utc)
  // Date.UTC rolls impossible values over (Feb 30 → Mar 2, 24:00 → next day): a changed field is an error.
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    check.getUTCHours() !== Number(hh) ||
    check.getUTCMinutes() !== Number(mi) ||
    check.getUTCSeconds() !== Number(ss)
  ) {
    throw fail()
  }
  if (zone === 'Z') return check
  const sign = zone.startsWith('-') ? -1 : 1
  const offsetMin = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))
  if (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(4, 6)) > 59) throw fail()
  return new Date(utc - sign * offsetMin * 60_000)
}
