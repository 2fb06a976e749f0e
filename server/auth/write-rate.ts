/**
 * Writes per user: a token bucket of `perMinute` tokens, refilled evenly, so a user may send a
 * burst of that many writes and then one every 60/perMinute seconds. Kept in memory (one process).
 */
export class WriteRate {
  private readonly buckets = new Map<number, { tokens: number; at: number }>()

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token for the user: 0 when the write may go ahead, else the seconds to wait. */
  take(userId: number): number {
    const now = this.now()
    const perMs = this.perMinute / 60_000
    const bucket = this.buckets.get(userId) ?? { tokens: this.perMinute, at: now }
    const tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * perMs)
    if (tokens < 1) {
      this.buckets.set(userId, { tokens, at: now })
      return Math.ceil((1 - tokens) / perMs / 1000)
    }
    this.buckets.set(userId, { tokens: tokens - 1, at: now })
    return 0
  }
}
