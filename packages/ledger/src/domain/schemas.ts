/**
 * Input schemas for every ledger operation. The API reuses them for request
 * validation and for its OpenAPI document, so they are the one definition.
 *
 * @example
 * const input = TransferInput.parse(body)
 */
import { z } from 'zod'
import { MAX_SCALE } from './amount.js'

const ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/

/** PostgreSQL text cannot hold NUL, and a lone UTF-16 surrogate is not text at all. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** A string PostgreSQL can store. */
export const Text = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !UNSTORABLE.test(s), 'text may not contain NUL or unpaired surrogates')

/** Deepest nesting allowed in metadata (JSON objects and arrays). */
export const MAX_METADATA_DEPTH = 16

/** Walk JSON iteratively (no recursion, so no stack overflow): storable text and bounded depth. */
function storableJson(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number]
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) return false
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return false
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_METADATA_DEPTH) return false
      for (const [k, child] of Array.isArray(v) ? v.entries() : Object.entries(v)) {
        if (typeof k === 'string' && UNSTORABLE.test(k)) return false
        stack.push([child, depth + 1])
      }
    } else if (typeof v !== 'boolean') {
      return false
    }
  }
  return true
}

/** Ids are short, printable and URL-safe: letters, digits and . _ : @ - (1–128 chars). */
export const Id = z.string().regex(ID, 'ids are 1-128 characters of letters, digits and . _ : @ -')
export const AssetCode = z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/, 'asset codes are 1-32 upper-case letters, digits or _')
/** A positive decimal string; its scale is checked against the asset. */
export const Amount = z
  .string()
  .max(64)
  .regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'amounts are plain decimal strings like "12" or "1.5"')
/** A signed decimal string for floors and ceilings. */
export const Bound = z
  .string()
  .max(64)
  .regex(/^-?(0|[1-9]\d*)(\.\d+)?$/, 'limits are decimal strings like "0", "-10" or "1500"')
/** Free-form JSON object, bounded so one request cannot store megabytes. */
export const Metadata = z
  .record(z.string().max(128), z.unknown())
  .refine(
    (m) => storableJson(m) && JSON.stringify(m).length <= 8192,
    `metadata is plain JSON of at most 8 KiB (no NUL, unpaired surrogates or non-finite numbers), nested at most ${MAX_METADATA_DEPTH} deep`,
  )

export const AccountKind = z.enum(['member', 'organisation', 'issuance', 'redemption', 'escrow'])
export type AccountKind = z.infer<typeof AccountKind>
export const OwnerType = z.enum(['member', 'organisation', 'system'])
export type OwnerType = z.infer<typeof OwnerType>
export const AccountStatus = z.enum(['open', 'frozen', 'closed'])
export type AccountStatus = z.infer<typeof AccountStatus>

export const AssetInput = z.strictObject({
  code: AssetCode,
  scale: z.number().int().min(0).max(MAX_SCALE),
  name: Text(1, 200).optional(),
})
export type AssetInput = z.infer<typeof AssetInput>

export const CreateTenantInput = z.strictObject({
  id: Id,
  name: Text(1, 200),
  /** Defaults to HOUR (scale 2) and POINT (scale 0). */
  assets: z.array(AssetInput).max(32).optional(),
})
export type CreateTenantInput = z.infer<typeof CreateTenantInput>

export const DefineAssetInput = AssetInput.extend({ tenantId: Id })
export type DefineAssetInput = z.infer<typeof DefineAssetInput>

export const OpenAccountInput = z.strictObject({
  tenantId: Id,
  /** Client-chosen id; opening again with the same definition returns the existing account. */
  id: Id,
  asset: AssetCode,
  owner: z.strictObject({ type: OwnerType, id: Id }),
  kind: AccountKind.exclude(['issuance']).default('member'),
  /** Lowest balance allowed; default "0" for member and organisation wallets, null for no floor. */
  floor: Bound.nullable().optional(),
  /** Highest balance allowed (e.g. a 1,500 h storage cap); null or absent for none. */
  ceiling: Bound.nullable().optional(),
  metadata: Metadata.optional(),
})
export type OpenAccountInput = z.input<typeof OpenAccountInput>

