/**
 * Service orders (居民点单、社区下单、单位接单): a resident orders a service of
 * the catalogue (a member key for itself, staff for residents of their grid),
 * staff dispatch it to a volunteer or a partner organisation, the provider
 * accepts (the agreed hours are held), refuses or completes, and the resident
 * confirms (the hours are posted) or disputes; staff resolve disputes and may
 * cancel. A member key bound to a volunteer acts as that volunteer; one bound
 * to an organisation acts as it; staff act for organisations too. Who may take
 * each step the order says (the community checks it); a key that is neither
 * party nor staff in scope gets ORDER_NOT_FOUND, as for a missing order.
 * Providers see the resident's name masked, and the phone only while the order
 * is theirs to do.
 *
 * - `POST /v1/orders`, `GET /v1/orders`, `GET /v1/orders/{orderId}`, `…/history`.
 * - `POST /v1/orders/{orderId}/dispatch|accept|refuse|complete|confirm|dispute|resolve|cancel`.
 * - `POST /v1/orders/sweep`, `GET /v1/orders/reconciliation` (admin).
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $MEMBER" -H 'Content-Type: application/json' \
 *   -d '{"id":"o-2026-03-02-1","serviceId":"haircut"}' http://127.0.0.1:3000/v1/orders
 */
import { createRoute, z } from '@hono/zod-openapi'
import {
  CommunityId,
  DispatchInput,
  type Order,
  OrderOutput,
  OrderPayer,
  OrderStatus,
  PlaceOrderInput,
  type OrderActor,
  ResolveFields,
} from '@timebank/community'
import type { Context } from 'hono'
import type { AppEnv, Caller, Deps } from '../context.js'
import { ApiError } from '../errors.js'
import { markReplayed, writeId } from '../idempotency.js'
import { MemberNameField, memberNamesFor } from '../member-names.js'
import { authorize, scopeOf } from '../permissions.js'
import { ID_OR_HEADER, WRITE_ERRORS, errors, json } from '../schemas.js'
import { bearer, idempotent, jsonRequest, optionalJsonRequest, replayable, router } from './common.js'

const OrderSchema = OrderOutput.extend({}).openapi('Order')
const ListedOrderSchema = OrderSchema.extend({
  providerName: MemberNameField.openapi({
    description:
      'A volunteer provider’s name as the caller may see the member (in full within a staff key’s scope, masked otherwise); null for an organisation or no provider.',
  }),
}).openapi('ListedOrder')
const PageSchema = z.object({ orders: z.array(ListedOrderSchema), nextAfter: z.string().nullable() }).openapi('OrderPage')
const HistorySchema = z
  .object({ events: z.array(z.object({ action: z.string(), actor: z.string(), at: z.date(), detail: z.record(z.string(), z.unknown()) })) })
  .openapi('OrderHistory')
const Params = z.object({ orderId: CommunityId.clone().openapi({ param: { name: 'orderId', in: 'path' }, example: 'o-2026-03-02-1' }) })
const PlaceBody = z
  .strictObject({
    id: PlaceOrderInput.shape.id.optional().openapi({ description: `Client-chosen id. ${ID_OR_HEADER}`, example: 'o-2026-03-02-1' }),
    serviceId: PlaceOrderInput.shape.serviceId,
    residentId: PlaceOrderInput.shape.residentId
      .optional()
      .openapi({ description: "Who the order is for; a member key's own member by default." }),
    payer: OrderPayer.optional().openapi({ description: 'Who pays: the resident (default) or the community pool (staff only).' }),
    note: PlaceOrderInput.shape.note,
  })
  .openapi('PlaceOrderRequest')
const DispatchBody = DispatchInput.omit({ tenantId: true, orderId: true, actor: true }).openapi('DispatchOrderRequest')
const ReasonBody = z.strictObject({ reason: z.string().trim().min(1).max(2000) }).openapi('OrderReasonRequest')
const RefuseBody = z.strictObject({ reason: z.string().trim().min(1).max(2000).optional() }).openapi('RefuseOrderRequest')
const ResolveBody = ResolveFields.omit({ tenantId: true, orderId: true, actor: true }).openapi('ResolveOrderRequest')
const ListQuery = z.object({
  status: OrderStatus.optional(),
  residentId: CommunityId.optional(),
  as: z
    .enum(['resident', 'provider'])
    .optional()
    .openapi({ description: 'Member keys: the orders it placed (default) or those it provides.' }),
  after: CommunityId.optional().openapi({ description: "The previous page's `nextAfter`." }),
})
const SweepSchema = z.object({ finished: z.number().int(), timedOut: z.number().int(), refused: z.number().int() }).openapi('OrderSweep')
const ProblemsSchema = z
  .object({
    problems: z.array(
      z.object({
        orderId: z.string(),
        status: OrderStatus,
        kind: z.string(),
        transferId: z.string().optional(),
        detail: z.string().optional(),
      }),
    ),
  })
  .openapi('OrderProblems')

