/**
 * Typed community errors: one class, stable codes, like the ledger's. The
 * ledger's own errors (INSUFFICIENT_FUNDS, …) pass through unchanged.
 *
 * @example
 * if (isCommunityError(e) && e.code === 'MEMBER_NOT_ACTIVE') …
 */
export const CommunityErrorCode = {
  /** The tenant has no community set up (`setUp`). */
  COMMUNITY_NOT_FOUND: 'COMMUNITY_NOT_FOUND',
  MEMBER_NOT_FOUND: 'MEMBER_NOT_FOUND',
  MEMBER_EXISTS: 'MEMBER_EXISTS',
  /** The member is not active (applied, rejected, deactivated or erased). */
  MEMBER_NOT_ACTIVE: 'MEMBER_NOT_ACTIVE',
  GRID_NOT_FOUND: 'GRID_NOT_FOUND',
  GRID_EXISTS: 'GRID_EXISTS',
  /** A grid cannot move under itself or its own subtree. */
  GRID_CYCLE: 'GRID_CYCLE',
  ORGANISATION_NOT_FOUND: 'ORGANISATION_NOT_FOUND',
  ORGANISATION_EXISTS: 'ORGANISATION_EXISTS',
  ACTIVITY_NOT_FOUND: 'ACTIVITY_NOT_FOUND',
  ACTIVITY_EXISTS: 'ACTIVITY_EXISTS',
  ACTIVITY_CANCELLED: 'ACTIVITY_CANCELLED',
  /** Staff closed the activity: it takes no more sign-ups, check-ins or check-outs. */
  ACTIVITY_CLOSED: 'ACTIVITY_CLOSED',
  /** An activity is closed only once it has ended (before that, cancel it). */
  ACTIVITY_NOT_ENDED: 'ACTIVITY_NOT_ENDED',
  /** Checking in or out needs a sign-up (a waitlisted one does not count). */
  NOT_SIGNED_UP: 'NOT_SIGNED_UP',
  ALREADY_CHECKED_IN: 'ALREADY_CHECKED_IN',
  NOT_CHECKED_IN: 'NOT_CHECKED_IN',
  ALREADY_CHECKED_OUT: 'ALREADY_CHECKED_OUT',
  /** The check-in code is wrong or no longer current. */
  CHECKIN_CODE_INVALID: 'CHECKIN_CODE_INVALID',
  /** Outside the activity's window and its grace period. */
  CHECKIN_CLOSED: 'CHECKIN_CLOSED',
  RECORD_NOT_FOUND: 'RECORD_NOT_FOUND',
  RECORD_EXISTS: 'RECORD_EXISTS',
  /** The record's state does not allow this (details name the state and the action). */
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  /** A manually entered record needs someone other than who entered it to approve it. */
  SECOND_APPROVER_REQUIRED: 'SECOND_APPROVER_REQUIRED',
  RULE_NOT_FOUND: 'RULE_NOT_FOUND',
  /** A period can be closed only after it has ended. */
  PERIOD_NOT_ENDED: 'PERIOD_NOT_ENDED',
  PERIOD_CLOSED: 'PERIOD_CLOSED',
  CERTIFICATE_NOT_FOUND: 'CERTIFICATE_NOT_FOUND',
  /** No approved hours to certify for that member and period or activity. */
  NOTHING_TO_CERTIFY: 'NOTHING_TO_CERTIFY',
  /** Input that does not match the schema, or a rule about it (e.g. a relative who is the member). */
  VALIDATION: 'VALIDATION',
  /** The id was used before for a different request. */
  IDEMPOTENCY_CONFLICT: 'IDEMPOTENCY_CONFLICT',
  /** The activity has ended: it takes no more sign-ups. */
  ACTIVITY_ENDED: 'ACTIVITY_ENDED',
  // Policies (domain/policy.ts)
  POLICY_NOT_FOUND: 'POLICY_NOT_FOUND',
  /** The community's policy refuses this; details name the rule and the policy version. */
  POLICY_VIOLATION: 'POLICY_VIOLATION',
  // Service orders (居民点单、社区下单、单位接单): the catalogue and the orders.
  SERVICE_NOT_FOUND: 'SERVICE_NOT_FOUND',
  SERVICE_EXISTS: 'SERVICE_EXISTS',
  /** The service is withdrawn from the catalogue: it takes no new orders. */
  SERVICE_INACTIVE: 'SERVICE_INACTIVE',
  ORDER_NOT_FOUND: 'ORDER_NOT_FOUND',
  ORDER_EXISTS: 'ORDER_EXISTS',
  /** Who asks may not take this step of the order (not its resident, not its assigned provider, not staff). */
  ORDER_NOT_ALLOWED: 'ORDER_NOT_ALLOWED',
  /** The resident cannot be dispatched as the provider of their own order. */
  PROVIDER_IS_RESIDENT: 'PROVIDER_IS_RESIDENT',

  // Micro-wishes (wishes/).
  WISH_NOT_FOUND: 'WISH_NOT_FOUND',
  /** The wish id was used before for a different wish. */
  WISH_EXISTS: 'WISH_EXISTS',
  /** Someone else claimed the wish first. */
  WISH_ALREADY_CLAIMED: 'WISH_ALREADY_CLAIMED',
  /** The poster of a wish cannot claim it. */
  WISH_OWN: 'WISH_OWN',
  /** Only the volunteer who claimed a wish fulfils it or, among members, releases it. */
  WISH_NOT_CLAIMANT: 'WISH_NOT_CLAIMANT',
  /** Among members, only the poster confirms or cancels a wish. */
  WISH_NOT_POSTER: 'WISH_NOT_POSTER',
  /** The wish's deadline has passed: it can no longer be claimed, fulfilled or confirmed. */
  WISH_PAST_DEADLINE: 'WISH_PAST_DEADLINE',

  // Points supermarket (积分超市)
  REWARD_NOT_FOUND: 'REWARD_NOT_FOUND',
  /** A reward with this id exists with other content. */
  REWARD_EXISTS: 'REWARD_EXISTS',
  /** The reward is off the catalogue: it takes no redemptions. */
  REWARD_INACTIVE: 'REWARD_INACTIVE',
  /** Fewer units on the shelf than asked for (the ledger's INSUFFICIENT_FUNDS on the reward's shelf). */
  OUT_OF_STOCK: 'OUT_OF_STOCK',
  REDEMPTION_NOT_FOUND: 'REDEMPTION_NOT_FOUND',
  /** A redemption with this id exists with other content. */
  REDEMPTION_EXISTS: 'REDEMPTION_EXISTS',
} as const

export type CommunityErrorCode = (typeof CommunityErrorCode)[keyof typeof CommunityErrorCode]

export class CommunityError extends Error {
  override readonly name = 'CommunityError'
  readonly code: CommunityErrorCode
  readonly details: Record<string, unknown> | undefined

  constructor(code: CommunityErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.details = details
  }

  toJSON(): { code: CommunityErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }
}

const codes = new Set<string>(Object.values(CommunityErrorCode))

/** True for a CommunityError from any copy of this package. */
export function isCommunityError(e: unknown): e is CommunityError {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as { name?: unknown }).name === 'CommunityError' &&
    codes.has((e as { code?: unknown }).code as string)
  )
}

/** `what` not found, with the id in the details. */
export const notFound = (code: CommunityErrorCode, what: string, id: string, key = 'id'): CommunityError =>
  new CommunityError(code, `${what} ${id} not found`, { [key]: id })
