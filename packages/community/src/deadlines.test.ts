/**
 * Every community's deadlines at once: a wish past its deadline expires with its hold voided, a redemption not
 * picked up expires with both holds voided, points the policy says are due expire; a second sweep changes nothing.
 */
import { PGlite } from '@electric-sql/pglite'
import type { LedgerDatabase } from '@timebank/ledger'
import { drizzle } from 'drizzle-orm/pglite'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { givePoints, stockedReward } from './market/test-fixtures.js'
import { migrate } from './migrate.js'
import { type WishSetting, wishSettingOn } from './wishes/test-fixtures.js'

let client: PGlite
let t: WishSetting

beforeAll(async () => {
  client = new PGlite()
  const db = drizzle(client) as unknown as LedgerDatabase
  await migrate(db)
  t = await wishSettingOn(db)
})
afterAll(() => client.close())

const DAY = 86_400_000

it('sweeps wishes, redemptions and due points of every community, once', async () => {
  const { community, tenantId } = t
  await community.postWish({
    tenantId,
    id: 'bag',
    posterId: 'lili',
    title: 'A school bag',
    description: '',
    deadline: new Date(t.clock.now.getTime() + DAY),
    reward: { points: '20', sponsor: { type: 'pool' } },
    actor: 'key_lili',
  })
  const rewardId = await stockedReward(t, { units: '2', pickupDays: 3 })
  await givePoints(t, 'mei', '30')
  await community.redeem({ tenantId, id: 'soap', rewardId, memberId: 'mei', actor: 'mei' })
  await community.changePolicy({ tenantId, policy: { pointsExpiry: { months: 12 } }, actor: 'key_admin' })

  t.clock.advance(400 * DAY)
  const [outcome] = await community.sweepAllDeadlines({ points: true })
  expect(outcome).toMatchObject({ tenantId, wishesExpired: 1, ordersMoved: 0, redemptionsExpired: 1 })
  expect(outcome?.error).toBeUndefined()
  // mei's 30 points were credited 400 days ago: the policy's year has passed (the redemption's 10 came back first).
  expect(outcome?.pointsExpired).toBe('30')
  expect((await community.getWish({ tenantId, wishId: 'bag' })).status).toBe('expired')
  expect(await t.step('bag', 'hold')).toMatchObject({ status: 'voided' })
  expect((await community.getRedemption(tenantId, 'soap')).status).toBe('expired')

  const [again] = await community.sweepAllDeadlines({ points: true })
  expect(again).toMatchObject({ wishesExpired: 0, ordersMoved: 0, redemptionsExpired: 0, pointsExpired: '0' })
})
