import { createHash, randomBytes } from 'node:crypto'
import type { Queryable } from '../db/db.ts'
import type { User } from '../domain/users.ts'

/** Signed-in sessions: a random token in an HttpOnly cookie; the database keeps only its SHA-256. */

export const SESSION_COOKIE = 'shanshui_session'
export const SESSION_HOURS = 12

const digest = (token: string) => createHash('sha256').update(token).digest('hex')

export async function startSession(db: Queryable, userId: number): Promise<string> {
  const token = randomBytes(32).toString('base64url')
  await db.query(
    `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3))`,
    [digest(token), userId, SESSION_HOURS],
  )
  return token
}

/** The user of an unexpired session, or null. */
export async function userOfSession(db: Queryable, token: string): Promise<User | null> {
  const [user] = await db.query<User>(
    `SELECT u.id, u.username, u.display_name, u.role, u.scope, u.district_code, u.station_id
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.expires_at > now()`,
    [digest(token)],
  )
  return user ?? null
}

export async function endSession(db: Queryable, token: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= now()', [digest(token)])
}
