import type { Role } from '../domain/users.ts'

/**
 * Who may call what, by role (scope, what part of Huzhou a user sees, is applied in the queries):
 * - everyone signed in reads;
 * - supervisors read everything and change nothing operational;
 * - coordinators and station users report, dispatch, upload patrols and plan;
 * - admins may do all of it, and alone import layers and incidents and manage users and stations.
 */

/** Routes anyone may call, signed in or not. */
const publicRoutes = new Set([
  'GET /api/health',
  'GET /api/session',
  'POST /api/session',
  'DELETE /api/session',
])

/** Route prefixes only admins may change. */
const adminPrefixes = ['/api/import/', '/api/incidents/import', '/api/users', '/api/stations']

export function isPublic(method: string, route: string): boolean {
  return publicRoutes.has(`${method} ${route}`) || !route.startsWith('/api/')
}

/** Undefined when the role may call the route, else why not (for the 403). */
export function refusal(role: Role, method: string, route: string): string | undefined {
  if (method === 'GET' || method === 'HEAD') return undefined
  if (role === 'admin') return undefined
  if (adminPrefixes.some((prefix) => route.startsWith(prefix))) return `only an admin may ${method} ${route}`
  if (role === 'supervisor') return 'a supervisor reads everything and changes nothing operational'
  return undefined
}
