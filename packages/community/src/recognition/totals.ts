/**
 * Members' totals over a period, the one source honour rolls, grid roll-ups
 * and closing snapshots read: per member, hours, points and records with the
 * grid they count in. An open period sums cm_member_totals over its months
 * (so the cost grows with members, never with records) and places members
 * where they live now; a closed period reads its frozen snapshot, where each
 * member counts in the grid they lived in at the period's last instant.
 *
 * @example
 * const { source, closed } = await periodTotals(ctx.db, tenantId, '2026-Q1')
 * const top = await rows(ctx.db, sql`with totals as (${source}) select * from totals order by hours desc limit 10`)
 */
import { formatAmount } from '@timebank/ledger'
import { pgArray, rows } from '@timebank/ledger/kit'
import { type SQL, isNull, sql } from 'drizzle-orm'
import type { CommunityContext } from '../context.js'
import { HOURS_SCALE } from '../domain/hours.js'
import { type Period, monthsOf } from '../domain/periods.js'
import { placementAt } from '../storage/member-reads.js'
import { memberPlaces } from '../storage/schema.js'

/** The one requireGrid (grids/reads.ts), for the rolls that read a grid's path from here. */
export { requireGrid } from '../grids/reads.js'

type Executor = Pick<CommunityContext['db'], 'execute'>

/** A closed period as stored, without its snapshot. */
export interface ClosedPeriodRow {
  period: string
  closedAt: Date
  closedBy: string
  snapshotHash: string
}

/** One member in a closed period's snapshot: what they had in the period, and where they lived at its last instant. */
export interface SnapshotMember {
  memberId: string
  gridId: string | null
  /** The grid's path when the period was closed: a grid filter on the closed roll follows it. */
  gridPath: string | null
  /** Decimal text, e.g. "12.50". */
  hours: string
  points: string
  records: number
}

/** What a closed period freezes; its canonical JSON is hashed into snapshot_hash. */
export interface PeriodSnapshot {
  version: 1
  period: string
  /** The period's bounds in the community's time zone (ISO instants; `to` exclusive). */
  from: string
  to: string
  /** Every member with anything in the period, by member id. */
  members: SnapshotMember[]
}

const HOURS_UNIT = 10n ** BigInt(HOURS_SCALE)

/** Where each member lives: now (their open placement), or at an instant (the placement in force then, `placementAt`). */
export type Placement = { now: true } | { at: Date }

/**
 * Live totals over months, placed: columns member_id, grid_id, grid_path, hours (int8 hundredths),
 * points (int8), records (int8). Summed per member before the placement is looked up, so a member
 * counts once whatever their placements.
 */
export function liveTotals(tenantId: string, months: string[], placement: Placement): SQL {
  return sql`
    select s.member_id, pl.grid_id, g.path as grid_path, s.hours, s.points, s.records
    from (select member_id, sum(hours)::int8 as hours, sum(points)::int8 as points, sum(records)::int8 as records
          from cm_member_totals
          where tenant_id = ${tenantId} and month = any(${pgArray(months)}::text[])
          group by member_id) s
    ${placedJoins(tenantId, placement)}`
}

/** Where `s.member_id` lives (`pl.grid_id`) and that grid (`g`), as `placement` says. */
function placedJoins(tenantId: string, placement: Placement): SQL {
  // cm_member_places unaliased in the lateral lookup: the placement rules name its columns by the table.
  const placed = 'now' in placement ? isNull(memberPlaces.until) : placementAt(placement.at)
  return sql`
    left join lateral (select ${memberPlaces.gridId} as grid_id from ${memberPlaces}
                       where ${memberPlaces.tenantId} = ${tenantId} and ${memberPlaces.memberId} = s.member_id and ${placed}
                       order by ${memberPlaces.since} desc limit 1) pl on true
    left join cm_grids g on g.tenant_id = ${tenantId} and g.id = pl.grid_id`
}

/**
 * Each month's totals as `periodTotals` of that month gives them, for many months in one statement: columns
 * month, then those of `liveTotals`. A closed month reads its snapshot; an open one its live totals, with
 * members where they live now.
 */
