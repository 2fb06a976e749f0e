/**
 * Repeated wrong passwords: after `maxFailures` for one key (a username, an address) within
 * WINDOW_MS, sign-in for it answers 429 until LOCK_MS after the last failure. Kept in memory: a
 * restart forgets it.
 */

const WINDOW_MS = 15 * 60_000
const LOCK_MS = 15 * 60_000

interface Failures {
  count: number
  first: number
  last: number
}

export class SignInThrottle {
  private readonly failures = new Map<string, Failures>()

  constructor(
    private readonly maxFailures: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait before trying again for the key, 0 when allowed. */
  retryAfter(key: string): number {
    const now = this.now()
    const f = this.failures.get(key)
    if (!f) return 0
    if (now - f.last > LOCK_MS && now - f.first > WINDOW_MS) {
      this.failures.delete(key)
      return 0
    }
    return f.count >= this.maxFailures ? Math.max(0, Math.ceil((f.last + LOCK_MS - now) / 1000)) : 0
  }

  fail(key: string): void {
    const now = this.now()
    const f = this.failures.get(key)
    if (!f || now - f.first > WINDOW_MS) this.failures.set(key, { count: 1, first: now, last: now })
    else this.failures.set(key, { ...f, count: f.count + 1, last: now })
  }

  succeed(key: string): void {
    this.failures.delete(key)
  }
}
