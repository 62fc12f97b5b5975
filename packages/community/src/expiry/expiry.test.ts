import { describe, expect, it } from 'vitest'
import { isCommunityError } from '../domain/errors.js'
import { communityPerTest } from '../recognition/fixtures.js'
import { activeMembers } from '../testing/members.js'
import type { TestCommunity } from '../testing/pglite.js'

const fresh = communityPerTest()
type T = Omit<TestCommunity, 'close'>

const YEARLY = { months: 12 }
const account = (memberId: string) => `member:${memberId}:POINT`

/** Points credited to a member at an instant (as an approval would, straight through the ledger). */
async function earn(t: T, memberId: string, id: string, amount: string, at: string) {
  t.clock.set(at)
  await t.ledger.earn({
    tenantId: t.tenantId,
    id,
    to: account(memberId),
    amount,
    evidence: { activity: 'clean-up', reviewer: 'staff' },
  })
}

/** Points a member gives to the community pool at an instant. */
async function spend(t: T, memberId: string, id: string, amount: string, at: string) {
  t.clock.set(at)
  await t.ledger.transfer({ tenantId: t.tenantId, id, from: account(memberId), to: 'pool:POINT', amount })
}

const posted = async (t: T, accountId: string, at?: Date) =>
  (await t.ledger.getBalance({ tenantId: t.tenantId, accountId, ...(at ? { at } : {}) })).posted

async function run(t: T, at: string) {
  t.clock.set(at)
  return t.community.expiryRun({ tenantId: t.tenantId, rule: YEARLY })
}

/** Ana: 10 points on 10 January 2026, 10 on 10 June, 4 spent on 1 July (from January's). */
async function ana(t: T) {
  await activeMembers(t, ['ana'])
  await earn(t, 'ana', 'e1', '10', '2026-01-10T02:00:00Z')
  await earn(t, 'ana', 'e2', '10', '2026-06-10T02:00:00Z')
  await spend(t, 'ana', 's1', '4', '2026-07-01T02:00:00Z')
}

