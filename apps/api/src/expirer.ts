/**
 * Background release of holds whose timeout passed. Reads already treat such
 * holds as released; this sweep makes it permanent. Runs one sweep at a time;
 * `stop()` waits for a running sweep to finish.
 *
 * @example
 * const expirer = startExpirer({ ledger, intervalMs: 30_000, logger })
 * await expirer.stop()
 */
import type { Ledger } from '@timebank/ledger'
import { isApiError, storageUnavailable } from './errors.js'
import { type Logger, describeError } from './logger.js'

export interface Expirer {
  /** Run one sweep now (also what the timer does). Returns holds released. */
  runOnce(): Promise<number>
  /** Stop the timer and wait for a running sweep. */
  stop(): Promise<void>
}

export function startExpirer(options: { ledger: Pick<Ledger, 'expirePending'>; intervalMs: number; logger: Logger }): Expirer {
  const { ledger, intervalMs, logger } = options
  let timer: NodeJS.Timeout | null = null
  let running: Promise<number> | null = null
  let stopped = false

  const runOnce = () => {
    running ??= ledger
      .expirePending()
      .then((released) => {
        if (released > 0) logger.info('expired holds released', { released })
        return released
      })
      .catch((e: unknown) => {
        // An outage or a nearly full disk is expected to pass: the next round tries again.
        const outage = storageUnavailable(e) ?? (isApiError(e) && e.code === 'UNAVAILABLE' ? e.message : null)
        if (outage) logger.warn('expiring holds waits: storage unavailable', { reason: outage })
        else logger.error('expiring holds failed', describeError(e))
        return 0
      })
      .finally(() => {
        running = null
      })
    return running
  }

  const schedule = () => {
    if (stopped || intervalMs <= 0) return
    timer = setTimeout(() => {
      void runOnce().then(schedule)
    }, intervalMs)
    timer.unref()
  }
  schedule()

  return {
    runOnce,
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      if (running) await running
    },
  }
}
