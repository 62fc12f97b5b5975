/**
 * A points supermarket for tests: a community on PGlite with members given points
 * straight in the ledger, and rewards made and restocked through the use cases.
 */
import type { TestCommunity } from '../testing/pglite.js'

let n = 0
/** A fresh id with a prefix. */
export const uid = (prefix: string) => `${prefix}-${++n}`

/** Credit points to members (as approved records would). */
export async function givePoints(t: Pick<TestCommunity, 'ledger' | 'tenantId'>, memberId: string, points: string): Promise<void> {
  await t.ledger.earn({
    tenantId: t.tenantId,
    id: uid(`gift-${memberId}`),
    to: `member:${memberId}:POINT`,
    amount: points,
    evidence: { activity: 'test', reviewer: 'test' },
  })
}

/** A reward on the catalogue with `units` on the shelf. */
export async function stockedReward(
  t: Pick<TestCommunity, 'community' | 'tenantId'>,
  options: { price?: string; units?: string; pickupDays?: number } = {},
): Promise<string> {
  const id = uid('reward')
  await t.community.createReward({
    tenantId: t.tenantId,
    id,
    name: `Reward ${id}`,
    price: options.price ?? '10',
    actor: 'staff',
    ...(options.pickupDays === undefined ? {} : { pickupDays: options.pickupDays }),
  })
  if (options.units !== undefined) {
    await t.community.restock({
      tenantId: t.tenantId,
      rewardId: id,
      id: uid('in'),
      quantity: options.units,
      reason: 'delivery',
      actor: 'staff',
    })
  }
  return id
}
