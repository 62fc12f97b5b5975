/**
 * Many starters racing for one data directory whose lock is stale, with the
 * interleavings forced: each starter, at a chosen step on a lock file (a read,
 * link or unlink), lets the next starter run to its end before going on. That is the worst case of
 * real concurrent starters, who all read the stale lock before any acts.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import './testing/no-console.js'
import { type DataLock, DataDirInUseError, LOCK_FILE, acquireDataLock } from './data-lock.js'

/** Called after every read, link and unlink, with the file read, linked to or unlinked. */
const steps = vi.hoisted(() => ({ hook: null as ((path: string) => void) | null }))

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>()
  const readFileSync = ((...args: Parameters<typeof fs.readFileSync>) => {
    const out = fs.readFileSync(...args)
    steps.hook?.(String(args[0]))
    return out
  }) as typeof fs.readFileSync
  const linkSync = (existing: import('node:fs').PathLike, target: import('node:fs').PathLike) => {
    try {
      fs.linkSync(existing, target)
    } finally {
      steps.hook?.(String(target))
    }
  }
  const unlinkSync = (path: import('node:fs').PathLike) => {
    try {
      fs.unlinkSync(path)
    } finally {
      steps.hook?.(String(path))
    }
  }
  const mocked = { readFileSync, linkSync, unlinkSync }
  return { ...fs, ...mocked, default: { ...fs, ...mocked } }
})

const dirs: string[] = []
afterEach(() => {
  steps.hook = null
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A pid that surely ran and exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid as number

const lockOf = (pid: number) => JSON.stringify({ pid, hostname: hostname(), startedAt: '2020-01-01T00:00:00.000Z' })

/** A directory whose lock file holds `content`. */
function dirWith(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'timebank-lock-race-'))
  dirs.push(dir)
  writeFileSync(join(dir, LOCK_FILE), content)
  return dir
}

/**
 * Run one starter per entry of `pauses`: starter i, at its `pauses[i]`-th step on a lock file,
 * runs starter i+1 (and so, nested, all later ones) to the end before going on.
 */
function race(dir: string, pauses: number[]): (DataLock | Error)[] {
  const results: (DataLock | Error)[] = []
  let next = 0
  const start = () => {
    const me = next++
    let done = 0
    const outer = steps.hook
    const mine = (path: string) => {
      if (!basename(path).startsWith(LOCK_FILE)) return
      done++
      if (done === pauses[me] && next < pauses.length) {
        start()
        steps.hook = mine
      }
    }
    steps.hook = mine
    try {
      results[me] = acquireDataLock(dir)
    } catch (e) {
      results[me] = e as Error
    } finally {
      steps.hook = outer
    }
  }
  // A starter that takes fewer steps than asked leaves the rest to start afterwards.
  while (next < pauses.length) start()
  return results
}

const winners = (results: (DataLock | Error)[]) => results.filter((r): r is DataLock => !(r instanceof Error))

describe('racing starters on a stale lock', () => {
  it('lets exactly one of 20 win when all read the stale lock before any takes it over', () => {
    const pid = deadPid()
    const dir = dirWith(lockOf(pid))
    const results = race(dir, Array(20).fill(1))
    const won = winners(results)
    expect(won).toHaveLength(1)
    for (const r of results) if (r instanceof Error) expect(r).toBeInstanceOf(DataDirInUseError)
    expect(won[0]?.tookOverStale).toEqual({ pid })
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid)
    won[0]?.release()
    // Nothing left behind: no lock, no claim, no temporary file.
    expect(readdirSync(dir)).toEqual([])
  })

  it('lets exactly one win under any schedule of pauses', () => {
    const pid = deadPid()
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 2, maxLength: 12 }), (pauses) => {
        const dir = dirWith(lockOf(pid))
        const results = race(dir, pauses)
        const won = winners(results)
        expect(won).toHaveLength(1)
        for (const r of results) if (r instanceof Error) expect(r).toBeInstanceOf(DataDirInUseError)
        won[0]?.release()
        expect(readdirSync(dir)).toEqual([])
        rmSync(dir, { recursive: true, force: true })
      }),
      { numRuns: 200 },
    )
  })

  it('takes over a stale lock whose claim was left by a starter that died while taking it over', () => {
    const pid = deadPid()
    const stale = lockOf(pid)
    // Learn the claim's name by looking into the directory while a starter holds it.
    const probe = dirWith(stale)
    let claim: string | undefined
    steps.hook = () => {
      claim ??= readdirSync(probe).find((f) => f.startsWith(`${LOCK_FILE}.claim-`))
    }
    acquireDataLock(probe).release()
    steps.hook = null
    expect(claim).toBeDefined()

    const dir = dirWith(stale)
    writeFileSync(join(dir, claim as string), lockOf(deadPid()))
    const lock = acquireDataLock(dir)
    expect(lock.tookOverStale).toEqual({ pid })
    lock.release()
    expect(readdirSync(dir)).toEqual([])

    // A claim whose starter still runs: that starter, not this one, gets the directory.
    const busy = dirWith(stale)
    writeFileSync(join(busy, claim as string), lockOf(process.ppid))
    expect(() => acquireDataLock(busy)).toThrow(`is in use by process ${process.ppid}`)
  })
})
