import { PGlite } from '@electric-sql/pglite'
import type { LedgerDatabase } from '@timebank/ledger'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.js'
import { maskedWish } from './view.js'
import { type WishSetting, wishSettingOn } from './test-fixtures.js'

let client: PGlite
let db: LedgerDatabase
let t: WishSetting
beforeAll(async () => {
  client = new PGlite()
  db = drizzle(client) as unknown as LedgerDatabase
  await migrate(db)
})
afterAll(() => client.close())
beforeEach(async () => {
  t = await wishSettingOn(db)
})

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  )

const post = (id: string, over: Record<string, unknown> = {}) =>
  t.community.postWish({
    tenantId: t.tenantId,
    id,
    posterId: 'lili',
    title: '一个新书包',
    description: '孩子开学需要一个书包',
    reward: { points: '20', sponsor: { type: 'pool' } },
    actor: 'key_staff',
    ...over,
  })
const claim = (wishId: string, volunteerId = 'bo') =>
  t.community.claimWish({ tenantId: t.tenantId, wishId, volunteerId, actor: `key_${volunteerId}` })
const fulfil = (wishId: string, volunteerId = 'bo') =>
  t.community.fulfilWish({ tenantId: t.tenantId, wishId, volunteerId, actor: `key_${volunteerId}` })
const confirm = (wishId: string, memberId?: string) =>
  t.community.confirmWish({ tenantId: t.tenantId, wishId, actor: 'key_lili', ...(memberId ? { memberId } : {}) })

describe('posting a wish', () => {
  it('holds the reward from the pool into the escrow, in the poster grid, and replays the same post', async () => {
    const { wish, replayed } = await post('bag')
    expect(replayed).toBe(false)
    expect(wish).toMatchObject({ status: 'published', gridId: 'g1', reward: { points: '20', sponsor: { type: 'pool', id: null } } })
    expect(wish.poster).toMatchObject({ id: 'lili', name: 'Member lili' })
    expect(await t.step('bag', 'hold')).toEqual({ status: 'pending', amount: '20' })
    expect(await t.available('pool')).toBe(980n)
    expect(await t.posted('pool')).toBe(1000n)
    const again = await post('bag')
    expect(again.replayed).toBe(true)
    expect(await t.available('pool')).toBe(980n)
  })

  it('refuses another wish under the same id, and changes nothing', async () => {
    await post('bag')
    expect(await code(post('bag', { title: 'another' }))).toBe('WISH_EXISTS')
    expect(await t.available('pool')).toBe(980n)
  })

  it('holds from an organisation sponsor, and refuses an unknown one', async () => {
    await post('repair', { reward: { points: '30', sponsor: { type: 'organisation', id: 'acme' } } })
    expect(await t.available('org:acme')).toBe(470n)
    expect(await code(post('x', { reward: { points: '1', sponsor: { type: 'organisation', id: 'nobody' } } }))).toBe(
      'ORGANISATION_NOT_FOUND',
    )
  })

  it('refuses fractional points rather than rounding them, and a deadline in the past', async () => {
    expect(await code(post('half', { reward: { points: '1.5', sponsor: { type: 'pool' } } }))).toBe('VALIDATION')
    expect(await code(post('late', { deadline: new Date(t.clock.now.getTime() - 1) }))).toBe('VALIDATION')
    expect(await t.available('pool')).toBe(1000n)
  })

  it('leaves the wish refused when the sponsor lacks the points, and posting it again once funded publishes it', async () => {
    expect(await code(post('big', { reward: { points: '2000', sponsor: { type: 'pool' } } }))).toBe('INSUFFICIENT_FUNDS')
    expect((await t.community.getWish({ tenantId: t.tenantId, wishId: 'big' })).status).toBe('refused')
    expect(await t.step('big', 'hold')).toBeNull()
    await t.ledger.earn({
      tenantId: t.tenantId,
      id: 'top-up',
      to: 'pool:POINT',
      amount: '1000',
      evidence: { activity: 'x', reviewer: 'y' },
    })
    const { wish, replayed } = await post('big', { reward: { points: '2000', sponsor: { type: 'pool' } } })
    expect({ status: wish.status, replayed }).toEqual({ status: 'published', replayed: false })
  })

  it('posts without a reward, touching no ledger account', async () => {
    const { wish } = await post('chat', { reward: undefined })
    expect(wish.reward).toBeNull()
    expect(await t.step('chat', 'hold')).toBeNull()
  })
})

