/**
 * The Store over drizzle + PostgreSQL (PGlite or a server). Plain moves (a
 * single earn/transfer/redeem, or a batch of them) go in one round trip through
 * the tb_move SQL function (see move-call.ts), concurrent single ones coalesced.
 * Everything else, and whatever tb_move cannot vouch for, takes the full path:
 * lock every balance row the batch touches in one sorted statement (so writers
 * never deadlock), plan in memory with the pure rules, then write all rows in
 * one statement. Retryable conflicts are retried here.
 */
import { type SQL, sql } from 'drizzle-orm'
import {
  type AccountState,
  type BatchItemResult,
  type BatchResult,
  ErrorCode,
  LedgerError,
  type NewTransferRow,
  type Plan,
  type TransferState,
  formatAmount,
  holdExpired,
  isPlainMove,
  issuanceAccountId,
  planBatch,
  planMoves,
  toTransfer,
} from '../domain/index.js'
import type {
  Account,
  AccountKind,
  AccountStatus,
  Asset,
  AssetTotals,
  Balance,
  Entry,
  Operation,
  Transfer,
  TransferStatus,
} from '../domain/index.js'
import { type Executor, type LedgerDatabase, constraintOf, pgArray, rows, runnerFor, sqlState } from './driver.js'
import { coalesce } from './coalesce.js'
import { type TenantMoves, callMove } from './move-call.js'
import { SHARDS } from './schema.js'
import type { HistoryQuery, NewAccount, Store } from './store.js'

/** Immutable facts about an account, safe to cache: only status and balances change. */
interface AccountMeta {
  asset: string
  kind: AccountKind
  floor: bigint | null
  ceiling: bigint | null
  shards: number
}

interface AccountRow {
  tenant_id: string
  id: string
  asset: string
  owner_type: string
  owner_id: string
  kind: string
  floor: string | null
  ceiling: string | null
  shards: number
  metadata: Record<string, unknown>
  created_at: Date | string
  status: string
}

interface TransferRow {
  tenant_id: string
  id: string
  type: string
  from_account: string
  to_account: string
  asset: string
  amount: string
  pending: boolean
  status: string
  pending_id: string | null
  reverses_id: string | null
  expires_at: Date | string | null
  request_hash: string
  metadata: Record<string, unknown>
  created_at: Date | string
}

const MAX_ATTEMPTS = 12
const CACHE_LIMIT = 200_000

/** Raised inside a transaction to roll it back and retry with the idempotency check on. */
class RetryWithIdempotencyCheck extends Error {}
/** Raised when a concurrent writer changed what the plan relied on. */
class RetryConflict extends Error {}

const toDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v))
const toDateOrNull = (v: Date | string | null): Date | null => (v === null ? null : toDate(v))
const big = (v: string | null): bigint | null => (v === null ? null : BigInt(v))
const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString())

