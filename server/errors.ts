/** An error whose message is meant for the user: answered with its status and never logged as a fault. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message)
  }
}

export const badRequest = (message: string, details: unknown[] = []) =>
  new HttpError(400, 'Bad Request', message, details)
export const notFound = (message: string) => new HttpError(404, 'Not Found', message)
export const conflict = (message: string, details: unknown[] = []) =>
  new HttpError(409, 'Conflict', message, details)
export const unprocessable = (message: string, details: unknown[] = []) =>
  new HttpError(422, 'Unprocessable Entity', message, details)
export const unauthorized = (message: string) => new HttpError(401, 'Unauthorized', message)
export const forbidden = (message: string) => new HttpError(403, 'Forbidden', message)
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new HttpError(429, 'Too Many Requests', message, [{ retry_after_s: retryAfterSeconds }])

/**
 * The database is down, restarting or refused the work (PostgreSQL SQLSTATE classes 08 connection
 * exception and 57 operator intervention, which includes statement_timeout; or no connection at all),
 * or rolled the transaction back whole to let a concurrent one through (class 40: a deadlock between
 * triggers counting into the same cells, a serialization failure): a state to wait out, answered
 * 503, not a fault of the request.
 */
export function isDatabaseUnavailable(error: { code?: unknown; message?: unknown }): boolean {
  const code = typeof error.code === 'string' ? error.code : ''
  // node-postgres gives a connection lost mid-query no code, only this message.
  const lost = typeof error.message === 'string' && error.message.startsWith('Connection terminated')
  return /^(08|57|40)[0-9A-Z]{3}$/.test(code) || code === 'ECONNREFUSED' || code === 'ECONNRESET' || lost
}
