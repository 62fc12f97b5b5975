/**
 * Points rules, versioned per community: each change is a new version with
 * its author and time; a record keeps the version it was credited under, so
 * its points can be recomputed after the rules change.
 *
 * @example
 * await addRule(ctx, { tenantId, rule: { pointsPerHour: '10', … }, actor: 'key_1' })
 */
import { Id } from '@timebank/ledger'
import { and, desc, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from './context.js'
import { CommunityError, CommunityErrorCode } from './domain/errors.js'
import { PointsRule } from './domain/points.js'
import { parse } from './domain/validate.js'
import { pointRules } from './storage/schema.js'

export interface PointsRuleVersion {
  tenantId: string
  version: number
  rule: PointsRule
  createdBy: string | null
  createdAt: Date
}

export const AddRuleInput = z.strictObject({ tenantId: Id, rule: PointsRule, actor: z.string().min(1).max(200) })

const view = (r: typeof pointRules.$inferSelect): PointsRuleVersion => ({
  tenantId: r.tenantId,
  version: r.version,
  rule: PointsRule.parse(r.rule),
  createdBy: r.createdBy,
  createdAt: r.createdAt,
})

/** Every version, newest first. */
export async function listRules(ctx: CommunityContext, tenantId: string): Promise<PointsRuleVersion[]> {
  await ctx.community(tenantId)
  const rows = await ctx.db.select().from(pointRules).where(eq(pointRules.tenantId, tenantId)).orderBy(desc(pointRules.version))
  return rows.map(view)
}

/** One version, or the one in force (the newest) when none is named. */
export async function getRule(ctx: CommunityContext, tenantId: string, version?: number): Promise<PointsRuleVersion> {
  const where =
    version === undefined ? eq(pointRules.tenantId, tenantId) : and(eq(pointRules.tenantId, tenantId), eq(pointRules.version, version))
  const [row] = await ctx.db.select().from(pointRules).where(where).orderBy(desc(pointRules.version)).limit(1)
  if (!row) {
    await ctx.community(tenantId)
    throw new CommunityError(CommunityErrorCode.RULE_NOT_FOUND, `points rule version ${version} not found`, { version })
  }
  return view(row)
}

/** Add a version; it is in force for every approval from now on. */
export async function addRule(ctx: CommunityContext, input: z.input<typeof AddRuleInput>): Promise<PointsRuleVersion> {
  const { tenantId, rule, actor } = parse(AddRuleInput, input)
  await ctx.community(tenantId)
  // Two concurrent changes may pick the same number; the primary key refuses one, which tries the next.
  for (let attempt = 0; ; attempt++) {
    const current = await getRule(ctx, tenantId)
    const inserted = await ctx.db
      .insert(pointRules)
      .values({ tenantId, version: current.version + 1, rule, createdBy: actor, createdAt: ctx.now() })
      .onConflictDoNothing()
      .returning()
    if (inserted[0]) return view(inserted[0])
    if (attempt >= 10) throw new Error('points rule versions kept colliding')
  }
}
