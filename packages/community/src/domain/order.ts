/**
 * The service order's state machine (居民点单、社区下单、单位接单) and the rules
 * of who may take each step. Pure: no SQL, no ledger.
 *
 *   ordered ──dispatch──▶ dispatched ──accept──▶ accepting ──finish──▶ accepted ──complete──▶ completed
 *   dispatched ──refuse / timeout──▶ ordered (for another dispatch); dispatched ──dispatch──▶ dispatched
 *   ordered, dispatched ──cancel──▶ cancelled;  ordered ──timeout──▶ expired
 *   accepted ──cancel / timeout──▶ settling (void)          completed ──confirm / timeout──▶ settling (post)
 *   completed ──dispute──▶ disputed ──resolve──▶ settling (post all, post part or void)
 *   completed ──cancel (staff)──▶ settling (void);  disputed ──timeout──▶ settling (void)
 *   settling ──finish──▶ confirmed | resolved | cancelled | expired;  settling ──fail──▶ where it came from
 *
 * The agreed hours are held in the ledger when the provider accepts (`accepting` claims the step first, so a
 * crash is finished by running it again) and posted or voided once (`settling` fixes the outcome first).
 * Exactly one hold per order, and it resolves exactly once: no state after a hold leads back to one
 * without it. The hold has no ledger timeout: the deadlines here, run by the sweep, own the timing.
 *
 * @example
 * next('completed', 'confirm')                  // { status: 'settling', settle: { kind: 'post', to: 'confirmed' } }
 * actorRefusal(order, 'accept', { type: 'member', id: 'ana' }) // null when ana is the assigned volunteer
 */
import { z } from 'zod'
import { CommunityError, CommunityErrorCode } from './errors.js'

export const OrderStatus = z.enum([
  'ordered',
  'dispatched',
  'accepting',
  'accepted',
  'completed',
  'disputed',
  'settling',
  'confirmed',
  'resolved',
  'cancelled',
  'expired',
])
export type OrderStatus = z.infer<typeof OrderStatus>

/** Who pays the agreed hours: the resident's own HOUR account, or the community pool (staff decide). */
export const OrderPayer = z.enum(['resident', 'pool'])
export type OrderPayer = z.infer<typeof OrderPayer>

export const ProviderType = z.enum(['member', 'organisation'])
export type ProviderType = z.infer<typeof ProviderType>

export type OrderAction =
  | 'dispatch'
  | 'refuse'
  | 'accept'
  | 'complete'
  | 'confirm'
  | 'dispute'
  | 'resolve'
  | 'cancel'
  | 'timeout'
  /** The ledger step of an intent went through. */
  | 'finish'
  /** The ledger refused the step of an intent: back to where it came from. */
  | 'fail'

/** How a settling order ends: the hold posted (all or part) or voided, and the status it ends in. */
export interface Settlement {
  kind: 'post' | 'void'
  to: 'confirmed' | 'resolved' | 'cancelled' | 'expired'
}

/** Where an action leads, and the settlement it starts (for `settling`). */
export interface Next {
  status: OrderStatus
  settle?: Settlement
}

/** States with a deadline: what the sweep does when it passes. */
export const TIMED = ['ordered', 'dispatched', 'accepted', 'completed', 'disputed'] as const
export type TimedStatus = (typeof TIMED)[number]

/** States in which the ledger holds the order's hours (or is placing or resolving the hold). */
export const HELD: readonly OrderStatus[] = ['accepted', 'completed', 'disputed', 'settling']
/** States the order never leaves. */
export const FINAL: readonly OrderStatus[] = ['confirmed', 'resolved', 'cancelled', 'expired']

const settle = (kind: Settlement['kind'], to: Settlement['to']): Next => ({ status: 'settling', settle: { kind, to } })

const NEXT: Record<OrderStatus, Partial<Record<OrderAction, Next>>> = {
  ordered: { dispatch: { status: 'dispatched' }, cancel: { status: 'cancelled' }, timeout: { status: 'expired' } },
  dispatched: {
    dispatch: { status: 'dispatched' },
    refuse: { status: 'ordered' },
    timeout: { status: 'ordered' },
    accept: { status: 'accepting' },
    cancel: { status: 'cancelled' },
  },
  accepting: { finish: { status: 'accepted' }, fail: { status: 'dispatched' } },
  accepted: { complete: { status: 'completed' }, cancel: settle('void', 'cancelled'), timeout: settle('void', 'expired') },
  completed: {
    confirm: settle('post', 'confirmed'),
    dispute: { status: 'disputed' },
    // A resident who says nothing has the work taken as done: the provider is paid.
    timeout: settle('post', 'confirmed'),
    cancel: settle('void', 'cancelled'),
  },
  // `resolve` settles as staff decide (post all, part, or void); an unresolved dispute returns the hours to the payer.
  disputed: { resolve: settle('post', 'resolved'), timeout: settle('void', 'expired') },
  settling: {},
  confirmed: {},
  resolved: {},
  cancelled: {},
  expired: {},
}

/** Where `action` leads from `status`, or null when it may not follow it. */
export function nextOf(status: OrderStatus, action: OrderAction): Next | null {
  return NEXT[status][action] ?? null
}

