/**
 * Activities over HTTP: the whole attendance flow (create, sign up, show the
 * code and its QR code, check in and out by code, the pending record approved
 * into the member's balance and statement), staff by hand, waitlists and
 * cancellation, who may do what, and bad input.
 *
 * @example
 * pnpm exec vitest run --project api src/routes/activities.test.ts
 */
import { monthOf } from '@timebank/community'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import {
  type ActivityWorld,
  approve,
  attend,
  createActivity,
  currentCode,
  must,
  seedActivityWorld,
  uid,
} from '../testing/activity-fixture.js'
import { type TestApi, type TestResponse, startTestApi } from '../testing/harness.js'

let api: TestApi
let w: ActivityWorld

beforeAll(async () => {
  api = await startTestApi()
  w = await seedActivityWorld(api)
})
afterAll(() => api.close())

const activityBody = (over: Record<string, unknown> = {}) => {
  const startsAt = w.now()
  return {
    id: uid('a-'),
    title: 'Elder visits',
    kind: 'elder-visit',
    place: 'Block 7',
    gridId: 'g1',
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(),
    capacity: 5,
    maxHours: '1',
    ...over,
  }
}

describe('the attendance flow, by HTTP', () => {
  let activityId: string
  let recordId: string

  it('lets a grid leader create an activity in its subtree, and replays a retry', async () => {
    const body = activityBody({
      title: '楼道清扫',
      kind: 'clean-up',
      maxHours: '2',
      endsAt: new Date(w.now().getTime() + 7200_000).toISOString(),
    })
    const res = await api.request('POST', '/v1/activities', { key: w.keys.leader, json: body })
    expect(res.status).toBe(201)
    expect(res.headers.get('location')).toBe(`/v1/activities/${body.id}`)
    expect(res.body).toMatchObject({
      replayed: false,
      activity: { id: body.id, gridId: 'g1', status: 'open', capacity: 5, maxHours: '2.00', signed: 0, createdBy: w.keyIds.leader },
    })
    activityId = body.id
    const again = await api.request('POST', '/v1/activities', { key: w.keys.leader, json: body })
    expect([again.status, again.headers.get('idempotency-replayed'), again.body.replayed]).toEqual([201, 'true', true])
    const changed = await api.request('POST', '/v1/activities', { key: w.keys.leader, json: { ...body, capacity: 6 } })
    expect([changed.status, changed.body.error.code]).toEqual([409, 'ACTIVITY_EXISTS'])
  })

  it('signs a member up with its own key', async () => {
    const res = await api.request('POST', `/v1/activities/${activityId}/signups/ana`, { key: w.keys.ana })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ replayed: false, signup: { memberId: 'ana', status: 'signed', role: 'member', position: null } })
    const again = await api.request('POST', `/v1/activities/${activityId}/signups/ana`, { key: w.keys.ana })
    expect([again.status, again.headers.get('idempotency-replayed')]).toEqual([201, 'true'])
    const read = await api.request('GET', `/v1/activities/${activityId}`, { key: w.keys.ana })
    expect(read.body).toMatchObject({ id: activityId, signed: 1, waitlisted: 0 })
  })

  it('shows staff the current check-in code, its url and its QR code as SVG, never cached', async () => {
    const res = await api.request('GET', `/v1/activities/${activityId}/checkin-code`, { key: w.keys.leader })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.body.code).toMatch(/^\d{6}$/)
    expect(res.body.url).toBe(`${w.baseUrl}/checkin/${w.tenantId}/${activityId}?code=${res.body.code}`)
    expect(new Date(res.body.validUntil).getTime()).toBeGreaterThan(w.now().getTime() - 1000)
    const svg = await api.request('GET', `/v1/activities/${activityId}/checkin-qr.svg`, { key: w.keys.leader })
    expect(svg.status).toBe(200)
    expect(svg.headers.get('content-type')).toContain('image/svg+xml')
    expect(svg.headers.get('cache-control')).toBe('no-store')
    expect(svg.text.startsWith('<svg')).toBe(true)
    expect(svg.text.trim().endsWith('</svg>')).toBe(true)
    expect(svg.text).not.toMatch(/<script|on\w+=/i)
  })

  it('refuses a wrong code', async () => {
    const code = await currentCode(w, activityId)
    const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, '0')
    for (const bad of [wrong, 'not-a-code']) {
      const res = await api.request('POST', `/v1/activities/${activityId}/checkins`, { key: w.keys.ana, json: { code: bad } })
      expect([res.status, res.body.error.code]).toEqual([422, 'CHECKIN_CODE_INVALID'])
    }
  })

  it('does not let a member check in another member, nor check in without the code', async () => {
    const code = await currentCode(w, activityId)
    const other = await api.request('POST', `/v1/activities/${activityId}/checkins`, { key: w.keys.ana, json: { memberId: 'bo', code } })
    expect([other.status, other.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
    const byHand = await api.request('POST', `/v1/activities/${activityId}/checkins`, { key: w.keys.ana, json: { memberId: 'ana' } })
    expect([byHand.status, byHand.body.error.code]).toEqual([403, 'FORBIDDEN'])
  })

  it('checks the member in with the code, and out with the code later: a pending record', async () => {
    const inn = await api.request('POST', `/v1/activities/${activityId}/checkins`, {
      key: w.keys.ana,
      json: { code: await currentCode(w, activityId) },
    })
    expect(inn.status).toBe(201)
    expect(inn.body).toMatchObject({ walkIn: false, attendance: { memberId: 'ana', checkedInBy: 'code', checkedOutAt: null } })
    const twice = await api.request('POST', `/v1/activities/${activityId}/checkins`, {
      key: w.keys.ana,
      json: { code: await currentCode(w, activityId) },
    })
    expect([twice.status, twice.body.error.code]).toEqual([409, 'ALREADY_CHECKED_IN'])
    w.advance(100 * 60_000)
    const out = await api.request('POST', `/v1/activities/${activityId}/checkouts`, {
      key: w.keys.ana,
      json: { code: await currentCode(w, activityId) },
    })
    expect(out.status).toBe(201)
    expect(out.body.record).toMatchObject({ memberId: 'ana', activityId, status: 'pending', hours: '1.50' })
    recordId = out.body.record.id
    expect(out.headers.get('location')).toBe(`/v1/hour-records/${encodeURIComponent(recordId)}`)
    expect(out.body.attendance).toMatchObject({ checkedOutBy: 'code', recordId })
  })

  it('lists the pending record by activity; staff approve it into the member’s balance and statement', async () => {
    const pending = await must(api, 'GET', `/v1/hour-records?activityId=${activityId}`, { key: w.keys.staff })
    expect(pending.records).toEqual([expect.objectContaining({ id: recordId, status: 'pending', hours: '1.50' })])
    const [result] = await approve(w, [recordId])
    expect(result.record.status).toBe('approved')
    const balance = await api.request('GET', '/v1/accounts/member:ana:HOUR/balance', { key: w.keys.ana })
    expect([balance.status, balance.body.posted]).toEqual([200, '1.50'])
    const period = monthOf(w.now(), 'Asia/Shanghai')
    const statement = await api.request('GET', `/v1/members/ana/statement?period=${period}`, { key: w.keys.ana })
    expect(statement.status).toBe(200)
    expect(statement.body).toMatchObject({ memberId: 'ana', accountId: 'member:ana:HOUR', asset: 'HOUR', period, closing: '1.50' })
    expect(statement.body.entries).toEqual([expect.objectContaining({ amount: '1.50' })])
  })

  it('shows the host who attended and who signed up', async () => {
    const attendance = await must(api, 'GET', `/v1/activities/${activityId}/attendance`, { key: w.keys.leader })
    expect(attendance).toMatchObject({ activityId, counts: { signed: 1, checkedIn: 1, checkedOut: 1 } })
    expect(attendance.entries).toEqual([expect.objectContaining({ memberId: 'ana', recordId })])
    const signups = await must(api, 'GET', `/v1/activities/${activityId}/signups`, { key: w.keys.leader })
    expect(signups.counts).toEqual({ signed: 1, waitlisted: 0, cancelled: 0 })
  })

  it('shows a member only their own entry, so their phone knows the next scan is the check-out', async () => {
    const own = await must(api, 'GET', `/v1/activities/${activityId}/attendance`, { key: w.keys.ana })
    expect(own.entries).toEqual([expect.objectContaining({ memberId: 'ana', recordId })])
    const other = await must(api, 'GET', `/v1/activities/${activityId}/attendance`, { key: w.keys.bo })
    expect(other).toMatchObject({ activityId, entries: [], counts: { checkedIn: 1 } })
  })
})

