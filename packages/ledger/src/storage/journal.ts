/**
 * Verifying a tenant's journal: every entry chain (one per balance row, see
 * domain/chain.ts) recomputed from the stored entries, in pages, and each
 * compared with the head its balance row records (and, when given, with the
 * heads a checkpoint recorded). Takes no lock: it reads committed rows, one
 * page of accounts at a time, each page in one snapshot.
 *
 * @example
 * const verdict = await verifyJournal(db, 'maple')
 * if (!verdict.ok) console.log(verdict.firstBroken) // { accountId, shard, seq, reason }
 */
import { type SQL, sql } from 'drizzle-orm'
import { type ChainBreak, type ChainEntry, type ChainForm, type ChainHead, GENESIS, advance } from '../domain/chain.js'
import type { JournalVerdict } from '../domain/journal.js'
import { type Runner, rows } from './driver.js'
import { SHARDS } from './schema.js'

export interface VerifyOptions {
  /** Balance rows per page (default 500); entries are read in pages of 5,000. */
  pageSize?: number
  /** Heads a signed checkpoint recorded, per `chainKey`: each chain must pass through its own, and still exist. */
  checkpoint?: Map<string, ChainHead>
}

/** The key of one chain in maps: account and shard. */
export const chainKey = (accountId: string, shard: number) => `${shard}\u0000${accountId}`
const chainOf = (key: string) => {
  const at = key.indexOf('\u0000')
  return { accountId: key.slice(at + 1), shard: Number(key.slice(0, at)) }
}

const ENTRY_PAGE = 5000

interface BalanceRow {
  account_id: string
  shard: number
  head: string | null
  count: string
}

interface EntryRow {
  account_id: string
  shard: number
  seq: string
  transfer_id: string
  amount: string
  balance_after: string | null
  at_us: string
  hash: string | null
}

/** A tenant's entries as the chain reads them, keyset-paged by (account, seq) over the primary key (`e.seq`: the number, not its text). */
const entryPage = (tenantId: string, range: SQL, after: { account: string; seq: string } | null, limit: number) => sql`
  select account_id, shard, seq::text as seq, transfer_id, amount::text as amount, balance_after::text as balance_after,
         (extract(epoch from created_at) * 1000000)::int8::text as at_us, encode(hash, 'hex') as hash
  from tb_entries e
  where tenant_id = ${tenantId} and ${range}
    ${after ? sql`and (e.account_id, e.seq) > (${after.account}, ${after.seq}::int8)` : sql``}
  order by e.account_id, e.seq
  limit ${limit}`

