/**
 * The shared runner: warm every contender of a phase up once, then run rounds
 * interleaved (A B C, B C A, C A B, ...) so that a noisy neighbour hurts every
 * contender alike, and summarise each as median, min and max with its peak RSS,
 * CPU and statements per unit of work.
 *
 * @example
 * const figures = await measurePhase([sqlInteractive, ledgerTransfer], { rounds: 5, roundMs: 1500, warmupMs: 500, serverCpu })
 */
import type { Contender, Figure } from '../figures.js'
import { type ServerCpu, startProbe } from './probes.js'
import { summarize } from './stats.js'

export interface PhaseOptions {
  rounds: number
  roundMs: number
  warmupMs: number
  serverCpu: ServerCpu | null
  log?: (line: string) => void
}

interface Acc {
  values: number[]
  work: number
  errors: number
  firstError?: string
  peakRss: number
  nodeCpuUs: number
  pgCpuUs: number | null
  statements: number
  writes: number | null
}

export async function measurePhase(contenders: Contender[], o: PhaseOptions): Promise<Figure[]> {
  const log = o.log ?? (() => {})
  const acc = new Map<string, Acc>()
  for (const c of contenders) {
    acc.set(c.id, { values: [], work: 0, errors: 0, peakRss: 0, nodeCpuUs: 0, pgCpuUs: 0, statements: 0, writes: 0 })
  }
  for (const c of contenders) {
    if (c.skipWarmup) continue
    const w = await c.round(o.warmupMs * (c.roundScale ?? 1))
    if (w.errors > 0) log(`  warm-up ${c.id}: ${w.errors} errors, first: ${w.firstError}`)
  }
  for (let r = 0; r < o.rounds; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(k + r) % contenders.length] as Contender
      const a = acc.get(c.id) as Acc
      const probe = startProbe(o.serverCpu)
      const w = await c.round(o.roundMs * (c.roundScale ?? 1))
      const p = probe.stop()
      const value = c.kind === 'rate' ? w.work / (w.elapsedMs / 1000) : w.elapsedMs / Math.max(1, w.work)
      a.values.push(value)
      a.work += w.work
      a.errors += w.errors
      if (w.firstError !== undefined) a.firstError ??= w.firstError
      a.peakRss = Math.max(a.peakRss, p.peakRssBytes)
      a.nodeCpuUs += p.nodeCpuUs
      a.pgCpuUs = a.pgCpuUs === null || p.pgCpuUs === null ? null : a.pgCpuUs + p.pgCpuUs
      a.statements += p.statements
      a.writes = a.writes === null || p.writes === null ? null : a.writes + p.writes
    }
    log(`  round ${r + 1}/${o.rounds} done`)
  }
  return contenders.map((c) => {
    const a = acc.get(c.id) as Acc
    const s = summarize(a.values)
    const per = (x: number) => (a.work > 0 ? x / a.work : Number.NaN)
    const f: Figure = {
      id: c.id,
      scenario: c.scenario,
      label: c.label,
      callers: c.callers,
      unit: c.unit,
      kind: c.kind,
      ...s,
      rounds: a.values,
      work: a.work,
      errors: a.errors,
      peakRssMiB: a.peakRss / 1024 / 1024,
      nodeCpuUsPerUnit: per(a.nodeCpuUs),
      pgCpuUsPerUnit: a.pgCpuUs === null ? null : per(a.pgCpuUs),
      statementsPerUnit: a.statements > 0 ? per(a.statements) : null,
      writesPerUnit: a.writes === null ? null : per(a.writes),
      baseline: c.baseline ?? null,
      ratio: null,
      targets: [],
    }
    if (a.firstError !== undefined) f.firstError = a.firstError
    const notes = [c.note, c.memoryNote].filter(Boolean)
    if (notes.length > 0) f.note = notes.join('; ')
    return f
  })
}
