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
 * @example
 * const { grids } = await gridRollups(ctx, { tenantId, period: '2026-Q1', under: 'g1' })
 */
import { Id, formatAmount } from '@timebank/ledger'
import { rows } from '@timebank/ledger/kit'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityErrorCode, notFound } from '../domain/errors.js'
import { HOURS_SCALE } from '../domain/hours.js'
import { CommunityId } from '../domain/ids.js'
import { Period, bounds } from '../domain/periods.js'
import { parse } from '../domain/validate.js'
import { requireGrid } from '../grids/reads.js'
import { periodTotals } from './totals.js'

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
