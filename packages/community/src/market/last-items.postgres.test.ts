/**
 * The last items on the shelf under real concurrency, on a PostgreSQL server:
 * 32 residents redeem the last 5 units at once (over two pools, as two
 * processes would). Exactly 5 succeed, every other one is refused OUT_OF_STOCK,
 * the shelf never goes below zero, and the books and the rows agree.
 */
import { type LedgerDatabase, createLedger } from '@timebank/ledger'
import { type IsolatedDatabase, connectIsolated, testDatabaseUrl } from '@timebank/ledger/testing'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type Community, createCommunity } from '../community.js'
import { migrate } from '../migrate.js'
import { activeMembers } from '../testing/members.js'
import { communityOn } from '../testing/pglite.js'
import { givePoints, stockedReward } from './test-fixtures.js'

const RESIDENTS = Array.from({ length: 32 }, (_, i) => `resident-${i}`)
let database: IsolatedDatabase
let second: postgres.Sql
let t: Awaited<ReturnType<typeof communityOn>>
let other: Community

beforeAll(async () => {
  database = await connectIsolated(testDatabaseUrl(), { prefix: 'cm_market', max: 16 })
  await migrate(database.db)
  t = await communityOn(database.db, { start: new Date() })
  await activeMembers(t, RESIDENTS)
  for (const r of RESIDENTS) await givePoints(t, r, '100')
  second = postgres(testDatabaseUrl(), { max: 16, onnotice: () => {}, connection: { search_path: database.schema } })
  const db2 = drizzle(second) as unknown as LedgerDatabase
  other = createCommunity({ db: db2, ledger: createLedger({ db: db2 }) })
})
afterAll(async () => {
  await second?.end({ timeout: 5 })
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
