/**
 * Typed ledger errors: one class, stable codes.
 *
 * Recognise them with `isLedgerError(e)` rather than `instanceof`, which breaks
 * when two copies of the package are loaded.
 *
 * @example
 * try { await ledger.transfer(input) }
 * catch (e) { if (isLedgerError(e) && e.code === 'INSUFFICIENT_FUNDS') … }
 */
export const ErrorCode = {
  /** The input does not match the schema (missing field, wrong type, bad id). */
  VALIDATION: 'VALIDATION',
  /** An amount is malformed, zero, negative, or more precise than its asset allows. */
  INVALID_AMOUNT: 'INVALID_AMOUNT',
  TENANT_NOT_FOUND: 'TENANT_NOT_FOUND',
  TENANT_EXISTS: 'TENANT_EXISTS',
  ASSET_NOT_FOUND: 'ASSET_NOT_FOUND',
  ASSET_EXISTS: 'ASSET_EXISTS',
  ACCOUNT_NOT_FOUND: 'ACCOUNT_NOT_FOUND',
  ACCOUNT_EXISTS: 'ACCOUNT_EXISTS',
  /** The two sides of a movement hold different assets. */
  ASSET_MISMATCH: 'ASSET_MISMATCH',
  /** The operation needs another kind of account (e.g. redeem into a member wallet). */
  ACCOUNT_KIND_NOT_ALLOWED: 'ACCOUNT_KIND_NOT_ALLOWED',
  /** The debit would take the account's available balance below its floor. */
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  /** The credit would take the account above its ceiling (e.g. the 1,500 h cap). */
  CEILING_EXCEEDED: 'CEILING_EXCEEDED',
  /** The balance would leave the range PostgreSQL's bigint can hold. */
  BALANCE_OVERFLOW: 'BALANCE_OVERFLOW',
  ACCOUNT_FROZEN: 'ACCOUNT_FROZEN',
  ACCOUNT_CLOSED: 'ACCOUNT_CLOSED',
  /** Closing needs a zero balance and no open holds. */
  ACCOUNT_NOT_EMPTY: 'ACCOUNT_NOT_EMPTY',
  /** The account was opened with neither floor nor ceiling and is kept in shards: it cannot take a limit. */
  ACCOUNT_UNBOUNDED: 'ACCOUNT_UNBOUNDED',
  /** The id was used before for a different request. */
  IDEMPOTENCY_CONFLICT: 'IDEMPOTENCY_CONFLICT',
  TRANSFER_NOT_FOUND: 'TRANSFER_NOT_FOUND',
  PENDING_NOT_FOUND: 'PENDING_NOT_FOUND',
  PENDING_ALREADY_RESOLVED: 'PENDING_ALREADY_RESOLVED',
  PENDING_EXPIRED: 'PENDING_EXPIRED',
  /** Posting more than the pending amount. */
  PENDING_AMOUNT_EXCEEDED: 'PENDING_AMOUNT_EXCEEDED',
  /** Only transfers that moved value (posted) can be reversed. */
  NOT_REVERSIBLE: 'NOT_REVERSIBLE',
  REVERSAL_EXCEEDS_ORIGINAL: 'REVERSAL_EXCEEDS_ORIGINAL',
  /** Another item of the same atomic batch failed, so this one was not applied. */
  LINKED_EVENT_FAILED: 'LINKED_EVENT_FAILED',
  /** The storage kept failing with retryable conflicts; safe to retry the same request. */
  CONTENTION: 'CONTENTION',
} as const

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

export class LedgerError extends Error {
  override readonly name = 'LedgerError'
  readonly code: ErrorCode
  readonly details: Record<string, unknown> | undefined

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.details = details
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }
}

const codes = new Set<string>(Object.values(ErrorCode))

/** True for a LedgerError from any copy of this package. */
export function isLedgerError(e: unknown): e is LedgerError {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as { name?: unknown }).name === 'LedgerError' &&
    codes.has((e as { code?: unknown }).code as string)
  )
}
