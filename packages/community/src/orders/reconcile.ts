/**
 * Orders and the ledger in step without a shared transaction: every order is
 * compared with what the ledger holds under its ids (`order:<id>:hold`,
 * `…:post`, `…:void`), and each disagreement listed. An order in `accepting`
 * or `settling` is unfinished (the sweep, or the same step again, finishes it).
 *
 * @example
 * const problems = await reconcileOrders(ctx, { tenantId })   // [] when all agree
 */
import { Id, type Transfer, formatAmount } from '@timebank/ledger'
import { and, asc, eq, gt } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { HOURS_SCALE } from '../domain/hours.js'
import { HELD, type OrderStatus, orderStep } from '../domain/order.js'
import { parse } from '../domain/validate.js'
import { ledgerTransfers } from '../records/credit.js'
import { orders } from '../storage/schema.js'
import { payerAccount, providerAccount } from './ledger-steps.js'
import type { OrderRow } from './view.js'

export type OrderProblemKind =
  /** Claimed for a ledger step and not finished. */
  | 'unfinished'
  /** Accepted (or later, with a hold) but the ledger holds no hold under its id. */
  | 'hold-missing'
  /** Never accepted, yet the ledger holds a hold under its id. */
  | 'hold-unexpected'
  /** The hold's amount or accounts differ from the order's. */
  | 'hold-differs'
  /** Held, but the ledger's hold is no longer pending (posted, voided or expired under the order). */
  | 'hold-resolved'
  | 'post-missing'
  | 'post-unexpected'
  | 'void-missing'
  | 'void-unexpected'
  /** What the ledger posted differs from what the order says it paid. */
  | 'amount-differs'

export interface OrderProblem {
  orderId: string
  status: OrderStatus
  kind: OrderProblemKind
  transferId?: string
  detail?: string
}

export const ReconcileOrdersInput = z.strictObject({ tenantId: Id })

const PAGE = 500
const hours = (minor: bigint) => formatAmount(minor, HOURS_SCALE)

/** Every order whose ledger state disagrees with its own, in id order. */
export async function reconcileOrders(ctx: CommunityContext, input: z.input<typeof ReconcileOrdersInput>): Promise<OrderProblem[]> {
  const { tenantId } = parse(ReconcileOrdersInput, input)
  await ctx.community(tenantId)
  const problems: OrderProblem[] = []
  let after = ''
  for (;;) {
    const page = await ctx.db
      .select()
      .from(orders)
      .where(and(eq(orders.tenantId, tenantId), gt(orders.id, after)))
      .orderBy(asc(orders.id))
      .limit(PAGE)
    if (page.length === 0) return problems
    after = (page[page.length - 1] as OrderRow).id
    const ids = page.flatMap((o) => [orderStep(o.id, 'hold'), orderStep(o.id, 'post'), orderStep(o.id, 'void')])
    const ledger = await ledgerTransfers(ctx, tenantId, ids)
    for (const o of page) problems.push(...problemsOf(o, ledger))
  }
}

export function problemsOf(o: OrderRow, ledger: Map<string, Transfer | null>): OrderProblem[] {
  const status = o.status as OrderStatus
  const out: OrderProblem[] = []
  const add = (kind: OrderProblemKind, transferId?: string, detail?: string) =>
    out.push({ orderId: o.id, status, kind, ...(transferId ? { transferId } : {}), ...(detail ? { detail } : {}) })
  if (status === 'accepting' || status === 'settling') {
    add('unfinished')
    return out
  }
  const [holdId, postId, voidId] = [orderStep(o.id, 'hold'), orderStep(o.id, 'post'), orderStep(o.id, 'void')]
  const hold = ledger.get(holdId) ?? null
  const post = ledger.get(postId) ?? null
  const voided = ledger.get(voidId) ?? null
  const held = HELD.includes(status) || o.heldAt !== null
  if (!held) {
    if (hold) add('hold-unexpected', holdId)
  } else if (!hold) add('hold-missing', holdId)
  else if (o.providerId !== null && (hold.amount !== hours(o.hours) || hold.from !== payerAccount(o) || hold.to !== providerAccount(o))) {
    add(
      'hold-differs',
      holdId,
      `order ${hours(o.hours)} ${payerAccount(o)} → ${providerAccount(o)}, ledger ${hold.amount} ${hold.from} → ${hold.to}`,
    )
  }
  const open = HELD.includes(status)
  if (open && hold && hold.status !== 'pending') add('hold-resolved', holdId, `ledger ${hold.status}`)
  const paid = !open && held && o.settledHours !== null && o.settledHours > 0n
  const released = !open && held && !paid
  if (paid && !post) add('post-missing', postId)
  if (!paid && post) add('post-unexpected', postId)
  if (paid && post && post.amount !== hours(o.settledHours as bigint))
    add('amount-differs', postId, `order ${hours(o.settledHours as bigint)}, ledger ${post.amount}`)
  if (released && !voided) add('void-missing', voidId)
  if (!released && voided) add('void-unexpected', voidId)
  return out
}
