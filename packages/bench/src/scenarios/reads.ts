/**
 * Scenario 5, reads at depth: `getBalance`, the first history page and a deep
 * one (50 entries near the oldest end, through a cursor) on an account with
 * 1,000 entries and on one with 1,000,000 (100,000 in --quick), one caller,
 * reported as milliseconds per read. Its own schema, so write load does not
 * blur it.
 *
 * @example
 * const r = await setupReads(url, 1_000_000)
 * const figures = await measurePhase(r.contenders, options)
 */
import { type Ledger, createLedger } from '@timebank/ledger'
import { type BenchDatabase, openBenchDatabase } from '../env/pool.js'
import { openMember, writeHistory } from '../fixtures/deep-account.js'
import type { Contender } from '../figures.js'
import { closedLoop } from '../runner/closed-loop.js'

export const SCENARIO = '5. reads at depth'
const TENANT = 'reads'
const PAGE = 50

export interface Reads {
  contenders: Contender[]
  close(): Promise<void>
}

const depthLabel = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n))

async function oldCursor(bench: BenchDatabase, accountId: string): Promise<string> {
  const [r] = await bench.conn.query<{ seq: string }>(
    `select seq::text as seq from tb_entries where tenant_id = $1 and account_id = $2 order by seq asc offset ${PAGE + 10} limit 1`,
    [TENANT, accountId],
  )
  if (!r) throw new Error(`no history on ${accountId}`)
  return r.seq
}

export async function setupReads(url: string, deepEntries: number, log: (s: string) => void): Promise<Reads> {
  const bench = await openBenchDatabase(url, { max: 4, prefix: 'tb_bench_r' })
  try {
    const ledger: Ledger = createLedger({ db: bench.db })
    await ledger.createTenant({ id: TENANT, name: 'Reads' })
    const shallow = { id: 'shallow', depth: 1000 }
    const deep = { id: 'deep', depth: deepEntries }
    const t0 = performance.now()
    for (const a of [shallow, deep]) {
      await openMember(ledger, TENANT, a.id)
      await writeHistory(bench.conn, TENANT, a.id, a.depth)
    }
    await bench.conn.query('vacuum (analyze) tb_transfers')
    await bench.conn.query('vacuum (analyze) tb_entries')
    await bench.conn.query('vacuum (analyze) tb_balances')
    log(
      `  wrote ${deep.depth.toLocaleString('en')} + ${shallow.depth.toLocaleString('en')} entries in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    )
    // The direct SQL must have kept the ledger sound.
    const [totals] = await ledger.totals({ tenantId: TENANT })
    const b = await ledger.getBalance({ tenantId: TENANT, accountId: deep.id })
    if (totals?.total !== '0.00' || b.posted !== `${deep.depth}.00`) {
      throw new Error(`seeded history is inconsistent: total ${totals?.total}, deep balance ${b.posted}`)
    }
    const contenders: Contender[] = []
    for (const a of [shallow, deep]) {
      const d = depthLabel(a.depth)
      const cursor = await oldCursor(bench, a.id)
      const first = await ledger.getHistory({ tenantId: TENANT, accountId: a.id, limit: PAGE })
      const old = await ledger.getHistory({ tenantId: TENANT, accountId: a.id, limit: PAGE, cursor })
      if (first.entries.length !== PAGE || old.entries.length !== PAGE) throw new Error(`history pages of ${a.id} are short`)
      const read =
        (fn: () => Promise<unknown>): Contender['round'] =>
        (ms) =>
          closedLoop(1, ms, async () => {
            await fn()
            return 1
          })
      contenders.push(
        {
          id: `read.balance.${d}`,
          scenario: SCENARIO,
          label: `getBalance, ${d} entries`,
          callers: 1,
          unit: 'ms/read',
          kind: 'latency',
          ...(a === deep ? { baseline: 'read.balance.1k', targets: [{ text: 'within 1.2x of 1k entries', max: 1.2 }] } : {}),
          round: read(() => ledger.getBalance({ tenantId: TENANT, accountId: a.id })),
        },
        {
          id: `read.history-first.${d}`,
          scenario: SCENARIO,
          label: `getHistory first page (${PAGE}), ${d} entries`,
          callers: 1,
          unit: 'ms/read',
          kind: 'latency',
          ...(a === deep ? { baseline: 'read.history-first.1k' } : {}),
          round: read(() => ledger.getHistory({ tenantId: TENANT, accountId: a.id, limit: PAGE })),
        },
        {
          id: `read.history-deep.${d}`,
          scenario: SCENARIO,
          label: `getHistory page near the oldest entry, ${d} entries`,
          callers: 1,
          unit: 'ms/read',
          kind: 'latency',
          baseline: `read.history-first.${d}`,
          targets: [{ text: 'within 1.5x of the first page', max: 1.5 }],
          round: read(() => ledger.getHistory({ tenantId: TENANT, accountId: a.id, limit: PAGE, cursor })),
        },
      )
    }
    if (deepEntries < 1_000_000) {
      for (const c of contenders) if (c.id.endsWith(depthLabel(deepEntries))) c.note = `--quick: depth ${depthLabel(deepEntries)}, not 1M`
    }
    return { contenders, close: () => bench.close() }
  } catch (e) {
    await bench.close()
    throw e
  }
}
