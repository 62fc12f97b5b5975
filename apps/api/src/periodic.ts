/**
 * Background jobs on an interval: the release of holds whose timeout passed
 * (reads already treat them as released; the sweep makes it permanent),
 * signed checkpoints of every community's books, and embedded storage's
 * upkeep (statistics and dead rows, as autovacuum keeps a server's). One run of a job at a time;
 * `stop()` waits for a running one. A storage outage (or a nearly full disk)
 * is a warning, since the next round tries again; anything else an error.
 *
 * @example
 * const expirer = startExpirer({ ledger, intervalMs: 30_000, logger })
 * await expirer.stop()
 */
import type { Community } from '@timebank/community'
import type { Ledger } from '@timebank/ledger'
import { isApiError, storageUnavailable } from './errors.js'
import { type Logger, describeError } from './logger.js'

export interface Periodic<T> {
  /** Run the job now (also what the timer does): its result, or `failed` when it threw (and was logged). */
  runOnce(): Promise<T>
  /** Stop the timer and wait for a running job. */
  stop(): Promise<void>
}

/** Run `job` every `intervalMs` (never, when 0), one run at a time; a failure is logged as `<name> failed` and answers `failed`. */
export function startPeriodic<T>(options: {
  name: string
  job: () => Promise<T>
  failed: T
  intervalMs: number
  logger: Logger
}): Periodic<T> {
  const { name, job, failed, intervalMs, logger } = options
  let timer: NodeJS.Timeout | null = null
  let running: Promise<T> | null = null
  let stopped = false

  const runOnce = () => {
    running ??= job()
      .catch((e: unknown) => {
        const outage = storageUnavailable(e) ?? (isApiError(e) && e.code === 'UNAVAILABLE' ? e.message : null)
        if (outage) logger.warn(`${name} waits: storage unavailable`, { reason: outage })
        else logger.error(`${name} failed`, describeError(e))
        return failed
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

/** The hold-expiry sweep: holds released per run. */
export function startExpirer(options: { ledger: Pick<Ledger, 'expirePending'>; intervalMs: number; logger: Logger }): Periodic<number> {
  const { ledger, logger } = options
  return startPeriodic({
    name: 'expiring holds',
    failed: 0,
    intervalMs: options.intervalMs,
    logger,
    job: async () => {
      const released = await ledger.expirePending()
      if (released > 0) logger.info('expired holds released', { released })
      return released
    },
  })
}

/**
 * Every community's workflow deadlines (wishes, orders, redemptions) each run, and points expiry on every
 * `pointsEvery`-th run: wish and order deadlines are minutes, points fall due by the day.
 */
export function startDeadlineSweeper(options: {
  community: Pick<Community, 'sweepAllDeadlines'>
  intervalMs: number
  pointsEvery: number
  logger: Logger
}): Periodic<number> {
  const { community, logger } = options
  let runs = 0
  return startPeriodic({
    name: 'sweeping deadlines',
    failed: 0,
    intervalMs: options.intervalMs,
    logger,
    job: async () => {
      const points = runs++ % Math.max(1, options.pointsEvery) === 0
      let moved = 0
      for (const o of await community.sweepAllDeadlines({ points })) {
        if (o.error) logger.error('sweeping deadlines failed', { tenantId: o.tenantId, ...describeError(o.error) })
        const n = (o.wishesExpired ?? 0) + (o.ordersMoved ?? 0) + (o.redemptionsExpired ?? 0)
        if (n > 0 || (o.pointsExpired !== undefined && o.pointsExpired !== '0')) logger.info('deadlines passed', { ...o })
        moved += n
      }
      return moved
    },
  })
}

/** Signed checkpoints of every community's books: communities checkpointed per run. */
export function startCheckpointer(options: {
  community: Pick<Community, 'checkpointAllJournals'>
  intervalMs: number
  logger: Logger
}): Periodic<number> {
  const { community, logger } = options
  return startPeriodic({
    name: 'checkpointing the books',
    failed: 0,
    intervalMs: options.intervalMs,
    logger,
    job: async () => {
      let signed = 0
      for (const outcome of await community.checkpointAllJournals()) {
        if (outcome.checkpoint) signed++
        else logger.error('checkpointing the books failed', { tenantId: outcome.tenantId, ...describeError(outcome.error) })
      }
      if (signed > 0) logger.info('books checkpointed', { communities: signed })
      return signed
    },
  })
}

/** Embedded storage's upkeep (`Storage.maintain`): true when a run finished. */
export function startMaintenance(options: { maintain: () => Promise<void>; intervalMs: number; logger: Logger }): Periodic<boolean> {
  const { maintain, logger } = options
  return startPeriodic({
    name: 'maintaining storage',
    failed: false,
    intervalMs: options.intervalMs,
    logger,
    job: async () => {
      const t0 = performance.now()
      await maintain()
      logger.log('debug', 'storage maintained', { ms: Math.round(performance.now() - t0) })
      return true
    },
  })
}
