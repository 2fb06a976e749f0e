import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { userOf } from '../auth/access.ts'
import type { Db } from '../db/db.ts'
import { AlreadyCreated, type IdempotencyKey, keyedResource } from '../domain/idempotency.ts'

/** The `Idempotency-Key` header a creating route accepts: printable ASCII, at most 200 characters. */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[\\x21-\\x7e]+$',
      description: 'a retry with the same key answers with what the first attempt created',
    }),
  ),
})

export function idempotencyKeyOf(
  request: FastifyRequest,
  scope: IdempotencyKey['scope'],
): IdempotencyKey | undefined {
  const key = request.headers['idempotency-key']
  return typeof key === 'string' ? { userId: userOf(request).id, scope, key } : undefined
}

/**
 * Creates unless the key already names what a first attempt created: then `{ replayOf }` with its
 * id, whether the first attempt finished long ago or a moment ago in a racing request.
 */
export async function createOnce<T>(
  db: Db,
  key: IdempotencyKey | undefined,
  create: () => Promise<T>,
): Promise<{ created: T } | { replayOf: number }> {
  if (key) {
    const existing = await keyedResource(db, key)
    if (existing !== null) return { replayOf: existing }
  }
  try {
    return { created: await create() }
  } catch (error) {
    if (error instanceof AlreadyCreated) return { replayOf: error.resourceId }
    throw error
  }
}
