import type { Ledger } from '@timebank/ledger'
import { describe, expect, it } from 'vitest'
import { createContext } from '../context.js'
import { isCommunityError } from '../domain/errors.js'
import { communityPerTest, member, reversed, served } from './fixtures.js'
import { statement } from './statement.js'

const fresh = communityPerTest()

const sum = (amounts: string[]) => amounts.reduce((s, a) => s + Math.round(Number(a) * 100), 0)
const cents = (a: string) => Math.round(Number(a) * 100)

describe('member statement', () => {
  it("adds up from the opening balance through the period's entries to the closing one, as the ledger holds them", async () => {
    const t = await fresh({ start: '2026-02-01T00:00:00Z' })
    await member(t, 'ana')
    await served(t, { id: 'feb', memberId: 'ana', hours: '2', at: '2026-02-10T02:00:00Z' })
    // Local midnight of 1 March in Shanghai, to the millisecond: March's first entry, not February's last.
    await served(t, { id: 'm1', memberId: 'ana', hours: '1.5', at: '2026-02-28T16:00:00Z' })
    await served(t, { id: 'm2', memberId: 'ana', hours: '3', role: 'leader', at: '2026-03-12T02:00:00Z' })
    await reversed(t, 'm2', '2026-03-20T02:00:00Z')
    // Local midnight of 1 April: April's.
    await served(t, { id: 'apr', memberId: 'ana', hours: '1', at: '2026-03-31T16:00:00Z' })

    const march = await t.community.statement({ tenantId: t.tenantId, memberId: 'ana', period: '2026-03', asset: 'HOUR' })
    expect(march).toMatchObject({ accountId: 'member:ana:HOUR', opening: '2.00', closing: '3.50', closingAt: march.to })
    expect(march.entries.map((e) => [e.amount, e.type])).toEqual([
      ['1.50', 'earn'],
      ['3.00', 'earn'],
      ['-3.00', 'reverse'],
    ])
    expect(cents(march.opening) + sum(march.entries.map((e) => e.amount))).toBe(cents(march.closing))
    const ledgerAt = async (at: Date) =>
      (await t.ledger.getBalance({ tenantId: t.tenantId, accountId: 'member:ana:HOUR', at: new Date(at.getTime() - 1) })).posted
    expect(await ledgerAt(march.from)).toBe(march.opening)
    expect(await ledgerAt(march.to)).toBe(march.closing)

    const points = await t.community.statement({ tenantId: t.tenantId, memberId: 'ana', period: '2026-03', asset: 'POINT' })
    // 1.5 h → 2 points; 3 h as leader → 4 points, reversed.
    expect([points.opening, points.entries.map((e) => e.amount), points.closing]).toEqual(['2', ['2', '4', '-4'], '4'])
    const lifetime = await t.community.statement({ tenantId: t.tenantId, memberId: 'ana', period: '2026-Q1', asset: 'LIFETIME_HOUR' })
    expect([lifetime.opening, lifetime.closing, lifetime.entries.length]).toEqual(['0.00', '3.50', 4])
  })

  it('closes a running period at the balance now', async () => {
    const t = await fresh({ start: '2026-03-01T00:00:00Z' })
    await member(t, 'ana')
    await served(t, { id: 'm1', memberId: 'ana', hours: '2', at: '2026-03-02T02:00:00Z' })
    await served(t, { id: 'm2', memberId: 'ana', hours: '0.25', at: '2026-03-03T02:00:00Z' })
    const s = await t.community.statement({ tenantId: t.tenantId, memberId: 'ana', period: '2026', asset: 'HOUR' })
    expect([s.opening, s.entries.length, s.closing]).toEqual(['0.00', 2, '2.25'])
    expect(s.closingAt).toEqual(t.clock.now)
    expect(s.closing).toBe((await t.ledger.getBalance({ tenantId: t.tenantId, accountId: 'member:ana:HOUR' })).posted)
  })

  it('throws when the ledger entries do not add up to its balances', async () => {
    const t = await fresh({ start: '2026-03-01T00:00:00Z' })
    await member(t, 'ana')
    await served(t, { id: 'm1', memberId: 'ana', hours: '2', at: '2026-03-02T02:00:00Z' })
    // A ledger whose history loses an entry: the statement says so instead of answering.
    const lossy: Ledger = {
      ...t.ledger,
      getHistory: async (input) => {
        const page = await t.ledger.getHistory(input)
        return { ...page, entries: page.entries.slice(1) }
      },
    }
    const ctx = createContext({ db: t.db, ledger: lossy, clock: () => t.clock.now })
    await expect(statement(ctx, { tenantId: t.tenantId, memberId: 'ana', period: '2026-03' })).rejects.toThrow(/does not add up/)
  })

  it('refuses an unknown member', async () => {
    const t = await fresh()
    await expect(t.community.statement({ tenantId: t.tenantId, memberId: 'ghost', period: '2026-03' })).rejects.toSatisfy(
      (e) => isCommunityError(e) && e.code === 'MEMBER_NOT_FOUND',
    )
  })
})
