import { describe, expect, it } from 'vitest'
import { activity, communityPerTest, grids, member, served } from '../recognition/fixtures.js'

const fresh = communityPerTest()

describe('the staff summary', () => {
  it("counts a month's approved hours, points and activities, pending records, wishes by status and low stock, for a subtree or all", async () => {
    const t = await fresh({ start: '2026-03-01T00:00:00Z' })
    const tenantId = t.tenantId
    await grids(t, [['root'], ['g1', 'root'], ['b1', 'g1'], ['g2', 'root']])
    await member(t, 'm1', { gridId: 'b1' })
    await member(t, 'm2', { gridId: 'g2' })
    await member(t, 'm3', { gridId: 'g1' })
    await served(t, { id: 'r1', memberId: 'm1', hours: '2', at: '2026-03-03T02:00:00Z' })
    await served(t, { id: 'r2', memberId: 'm2', hours: '1.5', at: '2026-03-04T02:00:00Z' })
    // Another month's hours do not count in March.
    await served(t, { id: 'r3', memberId: 'm1', hours: '9', at: '2026-04-02T02:00:00Z' })
    await activity(t, 'a1', { gridId: 'b1', startsAt: '2026-03-10T01:00:00Z' })
    await activity(t, 'a2', { gridId: 'g2', startsAt: '2026-03-11T01:00:00Z' })
    await activity(t, 'a3', { gridId: 'b1', startsAt: '2026-03-12T01:00:00Z', status: 'cancelled' })
    await activity(t, 'a4', { gridId: 'b1', startsAt: '2026-04-12T01:00:00Z' })
    t.clock.set(new Date('2026-03-20T02:00:00Z'))
    const pending = (id: string, memberId: string) =>
      t.community.createRecord({
        tenantId,
        id,
        memberId,
        kind: 'repair',
        role: 'member',
        startedAt: new Date('2026-03-19T01:00:00Z'),
        endedAt: new Date('2026-03-19T02:00:00Z'),
        actor: 'key_entry',
      })
    await pending('p1', 'm1')
    await pending('p2', 'm3')
    await pending('p3', 'm2')
    const wish = (id: string, posterId: string) =>
      t.community.postWish({ tenantId, id, posterId, title: `wish ${id}`, description: '', actor: 'key_staff' })
    await wish('w1', 'm1')
    await wish('w2', 'm1')
    await wish('w3', 'm2')
    const reward = async (id: string, units: string | null, active = true) => {
      await t.community.createReward({ tenantId, id, name: `Reward ${id}`, price: '10', active, actor: 'key_staff' })
      if (units)
        await t.community.restock({ tenantId, rewardId: id, id: `in-${id}`, quantity: units, reason: 'donated', actor: 'key_staff' })
    }
    await reward('rice', '40')
    await reward('oil', '3')
    await reward('soap', null)
    await reward('old', '1', false)

    const all = await t.community.summary({ tenantId, period: '2026-03' })
    expect(all).toMatchObject({
      period: '2026-03',
      status: 'open',
      hours: '3.50',
      points: '4',
      activities: 2,
      pendingApprovals: 3,
      lowStockThreshold: 5,
    })
    expect(all.wishes).toMatchObject({ published: 3, claimed: 0, fulfilled: 0 })
    expect(Object.values(all.orders).every((n) => n === 0)).toBe(true)
    // On the catalogue and at most 5 free, fewest first; a reward off the catalogue is not restocked, so not listed.
    expect(all.lowStock).toEqual([
      { rewardId: 'soap', name: 'Reward soap', onShelf: '0', reserved: '0' },
      { rewardId: 'oil', name: 'Reward oil', onShelf: '3', reserved: '0' },
    ])

    const g1 = await t.community.summary({ tenantId, period: '2026-03', gridPath: 'root/g1/', lowStock: 40 })
    expect(g1).toMatchObject({ hours: '2.00', points: '2', activities: 1, pendingApprovals: 2, lowStockThreshold: 40 })
    expect(g1.wishes.published).toBe(2)
    // The supermarket is the whole community's, whatever the subtree.
    expect(g1.lowStock.map((r) => r.rewardId)).toEqual(['soap', 'oil', 'rice'])

    // This month by default, in the community's time zone.
    expect((await t.community.summary({ tenantId })).period).toBe('2026-03')
    await expect(t.community.summary({ tenantId, period: '2026-Q1' })).rejects.toMatchObject({ code: 'VALIDATION' })
  })
})
