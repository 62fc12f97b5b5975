/**
 * Stored rows and their public views: the column lists the stores select, and
 * the mappers from a row (amounts in minor units, instants as Date or text,
 * depending on the driver) to the ledger's Account and Transfer.
 */
import { type SQL, sql } from 'drizzle-orm'
import {
  type Account,
  type AccountKind,
  type AccountStatus,
  type Transfer,
  type TransferStatus,
  formatAmount,
  holdExpired,
} from '../domain/index.js'

export interface AccountRow {
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

export interface TransferRow {
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

export const toDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v))
export const toDateOrNull = (v: Date | string | null): Date | null => (v === null ? null : toDate(v))
export const bigOrNull = (v: string | null): bigint | null => (v === null ? null : BigInt(v))
export const isoOrNull = (d: Date | null): string | null => (d === null ? null : d.toISOString())

export const transferColumns = sql`tenant_id, id, type, from_account, to_account, asset, amount::text as amount, pending, status,
    pending_id, reverses_id, expires_at, request_hash, metadata, created_at`

/** An account with its current status and limits (kept on its first balance row, under the row lock). */
export const accountSelect = (tenantId: string): SQL => sql`
    select a.tenant_id, a.id, a.asset, a.owner_type, a.owner_id, a.kind, b.floor::text as floor, b.ceiling::text as ceiling,
           a.shards, a.metadata, a.created_at, b.status
    from tb_accounts a join tb_balances b on b.tenant_id = a.tenant_id and b.account_id = a.id and b.shard = 0
    where a.tenant_id = ${tenantId}`

export const accountFromRow = (r: AccountRow, scale: number): Account => ({
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

/** A hold past its timeout reads `expired` before the sweep has marked it so. */
const effectiveStatus = (r: { status: string; pending: boolean; expires_at: Date | string | null }, now: Date): TransferStatus => {
  const status = r.status as TransferStatus
  return r.pending && holdExpired({ status, expiresAt: toDateOrNull(r.expires_at) }, now) ? 'expired' : status
}

export const transferFromRow = (r: TransferRow, scale: number, now: Date): Transfer => ({
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
