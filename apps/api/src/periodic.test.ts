import { afterEach, describe, expect, it, vi } from 'vitest'
import './testing/no-console.js'
import type { Checkpoint } from '@timebank/ledger'
import { startCheckpointer, startDeadlineSweeper, startExpirer, startMaintenance } from './periodic.js'
import { memoryLogger } from './logger.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('expirer', () => {
  it('sweeps on its interval, logs releases and failures, and stops', async () => {
    vi.useFakeTimers()
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
    const results: (number | Error)[] = [2, new Error('a bug'), refused, 0]
    const expirePending = vi.fn(async () => {
      const r = results.shift() ?? 0
      if (r instanceof Error) throw r
      return r
    })
    const logger = memoryLogger()
    const expirer = startExpirer({ ledger: { expirePending }, intervalMs: 1000, logger })
    expect(expirePending).not.toHaveBeenCalled()
    for (let i = 0; i < 4; i++) await vi.advanceTimersByTimeAsync(1000)
    expect(expirePending).toHaveBeenCalledTimes(4)
    // An outage is a warning (it passes; the next round retries), anything else an error.
    expect(logger.records.map((r) => [r.level, r.msg])).toEqual([
      ['info', 'expired holds released'],
      ['error', 'expiring holds failed'],
      ['warn', 'expiring holds waits: storage unavailable'],
    ])
    await expirer.stop()
    await vi.advanceTimersByTimeAsync(5000)
    expect(expirePending).toHaveBeenCalledTimes(4)
  })

  it('waits for a running sweep when stopped', async () => {
    let finish!: (n: number) => void
    const expirer = startExpirer({
      ledger: { expirePending: () => new Promise<number>((r) => (finish = r)) },
      intervalMs: 0,
      logger: memoryLogger(),
    })
    const sweep = expirer.runOnce()
    let stopped = false
    const stopping = expirer.stop().then(() => {
      stopped = true
    })
    await Promise.resolve()
    expect(stopped).toBe(false)
    finish(1)
    await stopping
    expect(await sweep).toBe(1)
  })
})

describe('checkpointer', () => {
  it('checkpoints every community per run, logging one that failed without stopping the others', async () => {
    vi.useFakeTimers()
    const checkpointAllJournals = vi.fn(async () => [
      { tenantId: 'maple', checkpoint: {} as Checkpoint },
      { tenantId: 'oak', error: new Error('a bug') },
      { tenantId: 'pine', checkpoint: {} as Checkpoint },
    ])
    const logger = memoryLogger()
    const checkpointer = startCheckpointer({ community: { checkpointAllJournals }, intervalMs: 60_000, logger })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(checkpointAllJournals).toHaveBeenCalledTimes(1)
    expect(logger.records.map((r) => [r.level, r.msg, r.tenantId])).toEqual([
      ['error', 'checkpointing the books failed', 'oak'],
      ['info', 'books checkpointed', undefined],
    ])
    expect(await checkpointer.runOnce()).toBe(2)
    await checkpointer.stop()
  })
})

describe('deadline sweeper', () => {
  it("sweeps every community's deadlines each run, points only every n-th run, and logs a community's failure", async () => {
    vi.useFakeTimers()
    const asked: boolean[] = []
    const sweepAllDeadlines = vi.fn(async ({ points }: { points: boolean }) => {
      asked.push(points)
      return [
        { tenantId: 'oak', error: new Error('a bug') },
        { tenantId: 'pine', wishesExpired: 1, ordersMoved: 2, redemptionsExpired: 0, ...(points ? { pointsExpired: '0' } : {}) },
      ]
    })
    const logger = memoryLogger()
    const sweeper = startDeadlineSweeper({ community: { sweepAllDeadlines }, intervalMs: 1000, pointsEvery: 3, logger })
    for (let i = 0; i < 4; i++) await vi.advanceTimersByTimeAsync(1000)
    expect(asked).toEqual([true, false, false, true])
    expect(logger.records.filter((r) => r.tenantId === 'oak').map((r) => [r.level, r.msg])[0]).toEqual([
      'error',
      'sweeping deadlines failed',
    ])
    expect(logger.records.filter((r) => r.msg === 'deadlines passed')).toHaveLength(4)
    expect(await sweeper.runOnce()).toBe(3)
    await sweeper.stop()
  })
})

describe('storage maintenance', () => {
  it('runs the upkeep on its interval and logs a failure without stopping', async () => {
    vi.useFakeTimers()
    const outcomes: (Error | null)[] = [null, new Error('vacuum failed'), null]
    const maintain = vi.fn(async () => {
      const e = outcomes.shift()
      if (e) throw e
    })
    const logger = memoryLogger()
    const maintenance = startMaintenance({ maintain, intervalMs: 600_000, logger })
    for (let i = 0; i < 3; i++) await vi.advanceTimersByTimeAsync(600_000)
    expect(maintain).toHaveBeenCalledTimes(3)
    expect(logger.records.filter((r) => r.level === 'error').map((r) => r.msg)).toEqual(['maintaining storage failed'])
    await maintenance.stop()
    await vi.advanceTimersByTimeAsync(1_200_000)
    expect(maintain).toHaveBeenCalledTimes(3)
  })
})