class BoundedCache<V> {
  private map = new Map<string, V>()
  constructor(private readonly limit: number) {}
  get(key: string): V | undefined {
    return this.map.get(key)
  }
  set(key: string, value: V): void {
    if (this.map.size >= this.limit) {
      const oldest = this.map.keys().next()
      if (!oldest.done) this.map.delete(oldest.value)
    }
    this.map.set(key, value)
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Holds still open in storage whose timeout has passed by `now`: released in effect, not yet swept. */
const expiredBy = (now: Date) => sql`status = 'pending' and expires_at <= ${now.toISOString()}::timestamptz`

export interface SqlStoreOptions {
  /** Run statements as prepared statements on postgres.js (default true). */
  prepare?: boolean
  /** Single plain moves sent to storage at once; more concurrent ones wait and go together (default 4; 1 on PGlite). */
  writeConcurrency?: number
}

/** Most moves one coalesced call carries. */
const MAX_GROUP = 1000

export function createSqlStore(database: LedgerDatabase, options: SqlStoreOptions = {}): Store {
  const db = runnerFor(database, options)
  const accountCache = new BoundedCache<AccountMeta>(CACHE_LIMIT)
  const transferSides = new BoundedCache<{ from: string; to: string }>(CACHE_LIMIT)
  const scaleCache = new Map<string, Map<string, number>>()

  const key = (tenantId: string, id: string) => `${tenantId}\u0000${id}`

  async function scalesOf(ex: Executor, tenantId: string, need: Iterable<string> = []): Promise<Map<string, number>> {
    let scales = scaleCache.get(tenantId)
    const missing = scales === undefined || [...need].some((code) => !scales?.has(code))
    if (missing) {
      const list = await rows<{ code: string; scale: number }>(ex, sql`select code, scale from tb_assets where tenant_id = ${tenantId}`)
      scales = new Map(list.map((r) => [r.code, Number(r.scale)]))
      if (scales.size > 0) scaleCache.set(tenantId, scales)
    }
    return scales ?? new Map()
  }

  async function accountMeta(ex: Executor, tenantId: string, ids: Iterable<string>): Promise<Map<string, AccountMeta>> {
    const out = new Map<string, AccountMeta>()
    const missing: string[] = []
    for (const id of ids) {
      const m = accountCache.get(key(tenantId, id))
      if (m) out.set(id, m)
      else missing.push(id)
    }
    if (missing.length > 0) {
      const found = await rows<{
        id: string
        asset: string
        kind: AccountKind
        floor: string | null
        ceiling: string | null
        shards: number
      }>(
        ex,
        sql`select id, asset, kind, floor::text as floor, ceiling::text as ceiling, shards
            from tb_accounts where tenant_id = ${tenantId} and id = any(${pgArray(missing)}::text[])`,
      )
      for (const r of found) {
        const m: AccountMeta = { asset: r.asset, kind: r.kind, floor: big(r.floor), ceiling: big(r.ceiling), shards: Number(r.shards) }
        accountCache.set(key(tenantId, r.id), m)
        out.set(r.id, m)
      }
    }
    return out
  }

  /**
   * The fixed facts a batch needs: its accounts' (with the issuance account of
   * every asset it earns in), the issuance account per asset, and the scales.
   */
  async function factsFor(ex: Executor, tenantId: string, ops: readonly Operation[], accountIds: Iterable<string>) {
    let meta = await accountMeta(ex, tenantId, accountIds)
    const issuanceIds = new Set<string>()
    for (const op of ops) {
      const to = op.type === 'earn' ? meta.get(op.to) : undefined
      if (to) issuanceIds.add(issuanceAccountId(to.asset))
    }
    if (issuanceIds.size > 0) meta = new Map([...meta, ...(await accountMeta(ex, tenantId, issuanceIds))])
    const issuance = new Map<string, string>()
    for (const id of issuanceIds) {
      const m = meta.get(id)
      if (m) issuance.set(m.asset, id)
    }
    const scales = await scalesOf(
      ex,
      tenantId,
      [...meta.values()].map((m) => m.asset),
    )
    return { meta, issuance, scales }
  }

  const accountFromRow = (r: AccountRow, scale: number): Account => ({
    tenantId: r.tenant_id,
    id: r.id,
    asset: r.asset,
    owner: { type: r.owner_type as Account['owner']['type'], id: r.owner_id },
    kind: r.kind as AccountKind,
    floor: r.floor === null ? null : formatAmount(BigInt(r.floor), scale),
    ceiling: r.ceiling === null ? null : formatAmount(BigInt(r.ceiling), scale),
    status: r.status as AccountStatus,
    metadata: r.metadata ?? {},
    createdAt: toDate(r.created_at),
  })

  const effectiveStatus = (r: { status: string; pending: boolean; expires_at: Date | string | null }, now: Date): TransferStatus => {
    const status = r.status as TransferStatus
    return r.pending && holdExpired({ status, expiresAt: toDateOrNull(r.expires_at) }, now) ? 'expired' : status
  }

  const transferFromRow = (r: TransferRow, scale: number, now: Date): Transfer => ({
    tenantId: r.tenant_id,
    id: r.id,
    type: r.type as Transfer['type'],
    from: r.from_account,
    to: r.to_account,
    asset: r.asset,
    amount: formatAmount(BigInt(r.amount), scale),
    status: effectiveStatus(r, now),
    pendingId: r.pending_id,
    reversesId: r.reverses_id,
    expiresAt: toDateOrNull(r.expires_at),
    metadata: r.metadata ?? {},
    createdAt: toDate(r.created_at),
  })

  const transferColumns = sql`tenant_id, id, type, from_account, to_account, asset, amount::text as amount, pending, status,
    pending_id, reverses_id, expires_at, request_hash, metadata, created_at`

  const accountSelect = (tenantId: string) => sql`
    select a.tenant_id, a.id, a.asset, a.owner_type, a.owner_id, a.kind, a.floor::text as floor, a.ceiling::text as ceiling,
           a.shards, a.metadata, a.created_at, b.status
    from tb_accounts a join tb_balances b on b.tenant_id = a.tenant_id and b.account_id = a.id and b.shard = 0
    where a.tenant_id = ${tenantId}`

  /** Read one account with its current status. */
  async function readAccount(ex: Executor, tenantId: string, accountId: string): Promise<Account | null> {
    const [r] = await rows<AccountRow>(ex, sql`${accountSelect(tenantId)} and a.id = ${accountId}`)
    if (!r) return null
    const scales = await scalesOf(ex, tenantId, [r.asset])
    return accountFromRow(r, scales.get(r.asset) ?? 0)
  }

  async function insertAccount(ex: Executor, a: NewAccount, shards: number, now: Date): Promise<boolean> {
    const inserted = await rows<{ id: string }>(
      ex,
      sql`insert into tb_accounts (tenant_id, id, asset, owner_type, owner_id, kind, floor, ceiling, shards, metadata, created_at)
          values (${a.tenantId}, ${a.id}, ${a.asset}, ${a.ownerType}, ${a.ownerId}, ${a.kind},
                  ${a.floor === null ? null : a.floor.toString()}::int8, ${a.ceiling === null ? null : a.ceiling.toString()}::int8,
                  ${shards}, ${JSON.stringify(a.metadata)}::jsonb, ${now.toISOString()}::timestamptz)
          on conflict do nothing returning id`,
    )
    if (inserted.length === 0) return false
    await ex.execute(
      sql`insert into tb_balances (tenant_id, account_id, shard, status)
          select ${a.tenantId}, ${a.id}, s, 'open' from generate_series(0, ${shards - 1}::int) as s`,
    )
    return true
  }

  async function insertAsset(ex: Executor, tenantId: string, asset: { code: string; scale: number; name: string }, now: Date) {
    await ex.execute(
      sql`insert into tb_assets (tenant_id, code, scale, name, created_at)
          values (${tenantId}, ${asset.code}, ${asset.scale}, ${asset.name}, ${now.toISOString()}::timestamptz)`,
    )
    await insertAccount(
      ex,
      {
        tenantId,
        id: issuanceAccountId(asset.code),
        asset: asset.code,
        ownerType: 'system',
        ownerId: tenantId,
        kind: 'issuance',
        floor: null,
        ceiling: null,
        metadata: {},
      },
      SHARDS,
      now,
    )
    scaleCache.delete(tenantId)
  }

  const assetView = (tenantId: string, r: { code: string; scale: number; name: string }): Asset => ({
    tenantId,
    code: r.code,
    scale: Number(r.scale),
    name: r.name,
    issuanceAccountId: issuanceAccountId(r.code),
  })

  /** One account's holds matching `where`: the sums out of it and into it. */
  async function holdSums(ex: Executor, tenantId: string, accountId: string, where: SQL): Promise<{ out: bigint; in: bigint }> {
    const [h] = await rows<{ out: string; in: string }>(
      ex,
      sql`select coalesce(sum(amount) filter (where from_account = ${accountId}), 0)::text as out,
                 coalesce(sum(amount) filter (where to_account = ${accountId}), 0)::text as in
          from tb_transfers
          where tenant_id = ${tenantId} and pending and (from_account = ${accountId} or to_account = ${accountId}) and ${where}`,
    )
    return { out: BigInt(h?.out ?? '0'), in: BigInt(h?.in ?? '0') }
  }

  /** Run `fn` in a transaction, retrying serialization failures and deadlocks with jittered backoff. */
  async function withRetry<T>(fn: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(attempt)
      } catch (e) {
        const state = sqlState(e)
        const retryable = e instanceof RetryConflict || state === '40001' || state === '40P01'
        if (!retryable) throw e
        if (attempt + 1 >= MAX_ATTEMPTS) {
          throw new LedgerError(ErrorCode.CONTENTION, 'storage stayed busy; retry the same request', undefined, { cause: e })
        }
        await sleep(Math.random() * Math.min(100, 2 ** attempt))
      }
    }
  }

