/**
 * The steps of an order after it is placed (社区下单、单位接单): staff dispatch
 * it to a partner organisation or a volunteer; the provider accepts (the
 * agreed hours are held), refuses (back for another dispatch) or completes;
 * the resident confirms (the hold is posted) or disputes, and staff resolve a
 * dispute (post all, post part, or void); the resident or staff cancel. Every
 * step goes through the state machine and the rules of who (domain/order.ts),
 * and the same step asked again answers the order as it is.
 *
 * @example
 * await dispatch(ctx, { tenantId, orderId: 'o-17', provider: { type: 'organisation', id: 'school-3' }, actor: { type: 'staff', id: 'key_1' } })
 * await accept(ctx, { tenantId, orderId: 'o-17', actor: { type: 'staff', id: 'key_1' } })
 */
import { ErrorCode, Id, LedgerError } from '@timebank/ledger'
import { requestHash } from '@timebank/ledger/kit'
import { and, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityError, CommunityErrorCode, notFound } from '../domain/errors.js'
import { RecordHours, recordHours } from '../domain/hours.js'
import { CommunityId } from '../domain/ids.js'
import {
  type OrderAction,
  OrderActor,
  OrderDeadlines,
  OrderPayer,
  ProviderType,
  actorName,
  actorRefusal,
  deadlineOf,
  next,
  payerRefusal,
  providerRefusal,
} from '../domain/order.js'
import { parse } from '../domain/validate.js'
import { requireActiveMember } from '../storage/member-reads.js'
import { organisations } from '../storage/schema.js'
import { finishIntent } from './ledger-steps.js'
import { move, requireOrder } from './move.js'
import { enforceServiceOrder } from '../policy-check.js'
import type { PreHoldCheck } from './pre-hold.js'
import type { Order, OrderRow } from './view.js'
import { viewFor } from './queries.js'

const Base = { tenantId: Id, orderId: CommunityId, actor: OrderActor }
const Reason = z.string().trim().min(1).max(2000)

export const DispatchInput = z.strictObject({
  ...Base,
  provider: z.strictObject({ type: ProviderType, id: CommunityId }),
  /** Staff may change who pays when dispatching. */
  payer: OrderPayer.optional(),
})
export const OrderStepInput = z.strictObject(Base)
export const RefuseInput = z.strictObject({ ...Base, reason: Reason.optional() })
export const ReasonStepInput = z.strictObject({ ...Base, reason: Reason })
export const ResolveFields = z.strictObject({
  ...Base,
  /** post: the provider is paid in full; part: `hours` of it; void: nothing, the hours go back to the payer. */
  outcome: z.enum(['post', 'part', 'void']),
  hours: RecordHours.optional(),
  reason: Reason,
})
export const ResolveInput = ResolveFields.refine((r) => (r.outcome === 'part') === (r.hours !== undefined), {
  message: 'hours are given for a part payment, and only then',
  path: ['hours'],
})

/** What a step changes besides the status, worked out from the order as read. */
interface Plan {
  patch?: Partial<OrderRow>
  /** For a settlement: post (the amount, hundredths) or void, overriding the state machine's default. */
  settle?: { kind: 'post' | 'void'; amount: bigint }
  detail?: Record<string, unknown>
}

interface Step {
  tenantId: string
  orderId: string
  action: OrderAction
  actor: OrderActor
  /** The event written to the order's history. */
  event: string
  /** What makes this request the same as an earlier one (with the action and actor). */
  args?: (row: OrderRow) => Record<string, unknown>
  plan?: (row: OrderRow) => Plan | Promise<Plan>
  /** Run just before the order changes; throwing refuses the step and changes nothing. */
  before?: (row: OrderRow) => Promise<void>
  at?: Date
}

/** Steps lost to another writer before giving up: each loss means the order changed, so this is never reached in practice. */
const MAX_RACES = 10

/** Take one step: check who and what may follow, claim it, run its ledger step. */
export async function takeStep(ctx: CommunityContext, s: Step): Promise<{ row: OrderRow; replayed: boolean }> {
  const name = actorName(s.actor)
  for (let attempt = 0; attempt < MAX_RACES; attempt++) {
    const row = await requireOrder(ctx.db, s.tenantId, s.orderId)
    const hash = requestHash({ action: s.action, actor: name, ...(s.args?.(row) ?? {}) })
    if (row.lastRequest === hash) return { row: await finishIntent(ctx, row, name), replayed: true }
    const refusal = actorRefusal(
      { ...row, providerType: row.providerType as 'member' | null, status: row.status as never },
      s.action,
      s.actor,
    )
    if (refusal) throw refusal
    const to = next(row.status as never, s.action, row.id)
    const plan = (await s.plan?.(row)) ?? {}
    await s.before?.(row)
    const at = s.at ?? ctx.now()
    const patch: Partial<OrderRow> = { status: to.status, lastRequest: hash, ...plan.patch }
    if (to.status !== 'accepting' && to.status !== 'settling') {
      patch.statusSince = at
      patch.deadlineAt = deadlineOf(to.status, at, OrderDeadlines.parse(row.deadlineHours))
    }
    if (to.settle) {
      patch.settleKind = plan.settle?.kind ?? to.settle.kind
      patch.settleAmount = plan.settle?.amount ?? row.hours
      patch.settleTo = to.settle.to
      patch.settleFrom = row.status
    }
    const moved = await move(ctx, row, patch, { action: s.event, actor: name, detail: plan.detail ?? {} }, at)
    if (!moved) continue
    return { row: await finishIntent(ctx, moved, name), replayed: false }
  }
  throw new LedgerError(ErrorCode.CONTENTION, `order ${s.orderId} kept changing; retry the same request`)
}

