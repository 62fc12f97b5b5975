/**
 * The full write path, for any atomic batch: lock every balance row it
 * touches (see locks.ts), read the holds and transfers it refers to, plan it
 * in memory with the pure rules (planBatch), and write every row in one
 * statement. Whether an id is taken (a replay or a conflict) is decided in the
 * same transaction. Run inside a transaction; the caller retries conflicts.
 *
 * @example
 * await withRetry(() => db.transaction((tx) => commitOnce(tx, ctx, { tenantId, ops, hashes, now })))
 */
import { sql } from 'drizzle-orm'
import {
  type AccountState,
  type AccountStatus,
  type BatchItemResult,
  type BatchResult,
  ErrorCode,
  LedgerError,
  type NewTransferRow,
  type Operation,
  type Plan,
  type TransferState,
  type TransferStatus,
  planBatch,
  sameRequest,
  toTransfer,
} from '../domain/index.js'
import { type ChainHead, GENESIS, entryHash } from '../domain/chain.js'
import { type Executor, pgArray, rows } from './driver.js'
import type { AccountMeta, Facts } from './facts.js'
import { expiredBy } from './holds.js'
import { lockBalances } from './locks.js'
import { RetryConflict } from './retry.js'
import { type TransferRow, bigOrNull, isoOrNull, toDate, toDateOrNull, transferColumns, transferFromRow } from './rows.js'

export interface FullPathContext {
  facts: Facts
  /** False when storage runs one transaction at a time (PGlite). */
  concurrent: boolean
}

export interface CommitRequest {
  tenantId: string
  ops: Operation[]
  hashes: string[]
  now: Date
}

/** A refused batch: the failing item's error, LINKED_EVENT_FAILED for the others. */
export function failedBatch(count: number, index: number, error: LedgerError): BatchResult {
  const results: BatchItemResult[] = []
  for (let i = 0; i < count; i++) {
    results.push(
      i === index
        ? { ok: false, error: error.toJSON() }
        : { ok: false, error: { code: ErrorCode.LINKED_EVENT_FAILED, message: `item ${index} of the batch failed` } },
    )
  }
  return { committed: false, results }
}

