import { createSignal } from 'solid-js'

/** The signed-in user, as GET/POST /api/session return it. */
export interface SessionUser {
  id: number
  username: string
  display_name: string
  role: 'coordinator' | 'station' | 'supervisor' | 'admin'
  scope: 'all' | 'district' | 'station'
  district_code: number | null
  station_id: string | null
}

/** undefined: not known yet; null: signed out. */
const [user, setUser] = createSignal<SessionUser | null | undefined>(undefined)

export { user }

/** Whether the signed-in user changes things (reports, dispatches, plans): not a supervisor. */
export const canOperate = () => {
  const role = user()?.role
  return role !== undefined && role !== 'supervisor'
}

async function sessionRequest(method: 'GET' | 'POST' | 'DELETE', body?: unknown): Promise<Response> {
  return fetch('/api/session', {
    method,
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

/** Asks the server who is signed in (on start). */
export async function loadSession(): Promise<void> {
  try {
    const response = await sessionRequest('GET')
    setUser(response.ok ? ((await response.json()) as { user: SessionUser }).user : null)
  } catch {
    setUser(null)
  }
}

/** A refused sign-in: the server's message and status (401 wrong password, 429 locked for a while). */
export class SignInError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
  }
}

/** Signs in; throws a SignInError with the server's message. */
export async function signIn(username: string, password: string): Promise<void> {
  const response = await sessionRequest('POST', { username, password })
  const body = (await response.json().catch(() => ({}))) as {
    user?: SessionUser
    message?: string
    error?: string
  }
  if (!response.ok || !body.user) {
    throw new SignInError(body.message ?? `${response.status} ${response.statusText}`, response.status)
  }
  setUser(body.user)
}

export async function signOut(): Promise<void> {
  await sessionRequest('DELETE').catch(() => undefined)
  setUser(null)
}

/** A request answered 401: the session ended (expired, signed out elsewhere); back to the sign-in page. */
export function sessionEnded(): void {
  setUser(null)
}