/** Run a step and show the order as its actor may see it. */
async function shown(ctx: CommunityContext, s: Step): Promise<{ order: Order; replayed: boolean }> {
  const { row, replayed } = await takeStep(ctx, s)
  return { order: await viewFor(ctx, row, s.actor), replayed }
}

async function requireProvider(ctx: CommunityContext, tenantId: string, provider: { type: 'member' | 'organisation'; id: string }) {
  if (provider.type === 'member') {
    await requireActiveMember(ctx.db, tenantId, provider.id)
    return
  }
  const [org] = await ctx.db
    .select({ id: organisations.id })
    .from(organisations)
    .where(and(eq(organisations.tenantId, tenantId), eq(organisations.id, provider.id)))
  if (!org) throw notFound(CommunityErrorCode.ORGANISATION_NOT_FOUND, 'organisation', provider.id, 'organisationId')
}

/** Staff send the order to a provider (again, to another, while it is not accepted). */
export async function dispatch(ctx: CommunityContext, input: z.input<typeof DispatchInput>) {
  const d = parse(DispatchInput, input)
  if (d.payer !== undefined) {
    const refusal = payerRefusal(d.actor, d.payer)
    if (refusal) throw refusal
  }
  return shown(ctx, {
    ...d,
    action: 'dispatch',
    event: 'dispatched',
    args: () => ({ provider: d.provider, payer: d.payer ?? null }),
    plan: async (row) => {
      const refusal = providerRefusal(row.residentId, d.provider)
      if (refusal) throw refusal
      await requireProvider(ctx, d.tenantId, d.provider)
      return {
        patch: { providerType: d.provider.type, providerId: d.provider.id, ...(d.payer === undefined ? {} : { payer: d.payer }) },
        detail: { provider: d.provider, payer: d.payer ?? row.payer },
      }
    },
  })
}

/** The assigned provider turns the order down: it goes back for another dispatch. */
export async function refuse(ctx: CommunityContext, input: z.input<typeof RefuseInput>) {
  const r = parse(RefuseInput, input)
  return shown(ctx, {
    ...r,
    action: 'refuse',
    event: 'refused',
    plan: (row) => ({
      patch: { providerType: null, providerId: null },
      detail: { provider: { type: row.providerType, id: row.providerId }, ...(r.reason ? { reason: r.reason } : {}) },
    }),
  })
}

/**
 * The assigned provider takes the order: the agreed hours are held (payer to provider). The pre-hold check
 * (the community's policy) runs first; its refusal, or the ledger's (INSUFFICIENT_FUNDS…), leaves the order dispatched.
 */
export async function accept(ctx: CommunityContext, input: z.input<typeof OrderStepInput>, check: PreHoldCheck = enforceServiceOrder) {
  const a = parse(OrderStepInput, input)
  return shown(ctx, {
    ...a,
    action: 'accept',
    event: 'accepted',
    before: (row) =>
      check(ctx, {
        tenantId: row.tenantId,
        orderId: row.id,
        serviceId: row.serviceId,
        residentId: row.residentId,
        payer: row.payer as 'resident' | 'pool',
        provider: { type: row.providerType as 'member' | 'organisation', id: row.providerId as string },
        hours: row.hours,
      }),
  })
}

/** The assigned provider says the work is done; the resident confirms or disputes it. */
export async function complete(ctx: CommunityContext, input: z.input<typeof OrderStepInput>) {
  const c = parse(OrderStepInput, input)
  return shown(ctx, { ...c, action: 'complete', event: 'completed' })
}

/** The resident (or staff for them) confirms the work: the hold is posted to the provider. */
export async function confirm(ctx: CommunityContext, input: z.input<typeof OrderStepInput>) {
  const c = parse(OrderStepInput, input)
  return shown(ctx, { ...c, action: 'confirm', event: 'confirmed' })
}

/** The resident (or staff for them) disputes the work instead of confirming it; staff resolve it. */
export async function dispute(ctx: CommunityContext, input: z.input<typeof ReasonStepInput>) {
  const d = parse(ReasonStepInput, input)
  return shown(ctx, {
    ...d,
    action: 'dispute',
    event: 'disputed',
    plan: () => ({ patch: { reason: d.reason }, detail: { reason: d.reason } }),
  })
}

/** Staff settle a dispute: the provider paid in full, in part (the rest back to the payer), or not at all. */
export async function resolve(ctx: CommunityContext, input: z.input<typeof ResolveInput>) {
  const r = parse(ResolveInput, input)
  return shown(ctx, {
    ...r,
    action: 'resolve',
    event: 'resolved',
    args: () => ({ outcome: r.outcome, hours: r.hours ?? null }),
    plan: (row) => {
      const amount = r.outcome === 'part' ? recordHours(r.hours as string) : r.outcome === 'post' ? row.hours : 0n
      if (r.outcome === 'part' && (amount <= 0n || amount >= row.hours)) {
        throw new CommunityError(CommunityErrorCode.VALIDATION, 'a part payment is more than 0 and less than the agreed hours', {
          hours: r.hours,
        })
      }
      return {
        patch: { reason: r.reason },
        settle: r.outcome === 'void' ? { kind: 'void', amount: 0n } : { kind: 'post', amount },
        detail: { outcome: r.outcome, reason: r.reason, ...(r.hours ? { hours: r.hours } : {}) },
      }
    },
  })
}

/** The resident (before the work is done) or staff (before it is confirmed) call the order off; a hold is released. */
export async function cancel(ctx: CommunityContext, input: z.input<typeof ReasonStepInput>) {
  const c = parse(ReasonStepInput, input)
  return shown(ctx, {
    ...c,
    action: 'cancel',
    event: 'cancelled',
    plan: () => ({ patch: { reason: c.reason }, settle: { kind: 'void', amount: 0n }, detail: { reason: c.reason } }),
  })
}