const tags = ['Orders']
// Generic in the path and request, so the typed client keeps each route's own.
const step = <P extends string, R extends object>(path: P, operationId: string, summary: string, request: R) =>
  createRoute({
    method: 'post',
    path,
    operationId,
    tags,
    summary,
    security: bearer,
    request,
    responses: { 200: json(OrderSchema, 'The order'), ...errors(...WRITE_ERRORS) },
  })

const place = createRoute({
  method: 'post',
  path: '/orders',
  operationId: 'placeOrder',
  tags,
  summary: 'Order a service (a member for itself; admin, staff for a resident)',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(PlaceBody, {
      self: {
        summary: 'A resident orders a haircut at home',
        value: { id: 'o-2026-03-02-1', serviceId: 'haircut', note: '下午三点后在家' },
      },
      pool: {
        summary: 'Staff order for an elder in hardship, paid from the pool',
        value: { id: 'o-2026-03-02-2', serviceId: 'haircut', residentId: 'liuxiuying', payer: 'pool' },
      },
    }),
  },
  responses: { 201: replayable(json(OrderSchema, 'The order')), ...errors(...WRITE_ERRORS) },
})
const list = createRoute({
  method: 'get',
  path: '/orders',
  operationId: 'listOrders',
  tags,
  summary: 'Orders, by id',
  description:
    "Staff limited to a grid see their residents' orders; a member key its own (or those it provides, `as=provider`); an organisation's key those it provides.",
  security: bearer,
  request: { query: ListQuery },
  responses: { 200: json(PageSchema, 'A page'), ...errors(400, 401, 403, 404) },
})
const get = createRoute({
  method: 'get',
  path: '/orders/{orderId}',
  operationId: 'getOrder',
  tags,
  summary: 'An order, as the caller may see it',
  security: bearer,
  request: { params: Params },
  responses: { 200: json(OrderSchema, 'The order'), ...errors(400, 401, 403, 404) },
})
const history = createRoute({
  method: 'get',
  path: '/orders/{orderId}/history',
  operationId: 'getOrderHistory',
  tags,
  summary: 'What happened to an order (admin, staff, the resident)',
  security: bearer,
  request: { params: Params },
  responses: { 200: json(HistorySchema, 'Its events, oldest first'), ...errors(400, 401, 403, 404) },
})
const dispatch = step('/orders/{orderId}/dispatch', 'dispatchOrder', 'Send to a volunteer or an organisation (admin, staff)', {
  params: Params,
  body: jsonRequest(DispatchBody, {
    school: { summary: 'To a partner unit', value: { provider: { type: 'organisation', id: 'school-3' } } },
  }),
})
const accept = step('/orders/{orderId}/accept', 'acceptOrder', 'Take the order: the agreed hours are held (the assigned provider)', {
  params: Params,
})
const refuse = step('/orders/{orderId}/refuse', 'refuseOrder', 'Turn the order down: back for another dispatch (the assigned provider)', {
  params: Params,
  body: optionalJsonRequest(RefuseBody, { away: { summary: 'Away that week', value: { reason: '本周外出' } } }),
})
const complete = step('/orders/{orderId}/complete', 'completeOrder', 'Say the work is done (the assigned provider)', { params: Params })
const confirm = step(
  '/orders/{orderId}/confirm',
  'confirmOrder',
  'Confirm the work: the hours are posted to the provider (the resident, staff)',
  {
    params: Params,
  },
)
const dispute = step('/orders/{orderId}/dispute', 'disputeOrder', 'Dispute the work instead of confirming it (the resident, staff)', {
  params: Params,
  body: jsonRequest(ReasonBody, { late: { summary: 'Came an hour late', value: { reason: '迟到一小时' } } }),
})
const resolve = step('/orders/{orderId}/resolve', 'resolveOrder', 'Settle a dispute: post all, part, or nothing (admin, staff)', {
  params: Params,
  body: jsonRequest(ResolveBody, { part: { summary: 'Half the time', value: { outcome: 'part', hours: '0.75', reason: '服务时间减半' } } }),
})
const cancel = step(
  '/orders/{orderId}/cancel',
  'cancelOrder',
  'Call it off; a hold is released (the resident before completion; admin, staff before confirmation)',
  { params: Params, body: jsonRequest(ReasonBody, { better: { summary: 'No longer needed', value: { reason: '不需要了' } } }) },
)
const sweep = createRoute({
  method: 'post',
  path: '/orders/sweep',
  operationId: 'sweepOrders',
  tags,
  summary: 'Move every overdue order on now and finish unfinished steps (admin)',
  security: bearer,
  responses: { 200: json(SweepSchema, 'What moved'), ...errors(401, 403, 503) },
})
const reconciliation = createRoute({
  method: 'get',
  path: '/orders/reconciliation',
  operationId: 'reconcileOrders',
  tags,
  summary: 'Orders whose ledger state disagrees with their own (admin)',
  security: bearer,
  responses: { 200: json(ProblemsSchema, 'Every disagreement'), ...errors(401, 403) },
})

