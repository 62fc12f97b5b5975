/**
 * The points supermarket's use cases (积分超市), bound to a community context (see community.ts).
 */
import type { CommunityContext, InputOf as Input } from '../context.js'
import { rewardsInStock } from './availability.js'
import { healRedemptions, reconcileRedemptions } from './reconcile.js'
import { cancel, expireRedemptions, getRedemption, handOver, listRedemptions, redeem } from './redemptions.js'
import { stockReport } from './report.js'
import { createReward, getReward, listRewards, restock, updateReward, writeOff } from './rewards.js'

export function marketUseCases(ctx: CommunityContext) {
  return {
    /** Add a reward (its units a ledger asset, its accounts opened). Codes: VALIDATION, COMMUNITY_NOT_FOUND, REWARD_EXISTS. */
    createReward: (input: Input<typeof createReward>) => createReward(ctx, input),
    /** Codes: VALIDATION, COMMUNITY_NOT_FOUND, REWARD_NOT_FOUND. */
    updateReward: (input: Input<typeof updateReward>) => updateReward(ctx, input),
    /** Codes: REWARD_NOT_FOUND. */
    getReward: (tenantId: string, rewardId: string) => getReward(ctx, tenantId, rewardId),
    /** For each reward, whether a unit is free on its shelf now (what members see of the stock). */
    rewardsInStock: (tenantId: string, rewardIds: string[]) => rewardsInStock(ctx, tenantId, rewardIds),
    /** By id, optionally only those on (or off) the catalogue. Codes: VALIDATION. */
    listRewards: (input: Input<typeof listRewards>) => listRewards(ctx, input),
    /** Units onto the shelf, with the reason as evidence. Codes: VALIDATION, COMMUNITY_NOT_FOUND, REWARD_NOT_FOUND, and the ledger's IDEMPOTENCY_CONFLICT. */
    restock: (input: Input<typeof restock>) => restock(ctx, input),
    /** Units off the shelf for good, with the reason. Codes: VALIDATION, COMMUNITY_NOT_FOUND, REWARD_NOT_FOUND, OUT_OF_STOCK, and the ledger's IDEMPOTENCY_CONFLICT. */
    writeOff: (input: Input<typeof writeOff>) => writeOff(ctx, input),
    /**
     * Redeem points for units of a reward: both held in one ledger batch. A retry answers what was decided.
     * Codes: VALIDATION, COMMUNITY_NOT_FOUND, REWARD_NOT_FOUND, REWARD_INACTIVE, MEMBER_NOT_FOUND, MEMBER_NOT_ACTIVE,
     * REDEMPTION_EXISTS, OUT_OF_STOCK, the eligibility check's codes, and the ledger's INSUFFICIENT_FUNDS (too few
     * points), ACCOUNT_FROZEN.
     */
    redeem: (input: Input<typeof redeem>) => redeem(ctx, input),
    /** Post both holds. Codes: VALIDATION, COMMUNITY_NOT_FOUND, REDEMPTION_NOT_FOUND, INVALID_TRANSITION (cancelled, expired, refused, or past its deadline). */
    handOver: (input: Input<typeof handOver>) => handOver(ctx, input),
    /** Void both holds. Codes: VALIDATION, COMMUNITY_NOT_FOUND, REDEMPTION_NOT_FOUND, INVALID_TRANSITION (handed over, expired, refused). */
    cancelRedemption: (input: Input<typeof cancel>) => cancel(ctx, input),
    /** The pickup-deadline sweep: releases every reservation past its deadline. Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    expireRedemptions: (input: Input<typeof expireRedemptions>) => expireRedemptions(ctx, input),
    /** Codes: REDEMPTION_NOT_FOUND. */
    getRedemption: (tenantId: string, redemptionId: string) => getRedemption(ctx, tenantId, redemptionId),
    /** Newest first, by member, reward or status. Codes: VALIDATION. */
    listRedemptions: (input: Input<typeof listRedemptions>) => listRedemptions(ctx, input),
    /** Per reward: the ledger's stock and takings beside the redemptions'. Codes: VALIDATION, COMMUNITY_NOT_FOUND, REWARD_NOT_FOUND. */
    stockReport: (input: Input<typeof stockReport>) => stockReport(ctx, input),
    /** Every redemption and reward stock that disagrees with the ledger. Codes: COMMUNITY_NOT_FOUND. */
    reconcileRedemptions: (input: Input<typeof reconcileRedemptions>) => reconcileRedemptions(ctx, input),
    /** Settle every unfinished redemption with the ledger. Codes: COMMUNITY_NOT_FOUND. */
    healRedemptions: (input: Input<typeof healRedemptions>) => healRedemptions(ctx, input),
  }
}

export type { RedemptionCheck } from './redemptions.js'
