import { type IsolatedDatabase, connectIsolated, testDatabaseUrl } from '@timebank/ledger/testing'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Community } from '../community.js'
import { migrate } from '../migrate.js'
import { type SecondProcess, secondProcess } from '../testing/second-process.js'
import { activeMembers } from '../testing/members.js'
import { communityOn } from '../testing/pglite.js'
import { givePoints, stockedReward } from './test-fixtures.js'

const RESIDENTS = Array.from({ length: 32 }, (_, i) => `resident-${i}`)
let database: IsolatedDatabase
let second: SecondProcess
let t: Awaited<ReturnType<typeof communityOn>>
let other: Community

beforeAll(async () => {
  database = await connectIsolated(testDatabaseUrl(), { prefix: 'cm_market', max: 16 })
  await migrate(database.db)
  t = await communityOn(database.db, { start: new Date() })
  await activeMembers(t, RESIDENTS)
  for (const r of RESIDENTS) await givePoints(t, r, '100')
  second = secondProcess(database)
  other = second.community()
})
afterAll(async () => {
  await second?.close()
  await database?.close()
})

it('lets exactly 5 of 32 residents redeeming the last 5 units at once have one, refusing the rest OUT_OF_STOCK', async () => {
  const rewardId = await stockedReward(t, { price: '20', units: '5' })
  const outcomes = await Promise.all(
    RESIDENTS.map((memberId, i) =>
      (i % 2 === 0 ? t.community : other).redeem({ tenantId: t.tenantId, id: `rd-${memberId}`, rewardId, memberId, actor: memberId }).then(
        (r) => r.redemption.status,
        (e: { code?: string }) => e.code ?? String(e),
      ),
    ),
  )
  expect(outcomes.filter((o) => o === 'reserved')).toHaveLength(5)
  expect(outcomes.filter((o) => o === 'OUT_OF_STOCK')).toHaveLength(27)
  const [stock] = (await t.community.stockReport({ tenantId: t.tenantId, rewardId })).rewards
  expect(stock).toMatchObject({ onShelf: '0', reserved: '5', pointsReserved: '100', matches: true })

  // Handed over by two desks at once, each twice: every hold posted once.
  const reserved = (await t.community.listRedemptions({ tenantId: t.tenantId, rewardId, status: 'reserved' })).redemptions
  await Promise.all(
    reserved.flatMap((r) => [
      t.community.handOver({ tenantId: t.tenantId, redemptionId: r.id, actor: 'desk-1' }),
      other.handOver({ tenantId: t.tenantId, redemptionId: r.id, actor: 'desk-2' }),
    ]),
  )
  const [after] = (await t.community.stockReport({ tenantId: t.tenantId, rewardId })).rewards
  expect(after).toMatchObject({ onShelf: '0', reserved: '0', handedOut: '5', pointsReceived: '100', restocked: '5', matches: true })
  expect(await t.community.reconcileRedemptions({ tenantId: t.tenantId })).toEqual([])
})

it('lets one member racing 16 redemptions at once under "once a month" (and a lifetime minimum) have exactly one, the rest refused by the rule', async () => {
  const rewardId = await stockedReward(t, { price: '1', units: '50' })
  const member = 'racer'
  await activeMembers(t, [member])
  await givePoints(t, member, '100')
  await t.ledger.earn({
    tenantId: t.tenantId,
    id: 'racer-life',
    to: `member:${member}:LIFETIME_HOUR`,
    amount: '2',
    evidence: { activity: 'seed', reviewer: 't' },
  })
  await t.community.changePolicy({
    tenantId: t.tenantId,
    policy: { redemptionFrequency: { times: 1, per: 'month' }, minLifetimeHoursToRedeem: '1' },
    actor: 'key_admin',
  })
  // A second process started now (one running since before the change would see it within the settings' 5 s).
  const later = second.community()
  try {
    const outcomes = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        (i % 2 === 0 ? t.community : later)
          .redeem({ tenantId: t.tenantId, id: `rd-race-${i}`, rewardId, memberId: member, actor: member })
          .then(
            (r) => r.redemption.status,
            (e: { code?: string; details?: { rule?: string } }) => `${e.code}:${e.details?.rule}`,
          ),
      ),
    )
    expect(outcomes.filter((o) => o === 'reserved')).toHaveLength(1)
    expect(outcomes.filter((o) => o === 'POLICY_VIOLATION:redemptionFrequency')).toHaveLength(15)
    const [stock] = (await t.community.stockReport({ tenantId: t.tenantId, rewardId })).rewards
    expect(stock).toMatchObject({ reserved: '1', matches: true })
    expect(await t.community.reconcileRedemptions({ tenantId: t.tenantId })).toEqual([])
  } finally {
    await t.community.changePolicy({ tenantId: t.tenantId, policy: {}, actor: 'key_admin' })
  }
})
