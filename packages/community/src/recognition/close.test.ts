import { rows } from '@timebank/ledger/kit'
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { canonicalHash } from '../domain/certificate.js'
import { isCommunityError } from '../domain/errors.js'
import { communityPerTest, grids, member, move, reversed, served } from './fixtures.js'

const fresh = communityPerTest()

const code = (c: string) => (e: unknown) => isCommunityError(e) && e.code === c

describe('closing a period', () => {
  it('refuses before the period has ended in the community time zone, and refuses a second closing', async () => {
    // 23:59:59.999 on 31 March in Shanghai.
    const t = await fresh({ start: '2026-03-31T15:59:59.999Z' })
    await expect(t.community.closePeriod({ tenantId: t.tenantId, period: '2026-03', actor: 'key_staff' })).rejects.toSatisfy(
      code('PERIOD_NOT_ENDED'),
    )
    expect(await t.community.periodStatus({ tenantId: t.tenantId, period: '2026-03' })).toMatchObject({ status: 'open', ended: false })
    t.clock.set('2026-03-31T16:00:00Z')
    const closed = await t.community.closePeriod({ tenantId: t.tenantId, period: '2026-03', actor: 'key_staff' })
    expect(closed).toMatchObject({ period: '2026-03', status: 'closed', ended: true, closedBy: 'key_staff', alsoClosed: [] })
    expect(closed.closedAt).toEqual(new Date('2026-03-31T16:00:00Z'))
    expect(closed.snapshotHash).toMatch(/^[0-9a-f]{64}$/)
    const { alsoClosed: _, ...status } = closed
    expect(await t.community.periodStatus({ tenantId: t.tenantId, period: '2026-03' })).toEqual(status)
    const again = t.community.closePeriod({ tenantId: t.tenantId, period: '2026-03', actor: 'key_other' })
    await expect(again).rejects.toSatisfy(code('PERIOD_CLOSED'))
    await expect(again).rejects.toMatchObject({ details: { closedBy: 'key_staff', snapshotHash: closed.snapshotHash } })
    // The year has not.
    await expect(t.community.closePeriod({ tenantId: t.tenantId, period: '2026', actor: 'key_staff' })).rejects.toSatisfy(
      code('PERIOD_NOT_ENDED'),
    )
  })

  it("keeps a closed month's roll after a later reversal, while the next month shows the correction", async () => {
    const t = await fresh({ start: '2026-03-01T00:00:00Z' })
    await grids(t, [['root'], ['g1', 'root'], ['g2', 'root']])
    await member(t, 'a', { gridId: 'g1' })
    await member(t, 'b', { gridId: 'g1' })
    await served(t, { id: 'ra', memberId: 'a', hours: '3', at: '2026-03-10T02:00:00Z' })
    await served(t, { id: 'rb', memberId: 'b', hours: '2', at: '2026-03-11T02:00:00Z' })
    t.clock.set('2026-04-02T02:00:00Z')
    const march = () => t.community.honourRoll({ tenantId: t.tenantId, period: '2026-03' })
    const before = await march()
    const closed = await t.community.closePeriod({ tenantId: t.tenantId, period: '2026-03', actor: 'key_staff' })

    await served(t, { id: 'ra2', memberId: 'a', hours: '4', at: '2026-04-03T02:00:00Z' })
    await reversed(t, 'ra', '2026-04-04T02:00:00Z')
    await move(t, 'a', 'g2', '2026-04-05T02:00:00Z')

    const after = await march()
    expect(after.entries).toEqual(before.entries)
    expect(after.entries.map((e) => [e.memberId, e.hours, e.gridId])).toEqual([
      ['a', '3.00', 'g1'],
      ['b', '2.00', 'g1'],
    ])
    expect(after).toMatchObject({ status: 'closed', snapshotHash: closed.snapshotHash })
    // The grid filter follows where members lived when March ended.
    expect((await t.community.honourRoll({ tenantId: t.tenantId, period: '2026-03', gridId: 'g1' })).entries).toHaveLength(2)
    expect((await t.community.honourRoll({ tenantId: t.tenantId, period: '2026-03', gridId: 'g2' })).entries).toEqual([])

    // April: 4 hours, less the 3 reversed in April.
    const april = await t.community.honourRoll({ tenantId: t.tenantId, period: '2026-04' })
    expect(april.entries.map((e) => [e.memberId, e.hours, e.points, e.records, e.gridId])).toEqual([['a', '1.00', '1', 0, 'g2']])
    const g1 = await t.community.gridRollup({ tenantId: t.tenantId, gridId: 'g1', period: '2026-03' })
    expect(g1).toMatchObject({ hours: '5.00', activeVolunteers: 2, status: 'closed' })
  })

  it('closes the open months of a quarter with it, each with its own snapshot, hashed canonically', async () => {
    const t = await fresh({ start: '2026-01-01T00:00:00Z' })
    await grids(t, [['root'], ['g1', 'root'], ['g2', 'root']])
    await member(t, 'a', { gridId: 'g1', since: '2025-12-01T00:00:00Z' })
    await member(t, 'b', { gridId: 'g1', since: '2025-12-01T00:00:00Z' })
    await served(t, { id: 'a1', memberId: 'a', hours: '1', at: '2026-01-10T02:00:00Z' })
    t.clock.set('2026-02-01T00:00:00Z')
    await t.community.closePeriod({ tenantId: t.tenantId, period: '2026-01', actor: 'key_staff' })
    await served(t, { id: 'b1', memberId: 'b', hours: '2', at: '2026-02-10T02:00:00Z' })
    await move(t, 'a', 'g2', '2026-02-15T00:00:00Z')
    await served(t, { id: 'a2', memberId: 'a', hours: '3.5', at: '2026-03-10T02:00:00Z' })
    // Moved at the first instant of April (local midnight): b lived in g1 until the quarter's last instant, so Q1 counts b there.
    await move(t, 'b', 'g2', '2026-03-31T16:00:00Z')
    t.clock.set('2026-04-01T00:00:00Z')
    const q1 = await t.community.closePeriod({ tenantId: t.tenantId, period: '2026-Q1', actor: 'key_staff' })
    expect(q1.alsoClosed).toEqual(['2026-02', '2026-03'])
    const january = await t.community.periodStatus({ tenantId: t.tenantId, period: '2026-01' })
    expect(january.closedAt).toEqual(new Date('2026-02-01T00:00:00Z'))
    expect((await t.community.periodStatus({ tenantId: t.tenantId, period: '2026-02' })).status).toBe('closed')
    await expect(t.community.closePeriod({ tenantId: t.tenantId, period: '2026-03', actor: 'key_staff' })).rejects.toSatisfy(
      code('PERIOD_CLOSED'),
    )

    const stored = await rows<{ period: string; snapshot: unknown; snapshot_hash: string }>(
      t.db,
      sql`select period, snapshot, snapshot_hash from cm_closed_periods where tenant_id = ${t.tenantId} order by period`,
    )
    expect(stored.map((s) => s.period)).toEqual(['2026-01', '2026-02', '2026-03', '2026-Q1'])
    for (const s of stored) expect(canonicalHash(s.snapshot)).toBe(s.snapshot_hash)
    const quarter = stored.find((s) => s.period === '2026-Q1')?.snapshot
    expect(quarter).toEqual({
      version: 1,
      period: '2026-Q1',
      from: '2025-12-31T16:00:00.000Z',
      to: '2026-03-31T16:00:00.000Z',
      members: [
        { memberId: 'a', gridId: 'g2', gridPath: 'root/g2/', hours: '4.50', points: '5', records: 2 },
        { memberId: 'b', gridId: 'g1', gridPath: 'root/g1/', hours: '2.00', points: '2', records: 1 },
      ],
    })
    // The closed roll's grid filter follows the same placement.
    const inG1 = await t.community.honourRoll({ tenantId: t.tenantId, period: '2026-Q1', gridId: 'g1' })
    expect(inG1.entries.map((e) => e.memberId)).toEqual(['b'])
    // January froze a in g1, where a lived when January ended.
    const jan = stored.find((s) => s.period === '2026-01')?.snapshot as { members: { memberId: string; gridId: string }[] }
    expect(jan.members).toEqual([{ memberId: 'a', gridId: 'g1', gridPath: 'root/g1/', hours: '1.00', points: '1', records: 1 }])
    const roll = await t.community.honourRoll({ tenantId: t.tenantId, period: '2026-Q1' })
    expect(roll.entries.map((e) => [e.rank, e.memberId, e.hours])).toEqual([
      [1, 'a', '4.50'],
      [2, 'b', '2.00'],
    ])
  })
})
