import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { createContext } from '../context.js'
import { isCommunityError } from '../domain/errors.js'
import { members } from '../storage/schema.js'
import { activity, communityPerTest, grids, member, move, served } from './fixtures.js'
import { gridRollup, topGrids } from './rollup.js'

const fresh = communityPerTest()

describe('grid roll-ups', () => {
  it('counts members, volunteers, hours, points and activities of each subtree', async () => {
    const t = await fresh({ start: '2026-03-01T00:00:00Z' })
    await grids(t, [['root'], ['g1', 'root'], ['b1', 'g1'], ['b2', 'g1'], ['g2', 'root']])
    await member(t, 'm1', { gridId: 'b1' })
    await member(t, 'm2', { gridId: 'g1' })
    await member(t, 'm3', { gridId: 'g2' })
    await member(t, 'idle', { gridId: 'b1' })
    await member(t, 'left', { gridId: 'b2' })
    await served(t, { id: 'r1', memberId: 'm1', hours: '2', at: '2026-03-03T02:00:00Z' })
    await served(t, { id: 'r2', memberId: 'm1', hours: '1.5', at: '2026-03-04T02:00:00Z' })
    await served(t, { id: 'r3', memberId: 'm2', hours: '1', role: 'leader', at: '2026-03-05T02:00:00Z' })
    await served(t, { id: 'r4', memberId: 'm3', hours: '4', at: '2026-03-06T02:00:00Z' })
    await served(t, { id: 'r5', memberId: 'left', hours: '1', at: '2026-03-06T03:00:00Z' })
    // Hours of another month do not count.
    await served(t, { id: 'r6', memberId: 'm3', hours: '9', at: '2026-04-06T03:00:00Z' })
    // Served in March, no longer active: a volunteer of the period, not a member now.
    await t.db
      .update(members)
      .set({ status: 'inactive' })
      .where(and(eq(members.tenantId, t.tenantId), eq(members.id, 'left')))
    await activity(t, 'act1', { gridId: 'b1', startsAt: '2026-03-10T01:00:00Z' })
    await activity(t, 'act2', { gridId: 'b1', startsAt: '2026-03-11T01:00:00Z', status: 'cancelled' })
    await activity(t, 'act3', { gridId: 'g2', startsAt: '2026-04-10T01:00:00Z' })
    // 1 March 00:30 in Shanghai is in March; 28 February 23:30 is not.
    await activity(t, 'act4', { gridId: 'g1', startsAt: '2026-02-28T16:30:00Z' })
    await activity(t, 'act5', { gridId: 'g1', startsAt: '2026-02-28T15:30:00Z' })

    const { grids: all, status } = await t.community.gridRollups({ tenantId: t.tenantId, period: '2026-03' })
    expect(status).toBe('open')
    const row = (g: (typeof all)[number]) => [g.gridId, g.members, g.activeVolunteers, g.hours, g.points, g.activities]
    expect(all.map(row)).toEqual([
      ['root', 4, 4, '9.50', '10', 2],
      ['g1', 3, 3, '5.50', '6', 2],
      ['b1', 2, 1, '3.50', '4', 1],
      ['b2', 0, 1, '1.00', '1', 0],
      ['g2', 1, 1, '4.00', '4', 0],
    ])
    const g1 = await t.community.gridRollup({ tenantId: t.tenantId, gridId: 'g1', period: '2026-03' })
    expect(row(g1)).toEqual(['g1', 3, 3, '5.50', '6', 2])
    expect(g1).toMatchObject({ name: 'Grid g1', path: 'root/g1/', period: '2026-03' })
    const under = await t.community.gridRollups({ tenantId: t.tenantId, period: '2026-03', under: 'g1' })
    expect(under.grids.map((g) => g.gridId)).toEqual(['g1', 'b1', 'b2'])
    expect(row(await t.community.gridRollup({ tenantId: t.tenantId, gridId: 'g2', period: '2026-Q2' }))).toEqual([
      'g2',
      1,
      1,
      '9.00',
      '9',
      1,
    ])
    await expect(t.community.gridRollup({ tenantId: t.tenantId, gridId: 'nope', period: '2026-03' })).rejects.toSatisfy(
      (e) => isCommunityError(e) && e.code === 'GRID_NOT_FOUND',
    )
  })

  it('answers GRID_NOT_FOUND, not a bare error, for a grid moved away while its roll-up is being read', async () => {
    const t = await fresh({ start: '2026-03-01T00:00:00Z' })
    await grids(t, [['root'], ['g1', 'root'], ['g2', 'root']])
    // The grid moves under g2 just after the roll-up has read its path: the first statement it runs (execute) after that read.
    let moved = false
    const db = new Proxy(t.db, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target)
        if (prop !== 'execute') return typeof value === 'function' ? value.bind(target) : value
        return async (query: never) => {
          if (!moved) {
            moved = true
            await t.community.moveGrid({ tenantId: t.tenantId, gridId: 'g1', parentId: 'g2', actor: 'key_staff' })
          }
          return target.execute(query)
        }
      },
    })
    const ctx = createContext({ db, ledger: t.ledger, clock: () => t.clock.now })
    const outcome = await gridRollup(ctx, { tenantId: t.tenantId, gridId: 'g1', period: '2026-03' }).catch((e: unknown) => e)
    expect(moved).toBe(true)
    expect(isCommunityError(outcome) && outcome.code).toBe('GRID_NOT_FOUND')
  })
})

