/**
 * Hour records over HTTP: entered by hand and approved by a second person,
 * decided one by one and in bulk, complained about, and who may do which: a
 * member never approves (its own or anyone's) and sees only its own records; a
 * grid leader's key sees and decides only its subtree's members' records;
 * another community sees nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type CommunityFixture, type FixtureMember, setUpCommunity } from '../testing/community-fixture.js'
import { type TestApi, startTestApi } from '../testing/harness.js'

let api: TestApi
let fx: CommunityFixture
let other: CommunityFixture
let ana: FixtureMember
let bo: FixtureMember
let n = 0
const uid = (p: string) => `${p}${++n}`

beforeAll(async () => {
  api = await startTestApi()
  fx = await setUpCommunity(api)
  other = await setUpCommunity(api)
  ana = await fx.member({ gridId: 'g1' })
  bo = await fx.member({ gridId: 'g2' })
})
afterAll(() => api.close())

const call = (method: string, path: string, key: string, json?: unknown) =>
  api.request(method, path, { key, ...(json === undefined ? {} : { json }) })

/** A manual record of `hours` for a member, entered by the unlimited staff key. */
async function record(memberId: string, hours = '1.5', key = fx.staff) {
  const res = await call('POST', '/v1/hour-records', key, {
    id: uid('rec-'),
    memberId,
    kind: 'elder-visit',
    startedAt: '2026-03-01T01:00:00Z',
    endedAt: '2026-03-01T03:00:00Z',
    hours,
  })
  expect(res.status, res.text).toBe(201)
  return res.body.id as string
}

