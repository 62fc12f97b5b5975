/**
 * The ledger steps of an order and finishing the intents that name them. An
 * order `accepting` is finished by holding its agreed hours (payer to
 * provider, pending, with no ledger timeout: the order's deadlines own the
 * timing) and marking it accepted; one `settling` by posting (all or part) or
 * voiding that hold and marking the status the settlement ends in. Either may
 * run again at any time: the ledger replays what it has under the order's ids
 * (`order:<id>:hold|post|void`), and the mark is conditional, so nothing moves
 * twice. A step the ledger refuses puts the order back where it came from.
 *
 * @example
 * const row = await finishIntent(ctx, claimed, 'system:sweep')
 */
import { type Transfer, formatAmount, isLedgerError } from '@timebank/ledger'
import type { CommunityContext } from '../context.js'
import { HOURS_SCALE } from '../domain/hours.js'
import { ASSETS, memberAccount, organisationAccount, poolAccount } from '../domain/ids.js'
import { OrderDeadlines, type OrderStatus, deadlineOf, next, orderStep } from '../domain/order.js'
import { move, requireOrder } from './move.js'
import type { OrderRow } from './view.js'

/** The account the order's hours come from. */
export const payerAccount = (r: Pick<OrderRow, 'payer' | 'residentId'>) =>
  r.payer === 'pool' ? poolAccount(ASSETS.hours) : memberAccount(r.residentId, ASSETS.hours)

/** The account the order's hours go to. */
export function providerAccount(r: Pick<OrderRow, 'providerType' | 'providerId'>): string {
  if (r.providerId === null) throw new Error('an order without a provider has no provider account')
  return r.providerType === 'organisation' ? organisationAccount(r.providerId, ASSETS.hours) : memberAccount(r.providerId, ASSETS.hours)
}

const hours = (minor: bigint) => formatAmount(minor, HOURS_SCALE)

/** A refusal by the ledger (a rule or the state of an account), as opposed to an outage, which leaves the intent for later. */
const refusedByLedger = (e: unknown) => isLedgerError(e) && e.code !== 'CONTENTION'

/** Finish an order in `accepting` or `settling`; other orders are returned as they are. */
export async function finishIntent(ctx: CommunityContext, row: OrderRow, actor: string): Promise<OrderRow> {
  if (row.status === 'accepting') return finishAccepting(ctx, row, actor)
  if (row.status === 'settling') return finishSettling(ctx, row, actor)
  return row
}

/** The order again after a lost race: whatever another caller left it in. */
const reread = (ctx: CommunityContext, row: OrderRow) => requireOrder(ctx.db, row.tenantId, row.id)

async function finishAccepting(ctx: CommunityContext, row: OrderRow, actor: string): Promise<OrderRow> {
  let hold: Transfer
  try {
    const result = await ctx.ledger.transfer({
      tenantId: row.tenantId,
      id: orderStep(row.id, 'hold'),
      from: payerAccount(row),
      to: providerAccount(row),
      amount: hours(row.hours),
      pending: true,
      memo: `service order ${row.id}`,
      metadata: { orderId: row.id, serviceId: row.serviceId },
    })
    hold = result.transfer
  } catch (e) {
    if (!refusedByLedger(e)) throw e
    const error = (e as { toJSON(): Record<string, unknown> }).toJSON()
    const back = await move(
      ctx,
      row,
      { status: next('accepting', 'fail').status, lastRequest: null },
      { action: 'hold-refused', actor, detail: { error } },
    )
    if (!back) return reread(ctx, row)
    throw e
  }
  const now = ctx.now()
  const status = next('accepting', 'finish').status
  const marked = await move(
    ctx,
    row,
    { status, statusSince: now, heldAt: hold.createdAt, deadlineAt: deadlineOf(status, now, OrderDeadlines.parse(row.deadlineHours)) },
    { action: 'held', actor, detail: { transferId: hold.id, amount: hold.amount } },
    now,
  )
  return marked ?? reread(ctx, row)
}

async function finishSettling(ctx: CommunityContext, row: OrderRow, actor: string): Promise<OrderRow> {
  const pendingId = orderStep(row.id, 'hold')
  const post = row.settleKind === 'post'
  const amount = row.settleAmount ?? row.hours
  let done: Transfer
  try {
    const result = post
      ? await ctx.ledger.post({
          tenantId: row.tenantId,
          id: orderStep(row.id, 'post'),
          pendingId,
          amount: hours(amount),
          metadata: { orderId: row.id },
        })
      : await ctx.ledger.void({ tenantId: row.tenantId, id: orderStep(row.id, 'void'), pendingId, metadata: { orderId: row.id } })
    done = result.transfer
  } catch (e) {
    if (!refusedByLedger(e)) throw e
    const error = (e as { toJSON(): Record<string, unknown> }).toJSON()
    const from = row.settleFrom as OrderStatus
    const back = await move(
      ctx,
      row,
      { status: from, settleKind: null, settleAmount: null, settleTo: null, settleFrom: null, lastRequest: null },
      { action: 'settle-refused', actor, detail: { error } },
    )
    if (!back) return reread(ctx, row)
    throw e
  }
  const now = ctx.now()
  const marked = await move(
    ctx,
    row,
    { status: row.settleTo as OrderStatus, statusSince: now, deadlineAt: null, settledHours: post ? amount : 0n },
    { action: post ? 'posted' : 'released', actor, detail: { transferId: done.id, amount: post ? hours(amount) : hours(0n) } },
    now,
  )
  return marked ?? reread(ctx, row)
}
