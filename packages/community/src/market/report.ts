/**
 * The stock report (账物相符): per reward, what the ledger holds (units on the
 * shelf and free, reserved, handed out, written off, restocked in all; points
 * received and points reserved) beside what the redemption rows say
 * (handed-out units, and units × the price each was requested at), with
 * whether they agree. The ledger's books balance by construction; the check
 * is that the rows and the books tell the same story.
 *
 * @example
 * const [rice] = (await stockReport(ctx, { tenantId, rewardId: 'rice-5kg' })).rewards
 * rice.matches // true
 */
import { type Balance, Id } from '@timebank/ledger'
import { rows } from '@timebank/ledger/kit'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityId } from '../domain/ids.js'
import { rewardAccounts } from '../domain/reward.js'
import { parse } from '../domain/validate.js'
import { listRewards, requireReward } from './rewards.js'
import type { RewardRow } from './view.js'

export const StockReportInput = z.strictObject({ tenantId: Id, rewardId: CommunityId.optional() })

export const RewardStockOutput = z.object({
  rewardId: z.string(),
  name: z.string(),
  price: z.string().describe('Points per unit now.'),
  onShelf: z.string().describe('Units on the shelf and free to redeem.'),
  reserved: z.string().describe('Units held for redemptions not yet handed over.'),
  handedOut: z.string(),
  writtenOff: z.string(),
  restocked: z.string().describe('Units restocked in all: on shelf + reserved + handed out + written off.'),
  pointsReceived: z.string().describe('Points posted for handed-over redemptions.'),
  pointsReserved: z.string().describe('Points held for redemptions not yet handed over.'),
  rows: z.object({
    handedOut: z.string().describe('Units of the handed-over redemptions.'),
    points: z.string().describe('Their units × the price each was requested at.'),
    reserved: z.string(),
    pointsReserved: z.string(),
  }),
  matches: z.boolean().describe('The ledger and the redemptions agree, and the units add up to what was restocked.'),
})
export type RewardStock = z.output<typeof RewardStockOutput>

interface RowTotals {
  handed_units: string
  handed_points: string
  reserved_units: string
  reserved_points: string
}

async function rowTotals(ctx: CommunityContext, tenantId: string, rewardId: string): Promise<RowTotals> {
  const [t] = await rows<RowTotals>(
    ctx.db,
    sql`select coalesce(sum(quantity) filter (where status = 'handed_over'), 0)::text as handed_units,
               coalesce(sum(points) filter (where status = 'handed_over'), 0)::text as handed_points,
               coalesce(sum(quantity) filter (where status = 'reserved'), 0)::text as reserved_units,
               coalesce(sum(points) filter (where status = 'reserved'), 0)::text as reserved_points
        from cm_redemptions where tenant_id = ${tenantId} and reward_id = ${rewardId}`,
  )
  return t as RowTotals
}

/** One reward's stock, read from the ledger and the rows. */
export async function rewardStock(ctx: CommunityContext, reward: RewardRow): Promise<RewardStock> {
  const { tenantId, id } = reward
  const a = rewardAccounts(id)
  const balance = (accountId: string): Promise<Balance> => ctx.ledger.getBalance({ tenantId, accountId })
  const [issued, shelf, handed, off, takings, totals] = await Promise.all([
    // What every restock drew from: the ledger's issuance account of the reward's asset.
    balance(`sys:issuance:${reward.asset}`),
    balance(a.shelf),
    balance(a.handedOut),
    balance(a.writtenOff),
    balance(a.takings),
    rowTotals(ctx, tenantId, id),
  ])
  // Scale 0: balances are whole-number text (zero and negatives too, which parseAmount refuses).
  const n = (s: string) => BigInt(s)
  // The shelf's posted units include those reserved (held, not yet moved).
  const restocked = n(shelf.posted) + n(handed.posted) + n(off.posted)
  // Rows still being reserved may already hold in the ledger: they count as reserved on neither side, so
  // the check waits for them (reconcile lists them as unfinished).
  const matches =
    -n(issued.posted) === restocked &&
    n(handed.posted) === BigInt(totals.handed_units) &&
    n(takings.posted) === BigInt(totals.handed_points) &&
    n(shelf.pendingDebits) === BigInt(totals.reserved_units) &&
    n(handed.pendingCredits) === n(shelf.pendingDebits) &&
    n(takings.pendingCredits) === BigInt(totals.reserved_points)
  return {
    rewardId: id,
    name: reward.name,
    price: reward.price.toString(),
    onShelf: shelf.available,
    reserved: shelf.pendingDebits,
    handedOut: handed.posted,
    writtenOff: off.posted,
    restocked: restocked.toString(),
    pointsReceived: takings.posted,
    pointsReserved: takings.pendingCredits,
    rows: {
      handedOut: totals.handed_units,
      points: totals.handed_points,
      reserved: totals.reserved_units,
      pointsReserved: totals.reserved_points,
    },
    matches,
  }
}

/** The stock of one reward, or of every reward of the community, by id. */
export async function stockReport(ctx: CommunityContext, input: z.input<typeof StockReportInput>): Promise<{ rewards: RewardStock[] }> {
  const q = parse(StockReportInput, input)
  await ctx.community(q.tenantId)
  if (q.rewardId !== undefined) return { rewards: [await rewardStock(ctx, await requireReward(ctx, q.tenantId, q.rewardId))] }
  const out: RewardStock[] = []
  let after: string | undefined
  for (;;) {
    const page = await listRewards(ctx, { tenantId: q.tenantId, limit: 500, ...(after === undefined ? {} : { after }) })
    for (const r of page.rewards) out.push(await rewardStock(ctx, await requireReward(ctx, q.tenantId, r.id)))
    if (page.nextAfter === null) return { rewards: out }
    after = page.nextAfter
  }
}
