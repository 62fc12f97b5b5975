/**
 * One process per embedded data directory. PGlite is a single-process
 * database: two processes writing one directory would corrupt it. The lock is
 * a file created exclusively (`wx`) holding the owner's pid; a lock whose pid
 * no longer runs is stale and taken over.
 *
 * @example
 * const lock = acquireDataLock('/srv/timebank/data') // throws DataDirInUseError
 * ...
 * lock.release()
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'

export const LOCK_FILE = 'timebank.lock'

/** Lock files this process holds: a second open from this process is refused too. */
const held = new Set<string>()

interface LockContent {
  pid: number
  hostname: string
  startedAt: string
}

/** Another live process holds the directory. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError'
  constructor(
    readonly dir: string,
    readonly pid: number,
    readonly lockPath: string,
  ) {
    super(
      `data directory ${dir} is in use by ${pid > 0 ? `process ${pid}` : 'another process'} (lock file ${lockPath}). ` +
        'PGlite allows one process per data directory: stop that process first, or give this one another DATA_DIR. ' +
        'If no such process runs (e.g. the lock came from another machine), delete the lock file.',
    )
  }
}

export interface DataLock {
  path: string
  /** True when a stale lock (its process gone) was taken over. */
  tookOverStale: { pid: number } | null
  release(): void
}

/** True when a process with this pid exists (ours or another user's). */
export function processExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readLock(path: string): LockContent | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockContent>
    if (typeof parsed.pid !== 'number') return null
    return { pid: parsed.pid, hostname: String(parsed.hostname ?? ''), startedAt: String(parsed.startedAt ?? '') }
  } catch {
    return null
  }
}

/** Take the directory's lock or throw DataDirInUseError. The directory must exist. */
export function acquireDataLock(dir: string): DataLock {
  const path = join(dir, LOCK_FILE)
  if (held.has(path)) throw new DataDirInUseError(dir, process.pid, path)
  let tookOverStale: { pid: number } | null = null
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number
    try {
      fd = openSync(path, 'wx', 0o600)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const owner = readLock(path)
      const sameHost = owner !== null && (owner.hostname === '' || owner.hostname === hostname())
      // Our own pid in a lock we do not hold means a previous process with this pid (e.g. pid 1 in a container) died.
      const alive = owner !== null && sameHost && owner.pid !== process.pid && processExists(owner.pid)
      if (owner === null) {
        // Unreadable: maybe being written right now by another starter; look again before giving up.
        if (attempt < 2) continue
        throw new DataDirInUseError(dir, -1, path)
      }
      if (alive || !sameHost) throw new DataDirInUseError(dir, owner.pid, path)
      try {
        unlinkSync(path)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      }
      tookOverStale = { pid: owner.pid }
      continue
    }
    const content: LockContent = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() }
    writeSync(fd, JSON.stringify(content))
    closeSync(fd)
    held.add(path)
    let released = false
    return {
      path,
      tookOverStale,
      release() {
        if (released) return
        released = true
        held.delete(path)
        const now = readLock(path)
        if (now?.pid === process.pid) {
          try {
            unlinkSync(path)
          } catch {
            // already gone
          }
        }
      },
    }
  }
  const last = readLock(path)
  throw new DataDirInUseError(dir, last?.pid ?? -1, path)
}
