/**
 * Error codes and their HTTP statuses. The ledger's codes come from
 * `@timebank/ledger`, the community's from `@timebank/community`; the API adds
 * a few of its own. `STATUS` is a
 * `Record` over every code, so the type checker fails when a code has no status.
 *
 * Every error response has one shape: `{ error: { code, message, details, requestId } }`.
 *
 * @example
 * throw new ApiError('FORBIDDEN', 'members may only move value from their own accounts')
 */
import type { CommunityErrorCode } from '@timebank/community'
import type { ErrorCode } from '@timebank/ledger'

/** Codes raised by the HTTP layer itself, never by the ledger. */
export const ApiErrorCode = {
  /** No `Authorization: Bearer` header, or the key or session is unknown, revoked or expired. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** A sign-in with a wrong login or password (the same answer for both). */
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  /** Too many failed sign-ins in a row: the user is locked for a while (Retry-After). */
  SIGN_IN_LOCKED: 'SIGN_IN_LOCKED',
  /** A sign-in link that is unknown, used, expired, or of a disabled user. */
  SIGN_IN_LINK_INVALID: 'SIGN_IN_LINK_INVALID',
  /** Another user of the tenant has this login (logins match whatever their case). */
  LOGIN_TAKEN: 'LOGIN_TAKEN',
  /** The key is valid but its role may not do this. */
  FORBIDDEN: 'FORBIDDEN',
  /** No such route, or a resource this key cannot see. */
  NOT_FOUND: 'NOT_FOUND',
  /** The body is larger than the configured limit. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** The body is not valid UTF-8 JSON (syntax, duplicated keys, nesting too deep). */
  MALFORMED_JSON: 'MALFORMED_JSON',
  /** A body was sent with a content type other than JSON. */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** A write needs an id: in the body or as the `Idempotency-Key` header. */
  IDEMPOTENCY_KEY_REQUIRED: 'IDEMPOTENCY_KEY_REQUIRED',
  /** The `Idempotency-Key` header and the body's `id` differ. */
  IDEMPOTENCY_KEY_MISMATCH: 'IDEMPOTENCY_KEY_MISMATCH',
  /** Revoking this key would leave the tenant without an active admin key. */
  LAST_ADMIN_KEY: 'LAST_ADMIN_KEY',
  /** The HTTP request itself is malformed (bad path, bad header). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** The request headers are larger than the server accepts. */
  HEADERS_TOO_LARGE: 'HEADERS_TOO_LARGE',
  /** Storage is unreachable, or the server is shutting down. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** A bug: details are in the server log under the request id, never in the response. */
  INTERNAL: 'INTERNAL',
} as const
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode]

/** Every code a response can carry. */
export type AnyErrorCode = ErrorCode | CommunityErrorCode | ApiErrorCode

