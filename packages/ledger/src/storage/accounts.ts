/**
 * Accounts in storage: an account row plus its balance rows (one, or SHARDS
 * for an unbounded account), lists by owner, and status changes made under
 * the balance rows' locks. (One account, now or as of an instant: limits.ts.)
 *
 * @example
 * const accounts = accountStore({ db, facts })
 * await accounts.setAccountStatus('maple', 'ana:hours', 'frozen', new Date())
 */
import { sql } from 'drizzle-orm'
import { type Account, type AccountStatus, ErrorCode, LedgerError, isUnbounded, statusChangeRefusal } from '../domain/index.js'
import { createOnce } from './create-once.js'
import { type Executor, type Runner, rows } from './driver.js'
import type { Facts } from './facts.js'
import { expiredBy, holdSums } from './holds.js'
import { withRetry } from './retry.js'
import { type AccountRow, accountFromRow, accountSelect } from './rows.js'
import { SHARDS } from './schema.js'
import type { NewAccount, Store } from './store.js'

export interface StoreContext {
  db: Runner
  facts: Facts
}

/** Insert an account and its balance rows unless the id is taken; true when inserted. */
export async function insertAccount(ex: Executor, a: NewAccount, now: Date): Promise<boolean> {
  const shards = isUnbounded(a) ? SHARDS : 1
  const inserted = await rows<{ id: string }>(
    ex,
    sql`insert into tb_accounts (tenant_id, id, asset, owner_type, owner_id, kind, floor, ceiling, shards, metadata, request_hash, created_at)
        values (${a.tenantId}, ${a.id}, ${a.asset}, ${a.ownerType}, ${a.ownerId}, ${a.kind},
                ${a.floor === null ? null : a.floor.toString()}::int8, ${a.ceiling === null ? null : a.ceiling.toString()}::int8,
                ${shards}, ${JSON.stringify(a.metadata)}::jsonb, ${a.requestHash}, ${now.toISOString()}::timestamptz)
        on conflict do nothing returning id`,
  )
  if (inserted.length === 0) return false
  await ex.execute(
    sql`insert into tb_balances (tenant_id, account_id, shard, status, floor, ceiling)
        select ${a.tenantId}, ${a.id}, s, 'open',
               ${a.floor === null ? null : a.floor.toString()}::int8, ${a.ceiling === null ? null : a.ceiling.toString()}::int8
        from generate_series(0, ${shards - 1}::int) as s`,
  )
  return true
}

/** One account with its current status, or null. */
export async function readAccount(ex: Executor, facts: Facts, tenantId: string, accountId: string): Promise<Account | null> {
  const [r] = await rows<AccountRow>(ex, sql`${accountSelect(tenantId)} and a.id = ${accountId}`)
  if (!r) return null
  const scales = await facts.scales(ex, tenantId, [r.asset])
  return accountFromRow(r, scales.get(r.asset) ?? 0)
}

export function accountStore({ db, facts }: StoreContext): Pick<Store, 'openAccount' | 'listAccounts' | 'setAccountStatus'> {
  return {
    async openAccount(account, now) {
      const { replayed } = await db.transaction((tx) =>
        createOnce({
          hash: account.requestHash ?? '',
          insert: async () => ((await insertAccount(tx, account, now)) ? true : undefined),
          existing: async () => {
            const [r] = await rows<{ request_hash: string | null }>(
              tx,
              sql`select request_hash from tb_accounts where tenant_id = ${account.tenantId} and id = ${account.id}`,
            )
            return r && { row: true, requestHash: r.request_hash }
          },
          conflict: () =>
            new LedgerError(ErrorCode.ACCOUNT_EXISTS, `account ${account.id} exists with another definition`, { accountId: account.id }),
        }),
      )
      const stored = await readAccount(db, facts, account.tenantId, account.id)
      if (!stored) throw new Error(`account ${account.id} vanished after insert`)
      return { account: stored, replayed }
    },

    async listAccounts(tenantId, owner, after, limit) {
      const found = await rows<AccountRow>(
        db,
        sql`${accountSelect(tenantId)}
            ${owner ? sql`and a.owner_type = ${owner.type} and a.owner_id = ${owner.id}` : sql``}
            ${after ? sql`and a.id > ${after}` : sql``}
            order by a.id limit ${limit}`,
      )
      const scales = await facts.scales(
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
          const sum = (f: 'posted' | 'pending_out' | 'pending_in') => locked.reduce((s, r) => s + BigInt(r[f]), 0n)
          let held = sum('pending_out') + sum('pending_in')
          if (held !== 0n && status === 'closed') {
            // Holds past their timeout no longer reserve anything.
            const expired = await holdSums(tx, tenantId, accountId, expiredBy(now))
            held -= expired.out + expired.in
          }
          const refusal = statusChangeRefusal({
            id: accountId,
            from: first.status as AccountStatus,
            to: status,
            posted: sum('posted'),
            held,
          })
          if (refusal) throw refusal
          await tx.execute(sql`update tb_balances set status = ${status} where tenant_id = ${tenantId} and account_id = ${accountId}`)
          return (await readAccount(tx, facts, tenantId, accountId)) as Account
        }),
      )
    },
  }
}
