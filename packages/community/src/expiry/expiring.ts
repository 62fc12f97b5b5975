/**
 * What of a member's points expires when: every group of credits not expired
 * yet with something left, its due instant and the amount that goes then if
 * nothing more is spent (spending uses the oldest first, so spending makes
 * the nearest ones smaller first). A group already due but not run yet shows
 * what the next run takes.
 *
 * @example
 * const { expiring } = await expiringPoints(ctx, { tenantId: 'maple', memberId: 'ana', rule: { months: 12 } })
 * // [{ earnedBefore: 2026-03-15T16:00Z, expiresAt: 2027-03-15T16:00Z, amount: '12' }, …]
 */
import { Id, formatAmount } from '@timebank/ledger'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { ExpiryRule, expiryPlan } from '../domain/expiry.js'
import { ASSETS, COMMUNITY_ASSETS, CommunityId } from '../domain/ids.js'
import { parse } from '../domain/validate.js'
import { requireMember } from '../storage/member-reads.js'
import { pointsHistory } from './history.js'

export const ExpiringPointsInput = z.strictObject({
  tenantId: Id,
  memberId: CommunityId,
  /** The rule to read by; the policy in force's `pointsExpiry` when absent (none: nothing expires). */
  rule: ExpiryRule.optional(),
})
export type ExpiringPointsInput = z.input<typeof ExpiringPointsInput>

export const ExpiringGroupOutput = z.object({
  cutoff: z.string().describe('The local date the group ends: points credited before it belong to it.'),
  earnedBefore: z.date().describe('Points credited before this instant (and not spent) expire together.'),
  expiresAt: z.date().describe('When they expire.'),
  amount: z.string().describe('What expires then if nothing more is spent, decimal text.'),
  overdue: z.boolean().describe('Due already: the next expiry run takes it.'),
  held: z.boolean().describe('Due, but waiting for open holds to be posted or released.'),
})

export const ExpiringPointsOutput = z.object({
  memberId: z.string(),
  accountId: z.string(),
  asOf: z.date(),
  rule: ExpiryRule.nullable().describe('The rule read by; null when the policy lets points carry over.'),
  available: z.string().describe('Points available now, decimal text.'),
  total: z.string().describe('Everything listed, decimal text.'),
  expiring: z.array(ExpiringGroupOutput).describe('Soonest first.'),
})
export type ExpiringPoints = z.output<typeof ExpiringPointsOutput>

const SCALE = (COMMUNITY_ASSETS.find((a) => a.code === ASSETS.points) as (typeof COMMUNITY_ASSETS)[number]).scale

export async function expiringPoints(ctx: CommunityContext, input: ExpiringPointsInput): Promise<ExpiringPoints> {
  const q = parse(ExpiringPointsInput, input)
  const { settings } = await ctx.community(q.tenantId)
  await requireMember(ctx.db, q.tenantId, q.memberId)
  const now = ctx.now()
  const rule = q.rule ?? (await ctx.policy(q.tenantId)).policy.pointsExpiry
  const read = await pointsHistory(ctx, q.tenantId, q.memberId)
  const groups = rule ? expiryPlan(read.moves, rule, settings.timeZone, now, read.available).filter((g) => !g.posted && g.amount > 0n) : []
  return {
    memberId: q.memberId,
    accountId: read.accountId,
    asOf: now,
    rule,
    available: formatAmount(read.available, SCALE),
    total: formatAmount(
      groups.reduce((s, g) => s + g.amount, 0n),
      SCALE,
    ),
    expiring: groups.map((g) => ({
      cutoff: g.cutoff,
      earnedBefore: g.cutoffAt,
      expiresAt: g.dueAt,
      amount: formatAmount(g.amount, SCALE),
      overdue: g.due,
      held: g.held,
    })),
  }
}
