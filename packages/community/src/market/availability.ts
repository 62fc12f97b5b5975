/**
 * Whether rewards can be redeemed now: units free on the shelf (the ledger's
 * available balance of each reward's shelf account, read at once). All a
 * member is shown of the stock; the counts are the stock report's, for staff.
 *
 * @example
 * const inStock = await rewardsInStock(ctx, tenantId, ['rice-5kg', 'soap'])
 * inStock.get('soap') // false: sold out
 */
import type { CommunityContext } from '../context.js'
import { rewardAccounts } from '../domain/reward.js'

/** For each reward id, true when at least one unit is free on its shelf. */
export async function rewardsInStock(ctx: CommunityContext, tenantId: string, rewardIds: string[]): Promise<Map<string, boolean>> {
  const ids = [...new Set(rewardIds)]
  const found = await Promise.all(
    ids.map(async (id) => {
      const shelf = await ctx.ledger.getBalance({ tenantId, accountId: rewardAccounts(id).shelf })
      return [id, BigInt(shelf.available) > 0n] as const
    }),
  )
  return new Map(found)
}
