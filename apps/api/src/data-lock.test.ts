import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import './testing/no-console.js'
import { DataDirInUseError, LOCK_FILE, acquireDataLock } from './data-lock.js'

const dirs: string[] = []
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'timebank-lock-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A pid that surely ran and exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid as number

describe('data directory lock', () => {
  it('writes our pid and removes the file on release', () => {
    const dir = fresh()
    const lock = acquireDataLock(dir)
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, hostname: hostname() })
    expect(lock.tookOverStale).toBeNull()
    lock.release()
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
  })

  it('refuses a directory held by a live process, naming it', () => {
    const dir = fresh()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, hostname: hostname(), startedAt: '' }))
    expect(() => acquireDataLock(dir)).toThrow(DataDirInUseError)
    expect(() => acquireDataLock(dir)).toThrow(`is in use by process ${process.ppid}`)
  })

  it('takes over a stale lock whose process is gone', () => {
    const dir = fresh()
    const pid = deadPid()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, hostname: hostname(), startedAt: '' }))
    const lock = acquireDataLock(dir)
    expect(lock.tookOverStale).toEqual({ pid })
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid)
    lock.release()
  })

  it('takes over a lock holding our own pid (a previous process with the same pid, e.g. pid 1 in a container)', () => {
    const dir = fresh()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: '' }))
    const lock = acquireDataLock(dir)
    expect(lock.tookOverStale).toEqual({ pid: process.pid })
    lock.release()
  })

  it('refuses a lock from another host, whose process it cannot check', () => {
    const dir = fresh()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), hostname: 'elsewhere', startedAt: '' }))
    expect(() => acquireDataLock(dir)).toThrow(DataDirInUseError)
  })

  it('lets only one of two lockers win', () => {
    const dir = fresh()
    const first = acquireDataLock(dir)
    expect(() => acquireDataLock(dir)).toThrow(DataDirInUseError)
    first.release()
    acquireDataLock(dir).release()
  })
})