export const AccountRef = z.strictObject({ tenantId: Id, accountId: Id })
export type AccountRef = z.infer<typeof AccountRef>

/**
 * A change of an account's floor and/or ceiling. Each limit: a decimal string at the asset's scale,
 * null for none, absent to keep it. At least one must be given (checked by `changeLimits`).
 */
export const ChangeLimitsInput = AccountRef.extend({
  /** Client-chosen id of the change: the same change again replays; another under the same id is refused. */
  id: Id,
  /** New lowest balance allowed; null for no floor; absent to keep the current one. */
  floor: Bound.nullable().optional(),
  /** New highest balance allowed (e.g. the storage cap lowered to 1,000 h); null for none; absent to keep it. */
  ceiling: Bound.nullable().optional(),
  /** Who made the change (a staff member, a policy), kept in the account's limit history. */
  actor: Text(1, 200).optional(),
  /** Why (e.g. the policy decision it applies), kept in the history. */
  reason: Text(1, 2000).optional(),
})
export type ChangeLimitsInput = z.input<typeof ChangeLimitsInput>

export const ListLimitChangesInput = AccountRef.extend({
  limit: z.number().int().min(1).max(1000).default(100),
})
export type ListLimitChangesInput = z.input<typeof ListLimitChangesInput>

export const SetAccountStatusInput = AccountRef.extend({ status: AccountStatus })
export type SetAccountStatusInput = z.infer<typeof SetAccountStatusInput>

export const ListAccountsInput = z.strictObject({
  tenantId: Id,
  owner: z.strictObject({ type: OwnerType, id: Id }).optional(),
  limit: z.number().int().min(1).max(500).default(100),
  /** Return accounts with ids after this one (keyset pagination). */
  after: Id.optional(),
})
export type ListAccountsInput = z.input<typeof ListAccountsInput>

const pendingFields = {
  /** Reserve instead of posting: the amount is held until `post` or `void`. */
  pending: z.boolean().optional(),
  /** With `pending`: seconds after which the hold voids itself. */
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(60 * 60 * 24 * 366)
    .optional(),
}

export const EarnOp = z.strictObject({
  type: z.literal('earn'),
  id: Id,
  /** Member or organisation account credited from the tenant's issuance account of the same asset. */
  to: Id,
  amount: Amount,
  /** Evidence for the credit: what was done and who checked it. */
  evidence: z.strictObject({
    activity: Text(1, 200),
    reviewer: Text(1, 200),
    note: Text(0, 2000).optional(),
  }),
  metadata: Metadata.optional(),
  ...pendingFields,
})

export const TransferOp = z.strictObject({
  type: z.literal('transfer'),
  id: Id,
  from: Id,
  to: Id,
  amount: Amount,
  memo: Text(0, 2000).optional(),
  metadata: Metadata.optional(),
  ...pendingFields,
})

export const RedeemOp = z.strictObject({
  type: z.literal('redeem'),
  id: Id,
  from: Id,
  /** A redemption sink account (points supermarket, elder-care service). */
  to: Id,
  amount: Amount,
  /** What was redeemed. */
  item: z.strictObject({ ref: Text(1, 200), quantity: z.number().int().min(1).max(1_000_000).optional() }),
  metadata: Metadata.optional(),
  ...pendingFields,
})

export const ReverseOp = z.strictObject({
  type: z.literal('reverse'),
  id: Id,
  /** The transfer to undo. */
  transferId: Id,
  /** Part of the original to undo; the whole remaining amount when absent. */
  amount: Amount.optional(),
  reason: Text(1, 2000),
  metadata: Metadata.optional(),
})

