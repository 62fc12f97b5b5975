/**
 * The workflows' deadlines, for every community at once: wishes past their deadline expire (their holds
 * voided), orders overdue at any step move on (sweepOrders), redemptions not picked up expire (both holds
 * voided) and, less often, points the policy says are due expire. Each sweep is idempotent, so running this
 * late or twice changes nothing more than running it on time; a community's failure is reported, not thrown,
 * and the others still run.
 *
 * @example
 * for (const o of await sweepAllDeadlines(ctx, { points: true })) if (o.error) log(o.tenantId, o.error)
 */
import type { CommunityContext } from './context.js'
import { expiryRun } from './expiry/run.js'
import { expireRedemptions } from './market/redemptions.js'
import { sweepOrders } from './orders/sweep.js'
import { communities } from './storage/schema.js'
import { expireWishes } from './wishes/actions.js'

export interface DeadlineOutcome {
  tenantId: string
  wishesExpired?: number
  ordersMoved?: number
  redemptionsExpired?: number
  /** Points expired by the policy's rule, when asked for. */
  pointsExpired?: string
  error?: unknown
}

/** Who the sweeps record as having acted. */
const ACTOR = 'deadline-sweep'

export async function sweepAllDeadlines(ctx: CommunityContext, options: { points: boolean }): Promise<DeadlineOutcome[]> {
  const rows = await ctx.db.select({ tenantId: communities.tenantId }).from(communities).orderBy(communities.tenantId)
  const outcomes: DeadlineOutcome[] = []
  for (const { tenantId } of rows) {
    const outcome: DeadlineOutcome = { tenantId }
    try {
      outcome.wishesExpired = (await expireWishes(ctx, { tenantId, actor: ACTOR })).expired
      outcome.ordersMoved = (await sweepOrders(ctx, { tenantId })).timedOut
      outcome.redemptionsExpired = (await expireRedemptions(ctx, { tenantId })).expired
      if (options.points) outcome.pointsExpired = (await expiryRun(ctx, { tenantId })).amount
    } catch (error) {
      outcome.error = error
    }
    outcomes.push(outcome)
  }
  return outcomes
}
