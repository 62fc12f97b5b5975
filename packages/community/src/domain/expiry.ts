/**
 * Points expiry (有效期), first in first out, computed from an account's
 * history alone: no lot table. Credits are grouped by the local day (or month,
 * or year) they were made in; a group's *cutoff* C is the start of the next
 * day (month, year), and the group falls due `months` later, at D = C + months.
 * Spending uses the oldest points first, so what is left at D of the credits
 * before C is
 *
 *   E = max(0, credits before C − debits before D − earlier expiries)
 *
 * (an expiry is a debit too, logically at its own due instant, whenever it was
 * posted). A run on time takes E. A late run takes the same E, unless the
 * member spent after D more than they would have had left once E was gone:
 * then it takes only what stayed unspent from D until the run,
 *
 *   X = max(0, min(E, min over t ≥ D of (balance(t) − expiries due before)))
 *
 * so the shortfall is forgiven (points spent in good faith stay spent), and
 * points credited after D are never taken. A run never takes points an open
 * hold reserved: the due groups from the first one holds would cut into wait,
 * whole, for a run after the hold is posted or released (a posted hold is
 * spending at the instant it is posted, like any other).
 *
 * Posted expiries are final: a group already expired is never computed
 * again, so running twice, or late, changes nothing more. A reversal of an
 * expiry is an ordinary credit (a fresh group); a reversal of an earn is an
 * ordinary debit (it uses the oldest points, like any spending).
 *
 * "Carry over one year" is `{ months: 12 }`: points earned on 15 March 2026
 * expire at the end of 15 March 2027, local time. The calendar-year variant,
 * "points of year Y expire at the end of Y+1", is `{ months: 12, group: 'year' }`.
 *
 * @example
 * const plan = expiryPlan(moves, { months: 12 }, 'Asia/Shanghai', new Date())
 * plan.filter((g) => g.due && !g.posted && g.amount > 0n)   // what a run posts now
 */
import { z } from 'zod'
import { dateIn, startOfDay } from './periods.js'

/** How long points live: whole months after the end of the day (month, year) they were credited in. */
export const ExpiryRule = z.strictObject({
  /** Months a group of credits lives after its end: 12 for "carry over one year". */
  months: z.number().int().min(1).max(120),
  /** Credits grouped by the local day (default), month or year they were made in. */
  group: z.enum(['day', 'month', 'year']).default('day'),
})
export type ExpiryRule = z.output<typeof ExpiryRule>
export type ExpiryRuleInput = z.input<typeof ExpiryRule>

/** One posted entry of a member's points account, as its history gives it. */
export interface ExpiryMove {
  at: Date
  /** Minor units, signed: credits positive, debits negative. */
  amount: bigint
  /** For an expiry posted earlier: the cutoff date (YYYY-MM-DD) it expired; its amount is negative. */
  expiredCutoff?: string
}

