/**
 * The points supermarket through the forms: a redemption made by the form is reserved in the API and
 * its pickup page carries the QR code of `R:<id>`; another member's pickup page is not theirs to open;
 * the policy's and the stock's refusals come back in plain words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Visitor } from '../../testing/visitor.js'
import { type TestUser, type TestWeb, startTestWeb } from '../../testing/web-harness.js'
import { approvedHours, earn, must, setPolicy, uid } from './test-kit.js'

let w: TestWeb
let ana: TestUser & { memberId: string }
let v: Visitor

beforeAll(async () => {
  w = await startTestWeb()
  ana = await w.memberUser()
  await earn(w, ana.memberId, 'POINT', '1000')
  v = await w.visitorAs(ana)
}, 60_000)
afterAll(() => w?.close())

async function stocked(units: string, name = '大米 5kg', price = '120'): Promise<string> {
  const id = uid('reward-')
  await must(w, 'POST', '/v1/rewards', w.fx.staff, { id, name, price, pickupDays: 7 }, 201)
  await must(w, 'POST', `/v1/rewards/${id}/restocks`, w.fx.staff, { id: uid('in-'), quantity: units, reason: '捐赠' }, 201)
  return id
}

/** The hidden redemption id of the reward's form on the market page. */
function formId(html: string, rewardId: string): string {
  const found = new RegExp(`name="id" value="([^"]+)"/><input type="hidden" name="rewardId" value="${rewardId}"`).exec(html)
  if (!found?.[1]) throw new Error(`no form for ${rewardId}`)
  return found[1]
}

describe('the supermarket', () => {
  it('redeems through the form, and the pickup page shows the QR code of R:<id>', async () => {
    const rewardId = await stocked('5')
    const page = await v.get('/me/market')
    expect(page.text).toContain('大米 5kg')
    expect(page.text).toContain('每件 120 积分')
    const id = formId(page.text, rewardId)
    const made = await v.post('/me/market/redeem', { id, rewardId, quantity: '2' })
    expect([made.status, made.location]).toEqual([303, `/me/market/redemptions/${id}?done=reserved`])
    const held = await must(w, 'GET', `/v1/reward-redemptions/${id}`, w.fx.staff)
    expect(held).toMatchObject({ memberId: ana.memberId, status: 'reserved', quantity: '2', points: '240' })

    const code = await v.get(made.location as string)
    expect(code.status).toBe(200)
    expect(code.text).toContain('<svg')
    expect(code.text).toContain(`R:${id}`)
    expect(code.text).toContain('兑换成功')
    expect((await v.get('/me/market')).text).toContain(`/me/market/redemptions/${id}`)
  })

  it('shows whether each reward is in stock, never how many are left', async () => {
    const rice = await stocked('987', '香米')
    const page = await v.get('/me/market')
    const card = page.text.slice(page.text.indexOf('香米'), page.text.indexOf(`value="${rice}"`)).replace(/value="[^"]*"/g, '')
    expect(card).toContain('有货')
    expect(card).not.toContain('987')
    expect(formId(page.text, rice)).toBeTruthy()
  })

  it('does not open another member’s pickup page', async () => {
    const rewardId = await stocked('1')
    const bo = await w.memberUser({ name: '赵远方' })
    await earn(w, bo.memberId, 'POINT', '500')
    const id = uid('rd-')
    await must(w, 'POST', '/v1/reward-redemptions', w.fx.staff, { id, rewardId, memberId: bo.memberId }, 201)
    const hacked = await v.get(`/me/market/redemptions/${id}`)
    expect(hacked.status).toBe(404)
    expect(hacked.text).not.toContain(`R:${id}`)
    expect(hacked.text).not.toContain('<svg')
    const traversal = await v.get(`/me/market/redemptions/${encodeURIComponent(`../members/${bo.memberId}`)}`)
    expect([400, 404]).toContain(traversal.status)
    expect(traversal.text).not.toContain('赵远方')
  })

  it('cancels a reservation from its pickup page', async () => {
    const rewardId = await stocked('1', '香皂')
    const page = await v.get('/me/market')
    const id = formId(page.text, rewardId)
    await v.post('/me/market/redeem', { id, rewardId, quantity: '1' })
    await v.get(`/me/market/redemptions/${id}`)
    const cancelled = await v.post(`/me/market/redemptions/${id}/cancel`, {})
    expect(cancelled.location).toBe('/me/market?done=cancelled')
    expect((await must(w, 'GET', `/v1/reward-redemptions/${id}`, w.fx.staff)).status).toBe('cancelled')
    expect((await v.get(`/me/market/redemptions/${id}`)).text).not.toContain('<svg')
  })

  it('says in plain words what the policy and the shelf refuse', async () => {
    const rewardId = await stocked('2', '毛巾', '10')
    // A member who has redeemed nothing yet: the frequency rule counts this month's redemptions.
    const cy = await w.memberUser()
    await earn(w, cy.memberId, 'POINT', '100')
    const v = await w.visitorAs(cy)
    await setPolicy(w, { minLifetimeHoursToRedeem: '100' })
    try {
      let page = await v.get('/me/market')
      const lifetime = await v.post('/me/market/redeem', { id: formId(page.text, rewardId), rewardId, quantity: '1' })
      expect(lifetime.status).toBe(422)
      expect(lifetime.text).toContain('按社区规定，累计服务满 100 小时 才能兑换。')

      await approvedHours(w, cy.memberId, '1.00')
      await setPolicy(w, { redemptionFrequency: { times: 1, per: 'month' } })
      page = await v.get('/me/market')
      expect((await v.post('/me/market/redeem', { id: formId(page.text, rewardId), rewardId, quantity: '1' })).status).toBe(303)
      page = await v.get('/me/market')
      const often = await v.post('/me/market/redeem', { id: formId(page.text, rewardId), rewardId, quantity: '1' })
      expect(often.status).toBe(422)
      expect(often.text).toContain('按社区规定，每月最多兑换 1 次。')
    } finally {
      await setPolicy(w, {})
    }
    // The last unit goes; then the page says sold out and offers no form, and one opened before is refused in words.
    const last = await v.get('/me/market')
    expect((await v.post('/me/market/redeem', { id: formId(last.text, rewardId), rewardId, quantity: '1' })).status).toBe(303)
    const page = await v.get('/me/market')
    expect(page.text).toContain('已兑完')
    expect(() => formId(page.text, rewardId)).toThrow()
    const empty = await v.post('/me/market/redeem', { id: uid('rd-stale-'), rewardId, quantity: '1' })
    expect(empty.status).toBe(422)
    expect(empty.text).toContain('这个物品已经没有了')
  })
})
