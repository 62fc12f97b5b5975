/**
 * The points supermarket for staff: the catalogue with low stock marked, adding a reward, restock and
 * write-off, the stock report; and handing a redemption over by its scanned code (`R:<id>` or the
 * bare id), the API then showing it handed over and the stock moved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Visitor } from '../../testing/visitor.js'
import { type TestWeb, startTestWeb } from '../../testing/web-harness.js'
import { redemptionIdOf } from './handover.js'

let w: TestWeb
let staff: Visitor
let n = 0

const api = (method: string, path: string, json?: unknown, key = w.fx.staff) =>
  w.api.request(method, path, { key, ...(json === undefined ? {} : { json }) })

/** A reward with `units` on the shelf. */
async function stocked(units: string, price = '50', name = '东北大米 5kg'): Promise<string> {
  const id = `rw-${++n}`
  expect((await api('POST', '/v1/rewards', { id, name, price })).status).toBe(201)
  expect((await api('POST', `/v1/rewards/${id}/restocks`, { id: `in-${n}`, quantity: units, reason: '捐赠' })).status).toBe(201)
  return id
}

/** A member with points, and their reservation of `quantity` of the reward. */
async function reserved(rewardId: string, quantity = '1') {
  const member = await w.fx.member({ name: '张小明' })
  await w.api.ledger.earn({
    tenantId: w.tenantId,
    id: `points-${member.id}`,
    to: `member:${member.id}:POINT`,
    amount: '500',
    evidence: { activity: 'seed', reviewer: 'test' },
  })
  const id = `rd-${++n}`
  const made = await api('POST', '/v1/reward-redemptions', { id, rewardId, quantity }, member.key)
  expect(made.body).toMatchObject({ status: 'reserved' })
  return { id, member }
}

beforeAll(async () => {
  w = await startTestWeb()
  staff = await w.visitorAs(w.staffUser)
})
afterAll(() => w.close())

describe('reading a scanned code', () => {
  it('takes R:<id>, a bare id and stray spaces; nothing is no code', () => {
    expect(redemptionIdOf('R:rd-0301-ana')).toBe('rd-0301-ana')
    expect(redemptionIdOf(' r:rd-1 \n')).toBe('rd-1')
    expect(redemptionIdOf('rd-2')).toBe('rd-2')
    expect(redemptionIdOf('R:')).toBeNull()
    expect(redemptionIdOf('   ')).toBeNull()
  })
})

describe('handing over by scanned code', () => {
  it('finds the redemption by R:<id>, shows it with the member masked, and hands it over: points and stock move', async () => {
    const rewardId = await stocked('3')
    const { id, member } = await reserved(rewardId, '2')
    await staff.get('/staff/market/handover')
    const scanned = await staff.post('/staff/market/handover', { code: `R:${id}` })
    expect(scanned.status).toBe(303)
    const shown = await staff.get(scanned.location as string)
    expect(shown.status).toBe(200)
    expect(shown.text).toContain('东北大米 5kg')
    expect(shown.text).toContain('张*明')
    expect(shown.text).not.toContain(member.name)
    expect(shown.text).toContain('100 积分')
    expect(shown.text).toContain(`action="/staff/market/handover/${id}/hand-over"`)

    const handed = await staff.post(`/staff/market/handover/${id}/hand-over`, {})
    expect(handed.status).toBe(303)
    expect((await staff.get(handed.location as string)).text).toContain('已发放，积分已扣除')
    expect((await api('GET', `/v1/reward-redemptions/${id}`)).body.status).toBe('handed_over')
    const [stock] = (await api('GET', `/v1/reward-stock?rewardId=${rewardId}`)).body.rewards
    expect(stock).toMatchObject({ onShelf: '1', reserved: '0', handedOut: '2', pointsReceived: '100', matches: true })
    const balance = await api('GET', `/v1/accounts/member:${member.id}:POINT/balance`, undefined, w.fx.admin)
    expect(balance.body.posted).toBe('400')

    // Scanning it again shows it handed over, with no button to hand it over twice.
    const again = await staff.get(`/staff/market/handover?code=${encodeURIComponent(`R:${id}`)}`)
    expect(again.text).toContain('已发放')
    expect(again.text).not.toContain('/hand-over"')
  })

  it('takes a bare id typed by hand, and cancels at the desk', async () => {
    const rewardId = await stocked('1')
    const { id } = await reserved(rewardId)
    const shown = await staff.get(`/staff/market/handover?code=${id}`)
    expect(shown.text).toContain(`action="/staff/market/handover/${id}/cancel"`)
    const cancelled = await staff.post(`/staff/market/handover/${id}/cancel`, { reason: '不要了' })
    expect(cancelled.status).toBe(303)
    expect((await api('GET', `/v1/reward-redemptions/${id}`)).body).toMatchObject({ status: 'cancelled', reason: '不要了' })
    expect((await api('GET', `/v1/reward-stock?rewardId=${rewardId}`)).body.rewards[0]).toMatchObject({ onShelf: '1', reserved: '0' })
  })

  it('says a code is unknown, and shows a refused hand-over on the page', async () => {
    const unknown = await staff.get('/staff/market/handover?code=R%3Ano-such-redemption')
    expect(unknown.status).toBe(404)
    expect(unknown.text).toContain('找不到兑换码“R:no-such-redemption”')
    const nonsense = await staff.get(`/staff/market/handover?code=${encodeURIComponent('R:<script>x</script>')}`)
    expect(nonsense.status).toBe(404)
    expect(nonsense.text).not.toContain('<script>x')

    const rewardId = await stocked('1')
    const { id } = await reserved(rewardId)
    await api('POST', `/v1/reward-redemptions/${id}/cancel`)
    await staff.get(`/staff/market/handover?code=R:${id}`)
    const refused = await staff.post(`/staff/market/handover/${id}/hand-over`, {})
    expect(refused.status).toBe(409)
    expect(refused.text).toContain('role="alert"')
    expect(refused.text).toContain('cancelled')
  })
})