describe('the life of a wish', () => {
  it('claimed, fulfilled and confirmed pays the volunteer the reward exactly once', async () => {
    await post('bag')
    expect((await claim('bag')).status).toBe('claimed')
    expect((await fulfil('bag')).status).toBe('fulfilled')
    const done = await confirm('bag', 'lili')
    expect(done.status).toBe('confirmed')
    expect(await t.posted('bo')).toBe(20n)
    expect(await t.posted('pool')).toBe(980n)
    expect(await t.posted('escrow')).toBe(0n)
    expect(await t.step('bag', 'hold')).toMatchObject({ status: 'posted' })
    // Confirming again answers as it is: nothing paid twice.
    expect((await confirm('bag')).status).toBe('confirmed')
    expect(await t.posted('bo')).toBe(20n)
    expect(await t.community.reconcileWishes({ tenantId: t.tenantId })).toEqual([])
  })

  it('cancelling voids the hold; cancelling again answers as it is', async () => {
    await post('bag')
    await claim('bag')
    expect((await t.community.cancelWish({ tenantId: t.tenantId, wishId: 'bag', actor: 'k', memberId: 'lili' })).status).toBe('cancelled')
    expect(await t.step('bag', 'hold')).toMatchObject({ status: 'voided' })
    expect(await t.available('pool')).toBe(1000n)
    expect((await t.community.cancelWish({ tenantId: t.tenantId, wishId: 'bag', actor: 'k' })).status).toBe('cancelled')
    expect(await code(confirm('bag'))).toBe('INVALID_TRANSITION')
  })

  it('a released claim goes back to published with the hold kept, for another volunteer to claim', async () => {
    await post('bag')
    await claim('bag')
    expect(await code(t.community.releaseWish({ tenantId: t.tenantId, wishId: 'bag', actor: 'k', memberId: 'chen' }))).toBe(
      'WISH_NOT_CLAIMANT',
    )
    const released = await t.community.releaseWish({ tenantId: t.tenantId, wishId: 'bag', actor: 'k', memberId: 'bo' })
    expect(released).toMatchObject({ status: 'published', claimant: null })
    expect(await t.step('bag', 'hold')).toMatchObject({ status: 'pending' })
    expect((await claim('bag', 'chen')).claimant?.id).toBe('chen')
  })

  it('refuses the poster claiming their own wish, a second volunteer, and a volunteer confirming', async () => {
    await post('bag')
    expect(await code(claim('bag', 'lili'))).toBe('WISH_OWN')
    await claim('bag')
    expect((await claim('bag')).status).toBe('claimed')
    expect(await code(claim('bag', 'chen'))).toBe('WISH_ALREADY_CLAIMED')
    expect(await code(fulfil('bag', 'chen'))).toBe('WISH_NOT_CLAIMANT')
    await fulfil('bag')
    expect(await code(confirm('bag', 'bo'))).toBe('WISH_NOT_POSTER')
    expect(await t.posted('bo')).toBe(0n)
  })

  it('refuses to confirm what was not fulfilled', async () => {
    await post('bag')
    await claim('bag')
    expect(await code(confirm('bag'))).toBe('INVALID_TRANSITION')
  })

  it('a confirmation the ledger refuses puts the wish back to fulfilled, holding the reward still', async () => {
    await post('bag')
    await claim('bag')
    await fulfil('bag')
    await t.ledger.setAccountStatus({ tenantId: t.tenantId, accountId: 'member:bo:POINT', status: 'frozen' })
    expect(await code(confirm('bag'))).toBe('ACCOUNT_FROZEN')
    expect((await t.community.getWish({ tenantId: t.tenantId, wishId: 'bag' })).status).toBe('fulfilled')
    expect(await t.step('bag', 'hold')).toMatchObject({ status: 'pending' })
    await t.ledger.setAccountStatus({ tenantId: t.tenantId, accountId: 'member:bo:POINT', status: 'open' })
    expect((await confirm('bag')).status).toBe('confirmed')
    expect(await t.posted('bo')).toBe(20n)
  })
})

