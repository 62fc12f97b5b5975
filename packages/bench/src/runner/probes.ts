/**
 * What is sampled around each round: peak RSS of this process, CPU time of
 * this process and of the PostgreSQL server (when it runs on this machine),
 * statements sent by the bench's pools, and socket writes (round trips).
 *
 * @example
 * const probe = startProbe(pgCpu)
 * // ... run a round ...
 * const { peakRss, nodeCpuUs, pgCpuUs, statements } = probe.stop()
 */
import { readFileSync, readdirSync } from 'node:fs'

/** Incremented by the counting wrappers (env/counting.ts): one per statement sent, BEGIN and COMMIT included. */
export const statementCounter = { count: 0 }

/** Reads the summed CPU time (µs) of a set of server processes, or null when it cannot. */
export type ServerCpu = () => number | null

const TICK_US = 1_000_000 / 100 // Linux USER_HZ is 100 on every mainstream kernel.

function statFields(pid: string): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // comm may contain spaces: fields after the closing parenthesis.
    const close = text.lastIndexOf(')')
    const comm = text.slice(text.indexOf('(') + 1, close)
    return [comm, ...text.slice(close + 2).split(' ')]
  } catch {
    return null
  }
}

/**
 * CPU of a PostgreSQL postmaster and all its children (backends, walwriter, ...).
 * Each child that exits takes its CPU with it, so use long-lived pools.
 */
export function postgresCpu(postmasterPid: number): ServerCpu {
  return () => {
    let ticks = 0
    let found = false
    let pids: string[]
    try {
      pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p))
    } catch {
      return null
    }
    for (const pid of pids) {
      const f = statFields(pid)
      if (!f) continue
      // f[0]=comm, f[1]=state, f[2]=ppid, ..., utime=f[12], stime=f[13] (stat fields 14 and 15).
      if (Number(pid) !== postmasterPid && Number(f[2]) !== postmasterPid) continue
      found = true
      ticks += Number(f[12]) + Number(f[13])
    }
    return found ? ticks * TICK_US : null
  }
}

/**
 * Write system calls made by this process so far (from /proc/self/io), or null.
 * postgres.js flushes each request to the server in one write, so per unit of
 * work this counts round trips to the database, including the Describe round
 * trip it makes before an unprepared statement with parameters.
 */
export function writeSyscalls(): number | null {
  try {
    const line = readFileSync('/proc/self/io', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('syscw:'))
    return line ? Number(line.slice(6)) : null
  } catch {
    return null
  }
}

export interface ProbeResult {
  peakRssBytes: number
  nodeCpuUs: number
  pgCpuUs: number | null
  statements: number
  writes: number | null
}

export interface Probe {
  stop(): ProbeResult
}

/** Sample RSS every 20 ms and take CPU/statement counters at both ends. */
export function startProbe(serverCpu: ServerCpu | null): Probe {
  let peak = process.memoryUsage.rss()
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss()
    if (rss > peak) peak = rss
  }, 20)
  timer.unref()
  const cpu0 = process.cpuUsage()
  const pg0 = serverCpu ? serverCpu() : null
  const st0 = statementCounter.count
  const w0 = writeSyscalls()
  return {
    stop() {
      clearInterval(timer)
      const rss = process.memoryUsage.rss()
      if (rss > peak) peak = rss
      const cpu = process.cpuUsage(cpu0)
      const pg1 = serverCpu ? serverCpu() : null
      const w1 = writeSyscalls()
      return {
        peakRssBytes: peak,
        nodeCpuUs: cpu.user + cpu.system,
        pgCpuUs: pg0 !== null && pg1 !== null ? pg1 - pg0 : null,
        statements: statementCounter.count - st0,
        writes: w0 !== null && w1 !== null ? w1 - w0 : null,
      }
    },
  }
}