/** A group of credits: those before `cutoffAt`, falling due at `dueAt`. */
export interface ExpiryGroup {
  /** Local date of the cutoff, YYYY-MM-DD: the group's name in ids. */
  cutoff: string
  /** Credits before this instant belong to the group (and to every later one). */
  cutoffAt: Date
  /** When what is left of them expires. */
  dueAt: Date
  /** Due by `asOf`. */
  due: boolean
  /** Expired before (the amount is what was posted). */
  posted: boolean
  /** Due, but open holds leave less available than it (or an older due group) takes: a later run expires it. */
  held: boolean
  /**
   * Minor units: posted, what a run now posts (due), or what will expire if nothing more is spent (not due yet).
   */
  amount: bigint
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')
const civil = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`
const partsOf = (date: string) => date.split('-').map(Number) as [number, number, number]

/** The local date a group's cutoff falls on: the start of the day (month, year) after the credit's. */
export function cutoffDate(at: Date, rule: ExpiryRule, timeZone: string): string {
  const [y, m, d] = partsOf(dateIn(at, timeZone))
  if (rule.group === 'year') return civil(y + 1, 1, 1)
  if (rule.group === 'month') return m === 12 ? civil(y + 1, 1, 1) : civil(y, m + 1, 1)
  const next = new Date(Date.UTC(y, m - 1, d + 1))
  return civil(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate())
}

/** The local date a group falls due: `months` after its cutoff, on the month's last day when shorter. */
export function dueDate(cutoff: string, rule: ExpiryRule): string {
  const [y, m, d] = partsOf(cutoff)
  const index = y * 12 + (m - 1) + rule.months
  const year = Math.floor(index / 12)
  const month = (index % 12) + 1
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return civil(year, month, Math.min(d, last))
}

function instantOf(date: string, timeZone: string, cache: Map<string, Date>): Date {
  let at = cache.get(date)
  if (!at) {
    const [y, m, d] = partsOf(date)
    at = startOfDay(y, m, d, timeZone)
    cache.set(date, at)
  }
  return at
}

const min = (a: bigint, b: bigint) => (a < b ? a : b)
const max = (a: bigint, b: bigint) => (a > b ? a : b)

/**
 * Every group of the account's credits (and of its posted expiries), oldest cutoff first, with what
 * expires of it. With `available` (minor units, now), due groups from the first one it cannot cover are
 * `held`; leave it out to plan without holds. Pure: the moves may come in any order.
 */
export function expiryPlan(
  moves: readonly ExpiryMove[],
  rule: ExpiryRule,
  timeZone: string,
  asOf: Date,
  available?: bigint,
): ExpiryGroup[] {
  const instants = new Map<string, Date>()
  const ordinary = moves.filter((m) => m.expiredCutoff === undefined).sort((a, b) => a.at.getTime() - b.at.getTime())
  const posted = new Map<string, bigint>()
  for (const m of moves) {
    if (m.expiredCutoff !== undefined) posted.set(m.expiredCutoff, (posted.get(m.expiredCutoff) ?? 0n) - m.amount)
  }
  const cutoffs = new Set(posted.keys())
  for (const m of ordinary) if (m.amount > 0n) cutoffs.add(cutoffDate(m.at, rule, timeZone))

  const groups = [...cutoffs].sort().map((cutoff) => {
    const dueAt = instantOf(dueDate(cutoff, rule), timeZone, instants)
    return { cutoff, cutoffAt: instantOf(cutoff, timeZone, instants), dueAt, due: dueAt.getTime() <= asOf.getTime() }
  })

  // Prefix sums over the ordinary moves in time order: credits and net, before an instant.
  const times = ordinary.map((m) => m.at.getTime())
  const credits: bigint[] = [0n]
  const net: bigint[] = [0n]
  for (const m of ordinary) {
    credits.push((credits[credits.length - 1] as bigint) + (m.amount > 0n ? m.amount : 0n))
    net.push((net[net.length - 1] as bigint) + m.amount)
  }
  /** How many ordinary moves are strictly before `t`. */
  const before = (t: number) => {
    let lo = 0
    let hi = times.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((times[mid] as number) < t) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  const out: ExpiryGroup[] = []
  let expiredBefore = 0n // Σ of the expiries of earlier groups (posted or decided here)
  let left = available
  let held = false
  for (const [k, g] of groups.entries()) {
    const done = posted.get(g.cutoff)
    if (done !== undefined) {
      out.push({ ...g, posted: true, held: false, amount: done })
      expiredBefore += done
      continue
    }
    const d = g.dueAt.getTime()
    const atDue = before(d)
    const debitsBeforeDue = (credits[atDue] as bigint) - (net[atDue] as bigint)
    let amount = max(0n, (credits[before(g.cutoffAt.getTime())] as bigint) - debitsBeforeDue - expiredBefore)
    if (g.due) {
      // What stayed unspent from the due instant on; later groups' posted expiries count from their own due instants.
      const later = groups
        .slice(k + 1)
        .filter((h) => posted.has(h.cutoff))
        .map((h) => ({ at: h.dueAt.getTime(), amount: posted.get(h.cutoff) as bigint }))
      let balance = (net[atDue] as bigint) - expiredBefore
      let lowest = balance
      let i = atDue
      let j = 0
      while (i < ordinary.length || j < later.length) {
        const nextLater = later[j]
        if (nextLater !== undefined && (i >= ordinary.length || nextLater.at <= (times[i] as number))) {
          balance -= nextLater.amount
          j++
        } else {
          balance += (ordinary[i] as ExpiryMove).amount
          i++
        }
        lowest = min(lowest, balance)
      }
      amount = max(0n, min(amount, lowest))
      if (left !== undefined && !held) {
        if (amount > left) held = true
        else left -= amount
      }
    }
    out.push({ ...g, posted: false, held: g.due && held, amount })
    expiredBefore += amount
  }
  return out
}
