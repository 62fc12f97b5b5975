/**
 * The one narrow interface between the ledger's use cases and storage.
 * `createSqlStore` implements it over drizzle (PGlite or postgres.js).
 */
import type { Operation } from '../domain/schemas.js'
import type { Account, AccountStatus, Asset, AssetTotals, Balance, BatchResult, HistoryPage, Tenant, Transfer } from '../domain/index.js'

export interface NewAccount {
  tenantId: string
  id: string
  asset: string
  ownerType: string
  ownerId: string
  kind: string
  floor: bigint | null
  ceiling: bigint | null
  metadata: Record<string, unknown>
}

export interface HistoryQuery {
  tenantId: string
  accountId: string
  limit: number
  beforeSeq: bigint | null
  from: Date | null
  to: Date | null
}

export interface Store {
  createTenant(tenant: { id: string; name: string }, assets: { code: string; scale: number; name: string }[], now: Date): Promise<Tenant>
  getTenant(tenantId: string): Promise<Tenant | null>
  defineAsset(tenantId: string, asset: { code: string; scale: number; name: string }, now: Date): Promise<Asset>
  listAssets(tenantId: string): Promise<Asset[]>
  /** Decimal places of a tenant's asset (cached: scales never change); null when there is no such asset. */
  assetScale(tenantId: string, code: string): Promise<number | null>
  /** Insert the account (its asset checked by the caller); returns the existing row instead when the id is taken. */
  openAccount(account: NewAccount, now: Date): Promise<{ account: Account; created: boolean }>
  getAccount(tenantId: string, accountId: string): Promise<Account | null>
  listAccounts(tenantId: string, owner: { type: string; id: string } | null, after: string | null, limit: number): Promise<Account[]>
  setAccountStatus(tenantId: string, accountId: string, status: AccountStatus, now: Date): Promise<Account>
  /** Apply an atomic batch: every op or none, one result per op. */
  commit(tenantId: string, ops: Operation[], hashes: string[], now: Date): Promise<BatchResult>
  balance(tenantId: string, accountId: string, now: Date, at: Date | null): Promise<Balance | null>
  history(query: HistoryQuery): Promise<HistoryPage | null>
  getTransfer(tenantId: string, transferId: string, now: Date): Promise<Transfer | null>
  /** `now`: holds past their timeout no longer count as pending. */
  totals(tenantId: string, now: Date): Promise<AssetTotals[]>
  /** Release holds whose timeout has passed; returns how many. */
  expireHolds(tenantId: string | null, now: Date, limit: number): Promise<number>
}
