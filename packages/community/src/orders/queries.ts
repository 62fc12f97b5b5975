/**
 * Reading orders: one, a page (by status, resident, provider or the
 * resident's grid subtree), an order's history, and what the API needs for
 * its checks (the resident, their grid path, the provider). Each shown as the
 * one asking may see it (view.ts).
 *
 * @example
 * const page = await listOrders(ctx, { tenantId, status: 'ordered', gridPath: 'root/g1/' })
 */
import { Id } from '@timebank/ledger'
import { type SQL, and, asc, eq, gt, inArray, like } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { GridPath } from '../domain/grid.js'
import { CommunityId } from '../domain/ids.js'
import { type OrderActor, OrderStatus, ProviderType } from '../domain/order.js'
import { parse } from '../domain/validate.js'
import { subtreePattern } from '../grids/reads.js'
import { grids, members, orderEvents, orders } from '../storage/schema.js'
import { requireOrder } from './move.js'
import { type Order, OrderOutput, type OrderRow, type OrderViewKind, OrderViewKind as ViewKind, orderView } from './view.js'

export const GetOrderInput = z.strictObject({ tenantId: Id, orderId: CommunityId, view: ViewKind.default('full') })

export const ListOrdersInput = z.strictObject({
  tenantId: Id,
  status: OrderStatus.optional(),
  residentId: CommunityId.optional(),
  provider: z.strictObject({ type: ProviderType, id: CommunityId }).optional(),
  /** Only orders of residents placed in this grid's subtree (its path, e.g. `root/g1/`). */
  gridPath: GridPath.optional(),
  view: ViewKind.default('full'),
  limit: z.number().int().min(1).max(1000).default(100),
  /** The previous page's `nextAfter` (an order id). */
  after: CommunityId.optional(),
})

export const OrderPageOutput = z.object({ orders: z.array(OrderOutput), nextAfter: z.string().nullable() })
export interface OrderPage {
  orders: Order[]
  nextAfter: string | null
}

async function residentOf(ctx: CommunityContext, row: OrderRow) {
  const [m] = await ctx.db
    .select()
    .from(members)
    .where(and(eq(members.tenantId, row.tenantId), eq(members.id, row.residentId)))
  return m
}

/** Who may see the resident in full: staff, the system, the resident; anyone else sees the provider's view. */
export function viewKindFor(row: Pick<OrderRow, 'residentId'>, actor: OrderActor): OrderViewKind {
  if (actor.type === 'staff' || actor.type === 'system') return 'full'
  return actor.type === 'member' && actor.id === row.residentId ? 'full' : 'provider'
}

export async function viewFor(ctx: CommunityContext, row: OrderRow, actor: OrderActor): Promise<Order> {
  return orderView(row, await residentOf(ctx, row), viewKindFor(row, actor))
}

export async function getOrder(ctx: CommunityContext, input: z.input<typeof GetOrderInput>): Promise<Order> {
  const q = parse(GetOrderInput, input)
  const row = await requireOrder(ctx.db, q.tenantId, q.orderId)
  return orderView(row, await residentOf(ctx, row), q.view)
}

/** A page by id. */
export async function listOrders(ctx: CommunityContext, input: z.input<typeof ListOrdersInput>): Promise<OrderPage> {
  const q = parse(ListOrdersInput, input)
  await ctx.community(q.tenantId)
  const where: SQL[] = [eq(orders.tenantId, q.tenantId)]
  if (q.status) where.push(eq(orders.status, q.status))
  if (q.residentId) where.push(eq(orders.residentId, q.residentId))
  if (q.provider) where.push(eq(orders.providerType, q.provider.type), eq(orders.providerId, q.provider.id))
  if (q.after) where.push(gt(orders.id, q.after))
  if (q.gridPath !== undefined) where.push(like(grids.path, subtreePattern(q.gridPath)))
  const found = await ctx.db
    .select({ o: orders, m: members })
    .from(orders)
    .leftJoin(members, and(eq(members.tenantId, orders.tenantId), eq(members.id, orders.residentId)))
    .leftJoin(grids, and(eq(grids.tenantId, members.tenantId), eq(grids.id, members.gridId)))
    .where(and(...where))
    .orderBy(asc(orders.id))
    .limit(q.limit + 1)
  const page = found.slice(0, q.limit).map((x) => orderView(x.o, x.m ?? undefined, q.view))
  return { orders: page, nextAfter: found.length > q.limit ? (page[page.length - 1]?.id ?? null) : null }
}

export interface OrderEventView {
  action: string
  actor: string
  at: Date
  detail: Record<string, unknown>
}

/** What happened to an order, oldest first. */
export async function orderHistory(ctx: CommunityContext, input: z.input<typeof GetOrderInput>): Promise<OrderEventView[]> {
  const q = parse(GetOrderInput, input)
  await requireOrder(ctx.db, q.tenantId, q.orderId)
  const found = await ctx.db
    .select()
    .from(orderEvents)
    .where(and(eq(orderEvents.tenantId, q.tenantId), eq(orderEvents.orderId, q.orderId)))
    .orderBy(asc(orderEvents.seq))
  return found.map((e) => ({ action: e.action, actor: e.actor, at: e.at, detail: e.detail as Record<string, unknown> }))
}

/** For the API's checks: each order's resident, the path of the resident's grid (null when unplaced), and its provider. */
export async function orderScopes(
  ctx: CommunityContext,
  tenantId: string,
  orderIds: string[],
): Promise<Map<string, { residentId: string; gridPath: string | null; provider: { type: 'member' | 'organisation'; id: string } | null }>> {
  if (orderIds.length === 0) return new Map()
  const found = await ctx.db
    .select({ id: orders.id, residentId: orders.residentId, type: orders.providerType, providerId: orders.providerId, path: grids.path })
    .from(orders)
    .leftJoin(members, and(eq(members.tenantId, orders.tenantId), eq(members.id, orders.residentId)))
    .leftJoin(grids, and(eq(grids.tenantId, members.tenantId), eq(grids.id, members.gridId)))
    .where(and(eq(orders.tenantId, tenantId), inArray(orders.id, orderIds)))
  return new Map(
    found.map((r) => [
      r.id,
      {
        residentId: r.residentId,
        gridPath: r.path ?? null,
        provider: r.type && r.providerId ? { type: r.type as 'member' | 'organisation', id: r.providerId } : null,
      },
    ]),
  )
}
