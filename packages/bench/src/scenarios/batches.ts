/**
 * Scenario 3, atomic batches: `ledger.batch` of 100 and 1,000 transfers between
 * random members, against the hand-written batch (one sorted lock statement,
 * UPDATE ... FROM unnest, two INSERT ... SELECT unnest) of the same size.
 *
 * @example
 * const contenders = batchContenders(community, 4)
 */
import type { Community } from '../fixtures/community.js'
import { TENANT } from '../fixtures/community.js'
import { idSource, pickPair } from '../fixtures/ids.js'
import type { Contender } from '../figures.js'
import { closedLoop } from '../runner/closed-loop.js'
import { batchTransfers } from '../sql/transfer.js'

export const SCENARIO = '3. atomic batches'
export const SIZES = [100, 1000] as const

export function batchContenders(c: Community, callers: number): Contender[] {
  const nextId = idSource('b')
  const out: Contender[] = []
  for (const size of SIZES) {
    out.push(
      {
        id: `sql.batch${size}.c${callers}`,
        scenario: SCENARIO,
        label: `SQL batch of ${size} transfers, 6 statements`,
        callers,
        unit: 'transfers/s',
        kind: 'rate',
        round: (ms) =>
          closedLoop(callers, ms, async () => {
            const items = Array.from({ length: size }, () => {
              const [from, to] = pickPair(c.members)
              return { id: nextId(), from, to, amount: 1n }
            })
            await batchTransfers(c.bench.conn, TENANT, items)
            return size
          }),
      },
      {
        id: `ledger.batch${size}.c${callers}`,
        scenario: SCENARIO,
        label: `ledger.batch of ${size} transfers`,
        callers,
        unit: 'transfers/s',
        kind: 'rate',
        baseline: `sql.batch${size}.c${callers}`,
        targets: size === 1000 ? [{ text: '>= 20,000 transfers/s', absolute: true, min: 20_000 }] : [],
        round: (ms) =>
          closedLoop(callers, ms, async () => {
            const operations = Array.from({ length: size }, () => {
              const [from, to] = pickPair(c.members)
              return { type: 'transfer' as const, id: nextId(), from, to, amount: '0.01' }
            })
            const r = await c.ledger.batch({ tenantId: TENANT, operations })
            if (!r.committed)
              throw new Error(`batch refused: ${JSON.stringify(r.results.find((x) => !x.ok && x.error.code !== 'LINKED_EVENT_FAILED'))}`)
            return size
          }),
      },
    )
  }
  return out
}
