/**
 * The service catalogue and orders through the API: each route, and who may
 * do what (members for themselves, the assigned volunteer, an organisation's
 * key, staff within their grid, admin for the sweep), with the resident masked
 * for providers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type CommunityFixture, type FixtureMember, setUpCommunity } from '../testing/community-fixture.js'
import { type TestApi, startTestApi } from '../testing/harness.js'

let api: TestApi
let fx: CommunityFixture
let ana: FixtureMember
let vic: FixtureMember
let other: FixtureMember
let school: { key: string }

beforeAll(async () => {
  api = await startTestApi()
  fx = await setUpCommunity(api)
  ana = await fx.member({ phone: '13812341234' })
  vic = await fx.member()
  other = await fx.member()
  await api.ledger.earn({
    tenantId: fx.tenantId,
    id: 'seed-ana',
    to: `member:${ana.id}:HOUR`,
    amount: '20',
    evidence: { activity: 'seed', reviewer: 't' },
  })
  await api.community.createOrganisation({ tenantId: fx.tenantId, id: 'school', kind: 'partner', name: '第三小学', actor: 't' })
  school = await fx.key({ name: 'school', role: 'member', owner: { type: 'organisation', id: 'school' } })
})
afterAll(() => api.close())

const post = (path: string, key: string, json?: unknown) => api.request('POST', path, { key, ...(json === undefined ? {} : { json }) })
const get = (path: string, key: string) => api.request('GET', path, { key })
let n = 0
const newOrder = async () => {
  const id = `o${++n}`
  expect((await post('/v1/orders', ana.key, { id, serviceId: 'haircut' })).status).toBe(201)
  return id
}

describe('the service catalogue', () => {
  it('is managed by unlimited staff and read by anyone', async () => {
    expect((await post('/v1/services', ana.key, { id: 'haircut', name: '上门理发', hours: '1.50' })).status).toBe(403)
    expect((await post('/v1/services', fx.g1Staff, { id: 'haircut', name: '上门理发', hours: '1.50' })).status).toBe(403)
    const made = await post('/v1/services', fx.staff, { id: 'haircut', name: '上门理发', hours: '1.50' })
    expect(made.status).toBe(201)
    expect(made.body).toMatchObject({ id: 'haircut', hours: '1.50', active: true })
    expect(
      (await post('/v1/services', fx.staff, { id: 'haircut', name: '上门理发', hours: '1.50' })).headers.get('idempotency-replayed'),
    ).toBe('true')
    expect((await post('/v1/services', fx.staff, { id: 'bad', name: 'x', hours: '1.555' })).status).toBe(400)
    expect((await get('/v1/services', ana.key)).body.services.map((s: { id: string }) => s.id)).toContain('haircut')
    expect((await get('/v1/services/haircut', vic.key)).body).toMatchObject({ name: '上门理发' })
    const patched = await api.request('PATCH', '/v1/services/haircut', { key: fx.staff, json: { description: '每月一次' } })
    expect(patched.body).toMatchObject({ description: '每月一次', hours: '1.50' })
  })
})

describe('an order through the API', () => {
  it('goes from the resident to a volunteer and back, each step by whom it belongs to', async () => {
    const id = await newOrder()
    expect((await post(`/v1/orders/${id}/dispatch`, ana.key, { provider: { type: 'member', id: vic.id } })).status).toBe(403)
    expect((await post(`/v1/orders/${id}/dispatch`, fx.g2Staff, { provider: { type: 'member', id: vic.id } })).status).toBe(404)
    const sent = await post(`/v1/orders/${id}/dispatch`, fx.g1Staff, { provider: { type: 'member', id: vic.id } })
    expect(sent.body).toMatchObject({ status: 'dispatched', provider: { type: 'member', id: vic.id } })
    // The volunteer sees the resident masked, without the phone, until it accepts.
    const seen = await get(`/v1/orders/${id}`, vic.key)
    expect(seen.body.resident).toMatchObject({ phone: null, gridId: 'g1' })
    expect(seen.body.resident.name).not.toBe(ana.name)
    expect((await get(`/v1/orders/${id}`, other.key)).status).toBe(404)
    expect((await post(`/v1/orders/${id}/accept`, other.key)).status).toBe(404)
    const accepted = await post(`/v1/orders/${id}/accept`, vic.key)
    expect(accepted.body).toMatchObject({ status: 'accepted', resident: { phone: '13812341234' } })
    expect((await post(`/v1/orders/${id}/complete`, ana.key)).body.error.code).toBe('ORDER_NOT_ALLOWED')
    expect((await post(`/v1/orders/${id}/complete`, vic.key)).status).toBe(200)
    expect((await post(`/v1/orders/${id}/confirm`, vic.key)).body.error.code).toBe('ORDER_NOT_ALLOWED')
    const confirmed = await post(`/v1/orders/${id}/confirm`, ana.key)
    expect(confirmed.body).toMatchObject({ status: 'confirmed', settledHours: '1.50', resident: { name: ana.name } })
    expect((await get(`/v1/orders/${id}/history`, ana.key)).body.events.length).toBeGreaterThan(5)
    expect((await get(`/v1/orders/${id}/history`, vic.key)).status).toBe(403)
    expect((await api.ledger.getBalance({ tenantId: fx.tenantId, accountId: `member:${vic.id}:HOUR` })).posted).toBe('1.50')
  })

  it('lets an organisation act through its own key, and refuse an order back for another dispatch', async () => {
    const id = await newOrder()
    await post(`/v1/orders/${id}/dispatch`, fx.staff, { provider: { type: 'organisation', id: 'school' } })
    const refused = await post(`/v1/orders/${id}/refuse`, school.key, { reason: '本周无人' })
    expect(refused.body).toMatchObject({ status: 'ordered', provider: null })
    await post(`/v1/orders/${id}/dispatch`, fx.staff, { provider: { type: 'organisation', id: 'school' } })
    expect((await post(`/v1/orders/${id}/accept`, school.key)).body.status).toBe('accepted')
    const page = await get('/v1/orders', school.key)
    expect(page.body.orders.map((o: { id: string }) => o.id)).toContain(id)
    expect(page.body.orders[0].resident.phone === null || page.body.orders[0].status === 'accepted').toBe(true)
    expect((await post(`/v1/orders/${id}/complete`, fx.staff)).body.status).toBe('completed')
    expect((await post(`/v1/orders/${id}/dispute`, ana.key, { reason: '没来' })).body.status).toBe('disputed')
    expect((await post(`/v1/orders/${id}/resolve`, ana.key, { outcome: 'void', reason: 'x' })).status).toBe(403)
    const resolved = await post(`/v1/orders/${id}/resolve`, fx.staff, { outcome: 'part', hours: '0.50', reason: '部分完成' })
    expect(resolved.body).toMatchObject({ status: 'resolved', settledHours: '0.50' })
  })

  it('lets the resident cancel, staff place for a resident in their grid with the pool paying, and only admin sweep', async () => {
    const id = await newOrder()
    expect((await post(`/v1/orders/${id}/cancel`, other.key, { reason: 'x' })).status).toBe(404)
    expect((await post(`/v1/orders/${id}/cancel`, ana.key, { reason: '不需要了' })).body.status).toBe('cancelled')
    expect((await post('/v1/orders', fx.g2Staff, { id: 'for-ana', serviceId: 'haircut', residentId: ana.id })).status).toBe(404)
    const placed = await post('/v1/orders', fx.g1Staff, { id: 'for-ana', serviceId: 'haircut', residentId: ana.id, payer: 'pool' })
    expect(placed.body).toMatchObject({ payer: 'pool', residentId: ana.id })
    expect((await post('/v1/orders', ana.key, { id: 'for-vic', serviceId: 'haircut', residentId: vic.id })).status).toBe(404)
    expect((await post('/v1/orders/sweep', fx.staff)).status).toBe(403)
    expect((await post('/v1/orders/sweep', fx.admin)).body).toEqual({ finished: 0, timedOut: 0, refused: 0 })
    expect((await get('/v1/orders/reconciliation', fx.admin)).body).toEqual({ problems: [] })
    const mine = await get('/v1/orders', ana.key)
    expect(mine.body.orders.every((o: { residentId: string }) => o.residentId === ana.id)).toBe(true)
    const g2 = await get('/v1/orders', fx.g2Staff)
    expect(g2.body.orders).toEqual([])
  })
})