describe('staff by hand, waitlists and cancelling', () => {
  it('checks a walk-in in by hand and out at a given time', async () => {
    const a = await createActivity(w)
    const inn = await api.request('POST', `/v1/activities/${a.id}/checkins`, { key: w.keys.staff, json: { memberId: 'cy' } })
    expect(inn.status).toBe(201)
    expect(inn.body).toMatchObject({
      walkIn: true,
      attendance: { checkedInBy: w.keyIds.staff },
      signup: { memberId: 'cy', status: 'signed' },
    })
    w.advance(60 * 60_000)
    const at = new Date(w.now().getTime() - 15 * 60_000).toISOString()
    const out = await api.request('POST', `/v1/activities/${a.id}/checkouts`, { key: w.keys.staff, json: { memberId: 'cy', at } })
    expect(out.status).toBe(201)
    expect(out.body.record).toMatchObject({ memberId: 'cy', hours: '0.75', status: 'pending' })
    const again = await api.request('POST', `/v1/activities/${a.id}/checkouts`, { key: w.keys.staff, json: { memberId: 'cy' } })
    expect([again.status, again.body.error.code]).toEqual([409, 'ALREADY_CHECKED_OUT'])
  })

  it('puts members on the waitlist when full and promotes the first when a place is freed', async () => {
    const a = await createActivity(w, { capacity: 1 })
    await must(api, 'POST', `/v1/activities/${a.id}/signups/ana`, { key: w.keys.ana }, 201)
    const waiting = await must(api, 'POST', `/v1/activities/${a.id}/signups/bo`, { key: w.keys.bo }, 201)
    expect(waiting.signup).toMatchObject({ status: 'waitlisted', position: 1 })
    const cancelled = await must(api, 'DELETE', `/v1/activities/${a.id}/signups/ana`, { key: w.keys.ana })
    expect(cancelled.signup.status).toBe('cancelled')
    expect(cancelled.promoted).toEqual([expect.objectContaining({ memberId: 'bo', status: 'signed' })])
  })

  it('lets staff sign someone up as a leader, but not the member itself', async () => {
    const a = await createActivity(w)
    const self = await api.request('POST', `/v1/activities/${a.id}/signups/ana`, { key: w.keys.ana, json: { role: 'leader' } })
    expect([self.status, self.body.error.code]).toEqual([403, 'FORBIDDEN'])
    const asMember = await api.request('POST', `/v1/activities/${a.id}/signups/ana`, { key: w.keys.ana, json: { role: 'member' } })
    expect(asMember.status).toBe(201)
    const staff = await api.request('POST', `/v1/activities/${a.id}/signups/bo`, { key: w.keys.leader, json: { role: 'leader' } })
    expect([staff.status, staff.body.signup.role]).toEqual([201, 'leader'])
  })

  it('cancels an activity: no more sign-ups, codes or check-ins', async () => {
    const a = await createActivity(w)
    const res = await api.request('POST', `/v1/activities/${a.id}/cancel`, { key: w.keys.leader })
    expect([res.status, res.body.status]).toEqual([200, 'cancelled'])
    const signUp = await api.request('POST', `/v1/activities/${a.id}/signups/ana`, { key: w.keys.ana })
    expect([signUp.status, signUp.body.error.code]).toEqual([422, 'ACTIVITY_CANCELLED'])
    const code = await api.request('GET', `/v1/activities/${a.id}/checkin-code`, { key: w.keys.admin })
    expect([code.status, code.body.error.code]).toEqual([422, 'ACTIVITY_CANCELLED'])
    const cancelled = await must(api, 'GET', '/v1/activities?status=cancelled', { key: w.keys.staff })
    expect(cancelled.activities.map((x: { id: string }) => x.id)).toContain(a.id)
  })

  it('lists activities by grid: a grid leader sees its subtree only', async () => {
    const inG2 = await createActivity(w, { gridId: 'g2' })
    const inG1a = await createActivity(w, { gridId: 'g1a' })
    const ids = async (key: string, query = '') =>
      (await must(api, 'GET', `/v1/activities?limit=1000${query}`, { key })).activities.map((a: { id: string }) => a.id)
    expect(await ids(w.keys.leader)).toContain(inG1a.id)
    expect(await ids(w.keys.leader)).not.toContain(inG2.id)
    expect(await ids(w.keys.outsider)).toContain(inG2.id)
    expect(await ids(w.keys.outsider)).not.toContain(inG1a.id)
    expect(await ids(w.keys.ana)).toEqual(expect.arrayContaining([inG1a.id, inG2.id]))
    expect(await ids(w.keys.staff, '&gridId=g2')).toContain(inG2.id)
    expect(await ids(w.keys.staff, '&gridId=g2')).not.toContain(inG1a.id)
    expect(await ids(w.keys.leader, '&gridId=g1a')).toEqual(expect.arrayContaining([inG1a.id]))
    const outside = await api.request('GET', '/v1/activities?gridId=g2', { key: w.keys.leader })
    expect([outside.status, outside.body.error.code]).toEqual([404, 'GRID_NOT_FOUND'])
    const page = await must(api, 'GET', '/v1/activities?limit=1', { key: w.keys.staff })
    expect(page.activities).toHaveLength(1)
    const next = await must(api, 'GET', `/v1/activities?limit=1&cursor=${encodeURIComponent(page.nextCursor)}`, { key: w.keys.staff })
    expect(next.activities[0].id).not.toBe(page.activities[0].id)
  })

  it('the flow helper attends end to end', async () => {
    const a = await createActivity(w)
    const record = await attend(w, a.id, 'bo', 45)
    expect(record).toMatchObject({ memberId: 'bo', hours: '0.75', status: 'pending' })
  })
})

