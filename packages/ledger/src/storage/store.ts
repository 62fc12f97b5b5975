/**
 * The one narrow interface between the ledger's use cases and storage.
 * `createSqlStore` implements it over drizzle (PGlite or postgres.js).
 */
import type { Operation } from '../domain/schemas.js'
import type {
  Account,
  AccountStatus,
  Asset,
  AssetTotals,
  Balance,
  BatchResult,
  ChangeLimitsResult,
  HistoryPage,
  LimitChange,
  Tenant,
  Transfer,
} from '../domain/index.js'
import type { KeyObject } from 'node:crypto'
import type { Checkpoint, JournalVerdict } from '../domain/journal.js'

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
  /** Fingerprint of the opening request (see domain/idempotency.ts); null for accounts the ledger opens itself. */
  requestHash: string | null
}

/** An asset to define, with the fingerprint of its definition. */
export interface NewAsset {
  code: string
  scale: number
  name: string
  requestHash: string
}

/** A change of an account's limits, in minor units: undefined keeps a limit, null removes it. */
export interface LimitChangeRequest {
  tenantId: string
  id: string
  accountId: string
  floor: bigint | null | undefined
  ceiling: bigint | null | undefined
  actor: string | null
  reason: string | null
  /** Fingerprint of the request (domain/idempotency.ts): the same again replays. */
  requestHash: string
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
  /** Create a tenant with its assets, or find the same request made before (TENANT_EXISTS when another made it). */
  createTenant(
    tenant: { id: string; name: string; requestHash: string },
    assets: NewAsset[],
    now: Date,
  ): Promise<{ tenant: Tenant; replayed: boolean }>
  getTenant(tenantId: string): Promise<Tenant | null>
  /** Define an asset, or find the same definition made before (ASSET_EXISTS when another made it). */
  defineAsset(tenantId: string, asset: NewAsset, now: Date): Promise<{ asset: Asset; replayed: boolean }>
  listAssets(tenantId: string): Promise<Asset[]>
  /** Decimal places of a tenant's asset (cached: scales never change); null when there is no such asset. */
  assetScale(tenantId: string, code: string): Promise<number | null>
  /** Open the account (its asset checked by the caller), or find the same request made before (ACCOUNT_EXISTS when another made it). */
  openAccount(account: NewAccount, now: Date): Promise<{ account: Account; replayed: boolean }>
  /** The account now; with `at`, its floor and ceiling as in force then. */
  getAccount(tenantId: string, accountId: string, at?: Date | null): Promise<Account | null>
  listAccounts(tenantId: string, owner: { type: string; id: string } | null, after: string | null, limit: number): Promise<Account[]>
  setAccountStatus(tenantId: string, accountId: string, status: AccountStatus, now: Date): Promise<Account>
  /** Change an account's limits under its balance rows' lock and keep the change; the same id and request again replays. */
  changeLimits(change: LimitChangeRequest, now: Date): Promise<ChangeLimitsResult>
  /** An account's limit changes, newest first; null when there is no such account. */
  listLimitChanges(tenantId: string, accountId: string, limit: number): Promise<LimitChange[] | null>
  /** Apply an atomic batch: every op or none, one result per op. */
  commit(tenantId: string, ops: Operation[], hashes: string[], now: Date): Promise<BatchResult>
  balance(tenantId: string, accountId: string, now: Date, at: Date | null): Promise<Balance | null>
  history(query: HistoryQuery): Promise<HistoryPage | null>
  getTransfer(tenantId: string, transferId: string, now: Date): Promise<Transfer | null>
  /** `now`: holds past their timeout no longer count as pending. */
  totals(tenantId: string, now: Date): Promise<AssetTotals[]>
  /** Release holds whose timeout has passed; returns how many. */
  expireHolds(tenantId: string | null, now: Date, limit: number): Promise<number>
  /** Recompute every entry chain of the tenant (storage/journal.ts); with a public key, against the latest checkpoint too. */
  verifyJournal(tenantId: string, publicKey: KeyObject | null): Promise<JournalVerdict>
  /** Sign every chain's head as it stands (storage/checkpoints.ts). */
  checkpoint(tenantId: string, privateKey: KeyObject, now: Date): Promise<Checkpoint>
}