export async function commitOnce(tx: Executor, ctx: FullPathContext, request: CommitRequest): Promise<BatchResult> {
  const { tenantId, ops, hashes } = request
  let { now } = request
  const opIds = new Set(ops.map((o) => o.id))
  const refIds = new Set<string>()
  for (const op of ops) {
    if (op.type === 'post' || op.type === 'void') refIds.add(op.pendingId)
    else if (op.type === 'reverse') refIds.add(op.transferId)
  }

  // Which accounts the batch touches: named ones, the sides of referenced transfers, issuance for earns.
  const accountIds = new Set<string>()
  for (const op of ops) {
    if (op.type === 'earn') accountIds.add(op.to)
    else if (op.type === 'transfer' || op.type === 'redeem') {
      accountIds.add(op.from)
      accountIds.add(op.to)
    }
  }
  for (const sides of (await ctx.facts.sidesOf(tx, tenantId, refIds)).values()) {
    accountIds.add(sides.from)
    accountIds.add(sides.to)
  }
  const { meta, issuance, scales } = await ctx.facts.forBatch(tx, tenantId, ops, accountIds)

  const { locked, rowOf, shardOf } = await lockBalances(tx, tenantId, meta, ctx.concurrent)
  // Never stamp a write before the last one on the same bounded account (clocks of several
  // processes may disagree), so "balance as of t" read from running balances stays exact.
  for (const r of locked) {
    if (r.last_write_at !== null && Number(r.shard) === 0 && (meta.get(r.account_id)?.shards ?? 1) === 1) {
      const last = toDate(r.last_write_at)
      if (last.getTime() > now.getTime()) now = last
    }
  }
  const states = new Map<string, AccountState>()
  for (const r of locked) {
    const m = meta.get(r.account_id) as AccountMeta
    states.set(r.account_id, {
      id: r.account_id,
      asset: m.asset,
      kind: m.kind,
      // Limits as locked, never from memory: a change is seen by the next writer whatever the process.
      floor: bigOrNull(r.floor),
      ceiling: bigOrNull(r.ceiling),
      status: r.status as AccountStatus,
      sharded: m.shards > 1,
      posted: BigInt(r.posted),
      pendingOut: BigInt(r.pending_out),
      pendingIn: BigInt(r.pending_in),
      expiredOut: 0n,
      expiredIn: 0n,
    })
  }

  // Holds past their timeout stop reserving funds even before the sweep releases them.
  const withHolds = [...states.values()].filter((s) => !s.sharded && (s.pendingOut !== 0n || s.pendingIn !== 0n)).map((s) => s.id)
  if (withHolds.length > 0) {
    const expired = await rows<{ from_account: string; to_account: string; amount: string }>(
      tx,
      sql`select from_account, to_account, amount::text as amount from tb_transfers
          where tenant_id = ${tenantId} and pending and ${expiredBy(now)}
            and (from_account = any(${pgArray(withHolds)}::text[]) or to_account = any(${pgArray(withHolds)}::text[]))`,
    )
    for (const h of expired) {
      const from = states.get(h.from_account)
      const to = states.get(h.to_account)
      if (from && !from.sharded) from.expiredOut += BigInt(h.amount)
      if (to && !to.sharded) to.expiredIn += BigInt(h.amount)
    }
  }

  // Referenced transfers and this batch's own ids (a replay or a conflict), read after the locks so they are current.
  const lookIds = [...refIds, ...opIds]
  const stored = new Map<string, TransferRow & { reversed: string }>()
  if (lookIds.length > 0) {
    const found = await rows<TransferRow & { reversed: string }>(
      tx,
      sql`select ${transferColumns},
                 (select coalesce(sum(r.amount), 0)::text from tb_transfers r
                   where r.tenant_id = t.tenant_id and r.reverses_id = t.id) as reversed
          from tb_transfers t
          where tenant_id = ${tenantId} and id = any(${pgArray(lookIds)}::text[])
          order by id
          for update of t`,
    )
    for (const r of found) stored.set(r.id, r)
  }

  // Replays return the original; the same id with another request is a conflict.
  const results: (BatchItemResult | null)[] = ops.map(() => null)
  const fresh: Operation[] = []
  const freshIndex: number[] = []
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as Operation
    const prior = stored.get(op.id)
    if (prior) {
      if (!sameRequest(prior.request_hash, hashes[i] ?? '')) {
        return failedBatch(
          ops.length,
          i,
          new LedgerError(ErrorCode.IDEMPOTENCY_CONFLICT, `id ${op.id} was used for a different request`, { id: op.id }),
        )
      }
      results[i] = { ok: true, transfer: transferFromRow(prior, scales.get(prior.asset) ?? 0, now), replayed: true }
    } else {
      fresh.push(op)
      freshIndex.push(i)
    }
  }

  const refStates = new Map<string, TransferState>()
  for (const id of refIds) {
    const r = stored.get(id)
    if (!r) continue
    refStates.set(id, {
      id: r.id,
      type: r.type as TransferState['type'],
      from: r.from_account,
      to: r.to_account,
      asset: r.asset,
      amount: BigInt(r.amount),
      pending: r.pending,
      status: r.status as TransferStatus,
      expiresAt: toDateOrNull(r.expires_at),
      reversed: BigInt(r.reversed),
    })
  }
  const outcome = planBatch({ ops: fresh, accounts: states, transfers: refStates, issuance, scales, now })
  if (!outcome.ok) {
    return failedBatch(ops.length, freshIndex[outcome.index] ?? 0, outcome.error)
  }
  if (fresh.length > 0) {
    const hashOf = new Map(freshIndex.map((i) => [(ops[i] as Operation).id, hashes[i] as string]))
    const chains = new Map(locked.map((r) => [r.account_id, { hash: r.chain_head, count: BigInt(r.chain_count) }]))
    await writePlan(tx, tenantId, outcome.plan, hashOf, { rowOf, shardOf, chains }, now)
  }
  outcome.plan.transfers.forEach((row, j) => {
    results[freshIndex[j] as number] = {
      ok: true,
      transfer: toTransfer(tenantId, row, scales.get(row.asset) ?? 0, now),
      replayed: false,
    }
  })
  ctx.facts.rememberSides(tenantId, outcome.plan.transfers)
  return { committed: true, results: results as BatchItemResult[] }
}

