/**
 * Retrying what PostgreSQL refuses only because of concurrency: serialization
 * failures (40001), deadlocks (40P01), and a plan that a concurrent writer made
 * stale (RetryConflict). Each retry waits a short, random, growing time; after
 * MAX_ATTEMPTS the caller gets CONTENTION, which is safe to retry as is.
 *
 * @example
 * await withRetry(() => db.transaction((tx) => commitOnce(tx, …)))
 */
import { ErrorCode, LedgerError } from '../domain/index.js'
import { sqlState } from './driver.js'

const MAX_ATTEMPTS = 12

/** Raised when a concurrent writer changed what the plan relied on, or took one of its ids first. */
export class RetryConflict extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Run `fn`, retrying retryable conflicts with jittered backoff. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (e) {
      const state = sqlState(e)
      const retryable = e instanceof RetryConflict || state === '40001' || state === '40P01'
      if (!retryable) throw e
      if (attempt + 1 >= MAX_ATTEMPTS) {
        throw new LedgerError(ErrorCode.CONTENTION, 'storage stayed busy; retry the same request', undefined, { cause: e })
      }
      await sleep(Math.random() * Math.min(100, 2 ** attempt))
    }
  }
}