/** Where `action` leads; INVALID_TRANSITION when it may not follow `status`. */
export function next(status: OrderStatus, action: OrderAction, orderId?: string): Next {
  const found = nextOf(status, action)
  if (found) return found
  throw new CommunityError(CommunityErrorCode.INVALID_TRANSITION, `a ${status} order cannot take the step ${action}`, {
    ...(orderId === undefined ? {} : { orderId }),
    status,
    action,
  })
}

/** Who takes a step: staff (a key id), a member (themselves), an organisation (its own key), or the system (the sweep). */
export const OrderActor = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('staff'), id: z.string().min(1).max(200) }),
  z.strictObject({ type: z.literal('member'), id: z.string().min(1).max(200) }),
  z.strictObject({ type: z.literal('organisation'), id: z.string().min(1).max(200) }),
  z.strictObject({ type: z.literal('system'), id: z.string().min(1).max(200) }),
])
export type OrderActor = z.infer<typeof OrderActor>

/** How an actor is written in the order's history. */
export const actorName = (a: OrderActor): string => `${a.type}:${a.id}`

export interface OrderParties {
  residentId: string
  providerType: ProviderType | null
  providerId: string | null
}

/** True when `actor` is the order's assigned provider (staff act for an organisation, which has no hands of its own). */
export function isProvider(order: OrderParties, actor: OrderActor): boolean {
  if (order.providerType === null || order.providerId === null) return false
  if (actor.type === 'staff') return order.providerType === 'organisation'
  return actor.type === order.providerType && actor.id === order.providerId
}

const isResident = (order: OrderParties, actor: OrderActor) => actor.type === 'member' && actor.id === order.residentId
const isProviderSelf = (order: OrderParties, actor: OrderActor) =>
  order.providerType !== null && actor.type === order.providerType && actor.id === order.providerId

/** The refusal (ORDER_NOT_ALLOWED) of `actor` taking `action` on the order in `status`, or null when they may. */
export function actorRefusal(order: OrderParties & { id?: string; status: OrderStatus }, action: OrderAction, actor: OrderActor) {
  const refuse = (why: string) =>
    new CommunityError(CommunityErrorCode.ORDER_NOT_ALLOWED, `${actorName(actor)} may not ${action} this order: ${why}`, {
      ...(order.id === undefined ? {} : { orderId: order.id }),
      action,
      actor: actor.type,
    })
  switch (action) {
    case 'dispatch':
    case 'resolve':
      return actor.type === 'staff' ? null : refuse('only staff may')
    case 'accept':
    case 'refuse':
    case 'complete':
      return isProvider(order, actor) ? null : refuse('only the assigned provider may')
    case 'confirm':
    case 'dispute':
      // The provider never confirms its own work, even were it the resident's own key.
      if (isProviderSelf(order, actor)) return refuse('the provider may not')
      return isResident(order, actor) || actor.type === 'staff' ? null : refuse('only the resident (or staff for them) may')
    case 'cancel':
      if (actor.type === 'staff') return null
      if (!isResident(order, actor)) return refuse('only the resident or staff may')
      return order.status === 'completed' ? refuse('the work is done: confirm or dispute it') : null
    case 'timeout':
    case 'finish':
    case 'fail':
      return actor.type === 'system' || actor.type === 'staff' ? null : refuse('only the system may')
  }
}

/** Only staff decide that the pool pays (the entitlement rule itself is the policy module's). */
export function payerRefusal(actor: OrderActor, payer: OrderPayer) {
  if (payer === 'resident' || actor.type === 'staff') return null
  return new CommunityError(CommunityErrorCode.ORDER_NOT_ALLOWED, 'only staff may have the community pool pay for an order', {
    payer,
    actor: actor.type,
  })
}

/** The provider can never be the resident. */
export function providerRefusal(residentId: string, provider: { type: ProviderType; id: string }) {
  if (provider.type !== 'member' || provider.id !== residentId) return null
  return new CommunityError(CommunityErrorCode.PROVIDER_IS_RESIDENT, 'the resident cannot provide their own order', {
    residentId,
  })
}

/** Hours each state may last before the sweep moves the order on, whole hours. */
const Hours = z
  .number()
  .int()
  .min(1)
  .max(366 * 24)
export const OrderDeadlines = z.strictObject({
  /** Not dispatched in time: the order expires. */
  ordered: Hours.default(72),
  /** Not answered by the provider in time: back to ordered, for another dispatch. */
  dispatched: Hours.default(24),
  /** Accepted but not completed in time: the hold is released, the order expires. */
  accepted: Hours.default(168),
  /** Completed but neither confirmed nor disputed in time: confirmed, the provider paid. */
  completed: Hours.default(72),
  /** A dispute staff did not resolve in time: the hold is released, the order expires. */
  disputed: Hours.default(336),
})
export type OrderDeadlines = z.infer<typeof OrderDeadlines>

/** When an order entering `status` at `at` is overdue, or null for a state without a deadline. */
export function deadlineOf(status: OrderStatus, at: Date, deadlines: OrderDeadlines): Date | null {
  if (!(TIMED as readonly string[]).includes(status)) return null
  return new Date(at.getTime() + deadlines[status as TimedStatus] * 3_600_000)
}

/** The ledger ids of an order's steps: one hold, resolved once by one post or one void. */
export type OrderStep = 'hold' | 'post' | 'void'
export const orderStep = (orderId: string, step: OrderStep) => `order:${orderId}:${step}`