/** The balance rows a plan writes, as locked: where each is, which shard, and its entry chain's head. */
interface LockedRows {
  rowOf: Map<string, string>
  shardOf: Map<string, number>
  chains: Map<string, ChainHead>
}

/** Each entry's shard and chain hash, in plan order, and every touched row's new head (domain/chain.ts). */
function chainEntries(tenantId: string, entries: Plan['entries'], locked: LockedRows, now: Date) {
  const atMicros = BigInt(now.getTime()) * 1000n
  const heads = new Map(locked.chains)
  const chained = entries.map((e) => {
    const shard = locked.shardOf.get(e.accountId) ?? 0
    const head = heads.get(e.accountId) ?? GENESIS
    const hash = entryHash(
      { tenantId, accountId: e.accountId, shard, transferId: e.transferId, amount: e.amount, balanceAfter: e.balanceAfter, atMicros },
      head.hash,
    )
    heads.set(e.accountId, { hash, count: head.count + 1n })
    return { shard, hash }
  })
  return { chained, heads }
}

/**
 * Persist a plan in one statement: transfers, entries, balances, resolved holds.
 * Only the parts the plan needs are included; balance rows are addressed by the
 * row ids the lock returned, so the update costs at most a TID lookup per row
 * (or one scan of a small table, where the planner finds that cheaper). A
 * tenant condition would tempt it into scanning the tenant, and adds nothing:
 * we hold these rows. (`ctid = any(…)` as well made each lookup scan the list.)
 */
