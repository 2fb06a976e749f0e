import type { BrowserContext } from 'playwright-core'
import { testWorld } from './test-world.ts'

/** Signs a demo account in for a whole browser context (the cookie is the context's from then on). */
export async function signInContext(context: BrowserContext, baseUrl: string, username = 'coordinator') {
  const response = await context.request.post(`${baseUrl}/api/session`, {
    data: { username, password: testWorld.password },
  })
  if (!response.ok()) throw new Error(`sign-in as ${username}: ${response.status()} ${await response.text()}`)
}

/** The Cookie header of a demo account's session, for the test's own fetch calls. */
export async function sessionCookie(baseUrl: string, username = 'coordinator'): Promise<string> {
  const response = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: testWorld.password }),
  })
  if (!response.ok) throw new Error(`sign-in as ${username}: ${response.status} ${await response.text()}`)
  const cookie = response.headers.get('set-cookie')?.split(';')[0]
  if (!cookie) throw new Error(`sign-in as ${username} set no cookie`)
  return cookie
}
