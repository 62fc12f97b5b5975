import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { redemptionHold } from '../domain/redemption.js'
import { activeMembers, posted } from '../testing/members.js'
import { type TestCommunity, pgliteCommunity } from '../testing/pglite.js'
import { givePoints, stockedReward, uid } from './test-fixtures.js'

let t: TestCommunity

beforeAll(async () => {
  t = await pgliteCommunity({ start: '2026-03-10T02:00:00Z' })
  await activeMembers(t, ['ana', 'bo', 'carl'])
  await givePoints(t, 'ana', '1000')
  await givePoints(t, 'bo', '1000')
})
afterAll(() => t.close())

const stock = async (rewardId: string) => (await t.community.stockReport({ tenantId: t.tenantId, rewardId })).rewards[0]
const available = async (memberId: string) =>
  (await t.ledger.getBalance({ tenantId: t.tenantId, accountId: `member:${memberId}:POINT` })).available

describe('redeem', () => {
  it('holds the points and the units together until handed over, then the books match the rows', async () => {
    const rewardId = await stockedReward(t, { price: '30', units: '5' })
    const id = uid('rd')
    const before = await posted(t, 'ana', 'POINT')
    const { redemption } = await t.community.redeem({ tenantId: t.tenantId, id, rewardId, memberId: 'ana', quantity: '2', actor: 'ana' })
    expect(redemption).toMatchObject({ status: 'reserved', price: '30', points: '60', quantity: '2' })
    expect(await stock(rewardId)).toMatchObject({ onShelf: '3', reserved: '2', handedOut: '0', pointsReserved: '60', matches: true })
    expect(await available('ana')).toBe((BigInt(before) - 60n).toString())

    const handed = await t.community.handOver({ tenantId: t.tenantId, redemptionId: id, actor: 'staff' })
    expect(handed).toMatchObject({ status: 'handed_over', decidedBy: 'staff' })
    expect(await posted(t, 'ana', 'POINT')).toBe((BigInt(before) - 60n).toString())
    expect(await stock(rewardId)).toMatchObject({
      onShelf: '3',
      reserved: '0',
      handedOut: '2',
      restocked: '5',
      pointsReceived: '60',
      rows: { handedOut: '2', points: '60' },
      matches: true,
    })
  })

  it('keeps the price a redemption was requested at when the price changes before hand-over', async () => {
    const rewardId = await stockedReward(t, { price: '10', units: '3' })
    const id = uid('rd')
    await t.community.redeem({ tenantId: t.tenantId, id, rewardId, memberId: 'bo', actor: 'bo' })
    await t.community.updateReward({ tenantId: t.tenantId, rewardId, price: '25' })
    await t.community.handOver({ tenantId: t.tenantId, redemptionId: id, actor: 'staff' })
    expect(await stock(rewardId)).toMatchObject({ price: '25', pointsReceived: '10', handedOut: '1', matches: true })
  })

  it('answers a retry with the same redemption and refuses the id for other content', async () => {
    const rewardId = await stockedReward(t, { units: '3' })
    const id = uid('rd')
    const input = { tenantId: t.tenantId, id, rewardId, memberId: 'ana', actor: 'ana' }
    await t.community.redeem(input)
    const again = await t.community.redeem(input)
    expect(again.replayed).toBe(true)
    expect(await stock(rewardId)).toMatchObject({ reserved: '1', onShelf: '2' })
    await expect(t.community.redeem({ ...input, quantity: '2' })).rejects.toMatchObject({ code: 'REDEMPTION_EXISTS' })
  })

  it('refuses more units than are on the shelf as OUT_OF_STOCK, and a retry gets the same answer', async () => {
    const rewardId = await stockedReward(t, { units: '1' })
    const input = { tenantId: t.tenantId, id: uid('rd'), rewardId, memberId: 'ana', quantity: '2', actor: 'ana' }
    await expect(t.community.redeem(input)).rejects.toMatchObject({ code: 'OUT_OF_STOCK', details: { rewardId, available: '1' } })
    await expect(t.community.redeem(input)).rejects.toMatchObject({ code: 'OUT_OF_STOCK' })
    expect(await stock(rewardId)).toMatchObject({ onShelf: '1', reserved: '0', matches: true })
    expect(await t.community.getRedemption(t.tenantId, input.id)).toMatchObject({ status: 'refused' })
  })

  it('refuses a member without enough points with the ledger INSUFFICIENT_FUNDS, holding no units', async () => {
    const rewardId = await stockedReward(t, { price: '50', units: '3' })
    await expect(
      t.community.redeem({ tenantId: t.tenantId, id: uid('rd'), rewardId, memberId: 'carl', actor: 'carl' }),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS', details: { accountId: 'member:carl:POINT' } })
    expect(await stock(rewardId)).toMatchObject({ onShelf: '3', reserved: '0' })
  })

  it('refuses a reward off the catalogue, an unknown reward and bad quantities, writing nothing', async () => {
    const rewardId = await stockedReward(t, { units: '3' })
    await t.community.updateReward({ tenantId: t.tenantId, rewardId, active: false })
    const base = { tenantId: t.tenantId, memberId: 'ana', actor: 'ana' }
    const id = uid('rd')
    await expect(t.community.redeem({ ...base, id, rewardId })).rejects.toMatchObject({ code: 'REWARD_INACTIVE' })
    await expect(t.community.redeem({ ...base, id, rewardId: 'nope' })).rejects.toMatchObject({ code: 'REWARD_NOT_FOUND' })
    for (const quantity of ['0', '1.5', '-1', '101'])
      await expect(t.community.redeem({ ...base, id, rewardId, quantity })).rejects.toMatchObject({ code: 'VALIDATION' })
    await expect(t.community.getRedemption(t.tenantId, id)).rejects.toMatchObject({ code: 'REDEMPTION_NOT_FOUND' })
  })

  it('asks the policy before anything is written or held (lifetime hours, once a quarter), and not again for a retry', async () => {
    const rewardId = await stockedReward(t, { units: '3' })
    const member = uid('mei')
    await activeMembers(t, [member])
    await t.ledger.earn({
      tenantId: t.tenantId,
      id: uid('p'),
      to: `member:${member}:POINT`,
      amount: '100',
      evidence: { activity: 'seed', reviewer: 't' },
    })
    const policy = (p: object) => t.community.changePolicy({ tenantId: t.tenantId, policy: p, actor: 'key_admin' })
    await policy({ minLifetimeHoursToRedeem: '10', redemptionFrequency: { times: 1, per: 'quarter' } })
    try {
      const input = { tenantId: t.tenantId, id: uid('rd'), rewardId, memberId: member, actor: member }
      await expect(t.community.redeem(input)).rejects.toMatchObject({
        code: 'POLICY_VIOLATION',
        details: { rule: 'minLifetimeHoursToRedeem' },
      })
      await expect(t.community.getRedemption(t.tenantId, input.id)).rejects.toMatchObject({ code: 'REDEMPTION_NOT_FOUND' })
      expect(await stock(rewardId)).toMatchObject({ onShelf: '3', reserved: '0' })
      await t.ledger.earn({
        tenantId: t.tenantId,
        id: uid('l'),
        to: `member:${member}:LIFETIME_HOUR`,
        amount: '10',
        evidence: { activity: 'seed', reviewer: 't' },
      })
      await t.community.redeem(input)
      expect((await t.community.redeem(input)).replayed).toBe(true)
      const second = { ...input, id: uid('rd') }
      await expect(t.community.redeem(second)).rejects.toMatchObject({ details: { rule: 'redemptionFrequency', times: 1, per: 'quarter' } })
      // A cancelled redemption does not count.
      await t.community.cancelRedemption({ tenantId: t.tenantId, redemptionId: input.id, actor: member })
      expect((await t.community.redeem(second)).redemption.status).toBe('reserved')
    } finally {
      await policy({})
    }
  })
})

describe('hand-over and cancellation', () => {
  it('cancels by voiding both holds: points back, units back on the shelf', async () => {
    const rewardId = await stockedReward(t, { price: '40', units: '2' })
    const id = uid('rd')
    const before = await available('ana')
    await t.community.redeem({ tenantId: t.tenantId, id, rewardId, memberId: 'ana', actor: 'ana' })
    const cancelled = await t.community.cancelRedemption({
      tenantId: t.tenantId,
      redemptionId: id,
      actor: 'ana',
      reason: 'changed my mind',
    })
    expect(cancelled).toMatchObject({ status: 'cancelled', reason: 'changed my mind', decidedBy: 'ana' })
    expect(await available('ana')).toBe(before)
    expect(await stock(rewardId)).toMatchObject({ onShelf: '2', reserved: '0', pointsReceived: '0', matches: true })
    // Again: answered as it is.
    expect(await t.community.cancelRedemption({ tenantId: t.tenantId, redemptionId: id, actor: 'ana' })).toMatchObject({
      status: 'cancelled',
    })
    await expect(t.community.handOver({ tenantId: t.tenantId, redemptionId: id, actor: 'staff' })).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { status: 'cancelled' },
    })
  })

  it('refuses to cancel what was handed over, and hands over again as a no-op', async () => {
    const rewardId = await stockedReward(t, { units: '2' })
    const id = uid('rd')
    await t.community.redeem({ tenantId: t.tenantId, id, rewardId, memberId: 'bo', actor: 'staff' })
    await t.community.handOver({ tenantId: t.tenantId, redemptionId: id, actor: 'staff' })
    expect(await t.community.handOver({ tenantId: t.tenantId, redemptionId: id, actor: 'staff-2' })).toMatchObject({
      status: 'handed_over',
      decidedBy: 'staff',
    })
    await expect(t.community.cancelRedemption({ tenantId: t.tenantId, redemptionId: id, actor: 'bo' })).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
    })
    await expect(t.community.handOver({ tenantId: t.tenantId, redemptionId: 'missing', actor: 'staff' })).rejects.toMatchObject({
      code: 'REDEMPTION_NOT_FOUND',
    })
  })

  it('settles a hand-over the ledger posted but the row missed (a crash between the two)', async () => {
    const rewardId = await stockedReward(t, { price: '7', units: '2' })
    const id = uid('rd')
    await t.community.redeem({ tenantId: t.tenantId, id, rewardId, memberId: 'ana', actor: 'ana' })
    const { handOverOps } = await import('../domain/redemption.js')
    await t.ledger.batch({ tenantId: t.tenantId, operations: handOverOps(id) })
    expect(await t.community.reconcileRedemptions({ tenantId: t.tenantId })).toContainEqual(
      expect.objectContaining({ redemptionId: id, kind: 'status-differs' }),
    )
    // A cancellation arriving now loses to what the ledger did.
    await expect(t.community.cancelRedemption({ tenantId: t.tenantId, redemptionId: id, actor: 'ana' })).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { status: 'handed_over' },
    })
    expect(await t.community.reconcileRedemptions({ tenantId: t.tenantId })).toEqual([])
  })

  it('finishes a reservation whose row was written but whose hold never ran', async () => {
    const rewardId = await stockedReward(t, { price: '5', units: '2' })
    const { redemptions } = await import('../storage/market-schema.js')
    const id = uid('rd')
    await t.db.insert(redemptions).values({
      tenantId: t.tenantId,
      id,
      rewardId,
      memberId: 'bo',
      quantity: 1n,
      price: 5n,
      points: 5n,
      status: 'reserving',
      requestedBy: 'bo',
      createdAt: t.clock.now,
    })
    expect(await t.community.reconcileRedemptions({ tenantId: t.tenantId })).toContainEqual(
      expect.objectContaining({ redemptionId: id, kind: 'unfinished' }),
    )
    expect(await t.community.healRedemptions({ tenantId: t.tenantId, actor: 'heal' })).toEqual({ settled: 1 })
    expect(await t.ledger.getTransfer({ tenantId: t.tenantId, transferId: redemptionHold(id, 'stock') })).toMatchObject({
      status: 'pending',
      amount: '1',
    })
    expect(await t.community.getRedemption(t.tenantId, id)).toMatchObject({ status: 'reserved' })
    expect(await t.community.reconcileRedemptions({ tenantId: t.tenantId })).toEqual([])
  })
})

