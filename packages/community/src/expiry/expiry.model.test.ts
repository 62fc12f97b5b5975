/**
 * The expiry run through the real ledger on PGlite against the model of lots:
 * random credits, spending and runs at random instants (late ones included),
 * then every posted expiry and every balance compared with the model's.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ExpiryRule } from '../domain/expiry.js'
import { ExpiryModel } from '../domain/expiry.test-model.js'
import { communityPerTest } from '../recognition/fixtures.js'
import { activeMembers } from '../testing/members.js'

const fresh = communityPerTest()
const DAY = 86_400_000
const RULE = { months: 1 }

const stepArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('credit' as const),
      gap: fc.integer({ min: 0, max: 15 * DAY }),
      amount: fc.integer({ min: 1, max: 40 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('debit' as const),
      gap: fc.integer({ min: 0, max: 15 * DAY }),
      percent: fc.integer({ min: 1, max: 100 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('run' as const), gap: fc.integer({ min: 0, max: 50 * DAY }) }) },
)

describe('expiry run against the model of lots', () => {
  it('posts through the ledger what the model expires, and leaves the balances the model holds', async () => {
    let n = 0
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 25 }), async (steps) => {
        const t = await fresh({ start: '2026-01-01T00:00:00Z' })
        await activeMembers(t, ['ana'])
        const model = new ExpiryModel(ExpiryRule.parse(RULE), 'Asia/Shanghai')
        const accountId = 'member:ana:POINT'
        let at = t.clock.now.getTime()
        for (const s of [...steps, { kind: 'run' as const, gap: 60 * DAY }]) {
          at += s.gap
          t.clock.set(new Date(at))
          if (s.kind === 'credit') {
            const amount = BigInt(s.amount)
            await t.ledger.earn({
              tenantId: t.tenantId,
              id: `e${++n}`,
              to: accountId,
              amount: String(amount),
              evidence: { activity: 'a', reviewer: 'r' },
            })
            model.apply({ kind: 'credit', at, amount })
          } else if (s.kind === 'debit') {
            const balance = BigInt((await t.ledger.getBalance({ tenantId: t.tenantId, accountId })).posted)
            const amount = (balance * BigInt(s.percent)) / 100n
            if (amount === 0n) continue
            await t.ledger.transfer({ tenantId: t.tenantId, id: `s${++n}`, from: accountId, to: 'pool:POINT', amount: String(amount) })
            model.apply({ kind: 'debit', at, amount })
          } else {
            await t.community.expiryRun({ tenantId: t.tenantId, rule: RULE })
            model.apply({ kind: 'run', at })
          }
          expect(BigInt((await t.ledger.getBalance({ tenantId: t.tenantId, accountId })).posted)).toBe(model.balance())
        }
        const sink = await t.ledger.getHistory({ tenantId: t.tenantId, accountId: 'expired:POINT', limit: 1000 })
        const posted = new Map(sink.entries.map((e) => [e.transferId.replace('expire:ana:', ''), BigInt(e.amount)]))
        expect(posted).toEqual(new Map([...model.posted].filter(([, v]) => v !== 0n)))
      }),
      { numRuns: 12 },
    )
  }, 120_000)
})
