/**
 * Idempotency at the HTTP edge. For every write that creates something named
 * by an id (tenants, accounts, ledger operations) the id is the idempotency
 * key: send it in the body, or as the `Idempotency-Key` header, or both when
 * equal. A replay answers with the original status and `Idempotency-Replayed: true`.
 *
 * @example
 * const id = writeId(c, body.id)
 * markReplayed(c, result.replayed)
 */
import type { Context } from 'hono'
import { Id } from '@timebank/ledger'
import { ApiError } from './errors.js'

export const IDEMPOTENCY_HEADER = 'Idempotency-Key'
export const REPLAYED_HEADER = 'Idempotency-Replayed'

/** The Idempotency-Key header, checked like an id; undefined when absent. */
export function idempotencyHeader(c: Context): string | undefined {
  const value = c.req.header(IDEMPOTENCY_HEADER)
  if (value === undefined) return undefined
  if (!Id.safeParse(value).success) {
    throw new ApiError('VALIDATION', 'Idempotency-Key must be 1-128 characters of letters, digits and . _ : @ -', {
      issues: [{ path: 'header.Idempotency-Key', message: 'invalid idempotency key' }],
    })
  }
  return value
}

/** The id of this write: the body's, the header's, or both when equal. */
export function writeId(c: Context, bodyId: string | undefined): string {
  const header = idempotencyHeader(c)
  if (bodyId !== undefined && header !== undefined && bodyId !== header) {
    throw new ApiError('IDEMPOTENCY_KEY_MISMATCH', "the Idempotency-Key header and the body's id differ", { header, id: bodyId })
  }
  const id = bodyId ?? header
  if (id === undefined) {
    throw new ApiError('IDEMPOTENCY_KEY_REQUIRED', 'give this write an id: an "id" in the body or an Idempotency-Key header')
  }
  return id
}

/** Mark a replayed response. */
export function markReplayed(c: Context, replayed: boolean): void {
  if (replayed) c.header(REPLAYED_HEADER, 'true')
}
