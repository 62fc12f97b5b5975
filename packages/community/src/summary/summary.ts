/**
 * What a staff member's first page shows, counted by the database: a month's
 * approved hours and points and its activities, the records waiting for a
 * decision, wishes and orders by status, and the rewards on the catalogue
 * running low. Each figure is one aggregate query (a count or a sum grouped
 * by status), never a listing; a grid path narrows every figure but the
 * rewards (the supermarket is the whole community's) to that subtree.
 *
 * Hours and points are the honour roll's (recognition/totals.ts): the month's
 * live totals with members where they live now, or its snapshot once closed.
 * With a grid path they are the members placed in that subtree; without, every
 * member's, placed or not.
 *
 * @example
 * const s = await communitySummary(ctx, { tenantId, period: '2026-03', gridPath: 'root/g1/' })
 * s.pendingApprovals   // 12
 * s.wishes.published   // 3
 */
import { Id, formatAmount } from '@timebank/ledger'
import { rows } from '@timebank/ledger/kit'
import { type SQL, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { GridPath } from '../domain/grid.js'
import { HOURS_SCALE } from '../domain/hours.js'
import { OrderStatus } from '../domain/order.js'
import { bounds, monthOf } from '../domain/periods.js'
import { rewardAccounts } from '../domain/reward.js'
import { WishStatus } from '../domain/wish.js'
import { parse } from '../domain/validate.js'
import { periodTotals } from '../recognition/totals.js'

/** Rewards with at most this many units free on the shelf are low, unless asked otherwise. */
export const LOW_STOCK_UNITS = 5

export const SummaryInput = z.strictObject({
  tenantId: Id,
  /** A month, YYYY-MM; this month in the community's time zone by default. */
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month, YYYY-MM')
    .optional(),
  /** Only this grid's subtree (its path, e.g. `root/g1/`); the whole community when absent. */
  gridPath: GridPath.optional(),
  /** Units free on the shelf at or below which a reward is low. */
  lowStock: z.number().int().min(0).max(1_000_000).default(LOW_STOCK_UNITS),
})

export const SummaryOutput = z.object({
  period: z.string().describe('The month counted, YYYY-MM.'),
  status: z.enum(['open', 'closed']).describe('Closed: hours and points are the snapshot taken when it was closed.'),
  hours: z.string().describe('Approved hours counted in the month, net of corrections, e.g. "12.50".'),
  points: z.string().describe('Points credited with them.'),
  activities: z.number().int().describe('Activities starting in the month, not cancelled.'),
  pendingApprovals: z.number().int().describe('Hour records waiting for a decision (of members now placed in the subtree).'),
  wishes: z.record(WishStatus, z.number().int()).describe('Wishes by status (in the subtree).'),
  orders: z.record(OrderStatus, z.number().int()).describe('Service orders by status (of residents now placed in the subtree).'),
  lowStock: z
    .array(z.object({ rewardId: z.string(), name: z.string(), onShelf: z.string(), reserved: z.string() }))
    .describe('Rewards on the catalogue with at most `lowStockThreshold` units free, fewest first.'),
  lowStockThreshold: z.number().int(),
})
export type Summary = z.output<typeof SummaryOutput>

/** `by` (a grid path column) within the subtree, or true without one. */
const within = (by: SQL, gridPath: string | undefined): SQL => (gridPath === undefined ? sql`true` : sql`starts_with(${by}, ${gridPath})`)

/** Counts per status, every status present (0 when none). */
function byStatus<S extends string>(statuses: readonly S[], found: { status: string; n: string }[]): Record<S, number> {
  const out = Object.fromEntries(statuses.map((s) => [s, 0])) as Record<S, number>
  for (const r of found) if ((statuses as readonly string[]).includes(r.status)) out[r.status as S] = Number(r.n)
  return out
}

export async function communitySummary(ctx: CommunityContext, input: z.input<typeof SummaryInput>): Promise<Summary> {
  const q = parse(SummaryInput, input)
  const t = q.tenantId
  const { settings } = await ctx.community(t)
  const period = q.period ?? monthOf(ctx.now(), settings.timeZone)
  const { from, to } = bounds(period, settings.timeZone)
  const { source, closed } = await periodTotals(ctx.db, t, period)
  const [totals, activities, pending, wishes, orders, low] = await Promise.all([
    rows<{ hours: string; points: string }>(
      ctx.db,
      sql`with totals as (${source})
          select coalesce(sum(hours), 0)::text as hours, coalesce(sum(points), 0)::text as points
          from totals where ${q.gridPath === undefined ? sql`true` : sql`grid_path is not null and ${within(sql`grid_path`, q.gridPath)}`}`,
    ),
    rows<{ n: string }>(
      ctx.db,
      sql`select count(*)::text as n from cm_activities a join cm_grids g on g.tenant_id = a.tenant_id and g.id = a.grid_id
          where a.tenant_id = ${t} and a.status <> 'cancelled' and ${within(sql`g.path`, q.gridPath)}
            and a.starts_at >= ${from.toISOString()}::timestamptz and a.starts_at < ${to.toISOString()}::timestamptz`,
    ),
    rows<{ n: string }>(
      ctx.db,
      q.gridPath === undefined
        ? sql`select count(*)::text as n from cm_hour_records where tenant_id = ${t} and status = 'pending'`
        : sql`select count(*)::text as n from cm_hour_records r
              join cm_members m on m.tenant_id = r.tenant_id and m.id = r.member_id
              join cm_grids g on g.tenant_id = m.tenant_id and g.id = m.grid_id
              where r.tenant_id = ${t} and r.status = 'pending' and ${within(sql`g.path`, q.gridPath)}`,
    ),
    rows<{ status: string; n: string }>(
      ctx.db,
      q.gridPath === undefined
        ? sql`select status, count(*)::text as n from cm_wishes where tenant_id = ${t} group by status`
        : sql`select w.status, count(*)::text as n from cm_wishes w join cm_grids g on g.tenant_id = w.tenant_id and g.id = w.grid_id
              where w.tenant_id = ${t} and ${within(sql`g.path`, q.gridPath)} group by w.status`,
    ),
    rows<{ status: string; n: string }>(
      ctx.db,
      q.gridPath === undefined
        ? sql`select status, count(*)::text as n from cm_orders where tenant_id = ${t} group by status`
        : sql`select o.status, count(*)::text as n from cm_orders o
              join cm_members m on m.tenant_id = o.tenant_id and m.id = o.resident_id
              join cm_grids g on g.tenant_id = m.tenant_id and g.id = m.grid_id
              where o.tenant_id = ${t} and ${within(sql`g.path`, q.gridPath)} group by o.status`,
    ),
    lowStock(ctx, t, q.lowStock),
  ])
  return {
    period,
    status: closed ? 'closed' : 'open',
    hours: formatAmount(BigInt(totals[0]?.hours ?? '0'), HOURS_SCALE),
    points: totals[0]?.points ?? '0',
    activities: Number(activities[0]?.n ?? 0),
    pendingApprovals: Number(pending[0]?.n ?? 0),
    wishes: byStatus(WishStatus.options, wishes),
    orders: byStatus(OrderStatus.options, orders),
    lowStock: low,
    lowStockThreshold: q.lowStock,
  }
}

/** Rewards on the catalogue whose shelf holds at most `threshold` free units: each active reward's shelf balance, read at once. */
async function lowStock(ctx: CommunityContext, tenantId: string, threshold: number): Promise<Summary['lowStock']> {
  const active = await rows<{ id: string; name: string }>(
    ctx.db,
    sql`select id, name from cm_rewards where tenant_id = ${tenantId} and active order by id`,
  )
  const shelves = await Promise.all(
    active.map((r) => ctx.ledger.getBalance({ tenantId, accountId: rewardAccounts(r.id).shelf }).then((b) => ({ r, b }))),
  )
  return shelves
    .filter(({ b }) => BigInt(b.available) <= BigInt(threshold))
    .sort((x, y) => (BigInt(x.b.available) < BigInt(y.b.available) ? -1 : BigInt(x.b.available) > BigInt(y.b.available) ? 1 : 0))
    .map(({ r, b }) => ({ rewardId: r.id, name: r.name, onShelf: b.available, reserved: b.pendingDebits }))
}