// ------------------------------------------------------------------ permissions

type Who = 'admin' | 'staff' | 'leader' | 'outsider' | 'self' | 'other' | 'otherTenant'
const WHO: Who[] = ['admin', 'staff', 'leader', 'outsider', 'self', 'other', 'otherTenant']
/** `self` is ana's key acting on ana; `other` is bo's key acting on ana. */
const keyOf = (who: Who) =>
  ({
    admin: w.keys.admin,
    staff: w.keys.staff,
    leader: w.keys.leader,
    outsider: w.keys.outsider,
    self: w.keys.ana,
    other: w.keys.bo,
    otherTenant: w.otherAdmin,
  })[who]

type Run = (key: string) => Promise<TestResponse>
/** An activity in g1 made fresh for each caller, then the request. */
const onFresh =
  (run: (activityId: string, key: string) => Promise<TestResponse>, prepare?: (activityId: string) => Promise<void>): Run =>
  async (key) => {
    const a = await createActivity(w)
    await prepare?.(a.id)
    return run(a.id, key)
  }
const signedUp = async (activityId: string) => {
  await must(api, 'POST', `/v1/activities/${activityId}/signups/ana`, { key: w.keys.admin }, 201)
}
const checkedIn = async (activityId: string) => {
  await must(api, 'POST', `/v1/activities/${activityId}/checkins`, { key: w.keys.admin, json: { memberId: 'ana' } }, 201)
}

