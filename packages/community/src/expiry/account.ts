/**
 * The community's breakage account for points: where expired points go. A
 * redemption sink owned by the community, opened by set-up and again
 * (idempotently, in the ledger) by every expiry run, for communities set up
 * before it existed.
 *
 * @example
 * await openExpiryAccount(ctx, 'maple')   // expired:POINT
 */
import type { CommunityContext } from '../context.js'
import { ASSETS, COMMUNITY_OWNER, expiryAccount } from '../domain/ids.js'

export async function openExpiryAccount(ctx: CommunityContext, tenantId: string): Promise<void> {
  const asset = ASSETS.points
  await ctx.ledger.openAccount({ tenantId, id: expiryAccount(asset), asset, owner: COMMUNITY_OWNER, kind: 'redemption' })
}