describe('the points cap', () => {
  const policy = (limit: string) =>
    t.community.changePolicy({ tenantId: t.tenantId, policy: { storageCap: { POINT: { limit, excess: 'donate' } } }, actor: 'key_admin' })
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: { code?: string; details?: unknown }) => ({ code: e.code, details: e.details }),
    )
  const status = async (wishId: string) => (await t.community.getWish({ tenantId: t.tenantId, wishId })).status

  it('refuses a confirmation whose reward would take the volunteer over the cap, naming the rule, before anything moves', async () => {
    await post('bag')
    await claim('bag')
    await fulfil('bag')
    // The cap lowered after the claim: a reward is paid whole, never split to the pool (only an approval splits).
    const version = await policy('10')
    expect(await failure(confirm('bag'))).toEqual({
      code: 'POLICY_VIOLATION',
      details: { rule: 'storageCap', policyVersion: version.version, asset: 'POINT', limit: '10' },
    })
    expect(await status('bag')).toBe('fulfilled')
    expect([await t.step('bag', 'hold'), await t.step('bag', 'settle'), await t.step('bag', 'reward')]).toEqual([
      { status: 'pending', amount: '20' },
      null,
      null,
    ])
    expect(await t.community.reconcileWishes({ tenantId: t.tenantId })).toEqual([])
    // With room again, the same confirmation pays it.
    await policy('20')
    expect((await confirm('bag')).status).toBe('confirmed')
    expect(await t.posted('bo')).toBe(20n)
  })

  it('refuses a claim by a volunteer with no room for the reward; one with room, or a wish without a reward, may be claimed', async () => {
    await t.ledger.earn({
      tenantId: t.tenantId,
      id: 'seed-bo',
      to: 'member:bo:POINT',
      amount: '8',
      evidence: { activity: 'x', reviewer: 'y' },
    })
    const version = await policy('10')
    await post('pen', { reward: { points: '5', sponsor: { type: 'pool' } } })
    expect(await failure(claim('pen', 'bo'))).toMatchObject({
      code: 'POLICY_VIOLATION',
      details: { rule: 'storageCap', policyVersion: version.version, asset: 'POINT' },
    })
    expect(await t.community.getWish({ tenantId: t.tenantId, wishId: 'pen' })).toMatchObject({ status: 'published', claimant: null })
    expect((await claim('pen', 'chen')).status).toBe('claimed')
    await post('walk', { reward: undefined })
    expect((await claim('walk', 'bo')).status).toBe('claimed')
  })

  it('finishes a confirmation a crash left after paying the reward, though the reward now fills the cap', async () => {
    await post('bag')
    await claim('bag')
    await fulfil('bag')
    await policy('20')
    await db.execute(
      sql`update cm_wishes set status = 'confirming', resume_status = 'fulfilled' where tenant_id = ${t.tenantId} and id = 'bag'`,
    )
    await t.ledger.batch({
      tenantId: t.tenantId,
      operations: [
        { type: 'post', id: 'wish:bag:settle', pendingId: 'wish:bag:hold', metadata: { wishId: 'bag' } },
        {
          type: 'transfer',
          id: 'wish:bag:reward',
          from: 'escrow:wishes:POINT',
          to: 'member:bo:POINT',
          amount: '20',
          memo: 'reward of wish bag',
          metadata: { wishId: 'bag' },
        },
      ],
    })
    expect((await confirm('bag')).status).toBe('confirmed')
    expect(await t.posted('bo')).toBe(20n)
    expect(await t.community.reconcileWishes({ tenantId: t.tenantId })).toEqual([])
  })
})

describe('deadlines', () => {
  it('past the deadline a wish cannot be claimed; expireWishes voids its hold once, and again does nothing', async () => {
    await post('soon', { deadline: new Date(t.clock.now.getTime() + 3_600_000) })
    await post('later', { deadline: new Date(t.clock.now.getTime() + 7_200_000) })
    await claim('soon')
    t.clock.advance(3_600_000)
    expect(await code(claim('later', 'chen'))).toBe('ok')
    expect(await code(fulfil('soon'))).toBe('WISH_PAST_DEADLINE')
    expect(await t.community.expireWishes({ tenantId: t.tenantId, actor: 'sweep' })).toEqual({ expired: 1, refused: 0 })
    expect(await t.community.expireWishes({ tenantId: t.tenantId, actor: 'sweep' })).toEqual({ expired: 0, refused: 0 })
    expect(await t.step('soon', 'hold')).toMatchObject({ status: 'voided' })
    expect(await t.step('later', 'hold')).toMatchObject({ status: 'pending' })
    expect(await t.available('pool')).toBe(980n)
  })

  it("the ledger's own expiry sweep never releases a wish's hold", async () => {
    await post('far', { deadline: new Date(t.clock.now.getTime() + 30 * 86_400_000) })
    t.clock.advance(400 * 86_400_000)
    await t.ledger.expirePending({ tenantId: t.tenantId })
    expect(await t.step('far', 'hold')).toMatchObject({ status: 'pending' })
    expect(await t.community.expireWishes({ tenantId: t.tenantId, actor: 'sweep' })).toEqual({ expired: 1, refused: 0 })
    expect(await t.community.reconcileWishes({ tenantId: t.tenantId })).toEqual([])
  })
})

