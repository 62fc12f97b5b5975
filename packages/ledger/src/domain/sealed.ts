/**
 * Moves validated once, at an edge. An edge (the HTTP API) that must check a
 * body itself, to answer in its own terms, parses it with one of these schemas
 * instead of its own copy: their output is frozen (deeply, so nothing in it can
 * change after the check) and remembered as sealed. `moveSealed` (ledger.ts)
 * then hands a sealed body to the ledger without parsing it a second time.
 * Nothing else is trusted: an unsealed value is parsed in full, as by
 * `ledger.transfer`. The body's `id` is the edge's to describe and is ignored:
 * the id and tenant are given apart and checked by the ledger.
 *
 * @example
 * const Body = sealedTransferBody(Id.optional())
 * const body = Body.parse(json) // frozen and sealed
 * await moveSealed(ledger, 'transfer', body, { id, tenantId })
 */
import type { z } from 'zod'
import { EarnOp, RedeemOp, TransferOp } from './schemas.js'

const sealedValues = new WeakSet<object>()

/** Freeze a parsed value and what it holds (plain JSON: bounded by the schemas' own depth limits). */
function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const v = stack.pop()
    if (v === null || typeof v !== 'object' || Object.isFrozen(v)) continue
    Object.freeze(v)
    for (const child of Object.values(v)) stack.push(child)
  }
  return value
}

/** True for a value output by a successful parse of a sealed schema. */
export function isSealed(value: unknown): boolean {
  return typeof value === 'object' && value !== null && sealedValues.has(value)
}

/** The last step of a sealed schema: nothing can be added after it that changes the value. */
const seal = <T extends object>(value: T): T => {
  sealedValues.add(deepFreeze(value))
  return value
}

type IdSchema = z.ZodOptional<z.ZodString>

/** An earn's body for an edge: no tenant, `id` as the edge describes it. */
export const sealedEarnBody = <I extends IdSchema>(id: I) => EarnOp.omit({ type: true }).extend({ id }).overwrite(seal)
/** A transfer's body for an edge: no tenant, `id` as the edge describes it. */
export const sealedTransferBody = <I extends IdSchema>(id: I) => TransferOp.omit({ type: true }).extend({ id }).overwrite(seal)
/** A redemption's body for an edge: no tenant, `id` as the edge describes it. */
export const sealedRedeemBody = <I extends IdSchema>(id: I) => RedeemOp.omit({ type: true }).extend({ id }).overwrite(seal)

/** What each sealed move body parses to. */
export interface SealedMoveBodies {
  earn: z.output<ReturnType<typeof sealedEarnBody<IdSchema>>>
  transfer: z.output<ReturnType<typeof sealedTransferBody<IdSchema>>>
  redeem: z.output<ReturnType<typeof sealedRedeemBody<IdSchema>>>
}
