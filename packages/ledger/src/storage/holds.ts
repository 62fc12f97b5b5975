/**
 * Holds in storage: which ones are past their timeout (released in effect,
 * though not yet swept), an account's hold sums, and the sweep that marks
 * expired holds and releases what they reserved.
 *
 * @example
 * const released = await expireHolds(db, facts, null, new Date(), 10_000)
 */
import { type SQL, sql } from 'drizzle-orm'
import { type Executor, type Runner, pgArray, rows } from './driver.js'
import type { Facts } from './facts.js'
import { lockBalances } from './locks.js'
import { withRetry } from './retry.js'

/** Holds still open in storage whose timeout has passed by `now`: released in effect, not yet swept. */
export const expiredBy = (now: Date): SQL => sql`status = 'pending' and expires_at <= ${now.toISOString()}::timestamptz`

/** One account's holds matching `where`: the sums out of it and into it. */
export async function holdSums(ex: Executor, tenantId: string, accountId: string, where: SQL): Promise<{ out: bigint; in: bigint }> {
  const [h] = await rows<{ out: string; in: string }>(
    ex,
    sql`select coalesce(sum(amount) filter (where from_account = ${accountId}), 0)::text as out,
               coalesce(sum(amount) filter (where to_account = ${accountId}), 0)::text as in
        from tb_transfers
        where tenant_id = ${tenantId} and pending and (from_account = ${accountId} or to_account = ${accountId}) and ${where}`,
  )
  return { out: BigInt(h?.out ?? '0'), in: BigInt(h?.in ?? '0') }
}

/** Holds per group of the sweep: small groups keep each transaction short. */
const GROUP = 100

/** Mark holds past their timeout expired and release what they reserved; returns how many. */
export async function expireHolds(db: Runner, facts: Facts, tenantId: string | null, now: Date, limit: number): Promise<number> {
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
    for (let i = 0; i < holds.length; i += GROUP) {
      const group = holds.slice(i, i + GROUP)
      released += await withRetry(() =>
        db.transaction(async (tx) => {
          const ids = new Set<string>()
          for (const h of group) {
            ids.add(h.from_account)
            ids.add(h.to_account)
          }
          // Locks in the same order as every writer's.
          const { shardOf } = await lockBalances(tx, tenant, await facts.accountMeta(tx, tenant, ids), db.concurrent)
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
          for (const [id, shard] of shardOf) {
            const o = out.get(id) ?? 0n
            const n = inn.get(id) ?? 0n
            if (o === 0n && n === 0n) continue
            await tx.execute(
              sql`update tb_balances set pending_out = pending_out - ${o.toString()}::int8, pending_in = pending_in - ${n.toString()}::int8
                  where tenant_id = ${tenant} and account_id = ${id} and shard = ${shard}`,
            )
          }
          return expired.length
        }),
      )
    }
  }
  return released
}
