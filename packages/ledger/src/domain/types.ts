/**
 * What the ledger returns. Amounts are decimal strings formatted to the
 * asset's scale; instants are Date objects.
 */
import type { AccountKind, AccountStatus, OperationType, OwnerType } from './schemas.js'
import type { ErrorCode } from './errors.js'

export interface Tenant {
  id: string
  name: string
  createdAt: Date
}

export interface Asset {
  tenantId: string
  code: string
  scale: number
  name: string
  /** Id of the tenant's issuance account for this asset (the source of every `earn`). */
  issuanceAccountId: string
}

export interface Account {
  tenantId: string
  id: string
  asset: string
  owner: { type: OwnerType; id: string }
  kind: AccountKind
  /** Lowest balance allowed; null when unlimited. */
  floor: string | null
  /** Highest balance allowed; null when unlimited. */
  ceiling: string | null
  status: AccountStatus
  metadata: Record<string, unknown>
  createdAt: Date
}

export interface Balance {
  tenantId: string
  accountId: string
  asset: string
  /** Sum of all posted entries. */
  posted: string
  /** Held by open pending transfers out of the account. */
  pendingDebits: string
  /** Held by open pending transfers into the account. */
  pendingCredits: string
  /** What can be spent now: posted minus pending debits. */
  available: string
  /** The instant the balance is for (now, or the `at` asked for). */
  at: Date
}

export type TransferStatus = 'posted' | 'pending' | 'voided' | 'expired'

export interface Transfer {
  tenantId: string
  id: string
  type: OperationType
  /** Account debited (value leaves it). */
  from: string
  /** Account credited (value arrives). */
  to: string
  asset: string
  amount: string
  /**
   * posted: value moved. pending: an open hold. voided/expired: a hold released without moving value.
   * A hold that was posted reads `posted`; the post transfer names it in `pendingId`.
   */
  status: TransferStatus
  /** For post/void: the pending transfer it resolves. */
  pendingId: string | null
  /** For reverse: the transfer it undoes. */
  reversesId: string | null
  /** For holds with a timeout. */
  expiresAt: Date | null
  metadata: Record<string, unknown>
  createdAt: Date
}

export interface OperationResult {
  transfer: Transfer
  /** True when the id had been applied before and this is the original result. */
  replayed: boolean
}

export type BatchItemResult =
  | { ok: true; transfer: Transfer; replayed: boolean }
  | { ok: false; error: { code: ErrorCode; message: string; details?: Record<string, unknown> } }

export interface BatchResult {
  /** True when every item was applied (or replayed); false when nothing was. */
  committed: boolean
  results: BatchItemResult[]
}

export interface Entry {
  /** Monotonic position in the ledger; the keyset for history pages. */
  seq: string
  transferId: string
  accountId: string
  /** What kind of operation made the entry. */
  type: OperationType
  /** The other account of the transfer. */
  counterparty: string
  /** Signed: positive credits, negative debits. */
  amount: string
  /** The account's posted balance after this entry; null for unbounded accounts (no floor, no ceiling), whose balance is the sum of their shards. */
  balanceAfter: string | null
  createdAt: Date
}

export interface HistoryPage {
  entries: Entry[]
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null
}

export interface AssetTotals {
  asset: string
  scale: number
  /** Sum of every account's posted balance: always "0" in a sound ledger. */
  total: string
  /** Posted balances summed by account kind. */
  byKind: Record<string, string>
  /** Sum of open holds. */
  pending: string
}
