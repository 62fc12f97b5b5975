/**
 * The points supermarket's catalogue, pure: what a reward is, and the ledger
 * names its stock and its takings live under. A reward's units are a ledger
 * asset of its own (scale 0), so the goods register and the points spent are
 * one set of books (账物相符 by construction):
 *
 *   restock (earn)      issuance ──▶ shelf
 *   redeem  (hold)      shelf ──▶ handed-out            member POINT ──▶ takings (POINT)
 *   hand over / cancel  both holds posted / voided in one batch
 *   write-off (redeem)  shelf ──▶ written-off
 *
 * handed-out, written-off and takings are redemption sinks: units and points
 * that left circulation, given back only by reversal.
 *
 * @example
 * rewardAsset('rice-5kg')          // 'RW_…' (26 hex digits of its sha-256)
 * rewardAccounts('rice-5kg').shelf // 'reward:rice-5kg:shelf'
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'

/** A price in points: a whole number, at least 1 (POINT has scale 0; a fraction is refused, never rounded). */
export const PointsPrice = z.string().regex(/^[1-9]\d{0,11}$/, 'a price is a whole number of points from 1, e.g. "120"')
/** A number of units of a reward: a whole number from 1. */
export const Units = z.string().regex(/^[1-9]\d{0,8}$/, 'units are a whole number from 1, e.g. "5"')
/** Most units one redemption takes. */
export const MAX_REDEMPTION_UNITS = 100
/** Units of one redemption: 1 to MAX_REDEMPTION_UNITS (one check: zod runs a refine even after a failed regex). */
export const RedemptionUnits = z
  .string()
  .refine(
    (u) => /^[1-9]\d{0,2}$/.test(u) && Number(u) <= MAX_REDEMPTION_UNITS,
    `units are a whole number from 1 to ${MAX_REDEMPTION_UNITS}`,
  )

/**
 * The ledger asset holding a reward's units. Asset codes are upper-case letters, digits and `_`, at most 32,
 * and reward ids are not: the code is derived from the id by hash, so a retried creation derives the same one.
 */
export const rewardAsset = (rewardId: string): string =>
  `RW_${createHash('sha256').update(rewardId).digest('hex').slice(0, 26).toUpperCase()}`

/** A reward's ledger accounts, all owned by the community. */
export const rewardAccounts = (rewardId: string) => ({
  /** Units on the shelf (organisation kind, floor 0: stock never below zero). */
  shelf: `reward:${rewardId}:shelf`,
  /** Units handed to residents (redemption sink). */
  handedOut: `reward:${rewardId}:handed-out`,
  /** Units written off: broken, spoiled, lost (redemption sink). */
  writtenOff: `reward:${rewardId}:written-off`,
  /** Points paid for this reward (POINT redemption sink): the points spent at the supermarket. */
  takings: `reward:${rewardId}:points`,
})

/** The ledger id of a restock (an earn into the shelf), from the client's id for it. */
export const restockId = (rewardId: string, id: string) => `restock:${rewardId}:${id}`
/** The ledger id of a write-off (a redeem out of the shelf), from the client's id for it. */
export const writeOffId = (rewardId: string, id: string) => `writeoff:${rewardId}:${id}`
