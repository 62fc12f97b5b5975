/**
 * Policies, versioned per community: each change is a new version with its author, time and reason; the
 * newest is in force. Version 1 (every rule off) is made at set-up. Decisions read the policy in force
 * through the context, remembered briefly like the settings.
 *
 * @example
 * await changePolicy(ctx, { tenantId, policy: { storageCap: { HOUR: { limit: '1500' } } }, actor: 'key_1', reason: 'city rule' })
 */
import { Id } from '@timebank/ledger'
import { and, desc, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from './context.js'
import { CommunityError, CommunityErrorCode } from './domain/errors.js'
import { Policy, type VersionedPolicy } from './domain/policy.js'
import { parse } from './domain/validate.js'
import { applyPolicyLimits, capsDiffer, hasCaps } from './policy-limits.js'
import { policies } from './storage/schema.js'

export interface PolicyVersion extends VersionedPolicy {
  tenantId: string
  createdBy: string | null
  reason: string | null
  createdAt: Date
}

export const ChangePolicyInput = z.strictObject({
  tenantId: Id,
  /** The whole new policy: rules left out are off. */
  policy: Policy,
  actor: z.string().min(1).max(200),
  reason: z.string().min(1).max(500).optional(),
})

const view = (r: typeof policies.$inferSelect): PolicyVersion => ({
  tenantId: r.tenantId,
  version: r.version,
  policy: Policy.parse(r.policy),
  createdBy: r.createdBy,
  reason: r.reason,
  createdAt: r.createdAt,
})

/** Every version, newest first. */
export async function listPolicies(ctx: CommunityContext, tenantId: string): Promise<PolicyVersion[]> {
  await ctx.community(tenantId)
  const rows = await ctx.db.select().from(policies).where(eq(policies.tenantId, tenantId)).orderBy(desc(policies.version))
  return rows.map(view)
}

/** One version, or the one in force (the newest) when none is named. */
export async function getPolicy(
  ctx: Pick<CommunityContext, 'db' | 'community'>,
  tenantId: string,
  version?: number,
): Promise<PolicyVersion> {
  const where =
    version === undefined ? eq(policies.tenantId, tenantId) : and(eq(policies.tenantId, tenantId), eq(policies.version, version))
  const [row] = await ctx.db.select().from(policies).where(where).orderBy(desc(policies.version)).limit(1)
  if (!row) {
    await ctx.community(tenantId)
    throw new CommunityError(CommunityErrorCode.POLICY_NOT_FOUND, `policy version ${version ?? '(in force)'} not found`, { version })
  }
  return view(row)
}

/** Version 1 of a new community: every rule off. Idempotent. */
export async function firstPolicy(ctx: Pick<CommunityContext, 'db'>, tenantId: string, now: Date): Promise<void> {
  await ctx.db
    .insert(policies)
    .values({ tenantId, version: 1, policy: Policy.parse({}), createdBy: null, reason: 'every rule off', createdAt: now })
    .onConflictDoNothing()
}

/**
 * Add a version; it is in force for every decision from now on (other processes see it within seconds). A changed
 * storage cap is put on every member's accounts as the ledger's ceiling before this returns (see policy-limits.ts).
 */
export async function changePolicy(ctx: CommunityContext, input: z.input<typeof ChangePolicyInput>): Promise<PolicyVersion> {
  const { tenantId, policy, actor, reason } = parse(ChangePolicyInput, input)
  await ctx.community(tenantId)
  // Two concurrent changes may pick the same number; the primary key refuses one, which tries the next.
  for (let attempt = 0; attempt < 10; attempt++) {
    const current = await getPolicy(ctx, tenantId)
    const [row] = await ctx.db
      .insert(policies)
      .values({ tenantId, version: current.version + 1, policy, createdBy: actor, reason: reason ?? null, createdAt: ctx.now() })
      .onConflictDoNothing()
      .returning()
    if (row) {
      ctx.forget(tenantId)
      const made = view(row)
      // With caps, applied again even when unchanged: sending the same policy again finishes a walk an outage cut short.
      if (capsDiffer(current, made) || hasCaps(made)) await applyPolicyLimits(ctx, tenantId, made)
      return made
    }
  }
  throw new Error('policy versions kept colliding')
}
