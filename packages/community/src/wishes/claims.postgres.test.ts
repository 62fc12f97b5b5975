import { type IsolatedDatabase, connectIsolated, testDatabaseUrl } from '@timebank/ledger/testing'
import { rows } from '@timebank/ledger/kit'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Community } from '../community.js'
import { migrate } from '../migrate.js'
import { type SecondProcess, secondProcess } from '../testing/second-process.js'
import { activeMembers } from '../testing/members.js'
import { type WishSetting, wishSettingOn } from './test-fixtures.js'

const VOLUNTEERS = Array.from({ length: 32 }, (_, i) => `v${String(i).padStart(2, '0')}`)
let database: IsolatedDatabase
let second: SecondProcess
let t: WishSetting
let communities: Community[]

beforeAll(async () => {
  database = await connectIsolated(testDatabaseUrl(), { prefix: 'cm_wishes', max: 16 })
  await migrate(database.db)
  t = await wishSettingOn(database.db)
  await activeMembers(t, VOLUNTEERS)
  second = secondProcess(database)
  communities = [t.community, second.community(() => t.clock.now)]
})
afterAll(async () => {
  await second?.close()
  await database?.close()
})

/** The community of worker i: the two processes take turns. */
const on = (i: number) => communities[i % communities.length] as Community
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  )

const post = (id: string) =>
  t.community.postWish({
    tenantId: t.tenantId,
    id,
    posterId: 'lili',
    title: '修理楼道灯',
    description: '三单元楼道灯坏了',
    reward: { points: '15', sponsor: { type: 'pool' } },
    actor: 'staff',
  })

describe('claiming a wish at once', () => {
  it('32 volunteers claiming the same wish: exactly one wins, the rest get WISH_ALREADY_CLAIMED', async () => {
    await post('lamp')
    const outcomes = await Promise.all(
      VOLUNTEERS.map((v, i) => outcome(on(i).claimWish({ tenantId: t.tenantId, wishId: 'lamp', volunteerId: v, actor: `key_${v}` }))),
    )
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1)
    expect(outcomes.filter((o) => o === 'WISH_ALREADY_CLAIMED')).toHaveLength(VOLUNTEERS.length - 1)
    const winner = VOLUNTEERS[outcomes.indexOf('ok')]
    const wish = await t.community.getWish({ tenantId: t.tenantId, wishId: 'lamp' })
    expect({ status: wish.status, claimant: wish.claimant?.id }).toEqual({ status: 'claimed', claimant: winner })
    const claims = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from cm_wish_events where tenant_id = ${t.tenantId} and wish_id = 'lamp' and action = 'claimed'`,
    )
    expect(claims).toEqual([{ n: 1 }])
  })

  it('confirmations racing cancellations resolve the hold once: paid or released, never both', async () => {
    const ids = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5']
    for (const id of ids) {
      await post(id)
      await t.community.claimWish({ tenantId: t.tenantId, wishId: id, volunteerId: 'bo', actor: 'bo' })
      await t.community.fulfilWish({ tenantId: t.tenantId, wishId: id, volunteerId: 'bo', actor: 'bo' })
    }
    const before = await t.posted('bo')
    const races = await Promise.all(
      ids.map((id, i) =>
        Promise.all([
          outcome(on(i).confirmWish({ tenantId: t.tenantId, wishId: id, actor: 'staff-a' })),
          outcome(on(i + 1).cancelWish({ tenantId: t.tenantId, wishId: id, actor: 'staff-b' })),
        ]),
      ),
    )
    let confirmed = 0
    for (const [i, id] of ids.entries()) {
      const wish = await t.community.getWish({ tenantId: t.tenantId, wishId: id })
      const [c, x] = races[i] as [string, string]
      expect([c, x].filter((o) => o === 'ok')).toHaveLength(1)
      expect(wish.status).toBe(c === 'ok' ? 'confirmed' : 'cancelled')
      expect((await t.step(id, 'hold'))?.status).toBe(c === 'ok' ? 'posted' : 'voided')
      if (c === 'ok') confirmed++
    }
    expect(await t.posted('bo')).toBe(before + 15n * BigInt(confirmed))
    expect(await t.community.reconcileWishes({ tenantId: t.tenantId })).toEqual([])
  })
})
