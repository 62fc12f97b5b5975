/**
 * A year of exchange on PGlite (issue #9's proof): wishes, service orders, the
 * points supermarket, gifts under a changing policy and points expiry, then
 * the ledger, every workflow's reconcile, the stock and every refusal checked
 * (see exchange.ts). The same year runs on PostgreSQL in exchange.postgres.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestCommunity, pgliteCommunity } from '../testing/pglite.js'
import { type Exchange, checkExchange, runExchange } from './exchange.js'

let t: TestCommunity
let x: Exchange

beforeAll(async () => {
  t = await pgliteCommunity()
  x = await runExchange(t)
}, 300_000)
afterAll(() => t?.close())

describe('a year of exchange in one community (PGlite)', () => {
  it('ends with every hold posted or voided, the stock reconciled and the ledger balanced', async () => {
    expect(await checkExchange(t, x)).toEqual([])
  }, 120_000)

  it('names the rule and the policy version in every refusal', () => {
    const rules = new Set(x.refusals.map((r) => r.details?.rule))
    expect(rules).toEqual(
      new Set(['gifting', 'storageCap', 'poolFundedServices', 'serviceAge', 'redemptionFrequency', 'minLifetimeHoursToRedeem']),
    )
    for (const r of x.refusals) expect(r.details).toMatchObject({ rule: expect.any(String), policyVersion: expect.any(Number) })
  })
})
