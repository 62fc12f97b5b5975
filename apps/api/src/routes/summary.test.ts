/**
 * The dashboard's summary route: who may read it, and a grid leader's
 * figures narrowed to its subtree. What it counts is the community's
 * (summary/summary.test.ts).
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
  const inG1 = await fx.member({ gridId: 'g1' })
  const inG2 = await fx.member({ gridId: 'g2' })
  for (const [i, m] of [inG1, inG2, inG2].entries()) {
    const res = await api.request('POST', '/v1/hour-records', {
      key: fx.staff,
      json: { id: `visit-${i}`, memberId: m.id, kind: 'elder-visit', startedAt: '2026-03-01T06:00:00Z', endedAt: '2026-03-01T07:00:00Z' },
    })
    if (res.status !== 201) throw new Error(`POST /v1/hour-records answered ${res.status}: ${res.text}`)
  }
  const wish = await api.request('POST', '/v1/wishes', {
    key: fx.staff,
    json: { id: 'w-g2', posterId: inG2.id, title: '帮忙买菜', description: '' },
  })
  if (wish.status !== 201) throw new Error(`POST /v1/wishes answered ${wish.status}: ${wish.text}`)
})
afterAll(() => api.close())

const summary = (key: string | undefined, query = '') =>
  api.request('GET', `/v1/community/summary${query}`, key === undefined ? {} : { key })

describe('GET /v1/community/summary', () => {
  it('answers admins and staff with the whole community, a grid leader with its subtree', async () => {
    const all = await summary(fx.admin, '?period=2026-03')
    expect(all.status).toBe(200)
    expect(all.body).toMatchObject({ period: '2026-03', pendingApprovals: 3, wishes: { published: 1 }, lowStockThreshold: 5 })
    expect((await summary(fx.staff, '?period=2026-03')).body).toMatchObject({ pendingApprovals: 3 })
    expect((await summary(fx.g1Staff, '?period=2026-03')).body).toMatchObject({ pendingApprovals: 1, wishes: { published: 0 } })
    expect((await summary(fx.g2Staff, '?period=2026-03&lowStock=0')).body).toMatchObject({
      pendingApprovals: 2,
      wishes: { published: 1 },
      lowStockThreshold: 0,
    })
  })

  it('is refused to members (403) and without a key (401); a bad period or threshold is 400', async () => {
    const m = await fx.member()
    expect([(await summary(m.key)).status, (await summary(undefined)).status]).toEqual([403, 401])
    for (const q of ['?period=2026-Q1', '?period=march', '?lowStock=-1', '?lowStock=abc']) {
      const res = await summary(fx.admin, q)
      expect([q, res.status, res.body.error.code]).toEqual([q, 400, 'VALIDATION'])
    }
  })
})