/** HTTP status for every code: 400 malformed, 404 unknown, 409 conflict, 422 refused by a rule. */
export const STATUS = {
  // ledger
  VALIDATION: 400,
  INVALID_AMOUNT: 422,
  TENANT_NOT_FOUND: 404,
  TENANT_EXISTS: 409,
  ASSET_NOT_FOUND: 404,
  ASSET_EXISTS: 409,
  ACCOUNT_NOT_FOUND: 404,
  ACCOUNT_EXISTS: 409,
  ASSET_MISMATCH: 422,
  ACCOUNT_KIND_NOT_ALLOWED: 422,
  INSUFFICIENT_FUNDS: 422,
  CEILING_EXCEEDED: 422,
  BALANCE_OVERFLOW: 422,
  ACCOUNT_FROZEN: 422,
  ACCOUNT_CLOSED: 422,
  ACCOUNT_NOT_EMPTY: 422,
  ACCOUNT_UNBOUNDED: 422,
  IDEMPOTENCY_CONFLICT: 409,
  TRANSFER_NOT_FOUND: 404,
  PENDING_NOT_FOUND: 404,
  PENDING_ALREADY_RESOLVED: 409,
  PENDING_EXPIRED: 422,
  PENDING_AMOUNT_EXCEEDED: 422,
  NOT_REVERSIBLE: 422,
  REVERSAL_EXCEEDS_ORIGINAL: 422,
  LINKED_EVENT_FAILED: 422,
  CONTENTION: 503,
  // community
  COMMUNITY_NOT_FOUND: 404,
  MEMBER_NOT_FOUND: 404,
  MEMBER_EXISTS: 409,
  MEMBER_NOT_ACTIVE: 422,
  GRID_NOT_FOUND: 404,
  GRID_EXISTS: 409,
  GRID_CYCLE: 422,
  ORGANISATION_NOT_FOUND: 404,
  ORGANISATION_EXISTS: 409,
  ACTIVITY_NOT_FOUND: 404,
  ACTIVITY_EXISTS: 409,
  ACTIVITY_CANCELLED: 422,
  ACTIVITY_CLOSED: 422,
  ACTIVITY_NOT_ENDED: 422,
  NOT_SIGNED_UP: 422,
  ALREADY_CHECKED_IN: 409,
  NOT_CHECKED_IN: 422,
  ALREADY_CHECKED_OUT: 409,
  CHECKIN_CODE_INVALID: 422,
  CHECKIN_CLOSED: 422,
  RECORD_NOT_FOUND: 404,
  RECORD_EXISTS: 409,
  INVALID_TRANSITION: 409,
  SECOND_APPROVER_REQUIRED: 403,
  RULE_NOT_FOUND: 404,
  PERIOD_NOT_ENDED: 422,
  PERIOD_CLOSED: 409,
  CERTIFICATE_NOT_FOUND: 404,
  NOTHING_TO_CERTIFY: 422,
  ACTIVITY_ENDED: 422,
  // policies
  POLICY_NOT_FOUND: 404,
  POLICY_VIOLATION: 422,
  // service orders
  SERVICE_NOT_FOUND: 404,
  SERVICE_EXISTS: 409,
  SERVICE_INACTIVE: 422,
  ORDER_NOT_FOUND: 404,
  ORDER_EXISTS: 409,
  ORDER_NOT_ALLOWED: 403,
  PROVIDER_IS_RESIDENT: 422,
  // community: micro-wishes
  WISH_NOT_FOUND: 404,
  WISH_EXISTS: 409,
  WISH_ALREADY_CLAIMED: 409,
  WISH_OWN: 422,
  WISH_NOT_CLAIMANT: 403,
  WISH_NOT_POSTER: 403,
  WISH_PAST_DEADLINE: 422,
  // points supermarket
  REWARD_NOT_FOUND: 404,
  REWARD_EXISTS: 409,
  REWARD_INACTIVE: 422,
  OUT_OF_STOCK: 422,
  REDEMPTION_NOT_FOUND: 404,
  REDEMPTION_EXISTS: 409,
  // api
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  SIGN_IN_LOCKED: 429,
  SIGN_IN_LINK_INVALID: 401,
  LOGIN_TAKEN: 409,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  MALFORMED_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REQUIRED: 400,
  IDEMPOTENCY_KEY_MISMATCH: 400,
  LAST_ADMIN_KEY: 409,
  BAD_REQUEST: 400,
  HEADERS_TOO_LARGE: 431,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const satisfies Record<AnyErrorCode, number>

/** An error the HTTP layer raises; `onError` renders it like a LedgerError. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly code: AnyErrorCode
  readonly details: Record<string, unknown> | undefined
  /** Overrides the code's status (a refused batch is 422 whatever its failing item's code). */
  readonly status: number | undefined

  constructor(code: AnyErrorCode, message: string, details?: Record<string, unknown>, options?: { status?: number }) {
    super(message)
    this.code = code
    this.details = details
    this.status = options?.status
  }
}

/** True for an ApiError (recognised by name, like LedgerError). */
export function isApiError(e: unknown): e is ApiError {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as { name?: unknown }).name === 'ApiError' &&
    typeof (e as { code?: unknown }).code === 'string'
  )
}

/** The body of every error response. */
export interface ErrorBody {
  error: { code: AnyErrorCode; message: string; details: Record<string, unknown> | null; requestId: string }
}

export function errorBody(code: AnyErrorCode, message: string, details: Record<string, unknown> | undefined, requestId: string): ErrorBody {
  return { error: { code, message, details: details ?? null, requestId } }
}

/** A complete JSON error response, for places outside Hono's context (node's clientError, request errors). */
export function errorResponse(code: AnyErrorCode, message: string, requestId: string): Response {
  return new Response(JSON.stringify(errorBody(code, message, undefined, requestId)), {
    status: STATUS[code],
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
  })
}

/** Node socket errors: the server is down, unreachable, or dropped the connection. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'])
/** postgres.js's own connection errors, and POOL_TIMEOUT from storage-bounds.ts. */
const DRIVER_CODES = new Set(['CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'POOL_TIMEOUT'])
/** SQLSTATEs that say the server cannot serve now (not that the request is wrong). */
const SQLSTATE_CODES: Record<string, string> = {
  '57P01': 'the database server is shutting down',
  '57P02': 'the database server is shutting down',
  '57P03': 'the database server cannot accept connections now',
  '57014': 'a storage statement took longer than its time limit',
}

/**
 * Why storage cannot serve right now, or null when `e` is not an outage: the
 * one classification behind `503 UNAVAILABLE` for storage failures. Looks at
 * `code` down the cause chain (drizzle wraps driver errors). Outages are
 * refused connections, dropped or timed-out connections, SQLSTATE class 08
 * (connection exception), class 53 (insufficient resources: 53100 disk full),
 * 57P01-57P03 (shutdown, cannot connect now) and 57014 (statement_timeout).
 * Retrying the same request later is safe: writes are idempotent by their id.
 */
export function storageUnavailable(e: unknown): string | null {
  let cur: unknown = e
  for (let depth = 0; depth < 6 && cur !== null && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code) || DRIVER_CODES.has(code)) return `the database server is unreachable (${code})`
      if (code.startsWith('08') && code.length === 5) return `the connection to the database server failed (${code})`
      if (code.startsWith('53') && code.length === 5) return `the database server is out of resources (${code})`
      const known = SQLSTATE_CODES[code]
      if (known) return `${known} (${code})`
    }
    cur = (cur as { cause?: unknown }).cause
  }
  return null
}
