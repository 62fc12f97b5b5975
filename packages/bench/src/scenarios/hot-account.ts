/**
 * Scenario 4, the hot account: every earn drawn from tenant `bench`'s one
 * issuance account, and every redemption paid into its one sink, against the
 * same operations spread over 64 tenants (`ledger.earn` from scenario 2 and
 * `ledger.redeem` here), at the same caller count. Members come from pools of
 * the same size in both, so only the system account's contention differs.
 *
 * @example
 * const [earnHot, redeem, redeemHot] = hotAccountContenders(community, 8)
 */
import type { Community } from '../fixtures/community.js'
import { SINK, TENANT } from '../fixtures/community.js'
import { idSource, pick } from '../fixtures/ids.js'
import type { Contender } from '../figures.js'
import { closedLoop } from '../runner/closed-loop.js'

export const SCENARIO = '4. hot account'
const EVIDENCE = { activity: 'bench', reviewer: 'bench' }
const ITEM = { ref: 'bench' }

export function hotAccountContenders(c: Community, callers: number): Contender[] {
  const nextId = idSource('hot')
  return [
    {
      id: `ledger.earn-hot.c${callers}`,
      scenario: SCENARIO,
      label: 'ledger.earn, all from one issuance account',
      callers,
      unit: 'transfers/s',
      kind: 'rate',
      baseline: `ledger.earn.c${callers}`,
      targets: [{ text: '>= 0.8x spread earns at the same callers', min: 0.8 }],
      round: (ms) =>
        closedLoop(callers, ms, async () => {
          await c.ledger.earn({ tenantId: TENANT, id: nextId(), to: pick(c.members), amount: '0.01', evidence: EVIDENCE })
          return 1
        }),
    },
    {
      id: `ledger.redeem.c${callers}`,
      scenario: SCENARIO,
      label: 'ledger.redeem, spread over 64 sinks',
      callers,
      unit: 'transfers/s',
      kind: 'rate',
      baseline: `ledger.transfer.c${callers}`,
      round: (ms) =>
        closedLoop(callers, ms, async () => {
          const t = pick(c.spread)
          await c.ledger.redeem({ tenantId: t.tenantId, id: nextId(), from: pick(t.members), to: SINK, amount: '0.01', item: ITEM })
          return 1
        }),
    },
    {
      id: `ledger.redeem-hot.c${callers}`,
      scenario: SCENARIO,
      label: 'ledger.redeem, all into one sink',
      callers,
      unit: 'transfers/s',
      kind: 'rate',
      baseline: `ledger.redeem.c${callers}`,
      targets: [{ text: '>= 0.8x spread redemptions at the same callers (same bar as issuance)', min: 0.8 }],
      round: (ms) =>
        closedLoop(callers, ms, async () => {
          await c.ledger.redeem({ tenantId: TENANT, id: nextId(), from: pick(c.members), to: SINK, amount: '0.01', item: ITEM })
          return 1
        }),
    },
  ]
}