// Expected status per caller: admin, staff, leader of g1 (the activity's grid), leader of g2, ana on herself, bo on ana, another tenant's admin.
const cases: [string, Record<Who, number>, Run][] = [
  [
    'create an activity in g1',
    { admin: 201, staff: 201, leader: 201, outsider: 404, self: 403, other: 403, otherTenant: 404 },
    (key) => api.request('POST', '/v1/activities', { key, json: activityBody() }),
  ],
  [
    'list activities',
    { admin: 200, staff: 200, leader: 200, outsider: 200, self: 200, other: 200, otherTenant: 200 },
    (key) => api.request('GET', '/v1/activities', { key }),
  ],
  [
    'read an activity',
    { admin: 200, staff: 200, leader: 200, outsider: 200, self: 200, other: 200, otherTenant: 404 },
    onFresh((id, key) => api.request('GET', `/v1/activities/${id}`, { key })),
  ],
  [
    'cancel an activity',
    { admin: 200, staff: 200, leader: 200, outsider: 404, self: 403, other: 403, otherTenant: 404 },
    onFresh((id, key) => api.request('POST', `/v1/activities/${id}/cancel`, { key })),
  ],
  [
    'read the check-in code',
    { admin: 200, staff: 200, leader: 200, outsider: 404, self: 403, other: 403, otherTenant: 404 },
    onFresh((id, key) => api.request('GET', `/v1/activities/${id}/checkin-code`, { key })),
  ],
  [
    'read the check-in QR code',
    { admin: 200, staff: 200, leader: 200, outsider: 404, self: 403, other: 403, otherTenant: 404 },
    onFresh((id, key) => api.request('GET', `/v1/activities/${id}/checkin-qr.svg`, { key })),
  ],
  [
    'sign ana up',
    { admin: 201, staff: 201, leader: 201, outsider: 404, self: 201, other: 404, otherTenant: 404 },
    onFresh((id, key) => api.request('POST', `/v1/activities/${id}/signups/ana`, { key })),
  ],
  [
    'sign ana up as a leader',
    { admin: 201, staff: 201, leader: 201, outsider: 404, self: 403, other: 404, otherTenant: 404 },
    onFresh((id, key) => api.request('POST', `/v1/activities/${id}/signups/ana`, { key, json: { role: 'leader' } })),
  ],
  [
    "cancel ana's sign-up",
    { admin: 200, staff: 200, leader: 200, outsider: 404, self: 200, other: 404, otherTenant: 404 },
    onFresh((id, key) => api.request('DELETE', `/v1/activities/${id}/signups/ana`, { key }), signedUp),
  ],
  [
    'list sign-ups',
    { admin: 200, staff: 200, leader: 200, outsider: 404, self: 403, other: 403, otherTenant: 404 },
    onFresh((id, key) => api.request('GET', `/v1/activities/${id}/signups`, { key })),
  ],
  [
    'check ana in by hand',
    { admin: 201, staff: 201, leader: 201, outsider: 404, self: 403, other: 403, otherTenant: 404 },
    onFresh((id, key) => api.request('POST', `/v1/activities/${id}/checkins`, { key, json: { memberId: 'ana' } })),
  ],
  [
    // Checking in by code is the member's own act: no other role has it (403 says nothing of the tenant).
    'check ana in with the code',
    { admin: 403, staff: 403, leader: 403, outsider: 403, self: 201, other: 404, otherTenant: 403 },
    onFresh(
      async (id, key) =>
        api.request('POST', `/v1/activities/${id}/checkins`, { key, json: { memberId: 'ana', code: await currentCode(w, id) } }),
      signedUp,
    ),
  ],
  [
    'check ana out by hand',
    { admin: 201, staff: 201, leader: 201, outsider: 404, self: 403, other: 403, otherTenant: 404 },
    onFresh((id, key) => api.request('POST', `/v1/activities/${id}/checkouts`, { key, json: { memberId: 'ana' } }), checkedIn),
  ],
  [
    'check ana out with the code',
    { admin: 403, staff: 403, leader: 403, outsider: 403, self: 201, other: 404, otherTenant: 403 },
    onFresh(
      async (id, key) =>
        api.request('POST', `/v1/activities/${id}/checkouts`, { key, json: { memberId: 'ana', code: await currentCode(w, id) } }),
      checkedIn,
    ),
  ],
  [
    'read the attendance (a member: their own entry only)',
    { admin: 200, staff: 200, leader: 200, outsider: 404, self: 200, other: 200, otherTenant: 404 },
    onFresh((id, key) => api.request('GET', `/v1/activities/${id}/attendance`, { key })),
  ],
]

