/**
 * The one check run before an order's hours are held (when the provider
 * accepts): where the community's policy plugs in, e.g. who may have the pool
 * pay (elders in hardship). It refuses by throwing (a CommunityError), and then
 * nothing changes: the order stays dispatched.
 *
 * @example
 * const community = createCommunity({ db, ledger, beforeHold: async (ctx, order) => entitled(order) })
 */
import type { CommunityContext } from '../context.js'
import type { OrderPayer, ProviderType } from '../domain/order.js'

/** What the check is told about the order about to be held. */
export interface HoldFacts {
  tenantId: string
  orderId: string
  serviceId: string
  residentId: string
  payer: OrderPayer
  provider: { type: ProviderType; id: string }
  /** Hundredths of an hour. */
  hours: bigint
}

export type PreHoldCheck = (ctx: CommunityContext, facts: HoldFacts) => Promise<void>

/** Without a policy every order may be held: the ledger's own rules (funds, frozen accounts) still apply. */
export const noPreHoldCheck: PreHoldCheck = async () => {}
