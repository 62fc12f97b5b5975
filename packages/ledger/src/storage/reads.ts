/**
 * Reads: balances (now, or as of a past instant), history pages, one
 * transfer, and per-asset totals. None takes a lock; holds past their timeout
 * are treated as released whether or not the sweep has marked them.
 *
 * @example
 * const reads = readStore({ db, facts })
 * const balance = await reads.balance('maple', 'ana:hours', new Date(), null)
 */
import { sql } from 'drizzle-orm'
import { type AssetTotals, type Balance, type Entry, formatAmount } from '../domain/index.js'
import { type StoreContext, readAccount } from './accounts.js'
import { rows } from './driver.js'
import { expiredBy, holdSums } from './holds.js'
import { type TransferRow, toDate, transferColumns, transferFromRow } from './rows.js'
import type { HistoryQuery, Store } from './store.js'

export function readStore({ db, facts }: StoreContext): Pick<Store, 'balance' | 'history' | 'getTransfer' | 'totals'> {
  return {
    async balance(tenantId, accountId, now, at) {
      // The account's fixed facts come from the process's cache, so the common read is one indexed balance row.
      const meta = (await facts.accountMeta(db, tenantId, [accountId])).get(accountId)
      if (!meta) return null
      const [b] = await rows<{ posted: string; pending_out: string; pending_in: string }>(
        db,
        meta.shards === 1
          ? sql`select posted::text as posted, pending_out::text as pending_out, pending_in::text as pending_in
                from tb_balances where tenant_id = ${tenantId} and account_id = ${accountId} and shard = 0`
          : sql`select sum(posted)::text as posted, sum(pending_out)::text as pending_out, sum(pending_in)::text as pending_in
                from tb_balances where tenant_id = ${tenantId} and account_id = ${accountId}`,
      )
      if (!b || b.posted === null) return null
      const scale = (await facts.scales(db, tenantId, [meta.asset])).get(meta.asset) ?? 0
      let posted = BigInt(b.posted)
      let pendingOut = BigInt(b.pending_out)
      let pendingIn = BigInt(b.pending_in)
      const instant = at ?? now
      if (at !== null) {
        // As of a past instant: posted from the entries, holds that were open then.
        if (meta.shards > 1) {
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
        asset: meta.asset,
        posted: formatAmount(posted, scale),
        pendingDebits: formatAmount(pendingOut, scale),
        pendingCredits: formatAmount(pendingIn, scale),
        available: formatAmount(posted - pendingOut, scale),
        at: instant,
      } satisfies Balance
    },

    async history(q: HistoryQuery) {
      const account = await readAccount(db, facts, q.tenantId, q.accountId)
      if (!account) return null
      const scale = (await facts.scales(db, q.tenantId, [account.asset])).get(account.asset) ?? 0
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
      const scale = (await facts.scales(db, tenantId, [r.asset])).get(r.asset) ?? 0
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
      const scales = await facts.scales(db, tenantId)
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
  }
}
