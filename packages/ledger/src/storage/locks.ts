/**
 * Locking the balance rows a write touches, the same way on every path, so
 * writers never wait on each other in a cycle:
 * - bounded accounts: their one row, one index probe each, in byte order of id
 *   (as tb_move), waiting as needed;
 * - unbounded (hot) accounts: any one shard nobody holds (SKIP LOCKED never
 *   waits), so concurrent earns spread over the shards instead of queueing on
 *   one row; only when every shard is busy does it wait, on a random one, in
 *   byte order of id too.
 *
 * @example
 * const { locked, rowOf } = await lockBalances(tx, tenantId, meta, db.concurrent)
 */
import { sql } from 'drizzle-orm'
import { type Executor, pgArray, rows } from './driver.js'
import type { AccountMeta } from './facts.js'
import { SHARDS } from './schema.js'

export interface LockedRow {
  account_id: string
  shard: number
  status: string
  posted: string
  pending_out: string
  pending_in: string
  last_write_at: Date | string | null
  ctid: string
  /** The row's entry chain (domain/chain.ts): head hash as hex (null before the first entry), length. */
  chain_head: string | null
  chain_count: string
  /** The limits in force, read under this lock (changeLimits writes them under it). */
  floor: string | null
  ceiling: string | null
}

export interface Locked {
  locked: LockedRow[]
  /** The shard locked per account. */
  shardOf: Map<string, number>
  /** The address (ctid) of each locked row: nobody else can move it before we write. */
  rowOf: Map<string, string>
}

/**
 * Lock the balance rows of every account in `meta`. `concurrent` is false when
 * storage runs one transaction at a time (PGlite): there is nobody to spread
 * over, so a hot account's shard 0 is locked plainly.
 */
export async function lockBalances(tx: Executor, tenantId: string, meta: Map<string, AccountMeta>, concurrent: boolean): Promise<Locked> {
  const bounded: string[] = []
  const hot: string[] = []
  for (const [id, m] of meta) (m.shards > 1 && concurrent ? hot : bounded).push(id)
  hot.sort()
  const columns = sql`account_id, shard, ctid::text as ctid, status, posted::text as posted,
      pending_out::text as pending_out, pending_in::text as pending_in, last_write_at,
      encode(chain_head, 'hex') as chain_head, chain_count::text as chain_count,
      floor::text as floor, ceiling::text as ceiling`
  // One index probe per account (a filtered scan of the tenant, which the planner picks for a
  // prepared plan, would cost every write the tenant's size).
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
  return { locked, shardOf, rowOf: new Map(locked.map((r) => [r.account_id, r.ctid])) }
}
