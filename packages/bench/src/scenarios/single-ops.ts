/**
 * Scenario 2, single operations: `ledger.transfer` between random members of
 * one tenant (10,240 accounts) and `ledger.earn` spread over 64 tenants (so 64
 * different issuance accounts), one operation per call, against the SQL ceiling
 * at the same caller count.
 *
 * @example
 * const [transfer, earn] = singleOpContenders(community, 32)
 */
import type { Community } from '../fixtures/community.js'
import { TENANT } from '../fixtures/community.js'
import { idSource, pick, pickPair } from '../fixtures/ids.js'
import type { Contender, TargetSpec } from '../figures.js'
import { closedLoop } from '../runner/closed-loop.js'

export const SCENARIO = '2. ledger single operations'
const EVIDENCE = { activity: 'bench', reviewer: 'bench' }

/** The single-operation targets apply at 32 callers. */
function targets(callers: number): TargetSpec[] {
  if (callers !== 32) return []
  return [
    { text: '>= 1.0x interactive SQL ceiling at 32 callers', vs: 'sql.interactive.c32', min: 1.0 },
    { text: 'aim: >= 0.6x one-round-trip SQL at 32 callers', vs: 'sql.one-rtt.c32', min: 0.6, aim: true },
  ]
}

export function singleOpContenders(c: Community, callers: number): Contender[] {
  const nextId = idSource('op')
  return [
    {
      id: `ledger.transfer.c${callers}`,
      scenario: SCENARIO,
      label: 'ledger.transfer, random members',
      callers,
      unit: 'transfers/s',
      kind: 'rate',
      baseline: `sql.interactive.c${callers}`,
      targets: targets(callers),
      round: (ms) =>
        closedLoop(callers, ms, async () => {
          const [from, to] = pickPair(c.members)
          await c.ledger.transfer({ tenantId: TENANT, id: nextId(), from, to, amount: '0.01' })
          return 1
        }),
    },
    {
      id: `ledger.earn.c${callers}`,
      scenario: SCENARIO,
      label: 'ledger.earn, spread over 64 issuance accounts',
      callers,
      unit: 'transfers/s',
      kind: 'rate',
      baseline: `sql.interactive.c${callers}`,
      targets: targets(callers),
      round: (ms) =>
        closedLoop(callers, ms, async () => {
          const t = pick(c.spread)
          await c.ledger.earn({ tenantId: t.tenantId, id: nextId(), to: pick(t.members), amount: '0.01', evidence: EVIDENCE })
          return 1
        }),
    },
  ]
}
