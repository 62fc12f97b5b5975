/**
 * Points expiry over HTTP: a run by an admin, once and again, and what a
 * member, a grid leader and another member may read of what expires when.
 *
 * @example
 * pnpm exec vitest run --project api src/routes/expiry.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type ActivityWorld, must, seedActivityWorld } from '../testing/activity-fixture.js'
import { type TestApi, startTestApi } from '../testing/harness.js'

let api: TestApi
let w: ActivityWorld

const DAY = 86_400_000
/** A run takes no rule: it expires by the policy in force (set to a year below). */
const YEARLY = {}

beforeAll(async () => {
  api = await startTestApi()
  w = await seedActivityWorld(api)
  await api.ledger.earn({
    tenantId: w.tenantId,
    id: 'seed-ana',
    to: 'member:ana:POINT',
    amount: '30',
    evidence: { activity: 'clean-up', reviewer: 'staff' },
  })
  w.advance(2 * DAY)
  await api.ledger.transfer({ tenantId: w.tenantId, id: 'gift-ana', from: 'member:ana:POINT', to: 'pool:POINT', amount: '12' })
  await must(api, 'POST', '/v1/community/policies', { key: w.keys.admin, json: { policy: { pointsExpiry: { months: 12 } } } }, 201)
})
afterAll(() => api.close())

const expiring = (key: string, memberId = 'ana', query = 'months=12') =>
  api.request('GET', `/v1/members/${memberId}/expiring-points?${query}`, { key })

describe('what expires when', () => {
  it('shows a member their own points that will expire, and when', async () => {
    const res = await expiring(w.keys.ana)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ memberId: 'ana', available: '18', total: '18' })
    expect(res.body.expiring).toHaveLength(1)
    expect(res.body.expiring[0]).toMatchObject({ amount: '18', overdue: false, held: false })
    expect(Date.parse(res.body.expiring[0].expiresAt)).toBeGreaterThan(w.now().getTime() + 300 * DAY)
    const calendar = await must(api, 'GET', '/v1/members/ana/expiring-points?months=12&group=year', { key: w.keys.ana })
    expect(calendar.rule).toEqual({ months: 12, group: 'year' })
  })

  it("hides another member's points, and those of members outside a grid leader's subtree", async () => {
    for (const key of [w.keys.bo, w.keys.outsider]) {
      const res = await expiring(key)
      expect([res.status, res.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
    }
    expect((await expiring(w.keys.leader)).status).toBe(200)
  })

  it('refuses a rule it cannot use', async () => {
    for (const query of ['months=0', 'months=1.5', 'months=12&group=week', 'months=121', 'group=year']) {
      const res = await expiring(w.keys.admin, 'ana', query)
      expect([query, res.status]).toEqual([query, 400])
    }
  })
})

describe('the expiry run', () => {
  it('is for admin keys only', async () => {
    for (const key of [w.keys.staff, w.keys.ana]) {
      expect((await api.request('POST', '/v1/expiry-runs', { key, json: YEARLY })).status).toBe(403)
    }
  })

  it('expires the points that fell due, once', async () => {
    const early = await must(api, 'POST', '/v1/expiry-runs', { key: w.keys.admin, json: YEARLY })
    expect(early).toMatchObject({ expirations: 0, amount: '0', failed: [] })
    w.advance(400 * DAY)
    const first = await must(api, 'POST', '/v1/expiry-runs', { key: w.keys.admin, json: YEARLY })
    expect(first).toMatchObject({ members: 3, expiredMembers: 1, expirations: 1, amount: '18', failed: [] })
    const again = await must(api, 'POST', '/v1/expiry-runs', { key: w.keys.admin, json: YEARLY })
    expect(again).toMatchObject({ expirations: 0, amount: '0' })
    expect((await api.ledger.getBalance({ tenantId: w.tenantId, accountId: 'member:ana:POINT' })).posted).toBe('0')
    expect((await api.ledger.getBalance({ tenantId: w.tenantId, accountId: 'expired:POINT' })).posted).toBe('18')
    expect((await expiring(w.keys.ana)).body).toMatchObject({ total: '0', expiring: [] })
  })

  it('refuses an as-of instant in the future and a body with what it does not know', async () => {
    const future = new Date(w.now().getTime() + DAY).toISOString()
    // A rule of the caller's own is refused: only the policy's rule expires anyone's points.
    const bad = [{ asOf: future }, { extra: 1 }, { rule: { months: 1 } }]
    for (const json of bad) {
      const res = await api.request('POST', '/v1/expiry-runs', { key: w.keys.admin, json })
      expect(res.status).toBe(400)
    }
  })
})
