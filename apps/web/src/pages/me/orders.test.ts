/**
 * Ordering a service through the forms: the order reaches the API (once however often the form is
 * sent), the resident confirms the work once done, cancels before, and refusals come back in words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Visitor } from '../../testing/visitor.js'
import { type TestUser, type TestWeb, startTestWeb } from '../../testing/web-harness.js'
import { available, earn, must } from './test-kit.js'

let w: TestWeb
let ana: TestUser & { memberId: string }
let vic: Awaited<ReturnType<TestWeb['fx']['member']>>
let v: Visitor

beforeAll(async () => {
  w = await startTestWeb()
  ana = await w.memberUser()
  vic = await w.fx.member()
  await earn(w, ana.memberId, 'HOUR', '10')
  await must(w, 'POST', '/v1/services', w.fx.staff, { id: 'haircut', name: '上门理发', description: '<b>每月</b>一次', hours: '1.50' }, 201)
  v = await w.visitorAs(ana)
}, 60_000)
afterAll(() => w?.close())

const orderForm = (html: string) =>
  /name="id" value="([^"]+)"\/?><input type="hidden" name="serviceId" value="haircut"/.exec(html)?.[1] as string

describe('service orders', () => {
  it('orders from the catalogue once, and confirms the work when it is done', async () => {
    const page = await v.get('/me/orders')
    expect(page.text).toContain('上门理发')
    expect(page.text).toContain('1.50 小时')
    expect(page.text).toContain('&lt;b&gt;每月&lt;/b&gt;一次')
    const id = orderForm(page.text)
    const placed = await v.post('/me/orders', { id, serviceId: 'haircut', note: '下午在家' })
    expect([placed.status, placed.location]).toEqual([303, '/me/orders?done=ordered'])
    await v.post('/me/orders', { id, serviceId: 'haircut', note: '下午在家' })
    const mine = await must(w, 'GET', `/v1/orders?residentId=${ana.memberId}`, w.fx.staff)
    expect(mine.orders.map((o: { id: string; note: string }) => [o.id, o.note])).toEqual([[id, '下午在家']])

    await must(w, 'POST', `/v1/orders/${id}/dispatch`, w.fx.staff, { provider: { type: 'member', id: vic.id } })
    await must(w, 'POST', `/v1/orders/${id}/accept`, vic.key)
    await must(w, 'POST', `/v1/orders/${id}/complete`, vic.key)
    const done = await v.get('/me/orders')
    expect(done.text).toContain(`/me/orders/${id}/confirm`)
    const confirmed = await v.post(`/me/orders/${id}/confirm`, {})
    expect(confirmed.location).toBe('/me/orders?done=confirmed')
    expect((await must(w, 'GET', `/v1/orders/${id}`, w.fx.staff)).status).toMatch(/^(settling|confirmed)$/)
    expect(await available(w, vic.id, 'HOUR')).toBe('1.50')
  })

  it('cancels an order not yet done, and shows a refusal in words', async () => {
    const page = await v.get('/me/orders')
    const id = orderForm(page.text)
    await v.post('/me/orders', { id, serviceId: 'haircut', note: '' })
    await v.get('/me/orders')
    const cancelled = await v.post(`/me/orders/${id}/cancel`, { reason: '不需要了' })
    expect(cancelled.location).toBe('/me/orders?done=cancelled')
    expect((await must(w, 'GET', `/v1/orders/${id}`, w.fx.staff)).status).toBe('cancelled')

    const again = await v.post(`/me/orders/${id}/confirm`, {})
    expect(again.status).toBe(422)
    expect(again.text).toContain('现在不能做这一步了')
  })

  it('does not act on another resident’s order', async () => {
    const bo = await w.memberUser()
    await earn(w, bo.memberId, 'HOUR', '5')
    await must(w, 'POST', '/v1/orders', w.fx.staff, { id: 'bo-order', serviceId: 'haircut', residentId: bo.memberId }, 201)
    await v.get('/me/orders')
    const hacked = await v.post('/me/orders/bo-order/cancel', { reason: 'x' })
    expect(hacked.status).toBe(422)
    expect(hacked.text).toContain('找不到这一项')
    expect((await must(w, 'GET', '/v1/orders/bo-order', w.fx.staff)).status).toBe('ordered')
  })
})
