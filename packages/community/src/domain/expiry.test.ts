import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type ExpiryMove, ExpiryRule, cutoffDate, dueDate, expiryPlan } from './expiry.js'
import { ExpiryModel, type ModelStep } from './expiry.test-model.js'

const TZ = 'Asia/Shanghai'
const rule = (input: Parameters<typeof ExpiryRule.parse>[0]) => ExpiryRule.parse(input)
const at = (iso: string) => new Date(iso)

describe('expiry groups and due dates', () => {
  it('groups a credit by its local day and lets it live the months after that day', () => {
    const yearly = rule({ months: 12 })
    // 23:30 on 15 March in Shanghai is 15:30 UTC: the local day decides.
    expect(cutoffDate(at('2026-03-15T15:30:00Z'), yearly, TZ)).toBe('2026-03-16')
    expect(cutoffDate(at('2026-03-15T16:00:00Z'), yearly, TZ)).toBe('2026-03-17')
    expect(dueDate('2026-03-16', yearly)).toBe('2027-03-16')
  })

  it('ends a group due in a shorter month on its last day', () => {
    expect(dueDate('2026-01-31', rule({ months: 1 }))).toBe('2026-02-28')
    expect(dueDate('2027-03-31', rule({ months: 11 }))).toBe('2028-02-29')
  })

  it('groups by month or by calendar year: points of 2026 expire at the end of 2027', () => {
    expect(cutoffDate(at('2026-12-31T15:59:59Z'), rule({ months: 12, group: 'month' }), TZ)).toBe('2027-01-01')
    const calendar = rule({ months: 12, group: 'year' })
    expect(cutoffDate(at('2026-05-01T00:00:00Z'), calendar, TZ)).toBe('2027-01-01')
    expect(dueDate('2027-01-01', calendar)).toBe('2028-01-01')
  })

  it('refuses a rule of no months, fractional months or an unknown grouping', () => {
    for (const bad of [{ months: 0 }, { months: 1.5 }, { months: 12, group: 'week' }, { months: 12, extra: 1 }]) {
      expect(ExpiryRule.safeParse(bad).success).toBe(false)
    }
  })
})

const credit = (iso: string, amount: bigint): ExpiryMove => ({ at: at(iso), amount })
const debit = (iso: string, amount: bigint): ExpiryMove => ({ at: at(iso), amount: -amount })
const toPost = (plan: ReturnType<typeof expiryPlan>) => plan.filter((g) => g.due && !g.posted && !g.held && g.amount > 0n)

describe('what expires, first in first out', () => {
  const yearly = rule({ months: 12 })
  const moves = [
    credit('2026-01-10T02:00:00Z', 10n),
    credit('2026-06-10T02:00:00Z', 10n),
    // Spending uses January's points first.
    debit('2026-07-01T02:00:00Z', 4n),
  ]

  it("expires what is left of a group's credits at its due instant and plans the next", () => {
    const plan = expiryPlan(moves, yearly, TZ, at('2027-01-11T00:00:00Z'))
    expect(plan.map((g) => [g.cutoff, g.dueAt.toISOString(), g.due, g.amount])).toEqual([
      ['2026-01-11', '2027-01-10T16:00:00.000Z', true, 6n],
      ['2026-06-11', '2027-06-10T16:00:00.000Z', false, 10n],
    ])
  })

  it('takes the same late as on time when the spending after the due instant was covered', () => {
    const late = [...moves, credit('2027-02-01T02:00:00Z', 5n), debit('2027-03-01T02:00:00Z', 12n)]
    expect(toPost(expiryPlan(late, yearly, TZ, at('2027-04-01T00:00:00Z')))[0]?.amount).toBe(6n)
  })

  it('forgives what the member spent after the due instant and never takes points credited since', () => {
    // 16 left at the due instant, 6 of them expiring; the member spends 14 before any run, then earns 5.
    const late = [...moves, debit('2027-02-01T02:00:00Z', 14n), credit('2027-03-01T02:00:00Z', 5n)]
    // Only 2 stayed unspent from the due instant on: the run takes those, not the 5 earned later.
    expect(toPost(expiryPlan(late, yearly, TZ, at('2027-04-01T00:00:00Z')))[0]?.amount).toBe(2n)
  })

  it('lets a group that open holds cut into wait, whole, for a later run', () => {
    const held = expiryPlan(moves, yearly, TZ, at('2027-01-11T00:00:00Z'), 5n)[0]
    expect([held?.due, held?.held, held?.amount]).toEqual([true, true, 6n])
    expect(expiryPlan(moves, yearly, TZ, at('2027-01-11T00:00:00Z'), 6n)[0]?.held).toBe(false)
  })

  it('computes nothing again for a group already posted, however much was spent since', () => {
    const posted = [
      ...moves,
      { at: at('2027-01-12T00:00:00Z'), amount: -6n, expiredCutoff: '2026-01-11' },
      debit('2027-01-13T00:00:00Z', 10n),
    ]
    const plan = expiryPlan(posted, yearly, TZ, at('2027-07-01T00:00:00Z'))
    expect(plan.map((g) => [g.cutoff, g.posted, g.amount])).toEqual([
      ['2026-01-11', true, 6n],
      ['2026-06-11', false, 0n],
    ])
  })
})