async function writePlan(
  tx: Executor,
  tenantId: string,
  plan: Plan,
  hashOf: Map<string, string>,
  locked: LockedRows,
  now: Date,
): Promise<void> {
  const { rowOf } = locked
  const t = plan.transfers
  // A hold created and resolved in the same batch is inserted already resolved.
  const resolvedHere = new Map<string, TransferStatus>()
  const newIds = new Set(t.map((r) => r.id))
  const holdUpdates = plan.holds.filter((h) => {
    if (newIds.has(h.id)) {
      resolvedHere.set(h.id, h.status)
      return false
    }
    return true
  })
  const status = (r: NewTransferRow) => resolvedHere.get(r.id) ?? r.status
  const nowIso = now.toISOString()
  const b = plan.balances
  const e = plan.entries
  const { chained, heads } = chainEntries(tenantId, e, locked, now)
  const parts = [
    sql`ins_t as (
          insert into tb_transfers (tenant_id, id, type, from_account, to_account, asset, amount, pending, status,
                                    pending_id, reverses_id, expires_at, resolved_at, request_hash, metadata, created_at)
          select ${tenantId}, u.id, u.type, u.f, u.t, u.asset, u.amount, u.pending, u.status,
                 u.pending_id, u.reverses_id, u.expires_at, u.resolved_at, u.hash, u.metadata, ${nowIso}::timestamptz
          from unnest(${pgArray(t.map((r) => r.id))}::text[], ${pgArray(t.map((r) => r.type))}::text[],
                      ${pgArray(t.map((r) => r.from))}::text[], ${pgArray(t.map((r) => r.to))}::text[],
                      ${pgArray(t.map((r) => r.asset))}::text[], ${pgArray(t.map((r) => r.amount))}::int8[],
                      ${pgArray(t.map((r) => r.pending))}::bool[], ${pgArray(t.map(status))}::text[],
                      ${pgArray(t.map((r) => r.pendingId))}::text[], ${pgArray(t.map((r) => r.reversesId))}::text[],
                      ${pgArray(t.map((r) => isoOrNull(r.expiresAt)))}::timestamptz[],
                      ${pgArray(t.map((r) => (resolvedHere.has(r.id) ? nowIso : null)))}::timestamptz[],
                      ${pgArray(t.map((r) => hashOf.get(r.id) ?? ''))}::text[],
                      ${pgArray(t.map((r) => JSON.stringify(r.metadata)))}::jsonb[])
            as u(id, type, f, t, asset, amount, pending, status, pending_id, reverses_id, expires_at, resolved_at, hash, metadata)
        )`,
  ]
  if (e.length > 0) {
    parts.push(sql`ins_e as (
          insert into tb_entries (tenant_id, account_id, transfer_id, amount, balance_after, created_at, shard, hash)
          select ${tenantId}, u.a, u.t, u.amount, u.after, ${nowIso}::timestamptz, u.shard, decode(u.hash, 'hex')
          from unnest(${pgArray(e.map((x) => x.accountId))}::text[], ${pgArray(e.map((x) => x.transferId))}::text[],
                      ${pgArray(e.map((x) => x.amount))}::int8[], ${pgArray(e.map((x) => x.balanceAfter))}::int8[],
                      ${pgArray(chained.map((x) => x.shard))}::int2[], ${pgArray(chained.map((x) => x.hash))}::text[])
            with ordinality as u(a, t, amount, after, shard, hash, n)
          order by u.n
        )`)
  }
  if (b.length > 0) {
    parts.push(sql`upd_b as (
          update tb_balances b
             set posted = case when u.sharded then b.posted + u.posted else u.posted end,
                 pending_out = case when u.sharded then b.pending_out + u.pending_out else u.pending_out end,
                 pending_in = case when u.sharded then b.pending_in + u.pending_in else u.pending_in end,
                 last_write_at = ${nowIso}::timestamptz,
                 chain_head = decode(u.head, 'hex'), chain_count = u.chain_count
          from unnest(${pgArray(b.map((w) => rowOf.get(w.accountId) ?? null))}::tid[], ${pgArray(b.map((w) => w.accountId))}::text[],
                      ${pgArray(b.map((w) => w.sharded))}::bool[], ${pgArray(b.map((w) => w.posted))}::int8[],
                      ${pgArray(b.map((w) => w.pendingOut))}::int8[], ${pgArray(b.map((w) => w.pendingIn))}::int8[],
                      ${pgArray(b.map((w) => heads.get(w.accountId)?.hash ?? null))}::text[],
                      ${pgArray(b.map((w) => heads.get(w.accountId)?.count ?? 0n))}::int8[])
            as u(row_id, a, sharded, posted, pending_out, pending_in, head, chain_count)
          where b.ctid = u.row_id and b.account_id = u.a
          returning 1
        )`)
  }
  if (holdUpdates.length > 0) {
    parts.push(sql`upd_h as (
          update tb_transfers h set status = u.status, resolved_at = ${nowIso}::timestamptz
          from unnest(${pgArray(holdUpdates.map((x) => x.id))}::text[], ${pgArray(holdUpdates.map((x) => x.status))}::text[]) as u(id, status)
          where h.tenant_id = ${tenantId} and h.id = u.id and h.status = 'pending'
          returning 1
        )`)
  }
  const counts = sql`select ${b.length > 0 ? sql`(select count(*) from upd_b)` : sql`0`} as b,
                            ${holdUpdates.length > 0 ? sql`(select count(*) from upd_h)` : sql`0`} as h`
  const [result] = await rows<{ b: number | string; h: number | string }>(tx, sql`with ${sql.join(parts, sql`, `)} ${counts}`)
  // Fewer rows than planned means a concurrent writer got there first: start over.
  if (!result || Number(result.b) !== b.length || Number(result.h) !== holdUpdates.length) throw new RetryConflict()
}