/** Who the caller is to an order: staff (a key id), or what its member key is bound to. */
function actorOf(caller: Caller): OrderActor {
  if (caller.role !== 'member') return { type: 'staff', id: caller.keyId }
  if (caller.owner) return { type: caller.owner.type, id: caller.owner.id }
  throw new ApiError('FORBIDDEN', 'a member key bound to no one cannot take part in orders')
}

const hidden = (orderId: string) => ({ code: 'ORDER_NOT_FOUND' as const, message: `order ${orderId} not found`, details: { orderId } })
const notFound = (orderId: string) => new ApiError('ORDER_NOT_FOUND', `order ${orderId} not found`, { orderId })

export function orderRoutes(deps: Deps) {
  const { community } = deps

  /** A page of orders, each with its volunteer provider's name as the caller may see it. */
  const withProviderNames = async <O extends { provider: { type: string; id: string } | null }>(
    c: Context<AppEnv>,
    page: { orders: O[]; nextAfter: string | null },
  ) => {
    const volunteer = (o: O) => (o.provider?.type === 'member' ? o.provider.id : undefined)
    const nameOf = await memberNamesFor(
      c,
      deps,
      page.orders.map(volunteer).filter((id): id is string => id !== undefined),
    )
    return {
      ...page,
      orders: page.orders.map((o) => ({ ...o, providerName: volunteer(o) === undefined ? null : nameOf(volunteer(o) as string) })),
    }
  }

  /**
   * The caller as an actor on the order, if it may see it at all: a party (the resident, the provider), or
   * admin and staff with the order's resident in their scope. Anyone else gets ORDER_NOT_FOUND.
   */
  const party = async (c: Context<AppEnv>, orderId: string) => {
    const caller = c.get('caller')
    const scope = (await community.orderScopes(caller.tenantId, [orderId])).get(orderId)
    if (!scope) throw notFound(orderId)
    const actor = actorOf(caller)
    if (actor.type === 'staff') {
      await authorize(c, deps, 'orders.manage', { memberId: scope.residentId, gridPath: scope.gridPath, hidden: hidden(orderId) })
      return { caller, actor, view: 'full' as const, resident: false }
    }
    const resident = actor.type === 'member' && actor.id === scope.residentId
    const provider = scope.provider !== null && scope.provider.type === actor.type && scope.provider.id === actor.id
    if (!resident && !provider) throw notFound(orderId)
    return { caller, actor, view: resident ? ('full' as const) : ('provider' as const), resident }
  }

  const show = (o: { order: Order }) => o.order

  return (
    router()
      .openapi(place, async (c) => {
        const body = c.req.valid('json')
        const caller = c.get('caller')
        const actor = actorOf(caller)
        const residentId = body.residentId ?? (actor.type === 'member' ? actor.id : undefined)
        if (residentId === undefined) throw new ApiError('VALIDATION', 'name the resident the order is for', { field: 'residentId' })
        await authorize(c, deps, 'orders.place', {
          memberId: residentId,
          hidden: { code: 'MEMBER_NOT_FOUND', message: `member ${residentId} not found`, details: { memberId: residentId } },
        })
        const { order, replayed } = await community.placeOrder({
          tenantId: caller.tenantId,
          id: writeId(c, body.id),
          serviceId: body.serviceId,
          residentId,
          ...(body.payer ? { payer: body.payer } : {}),
          ...(body.note !== undefined ? { note: body.note } : {}),
          actor,
        })
        markReplayed(c, replayed)
        c.header('Location', `/v1/orders/${encodeURIComponent(order.id)}`)
        return c.json(order, 201)
      })
      .openapi(list, async (c) => {
        const q = c.req.valid('query')
        const caller = c.get('caller')
        const actor = actorOf(caller)
        const base = { tenantId: caller.tenantId, ...(q.status ? { status: q.status } : {}), ...(q.after ? { after: q.after } : {}) }
        if (actor.type === 'staff') {
          const scope = await scopeOf(c, deps)
          await authorize(c, deps, 'orders.manage', { gridPath: scope ?? null })
          const page = await community.listOrders({
            ...base,
            ...(q.residentId ? { residentId: q.residentId } : {}),
            ...(scope === undefined ? {} : { gridPath: scope }),
          })
          return c.json(await withProviderNames(c, page), 200)
        }
        const asProvider = actor.type === 'organisation' || q.as === 'provider'
        const page = asProvider
          ? await community.listOrders({
              ...base,
              provider: { type: actor.type as 'member' | 'organisation', id: actor.id },
              view: 'provider',
            })
          : await community.listOrders({ ...base, residentId: actor.id })
        return c.json(await withProviderNames(c, page), 200)
      })
      .openapi(sweep, async (c) => {
        const caller = await authorize(c, deps, 'orders.sweep')
        return c.json(await community.sweepOrders({ tenantId: caller.tenantId }), 200)
      })
      .openapi(reconciliation, async (c) => {
        const caller = await authorize(c, deps, 'orders.sweep')
        return c.json({ problems: await community.reconcileOrders({ tenantId: caller.tenantId }) }, 200)
      })
      // Before /orders/{orderId}, so `reconciliation` is not taken for an order id.
      .openapi(get, async (c) => {
        const { orderId } = c.req.valid('param')
        const { caller, view } = await party(c, orderId)
        return c.json(await community.getOrder({ tenantId: caller.tenantId, orderId, view }), 200)
      })
      .openapi(history, async (c) => {
        const { orderId } = c.req.valid('param')
        const { caller, actor, resident } = await party(c, orderId)
        if (actor.type !== 'staff' && !resident) throw new ApiError('FORBIDDEN', "an order's history is for staff and its resident")
        return c.json({ events: await community.orderHistory({ tenantId: caller.tenantId, orderId }) }, 200)
      })
      .openapi(dispatch, async (c) => {
        const { orderId } = c.req.valid('param')
        const { caller, actor } = await party(c, orderId)
        return c.json(show(await community.dispatchOrder({ ...c.req.valid('json'), tenantId: caller.tenantId, orderId, actor })), 200)
      })
      .openapi(accept, async (c) => {
        const { orderId } = c.req.valid('param')
        const { caller, actor } = await party(c, orderId)
        return c.json(show(await community.acceptOrder({ tenantId: caller.tenantId, orderId, actor })), 200)
      })
      .openapi(refuse, async (c) => {
        const { orderId } = c.req.valid('param')
        const { caller, actor } = await party(c, orderId)
        const body = (c.req.valid('json') ?? {}) as { reason?: string }
        return c.json(
          show(await community.refuseOrder({ tenantId: caller.tenantId, orderId, actor, ...(body.reason ? { reason: body.reason } : {}) })),
          200,
        )
      })
      .openapi(complete, async (c) => {
        const { orderId } = c.req.valid('param')
        const { caller, actor } = await party(c, orderId)
        return c.json(show(await community.completeOrder({ tenantId: caller.tenantId, orderId, actor })), 200)
      })
      .openapi(confirm, async (c) => {
        const { orderId } = c.req.valid('param')
        const { caller, actor } = await party(c, orderId)
        return c.json(show(await community.confirmOrder({ tenantId: caller.tenantId, orderId, actor })), 200)
      })
      .openapi(dispute, async (c) => {
        const { orderId } = c.req.valid('param')
        const { caller, actor } = await party(c, orderId)
        return c.json(show(await community.disputeOrder({ ...c.req.valid('json'), tenantId: caller.tenantId, orderId, actor })), 200)
      })
      .openapi(resolve, async (c) => {
        const { orderId } = c.req.valid('param')
        const { caller, actor } = await party(c, orderId)
        return c.json(show(await community.resolveOrder({ ...c.req.valid('json'), tenantId: caller.tenantId, orderId, actor })), 200)
      })
      .openapi(cancel, async (c) => {
        const { orderId } = c.req.valid('param')
        const { caller, actor } = await party(c, orderId)
        return c.json(show(await community.cancelOrder({ ...c.req.valid('json'), tenantId: caller.tenantId, orderId, actor })), 200)
      })
  )
}
