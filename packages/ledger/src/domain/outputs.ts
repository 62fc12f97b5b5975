/**
 * Output schemas: the one definition of what the ledger returns. `types.ts`
 * derives its types from them, and the API builds its OpenAPI response
 * components from them. Amounts are decimal strings at the asset's scale;
 * instants are Date objects (JSON and OpenAPI show them as ISO 8601 strings).
 *
 * Names end in `Output`, mirroring the `…Input` schemas of `schemas.ts`.
 * Objects are not strict: a client must accept fields added later.
 * Descriptions and examples are zod metadata (`.describe()`, `.meta()`), which
 * zod-to-openapi reads; no `.openapi()` here, the ledger does not depend on it.
 *
 * @example
 * const transfer = TransferOutput.parse(await ledger.getTransfer({ tenantId, transferId }))
 */
import { z } from 'zod'
import { ErrorCode } from './errors.js'
import { AccountKind, AccountStatus, Operation, OwnerType } from './schemas.js'

/** A decimal string formatted to the asset's scale. */
const AmountText = z.string().meta({ description: "Decimal string at the asset's scale.", example: '1.50' })
/** An instant; the example is its JSON form. */
const Instant = z.date().meta({ example: '2024-05-01T08:30:00.000Z' })
const Metadata = z.record(z.string(), z.unknown()).describe('Free-form JSON the caller stored with it.')

/** The operation types, read off the input union so the two cannot drift. */
export const OperationTypeOutput = z.enum(Operation.options.map((o) => o.shape.type.value))

export const AssetOutput = z.object({
  tenantId: z.string(),
  code: z.string().describe('Asset code, e.g. HOUR or POINT.'),
  scale: z.number().int().describe('Decimal places amounts of this asset carry.'),
  name: z.string(),
  issuanceAccountId: z.string().describe("Id of the tenant's issuance account for this asset (the source of every `earn`)."),
})

/** A tenant as `createTenant` and `getTenant` return it: with its assets. */
export const TenantOutput = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: Instant,
  assets: z.array(AssetOutput),
})

export const AccountOutput = z.object({
  tenantId: z.string(),
  id: z.string(),
  asset: z.string().describe('Code of the asset the account holds.'),
  owner: z.object({ type: OwnerType, id: z.string() }),
  kind: AccountKind,
  floor: AmountText.nullable().describe('Lowest balance allowed; null when unlimited.'),
  ceiling: AmountText.nullable().describe('Highest balance allowed; null when unlimited.'),
  status: AccountStatus,
  metadata: Metadata,
  createdAt: Instant,
})

export const BalanceOutput = z.object({
  tenantId: z.string(),
  accountId: z.string(),
  asset: z.string(),
  posted: AmountText.describe('Sum of all posted entries.'),
  pendingDebits: AmountText.describe('Held by open pending transfers out of the account.'),
  pendingCredits: AmountText.describe('Held by open pending transfers into the account.'),
  available: AmountText.describe('What can be spent now: posted minus pending debits.'),
  at: Instant.describe('The instant the balance is for (now, or the `at` asked for).'),
})

export const TransferStatusOutput = z.enum(['posted', 'pending', 'voided', 'expired'])

export const TransferOutput = z.object({
  tenantId: z.string(),
  id: z.string(),
  type: OperationTypeOutput,
  from: z.string().describe('Account debited (value leaves it).'),
  to: z.string().describe('Account credited (value arrives).'),
  asset: z.string(),
  amount: AmountText,
  status: TransferStatusOutput.describe(
    'posted: value moved. pending: an open hold. voided/expired: a hold released without moving value. A hold that was posted reads `posted`; the post transfer names it in `pendingId`. A void transfer reads `voided`.',
  ),
  pendingId: z.string().nullable().describe('For post/void: the pending transfer it resolves.'),
  reversesId: z.string().nullable().describe('For reverse: the transfer it undoes.'),
  expiresAt: Instant.nullable().describe('For holds with a timeout.'),
  metadata: Metadata,
  createdAt: Instant,
})

const replayed = z.boolean().describe('True when the id had been applied before and this is the original result.')

export const OperationResultOutput = z.object({ transfer: TransferOutput, replayed })
export const CreateTenantResultOutput = z.object({ tenant: TenantOutput, replayed })
export const DefineAssetResultOutput = z.object({ asset: AssetOutput, replayed })
export const OpenAccountResultOutput = z.object({ account: AccountOutput, replayed })

/** An account's floor and ceiling at one time. */
export const LimitsOutput = z.object({
  floor: AmountText.nullable().describe('Lowest balance allowed; null when unlimited.'),
  ceiling: AmountText.nullable().describe('Highest balance allowed; null when unlimited.'),
})

/** One change of an account's limits, as kept in its history. */
export const LimitChangeOutput = z.object({
  tenantId: z.string(),
  id: z.string().describe('The id the change was made with.'),
  accountId: z.string(),
  before: LimitsOutput.describe('The limits in force until the change.'),
  after: LimitsOutput.describe('The limits in force from the change on.'),
  actor: z.string().nullable().describe('Who made the change, as given.'),
  reason: z.string().nullable().describe('Why, as given.'),
  at: Instant.describe('When the change took effect.'),
})

/** What `changeLimits` returns: the change (the original one on a replay) and the account as it stands now. */
export const ChangeLimitsResultOutput = z.object({ change: LimitChangeOutput, account: AccountOutput, replayed })

/** A ledger error as `LedgerError#toJSON()` gives it, and as a refused batch item carries it. */
export const LedgerErrorOutput = z.object({
  code: z.enum(ErrorCode).describe('A stable code, e.g. INSUFFICIENT_FUNDS.'),
  message: z.string(),
  // Described inside the optional, so a schema built from `.unwrap()` keeps the description.
  details: z.record(z.string(), z.unknown()).describe('Facts about the error, e.g. the accounts and amounts involved.').optional(),
})

export const BatchItemOkOutput = z.object({ ok: z.literal(true), transfer: TransferOutput, replayed })
export const BatchItemRefusedOutput = z.object({ ok: z.literal(false), error: LedgerErrorOutput })
export const BatchItemResultOutput = z.discriminatedUnion('ok', [BatchItemOkOutput, BatchItemRefusedOutput])

export const BatchResultOutput = z.object({
  committed: z.boolean().describe('True when every item was applied (or replayed); false when nothing was.'),
  results: z.array(BatchItemResultOutput),
})

export const EntryOutput = z.object({
  seq: z.string().describe('Monotonic position in the ledger; the keyset for history pages.'),
  transferId: z.string(),
  accountId: z.string(),
  type: OperationTypeOutput.describe('What kind of operation made the entry.'),
  counterparty: z.string().describe('The other account of the transfer.'),
  amount: AmountText.meta({ description: 'Signed: positive credits, negative debits.', example: '-2.00' }),
  balanceAfter: AmountText.nullable().describe(
    "The account's posted balance after this entry; null for unbounded accounts (no floor, no ceiling), whose balance is the sum of their shards.",
  ),
  createdAt: Instant,
})

export const HistoryPageOutput = z.object({
  entries: z.array(EntryOutput),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next (older) page; null on the last page.'),
})

export const AssetTotalsOutput = z.object({
  asset: z.string(),
  scale: z.number().int(),
  total: AmountText.describe('Sum of every account\'s posted balance: always zero (e.g. "0.00") in a sound ledger.'),
  byKind: z.record(z.string(), z.string()).describe('Posted balances summed by account kind.'),
  pending: AmountText.describe('Sum of open holds.'),
})
