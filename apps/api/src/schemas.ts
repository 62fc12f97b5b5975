/**
 * The wire format: request bodies built from the ledger's own zod schemas (the
 * tenant comes from the API key, and an operation's `id` may come from the
 * Idempotency-Key header instead), query and path parameters, and the
 * response shapes for the OpenAPI document. Amounts are decimal strings and
 * instants ISO 8601 strings, both ways.
 */
import { z } from '@hono/zod-openapi'
import { CommunityErrorCode, CommunityId } from '@timebank/community'
import {
  AccountOutput,
  AssetInput,
  AssetOutput,
  AssetTotalsOutput,
  BalanceOutput,
  BatchItemOkOutput,
  BatchResultOutput,
  CreateTenantInput,
  Cursor,
  ChangeLimitsInput,
  ChangeLimitsResultOutput,
  EarnOp,
  EntryOutput,
  ErrorCode,
  HistoryPageOutput,
  Id,
  InstantText,
  LedgerErrorOutput,
  LimitChangeOutput,
  MAX_BATCH,
  OpenAccountInput,
  OperationResultOutput,
  OwnerType,
  PostInput,
  PostOp,
  RedeemOp,
  ReverseInput,
  ReverseOp,
  TenantOutput,
  TransferOp,
  TransferOutput,
  VoidInput,
  VoidOp,
  sealedEarnBody,
  sealedRedeemBody,
  sealedTransferBody,
} from '@timebank/ledger'
import { ApiErrorCode } from './errors.js'
import { ROLES } from './keys/types.js'
import { PASSWORD_MAX, PASSWORD_MIN } from './users/password.js'
import type { User } from './users/types.js'

// ---------------------------------------------------------------- requests

// Note: the ledger's schemas may be built before @hono/zod-openapi extends zod (when the
// ledger is imported first), and zod copies methods onto instances when it builds them.
// So `.openapi()` is only ever called on schemas derived here (extend, omit, optional, clone).

/** What every body `id` that is also the idempotency key says of itself. */
export const ID_OR_HEADER =
  'Required unless the `Idempotency-Key` header carries it: a write with neither is refused with 400 IDEMPOTENCY_KEY_REQUIRED, and with both they must be equal (400 IDEMPOTENCY_KEY_MISMATCH).'

const OptionalId = Id.optional().openapi({
  description: `Client-chosen id, which is also the idempotency key. ${ID_OR_HEADER}`,
  example: 'visit-2026-03-01-zhang',
})

export const CreateTenantBody = CreateTenantInput.extend({ id: OptionalId }).openapi('CreateTenantRequest')
export const DefineAssetBody = AssetInput.extend({}).openapi('DefineAssetRequest')
export const OpenAccountBody = OpenAccountInput.omit({ tenantId: true }).extend({ id: OptionalId }).openapi('OpenAccountRequest')
export const ChangeLimitsBody = ChangeLimitsInput.omit({ tenantId: true, accountId: true })
  .extend({ id: OptionalId })
  .openapi('ChangeLimitsRequest')
// Sealed: parsed here once, the ledger takes them without parsing again (`moveSealed`).
export const EarnBody = sealedEarnBody(OptionalId).openapi('EarnRequest')
export const TransferBody = sealedTransferBody(OptionalId).openapi('TransferRequest')
export const RedeemBody = sealedRedeemBody(OptionalId).openapi('RedeemRequest')
export const ReverseBody = ReverseInput.omit({ tenantId: true, transferId: true }).extend({ id: OptionalId }).openapi('ReverseRequest')
export const PostBody = PostInput.omit({ tenantId: true, pendingId: true }).extend({ id: OptionalId }).openapi('PostRequest')
export const VoidBody = VoidInput.omit({ tenantId: true, pendingId: true }).extend({ id: OptionalId }).openapi('VoidRequest')

export const BatchOperation = z
  .discriminatedUnion('type', [
    EarnOp.extend({ id: OptionalId }),
    TransferOp.extend({ id: OptionalId }),
    RedeemOp.extend({ id: OptionalId }),
    ReverseOp.extend({ id: OptionalId }),
    PostOp.extend({ id: OptionalId }),
    VoidOp.extend({ id: OptionalId }),
  ])
  .openapi('BatchOperation')

export const BatchBody = z
  .strictObject({
    operations: z.array(BatchOperation).min(1).max(MAX_BATCH).openapi({
      description: 'Applied all-or-nothing, in order. An operation without an id gets `<Idempotency-Key>:<index>`.',
    }),
  })
  .openapi('BatchRequest')

export const KeyOwner = z.strictObject({ type: z.enum(['member', 'organisation']), id: Id }).openapi('KeyOwner')