describe('points expiry run', () => {
  it("expires what is left of a year-old day's points into the community's breakage account, once", async () => {
    const t = await fresh({ start: '2026-01-01T00:00:00Z' })
    await ana(t)
    await activeMembers(t, ['ben'])

    // Due at the end of 10 January 2027 in Shanghai (16:00 UTC): not yet a minute before.
    expect((await run(t, '2027-01-10T15:59:00Z')).expirations).toBe(0)
    const first = await run(t, '2027-01-11T00:00:00Z')
    expect(first).toMatchObject({ members: 2, expiredMembers: 1, expirations: 1, amount: '6', heldMembers: 0, failed: [] })
    expect(await posted(t, account('ana'))).toBe('10')
    expect(await posted(t, 'expired:POINT')).toBe('6')
    const transfer = await t.ledger.getTransfer({ tenantId: t.tenantId, transferId: 'expire:ana:2026-01-11' })
    expect(transfer).toMatchObject({ type: 'redeem', from: account('ana'), to: 'expired:POINT', amount: '6' })

    const again = await run(t, '2027-01-11T00:00:00Z')
    expect(again).toMatchObject({ expiredMembers: 0, expirations: 0, amount: '0' })
    expect(await run(t, '2027-02-01T00:00:00Z')).toMatchObject({ expirations: 0 })
    expect([await posted(t, account('ana')), await posted(t, 'expired:POINT')]).toEqual(['10', '6'])
  })

  it('keeps balances as of any instant right: unchanged before the run, less the expiry after it', async () => {
    const t = await fresh({ start: '2026-01-01T00:00:00Z' })
    await ana(t)
    await run(t, '2027-01-20T00:00:00Z')
    const runAt = new Date('2027-01-20T00:00:00Z')
    // The run was late: the points were there until it posted.
    expect(await posted(t, account('ana'), new Date('2027-01-15T00:00:00Z'))).toBe('16')
    expect(await posted(t, account('ana'), new Date(runAt.getTime() - 1))).toBe('16')
    expect(await posted(t, account('ana'), runAt)).toBe('10')
    expect(await posted(t, 'expired:POINT', new Date(runAt.getTime() - 1))).toBe('0')
  })

  it('posts late what an on-time run would have, to the same ids and balances', async () => {
    const onTime = await fresh({ start: '2026-01-01T00:00:00Z' })
    const late = await fresh({ start: '2026-01-01T00:00:00Z' })
    for (const t of [onTime, late]) await ana(t)
    await run(onTime, '2027-01-11T00:00:00Z')
    for (const t of [onTime, late]) {
      // After the due instant: 3 more earned, 8 spent (covered by what the on-time run left).
      await earn(t, 'ana', 'e3', '3', '2027-02-01T02:00:00Z')
      await spend(t, 'ana', 's2', '8', '2027-03-01T02:00:00Z')
    }
    const caughtUp = await run(late, '2027-04-01T00:00:00Z')
    expect(caughtUp).toMatchObject({ expirations: 1, amount: '6' })
    for (const t of [onTime, late]) await run(t, '2027-07-01T00:00:00Z')
    const book = async (t: T) => ({
      ana: await posted(t, account('ana')),
      expired: await posted(t, 'expired:POINT'),
      ids: (await t.ledger.getHistory({ tenantId: t.tenantId, accountId: 'expired:POINT' })).entries
        .map((e) => [e.transferId, e.amount])
        .reverse(),
    })
    expect(await book(late)).toEqual(await book(onTime))
    // 16 − 6 + 3 − 8, then June's group: 20 credited before it, 12 spent and 6 expired before it fell due.
    expect(await book(late)).toEqual({
      ana: '3',
      expired: '8',
      ids: [
        ['expire:ana:2026-01-11', '6'],
        ['expire:ana:2026-06-11', '2'],
      ],
    })
  })

  it('forgives points a member spent after they fell due and before a late run, and never takes points earned since', async () => {
    const t = await fresh({ start: '2026-01-01T00:00:00Z' })
    await ana(t)
    // 16 held at the due instant, 6 of them due; 14 spent before any run, then 5 earned.
    await spend(t, 'ana', 's2', '14', '2027-02-01T02:00:00Z')
    await earn(t, 'ana', 'e3', '5', '2027-03-01T02:00:00Z')
    expect(await run(t, '2027-03-02T00:00:00Z')).toMatchObject({ expirations: 1, amount: '2' })
    expect(await posted(t, account('ana'))).toBe('5')
    // June's group: all of it was spent first in first out, so nothing more goes when it falls due.
    expect(await run(t, '2027-06-11T00:00:00Z')).toMatchObject({ expirations: 0 })
    expect(await posted(t, account('ana'))).toBe('5')
  })

  it('lets due points wait for an open hold, and expires them once it is released', async () => {
    const t = await fresh({ start: '2026-01-01T00:00:00Z' })
    await ana(t)
    await t.ledger.openAccount({
      tenantId: t.tenantId,
      id: 'shop:POINT',
      asset: 'POINT',
      owner: { type: 'system', id: 'shop' },
      kind: 'redemption',
    })
    t.clock.set('2027-01-05T00:00:00Z')
    await t.ledger.redeem({
      tenantId: t.tenantId,
      id: 'r1',
      from: account('ana'),
      to: 'shop:POINT',
      amount: '12',
      item: { ref: 'rice' },
      pending: true,
    })
    expect(await run(t, '2027-01-11T00:00:00Z')).toMatchObject({ expirations: 0, heldMembers: 1 })
    const shown = await t.community.expiringPoints({ tenantId: t.tenantId, memberId: 'ana', rule: YEARLY })
    expect(shown.expiring[0]).toMatchObject({ amount: '6', overdue: true, held: true })
    expect(await posted(t, account('ana'))).toBe('16')

    t.clock.set('2027-01-12T00:00:00Z')
    await t.ledger.void({ tenantId: t.tenantId, id: 'r1:void', pendingId: 'r1' })
    expect(await run(t, '2027-01-13T00:00:00Z')).toMatchObject({ expirations: 1, amount: '6', heldMembers: 0 })
  })

  it('lists a member the ledger refuses (a frozen account) and expires the others', async () => {
    const t = await fresh({ start: '2026-01-01T00:00:00Z' })
    await ana(t)
    await activeMembers(t, ['ben'])
    await earn(t, 'ben', 'b1', '7', '2026-01-10T02:00:00Z')
    await t.ledger.setAccountStatus({ tenantId: t.tenantId, accountId: account('ben'), status: 'frozen' })
    const result = await run(t, '2027-01-11T00:00:00Z')
    expect(result).toMatchObject({ members: 2, expiredMembers: 1, amount: '6', failed: [{ memberId: 'ben', code: 'ACCOUNT_FROZEN' }] })
    await t.ledger.setAccountStatus({ tenantId: t.tenantId, accountId: account('ben'), status: 'open' })
    expect(await run(t, '2027-01-12T00:00:00Z')).toMatchObject({ expiredMembers: 1, amount: '7', failed: [] })
  })

  it('expires by the policy in force when no rule is named, and nothing when the policy lets points carry over', async () => {
    const t = await fresh({ start: '2026-01-01T00:00:00Z' })
    await ana(t)
    t.clock.set('2027-01-11T00:00:00Z')
    const none = await t.community.expiryRun({ tenantId: t.tenantId })
    expect(none).toMatchObject({ rule: null, members: 0, expirations: 0, amount: '0' })
    expect((await t.community.expiringPoints({ tenantId: t.tenantId, memberId: 'ana' })).expiring).toEqual([])
    await t.community.changePolicy({ tenantId: t.tenantId, policy: { pointsExpiry: { months: 12 } }, actor: 'key_admin' })
    expect((await t.community.expiringPoints({ tenantId: t.tenantId, memberId: 'ana' })).total).toBe('16')
    const byPolicy = await t.community.expiryRun({ tenantId: t.tenantId })
    expect(byPolicy).toMatchObject({ rule: { months: 12, group: 'day' }, expirations: 1, amount: '6' })
    expect(await posted(t, 'expired:POINT')).toBe('6')
  })

  it('refuses an as-of instant in the future, a bad rule, and a community not set up', async () => {
    const t = await fresh({ start: '2026-01-01T00:00:00Z' })
    const refusals = [
      t.community.expiryRun({ tenantId: t.tenantId, rule: YEARLY, asOf: '2026-02-01T00:00:00Z' }),
      t.community.expiryRun({ tenantId: t.tenantId, rule: { months: 0 } }),
      t.community.expiryRun({ tenantId: 'nobody', rule: YEARLY }),
    ]
    const codes = await Promise.all(
      refusals.map((p) =>
        p.then(
          () => 'ok',
          (e) => (isCommunityError(e) ? e.code : String(e)),
        ),
      ),
    )
    expect(codes).toEqual(['VALIDATION', 'VALIDATION', 'COMMUNITY_NOT_FOUND'])
  })
})

describe('expiring points', () => {
  it('lists what expires when, soonest first, and less of the soonest after spending', async () => {
    const t = await fresh({ start: '2026-01-01T00:00:00Z' })
    await ana(t)
    t.clock.set('2026-08-01T00:00:00Z')
    const shown = await t.community.expiringPoints({ tenantId: t.tenantId, memberId: 'ana', rule: YEARLY })
    expect(shown).toMatchObject({ accountId: account('ana'), available: '16', total: '16' })
    expect(shown.expiring.map((g) => [g.expiresAt.toISOString(), g.amount, g.overdue])).toEqual([
      ['2027-01-10T16:00:00.000Z', '6', false],
      ['2027-06-10T16:00:00.000Z', '10', false],
    ])
    await spend(t, 'ana', 's2', '7', '2026-08-02T00:00:00Z')
    const after = await t.community.expiringPoints({ tenantId: t.tenantId, memberId: 'ana', rule: { months: 12, group: 'year' } })
    // Calendar years: all of 2026's points expire at the end of 2027.
    expect(after.expiring.map((g) => [g.cutoff, g.expiresAt.toISOString(), g.amount])).toEqual([
      ['2027-01-01', '2027-12-31T16:00:00.000Z', '9'],
    ])
  })
})
