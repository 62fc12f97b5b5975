/**
 * The soak (`pnpm bench --soak`): POST /v1/transfers through the real app and
 * server at 32 connections for ten minutes (`--soak-minutes`), reporting the
 * throughput of each minute and the server's memory at its end. A sound
 * server neither slows down nor grows as it runs; the verdict compares the
 * last minute with the first one after warm-up.
 *
 * @example
 * const minutes = await runSoak(community, { minutes: 10, log: console.log })
 * console.log(renderSoak(minutes), soakVerdict(minutes))
 */
import type { Community } from '../fixtures/community.js'
import { loadChild, startApiServer } from './api.js'

export const SOAK_CONNECTIONS = 32
const MINUTE_MS = 60_000
const MIB = 1024 * 1024

export interface SoakMinute {
  minute: number
  /** Answered 2xx this minute, per second. */
  perSecond: number
  /** Non-2xx answers and socket errors this minute. */
  errors: number
  /** The server process's resident set and V8 heap at the minute's end, after a GC when exposed. */
  rssMiB: number
  heapMiB: number
}

export interface SoakVerdict {
  /** The minute compared with the last: the second (the first warms up), or the first of a soak of two minutes or less. */
  baselineMinute: number
  /** Last minute's throughput over the baseline's: a decline is below 0.9. */
  throughputRatio: number
  /** Last minute's RSS over the baseline's: growth is above 1.1. */
  rssRatio: number
  noDecline: boolean
  noGrowth: boolean
}

/** Bounds of the verdict, stated once: a 10% swing either way is noise on this kind of machine. */
export const DECLINE_BELOW = 0.9
export const GROWTH_ABOVE = 1.1

/** Decline and growth from the minutes measured (at least one). */
export function soakVerdict(minutes: readonly SoakMinute[]): SoakVerdict {
  const last = minutes[minutes.length - 1]
  const base = minutes.length > 2 ? minutes[1] : minutes[0]
  if (!last || !base) throw new Error('a soak needs at least one minute')
  const throughputRatio = base.perSecond > 0 ? last.perSecond / base.perSecond : 0
  const rssRatio = last.rssMiB / base.rssMiB
  return {
    baselineMinute: base.minute,
    throughputRatio,
    rssRatio,
    noDecline: throughputRatio >= DECLINE_BELOW,
    noGrowth: rssRatio <= GROWTH_ABOVE,
  }
}

/** One line per minute, then the verdict. */
export function renderSoak(minutes: readonly SoakMinute[]): string {
  const v = soakVerdict(minutes)
  const lines = ['minute   req/s  errors  RSS MiB  heap MiB']
  for (const m of minutes) {
    lines.push(
      `${String(m.minute).padStart(6)}  ${m.perSecond.toFixed(0).padStart(6)}  ${String(m.errors).padStart(6)}  ${m.rssMiB.toFixed(1).padStart(7)}  ${m.heapMiB.toFixed(1).padStart(8)}`,
    )
  }
  lines.push('')
  lines.push(
    `${v.noDecline ? 'PASS' : 'MISS'}      throughput, last minute vs minute ${v.baselineMinute}: ${v.throughputRatio.toFixed(3)}x (no decline: >= ${DECLINE_BELOW}x)`,
  )
  lines.push(
    `${v.noGrowth ? 'PASS' : 'MISS'}      server RSS, last minute vs minute ${v.baselineMinute}: ${v.rssRatio.toFixed(3)}x (no growth: <= ${GROWTH_ABOVE}x)`,
  )
  return lines.join('\n')
}

/** Load the API for `minutes` whole minutes (`minuteMs` shortens them for a smoke run) and measure each. */
export async function runSoak(
  c: Community,
  o: { minutes: number; log: (line: string) => void; minuteMs?: number },
): Promise<SoakMinute[] | { skipped: string }> {
  const server = await startApiServer(c)
  if ('skipped' in server) return server
  const load = loadChild()
  const minuteMs = o.minuteMs ?? MINUTE_MS
  o.log(`▶ soak: POST /v1/transfers on ${server.url}, ${SOAK_CONNECTIONS} connections, ${o.minutes} × ${minuteMs / 1000} s`)
  const minutes: SoakMinute[] = []
  try {
    for (let minute = 1; minute <= o.minutes; minute++) {
      const r = await load.run({
        type: 'run',
        durationMs: minuteMs,
        url: `${server.url}/v1/transfers`,
        method: 'POST',
        connections: SOAK_CONNECTIONS,
        headers: server.headers,
        transfer: { members: c.members, idPrefix: `soak-${process.pid}-${Date.now()}-${minute}` },
      })
      // A collection first, when node runs with --expose-gc, so the heap read is what is kept, not what awaits collection.
      ;(globalThis as { gc?: () => void }).gc?.()
      const memory = process.memoryUsage()
      const m: SoakMinute = {
        minute,
        perSecond: r.elapsedMs > 0 ? (r.ok * 1000) / r.elapsedMs : 0,
        errors: r.non2xx + r.errors,
        rssMiB: memory.rss / MIB,
        heapMiB: memory.heapUsed / MIB,
      }
      minutes.push(m)
      o.log(`  minute ${minute}: ${m.perSecond.toFixed(0)} req/s, ${m.errors} errors, RSS ${m.rssMiB.toFixed(1)} MiB`)
    }
    return minutes
  } finally {
    load.child.disconnect()
    await server.close()
  }
}