  interface LockedRow {
    account_id: string
    shard: number
    status: string
    posted: string
    pending_out: string
    pending_in: string
    last_write_at: Date | string | null
    ctid: string
  }

  /**
   * Lock the balance rows a write touches. Bounded accounts: their one row, in
   * byte order of id (as tb_move), waiting as needed (so writers never deadlock). Hot
   * accounts: any one shard nobody holds (SKIP LOCKED never waits), so
   * concurrent earns spread over the shards instead of queueing on one row;
   * only when every shard is busy does it wait, on a random one.
   */
  async function lockBalances(
    tx: Executor,
    tenantId: string,
    meta: Map<string, AccountMeta>,
  ): Promise<{ locked: LockedRow[]; shardOf: Map<string, number>; rowOf: Map<string, string> }> {
    const bounded: string[] = []
    const hot: string[] = []
    // With one transaction at a time there is no one to spread over: lock a hot account's shard 0 plainly.
    for (const [id, m] of meta) (m.shards > 1 && db.concurrent ? hot : bounded).push(id)
    // Waits for hot shards (below) go in byte order of id, as tb_move's do, so they close no cycle.
    hot.sort()
    const columns = sql`account_id, shard, ctid::text as ctid, status, posted::text as posted,
      pending_out::text as pending_out, pending_in::text as pending_in, last_write_at`
    // One index probe per account, in byte order of id (a filtered scan of the tenant, which the
    // planner picks for a prepared plan, would cost every write the tenant's size).
    const boundedLock = sql`select s.* from (select id from unnest(${pgArray(bounded)}::text[]) as u(id) order by id collate "C") k
      cross join lateral (
        select ${columns} from tb_balances b
        where b.tenant_id = ${tenantId} and b.account_id = k.id and b.shard = 0
        limit 1
        for update
      ) s`
    const offset = Math.floor(Math.random() * SHARDS)
    const hotLock = sql`select s.* from unnest(${pgArray(hot)}::text[]) as h(id)
      cross join lateral (
        select ${columns} from tb_balances b
        where b.tenant_id = ${tenantId} and b.account_id = h.id
        order by (b.shard + ${offset}::int) % ${SHARDS}::int
        limit 1
        for update skip locked
      ) s`
    // The common cases get a plain statement: PGlite plans every statement anew, so shape matters.
    let locked: LockedRow[] = []
    if (hot.length === 0 && bounded.length > 0) locked = await rows<LockedRow>(tx, boundedLock)
    else if (bounded.length === 0 && hot.length > 0) locked = await rows<LockedRow>(tx, hotLock)
    else if (bounded.length > 0) {
      locked = await rows<LockedRow>(
        tx,
        sql`with bounded as (${boundedLock}), hot as (${hotLock}) select * from bounded union all select * from hot`,
      )
    }
    const shardOf = new Map<string, number>()
    for (const r of locked) shardOf.set(r.account_id, Number(r.shard))
    for (const id of hot) {
      if (shardOf.has(id) || !meta.has(id)) continue
      const shard = Math.floor(Math.random() * (meta.get(id)?.shards ?? 1))
      const [r] = await rows<LockedRow>(
        tx,
        sql`select ${columns} from tb_balances where tenant_id = ${tenantId} and account_id = ${id} and shard = ${shard} for update`,
      )
      if (r) {
        locked.push(r)
        shardOf.set(id, shard)
      }
    }
    // Row addresses of what we hold locked: nobody else can move them before we write.
    const rowOf = new Map(locked.map((r) => [r.account_id, r.ctid]))
    return { locked, shardOf, rowOf }
  }

  // ---------------------------------------------------------------- commit

