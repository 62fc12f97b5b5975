/**
 * Roll-ups per grid for a period: how many active members live in each
 * grid's subtree now, how many of them served in the period, their hours and
 * points, and the activities held there. One query for a whole subtree: each
 * member, placement and activity is counted once in its own grid, then each
 * grid's figures are added to every grid on its path, so the cost is
 * O(members + activities + grids × depth), never grids × members.
 *
 * The period's figures come from the same source as the honour roll: live
 * month totals with members where they live now, or a closed period's
 * snapshot with members where they lived at its end.
 *
 * A series is the same roll-up month by month over a range: each month's
 * figures are those of the `under` grid's subtree, or, for the whole
 * community, the sum of its top grids (`topGrids`: those no other grid
 * contains), so a month of the series always equals the roll-ups of that month.
 *
 * @example
 * const { grids } = await gridRollups(ctx, { tenantId, period: '2026-Q1', under: 'g1' })
 * const { months } = await rollupSeries(ctx, { tenantId, from: '2026-01', to: '2026-12' })
 */
import { Id, formatAmount } from '@timebank/ledger'
import { pgArray, rows } from '@timebank/ledger/kit'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityErrorCode, notFound } from '../domain/errors.js'
import { HOURS_SCALE } from '../domain/hours.js'
import { CommunityId } from '../domain/ids.js'
import { Month, Period, bounds, monthsFromTo } from '../domain/periods.js'
import { parse } from '../domain/validate.js'
import { requireGrid } from '../grids/reads.js'
import { monthlyTotals, periodTotals } from './totals.js'

export const GridRollupInput = z.strictObject({ tenantId: Id, gridId: CommunityId, period: Period })
export type GridRollupInput = z.input<typeof GridRollupInput>

export const GridRollupsInput = z.strictObject({
  tenantId: Id,
  period: Period,
  /** Only this grid and its subtree; every grid of the community by default. */
  under: CommunityId.optional(),
})
export type GridRollupsInput = z.input<typeof GridRollupsInput>

export const GridRollupOutput = z.object({
  gridId: z.string(),
  name: z.string(),
  path: z.string().describe('Ids from the root down, each followed by "/".'),
  members: z.number().int().describe('Active members living in the subtree now.'),
  activeVolunteers: z.number().int().describe('Members of the subtree with approved records in the period.'),
  hours: z.string().describe('Decimal text; net of corrections posted in the period.'),
  points: z.string(),
  activities: z.number().int().describe('Activities in the subtree starting in the period, not cancelled.'),
})
export type GridRollup = z.output<typeof GridRollupOutput>

export const GridRollupResultOutput = GridRollupOutput.extend({ period: z.string(), status: z.enum(['open', 'closed']) })
export type GridRollupResult = z.output<typeof GridRollupResultOutput>

export const GridRollupsOutput = z.object({
  period: z.string(),
  status: z.enum(['open', 'closed']),
  grids: z.array(GridRollupOutput).describe('Ordered by path: a parent before its children.'),
})
export type GridRollups = z.output<typeof GridRollupsOutput>

/** Most months one series covers: three years. */
export const MAX_SERIES_MONTHS = 36

export const RollupSeriesInput = z
  .strictObject({
    tenantId: Id,
    /** The first month, e.g. 2026-01. */
    from: Month,
    /** The last month, included. */
    to: Month,
    /** Only this grid's subtree; the whole community (its top grids) by default. */
    under: CommunityId.optional(),
  })
  .refine((q) => q.from <= q.to, { message: 'to must not be before from', path: ['to'] })
  .refine((q) => monthsFromTo(q.from, q.to).length <= MAX_SERIES_MONTHS, {
    message: `a series covers at most ${MAX_SERIES_MONTHS} months`,
    path: ['to'],
  })
export type RollupSeriesInput = z.input<typeof RollupSeriesInput>

export const RollupMonthOutput = z.object({
  month: z.string(),
  status: z.enum(['open', 'closed']),
  activeVolunteers: z.number().int().describe('Members with approved records in the month.'),
  hours: z.string().describe('Decimal text; net of corrections posted in the month.'),
  points: z.string(),
  activities: z.number().int().describe('Activities starting in the month, not cancelled.'),
})
export type RollupMonth = z.output<typeof RollupMonthOutput>

