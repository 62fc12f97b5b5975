/**
 * The micro-wish use cases, bound to a community context (see community.ts).
 */
import type { CommunityContext, InputOf as Input } from '../context.js'
import { cancelWish, claimWish, confirmWish, expireWishes, fulfilWish, releaseWish } from './actions.js'
import { postWish } from './post.js'
import { getWish, listWishes, wishCounts, wishScope } from './reads.js'
import { healWishes, reconcileWishes } from './reconcile.js'

export function wishUseCases(ctx: CommunityContext) {
  return {
    /**
     * Post a wish for a resident (in their grid unless another is named), with an optional deadline and points reward held
     * from its sponsor at once. The same wish again is a replay (a refused one is tried again). Codes: VALIDATION,
     * COMMUNITY_NOT_FOUND, MEMBER_NOT_FOUND, MEMBER_NOT_ACTIVE, GRID_NOT_FOUND, ORGANISATION_NOT_FOUND, WISH_EXISTS, and the
     * ledger's refusal of the hold (INSUFFICIENT_FUNDS, ACCOUNT_FROZEN…), which leaves the wish `refused`.
     */
    postWish: (input: Input<typeof postWish>) => postWish(ctx, input),
    /** Codes: VALIDATION, WISH_NOT_FOUND. */
    getWish: (input: Input<typeof getWish>) => getWish(ctx, input),
    /** Newest first, by status, grid subtree, poster or volunteer. Codes: VALIDATION. */
    listWishes: (input: Input<typeof listWishes>) => listWishes(ctx, input),
    /** A wish's poster, volunteer and grid path, for scope checks; null for no such wish. */
    wishScope: (tenantId: string, wishId: string) => wishScope(ctx, tenantId, wishId),
    /** Wishes posted, claimed, fulfilled, confirmed, cancelled and expired in a period of the community's time zone. Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    wishCounts: (input: Input<typeof wishCounts>) => wishCounts(ctx, input),
    /**
     * Claim a published wish for a volunteer: of concurrent claims exactly one wins. Codes: VALIDATION, COMMUNITY_NOT_FOUND,
     * MEMBER_NOT_FOUND, MEMBER_NOT_ACTIVE, WISH_NOT_FOUND, WISH_ALREADY_CLAIMED, WISH_OWN, WISH_PAST_DEADLINE, INVALID_TRANSITION,
     * POLICY_VIOLATION (the volunteer has no room for the reward under the points cap).
     */
    claimWish: (input: Input<typeof claimWish>) => claimWish(ctx, input),
    /** Give a claimed or fulfilled wish back (published again, the hold kept). Codes: VALIDATION, COMMUNITY_NOT_FOUND, WISH_NOT_FOUND, WISH_NOT_CLAIMANT, INVALID_TRANSITION. */
    releaseWish: (input: Input<typeof releaseWish>) => releaseWish(ctx, input),
    /** The volunteer marks a claimed wish fulfilled. Codes: VALIDATION, COMMUNITY_NOT_FOUND, WISH_NOT_FOUND, WISH_NOT_CLAIMANT, WISH_PAST_DEADLINE, INVALID_TRANSITION. */
    fulfilWish: (input: Input<typeof fulfilWish>) => fulfilWish(ctx, input),
    /**
     * Confirm a fulfilled wish (落实): the reward posted to the volunteer. Codes: VALIDATION, COMMUNITY_NOT_FOUND, WISH_NOT_FOUND,
     * WISH_NOT_POSTER, WISH_PAST_DEADLINE, INVALID_TRANSITION, POLICY_VIOLATION (the volunteer has no room for the reward under
     * the points cap; it stays fulfilled), and the ledger's refusal (ACCOUNT_FROZEN; CEILING_EXCEEDED when a credit filled the
     * cap meanwhile…), which puts it back to fulfilled.
     */
    confirmWish: (input: Input<typeof confirmWish>) => confirmWish(ctx, input),
    /** Cancel an open wish: its hold voided. Codes: VALIDATION, COMMUNITY_NOT_FOUND, WISH_NOT_FOUND, WISH_NOT_POSTER, INVALID_TRANSITION, and the ledger's refusal. */
    cancelWish: (input: Input<typeof cancelWish>) => cancelWish(ctx, input),
    /** Close open wishes past their deadline (holds voided); idempotent. Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    expireWishes: (input: Input<typeof expireWishes>) => expireWishes(ctx, input),
    /** Every wish whose ledger state disagrees with its own. Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    reconcileWishes: (input: Input<typeof reconcileWishes>) => reconcileWishes(ctx, input),
    /** Finish every intent a crash left (holds, confirmations, cancellations, expiries). Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    healWishes: (input: Input<typeof healWishes>) => healWishes(ctx, input),
  }
}

export { CancelWishInput, ClaimWishInput, ConfirmWishInput, ExpireWishesInput, FulfilWishInput, ReleaseWishInput } from './actions.js'
export { PostWishInput, WishPoints, WishSponsorInput } from './post.js'
export { GetWishInput, ListWishesInput, type WishCounts, WishCountsInput, WishCountsOutput, type WishPage } from './reads.js'
export { HealWishesInput, ReconcileWishesInput, type WishProblem, WishProblemKind } from './reconcile.js'
export { type Wish, WishOutput, WishSponsor, maskedWish } from './view.js'
