/**
 * The points expiry use cases, bound to a community context (see community.ts).
 * The rule comes in with each call: the community's policy decides it.
 */
import type { CommunityContext, InputOf as Input } from '../context.js'
import { expiringPoints } from './expiring.js'
import { expiryRun } from './run.js'

export function expiryUseCases(ctx: CommunityContext) {
  return {
    /**
     * Expire, for every member, the points due by `asOf` (default now) under the rule, first in first out, into
     * the community's `expired:POINT`; idempotent, and a late run posts what an on-time one would have.
     * A member's refusal by the ledger (a frozen account) is listed in `failed`, not raised.
     * Codes: VALIDATION (asOf in the future, a bad rule), COMMUNITY_NOT_FOUND.
     */
    expiryRun: (input: Input<typeof expiryRun>) => expiryRun(ctx, input),
    /**
     * What of a member's points expires when under the rule, soonest first.
     * Codes: VALIDATION, COMMUNITY_NOT_FOUND, MEMBER_NOT_FOUND, and the ledger's ACCOUNT_NOT_FOUND (accounts not opened yet).
     */
    expiringPoints: (input: Input<typeof expiringPoints>) => expiringPoints(ctx, input),
  }
}
