/**
 * The policy's storage caps as the ledger's ceilings on members' HOUR and POINT accounts, so a lowered cap
 * reaches existing accounts (Nanjing 1,500 h lowered to 1,000 h): a balance already above it stays, and
 * only further credits are refused, by the ledger itself on every path. Each change is the ledger's audited
 * `changeLimits`, with an id derived from the policy version and the account (`policy:v<n>:<account>`), so
 * applying a version again changes nothing; a member approved later gets the cap in force then.
 *
 * @example
 * await applyPolicyLimits(ctx, tenantId, { version: 3, policy })
 */
import { formatAmount, isLedgerError } from '@timebank/ledger'
import { and, asc, eq, gt } from 'drizzle-orm'
import type { CommunityContext } from './context.js'
import { memberAccount } from './domain/ids.js'
import { POLICY_ASSETS, PolicyAsset, type VersionedPolicy, capOf } from './domain/policy.js'
import { members } from './storage/schema.js'

const PAGE = 200
const PARALLEL = 8

/** The ceiling the policy puts on an asset's member accounts, as the ledger takes it (null: none). */
const ceilingOf = (policy: VersionedPolicy, asset: PolicyAsset): string | null => {
  const cap = capOf(policy.policy, asset)
  return cap === null ? null : formatAmount(cap, POLICY_ASSETS[asset])
}

/** Whether two versions put different caps on members' accounts. */
export const capsDiffer = (a: VersionedPolicy, b: VersionedPolicy): boolean =>
  PolicyAsset.options.some((asset) => ceilingOf(a, asset) !== ceilingOf(b, asset))

/** Whether the version puts a cap on any asset. */
export const hasCaps = (policy: VersionedPolicy): boolean => PolicyAsset.options.some((asset) => ceilingOf(policy, asset) !== null)

/** A new member's accounts under the caps in force, if there are any (without caps there is nothing to change). */
export async function capNewMember(ctx: CommunityContext, tenantId: string, memberId: string): Promise<void> {
  const policy = await ctx.policy(tenantId)
  if (hasCaps(policy)) await applyMemberLimits(ctx, tenantId, memberId, policy)
}

/** Put one member's accounts under the version's caps (an account not opened yet is left: opening applies it). */
export async function applyMemberLimits(ctx: CommunityContext, tenantId: string, memberId: string, policy: VersionedPolicy): Promise<void> {
  for (const asset of PolicyAsset.options) {
    const accountId = memberAccount(memberId, asset)
    const ceiling = ceilingOf(policy, asset)
    try {
      // An account already under this cap is left as it is: its limit history records changes, not re-statements.
      if ((await ctx.ledger.getAccount({ tenantId, accountId })).ceiling === ceiling) continue
      await ctx.ledger.changeLimits({
        tenantId,
        accountId,
        id: `policy:v${policy.version}:${accountId}`,
        ceiling,
        actor: `policy v${policy.version}`,
        reason: `storage cap of policy version ${policy.version}`,
      })
    } catch (e) {
      if (!isLedgerError(e) || e.code !== 'ACCOUNT_NOT_FOUND') throw e
    }
  }
}

/** Put every member's accounts under the version's caps; returns how many members were gone through. */
export async function applyPolicyLimits(ctx: CommunityContext, tenantId: string, policy: VersionedPolicy): Promise<number> {
  let after = ''
  let seen = 0
  for (;;) {
    const page = await ctx.db
      .select({ id: members.id })
      .from(members)
      .where(and(eq(members.tenantId, tenantId), gt(members.id, after)))
      .orderBy(asc(members.id))
      .limit(PAGE)
    for (let i = 0; i < page.length; i += PARALLEL) {
      await Promise.all(page.slice(i, i + PARALLEL).map((m) => applyMemberLimits(ctx, tenantId, m.id, policy)))
    }
    seen += page.length
    const last = page[page.length - 1]
    if (page.length < PAGE || !last) return seen
    after = last.id
  }
}
