import type { Queryable } from '../db/db.ts'

/**
 * Idempotent writes (migrations/003_idempotency.sql). The key is stored in the transaction that
 * creates the resource, so either both are stored or neither; requests racing with the same key
 * are serialized by a transaction-level advisory lock on it, and the later one finds the key.
 */
export interface IdempotencyKey {
  userId: number
  scope: 'incident' | 'patrol'
  key: string
}

/** Thrown inside the creating transaction when the key was used already: roll back, answer with the first. */
export class AlreadyCreated extends Error {
  constructor(readonly resourceId: number) {
    super(`already created as ${resourceId}`)
  }
}

/** What a key created, or null: the fast path before any work. */
export async function keyedResource(db: Queryable, k: IdempotencyKey): Promise<number | null> {
  const [row] = await db.query<{ resource_id: number }>(
    'SELECT resource_id FROM idempotency_keys WHERE user_id = $1 AND scope = $2 AND key = $3',
    [k.userId, k.scope, k.key],
  )
  return row?.resource_id ?? null
}

/** In the creating transaction, first: waits for others with the key; throws AlreadyCreated if it was used. */
export async function claimKey(tx: Queryable, k: IdempotencyKey): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${k.userId}/${k.scope}/${k.key}`])
  const existing = await keyedResource(tx, k)
  if (existing !== null) throw new AlreadyCreated(existing)
}

/** In the creating transaction, last: the key now names the resource. */
export async function storeKey(tx: Queryable, k: IdempotencyKey, resourceId: number): Promise<void> {
  await tx.query('INSERT INTO idempotency_keys (user_id, scope, key, resource_id) VALUES ($1, $2, $3, $4)', [
    k.userId,
    k.scope,
    k.key,
    resourceId,
  ])
}