export function monthlyTotals(tenantId: string, months: string[]): SQL {
  const wanted = sql`${pgArray(months)}::text[]`
  return sql`
    select s.month, s.member_id, pl.grid_id, g.path as grid_path, s.hours, s.points, s.records
    from (select month, member_id, sum(hours)::int8 as hours, sum(points)::int8 as points, sum(records)::int8 as records
          from cm_member_totals t
          where tenant_id = ${tenantId} and month = any(${wanted})
            and not exists (select 1 from cm_closed_periods c where c.tenant_id = ${tenantId} and c.period = t.month)
          group by month, member_id) s
    ${placedJoins(tenantId, { now: true })}
    union all
    ${snapshotRows(tenantId, months)}`
}

/** A closed period's snapshot as the same columns as `liveTotals`. */
function snapshotTotals(tenantId: string, period: string): SQL {
  return sql`select member_id, grid_id, grid_path, hours, points, records from (${snapshotRows(tenantId, [period])}) r`
}

/** Closed periods' snapshots as rows: the period (column `month`), then the columns of `liveTotals`. */
function snapshotRows(tenantId: string, periods: string[]): SQL {
  return sql`
    select c.period as month, e->>'memberId' as member_id, e->>'gridId' as grid_id, e->>'gridPath' as grid_path,
           ((e->>'hours')::numeric * ${HOURS_UNIT.toString()})::int8 as hours, (e->>'points')::int8 as points,
           (e->>'records')::int8 as records
    from cm_closed_periods c cross join lateral jsonb_array_elements(c.snapshot->'members') as e
    where c.tenant_id = ${tenantId} and c.period = any(${pgArray(periods)}::text[])`
}

/** The closed period's row, or null while it is open. */
export async function closedPeriod(db: Executor, tenantId: string, period: string): Promise<ClosedPeriodRow | null> {
  const [row] = await rows<{ period: string; closed_at: Date | string; closed_by: string; snapshot_hash: string }>(
    db,
    sql`select period, closed_at, closed_by, snapshot_hash from cm_closed_periods where tenant_id = ${tenantId} and period = ${period}`,
  )
  return row ? { period: row.period, closedAt: new Date(row.closed_at), closedBy: row.closed_by, snapshotHash: row.snapshot_hash } : null
}

/** The period's totals: the snapshot when it is closed, otherwise live with members where they live now. */
export async function periodTotals(
  db: Executor,
  tenantId: string,
  period: Period,
): Promise<{ source: SQL; closed: ClosedPeriodRow | null }> {
  const closed = await closedPeriod(db, tenantId, period)
  return { source: closed ? snapshotTotals(tenantId, period) : liveTotals(tenantId, monthsOf(period), { now: true }), closed }
}

/**
 * What closing freezes: every member's totals over the period's months, placed where they lived at its last instant
 * (`to` less 1 ms: `to` is the next period's first, so a member moved at midnight counts where they lived until then).
 */
export async function takeSnapshot(
  db: Executor,
  tenantId: string,
  period: Period,
  bounds: { from: Date; to: Date },
): Promise<PeriodSnapshot> {
  const found = await rows<{
    member_id: string
    grid_id: string | null
    grid_path: string | null
    hours: string
    points: string
    records: string
  }>(
    db,
    sql`select member_id, grid_id, grid_path, hours::text as hours, points::text as points, records::text as records
        from (${liveTotals(tenantId, monthsOf(period), { at: new Date(bounds.to.getTime() - 1) })}) t
        where not (hours = 0 and points = 0 and records = 0)
        order by member_id`,
  )
  return {
    version: 1,
    period,
    from: bounds.from.toISOString(),
    to: bounds.to.toISOString(),
    members: found.map((r) => ({
      memberId: r.member_id,
      gridId: r.grid_id,
      gridPath: r.grid_path,
      hours: formatAmount(BigInt(r.hours), HOURS_SCALE),
      points: r.points,
      records: Number(r.records),
    })),
  }
}

/**
 * True (as SQL) when a member's grid path lies in the grid's subtree: the path names the grid among
 * its ids. The same test for live paths and a snapshot's frozen ones, so a closed roll filters by
 * where members were, even if grids moved since.
 */
export const inSubtree = (gridPath: SQL, gridId: string): SQL => sql`position(${`/${gridId}/`} in '/' || coalesce(${gridPath}, '')) > 0`
