/**
 * The points supermarket over HTTP: staff stock a reward, a member redeems it
 * and staff hand it over (the stock report matching the ledger), a member
 * cancels their own, staff redeem for a member in their grid only, and who may
 * do what.
 *
 * @example
 * pnpm exec vitest run --project api src/routes/redemptions.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type CommunityFixture, type FixtureMember, setUpCommunity } from '../testing/community-fixture.js'
import { type TestApi, startTestApi } from '../testing/harness.js'

let api: TestApi
let fx: CommunityFixture
let ana: FixtureMember
let bo: FixtureMember
let n = 0
const uid = (p: string) => `${p}-${++n}`

beforeAll(async () => {
  api = await startTestApi()
  fx = await setUpCommunity(api)
  ana = await fx.member({ gridId: 'g1' })
  bo = await fx.member({ gridId: 'g2' })
  for (const m of [ana, bo]) {
    await api.ledger.earn({
      tenantId: fx.tenantId,
      id: uid('gift'),
      to: `member:${m.id}:POINT`,
      amount: '500',
      evidence: { activity: 'test', reviewer: 'test' },
    })
  }
})
afterAll(() => api.close())

const req = (method: string, path: string, key: string, json?: unknown) =>
  api.request(method, path, { key, ...(json === undefined ? {} : { json }) })

async function stocked(units: string, price = '50'): Promise<string> {
  const id = uid('reward')
  expect((await req('POST', '/v1/rewards', fx.staff, { id, name: '大米 5kg', price })).status).toBe(201)
  expect((await req('POST', `/v1/rewards/${id}/restocks`, fx.staff, { id: uid('in'), quantity: units, reason: '捐赠' })).status).toBe(201)
  return id
}

describe('the supermarket by HTTP', () => {
  it('stocks a reward, lets a member redeem it, hands it over, and the stock report matches the ledger', async () => {
    const rewardId = await stocked('3')
    const id = uid('rd')
    const made = await req('POST', '/v1/reward-redemptions', ana.key, { id, rewardId, quantity: '2' })
    expect(made.status).toBe(201)
    expect(made.body).toMatchObject({ id, memberId: ana.id, status: 'reserved', points: '100' })
    const again = await req('POST', '/v1/reward-redemptions', ana.key, { id, rewardId, quantity: '2' })
    expect([again.status, again.headers.get('idempotency-replayed')]).toEqual([201, 'true'])

    expect((await req('POST', `/v1/reward-redemptions/${id}/hand-over`, ana.key)).status).toBe(403)
    const handed = await req('POST', `/v1/reward-redemptions/${id}/hand-over`, fx.g2Staff)
    expect(handed.body).toMatchObject({ status: 'handed_over' })
    const report = await req('GET', `/v1/reward-stock?rewardId=${rewardId}`, fx.staff)
    expect(report.body.rewards[0]).toMatchObject({ onShelf: '1', reserved: '0', handedOut: '2', pointsReceived: '100', matches: true })
    expect((await req('GET', '/v1/reward-stock', ana.key)).status).toBe(403)
    expect((await req('POST', `/v1/reward-redemptions/${id}/cancel`, ana.key)).body.error.code).toBe('INVALID_TRANSITION')
  })

  it('lets a member cancel their own reservation but not see or cancel another member’s', async () => {
    const rewardId = await stocked('2')
    const id = uid('rd')
    await req('POST', '/v1/reward-redemptions', ana.key, { id, rewardId })
    expect((await req('GET', `/v1/reward-redemptions/${id}`, bo.key)).body.error.code).toBe('REDEMPTION_NOT_FOUND')
    expect((await req('POST', `/v1/reward-redemptions/${id}/cancel`, bo.key)).body.error.code).toBe('REDEMPTION_NOT_FOUND')
    const cancelled = await req('POST', `/v1/reward-redemptions/${id}/cancel`, ana.key, { reason: '不需要了' })
    expect(cancelled.body).toMatchObject({ status: 'cancelled', reason: '不需要了' })
    const mine = await req('GET', '/v1/reward-redemptions', ana.key)
    expect(mine.body.redemptions.every((r: { memberId: string }) => r.memberId === ana.id)).toBe(true)
    expect(mine.body.redemptions.map((r: { id: string }) => r.id)).toContain(id)
  })

  it('lets staff redeem for a member within their grid only, and a member only for themselves', async () => {
    const rewardId = await stocked('5', '10')
    const forBo = { id: uid('rd'), rewardId, memberId: bo.id }
    expect((await req('POST', '/v1/reward-redemptions', fx.g1Staff, forBo)).body.error.code).toBe('MEMBER_NOT_FOUND')
    expect((await req('POST', '/v1/reward-redemptions', ana.key, forBo)).body.error.code).toBe('MEMBER_NOT_FOUND')
    const byStaff = await req('POST', '/v1/reward-redemptions', fx.g2Staff, forBo)
    expect(byStaff.body).toMatchObject({ memberId: bo.id, status: 'reserved' })
    expect((await req('POST', '/v1/reward-redemptions', fx.staff, { id: uid('rd'), rewardId })).body.error.code).toBe('VALIDATION')
    expect((await req('GET', '/v1/reward-redemptions', fx.g1Staff)).status).toBe(403)
    expect((await req('GET', `/v1/reward-redemptions?memberId=${bo.id}`, fx.g2Staff)).body.redemptions).toHaveLength(1)
  })

  it('refuses the last units twice over as OUT_OF_STOCK and keeps the catalogue to those who keep it', async () => {
    const rewardId = await stocked('1')
    expect((await req('POST', '/v1/reward-redemptions', ana.key, { id: uid('rd'), rewardId })).status).toBe(201)
    const late = await req('POST', '/v1/reward-redemptions', bo.key, { id: uid('rd'), rewardId })
    expect([late.status, late.body.error.code]).toEqual([422, 'OUT_OF_STOCK'])
    expect((await req('POST', '/v1/rewards', fx.g1Staff, { id: uid('reward'), name: 'x', price: '1' })).status).toBe(403)
    expect((await req('POST', `/v1/rewards/${rewardId}/write-offs`, ana.key, { id: uid('off'), quantity: '1', reason: 'x' })).status).toBe(
      403,
    )
    const off = await req('POST', `/v1/rewards/${rewardId}/write-offs`, fx.staff, { id: uid('off'), quantity: '1', reason: '破损' })
    expect(off.body.error.code).toBe('OUT_OF_STOCK')
    await req('PATCH', `/v1/rewards/${rewardId}`, fx.staff, { active: false })
    expect((await req('GET', `/v1/rewards/${rewardId}`, ana.key)).body.error.code).toBe('REWARD_NOT_FOUND')
    const listed = await req('GET', '/v1/rewards?active=false', ana.key)
    expect(listed.body.rewards.map((r: { id: string }) => r.id)).not.toContain(rewardId)
    expect((await req('GET', '/v1/reward-redemptions-reconciliation', fx.admin)).body).toEqual({ problems: [] })
    expect((await req('POST', '/v1/reward-redemptions-expiry', fx.admin)).body).toEqual({ expired: 0 })
  })
})
