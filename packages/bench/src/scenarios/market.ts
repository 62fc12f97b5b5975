/**
 * Scenario 9, the points supermarket and the policy (issue #9), each figure
 * against ledger transfers measured in the same phase:
 * - `community.redeem` (the row, the eligibility check, one ledger batch
 *   holding the member's points and the reward's units, the row marked) against
 *   `ledger.transfer` of points between members, at 8 and 32 callers, the policy
 *   at its defaults (every rule off) so it measures the workflow; and at 32
 *   callers once more under a realistic policy (a lifetime-hours minimum the
 *   members meet, a monthly frequency they stay under);
 * - a member's transfer to a linked relative with the policy check the API
 *   makes for member keys (`community.checkMovement`, gifts only to relatives)
 *   against the same transfer without it, at 32 callers.
 *
 * Two communities: `bench-market` (policy defaults) and `bench-market-policy`
 * (the realistic policy), 1,000 members each with 1,000,000 points, one reward
 * priced 1 point restocked once with 100,000,000 units. Members' rows are
 * inserted with SQL and their accounts opened as approval opens them; the reward,
 * its stock, the policy and the relatives go through `createCommunity`.
 *
 * @example
 * const m = await setupMarketBench(url, log)
 * for (const p of m.phases) await measurePhase(p.contenders, …)
 * await m.close()
 */
import { ASSETS, createCommunity, memberAccount, migrate } from '@timebank/community'
import { type Ledger, createLedger } from '@timebank/ledger'
import { openBenchDatabase } from '../env/pool.js'
import type { Contender } from '../figures.js'
import { idSource, pick } from '../fixtures/ids.js'
import { closedLoop } from '../runner/closed-loop.js'
import { members } from './community.js'

export const SCENARIO = '9. points supermarket and policy'
const PLAIN = 'bench-market'
const STRICT = 'bench-market-policy'
const MEMBERS = 1000
const REWARD = 'bench-rice'

export interface MarketBench {
  /** Contenders compared with each other share a phase: one per caller count. */
  phases: { name: string; contenders: Contender[] }[]
  close(): Promise<void>
}

/** Credit `amount` of `asset` to every member, 1,000 earns per batch. */
async function credit(ledger: Ledger, tenantId: string, people: string[], asset: string, amount: string): Promise<void> {
  for (let i = 0; i < people.length; i += 1000) {
    const r = await ledger.batch({
      tenantId,
      operations: people.slice(i, i + 1000).map((m) => ({
        type: 'earn' as const,
        id: `fund-${asset}-${m}`,
        to: memberAccount(m, asset),
        amount,
        evidence: { activity: 'bench seed', reviewer: 'bench' },
      })),
    })
    if (!r.committed) throw new Error(`funding ${tenantId} failed`)
  }
}

