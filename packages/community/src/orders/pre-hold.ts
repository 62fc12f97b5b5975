/**
 * The one check run before an order's hours are held (when the provider
 * accepts): the community's policy (policy-check.ts `enforceServiceOrder`):
 * who may have the pool pay, and who may redeem services. It refuses by
 * throwing (a CommunityError), and then nothing changes: the order stays dispatched.
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