describe('lists and counts', () => {
  it('lists by status and grid subtree, newest first, a page at a time', async () => {
    for (const id of ['w1', 'w2', 'w3']) {
      await post(id)
      t.clock.advance(1000)
    }
    await post('w4', { posterId: 'mei', gridId: 'g2' })
    await claim('w2')
    const first = await t.community.listWishes({ tenantId: t.tenantId, status: 'published', gridPath: 'root/g1/', limit: 1 })
    expect(first.wishes.map((w) => w.id)).toEqual(['w3'])
    const second = await t.community.listWishes({
      tenantId: t.tenantId,
      status: 'published',
      gridPath: 'root/g1/',
      limit: 5,
      cursor: first.nextCursor as string,
    })
    expect(second).toMatchObject({ wishes: [{ id: 'w1' }], nextCursor: null })
    expect((await t.community.listWishes({ tenantId: t.tenantId, gridPath: 'root/g2/' })).wishes.map((w) => w.id)).toEqual(['w4'])
  })

  it('counts wishes posted, claimed and fulfilled in a month of the community time zone, a re-claim once', async () => {
    // 2026-03-31T17:00Z is already April in Shanghai.
    t.clock.set('2026-03-31T15:00:00Z')
    await post('march')
    t.clock.set('2026-03-31T17:00:00Z')
    await post('april')
    await claim('march')
    await t.community.releaseWish({ tenantId: t.tenantId, wishId: 'march', actor: 'k' })
    await claim('march', 'chen')
    await fulfil('march', 'chen')
    const march = await t.community.wishCounts({ tenantId: t.tenantId, period: '2026-03' })
    const april = await t.community.wishCounts({ tenantId: t.tenantId, period: '2026-04' })
    expect(march).toMatchObject({ posted: 1, claimed: 0, fulfilled: 0 })
    expect(april).toMatchObject({ posted: 1, claimed: 1, fulfilled: 1, confirmed: 0 })
    expect(await t.community.wishCounts({ tenantId: t.tenantId, period: '2026-Q1', gridPath: 'root/g2/' })).toMatchObject({ posted: 0 })
  })

  it('masks the poster and volunteer for other members', async () => {
    const { wish } = await post('bag')
    const shown = maskedWish({ ...wish, poster: { ...wish.poster, name: '张小明', phone: '13812341234' } })
    expect(shown.poster).toMatchObject({ name: '张*明', phone: '138****1234' })
  })
})

describe('healing', () => {
  it('a crash between the ledger step and the mark heals by running again', async () => {
    await post('bag')
    await claim('bag')
    await fulfil('bag')
    // The confirmation claimed and its batch posted, then the process stopped before the mark.
    await db.execute(
      sql`update cm_wishes set status = 'confirming', resume_status = 'fulfilled' where tenant_id = ${t.tenantId} and id = 'bag'`,
    )
    await t.ledger.batch({
      tenantId: t.tenantId,
      operations: [
        { type: 'post', id: 'wish:bag:settle', pendingId: 'wish:bag:hold', metadata: { wishId: 'bag' } },
        {
          type: 'transfer',
          id: 'wish:bag:reward',
          from: 'escrow:wishes:POINT',
          to: 'member:bo:POINT',
          amount: '20',
          memo: 'reward of wish bag',
          metadata: { wishId: 'bag' },
        },
      ],
    })
    expect((await t.community.reconcileWishes({ tenantId: t.tenantId })).map((p) => p.kind)).toEqual(['unfinished'])
    expect(await t.community.healWishes({ tenantId: t.tenantId, actor: 'heal' })).toEqual({ finished: 1, refused: 0 })
    expect((await t.community.getWish({ tenantId: t.tenantId, wishId: 'bag' })).status).toBe('confirmed')
    expect(await t.posted('bo')).toBe(20n)
    expect(await t.community.reconcileWishes({ tenantId: t.tenantId })).toEqual([])
  })

  it('names a wish whose hold the ledger resolved behind its back', async () => {
    await post('bag')
    await t.ledger.void({ tenantId: t.tenantId, id: 'rogue', pendingId: 'wish:bag:hold' })
    expect(await t.community.reconcileWishes({ tenantId: t.tenantId })).toMatchObject([
      { wishId: 'bag', kind: 'hold-state', transferId: 'wish:bag:hold' },
    ])
  })
})