describe('who may do what with activities', () => {
  it.each(cases)('%s', async (_name, expected, run) => {
    const got: Record<string, number> = {}
    for (const who of WHO) got[who] = (await run(keyOf(who))).status
    expect(got).toEqual(expected)
  })

  it('answers 404 for a missing activity, and 401 without a key', async () => {
    const missing = await api.request('GET', '/v1/activities/nope/checkin-code', { key: w.keys.leader })
    expect([missing.status, missing.body.error.code]).toEqual([404, 'ACTIVITY_NOT_FOUND'])
    const unknown = await api.request('GET', '/v1/activities/nope', { key: w.keys.admin })
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'ACTIVITY_NOT_FOUND'])
    expect((await api.request('GET', '/v1/activities')).status).toBe(401)
  })
})

describe('bad input', () => {
  it('answers 400 VALIDATION with the field named', async () => {
    const a = await createActivity(w)
    const bad: [string, string, Record<string, unknown> | undefined, string, string?][] = [
      ['POST', '/v1/activities', activityBody({ endsAt: w.now().toISOString(), startsAt: w.now().toISOString() }), 'endsAt'],
      ['POST', '/v1/activities', activityBody({ capacity: 0 }), 'capacity'],
      ['POST', '/v1/activities', activityBody({ extra: 1 }), ''],
      ['POST', '/v1/activities', activityBody({ maxHours: '-1' }), 'maxHours'],
      ['POST', '/v1/activities', activityBody({ startsAt: 'yesterday' }), 'startsAt'],
      ['POST', '/v1/activities', activityBody({ id: 'a:b' }), 'id'],
      ['GET', '/v1/activities?limit=0', undefined, 'limit'],
      ['GET', '/v1/activities?from=soon', undefined, 'from'],
      ['GET', '/v1/activities?status=finished', undefined, 'status'],
      ['GET', `/v1/activities?cursor=${encodeURIComponent('99999|a-1')}`, undefined, 'cursor'],
      ['GET', '/v1/activities/a:b', undefined, 'activityId'],
      ['POST', `/v1/activities/${a.id}/checkins`, {}, 'memberId'],
      ['POST', `/v1/activities/${a.id}/checkins`, { memberId: 'ana', extra: true }, ''],
      ['POST', `/v1/activities/${a.id}/checkouts`, { code: '123456', at: w.now().toISOString() }, 'at', w.keys.ana],
      ['POST', `/v1/activities/${a.id}/signups/ana`, { role: 'boss' }, 'role'],
    ]
    for (const [method, path, json, field, key = w.keys.admin] of bad) {
      const res = await api.request(method, path, { key, ...(json ? { json } : {}) })
      expect([method, path, res.status, res.body?.error?.code]).toEqual([method, path, 400, 'VALIDATION'])
      expect(res.body.error.message).toContain(field)
    }
  })

  it('needs an id for a new activity, and refuses a body that is not JSON', async () => {
    const { id: _id, ...body } = activityBody()
    const none = await api.request('POST', '/v1/activities', { key: w.keys.admin, json: body })
    expect([none.status, none.body.error.code]).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED'])
    const header = await api.request('POST', '/v1/activities', { key: w.keys.admin, json: body, headers: { 'idempotency-key': uid('h-') } })
    expect(header.status).toBe(201)
    const broken = await api.request('POST', '/v1/activities', {
      key: w.keys.admin,
      body: '{"id":',
      headers: { 'content-type': 'application/json' },
    })
    expect([broken.status, broken.body.error.code]).toEqual([400, 'MALFORMED_JSON'])
  })

  it('never answers 500 to anything a client can send', async () => {
    const a = await createActivity(w)
    const weird = [
      '',
      ' ',
      'null',
      '0',
      '-1',
      '1e9',
      '9'.repeat(40),
      '%00',
      '..',
      'a'.repeat(300),
      '2026-02-30T00:00:00Z',
      '<svg>',
      '99999|x',
    ]
    weird.push('+275760-09-13T00:00:00.000Z|x', '2026-01-01T00:00:00.000Z|')
    const statuses: number[] = []
    for (const v of weird) {
      const q = encodeURIComponent(v)
      for (const [method, path, json] of [
        ['GET', `/v1/activities?from=${q}&to=${q}&gridId=${q}&cursor=${q}`, undefined],
        ['GET', `/v1/activities?cursor=${q}`, undefined],
        ['GET', `/v1/activities/${q}`, undefined],
        ['GET', `/v1/activities/${q}/checkin-qr.svg`, undefined],
        ['POST', `/v1/activities/${a.id}/checkins`, { memberId: v, code: v }],
        ['POST', `/v1/activities/${a.id}/checkouts`, { memberId: 'ana', at: v }],
        ['POST', `/v1/activities/${a.id}/signups/${q}`, { role: v }],
        ['POST', '/v1/activities', activityBody({ gridId: v, kind: v, maxHours: v, capacity: Number(v) || v })],
      ] as const) {
        for (const key of [w.keys.admin, w.keys.leader, w.keys.ana]) {
          statuses.push((await api.request(method, path, { key, ...(json ? { json } : {}) })).status)
        }
      }
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([])
  })
})
