import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { isCommunityError } from '../domain/errors.js'
import { members } from '../storage/schema.js'
import { communityPerTest, grids, member, served } from './fixtures.js'

const fresh = communityPerTest()

const brief = (roll: { entries: { rank: number; memberId: string; hours: string; points: string }[] }) =>
  roll.entries.map((e) => [e.rank, e.memberId, e.hours, e.points])

describe('honour roll', () => {
  it('ranks by hours and by points, equal totals sharing a rank and the next rank skipping', async () => {
    const t = await fresh({ start: '2026-03-01T00:00:00Z' })
    for (const id of ['a', 'b', 'c', 'd', 'f', 'z']) await member(t, id)
    // The default rule: 1 point an hour, leader × 1.4, rounded half-up.
    await served(t, { id: 'rc', memberId: 'c', hours: '5', at: '2026-03-03T02:00:00Z' })
    await served(t, { id: 'ra', memberId: 'a', hours: '2', role: 'leader', at: '2026-03-04T02:00:00Z' }) // 2.8 → 3 points
    await served(t, { id: 'rb', memberId: 'b', hours: '3', at: '2026-03-05T02:00:00Z' })
    await served(t, { id: 'rf', memberId: 'f', hours: '3', at: '2026-03-06T02:00:00Z' })
    await served(t, { id: 'rd', memberId: 'd', hours: '1', at: '2026-03-07T02:00:00Z' })
    const hours = await t.community.honourRoll({ tenantId: t.tenantId, period: '2026-03', by: 'hours' })
    expect(brief(hours)).toEqual([
      [1, 'c', '5.00', '5'],
      [2, 'b', '3.00', '3'],
      [2, 'f', '3.00', '3'],
      [4, 'a', '2.00', '3'],
      [5, 'd', '1.00', '1'],
    ])
    const points = await t.community.honourRoll({ tenantId: t.tenantId, period: '2026-03', by: 'points' })
    expect(brief(points)).toEqual([
      [1, 'c', '5.00', '5'],
      [2, 'a', '2.00', '3'],
      [2, 'b', '3.00', '3'],
      [2, 'f', '3.00', '3'],
      [5, 'd', '1.00', '1'],
    ])
    expect(points.status).toBe('open')
    expect((await t.community.honourRoll({ tenantId: t.tenantId, period: '2026-03', limit: 2 })).entries).toHaveLength(2)
    // Another month has nothing yet.
    expect((await t.community.honourRoll({ tenantId: t.tenantId, period: '2026-02' })).entries).toEqual([])
  })

  it('leaves out members whose credit was reversed to nothing, and masks names', async () => {
    const t = await fresh({ start: '2026-03-01T00:00:00Z' })
    await member(t, 'a', { name: '张小明' })
    await member(t, 'b', { name: '欧阳小明' })
    await served(t, { id: 'ra', memberId: 'a', hours: '2', at: '2026-03-03T02:00:00Z' })
    await served(t, { id: 'rb', memberId: 'b', hours: '1.5', at: '2026-03-03T03:00:00Z' })
    t.clock.set('2026-03-04T02:00:00Z')
    await t.community.complain({ tenantId: t.tenantId, recordId: 'rb', reason: 'not done', actor: 'key_reviewer' })
    const roll = await t.community.honourRoll({ tenantId: t.tenantId, period: '2026-03' })
    expect(roll.entries.map((e) => [e.memberId, e.name, e.records])).toEqual([['a', '张*明', 1]])
  })

  it('shows an erased member by their pseudonym', async () => {
    const t = await fresh({ start: '2026-03-01T00:00:00Z' })
    await member(t, 'e', { name: '李雷' })
    await served(t, { id: 're', memberId: 'e', hours: '1', at: '2026-03-03T02:00:00Z' })
    await t.db
      .update(members)
      .set({ name: null, status: 'erased' })
      .where(and(eq(members.tenantId, t.tenantId), eq(members.id, 'e')))
    const roll = await t.community.honourRoll({ tenantId: t.tenantId, period: '2026-03' })
    expect(roll.entries.map((e) => e.name)).toEqual(['V-e'])
  })

  it("filters by a grid's subtree", async () => {
    const t = await fresh({ start: '2026-03-01T00:00:00Z' })
    await grids(t, [['root'], ['g1', 'root'], ['b1', 'g1'], ['g2', 'root'], ['g1x', 'root']])
    await member(t, 'inB1', { gridId: 'b1' })
    await member(t, 'inG1', { gridId: 'g1' })
    await member(t, 'inG2', { gridId: 'g2' })
    // A sibling whose id starts like g1's is not in g1's subtree.
    await member(t, 'inG1x', { gridId: 'g1x' })
    await member(t, 'nowhere')
    let h = 1
    for (const id of ['inB1', 'inG1', 'inG2', 'inG1x', 'nowhere']) {
      await served(t, { id: `r-${id}`, memberId: id, hours: String(h++), at: `2026-03-0${h}T02:00:00Z` })
    }
    const roll = async (gridId?: string) =>
      (await t.community.honourRoll({ tenantId: t.tenantId, period: '2026-03', ...(gridId ? { gridId } : {}) })).entries.map((e) => [
        e.memberId,
        e.gridId,
      ])
    expect(await roll('g1')).toEqual([
      ['inG1', 'g1'],
      ['inB1', 'b1'],
    ])
    expect(await roll('b1')).toEqual([['inB1', 'b1']])
    expect((await roll('root')).map(([id]) => id)).toEqual(['inG1x', 'inG2', 'inG1', 'inB1'])
    expect(await roll()).toHaveLength(5)
    await expect(t.community.honourRoll({ tenantId: t.tenantId, period: '2026-03', gridId: 'nope' })).rejects.toSatisfy(
      (e) => isCommunityError(e) && e.code === 'GRID_NOT_FOUND',
    )
  })

  it('sums a quarter and a year from their months', async () => {
    const t = await fresh({ start: '2026-01-01T00:00:00Z' })
    await member(t, 'a')
    await member(t, 'b')
    await served(t, { id: 'a1', memberId: 'a', hours: '1', at: '2026-01-15T02:00:00Z' })
    await served(t, { id: 'b1', memberId: 'b', hours: '4', at: '2026-01-16T02:00:00Z' })
    await served(t, { id: 'a2', memberId: 'a', hours: '2.25', at: '2026-02-15T02:00:00Z' })
    // Local April 1st (Shanghai), so April: outside the first quarter.
    await served(t, { id: 'a3', memberId: 'a', hours: '3', at: '2026-03-31T16:30:00Z' })
    const q1 = await t.community.honourRoll({ tenantId: t.tenantId, period: '2026-Q1' })
    expect(q1.entries.map((e) => [e.memberId, e.hours, e.records])).toEqual([
      ['b', '4.00', 1],
      ['a', '3.25', 2],
    ])
    const months = await Promise.all(
      ['2026-01', '2026-02', '2026-03'].map((p) => t.community.honourRoll({ tenantId: t.tenantId, period: p })),
    )
    const summed = new Map<string, number>()
    for (const m of months) for (const e of m.entries) summed.set(e.memberId, (summed.get(e.memberId) ?? 0) + Number(e.hours))
    expect(Object.fromEntries(summed)).toEqual({ a: 3.25, b: 4 })
    const year = await t.community.honourRoll({ tenantId: t.tenantId, period: '2026' })
    expect(year.entries.map((e) => [e.memberId, e.hours])).toEqual([
      ['a', '6.25'],
      ['b', '4.00'],
    ])
  })
})
