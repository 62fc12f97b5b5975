/**
 * The service order use cases, bound to a community context (see community.ts).
 * Before an order's hours are held the community's policy is asked (who may
 * have the pool pay, who may redeem services: policy-check.ts).
 *
 * @example
 * const { order } = await community.placeOrder({ tenantId, id: 'o-1', serviceId: 'haircut', residentId: 'ana', actor: { type: 'member', id: 'ana' } })
 */
import type { CommunityContext, InputOf as Input } from '../context.js'
import { placeOrder } from './place.js'
import { getOrder, listOrders, orderHistory, orderScopes } from './queries.js'
import { reconcileOrders } from './reconcile.js'
import { accept, cancel, complete, confirm, dispatch, dispute, refuse, resolve } from './steps.js'
import { sweepOrders } from './sweep.js'

export function orderUseCases(ctx: CommunityContext) {
  return {
    /**
     * A resident orders a service for themselves, or staff for them (only staff may have the pool pay); idempotent by id.
     * Codes: VALIDATION, COMMUNITY_NOT_FOUND, ORDER_NOT_ALLOWED, SERVICE_NOT_FOUND, SERVICE_INACTIVE, MEMBER_NOT_FOUND,
     * MEMBER_NOT_ACTIVE, ORDER_EXISTS.
     */
    placeOrder: (input: Input<typeof placeOrder>) => placeOrder(ctx, input),
    /**
     * Staff send an order to a volunteer (an active member other than the resident) or an organisation.
     * Codes: VALIDATION, ORDER_NOT_FOUND, ORDER_NOT_ALLOWED, INVALID_TRANSITION, PROVIDER_IS_RESIDENT, MEMBER_NOT_FOUND,
     * MEMBER_NOT_ACTIVE, ORGANISATION_NOT_FOUND.
     */
    dispatchOrder: (input: Input<typeof dispatch>) => dispatch(ctx, input),
    /** The assigned provider turns it down: back for another dispatch. Codes: VALIDATION, ORDER_NOT_FOUND, ORDER_NOT_ALLOWED, INVALID_TRANSITION. */
    refuseOrder: (input: Input<typeof refuse>) => refuse(ctx, input),
    /**
     * The assigned provider takes it: the agreed hours are held, payer to provider (no ledger timeout).
     * Codes: VALIDATION, ORDER_NOT_FOUND, ORDER_NOT_ALLOWED, INVALID_TRANSITION, whatever the pre-hold check raises,
     * and the ledger's refusal of the hold (INSUFFICIENT_FUNDS, ACCOUNT_FROZEN, ACCOUNT_NOT_FOUND…), which leaves it dispatched.
     */
    acceptOrder: (input: Input<typeof accept>) => accept(ctx, input),
    /** The assigned provider says it is done. Codes: VALIDATION, ORDER_NOT_FOUND, ORDER_NOT_ALLOWED, INVALID_TRANSITION. */
    completeOrder: (input: Input<typeof complete>) => complete(ctx, input),
    /**
     * The resident (or staff for them; never the provider) confirms: the hold is posted.
     * Codes: VALIDATION, ORDER_NOT_FOUND, ORDER_NOT_ALLOWED, INVALID_TRANSITION, and the ledger's refusal of the post.
     */
    confirmOrder: (input: Input<typeof confirm>) => confirm(ctx, input),
    /** The resident (or staff for them) disputes instead. Codes: VALIDATION, ORDER_NOT_FOUND, ORDER_NOT_ALLOWED, INVALID_TRANSITION. */
    disputeOrder: (input: Input<typeof dispute>) => dispute(ctx, input),
    /**
     * Staff settle a dispute: post all, post part (the rest released), or void.
     * Codes: VALIDATION, ORDER_NOT_FOUND, ORDER_NOT_ALLOWED, INVALID_TRANSITION, and the ledger's refusal.
     */
    resolveOrder: (input: Input<typeof resolve>) => resolve(ctx, input),
    /**
     * The resident (before completion) or staff (before confirmation) call it off; a hold is released.
     * Codes: VALIDATION, ORDER_NOT_FOUND, ORDER_NOT_ALLOWED, INVALID_TRANSITION, and the ledger's refusal of the void.
     */
    cancelOrder: (input: Input<typeof cancel>) => cancel(ctx, input),
    /** Codes: VALIDATION, ORDER_NOT_FOUND. */
    getOrder: (input: Input<typeof getOrder>) => getOrder(ctx, input),
    /** A page by id. Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    listOrders: (input: Input<typeof listOrders>) => listOrders(ctx, input),
    /** Codes: VALIDATION, ORDER_NOT_FOUND. */
    orderHistory: (input: Input<typeof orderHistory>) => orderHistory(ctx, input),
    /** Each order's resident, their grid path and the provider, for scope checks; unknown ids are left out. */
    orderScopes: (tenantId: string, orderIds: string[]) => orderScopes(ctx, tenantId, orderIds),
    /** Move every overdue order on and finish every unfinished step; idempotent. Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    sweepOrders: (input: Input<typeof sweepOrders>) => sweepOrders(ctx, input),
    /** Every order whose ledger state disagrees with its own. Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    reconcileOrders: (input: Input<typeof reconcileOrders>) => reconcileOrders(ctx, input),
  }
}
