/**
 * Ids the community derives, so every ledger step of a workflow has an id of
 * its own that a retry repeats (and the ledger replays): accounts of members
 * and organisations, and the operations of each hour record's steps.
 *
 * @example
 * memberAccount('ana', 'HOUR')   // 'member:ana:HOUR'
 * recordStep('r1', 'hours')      // 'hours:r1'
 */
import { z } from 'zod'

/**
 * Ids the community names things by (members, grids, activities, records, …): 1-48 letters, digits,
 * '.', '_' or '-'. No ':' so the ids derived from them stay unambiguous, and short enough that the
 * longest derived ledger id stays within the ledger's 128 characters.
 */
export const CommunityId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$/, 'ids are 1-48 letters, digits, ".", "_" or "-"')

/** The assets a community uses: spendable hours, spendable points, and lifetime hours (never spent). */
export const ASSETS = { hours: 'HOUR', points: 'POINT', lifetime: 'LIFETIME_HOUR' } as const
export type AssetKey = keyof typeof ASSETS

/** The ledger assets a community's tenant has, with the scales the community relies on. */
export const COMMUNITY_ASSETS = [
  { code: ASSETS.hours, scale: 2, name: 'Volunteer hours' },
  { code: ASSETS.points, scale: 0, name: 'Points' },
  { code: ASSETS.lifetime, scale: 2, name: 'Lifetime volunteer hours' },
] as const

export const memberAccount = (memberId: string, asset: string) => `member:${memberId}:${asset}`
export const organisationAccount = (organisationId: string, asset: string) => `org:${organisationId}:${asset}`
/**
 * The community pool of an asset (公益池): what the community itself holds to fund wishes and services,
 * and where donations and capped excess go. Owned by the community (system), an organisation-kind account,
 * so it may pay and be paid but is never a source of new value.
 */
export const poolAccount = (asset: string) => `pool:${asset}`
/**
 * Where expired points go (breakage): a redemption sink of the community, so expired points leave
 * circulation for good and the books still balance.
 */
export const expiryAccount = (asset: string) => `expired:${asset}`
/** The ledger id of a member's expiry of one group of credits, named by its cutoff date (YYYY-MM-DD). */
export const expiryStep = (memberId: string, cutoff: string) => `expire:${memberId}:${cutoff}`
/** The owner of the community's own accounts (pools). */
export const COMMUNITY_OWNER = { type: 'system', id: 'community' } as const

/** Lifetime hours belong to the community (members cannot move them); the owner id names the member. */
export const lifetimeOwner = (memberId: string) => `member.${memberId}`

/**
 * The steps of an hour record that move value: the member's spendable hours, points and lifetime hours, and
 * the hours and points above the storage caps a policy sends to the community pool (`excess`, `excess-points`).
 */
export type RecordStep = 'hours' | 'points' | 'lifetime' | 'excess' | 'excess-points'
export const RECORD_STEPS: readonly RecordStep[] = ['hours', 'points', 'lifetime', 'excess', 'excess-points']

/**
 * Where a wish's reward waits between publishing and confirmation: the sponsor's points are held
 * towards it (a hold cannot name the volunteer before anyone claimed), and on confirmation the hold is
 * posted into it and paid out to the volunteer in the same atomic batch, so it holds nothing at rest.
 */
export const wishEscrowAccount = (asset: string) => `escrow:wishes:${asset}`
/** The ledger steps of a wish: the reward held, the hold posted, the reward paid, the hold released. */
export type WishStep = 'hold' | 'settle' | 'reward' | 'release'
/** The ledger id of a wish's step. */
export const wishStep = (wishId: string, step: WishStep) => `wish:${wishId}:${step}`

/** The ledger id of a record's credit step. */
export const recordStep = (recordId: string, step: RecordStep) => `${step}:${recordId}`
/** The ledger id of the reversal of a record's credit step. */
export const recordReversal = (recordId: string, step: RecordStep) => `${step}:${recordId}:reversal`

/** The record a check-out makes: one per member and activity, so a repeated check-out finds it. */
export const attendanceRecordId = (activityId: string, memberId: string) => `att:${activityId}:${memberId}`

const ID = '[A-Za-z0-9][A-Za-z0-9._-]{0,47}'
/** An hour record's id: a client's CommunityId (manual records), or `att:<activity>:<member>` (check-out). */
export const RecordId = z
  .string()
  .regex(new RegExp(`^(${ID}|att:${ID}:${ID})$`), 'record ids are community ids, or att:<activity>:<member>')