export async function setupMarketBench(url: string, log: (line: string) => void): Promise<MarketBench> {
  const bench = await openBenchDatabase(url, { max: 40, prefix: 'tb_bench_m' })
  try {
    await migrate(bench.db)
    const ledger = createLedger({ db: bench.db })
    const community = createCommunity({ db: bench.db, ledger })
    const t0 = performance.now()
    const people = new Map<string, string[]>()
    for (const tenantId of [PLAIN, STRICT]) {
      await community.setUp({ tenantId, name: `Bench ${tenantId}` })
      const ids = await members(bench, ledger, tenantId, 'm', MEMBERS)
      people.set(tenantId, ids)
      await credit(ledger, tenantId, ids, ASSETS.points, '1000000')
      await community.createReward({ tenantId, id: REWARD, name: 'Rice 5 kg', price: '1', actor: 'bench' })
      await community.restock({
        tenantId,
        rewardId: REWARD,
        id: 'bench-delivery',
        quantity: '100000000',
        reason: 'bench stock',
        actor: 'bench',
      })
    }
    const plain = people.get(PLAIN) as string[]
    const strict = people.get(STRICT) as string[]
    // The realistic policy: 150 lifetime hours each against a minimum of 100; at most 1,000 redemptions a month
    // (counted, never reached); gifts only to linked relatives, each member linked to one spouse.
    await credit(ledger, STRICT, strict, ASSETS.lifetime, '150')
    await community.changePolicy({
      tenantId: STRICT,
      policy: {
        minLifetimeHoursToRedeem: '100',
        redemptionFrequency: { times: 1000, per: 'month' },
        gifting: { recipients: 'relatives' },
      },
      actor: 'bench',
      reason: 'bench: a realistic policy',
    })
    const couples: [string, string][] = []
    for (let i = 0; i + 1 < strict.length; i += 2) couples.push([strict[i] as string, strict[i + 1] as string])
    for (let i = 0; i < couples.length; i += 20) {
      await Promise.all(
        couples
          .slice(i, i + 20)
          .map(([a, b]) => community.addRelative({ tenantId: STRICT, memberId: a, relativeId: b, relation: 'spouse' })),
      )
    }
    await bench.conn.query('analyze')
    log(`  ${((performance.now() - t0) / 1000).toFixed(1)} s (schema ${bench.schema})`)

    const nextId = idSource('mk')
    /** Points from one random member to another. */
    const transfer = async () => {
      const from = pick(plain)
      let to = pick(plain)
      while (to === from) to = pick(plain)
      await ledger.transfer({
        tenantId: PLAIN,
        id: nextId(),
        from: memberAccount(from, ASSETS.points),
        to: memberAccount(to, ASSETS.points),
        amount: '1',
      })
      return 1
    }
    const redeem = (tenantId: string, ids: string[]) => async () => {
      await community.redeem({ tenantId, id: nextId(), rewardId: REWARD, memberId: pick(ids), actor: 'bench' })
      return 1
    }
    /** Points from a member to their spouse (either way round), asked of the policy first when `checked`. */
    const gift = (checked: boolean) => async () => {
      const couple = pick(couples)
      const [a, b] = Math.random() < 0.5 ? couple : ([couple[1], couple[0]] as const)
      const move = { tenantId: STRICT, from: memberAccount(a, ASSETS.points), to: memberAccount(b, ASSETS.points), amount: '1' }
      if (checked) await community.checkMovement(move)
      await ledger.transfer({ ...move, id: nextId() })
      return 1
    }

    const rate = { scenario: SCENARIO, unit: 'ops/s', kind: 'rate' } as const
    const atCallers = (callers: number): Contender[] => [
      {
        ...rate,
        id: `market.transfer.c${callers}`,
        label: 'ledger.transfer of points between members (baseline)',
        callers,
        unit: 'transfers/s',
        round: (ms) => closedLoop(callers, ms, transfer),
      },
      {
        ...rate,
        id: `market.redeem.c${callers}`,
        label: 'community.redeem, points and stock held in one batch, policy defaults',
        callers,
        baseline: `market.transfer.c${callers}`,
        targets: [{ text: `>= 0.7x a ledger transfer at ${callers} callers`, min: 0.7 }],
        round: (ms) => closedLoop(callers, ms, redeem(PLAIN, plain)),
      },
    ]
    const phases: MarketBench['phases'] = [
      { name: 'supermarket at 8 callers', contenders: atCallers(8) },
      {
        name: 'supermarket and policy at 32 callers',
        contenders: [
          ...atCallers(32),
          {
            ...rate,
            id: 'market.redeem-policy.c32',
            label: 'community.redeem under a policy (lifetime-hours minimum met, monthly frequency counted)',
            callers: 32,
            baseline: 'market.transfer.c32',
            targets: [
              { text: 'aim: >= 0.7x a ledger transfer at 32 callers', min: 0.7, aim: true },
              { text: 'vs the redemption under the default policy', vs: 'market.redeem.c32' },
            ],
            round: (ms) => closedLoop(32, ms, redeem(STRICT, strict)),
          },
          {
            ...rate,
            id: 'market.gift.c32',
            label: 'ledger.transfer of points to a linked spouse (baseline)',
            callers: 32,
            unit: 'transfers/s',
            round: (ms) => closedLoop(32, ms, gift(false)),
          },
          {
            ...rate,
            id: 'market.gift-checked.c32',
            label: 'the same transfer after community.checkMovement (gifts to relatives only)',
            callers: 32,
            unit: 'transfers/s',
            baseline: 'market.gift.c32',
            targets: [{ text: 'the policy check adds <= 20% (>= 0.833x the unchecked transfer)', min: 0.833 }],
            round: (ms) => closedLoop(32, ms, gift(true)),
          },
        ],
      },
    ]
    return { phases, close: () => bench.close() }
  } catch (e) {
    await bench.close()
    throw e
  }
}
