import type { Db, Queryable } from '../db/db.ts'
import type { Fix } from './patrol-tracks.ts'

/**
 * Writing live positions (patrol_positions, partitioned by UTC month: migrations/006). Small batches
 * go in with one INSERT, large ones with COPY; both store the same rows.
 */

/**
 * From this many fixes (the most one POST of positions takes) a batch goes in with COPY. Measured on
 * 2 cores: below a few hundred rows one INSERT … unnest is quicker on both backends (COPY is a
 * statement more on PostgreSQL, a Blob on PGlite); at 1,000 the two are even; from 5,000 COPY
 * stores ~1.3× more rows a second on PGlite and about as many on PostgreSQL, where unnest of
 * float8 arrays parses as fast as COPY's text.
 */
export const COPY_MIN_FIXES = 1000

/** PostgreSQL's epoch, 2000-01-01, in Unix seconds. */
const PG_EPOCH_S = 946_684_800

/**
 * Times written as ISO text (COPY, partition months): 1970 to 9999. A batch with a fix outside (no
 * GPS gives one, but nothing refuses it) goes in by INSERT, which takes any time PostgreSQL does;
 * that fix lands in the default partition.
 */
const inIsoRange = (at: number) => at >= 0 && at < Date.UTC(10000, 0, 1)

/**
 * A fix's time as timestamptz text, rounded to the microsecond exactly as to_timestamp(at / 1000)
 * rounds it (rint of the microseconds since 2000, halves to even), so that COPY and INSERT store the
 * same instant for any time, even one with a fraction of a millisecond.
 */
export function positionTime(at: number): string {
  const exact = (at / 1000 - PG_EPOCH_S) * 1e6
  let micros = Math.round(exact)
  if (micros - exact === 0.5 && micros % 2 !== 0) micros -= 1
  const unixMicros = micros + PG_EPOCH_S * 1e6
  const ms = Math.floor(unixMicros / 1000)
  return `${new Date(ms).toISOString().slice(0, 23)}${String(unixMicros - ms * 1000).padStart(3, '0')}Z`
}

/** A fix as a point in hex EWKB (SRID 4326, little-endian): the same bytes ST_SetSRID(ST_MakePoint()) makes. */
export function pointEwkb(fix: Fix): string {
  const buf = Buffer.alloc(25)
  buf.writeUInt8(1, 0)
  buf.writeUInt32LE(0x20000001, 1) // Point with the SRID flag
  buf.writeUInt32LE(4326, 5)
  buf.writeDoubleLE(fix.lon, 9)
  buf.writeDoubleLE(fix.lat, 17)
  return buf.toString('hex')
}

/** The UTC month a time falls in, as the ISO time of its first instant. */
const monthOf = (at: number) => {
  const d = new Date(at)
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString()
}

/** Per database, the months whose partition this process has made or found, to skip asking again. */
const knownMonths = new WeakMap<Db, Set<string>>()

/**
 * Makes the month partitions the fixes fall in, in a statement of its own: called before the
 * transaction that writes them, so that it holds none of the locks attaching a partition takes.
 * A partition detached later only sends that month's fixes to the default partition.
 */
export async function ensurePositionPartitions(db: Db, fixes: readonly Fix[]): Promise<void> {
  const known = knownMonths.get(db) ?? new Set<string>()
  knownMonths.set(db, known)
  const months = [...new Set(fixes.filter((f) => inIsoRange(f.at)).map((f) => monthOf(f.at)))].filter(
    (m) => !known.has(m),
  )
  if (!months.length) return
  await db.query('SELECT ensure_position_partitions($1::timestamptz[])', [months])
  for (const m of months) known.add(m)
}

/** Stores checked fixes of a patrol (inside the caller's transaction): COPY from COPY_MIN_FIXES on. */
export async function insertPositions(tx: Queryable, patrolId: number, fixes: readonly Fix[]): Promise<void> {
  if (fixes.length >= COPY_MIN_FIXES && fixes.every((f) => inIsoRange(f.at))) {
    await tx.copyRows(
      'patrol_positions',
      ['patrol_id', 'at', 'geom'],
      fixes.map((f) => [patrolId, positionTime(f.at), pointEwkb(f)]),
    )
    return
  }
  await tx.query(
    `INSERT INTO patrol_positions (patrol_id, at, geom)
     SELECT $1, to_timestamp(v.t), ST_SetSRID(ST_MakePoint(v.lon, v.lat), 4326)
     FROM unnest($2::float8[], $3::float8[], $4::float8[]) AS v(lon, lat, t)`,
    [patrolId, fixes.map((f) => f.lon), fixes.map((f) => f.lat), fixes.map((f) => f.at / 1000)],
  )
}
