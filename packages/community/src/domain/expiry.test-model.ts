/**
 * The reference model of points expiry, for tests: every credit a lot with
 * its date; spending takes the oldest lots first; at a group's due instant
 * the lots credited before its cutoff that are left expire. They are only set
 * aside until a run posts them: spending beyond the live lots before that run
 * takes them back (newest group first), which is the forgiveness a late run
 * allows. A run posts every set-aside group due by then.
 */
import { type ExpiryRule, cutoffDate, dueDate } from './expiry.js'
import { startOfDay } from './periods.js'

export type ModelStep =
  | { kind: 'credit'; at: number; amount: bigint }
  | { kind: 'debit'; at: number; amount: bigint }
  | { kind: 'run'; at: number }

interface Lot {
  cutoff: string
  left: bigint
}

const instant = (date: string, timeZone: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return startOfDay(y, m, d, timeZone).getTime()
}

export class ExpiryModel {
  readonly lots: Lot[] = []
  /** Expired at the due instant, not posted yet, by cutoff. */
  readonly aside = new Map<string, bigint>()
  /** Posted by a run, by cutoff. */
  readonly posted = new Map<string, bigint>()
  private readonly dues = new Map<string, number>()
  private readonly fired = new Set<string>()

  constructor(
    private readonly rule: ExpiryRule,
    private readonly timeZone: string,
  ) {}

  /** What the member holds: live lots and groups set aside but not posted. */
  balance(): bigint {
    let sum = 0n
    for (const l of this.lots) sum += l.left
    for (const a of this.aside.values()) sum += a
    return sum
  }

  /** Apply one step; due instants up to its time fire first (dues at the very instant before it). */
  apply(step: ModelStep): void {
    this.fireDues(step.at)
    if (step.kind === 'credit') {
      const cutoff = cutoffDate(new Date(step.at), this.rule, this.timeZone)
      if (!this.dues.has(cutoff)) this.dues.set(cutoff, instant(dueDate(cutoff, this.rule), this.timeZone))
      this.lots.push({ cutoff, left: step.amount })
    } else if (step.kind === 'debit') {
      let want = step.amount
      for (const lot of this.lots) {
        const take = lot.left < want ? lot.left : want
        lot.left -= take
        want -= take
      }
      for (const cutoff of [...this.aside.keys()].sort().reverse()) {
        const have = this.aside.get(cutoff) as bigint
        const take = have < want ? have : want
        this.aside.set(cutoff, have - take)
        want -= take
      }
      if (want > 0n) throw new Error('the model was asked to overdraw')
    } else {
      for (const [cutoff, amount] of this.aside) this.posted.set(cutoff, amount)
      this.aside.clear()
    }
  }

  private fireDues(t: number): void {
    const ready = [...this.dues.entries()].filter(([c, d]) => d <= t && !this.fired.has(c)).sort(([a], [b]) => (a < b ? -1 : 1))
    for (const [cutoff] of ready) {
      this.fired.add(cutoff)
      let sum = 0n
      for (const lot of this.lots) {
        if (lot.cutoff <= cutoff) {
          sum += lot.left
          lot.left = 0n
        }
      }
      this.aside.set(cutoff, sum)
    }
  }
}