// ---- the model ---------------------------------------------------------------

const DAY = 86_400_000
const START = Date.parse('2026-01-01T00:00:00Z')

const stepArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('credit' as const), gap: fc.integer({ min: 0, max: 20 * DAY }), amount: fc.bigInt(1n, 50n) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('debit' as const),
      gap: fc.integer({ min: 0, max: 20 * DAY }),
      percent: fc.integer({ min: 1, max: 100 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('run' as const), gap: fc.integer({ min: 0, max: 60 * DAY }) }) },
)
const ruleArb = fc.record({
  months: fc.constantFrom(1, 2, 3, 12),
  group: fc.constantFrom('day' as const, 'month' as const, 'year' as const),
})
const zoneArb = fc.constantFrom('Asia/Shanghai', 'Europe/Berlin', 'UTC')

/** The implementation driven like a ledger: posted entries, and runs posting what the plan says. */
class Books {
  readonly moves: ExpiryMove[] = []
  constructor(
    readonly rule: ExpiryRule,
    readonly timeZone: string,
  ) {}
  balance = () => this.moves.reduce((s, m) => s + m.amount, 0n)
  run(t: number): bigint {
    let taken = 0n
    for (const g of toPost(expiryPlan(this.moves, this.rule, this.timeZone, new Date(t), this.balance()))) {
      this.moves.push({ at: new Date(t), amount: -g.amount, expiredCutoff: g.cutoff })
      taken += g.amount
    }
    return taken
  }
  postedByCutoff(): Map<string, bigint> {
    return new Map(this.moves.filter((m) => m.expiredCutoff !== undefined).map((m) => [m.expiredCutoff as string, -m.amount]))
  }
}

const nonZero = (m: Map<string, bigint>) => new Map([...m].filter(([, v]) => v !== 0n))

describe('expiry against the model of lots', () => {
  it('posts what the lot model expires, for runs at any times, and a run repeated at once posts nothing', () => {
    fc.assert(
      fc.property(ruleArb, zoneArb, fc.array(stepArb, { maxLength: 60 }), (r, zone, steps) => {
        const expiryRule = rule(r)
        const model = new ExpiryModel(expiryRule, zone)
        const books = new Books(expiryRule, zone)
        let t = START
        for (const s of [...steps, { kind: 'run' as const, gap: 400 * DAY }]) {
          t += s.gap
          let step: ModelStep
          if (s.kind === 'credit') {
            step = { kind: 'credit', at: t, amount: s.amount }
            books.moves.push({ at: new Date(t), amount: s.amount })
          } else if (s.kind === 'debit') {
            const amount = (books.balance() * BigInt(s.percent)) / 100n
            if (amount === 0n) continue
            step = { kind: 'debit', at: t, amount }
            books.moves.push({ at: new Date(t), amount: -amount })
          } else {
            step = { kind: 'run', at: t }
            books.run(t)
            expect(books.run(t)).toBe(0n)
          }
          model.apply(step)
          expect(books.balance()).toBe(model.balance())
        }
        expect(nonZero(books.postedByCutoff())).toEqual(nonZero(model.posted))
      }),
      { numRuns: 300 },
    )
  })

  it('posts the same late as on time when the member never spent expired points', () => {
    fc.assert(
      fc.property(ruleArb, zoneArb, fc.array(stepArb, { maxLength: 60 }), (r, zone, steps) => {
        const expiryRule = rule(r)
        // On time: a run at every due instant, spending within what is left after it.
        const onTime = new Books(expiryRule, zone)
        let t = START
        const dueTimes = () =>
          expiryPlan(onTime.moves, expiryRule, zone, new Date(t))
            .filter((g) => !g.posted)
            .map((g) => g.dueAt.getTime())
        for (const s of steps) {
          if (s.kind === 'run') continue
          const next = t + s.gap
          for (const d of dueTimes()
            .filter((d) => d <= next)
            .sort((a, b) => a - b))
            onTime.run(d)
          t = next
          if (s.kind === 'credit') onTime.moves.push({ at: new Date(t), amount: s.amount })
          else {
            const amount = (onTime.balance() * BigInt(s.percent)) / 100n
            if (amount > 0n) onTime.moves.push({ at: new Date(t), amount: -amount })
          }
        }
        const end = t + 400 * DAY
        for (const d of dueTimes()
          .filter((d) => d <= end)
          .sort((a, b) => a - b))
          onTime.run(d)
        // Late: the same spending, one run at the end.
        const late = new Books(expiryRule, zone)
        late.moves.push(...onTime.moves.filter((m) => m.expiredCutoff === undefined))
        late.run(end)
        expect(nonZero(late.postedByCutoff())).toEqual(nonZero(onTime.postedByCutoff()))
      }),
      { numRuns: 200 },
    )
  })
})
