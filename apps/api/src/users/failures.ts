/**
 * Failed sign-ins counted in this process's memory, for what the database does
 * not hold: failures per client address, and the lockout of logins no user
 * has (or a disabled user's), which must look exactly like a real user's.
 * Held in memory, so each API process counts its own (several processes behind
 * one balancer each allow the limit); bounded, the oldest entries going first.
 *
 * - `window`: at most `max` failures per key within `windowMs` of the first;
 *   past it the key is refused until the window ends (per client address).
 * - `lockout`: the users table's rule (store.ts `beginAttempt`) over memory:
 *   at `max` failures in a row the key is locked for `windowMs`.
 *
 * @example
 * const perAddress = createFailureCounter('window', { max: 50, windowMs: 15 * 60_000, now: () => new Date() })
 * if (perAddress.refusedUntil('203.0.113.7')) throw locked()
 * perAddress.failed('203.0.113.7')
 */
import { BoundedCache } from '@timebank/ledger/kit'

export interface FailureCounterOptions {
  /** Failures that refuse the key. */
  max: number
  /** The window (or the lock) in milliseconds. */
  windowMs: number
  now: () => Date
  /** Most keys held (default 100,000). */
  maxEntries?: number
}

export interface FailureCounter {
  /** When the key may try again, or null when it may now. */
  refusedUntil(key: string): Date | null
  /** Count one attempt that is about to run (lockout) or that failed (window). */
  failed(key: string): void
}

interface Entry {
  count: number
  /** window: when the window ends; lockout: when the lock ends (0: not locked). */
  until: number
}

export function createFailureCounter(kind: 'window' | 'lockout', options: FailureCounterOptions): FailureCounter {
  const entries = new BoundedCache<string, Entry>({ maxEntries: options.maxEntries ?? 100_000 })
  const now = () => options.now().getTime()
  return {
    refusedUntil(key) {
      const e = entries.get(key)
      const t = now()
      if (!e || e.until <= t) return null
      if (kind === 'window' && e.count < options.max) return null
      return new Date(e.until)
    },
    failed(key) {
      const t = now()
      const e = entries.get(key)
      if (kind === 'window') {
        if (!e || e.until <= t) entries.set(key, { count: 1, until: t + options.windowMs })
        else entries.set(key, { count: e.count + 1, until: e.until })
        return
      }
      // As beginAttempt: the failure that reaches `max` starts the lock and the count again.
      const count = (e?.count ?? 0) + 1
      entries.set(key, count >= options.max ? { count: 0, until: t + options.windowMs } : { count, until: 0 })
    },
  }
}
