/**
 * Changing an order: one conditional update (the order as the step read it,
 * by its version) and its event, in one transaction. A step that lost a race
 * finds nothing changed and reads the order again.
 *
 * @example
 * const moved = await move(ctx, row, { status: 'ordered', … }, { action: 'refused', actor: 'member:ana', detail: {} })
 */
import { and, eq } from 'drizzle-orm'
import type { CommunityContext } from '../context.js'
import { CommunityErrorCode, notFound } from '../domain/errors.js'
import { orderEvents, orders } from '../storage/schema.js'
import type { OrderRow } from './view.js'

type Reader = Pick<CommunityContext['db'], 'select'>

export async function requireOrder(db: Reader, tenantId: string, orderId: string): Promise<OrderRow> {
  const [row] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.tenantId, tenantId), eq(orders.id, orderId)))
  if (!row) throw notFound(CommunityErrorCode.ORDER_NOT_FOUND, 'order', orderId, 'orderId')
  return row
}

export interface OrderEvent {
  action: string
  actor: string
  detail?: Record<string, unknown>
}

/** Apply `patch` to the order if it is still as `row` was read; the new row, or null when it changed meanwhile. */
export async function move(
  ctx: CommunityContext,
  row: OrderRow,
  patch: Partial<OrderRow>,
  event: OrderEvent,
  at: Date = ctx.now(),
): Promise<OrderRow | null> {
  return ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(orders)
      .set({ ...patch, version: row.version + 1 })
      .where(and(eq(orders.tenantId, row.tenantId), eq(orders.id, row.id), eq(orders.version, row.version)))
      .returning()
    if (!updated) return null
    await tx
      .insert(orderEvents)
      .values({ tenantId: row.tenantId, orderId: row.id, action: event.action, actor: event.actor, at, detail: event.detail ?? {} })
    return updated
  })
}