export const PostOp = z.strictObject({
  type: z.literal('post'),
  id: Id,
  pendingId: Id,
  /** Post part of the hold; the rest is released. Whole hold when absent. */
  amount: Amount.optional(),
  metadata: Metadata.optional(),
})

export const VoidOp = z.strictObject({
  type: z.literal('void'),
  id: Id,
  pendingId: Id,
  metadata: Metadata.optional(),
})

export const Operation = z.discriminatedUnion('type', [EarnOp, TransferOp, RedeemOp, ReverseOp, PostOp, VoidOp])
export type Operation = z.infer<typeof Operation>
export type OperationType = Operation['type']

export const EarnInput = EarnOp.omit({ type: true }).extend({ tenantId: Id })
export const TransferInput = TransferOp.omit({ type: true }).extend({ tenantId: Id })
export const RedeemInput = RedeemOp.omit({ type: true }).extend({ tenantId: Id })
export const ReverseInput = ReverseOp.omit({ type: true }).extend({ tenantId: Id })
export const PostInput = PostOp.omit({ type: true }).extend({ tenantId: Id })
export const VoidInput = VoidOp.omit({ type: true }).extend({ tenantId: Id })
export type EarnInput = z.infer<typeof EarnInput>
export type TransferInput = z.infer<typeof TransferInput>
export type RedeemInput = z.infer<typeof RedeemInput>
export type ReverseInput = z.infer<typeof ReverseInput>
export type PostInput = z.infer<typeof PostInput>
export type VoidInput = z.infer<typeof VoidInput>

/** Largest atomic batch. */
export const MAX_BATCH = 5000

export const BatchInput = z.strictObject({
  tenantId: Id,
  operations: z
    .array(Operation)
    .min(1)
    .max(MAX_BATCH)
    .refine((ops) => new Set(ops.map((o) => o.id)).size === ops.length, 'operation ids in a batch must be unique'),
})
export type BatchInput = z.infer<typeof BatchInput>

const inStorableYears = (d: Date) => {
  const year = d.getUTCFullYear()
  return !Number.isNaN(d.getTime()) && year >= 1 && year <= 9999
}
const YEARS_MESSAGE = 'instants must fall in the years 1 to 9999'

/** An ISO 8601 instant with an offset, in the years 1 to 9999 (what timestamptz holds comfortably). */
export const InstantText = z.iso.datetime({ offset: true }).refine((s) => inStorableYears(new Date(s)), YEARS_MESSAGE)

/** An instant as a Date or as InstantText. */
const Instant = z
  .union([z.date().refine(inStorableYears, YEARS_MESSAGE), InstantText])
  .transform((v) => (v instanceof Date ? v : new Date(v)))

/** A history cursor: a page's `nextCursor`, a positive int8. */
const CURSOR = /^[1-9]\d{0,18}$/
// One check, not regex + refine: zod runs a refine even when the regex failed.
export const Cursor = z.string().refine((s) => CURSOR.test(s) && BigInt(s) <= 9223372036854775807n, 'cursor is not one this ledger issued')

export const BalanceInput = AccountRef.extend({
  /** A past instant: the balance as it stood then. */
  at: Instant.optional(),
})
export type BalanceInput = z.input<typeof BalanceInput>

export const GetAccountInput = AccountRef.extend({
  /** A past instant: the floor and ceiling in force then (the other fields are as now). */
  at: Instant.optional(),
})
export type GetAccountInput = z.input<typeof GetAccountInput>

export const HistoryInput = AccountRef.extend({
  limit: z.number().int().min(1).max(1000).default(50),
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor: Cursor.optional(),
  /** Entries at or after this instant. */
  from: Instant.optional(),
  /** Entries before this instant. */
  to: Instant.optional(),
})
export type HistoryInput = z.input<typeof HistoryInput>

export const TransferRef = z.strictObject({ tenantId: Id, transferId: Id })
export type TransferRef = z.infer<typeof TransferRef>

export const TenantRef = z.strictObject({ tenantId: Id })
export type TenantRef = z.infer<typeof TenantRef>