describe('the supermarket for staff', () => {
  it('adds a reward through the form, restocks it and writes some off; low stock is marked', async () => {
    const page = await staff.get('/staff/market')
    const id = /name="id" value="(rw-[\w-]+)"/.exec(page.text)?.[1] as string
    const added = await staff.post('/staff/market/rewards', { id, name: '洗衣液 <1L>', price: '30', pickupDays: '7', description: '' })
    expect(added.location).toBe('/staff/market?done=added')
    expect((await api('GET', `/v1/rewards/${id}`)).body).toMatchObject({ name: '洗衣液 <1L>', price: '30', pickupDays: 7 })

    const market = await staff.get('/staff/market')
    const restockId = new RegExp(`/staff/market/rewards/${id}/restocks"[^]*?name="id" value="(in-[\\w-]+)"`).exec(
      market.text,
    )?.[1] as string
    expect(restockId).toBeDefined()
    const fields = { id: restockId, quantity: '12', reason: '超市捐赠' }
    expect((await staff.post(`/staff/market/rewards/${id}/restocks`, fields)).location).toBe('/staff/market?done=restocked')
    expect((await staff.post(`/staff/market/rewards/${id}/restocks`, fields)).status).toBe(303)
    expect((await staff.post(`/staff/market/rewards/${id}/write-offs`, { id: `off-${++n}`, quantity: '8', reason: '受潮' })).status).toBe(
      303,
    )
    const [stock] = (await api('GET', `/v1/reward-stock?rewardId=${id}`)).body.rewards
    expect(stock).toMatchObject({ restocked: '12', writtenOff: '8', onShelf: '4', matches: true })

    const after = await staff.get('/staff/market')
    expect(after.text).toContain('洗衣液 &lt;1L&gt;')
    const row = /<tr class="low-stock"><td data-label="商品"><strong>洗衣液 &lt;1L&gt;/.test(after.text)
    expect(row).toBe(true)
    expect(after.text).toContain('库存不足')
    expect(after.text).toContain('相符')
  })

  it('refuses writing off more than is on the shelf, on the page', async () => {
    const rewardId = await stocked('2')
    await staff.get('/staff/market')
    const refused = await staff.post(`/staff/market/rewards/${rewardId}/write-offs`, { id: `off-${++n}`, quantity: '5', reason: '丢失' })
    expect(refused.status).toBe(422)
    expect(refused.text).toContain('role="alert"')
    expect((await api('GET', `/v1/reward-stock?rewardId=${rewardId}`)).body.rewards[0].onShelf).toBe('2')
  })

  it('lists the redemptions waiting at the desk with a link to hand each over', async () => {
    const rewardId = await stocked('5', '20', '香皂')
    const { id } = await reserved(rewardId)
    const page = await staff.get('/staff/market')
    expect(page.text).toContain(`/staff/market/handover?code=${encodeURIComponent(`R:${id}`)}`)
  })
})