export const CreateKeyBody = z
  .strictObject({
    name: z.string().min(1).max(200).openapi({ example: 'front desk tablet' }),
    role: z.enum(ROLES),
    /** Required for member keys, refused for others. */
    owner: KeyOwner.optional().openapi({ description: 'Required for member keys: the owner whose accounts the key may use.' }),
    gridId: CommunityId.optional().openapi({
      description: "Staff keys only: limit the key to this grid's subtree (a grid leader's key). The community must be set up.",
    }),
  })
  .openapi('CreateKeyRequest')

// ---------------------------------------------------------------- parameters

/** An ISO 8601 instant PostgreSQL can store: the ledger's own rule. */
export const Instant = InstantText.clone().openapi({ example: '2024-05-01T00:00:00Z' })

const PageSize = (max: number) =>
  z
    .string()
    .regex(/^[1-9]\d{0,3}$/, 'limit is a whole number')
    .refine((s) => Number(s) <= max, `limit is at most ${max}`)
    .openapi({ description: `Page size, 1 to ${max}.`, example: '50' })

export const AccountParams = z.object({ accountId: Id.clone().openapi({ param: { name: 'accountId', in: 'path' }, example: 'ana:hours' }) })
export const TransferParams = z.object({
  transferId: Id.clone().openapi({ param: { name: 'transferId', in: 'path' }, example: 'visit-1' }),
})
export const KeyParams = z.object({ keyId: Id.clone().openapi({ param: { name: 'keyId', in: 'path' } }) })

export const ListAccountsQuery = z.object({
  ownerType: OwnerType.optional(),
  ownerId: Id.optional(),
  after: Id.optional().openapi({ description: "Return accounts with ids after this one (the previous page's `nextAfter`)." }),
  limit: PageSize(500).optional(),
})

export const AccountQuery = z.object({
  at: Instant.optional().openapi({ description: 'A past instant: the floor and ceiling in force then (the other fields as now).' }),
})

export const LimitChangesQuery = z.object({ limit: PageSize(1000).optional() })

export const BalanceQuery = z.object({
  at: Instant.optional().openapi({ description: 'A past instant: the balance as it stood then.' }),
})

export const HistoryQuery = z.object({
  limit: PageSize(1000).optional(),
  cursor: Cursor.clone().optional().openapi({ description: "The previous page's `nextCursor`." }),
  from: Instant.optional().openapi({ description: 'Entries at or after this instant.' }),
  to: Instant.optional().openapi({ description: 'Entries before this instant.' }),
})

// ---------------------------------------------------------------- responses

// The ledger's output schemas are the one definition of what it returns (field descriptions and examples
// included). Each component below is derived from one, so `.openapi()` names the copy, never the ledger's schema.
// Nested components are swapped in (`transfer: TransferSchema`) so the document refers to them by $ref.

const Timestamp = z.string().openapi({ format: 'date-time', example: '2024-05-01T08:30:00.000Z' })

export const AssetSchema = AssetOutput.extend({}).openapi('Asset')

export const TenantSchema = TenantOutput.extend({ assets: z.array(AssetSchema) }).openapi('Tenant')

export const AccountSchema = AccountOutput.extend({}).openapi('Account')

export const LimitChangeSchema = LimitChangeOutput.extend({}).openapi('LimitChange')

export const ChangeLimitsResultSchema = ChangeLimitsResultOutput.omit({ replayed: true })
  .extend({ change: LimitChangeSchema, account: AccountSchema })
  .openapi('ChangeLimitsResult')

export const LimitChangeListSchema = z.object({ changes: z.array(LimitChangeSchema) }).openapi('LimitChangeList')

export const AccountPageSchema = z.object({ accounts: z.array(AccountSchema), nextAfter: z.string().nullable() }).openapi('AccountPage')

export const BalanceSchema = BalanceOutput.extend({}).openapi('Balance')

export const TransferSchema = TransferOutput.extend({}).openapi('Transfer')

export const OperationResultSchema = OperationResultOutput.extend({ transfer: TransferSchema }).openapi('OperationResult')

// A refused batch answers 422 with the Error shape, so the API's batch result only ever holds applied items.
export const BatchResultSchema = BatchResultOutput.extend({
  committed: z.literal(true),
  results: z.array(BatchItemOkOutput.extend({ transfer: TransferSchema })),
  replayed: z.boolean().openapi({ description: 'True when every operation had been applied before.' }),
}).openapi('BatchResult')

export const EntrySchema = EntryOutput.extend({}).openapi('Entry')

export const HistoryPageSchema = HistoryPageOutput.extend({ entries: z.array(EntrySchema) }).openapi('HistoryPage')

export const TotalsSchema = z.object({ totals: z.array(AssetTotalsOutput) }).openapi('Totals')

