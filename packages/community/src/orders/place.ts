/**
 * Placing an order (居民点单): a resident orders a service of the catalogue for
 * themselves, or staff for them; the agreed hours and the deadlines in force
 * are fixed on the order. Idempotent by the order's id. Only staff may have the
 * community pool pay.
 *
 * @example
 * await placeOrder(ctx, { tenantId, id: 'o-17', serviceId: 'haircut', residentId: 'ana', actor: { type: 'member', id: 'ana' } })
 */
import { Id } from '@timebank/ledger'
import { requestHash } from '@timebank/ledger/kit'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityError, CommunityErrorCode } from '../domain/errors.js'
import { CommunityId } from '../domain/ids.js'
import { OrderActor, OrderDeadlines, OrderPayer, actorName, deadlineOf, payerRefusal } from '../domain/order.js'
import { parse } from '../domain/validate.js'
import { requireService } from '../services/services.js'
import { createRow } from '../storage/create-row.js'
import { requireActiveMember } from '../storage/member-reads.js'
import { orderEvents, orders } from '../storage/schema.js'
import { type Order, orderView } from './view.js'

export const PlaceOrderInput = z.strictObject({
  tenantId: Id,
  /** The client's id for the order: placing it again with the same content returns it. */
  id: CommunityId,
  serviceId: CommunityId,
  residentId: CommunityId,
  /** Who pays: the resident (default) or the community pool (staff only). */
  payer: OrderPayer.default('resident'),
  note: z.string().max(2000).optional(),
  actor: OrderActor,
})
export type PlaceOrderInput = z.input<typeof PlaceOrderInput>

export async function placeOrder(ctx: CommunityContext, input: PlaceOrderInput): Promise<{ order: Order; replayed: boolean }> {
  const o = parse(PlaceOrderInput, input)
  const { settings } = await ctx.community(o.tenantId)
  if (o.actor.type !== 'staff' && !(o.actor.type === 'member' && o.actor.id === o.residentId)) {
    throw new CommunityError(CommunityErrorCode.ORDER_NOT_ALLOWED, 'a resident orders for themselves; staff for anyone', {
      actor: o.actor.type,
    })
  }
  const refusal = payerRefusal(o.actor, o.payer)
  if (refusal) throw refusal
  const service = await requireService(ctx.db, o.tenantId, o.serviceId)
  if (!service.active) {
    throw new CommunityError(CommunityErrorCode.SERVICE_INACTIVE, `service ${service.id} takes no orders`, { serviceId: service.id })
  }
  const resident = await requireActiveMember(ctx.db, o.tenantId, o.residentId)
  const deadlineHours = OrderDeadlines.parse({ ...settings.orderDeadlineHours, ...(service.deadlineHours as object) })
  const fields = { serviceId: service.id, residentId: o.residentId, payer: o.payer, note: o.note ?? null, createdBy: actorName(o.actor) }
  const hash = requestHash(fields)
  const now = ctx.now()
  const { row, replayed } = await ctx.db.transaction(async (tx) => {
    const made = await createRow(
      tx,
      orders,
      {
        tenantId: o.tenantId,
        id: o.id,
        ...fields,
        hours: service.hours,
        providerType: null,
        providerId: null,
        status: 'ordered',
        statusSince: now,
        deadlineAt: deadlineOf('ordered', now, deadlineHours),
        deadlineHours,
        version: 0,
        requestHash: hash,
        createdAt: now,
      },
      () => new CommunityError(CommunityErrorCode.ORDER_EXISTS, `order ${o.id} exists with other content`, { orderId: o.id }),
    )
    if (!made.replayed) {
      await tx.insert(orderEvents).values({
        tenantId: o.tenantId,
        orderId: o.id,
        action: 'ordered',
        actor: fields.createdBy,
        at: now,
        detail: { serviceId: service.id, hours: service.hours.toString(), payer: o.payer },
      })
    }
    return made
  })
  return { order: orderView(row, resident), replayed }
}
