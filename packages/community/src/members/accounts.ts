/**
 * A member's ledger accounts, opened when the member is approved: spendable
 * hours and points (theirs: floor 0), and lifetime hours (the community's,
 * so nobody can move them; they change only by approval and reversal).
 * Opening is idempotent in the ledger, so approving again opens nothing twice.
 *
 * @example
 * await openMemberAccounts(ctx, 'maple', 'ana')
 */
import type { CommunityContext } from '../context.js'
import { ASSETS, lifetimeOwner, memberAccount, organisationAccount } from '../domain/ids.js'

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