export const ApiKeySchema = z
  .object({
    tenantId: z.string(),
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    owner: z.object({ type: z.enum(['member', 'organisation']), id: z.string() }).nullable(),
    gridId: z.string().nullable().openapi({ description: "Staff keys limited to a grid's subtree: that grid." }),
    start: z.string().openapi({ description: 'The first characters of the secret.' }),
    createdAt: Timestamp,
    createdBy: z.string().nullable(),
    revokedAt: Timestamp.nullable(),
  })
  .openapi('ApiKey')

export const CreatedKeySchema = z
  .object({
    key: ApiKeySchema,
    secret: z.string().nullable().openapi({
      description:
        'The key to send as `Authorization: Bearer <secret>`. Shown once: null on an idempotent replay, since only a hash is stored.',
    }),
  })
  .openapi('CreatedKey')

// ---------------------------------------------------------------- users and sessions

/** A login as a user is given one: what it matches is its lower case (NFKC). */
export const Login = z
  .string()
  .min(1)
  .max(100)
  .refine((s) => !/[\s\p{C}]/u.test(s), 'a login has no spaces or control characters')
  .openapi({ description: 'Matches whatever its case: `Li.Na` and `li.na` are one login.', example: 'li.na' })

export const Password = z
  .string()
  .min(PASSWORD_MIN)
  .max(PASSWORD_MAX)
  .openapi({ description: `${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`, example: 'correct horse battery' })

const userFields = {
  id: z.string().openapi({ example: 'lina' }),
  login: z.string().openapi({ description: 'As it is matched: lower case (NFKC).', example: 'li.na' }),
  name: z.string().openapi({ description: 'The name the console shows.', example: '李娜' }),
  role: z.enum(ROLES),
  memberId: z.string().nullable().openapi({ description: 'Member users: the member whose accounts they use.' }),
  gridId: z.string().nullable().openapi({ description: "Staff users limited to a grid's subtree (grid leaders): that grid." }),
  hasPassword: z.boolean().openapi({ description: 'False until a password is set: such a user signs in with a link first.' }),
}

/** A user as they see themselves: at sign-in and in `GET /v1/me`. */
export const SessionUserSchema = z.object(userFields).openapi('SessionUser')

/** Only the fields of `SessionUser`. */
export const sessionUser = (u: User): z.infer<typeof SessionUserSchema> => ({
  id: u.id,
  login: u.login,
  name: u.name,
  role: u.role,
  memberId: u.memberId,
  gridId: u.gridId,
  hasPassword: u.hasPassword,
})

export const UserSchema = z
  .object({
    tenantId: z.string(),
    ...userFields,
    lockedUntil: Timestamp.nullable().openapi({ description: 'Sign-ins are refused until then, after too many failures in a row.' }),
    createdAt: Timestamp,
    createdBy: z.string().nullable().openapi({ description: 'The key (its id) or user (`user:<id>`) that created it.' }),
    disabledAt: Timestamp.nullable().openapi({ description: 'Set once the user is disabled: they can no longer sign in.' }),
  })
  .openapi('User')

export const SessionSchema = z
  .object({
    token: z.string().openapi({
      description: 'The session token: send it as `Authorization: Bearer <token>`. Shown this once; only its hash is stored.',
      example: 'tbs_3q2-7wVx…',
    }),
    expiresAt: Timestamp,
    user: SessionUserSchema,
  })
  .openapi('Session')

export const CreatedTenantSchema = z.object({ tenant: TenantSchema, adminKey: CreatedKeySchema }).openapi('CreatedTenant')

/** Every code a response can carry: the ledger's, the community's and the API's own, from their constants. */
export const ErrorCodeSchema = z.enum({ ...ErrorCode, ...CommunityErrorCode, ...ApiErrorCode }).openapi('ErrorCode', {
  description:
    "A stable code: the ledger's (e.g. INSUFFICIENT_FUNDS), the community's (e.g. MEMBER_NOT_FOUND) or the API's (e.g. UNAUTHORIZED).",
})

export const ErrorSchema = z
  .object({
    error: LedgerErrorOutput.extend({
      code: ErrorCodeSchema,
      // Always present on the wire: null rather than absent.
      details: LedgerErrorOutput.shape.details.unwrap().nullable(),
      requestId: z.string(),
    }),
  })
  .openapi('Error')

type ErrStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503

/**
 * Response entries for a route's error statuses, so the typed client knows their bodies. The served
 * document replaces each by the shared response of its status (openapi.ts), which says what it means.
 */
export function errors<const S extends ErrStatus>(...statuses: S[]) {
  const out = {} as Record<S, { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }>
  for (const s of statuses) out[s] = { description: 'An error', content: { 'application/json': { schema: ErrorSchema } } }
  return out
}

/** Every status an authenticated write can answer with. */
export const WRITE_ERRORS = [400, 401, 403, 404, 409, 413, 415, 422, 503] as const

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})
