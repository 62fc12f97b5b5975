/**
 * The orders board and the service catalogue: dispatching an order through the form (to a partner
 * unit, to a volunteer), settling a dispute in part, cancelling, adding a service, refusals on the
 * page; and a grid-limited staff user seeing only their grid's orders and wishes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Visitor } from '../../testing/visitor.js'
import { type TestWeb, startTestWeb } from '../../testing/web-harness.js'

let w: TestWeb
let staff: Visitor
let n = 0

const api = (method: string, path: string, json?: unknown, key = w.fx.staff) =>
  w.api.request(method, path, { key, ...(json === undefined ? {} : { json }) })

/** A resident with hours to pay for orders. */
async function resident(gridId = 'g1') {
  const m = await w.fx.member({ gridId })
  await w.api.ledger.earn({
    tenantId: w.tenantId,
    id: `seed-${m.id}`,
    to: `member:${m.id}:HOUR`,
    amount: '20',
    evidence: { activity: 'seed', reviewer: 'test' },
  })
  return m
}

async function order(residentId: string): Promise<string> {
  const id = `o-${++n}`
  const res = await api('POST', '/v1/orders', { id, serviceId: 'haircut', residentId })
  expect(res.status).toBe(201)
  return id
}

beforeAll(async () => {
  w = await startTestWeb()
  staff = await w.visitorAs(w.staffUser)
  expect((await api('POST', '/v1/services', { id: 'haircut', name: '上门理发', hours: '1.50' })).status).toBe(201)
  expect((await api('POST', '/v1/organisations', { id: 'school-3', kind: 'partner', name: '第三小学' })).status).toBe(201)
})
afterAll(() => w.close())

describe('the orders board', () => {
  it('dispatches an ordered order to a partner unit through the form', async () => {
    const ana = await resident()
    const id = await order(ana.id)
    const board = await staff.get('/staff/orders')
    expect(board.text).toContain(`action="/staff/orders/${id}/dispatch"`)
    expect(board.text).toContain('<option value="organisation:school-3">第三小学</option>')
    expect(board.text).toContain('上门理发')

    const sent = await staff.post(`/staff/orders/${id}/dispatch`, {
      provider: 'organisation:school-3',
      volunteerId: '',
      back: '/staff/orders',
    })
    expect([sent.status, sent.location]).toEqual([303, '/staff/orders?done=dispatched'])
    expect((await api('GET', `/v1/orders/${id}`)).body).toMatchObject({
      status: 'dispatched',
      provider: { type: 'organisation', id: 'school-3' },
    })
    const after = await staff.get(sent.location as string)
    expect(after.text).toContain('订单已派出')
  })

  it('dispatches to a volunteer, and settles their disputed work in part', async () => {
    const ana = await resident()
    const vic = await w.fx.member()
    const id = await order(ana.id)
    await staff.get('/staff/orders')
    expect((await staff.post(`/staff/orders/${id}/dispatch`, { provider: 'member', volunteerId: vic.id })).status).toBe(303)
    expect((await api('GET', `/v1/orders/${id}`)).body.provider).toEqual({ type: 'member', id: vic.id })
    expect((await api('POST', `/v1/orders/${id}/accept`, undefined, vic.key)).status).toBe(200)
    expect((await api('POST', `/v1/orders/${id}/complete`, undefined, vic.key)).status).toBe(200)
    expect((await api('POST', `/v1/orders/${id}/dispute`, { reason: '迟到一小时' }, ana.key)).status).toBe(200)

    const board = await staff.get('/staff/orders')
    expect(board.text).toContain(`action="/staff/orders/${id}/resolve"`)
    const settled = await staff.post(`/staff/orders/${id}/resolve`, { outcome: 'part', hours: '0.75', reason: '服务时间减半' })
    expect([settled.status, settled.location]).toEqual([303, '/staff/orders?done=resolved'])
    expect((await api('GET', `/v1/orders/${id}`)).body).toMatchObject({ status: 'resolved', settledHours: '0.75' })
  })

  it('cancels an order with a reason, and shows a refusal on the board', async () => {
    const id = await order((await resident()).id)
    await staff.get('/staff/orders')
    const refused = await staff.post(`/staff/orders/${id}/cancel`, { reason: '' })
    expect(refused.status).toBe(400)
    expect(refused.text).toContain('role="alert"')
    expect(refused.text).toContain('reason')
    expect((await api('GET', `/v1/orders/${id}`)).body.status).toBe('ordered')

    const cancelled = await staff.post(`/staff/orders/${id}/cancel`, { reason: '不需要了' })
    expect(cancelled.status).toBe(303)
    expect((await api('GET', `/v1/orders/${id}`)).body).toMatchObject({ status: 'cancelled', reason: '不需要了' })

    const twice = await staff.post(`/staff/orders/${id}/dispatch`, { provider: 'organisation:school-3' })
    expect(twice.status).toBe(409)
    expect(twice.text).toContain('cancelled')
  })
})

describe('the service catalogue', () => {
  it('adds a service with its agreed hours, once however often the form is sent, and refuses bad hours', async () => {
    const page = await staff.get('/staff/services')
    const id = /name="id" value="(s-[\w-]+)"/.exec(page.text)?.[1] as string
    const fields = { id, name: '陪同就医 <b>', description: '', hours: '2.5' }
    expect((await staff.post('/staff/services', fields)).location).toBe('/staff/services?done=added')
    expect((await staff.post('/staff/services', fields)).status).toBe(303)
    expect((await api('GET', `/v1/services/${id}`)).body).toMatchObject({ name: '陪同就医 <b>', hours: '2.50' })
    const list = await staff.get('/staff/services')
    expect(list.text).toContain('陪同就医 &lt;b&gt;')
    expect(list.text).toContain('2.50 小时')

    const bad = await staff.post('/staff/services', { id: `s-bad-${++n}`, name: 'x', hours: '1.555' })
    expect(bad.status).toBe(400)
    expect(bad.text).toContain('role="alert"')
    expect((await api('GET', `/v1/services/s-bad-${n}`)).status).toBe(404)
  })
})

describe('a staff user limited to a grid', () => {
  it("sees their grid's orders and wishes, not another grid's", async () => {
    const leader = await w.user({ login: `g2lead${++n}`, role: 'staff', gridId: 'g2' })
    const g2 = await w.visitorAs(leader)
    const inG1 = await order((await resident('g1')).id)
    const inG2 = await order((await resident('g2')).id)
    const orders = await g2.get('/staff/orders')
    expect(orders.status).toBe(200)
    expect(orders.text).toContain(inG2)
    expect(orders.text).not.toContain(inG1)

    const [p1, p2] = [await w.fx.member({ gridId: 'g1' }), await w.fx.member({ gridId: 'g2' })]
    await api('POST', '/v1/wishes', { id: `wish-g1-${n}`, posterId: p1.id, title: `一网格心愿 ${n}`, description: '' })
    await api('POST', '/v1/wishes', { id: `wish-g2-${n}`, posterId: p2.id, title: `二网格心愿 ${n}`, description: '' })
    const wishes = await g2.get('/staff/wishes')
    expect(wishes.status).toBe(200)
    expect(wishes.text).toContain(`二网格心愿 ${n}`)
    expect(wishes.text).not.toContain(`一网格心愿 ${n}`)
    expect(wishes.text).not.toContain('<option value="g1">')
  })
})
