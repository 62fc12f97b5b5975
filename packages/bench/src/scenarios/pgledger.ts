/**
 * Scenario 10, a peer: the ledger against pgledger (vendored under
 * contenders/pgledger, in its own schema on the same server), each pair in one
 * phase with rounds interleaved. Same accounts (tenant `bench`'s 10,240 funded
 * members, one pgledger account each), same amount, same pool settings and
 * size. Every `tb.*` figure's ratio is timebank over pgledger (for the balance
 * read: time over time, lower is better).
 *
 * - transfer between random members at each caller count;
 * - the hot account at 32 callers: earns from the one issuance account, against
 *   pgledger transfers from its one funding account;
 * - an atomic batch of 100 random transfers (`ledger.batch` against one
 *   `pgledger_create_transfers` call) at the batch caller counts;
 * - the current balance of a random member, one caller.
 *
 * @example
 * const p = await setupPgledgerBench(community, { callers: [1, 8, 32], batchCallers: [1] })
 * for (const phase of p.phases) await measurePhase(phase.contenders, options)
 * await p.close()
 */
import { type Pgledger, openPgledger } from '../contenders/pgledger/load.js'
import type { Community } from '../fixtures/community.js'
import { TENANT } from '../fixtures/community.js'
import { idSource } from '../fixtures/ids.js'
import type { Contender, TargetSpec } from '../figures.js'
import { closedLoop } from '../runner/closed-loop.js'

export const SCENARIO = '10. vs pgledger (same server)'
export const BATCH = 100
const AMOUNT = '0.01'
const EVIDENCE = { activity: 'bench', reviewer: 'bench' }

export interface PgledgerBench {
  phases: { name: string; contenders: Contender[] }[]
  /** pgledger's accounts must still sum to zero; throws otherwise. */
  check(): Promise<void>
  close(): Promise<void>
}

/** The bars issue #12 sets on the `tb.*` figure of a pair; every other pair is shown for reference. */
export function pgledgerTargets(id: string): TargetSpec[] {
  if (id === 'transfer.c1') return [{ text: '>= 1.5x pgledger at 1 caller', min: 1.5 }]
  if (id === 'balance') return [{ text: '<= 1.0x pgledger time per read', max: 1.0 }]
  return [{ text: 'vs pgledger (reference)' }]
}

/** Two indexes into the member list, different: the same pair addresses both ledgers. */
function pair(n: number): [number, number] {
  const i = Math.floor(Math.random() * n)
  let j = Math.floor(Math.random() * (n - 1))
  if (j >= i) j++
  return [i, j]
}

/** The pgledger figure first (the baseline), then the ledger's, with its ratio against it. */
function duel(
  id: string,
  shape: Pick<Contender, 'callers' | 'unit' | 'kind'> & { note?: string },
  labels: [pgledger: string, ledger: string],
  ops: [pgledger: (caller: number) => Promise<number>, ledger: (caller: number) => Promise<number>],
): Contender[] {
  const round =
    (op: (caller: number) => Promise<number>): Contender['round'] =>
    (ms) =>
      closedLoop(shape.callers, ms, op)
  return [
    { ...shape, id: `pgledger.${id}`, scenario: SCENARIO, label: labels[0], round: round(ops[0]) },
    {
      ...shape,
      id: `tb.${id}`,
      scenario: SCENARIO,
      label: labels[1],
      baseline: `pgledger.${id}`,
      targets: pgledgerTargets(id),
      round: round(ops[1]),
    },
  ]
}

export async function setupPgledgerBench(
  c: Community,
  o: { url: string; callers: readonly number[]; batchCallers: readonly number[] },
): Promise<PgledgerBench> {
  const max = Math.max(...o.callers, ...o.batchCallers)
  const p: Pgledger = await openPgledger(o.url, { members: c.members, max })
  const n = c.members.length
  const nextId = idSource('pgl')
  const member = (i: number) => c.members[i] as string
  const account = (i: number) => p.members[i] as string
  const rate = (callers: number) => ({ callers, unit: 'transfers/s' as const, kind: 'rate' as const })

  const phases: PgledgerBench['phases'] = o.callers.map((callers) => {
    const contenders = duel(
      `transfer.c${callers}`,
      rate(callers),
      ['pgledger_create_transfer, random members', 'ledger.transfer, random members'],
      [
        async () => {
          const [i, j] = pair(n)
          await p.transfer(account(i), account(j), AMOUNT)
          return 1
        },
        async () => {
          const [i, j] = pair(n)
          await c.ledger.transfer({ tenantId: TENANT, id: nextId(), from: member(i), to: member(j), amount: AMOUNT })
          return 1
        },
      ],
    )
    if (callers === 32) {
      contenders.push(
        ...duel(
          'earn-hot.c32',
          rate(callers),
          ['pgledger_create_transfer, all from one funding account', 'ledger.earn, all from one issuance account'],
          [
            async () => {
              await p.transfer(p.issuance, account(Math.floor(Math.random() * n)), AMOUNT)
              return 1
            },
            async () => {
              const to = member(Math.floor(Math.random() * n))
              await c.ledger.earn({ tenantId: TENANT, id: nextId(), to, amount: AMOUNT, evidence: EVIDENCE })
              return 1
            },
          ],
        ),
      )
    }
    return { name: `vs pgledger: writes at ${callers} caller(s)`, contenders }
  })

  for (const callers of o.batchCallers) {
    const pairs = () => Array.from({ length: BATCH }, () => pair(n))
    phases.push({
      name: `vs pgledger: batches of ${BATCH} at ${callers} caller(s)`,
      contenders: duel(
        `batch${BATCH}.c${callers}`,
        rate(callers),
        [`pgledger_create_transfers of ${BATCH}, one call`, `ledger.batch of ${BATCH} transfers`],
        [
          async () => {
            await p.transfers(
              pairs().map(([i, j]) => ({ from: account(i), to: account(j) })),
              AMOUNT,
            )
            return BATCH
          },
          async () => {
            const operations = pairs().map(([i, j]) => ({
              type: 'transfer' as const,
              id: nextId(),
              from: member(i),
              to: member(j),
              amount: AMOUNT,
            }))
            const r = await c.ledger.batch({ tenantId: TENANT, operations })
            if (!r.committed) throw new Error(`batch refused: ${JSON.stringify(r.results.find((x) => !x.ok))}`)
            return BATCH
          },
        ],
      ),
    })
  }

  phases.push({
    name: 'vs pgledger: current balance',
    contenders: duel(
      'balance',
      { callers: 1, unit: 'ms/read', kind: 'latency', note: 'a random funded member of the write fixture (shallow history)' },
      ['pgledger_accounts_view, one row', 'getBalance'],
      [
        async () => {
          await p.balance(account(Math.floor(Math.random() * n)))
          return 1
        },
        async () => {
          await c.ledger.getBalance({ tenantId: TENANT, accountId: member(Math.floor(Math.random() * n)) })
          return 1
        },
      ],
    ),
  })

  return {
    phases,
    async check() {
      const [r] = await p.conn.query<{ total: string }>('select coalesce(sum(balance), 0)::text as total from pgledger_accounts')
      if (Number(r?.total) !== 0) throw new Error(`pgledger accounts sum to ${r?.total}, not 0`)
    },
    close: () => p.close(),
  }
}
