/**
 * The honour roll (好人榜): members ranked by the hours or points credited in
 * a month, quarter or year, optionally within a grid's subtree. Read from the
 * month totals (an open period) or the frozen snapshot (a closed one), so its
 * cost grows with members, not records. Ties share a rank, competition style
 * (1, 1, 3); members with nothing (or a net correction) in the period are not
 * on it. Names are masked; an erased member shows their pseudonym. `limit`
 * cuts the list where it falls, inside a tie too (members of a tie in id order).
 *
 * @example
 * const roll = await honourRoll(ctx, { tenantId, period: '2026-Q1', by: 'points', gridId: 'g1', limit: 10 })
 */
import { Id, formatAmount } from '@timebank/ledger'
import { rows } from '@timebank/ledger/kit'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { HOURS_SCALE } from '../domain/hours.js'
import { CommunityId } from '../domain/ids.js'
import { Period } from '../domain/periods.js'
import { parse } from '../domain/validate.js'
import { publicName } from './names.js'
import { inSubtree, periodTotals, requireGrid } from './totals.js'

export const RankBy = z.enum(['hours', 'points'])
export type RankBy = z.infer<typeof RankBy>

export const HonourRollInput = z.strictObject({
  tenantId: Id,
  period: Period,
  by: RankBy.default('hours'),
  /** Only members living in this grid's subtree (now for an open period; at its end for a closed one). */
  gridId: CommunityId.optional(),
  limit: z.number().int().min(1).max(500).default(20),
})
export type HonourRollInput = z.input<typeof HonourRollInput>

export const HonourRollEntryOutput = z.object({
  rank: z.number().int().describe('Competition ranking: equal totals share a rank, the next rank skips (1, 1, 3).'),
  memberId: z.string(),
  name: z.string().describe('Masked (张*明); the pseudonym of an erased member.'),
  gridId: z.string().nullable().describe('Where the member lives (now, or at the end of a closed period).'),
  hours: z.string().describe('Decimal text, e.g. "12.50".'),
  points: z.string(),
  records: z.number().int().describe('Approved records counted (net of reversals).'),
})
export type HonourRollEntry = z.output<typeof HonourRollEntryOutput>

export const HonourRollOutput = z.object({
  period: z.string(),
  by: RankBy,
  status: z.enum(['open', 'closed']).describe('A closed period is read from its frozen snapshot.'),
  snapshotHash: z.string().nullable().describe('SHA-256 (hex) of the closed period snapshot.'),
  entries: z.array(HonourRollEntryOutput),
})
export type HonourRoll = z.output<typeof HonourRollOutput>

export async function honourRoll(ctx: CommunityContext, input: HonourRollInput): Promise<HonourRoll> {
  const q = parse(HonourRollInput, input)
  await ctx.community(q.tenantId)
  if (q.gridId !== undefined) await requireGrid(ctx.db, q.tenantId, q.gridId)
  const { source, closed } = await periodTotals(ctx.db, q.tenantId, q.period)
  const measure = sql.raw(q.by === 'hours' ? 'hours' : 'points')
  const found = await rows<{
    rank: string
    member_id: string
    grid_id: string | null
    hours: string
    points: string
    records: string
    name: string | null
    status: string | null
    pseudonym: string | null
  }>(
    ctx.db,
    sql`with totals as (${source}),
        ranked as (select t.*, rank() over (order by t.${measure} desc) as rank from totals t
                   where t.${measure} > 0 ${q.gridId === undefined ? sql`` : sql`and ${inSubtree(sql`t.grid_path`, q.gridId)}`})
        select r.rank::text as rank, r.member_id, r.grid_id, r.hours::text as hours, r.points::text as points,
               r.records::text as records, m.name, m.status, m.pseudonym
        from ranked r left join cm_members m on m.tenant_id = ${q.tenantId} and m.id = r.member_id
        order by r.rank, r.member_id
        limit ${q.limit}`,
  )
  return {
    period: q.period,
    by: q.by,
    status: closed ? 'closed' : 'open',
    snapshotHash: closed?.snapshotHash ?? null,
    entries: found.map((r) => ({
      rank: Number(r.rank),
      memberId: r.member_id,
      name: r.pseudonym === null ? '' : publicName({ name: r.name, status: r.status ?? '', pseudonym: r.pseudonym }),
      gridId: r.grid_id,
      hours: formatAmount(BigInt(r.hours), HOURS_SCALE),
      points: r.points,
      records: Number(r.records),
    })),
  }
}