export const RollupSeriesOutput = z.object({
  from: z.string(),
  to: z.string(),
  under: z.string().nullable().describe("The grid whose subtree is counted; null: the whole community's grids."),
  months: z.array(RollupMonthOutput).describe('Every month from `from` to `to`, in order, each as the roll-ups of that month give it.'),
})
export type RollupSeries = z.output<typeof RollupSeriesOutput>

/** The grids of a roll-up that no other grid of it contains: their figures add up to the whole, each member once. */
export const topGrids = <G extends { path: string }>(grids: readonly G[]): G[] =>
  grids.filter((g) => !grids.some((other) => other.path !== g.path && g.path.startsWith(other.path)))

/**
 * The roll-up month by month: one month's figures are the `under` grid's, or the sum of the top grids of the
 * community, exactly as `gridRollups` of that month counts them (each member once, where `periodTotals` of the
 * month places them; activities by the month's bounds in the community's zone). One statement for every month:
 * a year's series at a year's size costs about one roll-up, not twelve.
 */
export async function rollupSeries(ctx: CommunityContext, input: RollupSeriesInput): Promise<RollupSeries> {
  const q = parse(RollupSeriesInput, input)
  const { settings } = await ctx.community(q.tenantId)
  const prefix = q.under === undefined ? '' : (await requireGrid(ctx.db, q.tenantId, q.under)).path
  const months = monthsFromTo(q.from, q.to)
  const spans = months.map((m) => bounds(m, settings.timeZone))
  const t = q.tenantId
  // The grids whose figures make the month's: the `under` grid, or those no other grid contains (topGrids).
  const counted =
    q.under === undefined
      ? sql`not exists (select 1 from cm_grids o where o.tenant_id = ${t} and o.path <> g.path and starts_with(g.path, o.path))`
      : sql`g.id = ${q.under}`
  const found = await rows<{ month: string; closed: boolean; volunteers: string; hours: string; points: string; activities: string }>(
    ctx.db,
    sql`with totals as (${monthlyTotals(t, months)}),
        spans as (select * from unnest(${pgArray(months)}::text[], ${pgArray(spans.map((b) => b.from.toISOString()))}::timestamptz[],
                                       ${pgArray(spans.map((b) => b.to.toISOString()))}::timestamptz[]) as s(month, from_at, to_at)),
        direct as (
          select month, grid_path as path, (records > 0)::int::int8 as volunteers, hours, points, 0::int8 as activities
          from totals where grid_path is not null
          union all
          select s.month, g.path, 0, 0, 0, count(*)::int8
          from spans s
          join cm_activities a on a.tenant_id = ${t} and a.status <> 'cancelled' and a.starts_at >= s.from_at and a.starts_at < s.to_at
          join cm_grids g on g.tenant_id = a.tenant_id and g.id = a.grid_id
          where starts_with(g.path, ${prefix})
          group by s.month, g.path),
        counted as (select g.id from cm_grids g where g.tenant_id = ${t} and starts_with(g.path, ${prefix}) and ${counted}),
        summed as (
          select d.month, sum(d.volunteers) as volunteers, sum(d.hours) as hours, sum(d.points) as points, sum(d.activities) as activities
          from direct d cross join lateral unnest(string_to_array(rtrim(d.path, '/'), '/')) as a(id)
          join counted c on c.id = a.id
          group by d.month)
        select s.month, exists (select 1 from cm_closed_periods c where c.tenant_id = ${t} and c.period = s.month) as closed,
               coalesce(x.volunteers, 0)::text as volunteers, coalesce(x.hours, 0)::text as hours,
               coalesce(x.points, 0)::text as points, coalesce(x.activities, 0)::text as activities
        from spans s left join summed x on x.month = s.month
        order by s.month`,
  )
  return {
    from: q.from,
    to: q.to,
    under: q.under ?? null,
    months: found.map((r) => ({
      month: r.month,
      status: r.closed ? 'closed' : 'open',
      activeVolunteers: Number(r.volunteers),
      hours: formatAmount(BigInt(r.hours), HOURS_SCALE),
      points: r.points,
      activities: Number(r.activities),
    })),
  }
}