  async function commitOnce(
    tx: Executor,
    tenantId: string,
    ops: Operation[],
    hashes: string[],
    now: Date,
    checkExisting: boolean,
  ): Promise<BatchResult> {
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
    const unknownSides = [...refIds].filter((id) => !transferSides.get(key(tenantId, id)))
    if (unknownSides.length > 0) {
      const found = await rows<{ id: string; from_account: string; to_account: string }>(
        tx,
        sql`select id, from_account, to_account from tb_transfers
            where tenant_id = ${tenantId} and id = any(${pgArray(unknownSides)}::text[])`,
      )
      for (const r of found) transferSides.set(key(tenantId, r.id), { from: r.from_account, to: r.to_account })
    }
    for (const id of refIds) {
      const sides = transferSides.get(key(tenantId, id))
      if (sides) {
        accountIds.add(sides.from)
        accountIds.add(sides.to)
      }
    }
    const { meta, issuance, scales } = await factsFor(tx, tenantId, ops, accountIds)

    const { locked, rowOf } = await lockBalances(tx, tenantId, meta)
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
        floor: m.floor,
        ceiling: m.ceiling,
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

    // Referenced transfers and (when asked) this batch's own ids, read after the locks so they are current.
    const lookIds = [...refIds, ...(checkExisting ? opIds : [])]
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
      const prior = checkExisting ? stored.get(op.id) : undefined
      if (prior) {
        if (prior.request_hash !== hashes[i]) {
          return failed(
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
      // A refusal may be a retry of a request that already succeeded: look before refusing.
      if (!checkExisting) throw new RetryWithIdempotencyCheck()
      return failed(ops.length, freshIndex[outcome.index] ?? 0, outcome.error)
    }
    if (fresh.length > 0) {
      const hashOf = new Map(freshIndex.map((i) => [(ops[i] as Operation).id, hashes[i] as string]))
      await write(tx, tenantId, outcome.plan, hashOf, rowOf, now)
    }
    outcome.plan.transfers.forEach((row, j) => {
      results[freshIndex[j] as number] = {
        ok: true,
        transfer: toTransfer(tenantId, row, scales.get(row.asset) ?? 0, now),
        replayed: false,
      }
    })
    for (const row of outcome.plan.transfers) transferSides.set(key(tenantId, row.id), { from: row.from, to: row.to })
    return { committed: true, results: results as BatchItemResult[] }
  }

  /** One tenant's ops planned as plain moves (see planMoves), or null when they are not all plain moves or the full path must decide. */
  async function planTenantMoves(tenantId: string, ops: Operation[], hashes: string[], now: Date) {
    const ids = new Set<string>()
    for (const op of ops) {
      if (!isPlainMove(op)) return null
      if (op.type !== 'earn') ids.add(op.from)
      ids.add(op.to)
    }
    const { meta, issuance, scales } = await factsFor(db, tenantId, ops, ids)
    const accounts = new Map(
      [...meta].map(([id, m]) => [id, { id, asset: m.asset, kind: m.kind, floor: m.floor, ceiling: m.ceiling, sharded: m.shards > 1 }]),
    )
    const moves = planMoves({ ops, accounts, issuance, scales, now })
    if (!moves) return null
    const hashOf = new Map(ops.map((op, i) => [op.id, hashes[i] ?? '']))
    const part: TenantMoves = { tenantId, moves, hashOf: (id) => hashOf.get(id) ?? '' }
    return { part, scales }
  }

  type Written =
    | { ok: true; results: BatchItemResult[][] }
    | { ok: false; outcome: 'check' | 'missing' | 'exists'; part: number; row: number }
    | null

  /**
   * Write planned moves (of one or several tenants) in one round trip (see
   * move-call.ts): one result list per part; or which move stopped it and why;
   * or null when the full path must decide it all (a data exception such as a
   * balance past int8, a conflict, an id taken concurrently).
   */
  async function writeMoves(planned: { part: TenantMoves; scales: Map<string, number> }[], now: Date): Promise<Written> {
    let outcome: Awaited<ReturnType<typeof callMove>>
    try {
      outcome = await callMove(
        db,
        planned.map((p) => p.part),
        now,
      )
    } catch (e) {
      const state = sqlState(e)
      if (state === '23505' || state?.startsWith('22') || state?.startsWith('40')) return null
      throw e
    }
    if (outcome.outcome !== 'ok') {
      let row = outcome.failed
      for (const [part, p] of planned.entries()) {
        if (row < p.part.moves.rows.length) return { ok: false, outcome: outcome.outcome, part, row }
        row -= p.part.moves.rows.length
      }
      return null
    }
    return {
      ok: true,
      results: planned.map(({ part, scales }) =>
        part.moves.rows.map((row) => {
          transferSides.set(key(part.tenantId, row.id), { from: row.from, to: row.to })
          return { ok: true, transfer: toTransfer(part.tenantId, row, scales.get(row.asset) ?? 0, outcome.at), replayed: false }
        }),
      ),
    }
  }

  /**
   * Plain earns/transfers/redeems of one tenant (one, or an atomic batch) in one
   * round trip. Null when the full path must decide; 'exists' when an id is
   * taken, for the full path to replay or refuse.
   */
  async function movesAtOnce(tenantId: string, ops: Operation[], hashes: string[], now: Date): Promise<BatchResult | 'exists' | null> {
    const planned = await planTenantMoves(tenantId, ops, hashes, now)
    if (!planned) return null
    const written = await writeMoves([planned], now)
    if (written?.ok) return { committed: true, results: written.results[0] ?? [] }
    // An id taken (perhaps concurrently), or anything doubtful: the full path looks with the id check first.
    if (written === null || written.outcome === 'exists') return 'exists'
    return null
  }

  interface Single {
    tenantId: string
    op: Operation
    hash: string
    now: Date
  }

  /**
   * Concurrent single plain moves go to storage together while every write
   * slot is busy: one statement, one commit for the group, whatever their
   * tenants. Each is valid after the ones before it (the guard checks them in
   * order), as if they had arrived in that order. A move that cannot go with
   * the others (refused on its facts, stopped by the guard, its id taken) is set
   * aside with its own answer (null: the full path decides; 'exists') and the
   * rest are sent again, so one request never fails another.
   */
  const single = coalesce<Single, BatchResult | 'exists' | 'alone' | null>(
    async (group) => {
      const out: (BatchResult | 'exists' | 'alone' | null)[] = group.map(() => null)
      let members = group.map((_, i) => i)
      const now = new Date(Math.max(...group.map((g) => g.now.getTime())))
      const plan = (tenantId: string, idx: number[]) =>
        planTenantMoves(
          tenantId,
          idx.map((i) => group[i]?.op as Operation),
          idx.map((i) => group[i]?.hash ?? ''),
          now,
        )
      while (members.length > 0) {
        const byTenant = new Map<string, number[]>()
        for (const i of members) {
          const tenantId = group[i]?.tenantId ?? ''
          byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), i])
        }
        const planned: NonNullable<Awaited<ReturnType<typeof plan>>>[] = []
        const tenantMembers: number[][] = []
        let setAside = false
        for (const [tenantId, idx] of byTenant) {
          const p = await plan(tenantId, idx)
          if (p) {
            planned.push(p)
            tenantMembers.push(idx)
            continue
          }
          // Some move of this tenant cannot go as a plain move: find it (them) and leave them to the full path.
          for (const i of idx) {
            if (idx.length === 1 || !(await plan(tenantId, [i]))) {
              out[i] = null
              members = members.filter((m) => m !== i)
              setAside = true
            }
          }
          if (!setAside) {
            // Their combination failed though none fails alone: each of those left goes alone.
            for (const i of members) out[i] = 'alone'
            return out
          }
        }
        if (setAside) continue
        let written: Written
        try {
          written = await writeMoves(planned, now)
        } catch (e) {
          // Whatever stopped the whole group (a timeout behind one busy account, say) may not stop each alone.
          if (members.length === 1) throw e
          for (const i of members) out[i] = 'alone'
          return out
        }
        if (written === null) {
          // Alone, the full path decides (looking for a taken id first); together, each tries alone.
          for (const i of members) out[i] = members.length === 1 ? 'exists' : 'alone'
          return out
        }
        if (written.ok) {
          for (const [t, idx] of tenantMembers.entries()) {
            for (const [j, i] of idx.entries()) {
              const r = written.results[t]?.[j]
              if (r) out[i] = { committed: true, results: [r] }
            }
          }
          return out
        }
        const failed = tenantMembers[written.part]?.[written.row]
        if (failed === undefined) {
          for (const i of members) out[i] = 'alone'
          return out
        }
        out[failed] = written.outcome === 'exists' ? 'exists' : null
        members = members.filter((m) => m !== failed)
      }
      return out
    },
    { limit: options.writeConcurrency ?? (db.concurrent ? 4 : 1), maxGroup: MAX_GROUP },
  )

  function failed(count: number, index: number, error: LedgerError): BatchResult {
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

  /**
   * Persist a plan in one statement: transfers, entries, balances, resolved holds.
   * Only the parts the plan needs are included; balance rows are addressed by the
   * row ids the lock returned, so the update costs at most a TID lookup per row
   * (or one scan of a small table, where the planner finds that cheaper). A
   * tenant condition would tempt it into scanning the tenant, and adds nothing:
   * we hold these rows. (`ctid = any(…)` as well made each lookup scan the list.)
   */
  async function write(
    tx: Executor,
    tenantId: string,
    plan: Plan,
    hashOf: Map<string, string>,
    rowOf: Map<string, string>,
    now: Date,
  ): Promise<void> {
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
                        ${pgArray(t.map((r) => iso(r.expiresAt)))}::timestamptz[],
                        ${pgArray(t.map((r) => (resolvedHere.has(r.id) ? nowIso : null)))}::timestamptz[],
                        ${pgArray(t.map((r) => hashOf.get(r.id) ?? ''))}::text[],
                        ${pgArray(t.map((r) => JSON.stringify(r.metadata)))}::jsonb[])
              as u(id, type, f, t, asset, amount, pending, status, pending_id, reverses_id, expires_at, resolved_at, hash, metadata)
          )`,
    ]
    if (e.length > 0) {
      parts.push(sql`ins_e as (
            insert into tb_entries (tenant_id, account_id, transfer_id, amount, balance_after, created_at)
            select ${tenantId}, u.a, u.t, u.amount, u.after, ${nowIso}::timestamptz
            from unnest(${pgArray(e.map((x) => x.accountId))}::text[], ${pgArray(e.map((x) => x.transferId))}::text[],
                        ${pgArray(e.map((x) => x.amount))}::int8[], ${pgArray(e.map((x) => x.balanceAfter))}::int8[])
              as u(a, t, amount, after)
          )`)
    }
    if (b.length > 0) {
      parts.push(sql`upd_b as (
            update tb_balances b
               set posted = case when u.sharded then b.posted + u.posted else u.posted end,
                   pending_out = case when u.sharded then b.pending_out + u.pending_out else u.pending_out end,
                   pending_in = case when u.sharded then b.pending_in + u.pending_in else u.pending_in end,
                   last_write_at = ${nowIso}::timestamptz
            from unnest(${pgArray(b.map((w) => rowOf.get(w.accountId) ?? null))}::tid[], ${pgArray(b.map((w) => w.accountId))}::text[],
                        ${pgArray(b.map((w) => w.sharded))}::bool[], ${pgArray(b.map((w) => w.posted))}::int8[],
                        ${pgArray(b.map((w) => w.pendingOut))}::int8[], ${pgArray(b.map((w) => w.pendingIn))}::int8[])
              as u(row_id, a, sharded, posted, pending_out, pending_in)
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

  // ---------------------------------------------------------------- store

  return {
    async createTenant(tenant, assetList, now) {
      try {
        return await db.transaction(async (tx) => {
          const inserted = await rows<{ id: string; name: string; created_at: Date | string }>(
            tx,
            sql`insert into tb_tenants (id, name, created_at) values (${tenant.id}, ${tenant.name}, ${now.toISOString()}::timestamptz)
                on conflict do nothing returning id, name, created_at`,
          )
          const row = inserted[0]
          if (!row) throw new LedgerError(ErrorCode.TENANT_EXISTS, `tenant ${tenant.id} exists`, { tenantId: tenant.id })
          for (const a of assetList) await insertAsset(tx, tenant.id, a, now)
          return { id: row.id, name: row.name, createdAt: toDate(row.created_at) }
        })
      } catch (e) {
        if (sqlState(e) === '23505') throw new LedgerError(ErrorCode.TENANT_EXISTS, `tenant ${tenant.id} exists`, { tenantId: tenant.id })
        throw e
      }
    },

    async getTenant(tenantId) {
      const [r] = await rows<{ id: string; name: string; created_at: Date | string }>(
        db,
        sql`select id, name, created_at from tb_tenants where id = ${tenantId}`,
      )
      return r ? { id: r.id, name: r.name, createdAt: toDate(r.created_at) } : null
    },

    async defineAsset(tenantId, asset, now) {
      try {
        return await db.transaction(async (tx) => {
          const [tenant] = await rows<{ id: string }>(tx, sql`select id from tb_tenants where id = ${tenantId} for share`)
          if (!tenant) throw new LedgerError(ErrorCode.TENANT_NOT_FOUND, `tenant ${tenantId} not found`, { tenantId })
          const [exists] = await rows<{ code: string }>(
            tx,
            sql`select code from tb_assets where tenant_id = ${tenantId} and code = ${asset.code}`,
          )
          if (exists) throw new LedgerError(ErrorCode.ASSET_EXISTS, `asset ${asset.code} exists`, { asset: asset.code })
          await insertAsset(tx, tenantId, asset, now)
          return assetView(tenantId, asset)
        })
      } catch (e) {
        if (sqlState(e) === '23505') throw new LedgerError(ErrorCode.ASSET_EXISTS, `asset ${asset.code} exists`, { asset: asset.code })
        throw e
      }
    },

    async listAssets(tenantId) {
      const list = await rows<{ code: string; scale: number; name: string }>(
        db,
        sql`select code, scale, name from tb_assets where tenant_id = ${tenantId} order by code`,
      )
      return list.map((r) => assetView(tenantId, r))
    },

    async assetScale(tenantId, code) {
      return (await scalesOf(db, tenantId, [code])).get(code) ?? null
    },

    async openAccount(account, now) {
      const shards = account.floor === null && account.ceiling === null ? SHARDS : 1
      const created = await db.transaction((tx) => insertAccount(tx, account, shards, now))
      const stored = await readAccount(db, account.tenantId, account.id)
      if (!stored) throw new Error(`account ${account.id} vanished after insert`)
      return { account: stored, created }
    },

    getAccount: (tenantId, accountId) => readAccount(db, tenantId, accountId),

    async listAccounts(tenantId, owner, after, limit) {
      const found = await rows<AccountRow>(
        db,
        sql`${accountSelect(tenantId)}
            ${owner ? sql`and a.owner_type = ${owner.type} and a.owner_id = ${owner.id}` : sql``}
            ${after ? sql`and a.id > ${after}` : sql``}
            order by a.id limit ${limit}`,
      )
      const scales = await scalesOf(
        db,
        tenantId,
        found.map((r) => r.asset),
      )
      return found.map((r) => accountFromRow(r, scales.get(r.asset) ?? 0))
    },

    async setAccountStatus(tenantId, accountId, status, now) {
      return withRetry(() =>
        db.transaction(async (tx) => {
          const locked = await rows<{ status: string; posted: string; pending_out: string; pending_in: string }>(
            tx,
            sql`select status, posted::text as posted, pending_out::text as pending_out, pending_in::text as pending_in
                from tb_balances where tenant_id = ${tenantId} and account_id = ${accountId}
                order by shard for update`,
          )
          const first = locked[0]
          if (!first) throw new LedgerError(ErrorCode.ACCOUNT_NOT_FOUND, `account ${accountId} not found`, { accountId })
          if (first.status === 'closed' && status !== 'closed') {
            throw new LedgerError(ErrorCode.ACCOUNT_CLOSED, `account ${accountId} is closed for good`, { accountId })
          }
          if (status === 'closed' && first.status !== 'closed') {
            const sum = (f: 'posted' | 'pending_out' | 'pending_in') => locked.reduce((s, r) => s + BigInt(r[f]), 0n)
            let held = sum('pending_out') + sum('pending_in')
            if (held !== 0n) {
              const expired = await holdSums(tx, tenantId, accountId, expiredBy(now))
              held -= expired.out + expired.in
            }
            if (sum('posted') !== 0n || held !== 0n) {
              throw new LedgerError(
                ErrorCode.ACCOUNT_NOT_EMPTY,
                `account ${accountId} must have a zero balance and no open holds to close`,
                {
                  accountId,
                },
              )
            }
          }
          await tx.execute(sql`update tb_balances set status = ${status} where tenant_id = ${tenantId} and account_id = ${accountId}`)
          return (await readAccount(tx, tenantId, accountId)) as Account
        }),
      )
    },

    async commit(tenantId, ops, hashes, now) {
      let checkExisting = false
      const [op] = ops
      let once =
        op && ops.length === 1 && isPlainMove(op)
          ? await single({ tenantId, op, hash: hashes[0] ?? '', now })
          : await movesAtOnce(tenantId, ops, hashes, now)
      if (once === 'alone') once = await movesAtOnce(tenantId, ops, hashes, now)
      if (once === 'exists') checkExisting = true
      else if (once !== null) return once
      return withRetry(async () => {
        try {
          return await db.transaction((tx) => commitOnce(tx, tenantId, ops, hashes, now, checkExisting))
        } catch (e) {
          const state = sqlState(e)
          if (
            e instanceof RetryWithIdempotencyCheck ||
            (state === '23505' && (constraintOf(e) ?? 'tb_transfers_tenant_id_id_pk') === 'tb_transfers_tenant_id_id_pk')
          ) {
            // Someone committed one of these ids first: look again, as a replay or a conflict.
            checkExisting = true
            throw new RetryConflict()
          }
          if (state === '22003') {
            throw new LedgerError(ErrorCode.BALANCE_OVERFLOW, 'a balance would leave the range the ledger can hold', undefined, {
              cause: e,
            })
          }
          throw e
        }
      })
    },

    async balance(tenantId, accountId, now, at) {
      const [b] = await rows<{ asset: string; shards: number; posted: string; pending_out: string; pending_in: string }>(
        db,
        sql`select a.asset, a.shards, sum(b.posted)::text as posted, sum(b.pending_out)::text as pending_out, sum(b.pending_in)::text as pending_in
            from tb_accounts a join tb_balances b on b.tenant_id = a.tenant_id and b.account_id = a.id
            where a.tenant_id = ${tenantId} and a.id = ${accountId}
            group by a.asset, a.shards`,
      )
      if (!b) return null
      const scale = (await scalesOf(db, tenantId, [b.asset])).get(b.asset) ?? 0
      let posted = BigInt(b.posted)
      let pendingOut = BigInt(b.pending_out)
      let pendingIn = BigInt(b.pending_in)
      const instant = at ?? now
      if (at !== null) {
        // As of a past instant: posted from the entries, holds that were open then.
        if (Number(b.shards) > 1) {
          const [s] = await rows<{ total: string }>(
            db,
            sql`select coalesce(sum(amount), 0)::text as total from tb_entries
                where tenant_id = ${tenantId} and account_id = ${accountId} and created_at <= ${at.toISOString()}::timestamptz`,
          )
          posted = BigInt(s?.total ?? '0')
        } else {
          const [e] = await rows<{ balance_after: string }>(
            db,
            sql`select balance_after::text as balance_after from tb_entries
                where tenant_id = ${tenantId} and account_id = ${accountId} and created_at <= ${at.toISOString()}::timestamptz
                order by created_at desc, seq desc limit 1`,
          )
          posted = BigInt(e?.balance_after ?? '0')
        }
        const atIso = at.toISOString()
        const open = await holdSums(
          db,
          tenantId,
          accountId,
          sql`created_at <= ${atIso}::timestamptz
            and (resolved_at is null or resolved_at > ${atIso}::timestamptz)
            and (expires_at is null or expires_at > ${atIso}::timestamptz)`,
        )
        pendingOut = open.out
        pendingIn = open.in
      } else if (pendingOut !== 0n || pendingIn !== 0n) {
        const expired = await holdSums(db, tenantId, accountId, expiredBy(now))
        pendingOut -= expired.out
        pendingIn -= expired.in
      }
      return {
        tenantId,
        accountId,
        asset: b.asset,
        posted: formatAmount(posted, scale),
        pendingDebits: formatAmount(pendingOut, scale),
        pendingCredits: formatAmount(pendingIn, scale),
        available: formatAmount(posted - pendingOut, scale),
        at: instant,
      } satisfies Balance
    },

    async history(q: HistoryQuery) {
      const account = await readAccount(db, q.tenantId, q.accountId)
      if (!account) return null
      const scale = (await scalesOf(db, q.tenantId, [account.asset])).get(account.asset) ?? 0
      const found = await rows<{
        seq: string
        transfer_id: string
        amount: string
        balance_after: string | null
        created_at: Date | string
        type: string
        from_account: string
        to_account: string
      }>(
        db,
        sql`select e.seq::text as seq, e.transfer_id, e.amount::text as amount, e.balance_after::text as balance_after, e.created_at,
                   t.type, t.from_account, t.to_account
            from tb_entries e join tb_transfers t on t.tenant_id = e.tenant_id and t.id = e.transfer_id
            where e.tenant_id = ${q.tenantId} and e.account_id = ${q.accountId}
              ${q.beforeSeq !== null ? sql`and e.seq < ${q.beforeSeq.toString()}::int8` : sql``}
              ${q.from !== null ? sql`and e.created_at >= ${q.from.toISOString()}::timestamptz` : sql``}
              ${q.to !== null ? sql`and e.created_at < ${q.to.toISOString()}::timestamptz` : sql``}
            order by e.seq desc
            limit ${q.limit + 1}`,
      )
      const page = found.slice(0, q.limit)
      const entries: Entry[] = page.map((r) => {
        const amount = BigInt(r.amount)
        return {
          seq: r.seq,
          transferId: r.transfer_id,
          accountId: q.accountId,
          type: r.type as Entry['type'],
          counterparty: amount > 0n ? r.from_account : r.to_account,
          amount: formatAmount(amount, scale),
          balanceAfter: r.balance_after === null ? null : formatAmount(BigInt(r.balance_after), scale),
          createdAt: toDate(r.created_at),
        }
      })
      const last = page[page.length - 1]
      return { entries, nextCursor: found.length > q.limit && last ? last.seq : null }
    },

    async getTransfer(tenantId, transferId, now) {
      const [r] = await rows<TransferRow>(
        db,
        sql`select ${transferColumns} from tb_transfers where tenant_id = ${tenantId} and id = ${transferId}`,
      )
      if (!r) return null
      const scale = (await scalesOf(db, tenantId, [r.asset])).get(r.asset) ?? 0
      return transferFromRow(r, scale, now)
    },

    async totals(tenantId, now) {
      const found = await rows<{ asset: string; kind: string; posted: string; pending: string }>(
        db,
        sql`select a.asset, a.kind, sum(b.posted)::text as posted, sum(b.pending_out)::text as pending
            from tb_accounts a join tb_balances b on b.tenant_id = a.tenant_id and b.account_id = a.id
            where a.tenant_id = ${tenantId}
            group by a.asset, a.kind
            order by a.asset, a.kind`,
      )
      // Holds past their timeout release nothing until swept, but no longer count as pending.
      const expired = await rows<{ asset: string; amount: string }>(
        db,
        sql`select asset, sum(amount)::text as amount from tb_transfers
            where tenant_id = ${tenantId} and pending and ${expiredBy(now)}
            group by asset`,
      )
      const scales = await scalesOf(db, tenantId)
      const out = new Map<string, { total: bigint; pending: bigint; byKind: Record<string, bigint> }>()
      for (const code of scales.keys()) out.set(code, { total: 0n, pending: 0n, byKind: {} })
      for (const r of found) {
        const t = out.get(r.asset) ?? { total: 0n, pending: 0n, byKind: {} }
        t.total += BigInt(r.posted)
        t.pending += BigInt(r.pending)
        t.byKind[r.kind] = (t.byKind[r.kind] ?? 0n) + BigInt(r.posted)
        out.set(r.asset, t)
      }
      for (const e of expired) {
        const t = out.get(e.asset)
        if (t) t.pending -= BigInt(e.amount)
      }
      return [...out.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([asset, t]): AssetTotals => {
          const scale = scales.get(asset) ?? 0
          return {
            asset,
            scale,
            total: formatAmount(t.total, scale),
            pending: formatAmount(t.pending, scale),
            byKind: Object.fromEntries(Object.entries(t.byKind).map(([k, v]) => [k, formatAmount(v, scale)])),
          }
        })
    },

    async expireHolds(tenantId, now, limit) {
      const due = await rows<{ tenant_id: string; id: string; from_account: string; to_account: string }>(
        db,
        sql`select tenant_id, id, from_account, to_account from tb_transfers
            where pending and ${expiredBy(now)}
              ${tenantId !== null ? sql`and tenant_id = ${tenantId}` : sql``}
            order by tenant_id, expires_at limit ${limit}`,
      )
      let released = 0
      const byTenant = new Map<string, typeof due>()
      for (const h of due) byTenant.set(h.tenant_id, [...(byTenant.get(h.tenant_id) ?? []), h])
      for (const [tenant, holds] of byTenant) {
        // Small groups keep each transaction short; locks are taken in the same sorted order as writers.
        for (let i = 0; i < holds.length; i += 100) {
          const group = holds.slice(i, i + 100)
          released += await withRetry(() =>
            db.transaction(async (tx) => {
              const ids = new Set<string>()
              for (const h of group) {
                ids.add(h.from_account)
                ids.add(h.to_account)
              }
              const meta = await accountMeta(tx, tenant, ids)
              const { shardOf } = await lockBalances(tx, tenant, meta)
              const lockIds = [...shardOf.keys()]
              const expired = await rows<{ id: string; from_account: string; to_account: string; amount: string }>(
                tx,
                sql`update tb_transfers set status = 'expired', resolved_at = expires_at
                    where tenant_id = ${tenant} and id = any(${pgArray(group.map((h) => h.id))}::text[])
                      and ${expiredBy(now)}
                    returning id, from_account, to_account, amount::text as amount`,
              )
              const out = new Map<string, bigint>()
              const inn = new Map<string, bigint>()
              for (const h of expired) {
                out.set(h.from_account, (out.get(h.from_account) ?? 0n) + BigInt(h.amount))
                inn.set(h.to_account, (inn.get(h.to_account) ?? 0n) + BigInt(h.amount))
              }
              for (const id of lockIds) {
                const o = out.get(id) ?? 0n
                const n = inn.get(id) ?? 0n
                if (o === 0n && n === 0n) continue
                await tx.execute(
                  sql`update tb_balances set pending_out = pending_out - ${o.toString()}::int8, pending_in = pending_in - ${n.toString()}::int8
                      where tenant_id = ${tenant} and account_id = ${id} and shard = ${shardOf.get(id) ?? 0}`,
                )
              }
              return expired.length
            }),
          )
        }
      }
      return released
    },
  }
}
