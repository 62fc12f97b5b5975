/**
 * A redemption's state machine and its ledger steps, pure. A redemption holds
 * the member's points and the reward's units in ONE ledger batch; handing it
 * over posts both holds in one batch, cancelling or expiring voids both in one
 * batch. Every step's ids are derived from the redemption, so a step run again
 * (after a crash between the ledger and the row) replays in the ledger, and the
 * ledger, which posts or voids a hold once, decides a race between steps.
 *
 *   reserving ──hold──▶ reserved ──hand_over──▶ handed_over
 *   reserving ──refuse──▶ refused       reserved ──cancel──▶ cancelled
 *                                      reserved ──expire──▶ expired
 *
 * `reserving` is the row written before the ledger batch runs: finishing it
 * runs the batch again. The pickup deadline is the workflow's (the expiry
 * sweep voids both holds); the holds carry no ledger timeout of their own, so
 * the ledger never resolves one behind the row's back.
 *
 * @example
 * const next = redemptionTransition('reserved', 'hand_over') // 'handed_over'
 */
import type { Operation } from '@timebank/ledger'
import { z } from 'zod'
import { CommunityError, CommunityErrorCode } from './errors.js'
import { ASSETS, memberAccount } from './ids.js'
import { rewardAccounts } from './reward.js'

export const RedemptionStatus = z.enum(['reserving', 'reserved', 'handed_over', 'cancelled', 'expired', 'refused'])
export type RedemptionStatus = z.infer<typeof RedemptionStatus>

export type RedemptionAction = 'hold' | 'refuse' | 'hand_over' | 'cancel' | 'expire'

const NEXT: Record<RedemptionStatus, Partial<Record<RedemptionAction, RedemptionStatus>>> = {
  reserving: { hold: 'reserved', refuse: 'refused' },
  reserved: { hand_over: 'handed_over', cancel: 'cancelled', expire: 'expired' },
  handed_over: {},
  cancelled: {},
  expired: {},
  refused: {},
}

/** The state `action` leads to from `status`, or null when it may not follow. */
export const nextRedemptionStatus = (status: RedemptionStatus, action: RedemptionAction): RedemptionStatus | null =>
  NEXT[status][action] ?? null

/** The states `action` may follow. */
export const redemptionStatesAllowing = (action: RedemptionAction): RedemptionStatus[] =>
  RedemptionStatus.options.filter((s) => nextRedemptionStatus(s, action) !== null)

/** States no step leaves. */
export const FINAL_REDEMPTION_STATUSES: readonly RedemptionStatus[] = ['handed_over', 'cancelled', 'expired', 'refused']

const PAST: Record<RedemptionAction, string> = {
  hold: 'reserved',
  refuse: 'refused',
  hand_over: 'handed over',
  cancel: 'cancelled',
  expire: 'expired',
}

/** INVALID_TRANSITION for `action` on a redemption in `status`, or null when it may follow. */
export function redemptionRefusal(status: RedemptionStatus, action: RedemptionAction, redemptionId: string): CommunityError | null {
  if (nextRedemptionStatus(status, action) !== null) return null
  return new CommunityError(CommunityErrorCode.INVALID_TRANSITION, `a ${status} redemption cannot be ${PAST[action]}`, {
    redemptionId,
    status,
    action,
  })
}

/** The two holds of a redemption. */
export type RedemptionLeg = 'points' | 'stock'
/** The ledger id of a redemption's hold. */
export const redemptionHold = (redemptionId: string, leg: RedemptionLeg) => `redeem:${redemptionId}:${leg}`
/** The ledger id of the post or void resolving a hold: the outcome is in the id, so the ledger tells which step won. */
export const redemptionResolution = (redemptionId: string, leg: RedemptionLeg, outcome: 'handover' | 'cancel' | 'expire') =>
  `redeem:${redemptionId}:${leg}:${outcome}`

/** What a redemption's ledger steps are built from (its row, as fixed when it was requested). */
export interface RedemptionTerms {
  id: string
  rewardId: string
  memberId: string
  /** Units, and points in all (unit price × units). */
  quantity: bigint
  points: bigint
}

/** The batch holding the points and the units together. */
export function holdOps(r: RedemptionTerms): Operation[] {
  const accounts = rewardAccounts(r.rewardId)
  const item = { ref: r.rewardId, quantity: Number(r.quantity) }
  const metadata = { redemptionId: r.id }
  return [
    {
      type: 'redeem',
      id: redemptionHold(r.id, 'stock'),
      from: accounts.shelf,
      to: accounts.handedOut,
      amount: r.quantity.toString(),
      item,
      metadata,
      pending: true,
    },
    {
      type: 'redeem',
      id: redemptionHold(r.id, 'points'),
      from: memberAccount(r.memberId, ASSETS.points),
      to: accounts.takings,
      amount: r.points.toString(),
      item,
      metadata,
      pending: true,
    },
  ]
}

/** The batch posting both holds (handed over). No actor in it: a retry by someone else replays it. */
export const handOverOps = (redemptionId: string): Operation[] =>
  (['stock', 'points'] as const).map((leg) => ({
    type: 'post',
    id: redemptionResolution(redemptionId, leg, 'handover'),
    pendingId: redemptionHold(redemptionId, leg),
    metadata: { redemptionId },
  }))

/** The batch voiding both holds, for a cancellation or an expiry. */
export const releaseOps = (redemptionId: string, outcome: 'cancel' | 'expire'): Operation[] =>
  (['stock', 'points'] as const).map((leg) => ({
    type: 'void',
    id: redemptionResolution(redemptionId, leg, outcome),
    pendingId: redemptionHold(redemptionId, leg),
    metadata: { redemptionId },
  }))

/** The status the ledger's hold and resolutions say a redemption is in (null: the ledger holds nothing for it). */
export function statusFromLedger(hold: { status: string } | null, cancelled: boolean): RedemptionStatus | null {
  if (hold === null) return null
  if (hold.status === 'pending') return 'reserved'
  if (hold.status === 'posted') return 'handed_over'
  return cancelled ? 'cancelled' : 'expired'
}
