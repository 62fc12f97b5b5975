/**
 * The hand-written baseline, on the ledger's own tables so rows and indexes
 * are the same: lock both balance rows in id order FOR UPDATE, check funds,
 * update both balances, insert one transfer and its two entries, commit.
 * Seven round trips (BEGIN, lock, 2 UPDATE, 2 INSERT, COMMIT). The batch form
 * locks every row in one sorted statement and writes with unnest: six.
 *
 * @example
 * await interactiveTransfer(conn, { tenantId: 'bench', id: 'sql-1', from: 'm00001', to: 'm00002', amount: 1n })
 */
import { type Conn, pgArray } from './conn.js'

export interface SqlTransfer {
  tenantId: string
  id: string
  from: string
  to: string
  /** Minor units. */
  amount: bigint
}

/** Request hash stored by hand-written transfers (the ledger stores a sha256 of the request). */
const HASH = 'sql-baseline'

const LOCK_TWO = `select account_id, posted::text as posted from tb_balances
  where tenant_id = $1 and shard = 0 and account_id in ($2, $3)
  order by account_id for update`
const SET_POSTED = `update tb_balances set posted = $3::int8 where tenant_id = $1 and account_id = $2 and shard = 0`
const INSERT_TRANSFER = `insert into tb_transfers (tenant_id, id, type, from_account, to_account, asset, amount, pending, status, request_hash, metadata, created_at)
  values ($1, $2, 'transfer', $3, $4, 'HOUR', $5::int8, false, 'posted', $6, '{}'::jsonb, now())`
const INSERT_ENTRIES = `insert into tb_entries (tenant_id, account_id, transfer_id, amount, balance_after, created_at)
  values ($1, $2, $4, -$5::int8, $6::int8, now()), ($1, $3, $4, $5::int8, $7::int8, now())`

export class InsufficientFunds extends Error {
  override name = 'InsufficientFunds'
}

export async function interactiveTransfer(conn: Conn, t: SqlTransfer): Promise<void> {
  await conn.begin(async (tx) => {
    const locked = await tx.query<{ account_id: string; posted: string }>(LOCK_TWO, [t.tenantId, t.from, t.to])
    const from = locked.find((r) => r.account_id === t.from)
    const to = locked.find((r) => r.account_id === t.to)
    if (!from || !to) throw new Error(`account ${from ? t.to : t.from} not found`)
    const fromAfter = BigInt(from.posted) - t.amount
    if (fromAfter < 0n) throw new InsufficientFunds(`${t.from} has too little`)
    const toAfter = BigInt(to.posted) + t.amount
    await tx.query(SET_POSTED, [t.tenantId, t.from, fromAfter.toString()])
    await tx.query(SET_POSTED, [t.tenantId, t.to, toAfter.toString()])
    await tx.query(INSERT_TRANSFER, [t.tenantId, t.id, t.from, t.to, t.amount.toString(), HASH])
    await tx.query(INSERT_ENTRIES, [t.tenantId, t.from, t.to, t.id, t.amount.toString(), fromAfter.toString(), toAfter.toString()])
  })
}

const LOCK_MANY = `select account_id, posted::text as posted from tb_balances
  where tenant_id = $1 and shard = 0 and account_id = any($2::text[])
  order by account_id for update`
const SET_MANY = `update tb_balances b set posted = u.posted
  from unnest($2::text[], $3::int8[]) as u(a, posted)
  where b.tenant_id = $1 and b.account_id = u.a and b.shard = 0`
const INSERT_TRANSFERS = `insert into tb_transfers (tenant_id, id, type, from_account, to_account, asset, amount, pending, status, request_hash, metadata, created_at)
  select $1, u.id, 'transfer', u.f, u.t, 'HOUR', u.amount, false, 'posted', $6, '{}'::jsonb, now()
  from unnest($2::text[], $3::text[], $4::text[], $5::int8[]) as u(id, f, t, amount)`
const INSERT_ENTRY_ROWS = `insert into tb_entries (tenant_id, account_id, transfer_id, amount, balance_after, created_at)
  select $1, u.a, u.t, u.amount, u.after, now()
  from unnest($2::text[], $3::text[], $4::int8[], $5::int8[]) as u(a, t, amount, after)`

/** Many transfers in one transaction (all of one tenant). */
export async function batchTransfers(conn: Conn, tenantId: string, items: readonly Omit<SqlTransfer, 'tenantId'>[]): Promise<void> {
  const ids = [...new Set(items.flatMap((i) => [i.from, i.to]))]
  await conn.begin(async (tx) => {
    const locked = await tx.query<{ account_id: string; posted: string }>(LOCK_MANY, [tenantId, pgArray(ids)])
    const posted = new Map(locked.map((r) => [r.account_id, BigInt(r.posted)]))
    const eAccount: string[] = []
    const eTransfer: string[] = []
    const eAmount: bigint[] = []
    const eAfter: bigint[] = []
    for (const i of items) {
      const from = posted.get(i.from)
      const to = posted.get(i.to)
      if (from === undefined || to === undefined) throw new Error(`account ${from === undefined ? i.from : i.to} not found`)
      if (from - i.amount < 0n) throw new InsufficientFunds(`${i.from} has too little`)
      posted.set(i.from, from - i.amount)
      posted.set(i.to, to + i.amount)
      eAccount.push(i.from, i.to)
      eTransfer.push(i.id, i.id)
      eAmount.push(-i.amount, i.amount)
      eAfter.push(from - i.amount, to + i.amount)
    }
    const touched = [...posted.keys()]
    await tx.query(SET_MANY, [tenantId, pgArray(touched), pgArray(touched.map((a) => posted.get(a) ?? 0n))])
    await tx.query(INSERT_TRANSFERS, [
      tenantId,
      pgArray(items.map((i) => i.id)),
      pgArray(items.map((i) => i.from)),
      pgArray(items.map((i) => i.to)),
      pgArray(items.map((i) => i.amount)),
      HASH,
    ])
    await tx.query(INSERT_ENTRY_ROWS, [tenantId, pgArray(eAccount), pgArray(eTransfer), pgArray(eAmount), pgArray(eAfter)])
  })
}
