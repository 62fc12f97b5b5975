/**
 * Gifting and donation use cases, bound to a community context (see community.ts).
 */
import type { CommunityContext, InputOf as Input } from '../context.js'
import { checkMovement } from '../policy-check.js'
import { donate, gift } from './gift.js'

export function giftUseCases(ctx: CommunityContext) {
  return {
    /**
     * Give hours or points to another member, as the policy allows (who may receive, of what, the recipient's cap).
     * Codes: VALIDATION, INVALID_AMOUNT, MEMBER_NOT_FOUND, MEMBER_NOT_ACTIVE, POLICY_VIOLATION, IDEMPOTENCY_CONFLICT,
     * and the ledger's INSUFFICIENT_FUNDS, CEILING_EXCEEDED, ACCOUNT_FROZEN.
     */
    gift: (input: Input<typeof gift>) => gift(ctx, input),
    /**
     * Donate to the community pool, from a member or an organisation. Codes: VALIDATION, INVALID_AMOUNT, MEMBER_NOT_FOUND,
     * MEMBER_NOT_ACTIVE, ORGANISATION_NOT_FOUND, POLICY_VIOLATION, IDEMPOTENCY_CONFLICT, and the ledger's INSUFFICIENT_FUNDS.
     */
    donate: (input: Input<typeof donate>) => donate(ctx, input),
    /**
     * Judge a member key's plain ledger move (transfer or redeem) as the community's policy would its own gift,
     * donation or redemption. Codes: POLICY_VIOLATION.
     */
    checkMovement: (input: Parameters<typeof checkMovement>[1]) => checkMovement(ctx, input),
  }
}
