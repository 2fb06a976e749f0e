import type { Queryable } from '../db/db.ts'
import { createUser, type NewUser } from '../domain/users.ts'

/** The demo world's accounts, one per role (two stations: a reservoir and the province line). */
export const demoAccounts: readonly Omit<NewUser, 'password'>[] = [
  { username: 'supervisor', role: 'supervisor', displayName: 'Supervisor (demo)' },
  { username: 'coordinator', role: 'coordinator', displayName: 'Coordinator, all of Huzhou (demo)' },
  {
    username: 'station-fushi',
    role: 'station',
    stationId: 'station-fushi',
    displayName: 'Fushi Reservoir station (demo)',
  },
  {
    username: 'station-qiaoxi',
    role: 'station',
    stationId: 'station-qiaoxi',
    displayName: 'Qiaoxi joint station (demo)',
  },
  { username: 'admin', role: 'admin', displayName: 'Administrator (demo)' },
]

/** Adds the demo accounts that are missing; only ever called for a demo world. */
export async function addDemoUsers(db: Queryable, password: string): Promise<string[]> {
  const added: string[] = []
  for (const account of demoAccounts) {
    const [exists] = await db.query('SELECT 1 FROM users WHERE username = $1', [account.username])
    if (exists) continue
    await createUser(db, { ...account, password })
    added.push(account.username)
  }
  return added
}