describe('pickup deadline', () => {
  it('is released by the sweep once past, idempotently, and a late hand-over is refused', async () => {
    const rewardId = await stockedReward(t, { price: '3', units: '2', pickupDays: 7 })
    const late = uid('rd')
    const early = uid('rd')
    await t.community.redeem({ tenantId: t.tenantId, id: late, rewardId, memberId: 'ana', actor: 'ana' })
    await t.community.redeem({ tenantId: t.tenantId, id: early, rewardId, memberId: 'bo', actor: 'bo' })
    expect(await t.community.expireRedemptions({ tenantId: t.tenantId })).toEqual({ expired: 0 })
    await t.community.handOver({ tenantId: t.tenantId, redemptionId: early, actor: 'staff' })
    t.clock.advance(7 * 24 * 3600_000)
    await expect(t.community.handOver({ tenantId: t.tenantId, redemptionId: late, actor: 'staff' })).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { status: 'expired' },
    })
    expect(await t.community.getRedemption(t.tenantId, late)).toMatchObject({ status: 'expired', decidedBy: 'expiry' })
    expect(await t.community.expireRedemptions({ tenantId: t.tenantId })).toEqual({ expired: 0 })
    expect(await stock(rewardId)).toMatchObject({ onShelf: '1', reserved: '0', handedOut: '1', pointsReceived: '3', matches: true })
  })

  it('sweeps reservations past their deadline', async () => {
    const rewardId = await stockedReward(t, { units: '2', pickupDays: 1 })
    const id = uid('rd')
    await t.community.redeem({ tenantId: t.tenantId, id, rewardId, memberId: 'ana', actor: 'ana' })
    t.clock.advance(24 * 3600_000 + 1)
    expect(await t.community.expireRedemptions({ tenantId: t.tenantId })).toEqual({ expired: 1 })
    expect(await t.community.getRedemption(t.tenantId, id)).toMatchObject({ status: 'expired' })
    expect(await stock(rewardId)).toMatchObject({ onShelf: '2', reserved: '0', matches: true })
  })
})

