/**
 * Service orders through every branch, on PGlite: dispatch, refusal, accept
 * (hours held), completion, confirmation (posted), disputes resolved three
 * ways, cancellations, deadlines run by the sweep, the rules of who, the pool
 * paying, crashes finished by running a step again, and reconciliation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { orderStep } from '../domain/order.js'
import { type TestCommunity, pgliteCommunity } from '../testing/pglite.js'
import { balances, member, org, orderFixture, staff } from './fixtures.js'
import { orders } from '../storage/schema.js'
import { and, eq } from 'drizzle-orm'

let t: TestCommunity
beforeAll(async () => {
  t = await pgliteCommunity({ settings: { orderDeadlineHours: { ordered: 10, dispatched: 5, accepted: 20, completed: 8, disputed: 30 } } })
  await orderFixture(t)
})
afterAll(() => t.close())

let n = 0
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  )
const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: 'ok' }),
    (e: { code?: string; details?: unknown }) => ({ code: e.code, details: e.details }),
  )
const c = () => t.community
const ids = () => ({ tenantId: t.tenantId })

async function place(extra: Record<string, unknown> = {}) {
  const id = `o-${++n}`
  await c().placeOrder({ ...ids(), id, serviceId: 'haircut', residentId: 'ana', actor: member('ana'), ...extra })
  return id
}
async function accepted(to: { type: 'member' | 'organisation'; id: string } = { type: 'member', id: 'vic' }, extra = {}) {
  const id = await place(extra)
  await c().dispatchOrder({ ...ids(), orderId: id, provider: to, actor: staff })
  await c().acceptOrder({ ...ids(), orderId: id, actor: to.type === 'member' ? member(to.id) : staff })
  return id
}
async function completed() {
  const id = await accepted()
  await c().completeOrder({ ...ids(), orderId: id, actor: member('vic') })
  return id
}
const status = async (orderId: string) => (await c().getOrder({ ...ids(), orderId })).status
const hold = (orderId: string) => t.ledger.getTransfer({ tenantId: t.tenantId, transferId: orderStep(orderId, 'hold') })

describe('an order from placing to confirmation', () => {
  it('holds the agreed hours when the volunteer accepts and posts them when the resident confirms', async () => {
    const before = await balances(t)
    const id = await accepted()
    expect(await hold(id)).toMatchObject({
      status: 'pending',
      amount: '1.50',
      from: 'member:ana:HOUR',
      to: 'member:vic:HOUR',
      expiresAt: null,
    })
    expect((await balances(t)).ana.pendingDebits).toBe('1.50')
    await c().completeOrder({ ...ids(), orderId: id, actor: member('vic') })
    const { order } = await c().confirmOrder({ ...ids(), orderId: id, actor: member('ana') })
    expect(order).toMatchObject({ status: 'confirmed', settledHours: '1.50', deadlineAt: null })
    const after = await balances(t)
    expect(Number(before.ana.posted) - Number(after.ana.posted)).toBeCloseTo(1.5)
    expect(Number(after.vic.posted) - Number(before.vic.posted)).toBeCloseTo(1.5)
    expect(after.ana.pendingDebits).toBe('0.00')
    const history = await c().orderHistory({ ...ids(), orderId: id })
    expect(history.map((e) => e.action)).toEqual(['ordered', 'dispatched', 'accepted', 'held', 'completed', 'confirmed', 'posted'])
  })

  it('answers every step asked again as it is, moving nothing twice', async () => {
    const id = await completed()
    const confirm = () => c().confirmOrder({ ...ids(), orderId: id, actor: member('ana') })
    await confirm()
    const b = await balances(t)
    expect(await confirm()).toMatchObject({ replayed: true, order: { status: 'confirmed' } })
    expect(await balances(t)).toEqual(b)
    expect(
      (
        await c()
          .acceptOrder({ ...ids(), orderId: `${id}`, actor: member('vic') })
          .catch((e) => e)
      ).code,
    ).toBe('INVALID_TRANSITION')
  })

  it('pays an organisation through a staff key acting for it, and refuses a resident who tries', async () => {
    const id = await place()
    await c().dispatchOrder({ ...ids(), orderId: id, provider: { type: 'organisation', id: 'school' }, actor: staff })
    expect(await codeOf(c().acceptOrder({ ...ids(), orderId: id, actor: member('ana') }))).toBe('ORDER_NOT_ALLOWED')
    await c().acceptOrder({ ...ids(), orderId: id, actor: org('school') })
    await c().completeOrder({ ...ids(), orderId: id, actor: staff })
    expect(await codeOf(c().confirmOrder({ ...ids(), orderId: id, actor: org('school') }))).toBe('ORDER_NOT_ALLOWED')
    await c().confirmOrder({ ...ids(), orderId: id, actor: member('ana') })
    expect(await t.ledger.getTransfer({ tenantId: t.tenantId, transferId: orderStep(id, 'post') })).toMatchObject({ to: 'org:school:HOUR' })
  })

  it('draws on the community pool when staff say so, and never when a resident asks', async () => {
    expect(await codeOf(place({ payer: 'pool' }))).toBe('ORDER_NOT_ALLOWED')
    const id = await place()
    expect(
      await codeOf(
        c().dispatchOrder({ ...ids(), orderId: id, provider: { type: 'member', id: 'vic' }, payer: 'pool', actor: member('ana') }),
      ),
    ).toBe('ORDER_NOT_ALLOWED')
    await c().dispatchOrder({ ...ids(), orderId: id, provider: { type: 'member', id: 'vic' }, payer: 'pool', actor: staff })
    await c().acceptOrder({ ...ids(), orderId: id, actor: member('vic') })
    expect(await hold(id)).toMatchObject({ from: 'pool:HOUR' })
  })
})

describe('the rules of who', () => {
  it('never dispatches an order to its own resident', async () => {
    const id = await place()
    expect(await codeOf(c().dispatchOrder({ ...ids(), orderId: id, provider: { type: 'member', id: 'ana' }, actor: staff }))).toBe(
      'PROVIDER_IS_RESIDENT',
    )
    expect(await status(id)).toBe('ordered')
  })
  it('lets only staff dispatch, only the assigned provider accept and complete, only the resident order for themselves', async () => {
    expect(await codeOf(c().placeOrder({ ...ids(), id: 'x-1', serviceId: 'haircut', residentId: 'ana', actor: member('bo') }))).toBe(
      'ORDER_NOT_ALLOWED',
    )
    const id = await place()
    expect(await codeOf(c().dispatchOrder({ ...ids(), orderId: id, provider: { type: 'member', id: 'vic' }, actor: member('ana') }))).toBe(
      'ORDER_NOT_ALLOWED',
    )
    await c().dispatchOrder({ ...ids(), orderId: id, provider: { type: 'member', id: 'vic' }, actor: staff })
    expect(await codeOf(c().acceptOrder({ ...ids(), orderId: id, actor: member('bo') }))).toBe('ORDER_NOT_ALLOWED')
    // Staff act for organisations, not for a volunteer.
    expect(await codeOf(c().acceptOrder({ ...ids(), orderId: id, actor: staff }))).toBe('ORDER_NOT_ALLOWED')
    await c().acceptOrder({ ...ids(), orderId: id, actor: member('vic') })
    expect(await codeOf(c().completeOrder({ ...ids(), orderId: id, actor: member('ana') }))).toBe('ORDER_NOT_ALLOWED')
  })
  it('refuses an inactive service, an unknown one, and an unknown provider', async () => {
    await c().createService({ ...ids(), id: 'old', name: 'Old', hours: '1', active: false, actor: 'key_staff' })
    expect(await codeOf(place({ serviceId: 'old' }))).toBe('SERVICE_INACTIVE')
    expect(await codeOf(place({ serviceId: 'nope' }))).toBe('SERVICE_NOT_FOUND')
    const id = await place()
    expect(await codeOf(c().dispatchOrder({ ...ids(), orderId: id, provider: { type: 'organisation', id: 'ghost' }, actor: staff }))).toBe(
      'ORGANISATION_NOT_FOUND',
    )
    expect(await codeOf(c().getOrder({ ...ids(), orderId: 'ghost' }))).toBe('ORDER_NOT_FOUND')
  })
})

describe('refusal, cancellation and disputes', () => {
  it('sends a refused order back for another dispatch, holding nothing', async () => {
    const id = await place()
    await c().dispatchOrder({ ...ids(), orderId: id, provider: { type: 'member', id: 'vic' }, actor: staff })
    const { order } = await c().refuseOrder({ ...ids(), orderId: id, actor: member('vic'), reason: 'away' })
    expect(order).toMatchObject({ status: 'ordered', provider: null })
    expect(await codeOf(hold(id))).toBe('TRANSFER_NOT_FOUND')
    await c().dispatchOrder({ ...ids(), orderId: id, provider: { type: 'organisation', id: 'school' }, actor: staff })
    expect(await status(id)).toBe('dispatched')
  })
  it('releases the hold of an accepted order the resident cancels; the resident may not cancel completed work', async () => {
    const id = await accepted()
    await c().cancelOrder({ ...ids(), orderId: id, actor: member('ana'), reason: 'feeling better' })
    expect(await hold(id)).toMatchObject({ status: 'voided' })
    expect(await status(id)).toBe('cancelled')
    const done = await completed()
    expect(await codeOf(c().cancelOrder({ ...ids(), orderId: done, actor: member('ana'), reason: 'no' }))).toBe('ORDER_NOT_ALLOWED')
    await c().cancelOrder({ ...ids(), orderId: done, actor: staff, reason: 'duplicate' })
    expect(await hold(done)).toMatchObject({ status: 'voided' })
  })
  it('settles disputes as staff decide: all, part (the rest released) or nothing', async () => {
    const outcomes = [
      { outcome: 'post' as const, paid: '1.50' },
      { outcome: 'part' as const, hours: '0.50', paid: '0.50' },
      { outcome: 'void' as const, paid: '0.00' },
    ]
    for (const o of outcomes) {
      const id = await completed()
      await c().disputeOrder({ ...ids(), orderId: id, actor: member('ana'), reason: 'left early' })
      expect(await codeOf(c().resolveOrder({ ...ids(), orderId: id, actor: member('ana'), outcome: 'void', reason: 'x' }))).toBe(
        'ORDER_NOT_ALLOWED',
      )
      const before = await balances(t)
      const { order } = await c().resolveOrder({
        ...ids(),
        orderId: id,
        actor: staff,
        outcome: o.outcome,
        ...(o.hours ? { hours: o.hours } : {}),
        reason: 'heard both',
      })
      expect(order).toMatchObject({ status: 'resolved', settledHours: o.paid })
      const after = await balances(t)
      expect(Number(after.vic.posted) - Number(before.vic.posted)).toBeCloseTo(Number(o.paid))
    }
  })
  it('refuses a part payment of the whole, of nothing, or with more decimals than hours have', async () => {
    const id = await completed()
    await c().disputeOrder({ ...ids(), orderId: id, actor: member('ana'), reason: 'late' })
    const part = (hours: string) => codeOf(c().resolveOrder({ ...ids(), orderId: id, actor: staff, outcome: 'part', hours, reason: 'x' }))
    expect(await part('1.50')).toBe('VALIDATION')
    expect(await part('0')).toBe('VALIDATION')
    expect(await part('0.505')).toBe('VALIDATION')
    expect(await status(id)).toBe('disputed')
  })
})

describe('funds and the ledger', () => {
  it('leaves an order dispatched when the resident cannot pay, with the ledger’s reason', async () => {
    await t.community.placeOrder({ ...ids(), id: 'poor', serviceId: 'haircut', residentId: 'vic', actor: staff })
    await c().dispatchOrder({ ...ids(), orderId: 'poor', provider: { type: 'member', id: 'bo' }, actor: staff })
    const vicPosted = (await balances(t)).vic.posted
    if (Number(vicPosted) >= 1.5)
      await t.ledger.transfer({ tenantId: t.tenantId, id: 'drain-vic', from: 'member:vic:HOUR', to: 'member:bo:HOUR', amount: vicPosted })
    expect(await codeOf(c().acceptOrder({ ...ids(), orderId: 'poor', actor: member('bo') }))).toBe('INSUFFICIENT_FUNDS')
    expect(await status('poor')).toBe('dispatched')
    expect(await c().reconcileOrders(ids())).toEqual([])
  })
  it('asks the policy before holding: the pool pays only for whom it entitles, and a refusal changes nothing', async () => {
    const policy = (p: object) => c().changePolicy({ tenantId: t.tenantId, policy: p, actor: 'key_admin' })
    const version = await policy({ poolFundedServices: { minAge: 80 } })
    try {
      const id = await place()
      await c().dispatchOrder({ ...ids(), orderId: id, provider: { type: 'member', id: 'vic' }, payer: 'pool', actor: staff })
      // The resident's birth date is not known: the policy cannot entitle them.
      expect(await failure(c().acceptOrder({ ...ids(), orderId: id, actor: member('vic') }))).toMatchObject({
        code: 'POLICY_VIOLATION',
        details: { rule: 'poolFundedServices', policyVersion: version.version, minAge: 80 },
      })
      expect(await status(id)).toBe('dispatched')
      expect(await codeOf(hold(id))).toBe('TRANSFER_NOT_FOUND')
      // Paying with their own hours, a resident redeems a service: the service-age rule applies.
      await policy({ serviceAge: { minAge: 60, spouseCounts: true } })
      const own = await place()
      await c().dispatchOrder({ ...ids(), orderId: own, provider: { type: 'member', id: 'vic' }, actor: staff })
      expect(await failure(c().acceptOrder({ ...ids(), orderId: own, actor: member('vic') }))).toMatchObject({
        details: { rule: 'serviceAge' },
      })
      await policy({})
      expect((await c().acceptOrder({ ...ids(), orderId: own, actor: member('vic') })).order.status).toBe('accepted')
    } finally {
      await policy({})
    }
  })
  it('refuses a volunteer with no room for the hours under the cap before holding, naming the rule; an organisation has no cap', async () => {
    const policy = (p: object) => c().changePolicy({ tenantId: t.tenantId, policy: p, actor: 'key_admin' })
    const vic = (await balances(t)).vic
    // Just what vic holds (posted and on its way in), or 1 h: the service's 1.50 h do not fit.
    const limit = Math.max(Number(vic.posted) + Number(vic.pendingCredits), 1).toFixed(2)
    const version = await policy({ storageCap: { HOUR: { limit, excess: 'donate' } } })
    try {
      const id = await place()
      await c().dispatchOrder({ ...ids(), orderId: id, provider: { type: 'member', id: 'vic' }, actor: staff })
      expect(await failure(c().acceptOrder({ ...ids(), orderId: id, actor: member('vic') }))).toEqual({
        code: 'POLICY_VIOLATION',
        details: { rule: 'storageCap', policyVersion: version.version, asset: 'HOUR', limit },
      })
      expect(await status(id)).toBe('dispatched')
      expect(await codeOf(hold(id))).toBe('TRANSFER_NOT_FOUND')
      await c().dispatchOrder({ ...ids(), orderId: id, provider: { type: 'organisation', id: 'school' }, actor: staff })
      expect((await c().acceptOrder({ ...ids(), orderId: id, actor: org('school') })).order.status).toBe('accepted')
      await c().cancelOrder({ ...ids(), orderId: id, reason: 'test', actor: staff })
    } finally {
      await policy({})
    }
  })
  it('keeps the hold through the ledger’s own expiry run: the order owns the timing', async () => {
    const id = await accepted()
    t.clock.advance(400 * 24 * 3600_000)
    await t.ledger.expirePending({ tenantId: t.tenantId })
    expect(await hold(id)).toMatchObject({ status: 'pending' })
    await c().sweepOrders({ ...ids() })
    expect(await status(id)).toBe('expired')
    expect(await hold(id)).toMatchObject({ status: 'voided' })
  })
  it('finishes a step a crash cut short (claimed, not held) when it is asked again or swept', async () => {
    for (const how of ['again', 'sweep'] as const) {
      const id = await place()
      await c().dispatchOrder({ ...ids(), orderId: id, provider: { type: 'member', id: 'vic' }, actor: staff })
      const [row] = await t.db
        .select()
        .from(orders)
        .where(and(eq(orders.tenantId, t.tenantId), eq(orders.id, id)))
      // What a process killed between claiming the step and the ledger write leaves.
      await t.db
        .update(orders)
        .set({ status: 'accepting', version: (row?.version ?? 0) + 1, lastRequest: await lastRequestOf(id, 'accept', 'member:vic') })
        .where(and(eq(orders.tenantId, t.tenantId), eq(orders.id, id)))
      expect(await c().reconcileOrders(ids())).toEqual([{ orderId: id, status: 'accepting', kind: 'unfinished' }])
      if (how === 'again') await c().acceptOrder({ ...ids(), orderId: id, actor: member('vic') })
      else expect(await c().sweepOrders(ids())).toMatchObject({ finished: 1 })
      expect(await status(id)).toBe('accepted')
      expect(await hold(id)).toMatchObject({ status: 'pending' })
      expect(await c().reconcileOrders(ids())).toEqual([])
    }
  })
  it('lists an order whose hold the ledger lacks', async () => {
    const id = await place()
    await t.db
      .update(orders)
      .set({ status: 'accepted', providerType: 'member', providerId: 'vic' })
      .where(and(eq(orders.tenantId, t.tenantId), eq(orders.id, id)))
    expect(await c().reconcileOrders(ids())).toEqual([
      { orderId: id, status: 'accepted', kind: 'hold-missing', transferId: orderStep(id, 'hold') },
    ])
    await t.db
      .update(orders)
      .set({ status: 'cancelled' })
      .where(and(eq(orders.tenantId, t.tenantId), eq(orders.id, id)))
    expect(await c().reconcileOrders(ids())).toEqual([])
  })
})

describe('deadlines', () => {
  it('move every overdue order on once: undispatched expire, unanswered come back, completed are confirmed, disputes released', async () => {
    await c().sweepOrders(ids())
    const ordered = await place()
    const dispatched = await place()
    await c().dispatchOrder({ ...ids(), orderId: dispatched, provider: { type: 'member', id: 'vic' }, actor: staff })
    const done = await completed()
    const disputed = await completed()
    await c().disputeOrder({ ...ids(), orderId: disputed, actor: member('ana'), reason: 'x' })
    t.clock.advance(6 * 3600_000)
    expect(await c().sweepOrders(ids())).toEqual({ finished: 0, timedOut: 1, refused: 0 })
    expect(await c().getOrder({ ...ids(), orderId: dispatched })).toMatchObject({ status: 'ordered', provider: null })
    t.clock.advance(5 * 3600_000)
    await c().sweepOrders(ids())
    expect(await status(ordered)).toBe('expired')
    expect(await status(done)).toBe('confirmed')
    expect(await hold(done)).toMatchObject({ status: 'posted' })
    t.clock.advance(30 * 3600_000)
    await c().sweepOrders(ids())
    expect(await status(disputed)).toBe('expired')
    expect(await hold(disputed)).toMatchObject({ status: 'voided' })
    expect(await c().sweepOrders(ids())).toEqual({ finished: 0, timedOut: 0, refused: 0 })
    expect(await c().reconcileOrders(ids())).toEqual([])
  })
  it('takes a service’s own deadline over the community’s', async () => {
    await c().createService({ ...ids(), id: 'quick', name: 'Quick', hours: '0.50', deadlineHours: { ordered: 1 }, actor: 'key_staff' })
    const id = await place({ serviceId: 'quick' })
    const { deadlineAt, statusSince } = await c().getOrder({ ...ids(), orderId: id })
    expect((deadlineAt as Date).getTime() - statusSince.getTime()).toBe(3600_000)
  })
})

describe('what the provider sees', () => {
  it('masks the resident’s name and shows the phone only while the order is accepted', async () => {
    await t.db.execute(sqlSetPhone(t.tenantId))
    const id = await place()
    expect((await c().getOrder({ ...ids(), orderId: id, view: 'provider' })).resident).toMatchObject({ name: 'M********a', phone: null })
    expect((await c().getOrder({ ...ids(), orderId: id })).resident).toMatchObject({ name: 'Member ana', phone: '13812341234' })
    await c().dispatchOrder({ ...ids(), orderId: id, provider: { type: 'member', id: 'vic' }, actor: staff })
    const { order } = await c().acceptOrder({ ...ids(), orderId: id, actor: member('vic') })
    expect(order.resident).toMatchObject({ name: 'M********a', phone: '13812341234' })
  })
})

import { sql } from 'drizzle-orm'
import { requestHash } from '@timebank/ledger/kit'
const sqlSetPhone = (tenantId: string) => sql`update cm_members set phone = '13812341234' where tenant_id = ${tenantId} and id = 'ana'`
async function lastRequestOf(_id: string, action: string, actor: string) {
  return requestHash({ action, actor })
}
