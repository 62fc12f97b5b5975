/**
 * What the catalogue says of the stock: each reward in stock or not, for
 * members and staff alike; the counts stay in the staff's stock report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type CommunityFixture, setUpCommunity } from '../testing/community-fixture.js'
import { type TestApi, startTestApi } from '../testing/harness.js'

let api: TestApi
let fx: CommunityFixture

beforeAll(async () => {
  api = await startTestApi()
  fx = await setUpCommunity(api)
})
afterAll(() => api.close())

const post = async (path: string, json: unknown) => {
  const res = await api.request('POST', path, { key: fx.admin, json })
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${res.text}`)
  return res.body
}

describe('the catalogue', () => {
  it('says whether each reward is in stock: a unit free on the shelf, none once the last is reserved or written off', async () => {
    await post('/v1/rewards', { id: 'rice', name: '大米', price: '1' })
    await post('/v1/rewards', { id: 'oil', name: '食用油', price: '1' })
    await post('/v1/rewards', { id: 'soap', name: '香皂', price: '1' })
    await post('/v1/rewards/rice/restocks', { id: 'in-rice', quantity: '3', reason: '捐赠' })
    await post('/v1/rewards/oil/restocks', { id: 'in-oil', quantity: '1', reason: '捐赠' })
    await post('/v1/rewards/oil/write-offs', { id: 'off-oil', quantity: '1', reason: '过期' })
    const m = await fx.member()
    await api.ledger.earn({
      tenantId: fx.tenantId,
      id: `points-${m.id}`,
      to: `member:${m.id}:POINT`,
      amount: '10',
      evidence: { activity: 'seed', reviewer: 'test' },
    })
    // Reserved, not yet handed over: no longer free.
    const r = await api.request('POST', '/v1/reward-redemptions', { key: m.key, json: { id: 'rd-1', rewardId: 'rice', quantity: '3' } })
    expect(r.status).toBe(201)
    await post('/v1/rewards/rice/restocks', { id: 'in-rice-2', quantity: '1', reason: '捐赠' })
    for (const key of [m.key, fx.staff]) {
      const page = await api.request('GET', '/v1/rewards', { key })
      const shown = Object.fromEntries(page.body.rewards.map((x: { id: string; inStock: boolean }) => [x.id, x.inStock]))
      expect(shown).toEqual({ oil: false, rice: true, soap: false })
    }
    // The counts are the stock report's, which a member may not read.
    expect((await api.request('GET', '/v1/reward-stock', { key: m.key })).status).toBe(403)
  })
})
