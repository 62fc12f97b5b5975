/**
 * The shape of a result: a Contender is something to measure; a Figure is its
 * measured summary with its ratio to a baseline and its targets, as printed
 * and written to JSON.
 *
 * @example
 * const c: Contender = { id: 'ledger.transfer.c8', scenario: 'single operations', label: 'ledger.transfer', callers: 8,
 *   unit: 'transfers/s', kind: 'rate', baseline: 'sql.interactive.c8', round: (ms) => closedLoop(8, ms, op) }
 */
import type { RoundWork } from './runner/closed-loop.js'

export type Unit = 'transfers/s' | 'ops/s' | 'req/s' | 'ms/read'

/** A target on a figure: a ratio to another figure, or an absolute value. */
export interface TargetSpec {
  text: string
  /** Figure id the ratio is taken against; defaults to the figure's baseline. */
  vs?: string
  /** The ratio (or, with `absolute`, the value) must be at least this. */
  min?: number
  /** The ratio must be at most this (for latencies). */
  max?: number
  /** Compare the median itself rather than a ratio. */
  absolute?: boolean
  /** An aim, reported but not counted as a miss. (Without min or max: a ratio shown for reference.) */
  aim?: boolean
}

export interface Contender {
  /** Stable id, e.g. `ledger.transfer.c32`. */
  id: string
  scenario: string
  label: string
  callers: number
  unit: Unit
  /** `rate`: work per second, higher is better; `latency`: ms per unit, lower is better. */
  kind: 'rate' | 'latency'
  /** Figure id this one is divided by. */
  baseline?: string
  targets?: TargetSpec[]
  note?: string
  /** Rounds run in a room with a multiplier on the round length (HTTP rounds are longer, reads shorter). */
  roundScale?: number
  /** No unmeasured warm-up round (the quick run's HTTP figures, whose rounds are whole seconds). */
  skipWarmup?: boolean
  /** Where RSS is measured, when not obvious. */
  memoryNote?: string
  round(durationMs: number): Promise<RoundWork>
}

export interface TargetResult {
  text: string
  value: number | null
  ok: boolean | null
  aim: boolean
  /** The value is the median itself, not a ratio. */
  absolute: boolean
}

export interface Figure {
  id: string
  scenario: string
  label: string
  callers: number
  unit: Unit
  kind: 'rate' | 'latency'
  median: number
  min: number
  max: number
  rounds: number[]
  /** Work units done in all measured rounds. */
  work: number
  errors: number
  firstError?: string
  /** Peak resident set size of this process during the figure's rounds (MiB). */
  peakRssMiB: number
  /** CPU of this Node process per unit of work (µs). */
  nodeCpuUsPerUnit: number
  /** CPU of the PostgreSQL server per unit of work (µs), when it runs on this machine. */
  pgCpuUsPerUnit: number | null
  /** Statements sent by the bench's postgres.js pools per unit of work (round trips, as BEGIN/COMMIT are statements too). */
  statementsPerUnit: number | null
  /**
   * Socket writes by this process per unit of work: round trips to the server
   * (postgres.js adds a Describe round trip before every unprepared statement
   * with parameters; over HTTP, one more for each response). On PGlite, which
   * runs in process, these are its file writes instead. Null when
   * /proc/self/io is missing.
   */
  writesPerUnit: number | null
  baseline: string | null
  /** median / baseline median (for latencies: time ratio, lower is better). */
  ratio: number | null
  targets: TargetResult[]
  note?: string
}

/** Fill `ratio` and `targets` once every figure is measured. */
export function evaluate(figures: Figure[], specs: Map<string, TargetSpec[]>): void {
  const byId = new Map(figures.map((f) => [f.id, f]))
  for (const f of figures) {
    const base = f.baseline ? byId.get(f.baseline) : undefined
    f.ratio = base && base.median > 0 ? f.median / base.median : null
    f.targets = (specs.get(f.id) ?? []).flatMap((t): TargetResult[] => {
      let value: number | null
      if (t.absolute) value = f.median
      else {
        const vs = byId.get(t.vs ?? f.baseline ?? '')
        value = vs && vs.median > 0 ? f.median / vs.median : null
      }
      let ok: boolean | null = null
      const bounded = t.min !== undefined || t.max !== undefined
      if (!bounded)
        ok = null // a ratio shown for reference
      else if (value !== null && Number.isFinite(value) && f.errors === 0) {
        ok = (t.min === undefined || value >= t.min) && (t.max === undefined || value <= t.max)
      } else if (f.errors > 0) ok = false
      // A reference ratio against a figure this run did not measure is left out.
      if (!bounded && value === null) return []
      return [{ text: t.text, value, ok, aim: t.aim === true, absolute: t.absolute === true }]
    })
  }
}
