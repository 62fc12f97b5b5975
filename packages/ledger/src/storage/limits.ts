/**
 * Limits that change: an account's floor and ceiling changed under the lock of
 * its balance rows (where every writer reads them, so the next write in any
 * process sees the change), each change kept with the limits before and after
 * in tb_account_limit_changes, and an account read with the limits in force
 * at a past instant, from that history.
 *
 * @example
 * const limits = limitStore({ db, facts })
 * await limits.changeLimits({ tenantId, id: 'policy-7:ana', accountId: 'ana:hours', floor: undefined, ceiling: 100000n,
 *   actor: 'staff:li', reason: 'cap lowered to 1,000 h', requestHash }, new Date())
 */
import { sql } from 'drizzle-orm'
import {
  type AccountStatus,
  type ChangeLimitsResult,
  ErrorCode,
  type LimitChange,
  LedgerError,
  formatAmount,
  sameRequest,
} from '../domain/index.js'
import { type StoreContext, readAccount } from './accounts.js'
import { type Executor, constraintOf, rows, sqlState } from './driver.js'
import { RetryConflict, withRetry } from './retry.js'
import { bigOrNull, toDate } from './rows.js'
import type { LimitChangeRequest, Store } from './store.js'

interface ChangeRow {
  tenant_id: string
  id: string
  account_id: string
  floor_before: string | null
  ceiling_before: string | null
  floor: string | null
  ceiling: string | null
  actor: string | null
  reason: string | null
  request_hash: string
  created_at: Date | string
}

const changeColumns = sql`tenant_id, id, account_id, floor_before::text as floor_before, ceiling_before::text as ceiling_before,
    floor::text as floor, ceiling::text as ceiling, actor, reason, request_hash, created_at`

const PRIMARY_KEY = 'tb_account_limit_changes_tenant_id_id_pk'

function changeFromRow(r: ChangeRow, scale: number): LimitChange {
  const fmt = (v: string | null) => (v === null ? null : formatAmount(BigInt(v), scale))
  return {
    tenantId: r.tenant_id,
    id: r.id,
    accountId: r.account_id,
    before: { floor: fmt(r.floor_before), ceiling: fmt(r.ceiling_before) },
    after: { floor: fmt(r.floor), ceiling: fmt(r.ceiling) },
    actor: r.actor,
    reason: r.reason,
    at: toDate(r.created_at),
  }
}

async function changeById(ex: Executor, tenantId: string, id: string): Promise<ChangeRow | undefined> {
  const [r] = await rows<ChangeRow>(
    ex,
    sql`select ${changeColumns} from tb_account_limit_changes where tenant_id = ${tenantId} and id = ${id}`,
  )
  return r
}

/** The limits in force at `at`: those the first change after it replaced, or null when none came after (the current ones). */
export async function limitsAt(
  ex: Executor,
  tenantId: string,
  accountId: string,
  at: Date,
): Promise<{ floor: bigint | null; ceiling: bigint | null } | null> {
  const [r] = await rows<{ floor_before: string | null; ceiling_before: string | null }>(
    ex,
    sql`select floor_before::text as floor_before, ceiling_before::text as ceiling_before from tb_account_limit_changes
        where tenant_id = ${tenantId} and account_id = ${accountId} and created_at > ${at.toISOString()}::timestamptz
        order by seq limit 1`,
  )
  return r ? { floor: bigOrNull(r.floor_before), ceiling: bigOrNull(r.ceiling_before) } : null
}

