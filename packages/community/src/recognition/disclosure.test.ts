import { describe, expect, it } from 'vitest'
import { activity, communityPerTest, grids, member, reversed, served } from './fixtures.js'

const fresh = communityPerTest()

describe('public disclosure', () => {
  it('lists only approved records credited in the last N days, newest first, names masked and nothing else personal', async () => {
    const t = await fresh({ start: '2026-03-01T00:00:00Z' })
    await grids(t, [['root']])
    await activity(t, 'spring', { title: 'Spring clean-up', gridId: 'root', startsAt: '2026-03-07T23:00:00Z' })
    await member(t, 'ana', { name: '张小明' })
    await member(t, 'bo', { name: '欧阳小明' })
    await served(t, { id: 'old', memberId: 'ana', hours: '1', at: '2026-03-01T02:00:00Z' })
    await served(t, { id: 'gone', memberId: 'bo', hours: '1', at: '2026-03-06T02:00:00Z' })
    await served(t, { id: 'clean', memberId: 'ana', hours: '2', activityId: 'spring', at: '2026-03-08T02:00:00Z' })
    await served(t, { id: 'visit', memberId: 'bo', hours: '1.5', at: '2026-03-10T02:00:00Z' })
    await reversed(t, 'gone', '2026-03-10T03:00:00Z')
    const pending = {
      tenantId: t.tenantId,
      memberId: 'ana',
      kind: 'errand',
      startedAt: t.clock.now,
      endedAt: t.clock.now,
      actor: 'key_entry',
    }
    await t.community.createRecord({ ...pending, id: 'pending', hours: '1' })
    await t.community.createRecord({ ...pending, id: 'refused', hours: '1' })
    await t.community.reject({ tenantId: t.tenantId, recordIds: ['refused'], reason: 'duplicate', actor: 'key_approver' })
    t.clock.set('2026-03-11T02:00:00Z')

    const week = await t.community.disclosure({ tenantId: t.tenantId })
    expect(week.days).toBe(7)
    expect(week.records).toEqual([
      { recordId: 'visit', name: '欧**明', title: 'elder-visit', date: '2026-03-10', hours: '1.50', points: '2' },
      { recordId: 'clean', name: '张*明', title: 'Spring clean-up', date: '2026-03-08', hours: '2.00', points: '2' },
    ])
    expect(week.nextCursor).toBeNull()
    const text = JSON.stringify(week)
    for (const personal of ['张小明', '欧阳小明', 'ana', 'bo']) expect(text).not.toContain(personal)

    const fortnight = await t.community.disclosure({ tenantId: t.tenantId, days: 14 })
    expect(fortnight.records.map((r) => r.recordId)).toEqual(['visit', 'clean', 'old'])

    // The community's own number of days is the default.
    await t.community.updateSettings({ tenantId: t.tenantId, settings: { disclosureDays: 2 } })
    expect((await t.community.disclosure({ tenantId: t.tenantId })).records.map((r) => r.recordId)).toEqual(['visit'])
  })

  it('pages newest first', async () => {
    const t = await fresh({ start: '2026-03-01T00:00:00Z' })
    await member(t, 'ana')
    for (const [i, day] of ['02', '03', '04'].entries()) {
      await served(t, { id: `r${i}`, memberId: 'ana', hours: '1', at: `2026-03-${day}T02:00:00Z` })
    }
    const first = await t.community.disclosure({ tenantId: t.tenantId, limit: 2 })
    expect(first.records.map((r) => r.recordId)).toEqual(['r2', 'r1'])
    const rest = await t.community.disclosure({ tenantId: t.tenantId, limit: 2, cursor: first.nextCursor as string })
    expect(rest.records.map((r) => r.recordId)).toEqual(['r0'])
    expect(rest.nextCursor).toBeNull()
  })
})
