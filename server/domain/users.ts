import { hashPassword } from '../auth/passwords.ts'
import type { Queryable } from '../db/db.ts'
import { badRequest, unprocessable } from '../errors.ts'

export const roles = ['coordinator', 'station', 'supervisor', 'admin'] as const
export type Role = (typeof roles)[number]

export interface User {
  id: number
  username: string
  display_name: string
  role: Role
  /** What the user sees: everything, a district, or a station's jurisdiction and boundary band. */
  scope: 'all' | 'district' | 'station'
  district_code: number | null
  station_id: string | null
}

export interface NewUser {
  username: string
  password: string
  role: Role
  displayName?: string
  /** A coordinator of one district (without it: all of Huzhou). */
  districtCode?: number
  /** A station user's station (required for the role). */
  stationId?: string
}

export const MIN_PASSWORD_LENGTH = 8
const usernamePattern = /^[a-z0-9][a-z0-9._-]{1,39}$/

const userColumns = 'id, username, display_name, role, scope, district_code, station_id'

/** Adds a user with a scrypt hash of the password; 400 for a bad name, password or role, 422 for a clash. */
export async function createUser(db: Queryable, user: NewUser): Promise<User> {
  if (!usernamePattern.test(user.username)) {
    throw badRequest('username: 2–40 of a–z, 0–9, ".", "_", "-", starting with a letter or digit')
  }
  if (user.password.length < MIN_PASSWORD_LENGTH) {
    throw badRequest(`password: at least ${MIN_PASSWORD_LENGTH} characters`)
  }
  if (!roles.includes(user.role)) throw badRequest(`role: one of ${roles.join(', ')}`)
  if (user.role === 'station' && !user.stationId) throw badRequest('a station user needs its station')
  const scope = user.role === 'station' ? 'station' : user.districtCode !== undefined ? 'district' : 'all'
  const [clash] = await db.query('SELECT 1 FROM users WHERE username = $1', [user.username])
  if (clash) throw unprocessable(`there is already a user "${user.username}"`, [{ field: 'username' }])
  if (user.stationId) {
    const [station] = await db.query('SELECT 1 FROM stations WHERE id = $1', [user.stationId])
    if (!station) throw unprocessable(`unknown station "${user.stationId}"`, [{ field: 'station_id' }])
  }
  const [created] = await db.query<User>(
    `INSERT INTO users (username, display_name, password_hash, role, scope, district_code, station_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING ${userColumns}`,
    [
      user.username,
      user.displayName ?? user.username,
      await hashPassword(user.password),
      user.role,
      scope,
      scope === 'district' ? (user.districtCode ?? null) : null,
      user.role === 'station' ? (user.stationId ?? null) : null,
    ],
  )
  return created as User
}

/** A user and the stored password hash, by name. */
export async function findUserForSignIn(
  db: Queryable,
  username: string,
): Promise<(User & { password_hash: string }) | null> {
  const [user] = await db.query<User & { password_hash: string }>(
    `SELECT ${userColumns}, password_hash FROM users WHERE username = $1`,
    [username],
  )
  return user ?? null
}

export async function getUser(db: Queryable, id: number): Promise<User | null> {
  const [user] = await db.query<User>(`SELECT ${userColumns} FROM users WHERE id = $1`, [id])
  return user ?? null
}