export function limitStore({ db, facts }: StoreContext): Pick<Store, 'getAccount' | 'changeLimits' | 'listLimitChanges'> {
  const scaleOf = async (ex: Executor, tenantId: string, accountId: string) => {
    const meta = (await facts.accountMeta(ex, tenantId, [accountId])).get(accountId)
    return meta ? ((await facts.scales(ex, tenantId, [meta.asset])).get(meta.asset) ?? 0) : 0
  }

  async function changeOnce(tx: Executor, c: LimitChangeRequest, now: Date): Promise<ChangeLimitsResult> {
    // The balance rows first, as every writer locks them: from here no move reads the old limits.
    const locked = await rows<{
      shard: number
      status: string
      floor: string | null
      ceiling: string | null
      last_write_at: Date | string | null
    }>(
      tx,
      sql`select shard, status, floor::text as floor, ceiling::text as ceiling, last_write_at
          from tb_balances where tenant_id = ${c.tenantId} and account_id = ${c.accountId}
          order by shard for update`,
    )
    const first = locked[0]
    if (!first) throw new LedgerError(ErrorCode.ACCOUNT_NOT_FOUND, `account ${c.accountId} not found`, { accountId: c.accountId })
    const scale = await scaleOf(tx, c.tenantId, c.accountId)

    // The same id again: the original change, or a conflict (read under the lock, so a concurrent twin has committed).
    const prior = await changeById(tx, c.tenantId, c.id)
    if (prior) {
      if (!sameRequest(prior.request_hash, c.requestHash)) {
        throw new LedgerError(ErrorCode.IDEMPOTENCY_CONFLICT, `id ${c.id} was used for a different limit change`, { id: c.id })
      }
      const account = await readAccount(tx, facts, c.tenantId, prior.account_id)
      if (!account) throw new Error(`account ${prior.account_id} vanished`)
      return { change: changeFromRow(prior, scale), account, replayed: true }
    }

    if ((first.status as AccountStatus) === 'closed') {
      throw new LedgerError(ErrorCode.ACCOUNT_CLOSED, `account ${c.accountId} is closed`, { accountId: c.accountId })
    }
    const floorBefore = bigOrNull(first.floor)
    const ceilingBefore = bigOrNull(first.ceiling)
    const floor = c.floor === undefined ? floorBefore : c.floor
    const ceiling = c.ceiling === undefined ? ceilingBefore : c.ceiling
    if (locked.length > 1 && (floor !== null || ceiling !== null)) {
      // Its balance is spread over shards with no running total to check a limit against.
      throw new LedgerError(
        ErrorCode.ACCOUNT_UNBOUNDED,
        `account ${c.accountId} was opened with neither floor nor ceiling and cannot take a limit`,
        { accountId: c.accountId },
      )
    }
    if (floor !== null && ceiling !== null && floor > ceiling) {
      throw new LedgerError(ErrorCode.VALIDATION, 'floor must not be above ceiling', {
        floor: formatAmount(floor, scale),
        ceiling: formatAmount(ceiling, scale),
      })
    }
    // Never stamped before the last write on the account (clocks of processes may disagree), and
    // every later write is stamped at or after it: as-of reads place moves and changes in one order.
    let at = now
    for (const r of locked) if (r.last_write_at !== null && toDate(r.last_write_at).getTime() > at.getTime()) at = toDate(r.last_write_at)
    const atIso = at.toISOString()
    const text = (v: bigint | null) => (v === null ? null : v.toString())
    await tx.execute(
      sql`update tb_balances set floor = ${text(floor)}::int8, ceiling = ${text(ceiling)}::int8, last_write_at = ${atIso}::timestamptz
          where tenant_id = ${c.tenantId} and account_id = ${c.accountId}`,
    )
    await tx.execute(
      sql`update tb_accounts set floor = ${text(floor)}::int8, ceiling = ${text(ceiling)}::int8
          where tenant_id = ${c.tenantId} and id = ${c.accountId}`,
    )
    const [row] = await rows<ChangeRow>(
      tx,
      sql`insert into tb_account_limit_changes (tenant_id, id, account_id, floor_before, ceiling_before, floor, ceiling,
                                                actor, reason, request_hash, created_at)
          values (${c.tenantId}, ${c.id}, ${c.accountId}, ${text(floorBefore)}::int8, ${text(ceilingBefore)}::int8,
                  ${text(floor)}::int8, ${text(ceiling)}::int8, ${c.actor}, ${c.reason}, ${c.requestHash}, ${atIso}::timestamptz)
          returning ${changeColumns}`,
    )
    const account = await readAccount(tx, facts, c.tenantId, c.accountId)
    if (!row || !account) throw new Error(`limit change ${c.id} vanished after insert`)
    return { change: changeFromRow(row, scale), account, replayed: false }
  }

  return {
    async getAccount(tenantId, accountId, at = null) {
      const account = await readAccount(db, facts, tenantId, accountId)
      if (!account || at === null) return account
      const then = await limitsAt(db, tenantId, accountId, at)
      if (!then) return account
      const scale = (await facts.scales(db, tenantId, [account.asset])).get(account.asset) ?? 0
      const fmt = (v: bigint | null) => (v === null ? null : formatAmount(v, scale))
      return { ...account, floor: fmt(then.floor), ceiling: fmt(then.ceiling) }
    },

    changeLimits: (change, now) =>
      withRetry(async () => {
        try {
          return await db.transaction((tx) => changeOnce(tx, change, now))
        } catch (e) {
          // The id taken concurrently (on another account's lock): look again, as a replay or a conflict.
          if (sqlState(e) === '23505' && (constraintOf(e) ?? PRIMARY_KEY) === PRIMARY_KEY) throw new RetryConflict()
          throw e
        }
      }),

    async listLimitChanges(tenantId, accountId, limit) {
      const account = await readAccount(db, facts, tenantId, accountId)
      if (!account) return null
      const scale = await scaleOf(db, tenantId, accountId)
      const found = await rows<ChangeRow>(
        db,
        sql`select ${changeColumns} from tb_account_limit_changes
            where tenant_id = ${tenantId} and account_id = ${accountId}
            order by seq desc limit ${limit}`,
      )
      return found.map((r) => changeFromRow(r, scale))
    },
  }
}
