/**
 * The deadlines of orders, run by a periodic job: every order whose state
 * lasted past its deadline moves on (domain/order.ts says where: undispatched
 * ones expire, unanswered dispatches come back for another, accepted ones
 * expire and their hold is released, completed ones are confirmed, unresolved
 * disputes release the hold), and every intent a crash left (`accepting`,
 * `settling`) is finished. Idempotent: an order moved on is no longer overdue,
 * and the ledger replays what it has.
 *
 * @example
 * await sweepOrders(ctx, { tenantId, now: new Date() })   // { finished: 0, timedOut: 3, refused: 0 }
 */
import { Id, isLedgerError } from '@timebank/ledger'
import { and, asc, inArray, lte, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { isCommunityError } from '../domain/errors.js'
import { TIMED } from '../domain/order.js'
import { parse } from '../domain/validate.js'
import { orders } from '../storage/schema.js'
import { finishIntent } from './ledger-steps.js'
import { takeStep } from './steps.js'

export const SweepOrdersInput = z.strictObject({
  tenantId: Id,
  /** The instant deadlines are compared with; now by default. */
  now: z.date().optional(),
  /** Most orders moved on in one run; the rest wait for the next. */
  limit: z.number().int().min(1).max(10_000).default(1000),
})

export interface SweepOutcome {
  /** Intents finished (after a crash or an outage). */
  finished: number
  /** Orders moved on by their deadline. */
  timedOut: number
  /** Steps the ledger refused (the order stays where it was; the next run tries again). */
  refused: number
}

const SWEEP = { type: 'system', id: 'sweep' } as const

export async function sweepOrders(ctx: CommunityContext, input: z.input<typeof SweepOrdersInput>): Promise<SweepOutcome> {
  const { tenantId, now: given, limit } = parse(SweepOrdersInput, input)
  await ctx.community(tenantId)
  const now = given ?? ctx.now()
  const outcome: SweepOutcome = { finished: 0, timedOut: 0, refused: 0 }
  const claimed = await ctx.db
    .select()
    .from(orders)
    .where(and(eq(orders.tenantId, tenantId), inArray(orders.status, ['accepting', 'settling'])))
    .orderBy(asc(orders.id))
  for (const row of claimed) {
    try {
      await finishIntent(ctx, row, 'system:sweep')
      outcome.finished++
    } catch (e) {
      if (!isLedgerError(e)) throw e
      outcome.refused++
    }
  }
  const overdue = await ctx.db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.tenantId, tenantId), inArray(orders.status, [...TIMED]), lte(orders.deadlineAt, now)))
    .orderBy(asc(orders.deadlineAt), asc(orders.id))
    .limit(limit)
  for (const { id } of overdue) {
    try {
      const { replayed } = await takeStep(ctx, {
        tenantId,
        orderId: id,
        action: 'timeout',
        actor: SWEEP,
        event: 'timed-out',
        at: now,
        // Each timeout is its own request: an order may time out in one state, then in another.
        args: (row) => ({ version: row.version }),
        plan: (row) => {
          if (row.deadlineAt === null || row.deadlineAt > now) throw new NotDue()
          return {
            patch: row.status === 'dispatched' ? { providerType: null, providerId: null } : {},
            detail: { status: row.status, deadlineAt: row.deadlineAt.toISOString() },
          }
        },
      })
      if (!replayed) outcome.timedOut++
    } catch (e) {
      // Moved on by someone else since it was listed: nothing is due.
      if (e instanceof NotDue || (isCommunityError(e) && e.code === 'INVALID_TRANSITION')) continue
      if (!isLedgerError(e)) throw e
      outcome.refused++
    }
  }
  return outcome
}

class NotDue extends Error {}
