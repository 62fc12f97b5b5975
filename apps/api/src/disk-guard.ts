/**
 * Refuses writes to embedded storage (PGlite) while its disk is nearly full.
 * PGlite wedges when the disk cannot hold its next WAL segment: the write
 * fails, then the process spins, answers nothing and ignores SIGTERM (data is
 * intact after SIGKILL and a restart). Nothing inside the process can recover
 * from that, so writes are refused with 503 UNAVAILABLE well before it
 * (DATA_DIR_MIN_FREE_MB, default 64 MiB: several WAL segments); reads go on.
 * Free space is asked of the file system at most once a second.
 *
 * @example
 * const guard = diskGuard({ dir: '/srv/timebank/data', minFreeBytes: 64 * 2 ** 20 })
 * await guard.check() // throws ApiError UNAVAILABLE when below the threshold
 */
import { statfs } from 'node:fs/promises'
import { ApiError } from './errors.js'

export const DEFAULT_MIN_FREE_BYTES = 64 * 2 ** 20

export interface DiskGuardOptions {
  dir: string
  /** Writes are refused below this many free bytes; 0 turns the guard off. */
  minFreeBytes: number
  /** Free bytes for an unprivileged user of `dir` (tests inject their own). */
  freeBytes?: (dir: string) => Promise<number>
  /** How long a measurement is reused. */
  cacheMs?: number
}

export interface DiskGuard {
  /** Resolves when there is room for writes; throws ApiError UNAVAILABLE otherwise. */
  check(): Promise<void>
}

async function statfsFree(dir: string): Promise<number> {
  const s = await statfs(dir)
  return s.bavail * s.bsize
}

export function diskGuard(options: DiskGuardOptions): DiskGuard {
  const probe = options.freeBytes ?? statfsFree
  const cacheMs = options.cacheMs ?? 1000
  let measured: { at: number; free: Promise<number> } | null = null
  const free = (): Promise<number> => {
    const now = Date.now()
    if (measured === null || now - measured.at >= cacheMs) {
      // A file system that cannot say (statfs unsupported) is not a reason to refuse every write.
      measured = { at: now, free: probe(options.dir).catch(() => Number.POSITIVE_INFINITY) }
    }
    return measured.free
  }
  return {
    async check() {
      if (options.minFreeBytes <= 0) return
      const bytes = await free()
      if (bytes >= options.minFreeBytes) return
      const mib = (n: number) => Math.floor(n / 2 ** 20)
      throw new ApiError(
        'UNAVAILABLE',
        `the data directory's disk is nearly full (${mib(bytes)} MiB free, writes need ${mib(options.minFreeBytes)} MiB): free space, then retry; reads still work`,
      )
    },
  }
}
