/**
 * Micro-wishes over HTTP: a resident posts a wish with a reward held from the
 * pool, a volunteer claims, fulfils, and the resident confirms (the reward
 * paid); who may do which: the poster never claims, the volunteer never
 * confirms, other members see the poster masked, staff limited to a grid see
 * only their subtree's wishes; lists and counts; reconciliation and healing
 * for admin only.
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type CommunityFixture, type FixtureMember, setUpCommunity } from '../testing/community-fixture.js'
import { type TestApi, startTestApi } from '../testing/harness.js'

let api: TestApi
let fx: CommunityFixture
let lili: FixtureMember
let bo: FixtureMember
let chen: FixtureMember
let n = 0
const uid = (p: string) => `${p}${++n}`

beforeAll(async () => {
  api = await startTestApi()
  fx = await setUpCommunity(api)
  lili = await fx.member({ gridId: 'g1', name: '张小明', phone: '13812341234' })
  bo = await fx.member({ gridId: 'g2' })
  chen = await fx.member({ gridId: 'g2' })
  const funded = await call('POST', '/v1/earnings', fx.admin, {
    id: 'fund-pool',
    to: 'pool:POINT',
    amount: '100',
    evidence: { activity: '社区公益金', reviewer: '社区主任' },
  })
  expect(funded.status, funded.text).toBe(201)
})
afterAll(() => api.close())

const call = (method: string, path: string, key: string, json?: unknown) =>
  api.request(method, path, { key, ...(json === undefined ? {} : { json }) })

/** A wish of lili's with a 20-point reward from the pool: staff commit the pool's points for her. */
async function wish(over: Record<string, unknown> = {}, key = fx.staff) {
  const res = await call('POST', '/v1/wishes', key, {
    id: uid('wish-'),
    posterId: lili.id,
    title: '一个新书包',
    description: '孩子开学需要一个书包',
    reward: { points: '20', sponsor: { type: 'pool' } },
    ...over,
  })
  expect(res.status, res.text).toBe(201)
  return res.body.id as string
}

const balance = async (accountId: string) => (await call('GET', `/v1/accounts/${accountId}/balance`, fx.admin)).body