describe('hour records over HTTP', () => {
  it('are entered by hand, approved by someone else, and credit hours and points the member can see', async () => {
    const id = await record(ana.id, '2')
    const mine = await call('POST', `/v1/hour-records/${id}/approve`, fx.staff)
    expect([mine.status, mine.body.error?.code]).toEqual([403, 'SECOND_APPROVER_REQUIRED'])
    const approved = await call('POST', `/v1/hour-records/${id}/approve`, fx.admin)
    expect(approved.status, approved.text).toBe(200)
    expect(approved.body).toMatchObject({ id, status: 'approved', hours: '2.00', points: '2', ruleVersion: 1 })
    const balance = await call('GET', `/v1/accounts/member:${ana.id}:HOUR/balance`, ana.key)
    expect([balance.status, balance.body.posted]).toEqual([200, '2.00'])
    const history = await call('GET', `/v1/hour-records/${id}/history`, ana.key)
    expect(history.body.events.map((e: { action: string }) => e.action)).toEqual(['created', 'approved'])
  })

  it('replay an entry under the same id and refuse other content under it', async () => {
    const body = { id: uid('same-'), memberId: ana.id, kind: 'visit', startedAt: '2026-03-01T01:00:00Z', endedAt: '2026-03-01T02:00:00Z' }
    const first = await call('POST', '/v1/hour-records', fx.staff, body)
    const again = await call('POST', '/v1/hour-records', fx.staff, body)
    expect([first.status, again.status, again.headers.get('idempotency-replayed')]).toEqual([201, 201, 'true'])
    const changed = await call('POST', '/v1/hour-records', fx.staff, { ...body, hours: '3' })
    expect([changed.status, changed.body.error.code]).toEqual([409, 'RECORD_EXISTS'])
  })

  it('approve many at once with one result each, and reject with a reason', async () => {
    const ids = [await record(ana.id), await record(ana.id), await record(bo.id)]
    const res = await call('POST', '/v1/hour-records/approvals', fx.admin, { recordIds: [...ids, 'nope'] })
    expect(res.status, res.text).toBe(200)
    expect(res.body.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, true, false])
    expect(res.body.results[3].error.code).toBe('RECORD_NOT_FOUND')
    const rid = await record(bo.id)
    const rejected = await call('POST', '/v1/hour-records/rejections', fx.admin, { recordIds: [rid, ids[0]], reason: '不在签到表上' })
    expect(rejected.body.results.map((r: { ok: boolean; error?: { code: string } }) => r.ok || r.error?.code)).toEqual([
      true,
      'INVALID_TRANSITION',
    ])
  })

  it('adjust a pending record with a reason and uphold a complaint against an approved one', async () => {
    const id = await record(bo.id, '3')
    const adjusted = await call('POST', `/v1/hour-records/${id}/adjust`, fx.admin, { hours: '1', reason: '提前离开' })
    expect([adjusted.status, adjusted.body.hours]).toEqual([200, '1.00'])
    const nothing = await call('POST', `/v1/hour-records/${id}/adjust`, fx.admin, { reason: 'no change' })
    expect([nothing.status, nothing.body.error.code]).toEqual([400, 'VALIDATION'])
    // Who adjusted it may not approve it alone, nor who entered it (fx.staff): a third person does.
    const alone = await call('POST', `/v1/hour-records/${id}/approve`, fx.admin)
    expect([alone.status, alone.body.error.code]).toEqual([403, 'SECOND_APPROVER_REQUIRED'])
    const approved = await call('POST', `/v1/hour-records/${id}/approve`, fx.g2Staff)
    expect([approved.status, approved.body.status]).toEqual([200, 'approved'])
    const complaint = await call('POST', `/v1/hour-records/${id}/complaint`, fx.admin, { reason: '经核实未参加' })
    expect([complaint.status, complaint.body.status]).toEqual([200, 'reversed'])
    const reconciliation = await call('GET', '/v1/community/reconciliation', fx.admin)
    expect([reconciliation.status, reconciliation.body.problems]).toEqual([200, []])
  })

  it('answer a member its own records only, and never let it decide', async () => {
    const id = await record(ana.id)
    const others = await record(bo.id)
    const list = await call('GET', '/v1/hour-records', ana.key)
    expect(list.status).toBe(200)
    expect(new Set(list.body.records.map((r: { memberId: string }) => r.memberId))).toEqual(new Set([ana.id]))
    const snoop = await call('GET', `/v1/hour-records?memberId=${bo.id}`, ana.key)
    expect([snoop.status, snoop.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
    expect((await call('GET', `/v1/hour-records/${others}`, ana.key)).status).toBe(404)
    for (const path of [`/v1/hour-records/${id}/approve`, '/v1/hour-records/approvals']) {
      const res = await call('POST', path, ana.key, path.endsWith('approvals') ? { recordIds: [id] } : undefined)
      expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN'])
    }
  })

  it("let a grid leader's key see and decide only its subtree's records", async () => {
    const inside = await record(ana.id)
    const outside = await record(bo.id)
    const list = await call('GET', '/v1/hour-records?status=pending', fx.g1Staff)
    expect(list.status, list.text).toBe(200)
    expect(list.body.records.every((r: { memberId: string }) => r.memberId === ana.id)).toBe(true)
    expect((await call('GET', `/v1/hour-records/${outside}`, fx.g1Staff)).status).toBe(404)
    const refused = await call('POST', `/v1/hour-records/${outside}/approve`, fx.g1Staff)
    expect([refused.status, refused.body.error.code]).toEqual([404, 'RECORD_NOT_FOUND'])
    const bulk = await call('POST', '/v1/hour-records/approvals', fx.g1Staff, { recordIds: [inside, outside] })
    expect(bulk.body.results.map((r: { ok: boolean; error?: { code: string } }) => r.ok || r.error?.code)).toEqual([
      true,
      'RECORD_NOT_FOUND',
    ])
    expect((await call('GET', `/v1/hour-records/${outside}`, fx.admin)).body.status).toBe('pending')
    const entry = await call('POST', '/v1/hour-records', fx.g1Staff, {
      id: uid('out-'),
      memberId: bo.id,
      kind: 'visit',
      startedAt: '2026-03-01T01:00:00Z',
      endedAt: '2026-03-01T02:00:00Z',
    })
    expect([entry.status, entry.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
  })

  it('show another community nothing of this one', async () => {
    const id = await record(ana.id)
    expect((await call('GET', `/v1/hour-records/${id}`, other.admin)).status).toBe(404)
    const bulk = await call('POST', '/v1/hour-records/approvals', other.admin, { recordIds: [id] })
    expect(bulk.body.results[0].error.code).toBe('RECORD_NOT_FOUND')
    expect((await call('GET', `/v1/hour-records/${id}`, fx.admin)).body.status).toBe('pending')
  })

  it('refuse malformed input with 400, never 500', async () => {
    for (const [path, body] of [
      ['/v1/hour-records', { memberId: ana.id }],
      ['/v1/hour-records', { id: uid('x'), memberId: ana.id, kind: 'visit', startedAt: 'yesterday', endedAt: '2026-03-01T02:00:00Z' }],
      [
        '/v1/hour-records',
        { id: uid('x'), memberId: ana.id, kind: 'visit', startedAt: '2026-03-01T02:00:00Z', endedAt: '2026-03-01T01:00:00Z', hours: '1' },
      ],
      ['/v1/hour-records/approvals', { recordIds: [] }],
      ['/v1/hour-records/approvals', { recordIds: ['a b'] }],
    ] as const) {
      const res = await call('POST', path, fx.admin, body)
      expect(res.status, `${path} ${JSON.stringify(body)} ${res.text}`).toBe(400)
    }
    const amount = await call('POST', '/v1/hour-records', fx.admin, {
      id: uid('x'),
      memberId: ana.id,
      kind: 'visit',
      startedAt: '2026-03-01T01:00:00Z',
      endedAt: '2026-03-01T02:00:00Z',
      hours: '1.005',
    })
    expect([amount.status, amount.body.error.code]).toEqual([400, 'VALIDATION'])
    expect(amount.body.error.message).toMatch(/at most 2 decimal places/)
  })
})

describe('the community', () => {
  it('is set up idempotently by an admin, keeps settings not named, and shows its public key to any key', async () => {
    const again = await call('PUT', '/v1/community', fx.admin, { name: 'ignored', settings: { disclosureDays: 14 } })
    expect(again.status, again.text).toBe(200)
    expect(again.body.settings).toMatchObject({ disclosureDays: 14, timeZone: 'Asia/Shanghai' })
    expect((await call('PUT', '/v1/community', fx.staff, { name: 'x' })).status).toBe(403)
    const seen = await call('GET', '/v1/community', ana.key)
    expect([seen.status, typeof seen.body.publicKey]).toEqual([200, 'string'])
  })

  it('keeps points rules as versions, changed by admins only', async () => {
    const rule = {
      pointsPerHour: '10',
      roleMultipliers: { member: '1', leader: '1.4', organiser: '1.2' },
      fixedPoints: {},
      rounding: 'half-up',
    }
    expect((await call('POST', '/v1/community/points-rules', fx.staff, rule)).status).toBe(403)
    const added = await call('POST', '/v1/community/points-rules', fx.admin, rule)
    expect([added.status, added.body.version]).toEqual([201, 2])
    const list = await call('GET', '/v1/community/points-rules', fx.staff)
    expect(list.body.rules.map((r: { version: number }) => r.version)).toEqual([2, 1])
    expect((await call('GET', '/v1/community/points-rules/1', fx.staff)).body.rule.pointsPerHour).toBe('1')
    expect((await call('GET', '/v1/community/points-rules/9', fx.staff)).status).toBe(404)
    const bad = await call('POST', '/v1/community/points-rules', fx.admin, { ...rule, rounding: 'banker' })
    expect(bad.status).toBe(400)
    // Rules of one community never reach another.
    expect((await call('GET', '/v1/community/points-rules', other.staff)).body.rules.map((r: { version: number }) => r.version)).toEqual([
      1,
    ])
  })

  it('answers 404 COMMUNITY_NOT_FOUND on a tenant without one', async () => {
    const bare = await api.request('POST', '/v1/tenants', { key: api.operatorKey, json: { id: uid('bare'), name: 'Bare' } })
    const res = await call('GET', '/v1/community', bare.body.adminKey.secret)
    expect([res.status, res.body.error.code]).toEqual([404, 'COMMUNITY_NOT_FOUND'])
  })
})
