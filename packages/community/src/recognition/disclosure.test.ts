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
      { name: '欧**明', title: 'elder-visit', date: '2026-03-10', hours: '1.50', points: '2' },
      { name: '张*明', title: 'Spring clean-up', date: '2026-03-08', hours: '2.00', points: '2' },
    ])
    expect(week.nextCursor).toBeNull()
    const text = JSON.stringify(week)
    for (const personal of ['张小明', '欧阳小明', 'ana', 'bo']) expect(text).not.toContain(personal)

    const fortnight = await t.community.disclosure({ tenantId: t.tenantId, days: 14 })
    expect(fortnight.records.map((r) => r.date)).toEqual(['2026-03-10', '2026-03-08', '2026-03-01'])

    // The community's own number of days is the default.
    await t.community.updateSettings({ tenantId: t.tenantId, settings: { disclosureDays: 2 } })
    expect((await t.community.disclosure({ tenantId: t.tenantId })).records.map((r) => r.date)).toEqual(['2026-03-10'])
  })

  it('pages newest first', async () => {
    const t = await fresh({ start: '2026-03-01T00:00:00Z' })
    await member(t, 'ana')
    for (const [i, day] of ['02', '03', '04'].entries()) {
      await served(t, { id: `r${i}`, memberId: 'ana', hours: '1', at: `2026-03-${day}T02:00:00Z` })
    }
    const first = await t.community.disclosure({ tenantId: t.tenantId, limit: 2 })
    expect(first.records.map((r) => r.date)).toEqual(['2026-03-04', '2026-03-03'])
    const rest = await t.community.disclosure({ tenantId: t.tenantId, limit: 2, cursor: first.nextCursor as string })
    expect(rest.records.map((r) => r.date)).toEqual(['2026-03-02'])
    expect(rest.nextCursor).toBeNull()
  })

  it('shows no id a client chose: not the member ids that name check-out records, not in the cursor either', async () => {
    const t = await fresh({ start: '2026-03-02T00:30:00Z' })
    await grids(t, [['root']])
    const people = [
      ['phone13812341234', '张小明'],
      ['phone13912345678', '李小红'],
      ['phone13712340000', '王小刚'],
    ] as const
    for (const [id, name] of people) {
      await t.community.registerMember({ tenantId: t.tenantId, id, name, gridId: 'root', approve: true, actor: 'key_staff' })
    }
    const startsAt = new Date('2026-03-02T01:00:00Z')
    await t.community.createActivity({
      tenantId: t.tenantId,
      id: 'clean-0302',
      title: '春季大扫除',
      kind: 'clean-up',
      place: '3号楼',
      gridId: 'root',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3 * 3_600_000),
      capacity: 20,
      maxHours: '2',
      actor: 'key_staff',
    })
    const base = { tenantId: t.tenantId, activityId: 'clean-0302', actor: 'key_staff' }
    for (const [memberId] of people) await t.community.signUp({ ...base, memberId })
    t.clock.set('2026-03-02T01:05:00Z')
    for (const [memberId] of people) await t.community.checkIn({ ...base, memberId })
    t.clock.set('2026-03-02T02:45:00Z')
    const recordIds: string[] = []
    for (const [memberId] of people) recordIds.push((await t.community.checkOut({ ...base, memberId })).record.id)
    expect(recordIds[0]).toBe('att:clean-0302:phone13812341234')
    // One approval: the three records are credited at the same instant, and page by an opaque tie-breaker.
    const decisions = await t.community.approve({ tenantId: t.tenantId, recordIds, actor: 'key_approver' })
    expect(decisions.every((d) => d.ok)).toBe(true)
    t.clock.set('2026-03-03T00:00:00Z')

    const all = await t.community.disclosure({ tenantId: t.tenantId })
    expect(all.records.map((r) => r.name).sort()).toEqual(['张*明', '李*红', '王*刚'])
    for (const r of all.records) expect(Object.keys(r).sort()).toEqual(['date', 'hours', 'name', 'points', 'title'])
    const pages = [await t.community.disclosure({ tenantId: t.tenantId, limit: 1 })]
    while (pages.at(-1)?.nextCursor) {
      pages.push(await t.community.disclosure({ tenantId: t.tenantId, limit: 1, cursor: pages.at(-1)?.nextCursor as string }))
    }
    expect(pages.flatMap((p) => p.records)).toEqual(all.records)
    expect(pages.map((p) => p.nextCursor).filter((c) => c !== null)).toHaveLength(2)

    // Erased, a member shows their pseudonym, nothing else.
    await t.community.eraseMember({ tenantId: t.tenantId, memberId: 'phone13712340000', actor: 'key_admin' })
    const after = await t.community.disclosure({ tenantId: t.tenantId })
    expect(after.records.map((r) => r.name)).toContain(
      (await t.community.getMember({ tenantId: t.tenantId, memberId: 'phone13712340000' })).pseudonym,
    )

    const text = JSON.stringify([all, pages, after])
    for (const secret of [...people.flat(), ...recordIds, 'phone', '1381234', 'att:']) expect(text, secret).not.toContain(secret)
  })
})