describe('the roll-up series', () => {
  it('gives each month of a range as that month’s roll-ups count it: a subtree, or the top grids summed', async () => {
    const t = await fresh({ start: '2026-01-01T00:00:00Z' })
    // Two trees: the whole community is both, each member counted once.
    await grids(t, [['east'], ['e1', 'east'], ['west']])
    await member(t, 'ana', { gridId: 'e1' })
    await member(t, 'bo', { gridId: 'west' })
    await served(t, { id: 'r1', memberId: 'ana', hours: '2', at: '2026-01-10T02:00:00Z' })
    await served(t, { id: 'r2', memberId: 'bo', hours: '1.25', at: '2026-01-11T02:00:00Z' })
    await served(t, { id: 'r3', memberId: 'ana', hours: '0.5', at: '2026-03-02T02:00:00Z' })
    await activity(t, 'act1', { gridId: 'e1', startsAt: '2026-03-10T01:00:00Z' })
    t.clock.set('2026-04-02T00:00:00Z')
    await t.community.closePeriod({ tenantId: t.tenantId, period: '2026-01', actor: 'key_admin' })
    // Moved after January closed: January counts bo where the snapshot froze him, open months where he lives now.
    await move(t, 'bo', 'e1', '2026-04-01T00:00:00Z')

    const series = await t.community.rollupSeries({ tenantId: t.tenantId, from: '2025-12', to: '2026-04' })
    const row = (m: (typeof series.months)[number]) => [m.month, m.status, m.activeVolunteers, m.hours, m.points, m.activities]
    expect(series.months.map(row)).toEqual([
      ['2025-12', 'open', 0, '0.00', '0', 0],
      ['2026-01', 'closed', 2, '3.25', '3', 0],
      ['2026-02', 'open', 0, '0.00', '0', 0],
      ['2026-03', 'open', 1, '0.50', '1', 1],
      ['2026-04', 'open', 0, '0.00', '0', 0],
    ])
    expect([series.from, series.to, series.under]).toEqual(['2025-12', '2026-04', null])
    const east = await t.community.rollupSeries({ tenantId: t.tenantId, from: '2026-01', to: '2026-03', under: 'east' })
    expect(east.months.map(row)).toEqual([
      ['2026-01', 'closed', 1, '2.00', '2', 0],
      ['2026-02', 'open', 0, '0.00', '0', 0],
      ['2026-03', 'open', 1, '0.50', '1', 1],
    ])
    // One rule: each month is what the roll-ups of that month say, of the top grids summed or of the same grid.
    for (const m of series.months) {
      const top = topGrids((await t.community.gridRollups({ tenantId: t.tenantId, period: m.month })).grids)
      // Exact: hours as hundredths, never a float.
      const minor = (x: string | number) => BigInt(String(x).replace('.', ''))
      const sum = (f: (g: (typeof top)[number]) => string | number) => top.reduce((n, g) => n + minor(f(g)), 0n)
      expect([sum((g) => g.hours), sum((g) => g.points), sum((g) => g.activeVolunteers), sum((g) => g.activities)]).toEqual([
        minor(m.hours),
        minor(m.points),
        minor(m.activeVolunteers),
        minor(m.activities),
      ])
    }
    for (const m of east.months) {
      const one = await t.community.gridRollup({ tenantId: t.tenantId, gridId: 'east', period: m.month })
      expect([one.hours, one.points, one.activeVolunteers, one.activities, one.status]).toEqual([
        m.hours,
        m.points,
        m.activeVolunteers,
        m.activities,
        m.status,
      ])
    }
  })

  it('refuses a range backwards, longer than three years or not of months, and an unknown grid', async () => {
    const t = await fresh({ start: '2026-01-01T00:00:00Z' })
    await grids(t, [['root']])
    const series = (from: string, to: string, under?: string) =>
      t.community.rollupSeries({ tenantId: t.tenantId, from, to, ...(under ? { under } : {}) }).then(
        (s) => s.months.length,
        (e: unknown) => (isCommunityError(e) ? e.code : String(e)),
      )
    expect(await series('2026-03', '2026-02')).toBe('VALIDATION')
    expect(await series('2023-01', '2026-01')).toBe('VALIDATION')
    expect(await series('2023-02', '2026-01')).toBe(36)
    expect(await series('2026', '2026-12')).toBe('VALIDATION')
    expect(await series('2026-01', '2026-13')).toBe('VALIDATION')
    expect(await series('2026-01', '2026-01')).toBe(1)
    expect(await series('2026-01', '2026-02', 'nowhere')).toBe('GRID_NOT_FOUND')
  })
})
