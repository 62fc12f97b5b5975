/**
 * A member's ledger accounts, opened when the member is approved: spendable
 * hours and points (theirs: floor 0), and lifetime hours (the community's,
 * so nobody can move them; they change only by approval and reversal).
 * Opening is idempotent in the ledger, so approving again opens nothing twice.
 *
 * @example
 * await openMemberAccounts(ctx, 'maple', 'ana')
 */
import { isLedgerError } from '@timebank/ledger'
import type { CommunityContext } from '../context.js'
import { ASSETS, lifetimeOwner, memberAccount, organisationAccount } from '../domain/ids.js'
import { PolicyAsset } from '../domain/policy.js'

export async function openMemberAccounts(ctx: CommunityContext, tenantId: string, memberId: string): Promise<void> {
  const owner = { type: 'member' as const, id: memberId }
  await ctx.ledger.openAccount({ tenantId, id: memberAccount(memberId, ASSETS.hours), asset: ASSETS.hours, owner })
  await ctx.ledger.openAccount({ tenantId, id: memberAccount(memberId, ASSETS.points), asset: ASSETS.points, owner })
  await ctx.ledger.openAccount({
    tenantId,
    id: memberAccount(memberId, ASSETS.lifetime),
    asset: ASSETS.lifetime,
    owner: { type: 'system', id: lifetimeOwner(memberId) },
  })
}

/** An organisation's spendable hours and points (a partner unit's or a team's), owned by it. */
export async function openOrganisationAccounts(ctx: CommunityContext, tenantId: string, organisationId: string): Promise<void> {
  const owner = { type: 'organisation' as const, id: organisationId }
  for (const asset of [ASSETS.hours, ASSETS.points]) {
    await ctx.ledger.openAccount({ tenantId, id: organisationAccount(organisationId, asset), asset, owner })
  }
}

/** The ledger id of a member's welcome grant of an asset. */
export const welcomeGrantId = (memberId: string, asset: string) => `welcome:${memberId}:${asset}`

/**
 * The welcome grant of the policy in force (Hangzhou: 5 points), credited once per member and asset when they are
 * approved: a grant already made is left as it is, whatever the policy says now, so approving again grants nothing.
 */
export async function grantWelcome(ctx: CommunityContext, tenantId: string, memberId: string, reviewer: string): Promise<void> {
  const { version, policy } = await ctx.policy(tenantId)
  for (const asset of PolicyAsset.options) {
    const amount = policy.welcomeGrant[asset]
    if (amount === undefined) continue
    const id = welcomeGrantId(memberId, asset)
    try {
      await ctx.ledger.getTransfer({ tenantId, transferId: id })
      continue
    } catch (e) {
      if (!isLedgerError(e) || e.code !== 'TRANSFER_NOT_FOUND') throw e
    }
    await ctx.ledger.earn({
      tenantId,
      id,
      to: memberAccount(memberId, asset),
      amount,
      evidence: { activity: 'welcome grant', reviewer },
      metadata: { policyVersion: version },
    })
  }
}
