/**
 * One process per embedded data directory. PGlite is a single-process
 * database: two processes writing one directory would corrupt it. The lock is
 * a file holding the owner's pid, host, start time and a random nonce; a lock
 * whose pid no longer runs (same host) is stale and may be taken over.
 *
 * Every step is atomic, so of any number of concurrent starters exactly one
 * wins, also when they all find the same stale lock:
 * - a file (the lock, or a claim below) appears whole or not at all: its
 *   content is written to a unique temporary file, then hard-linked into
 *   place, which fails when the name exists;
 * - a stale lock is removed only by the one starter that creates its claim
 *   file (named after the stale content, created the same way) and, holding
 *   the claim, still finds that exact content in place. A starter that judged
 *   the lock stale after another already replaced it finds other content and
 *   removes nothing. A claim whose owner died is itself stale and claimed the
 *   same way.
 *
 * @example
 * const lock = acquireDataLock('/srv/timebank/data') // throws DataDirInUseError
 * ...
 * lock.release()
 */
import { createHash, randomUUID } from 'node:crypto'
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { basename, dirname, join } from 'node:path'

export const LOCK_FILE = 'timebank.lock'

/**
 * Contents of the lock and claim files this process holds or is placing. A file naming our pid is
 * live only when it is one of these: a second open from this process is refused, and a file left
 * by a previous process with our pid is stale.
 */
const ours = new Set<string>()

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

const code = (e: unknown) => (e as NodeJS.ErrnoException).code

/** The file's content, or null when it does not exist. */
function look(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    if (code(e) === 'ENOENT') return null
    throw e
  }
}

function parse(raw: string): LockContent | null {
  try {
    const parsed = JSON.parse(raw) as Partial<LockContent>
    if (typeof parsed.pid !== 'number') return null
    return { pid: parsed.pid, hostname: String(parsed.hostname ?? ''), startedAt: String(parsed.startedAt ?? '') }
  } catch {
    return null
  }
}

function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path)
  } catch (e) {
    if (code(e) !== 'ENOENT') throw e
  }
}

function newContent(): string {
  return JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), nonce: randomUUID() })
}

/** Create `path` holding `content`, whole, unless it exists: true when this call created it. */
function createExclusive(path: string, content: string): boolean {
  const temp = join(dirname(path), `${basename(path)}.${process.pid}.${randomUUID()}.tmp`)
  writeFileSync(temp, content, { flag: 'wx', mode: 0o600 })
  try {
    linkSync(temp, path)
    return true
  } catch (e) {
    if (code(e) === 'EEXIST') return false
    // A file system without hard links: exclusive create, then write (a reader may briefly see it empty).
    if (code(e) !== 'EPERM' && code(e) !== 'ENOTSUP' && code(e) !== 'ENOSYS') throw e
    try {
      writeFileSync(path, content, { flag: 'wx', mode: 0o600 })
      return true
    } catch (err) {
      if (code(err) === 'EEXIST') return false
      throw err
    }
  } finally {
    unlinkIfThere(temp)
  }
}

/**
 * Whether the owner of a lock or claim file, `raw` its content, still runs. Another host's process
 * cannot be checked and counts as running. Our own pid in a file we did not write means a previous
 * process with this pid (e.g. pid 1 in a container) died.
 */
function ownerRuns(owner: LockContent, raw: string): boolean {
  if (owner.hostname !== '' && owner.hostname !== hostname()) return true
  if (owner.pid === process.pid) return ours.has(raw)
  return processExists(owner.pid)
}

type Removal = 'removed' | 'changed' | { claimedBy: number }

/**
 * Remove the file at `path` if it still holds `stale`, content judged stale. Of many callers
 * judging the same content, only the one creating its claim file can remove it.
 */
function removeStale(path: string, stale: string, depth = 0): Removal {
  const claim = join(dirname(path), `${LOCK_FILE}.claim-${createHash('sha256').update(stale).digest('hex').slice(0, 32)}`)
  const mine = newContent()
  ours.add(mine)
  if (!createExclusive(claim, mine)) {
    ours.delete(mine)
    const raw = look(claim)
    if (raw === null) return 'changed'
    const claimer = parse(raw)
    // Unreadable (being written, without hard links): in progress, as good as running.
    if (claimer === null || ownerRuns(claimer, raw) || depth >= 3) return { claimedBy: claimer?.pid ?? -1 }
    // The claimer died while claiming: its claim is stale too (claimed the same way; each level needs another such death).
    removeStale(claim, raw, depth + 1)
    return 'changed'
  }
  try {
    if (look(path) !== stale) return 'changed'
    unlinkIfThere(path)
    return 'removed'
  } finally {
    unlinkIfThere(claim)
    ours.delete(mine)
  }
}

/** Take the directory's lock or throw DataDirInUseError. The directory must exist. */
export function acquireDataLock(dir: string): DataLock {
  const path = join(dir, LOCK_FILE)
  const mine = newContent()
  ours.add(mine)
  try {
    const tookOverStale = place(dir, path, mine)
    let released = false
    return {
      path,
      tookOverStale,
      release() {
        if (released) return
        released = true
        if (look(path) === mine) unlinkIfThere(path)
        ours.delete(mine)
      },
    }
  } catch (e) {
    ours.delete(mine)
    throw e
  }
}

/** Put `mine` in place as the lock, taking over a stale one: the stale owner taken over, if any. */
function place(dir: string, path: string, mine: string): { pid: number } | null {
  let tookOverStale: { pid: number } | null = null
  let lastPid = -1
  // Each round either wins, throws, or saw the lock change under it; a few rounds are plenty.
  for (let round = 0; round < 5; round++) {
    if (createExclusive(path, mine)) return tookOverStale
    const raw = look(path)
    if (raw === null) continue // released meanwhile
    const owner = parse(raw)
    // Unreadable: only a file system without hard links shows a lock being written; look again, then give up.
    if (owner === null) continue
    lastPid = owner.pid
    if (ownerRuns(owner, raw)) throw new DataDirInUseError(dir, owner.pid, path)
    tookOverStale = { pid: owner.pid }
    const removal = removeStale(path, raw)
    // Another starter is taking this stale lock over right now: it, not us, will hold the directory.
    if (typeof removal === 'object') throw new DataDirInUseError(dir, removal.claimedBy, path)
  }
  throw new DataDirInUseError(dir, lastPid, path)
}
