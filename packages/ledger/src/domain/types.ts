/**
 * What the ledger returns, as types derived from the output schemas in
 * `outputs.ts` (where each field is described). Amounts are decimal strings
 * formatted to the asset's scale; instants are Date objects.
 */
import type { z } from 'zod'
import type {
  AccountOutput,
  AssetOutput,
  AssetTotalsOutput,
  BatchItemResultOutput,
  BatchResultOutput,
  BalanceOutput,
  ChangeLimitsResultOutput,
  CreateTenantResultOutput,
  DefineAssetResultOutput,
  EntryOutput,
  HistoryPageOutput,
  LimitChangeOutput,
  OpenAccountResultOutput,
  OperationResultOutput,
  TenantOutput,
  TransferOutput,
  TransferStatusOutput,
} from './outputs.js'

/** A tenant's own record; `createTenant` and `getTenant` add its `assets`. */
export type Tenant = Omit<z.output<typeof TenantOutput>, 'assets'>
export type Asset = z.output<typeof AssetOutput>
export type Account = z.output<typeof AccountOutput>
export type Balance = z.output<typeof BalanceOutput>
export type TransferStatus = z.output<typeof TransferStatusOutput>
export type Transfer = z.output<typeof TransferOutput>
export type OperationResult = z.output<typeof OperationResultOutput>
export type CreateTenantResult = z.output<typeof CreateTenantResultOutput>
export type DefineAssetResult = z.output<typeof DefineAssetResultOutput>
export type OpenAccountResult = z.output<typeof OpenAccountResultOutput>
export type BatchItemResult = z.output<typeof BatchItemResultOutput>
export type BatchResult = z.output<typeof BatchResultOutput>
export type Entry = z.output<typeof EntryOutput>
export type HistoryPage = z.output<typeof HistoryPageOutput>
export type AssetTotals = z.output<typeof AssetTotalsOutput>
export type LimitChange = z.output<typeof LimitChangeOutput>
export type ChangeLimitsResult = z.output<typeof ChangeLimitsResultOutput>
