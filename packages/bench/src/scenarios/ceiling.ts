/**
 * Scenario 1, the ceiling: what PostgreSQL does with the same transfer written
 * by hand from this process over the same pool, at the same caller count.
 * `sql.interactive` sends seven statements in a transaction; `sql.one-rtt`
 * calls a plpgsql function doing the same in one round trip.
 *
 * @example
 * await prepareCeiling(community)
 * const [interactive, oneRtt] = ceilingContenders(community, 32)
 */
import type { Community } from '../fixtures/community.js'
import { TENANT } from '../fixtures/community.js'
import { idSource, pickPair } from '../fixtures/ids.js'
import type { Contender } from '../figures.js'
import { closedLoop } from '../runner/closed-loop.js'
import { createTransferFunction, functionTransfer } from '../sql/transfer-function.js'
import { interactiveTransfer } from '../sql/transfer.js'

export const SCENARIO = '1. ceiling (hand-written SQL)'

export async function prepareCeiling(c: Community): Promise<void> {
  await createTransferFunction(c.bench.conn)
}

export function ceilingContenders(c: Community, callers: number): Contender[] {
  const nextId = idSource('sql')
  const conn = c.bench.conn
  const pair = () => pickPair(c.members)
  return [
    {
      id: `sql.interactive.c${callers}`,
      scenario: SCENARIO,
      label: 'SQL transfer, 7 statements in a transaction',
      callers,
      unit: 'transfers/s',
      kind: 'rate',
      round: (ms) =>
        closedLoop(callers, ms, async () => {
          const [from, to] = pair()
          await interactiveTransfer(conn, { tenantId: TENANT, id: nextId(), from, to, amount: 1n })
          return 1
        }),
    },
    {
      id: `sql.one-rtt.c${callers}`,
      scenario: SCENARIO,
      label: 'SQL transfer as one plpgsql call',
      callers,
      unit: 'transfers/s',
      kind: 'rate',
      baseline: `sql.interactive.c${callers}`,
      round: (ms) =>
        closedLoop(callers, ms, async () => {
          const [from, to] = pair()
          await functionTransfer(conn, { tenantId: TENANT, id: nextId(), from, to, amount: 1n })
          return 1
        }),
    },
  ]
}