/** Every grid of a subtree (or of the community), rolled up. */
export async function gridRollups(ctx: CommunityContext, input: GridRollupsInput): Promise<GridRollups> {
  const q = parse(GridRollupsInput, input)
  const { settings } = await ctx.community(q.tenantId)
  const prefix = q.under === undefined ? '' : (await requireGrid(ctx.db, q.tenantId, q.under)).path
  const { from, to } = bounds(q.period, settings.timeZone)
  const { source, closed } = await periodTotals(ctx.db, q.tenantId, q.period)
  const t = q.tenantId
  const found = await rows<{
    id: string
    name: string
    path: string
    members: string
    volunteers: string
    hours: string
    points: string
    activities: string
  }>(
    ctx.db,
    sql`with totals as (${source}),
        direct as (
          select grid_path as path, 0::int8 as members, (records > 0)::int::int8 as volunteers, hours, points, 0::int8 as activities
          -- Not narrowed by the current prefix: a snapshot's frozen path still names the grids it counts in.
          from totals where grid_path is not null
          union all
          select g.path, count(distinct p.member_id)::int8, 0, 0, 0, 0
          from cm_member_places p
          join cm_members m on m.tenant_id = p.tenant_id and m.id = p.member_id
          join cm_grids g on g.tenant_id = p.tenant_id and g.id = p.grid_id
          where p.tenant_id = ${t} and p.until is null and m.status = 'active' and starts_with(g.path, ${prefix})
          group by g.path
          union all
          select g.path, 0, 0, 0, 0, count(*)::int8
          from cm_activities a join cm_grids g on g.tenant_id = a.tenant_id and g.id = a.grid_id
          where a.tenant_id = ${t} and a.status <> 'cancelled' and starts_with(g.path, ${prefix})
            and a.starts_at >= ${from.toISOString()}::timestamptz and a.starts_at < ${to.toISOString()}::timestamptz
          group by g.path),
        by_path as (
          select path, sum(members) as members, sum(volunteers) as volunteers, sum(hours) as hours, sum(points) as points,
                 sum(activities) as activities
          from direct group by path),
        up as (
          select a.id as grid_id, b.members, b.volunteers, b.hours, b.points, b.activities
          from by_path b cross join lateral unnest(string_to_array(rtrim(b.path, '/'), '/')) as a(id))
        select g.id, g.name, g.path, coalesce(sum(up.members), 0)::text as members, coalesce(sum(up.volunteers), 0)::text as volunteers,
               coalesce(sum(up.hours), 0)::text as hours, coalesce(sum(up.points), 0)::text as points,
               coalesce(sum(up.activities), 0)::text as activities
        from cm_grids g left join up on up.grid_id = g.id
        where g.tenant_id = ${t} and starts_with(g.path, ${prefix})
        group by g.id, g.name, g.path
        order by g.path`,
  )
  return {
    period: q.period,
    status: closed ? 'closed' : 'open',
    grids: found.map((r) => ({
      gridId: r.id,
      name: r.name,
      path: r.path,
      members: Number(r.members),
      activeVolunteers: Number(r.volunteers),
      hours: formatAmount(BigInt(r.hours), HOURS_SCALE),
      points: r.points,
      activities: Number(r.activities),
    })),
  }
}

/** One grid's roll-up (its whole subtree counted). */
export async function gridRollup(ctx: CommunityContext, input: GridRollupInput): Promise<GridRollupResult> {
  const q = parse(GridRollupInput, input)
  const { grids, status } = await gridRollups(ctx, { tenantId: q.tenantId, period: q.period, under: q.gridId })
  const own = grids.find((g) => g.gridId === q.gridId)
  // Found by requireGrid, then no longer under the path read there: moved meanwhile (asked again, it is found where it is now).
  if (!own) throw notFound(CommunityErrorCode.GRID_NOT_FOUND, 'grid', q.gridId, 'gridId')
  return { ...own, period: q.period, status }
}