describe('stock', () => {
  it('writes off units with a reason, never more than are free on the shelf', async () => {
    const rewardId = await stockedReward(t, { units: '4' })
    await t.community.redeem({ tenantId: t.tenantId, id: uid('rd'), rewardId, memberId: 'ana', quantity: '2', actor: 'ana' })
    const off = { tenantId: t.tenantId, rewardId, id: uid('off'), quantity: '3', reason: 'water damage', actor: 'staff' }
    await expect(t.community.writeOff(off)).rejects.toMatchObject({ code: 'OUT_OF_STOCK', details: { available: '2' } })
    const done = await t.community.writeOff({ ...off, quantity: '2' })
    expect(done).toMatchObject({ quantity: '2', replayed: false })
    expect((await t.community.writeOff({ ...off, quantity: '2' })).replayed).toBe(true)
    expect(await stock(rewardId)).toMatchObject({ onShelf: '0', reserved: '2', writtenOff: '2', restocked: '4', matches: true })
  })

  it('restocks idempotently by the client id and refuses fractions', async () => {
    const rewardId = await stockedReward(t)
    const move = { tenantId: t.tenantId, rewardId, id: uid('in'), quantity: '6', reason: 'bought', actor: 'staff' }
    await t.community.restock(move)
    expect((await t.community.restock(move)).replayed).toBe(true)
    await expect(t.community.restock({ ...move, quantity: '7' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' })
    await expect(t.community.restock({ ...move, id: uid('in'), quantity: '1.5' })).rejects.toMatchObject({ code: 'VALIDATION' })
    await expect(t.community.restock({ ...move, rewardId: 'nope' })).rejects.toMatchObject({ code: 'REWARD_NOT_FOUND' })
    expect(await stock(rewardId)).toMatchObject({ onShelf: '6', restocked: '6', matches: true })
  })
})

describe('catalogue', () => {
  it('creates a reward once, refusing the id for other content, and lists and changes it', async () => {
    const id = uid('reward')
    const input = { tenantId: t.tenantId, id, name: 'Rice 5 kg', price: '120', actor: 'staff' }
    const first = await t.community.createReward(input)
    expect(first.reward).toMatchObject({ price: '120', active: true, pickupDays: null })
    expect(first.reward.asset).toMatch(/^RW_[0-9A-F]{26}$/)
    expect((await t.community.createReward(input)).replayed).toBe(true)
    await expect(t.community.createReward({ ...input, price: '100' })).rejects.toMatchObject({ code: 'REWARD_EXISTS' })
    await expect(t.community.createReward({ ...input, id: uid('reward'), price: '1.5' })).rejects.toMatchObject({ code: 'VALIDATION' })
    await t.community.updateReward({ tenantId: t.tenantId, rewardId: id, active: false, description: 'Northeast rice' })
    const inactive = await t.community.listRewards({ tenantId: t.tenantId, active: false })
    expect(inactive.rewards.map((r) => r.id)).toContain(id)
    await expect(t.community.updateReward({ tenantId: t.tenantId, rewardId: 'nope', active: true })).rejects.toMatchObject({
      code: 'REWARD_NOT_FOUND',
    })
  })

  it('lists redemptions newest first by member, page by page', async () => {
    const rewardId = await stockedReward(t, { price: '1', units: '5' })
    const ids = [uid('rd'), uid('rd'), uid('rd')]
    for (const id of ids) {
      await t.community.redeem({ tenantId: t.tenantId, id, rewardId, memberId: 'bo', actor: 'bo' })
      t.clock.advance(1000)
    }
    const first = await t.community.listRedemptions({ tenantId: t.tenantId, rewardId, limit: 2 })
    expect(first.redemptions.map((r) => r.id)).toEqual([ids[2], ids[1]])
    const second = await t.community.listRedemptions({ tenantId: t.tenantId, rewardId, limit: 2, cursor: first.nextCursor ?? '' })
    expect(second).toEqual({ redemptions: [expect.objectContaining({ id: ids[0] })], nextCursor: null })
  })
})