describe('wishes over HTTP', () => {
  it('posted, claimed, fulfilled and confirmed by the poster pay the volunteer the reward once', async () => {
    const id = await wish()
    expect((await balance('pool:POINT')).available).toBe('80')
    const claimed = await call('POST', `/v1/wishes/${id}/claim`, bo.key)
    expect([claimed.status, claimed.body.status, claimed.body.claimant?.id]).toEqual([200, 'claimed', bo.id])
    const fulfilled = await call('POST', `/v1/wishes/${id}/fulfil`, bo.key, { note: '已送到' })
    expect([fulfilled.status, fulfilled.body.status]).toEqual([200, 'fulfilled'])
    const byVolunteer = await call('POST', `/v1/wishes/${id}/confirm`, bo.key)
    expect([byVolunteer.status, byVolunteer.body.error?.code]).toEqual([403, 'WISH_NOT_POSTER'])
    const confirmed = await call('POST', `/v1/wishes/${id}/confirm`, lili.key)
    expect([confirmed.status, confirmed.body.status]).toEqual([200, 'confirmed'])
    expect((await call('POST', `/v1/wishes/${id}/confirm`, lili.key)).body.status).toBe('confirmed')
    expect((await balance(`member:${bo.id}:POINT`)).posted).toBe('20')
  })

  it("lets a resident post a wish but not commit the pool's or an organisation's points to it; grid leaders not an organisation's", async () => {
    const pool = (await balance('pool:POINT')).available
    const own = await call('POST', '/v1/wishes', lili.key, {
      id: uid('wish-'),
      title: '书包',
      description: '',
      reward: { points: '20', sponsor: { type: 'pool' } },
    })
    expect([own.status, own.body.error?.code]).toEqual([403, 'FORBIDDEN'])
    const org = await call('POST', '/v1/wishes', lili.key, {
      id: uid('wish-'),
      title: '书包',
      description: '',
      reward: { points: '20', sponsor: { type: 'organisation', id: 'acme' } },
    })
    expect([org.status, org.body.error?.code]).toEqual([403, 'FORBIDDEN'])
    const leader = await call('POST', '/v1/wishes', fx.g1Staff, {
      id: uid('wish-'),
      posterId: lili.id,
      title: '书包',
      description: '',
      reward: { points: '20', sponsor: { type: 'organisation', id: 'acme' } },
    })
    expect([leader.status, leader.body.error?.code]).toEqual([403, 'FORBIDDEN'])
    expect((await balance('pool:POINT')).available).toBe(pool)
    expect((await call('POST', '/v1/wishes', lili.key, { id: uid('wish-'), title: '书包', description: '' })).status).toBe(201)
  })

  it('replays the same post under the same id and refuses other content', async () => {
    const id = uid('wish-')
    const body = { id, title: '修理水龙头', description: '' }
    expect((await call('POST', '/v1/wishes', lili.key, body)).status).toBe(201)
    const again = await call('POST', '/v1/wishes', lili.key, body)
    expect([again.status, again.headers.get('idempotency-replayed')]).toEqual([201, 'true'])
    const other = await call('POST', '/v1/wishes', lili.key, { ...body, title: '别的' })
    expect([other.status, other.body.error?.code]).toEqual([409, 'WISH_EXISTS'])
  })

  it('refuses the poster claiming her own wish and a second volunteer', async () => {
    const id = await wish({ reward: undefined })
    expect((await call('POST', `/v1/wishes/${id}/claim`, lili.key)).body.error?.code).toBe('WISH_OWN')
    await call('POST', `/v1/wishes/${id}/claim`, bo.key)
    const second = await call('POST', `/v1/wishes/${id}/claim`, chen.key)
    expect([second.status, second.body.error?.code]).toEqual([409, 'WISH_ALREADY_CLAIMED'])
  })

  it('a member may post only for herself', async () => {
    const res = await call('POST', '/v1/wishes', bo.key, { id: uid('w'), posterId: lili.id, title: 'x', description: '' })
    expect([res.status, res.body.error?.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
  })

  it('shows other members the poster masked, the poster and staff in full', async () => {
    const id = await wish({ reward: undefined })
    const other = await call('GET', `/v1/wishes/${id}`, bo.key)
    expect(other.body.poster).toMatchObject({ name: '张*明', phone: '138****1234' })
    const own = await call('GET', `/v1/wishes/${id}`, lili.key)
    expect(own.body.poster).toMatchObject({ name: '张小明', phone: '13812341234' })
    expect((await call('GET', `/v1/wishes/${id}`, fx.staff)).body.poster.name).toBe('张小明')
    const page = await call('GET', '/v1/wishes?status=published', bo.key)
    const shown = page.body.wishes.find((w: { id: string }) => w.id === id)
    expect(shown.poster.name).toBe('张*明')
  })

  it('staff limited to a grid see and act on their subtree only', async () => {
    const id = await wish({ reward: undefined })
    expect((await call('GET', `/v1/wishes/${id}`, fx.g1Staff)).status).toBe(200)
    const outside = await call('GET', `/v1/wishes/${id}`, fx.g2Staff)
    expect([outside.status, outside.body.error?.code]).toEqual([404, 'WISH_NOT_FOUND'])
    expect((await call('POST', `/v1/wishes/${id}/cancel`, fx.g2Staff)).status).toBe(404)
    const listed = await call('GET', '/v1/wishes', fx.g2Staff)
    expect(listed.body.wishes.map((w: { id: string }) => w.id)).not.toContain(id)
    const cancelled = await call('POST', `/v1/wishes/${id}/cancel`, fx.g1Staff, { reason: '已由家人解决' })
    expect([cancelled.status, cancelled.body.status]).toEqual([200, 'cancelled'])
  })

  it('staff claim and fulfil for a volunteer; the volunteer releases it back to published', async () => {
    const id = await wish()
    const claimed = await call('POST', `/v1/wishes/${id}/claim`, fx.staff, { volunteerId: chen.id })
    expect(claimed.body.claimant?.id).toBe(chen.id)
    const released = await call('POST', `/v1/wishes/${id}/release`, chen.key)
    expect([released.status, released.body.status]).toEqual([200, 'published'])
    await call('POST', `/v1/wishes/${id}/claim`, bo.key)
    const notHis = await call('POST', `/v1/wishes/${id}/fulfil`, chen.key)
    expect([notHis.status, notHis.body.error?.code]).toEqual([403, 'WISH_NOT_CLAIMANT'])
    expect((await call('POST', `/v1/wishes/${id}/fulfil`, fx.staff)).body.status).toBe('fulfilled')
  })

  it('counts wishes of a period for staff, not for members', async () => {
    const period = new Date().toISOString().slice(0, 4)
    const res = await call('GET', `/v1/wishes/counts?period=${period}`, fx.staff)
    expect(res.status, res.text).toBe(200)
    expect(res.body.posted).toBeGreaterThanOrEqual(1)
    expect(res.body.claimed).toBeGreaterThanOrEqual(1)
    expect(res.body.confirmed).toBeGreaterThanOrEqual(1)
    expect((await call('GET', `/v1/wishes/counts?period=${period}`, bo.key)).status).toBe(403)
  })

  it('lists a confirmation a crash left unfinished for admin, and heals it: the reward paid once; staff and members are refused', async () => {
    const id = await wish()
    expect((await call('POST', `/v1/wishes/${id}/claim`, chen.key)).status).toBe(200)
    expect((await call('POST', `/v1/wishes/${id}/fulfil`, chen.key)).status).toBe(200)
    // The confirmation claimed, then the process stopped before its ledger step.
    await api.storage.db.execute(
      sql`update cm_wishes set status = 'confirming', resume_status = 'fulfilled' where tenant_id = ${fx.tenantId} and id = ${id}`,
    )
    for (const key of [fx.staff, fx.g1Staff, chen.key]) {
      const list = await call('GET', '/v1/wishes/reconciliation', key)
      const heal = await call('POST', '/v1/wishes/reconciliation/heal', key)
      expect([list.status, list.body.error?.code, heal.status, heal.body.error?.code]).toEqual([403, 'FORBIDDEN', 403, 'FORBIDDEN'])
    }
    const before = Number((await balance(`member:${chen.id}:POINT`)).posted)
    const problems = await call('GET', '/v1/wishes/reconciliation', fx.admin)
    expect([problems.status, problems.body]).toEqual([200, { problems: [{ wishId: id, status: 'confirming', kind: 'unfinished' }] }])
    const healed = await call('POST', '/v1/wishes/reconciliation/heal', fx.admin)
    expect([healed.status, healed.body]).toEqual([200, { finished: 1, refused: 0 }])
    expect((await call('GET', `/v1/wishes/${id}`, fx.admin)).body.status).toBe('confirmed')
    expect(Number((await balance(`member:${chen.id}:POINT`)).posted) - before).toBe(20)
    expect((await call('POST', '/v1/wishes/reconciliation/heal', fx.admin)).body).toEqual({ finished: 0, refused: 0 })
    expect((await call('GET', '/v1/wishes/reconciliation', fx.admin)).body).toEqual({ problems: [] })
  })
})