/** Verify every chain of a tenant; stops at the first break (in account order, then entry order). */
export async function verifyJournal(db: Runner, tenantId: string, options: VerifyOptions = {}): Promise<JournalVerdict> {
  // At least one account's rows fit a page.
  const pageSize = Math.max(options.pageSize ?? 500, SHARDS)
  let checked = 0
  let chains = 0
  let afterAccount: string | null = null
  // Chains of the checkpoint whose balance row was seen: one that is gone was removed.
  const marked = new Set<string>()
  for (;;) {
    const page = await db.transaction(async (tx) => {
      // One snapshot per page: balance heads and entries read together agree even while writers go on.
      await tx.execute(sql`set transaction isolation level repeatable read, read only`)
      const balances = await rows<BalanceRow>(
        tx,
        sql`select account_id, shard, encode(chain_head, 'hex') as head, chain_count::text as count
            from tb_balances where tenant_id = ${tenantId} ${afterAccount === null ? sql`` : sql`and account_id > ${afterAccount}`}
            order by account_id, shard limit ${pageSize + 1}`,
      )
      if (balances.length === 0) return null
      // Whole accounts only: the last one may continue past the page.
      const complete = balances.length > pageSize ? balances.filter((b) => b.account_id !== balances[pageSize]?.account_id) : balances
      const rowsOfPage = complete.length > 0 ? complete : balances
      const first = rowsOfPage[0]?.account_id as string
      const last = rowsOfPage[rowsOfPage.length - 1]?.account_id as string
      const recorded = new Map(rowsOfPage.map((b) => [chainKey(b.account_id, Number(b.shard)), { hash: b.head, count: BigInt(b.count) }]))
      const expected = options.checkpoint ?? null
      const walked = new Map<string, ChainHead>()
      // The form of each chain's last entry: the one to try first for the next (see advance).
      const forms = new Map<string, ChainForm>()
      let broken: ChainBreak | undefined
      let seen = 0
      let after: { account: string; seq: string } | null = null
      const range = sql`account_id >= ${first} and account_id <= ${last}`
      walk: for (;;) {
        const entries = await rows<EntryRow>(tx, entryPage(tenantId, range, after, ENTRY_PAGE))
        for (const r of entries) {
          const shard = Number(r.shard)
          const key = chainKey(r.account_id, shard)
          const e: ChainEntry = {
            tenantId,
            accountId: r.account_id,
            shard,
            seq: BigInt(r.seq),
            transferId: r.transfer_id,
            amount: BigInt(r.amount),
            balanceAfter: r.balance_after === null ? null : BigInt(r.balance_after),
            atMicros: BigInt(r.at_us),
            hash: r.hash,
          }
          const step = advance(walked.get(key) ?? GENESIS, e, forms.get(key))
          if ('reason' in step) {
            broken = { accountId: r.account_id, shard, seq: r.seq, reason: step.reason }
            break walk
          }
          walked.set(key, step.head)
          forms.set(key, step.form)
          seen++
          // A checkpoint's head must be on the chain: where the chain had that many entries, it had that hash.
          const mark = expected?.get(key)
          if (mark && mark.count === step.head.count && mark.hash !== step.head.hash) {
            broken = { accountId: r.account_id, shard, seq: r.seq, reason: 'checkpoint' }
            break walk
          }
        }
        if (entries.length < ENTRY_PAGE) break
        const tail = entries[entries.length - 1] as EntryRow
        after = { account: tail.account_id, seq: tail.seq }
      }
      if (!broken) broken = endsOf(rowsOfPage, recorded, walked, expected)
      if (expected) for (const key of recorded.keys()) if (expected.has(key)) marked.add(key)
      return { checked: seen, chains: recorded.size, broken, last }
    })
    if (page === null) break
    checked += page.checked
    chains += page.chains
    if (page.broken) return { ok: false, checked, chains, firstBroken: page.broken }
    afterAccount = page.last
  }
  // Entries outside every balance row (a row deleted, or an entry moved to a shard that has none).
  const [stray] = await rows<{ account_id: string; shard: number; seq: string }>(
    db,
    sql`select e.account_id, e.shard, e.seq::text as seq from tb_entries e
        where e.tenant_id = ${tenantId}
          and not exists (select 1 from tb_balances b where b.tenant_id = e.tenant_id and b.account_id = e.account_id and b.shard = e.shard)
        order by e.account_id, e.seq limit 1`,
  )
  if (stray) {
    return {
      ok: false,
      checked,
      chains,
      firstBroken: { accountId: stray.account_id, shard: Number(stray.shard), seq: stray.seq, reason: 'head' },
    }
  }
  for (const key of options.checkpoint?.keys() ?? []) {
    if (!marked.has(key)) return { ok: false, checked, chains, firstBroken: { ...chainOf(key), seq: null, reason: 'checkpoint' } }
  }
  return { ok: true, checked, chains }
}

/** Where each chain of a page ended, against its balance row's head and the checkpoint's. */
function endsOf(
  balances: BalanceRow[],
  recorded: Map<string, ChainHead>,
  walked: Map<string, ChainHead>,
  expected: Map<string, ChainHead> | null,
): ChainBreak | undefined {
  for (const key of walked.keys()) if (!recorded.has(key)) return { ...chainOf(key), seq: null, reason: 'head' }
  for (const b of balances) {
    const key = chainKey(b.account_id, Number(b.shard))
    const end = walked.get(key) ?? GENESIS
    const head = recorded.get(key) ?? GENESIS
    if (end.hash !== head.hash || end.count !== head.count)
      return { accountId: b.account_id, shard: Number(b.shard), seq: null, reason: 'head' }
    const mark = expected?.get(key)
    if (mark && end.count < mark.count) return { accountId: b.account_id, shard: Number(b.shard), seq: null, reason: 'checkpoint' }
  }
  return undefined
}
