/**
 * Closing an activity and a member's own sign-ups, over HTTP: the close checks out whoever is still in
 * at the end (a pending manual record), closing again is fine, and afterwards check-ins, sign-ups and the
 * code are refused with ACTIVITY_CLOSED; a member's sign-ups with their state; who may do either.
 *
 * @example
 * pnpm exec vitest run --project api src/routes/activity-close.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type ActivityWorld, createActivity, currentCode, must, seedActivityWorld } from '../testing/activity-fixture.js'
import { type TestApi, type TestResponse, startTestApi } from '../testing/harness.js'

let api: TestApi
let w: ActivityWorld
/** Held: ana and bo signed up, ana checked in by code and never checked out; it has ended. */
let held: string
/** Still under way. */
let running: string

beforeAll(async () => {
  api = await startTestApi()
  w = await seedActivityWorld(api)
  held = (await createActivity(w)).id
  for (const m of ['ana', 'bo'] as const) await must(api, 'POST', `/v1/activities/${held}/signups/${m}`, { key: w.keys[m] }, 201)
  await must(api, 'POST', `/v1/activities/${held}/checkins`, { key: w.keys.ana, json: { code: await currentCode(w, held) } }, 201)
  w.advance(2 * 3600_000 + 60_000)
  running = (await createActivity(w)).id
})
afterAll(() => api.close())

const close = (key: string, activityId = held) => api.request('POST', `/v1/activities/${activityId}/close`, { key })

describe('closing an activity', () => {
  it('is refused while the activity has not ended', async () => {
    const res = await close(w.keys.leader, running)
    expect([res.status, res.body.error.code]).toEqual([422, 'ACTIVITY_NOT_ENDED'])
    expect((await must(api, 'GET', `/v1/activities/${running}`, { key: w.keys.admin })).status).toBe('open')
  })

  it('checks out whoever is still in at the end, making a pending manual record, and is fine to repeat', async () => {
    const res = await close(w.keys.leader)
    expect(res.status).toBe(200)
    expect(res.body.activity).toMatchObject({ id: held, status: 'closed' })
    const activity = await must(api, 'GET', `/v1/activities/${held}`, { key: w.keys.admin })
    expect(res.body.checkedOut).toEqual([
      expect.objectContaining({
        memberId: 'ana',
        checkedOutAt: activity.endsAt,
        checkedOutBy: w.keyIds.leader,
        recordId: expect.any(String),
      }),
    ])
    const record = await must(api, 'GET', `/v1/hour-records/${res.body.checkedOut[0].recordId}`, { key: w.keys.admin })
    // From the check-in (a moment after the start) to the scheduled end, rounded down to the quarter hour.
    expect(record).toMatchObject({ memberId: 'ana', status: 'pending', endedAt: activity.endsAt, manual: true, createdBy: w.keyIds.leader })
    expect(['1.75', '2.00']).toContain(record.hours)

    const again = await close(w.keys.staff)
    expect([again.status, again.body.activity.status, again.body.checkedOut]).toEqual([200, 'closed', []])
  })

  it('refuses check-ins, sign-ups and the code afterwards with ACTIVITY_CLOSED', async () => {
    const refused: TestResponse[] = [
      await api.request('POST', `/v1/activities/${held}/checkins`, { key: w.keys.admin, json: { memberId: 'bo' } }),
      await api.request('POST', `/v1/activities/${held}/checkins`, { key: w.keys.bo, json: { code: '123456' } }),
      await api.request('POST', `/v1/activities/${held}/signups/cy`, { key: w.keys.cy }),
      await api.request('GET', `/v1/activities/${held}/checkin-code`, { key: w.keys.admin }),
      await api.request('POST', `/v1/activities/${held}/cancel`, { key: w.keys.admin }),
    ]
    expect(refused.map((r) => [r.status, r.body.error.code])).toEqual(Array(5).fill([422, 'ACTIVITY_CLOSED']))
  })
})

describe("a member's sign-ups", () => {
  it('lists them with their state and the activity, a member key its own', async () => {
    const ana = await must(api, 'GET', '/v1/members/ana/signups', { key: w.keys.ana })
    expect(ana.signups.map((s: { activity: { id: string }; state: string }) => [s.activity.id, s.state])).toEqual([[held, 'checkedOut']])
    expect(ana.signups[0]).toMatchObject({ signup: { memberId: 'ana', status: 'signed' }, attendance: { memberId: 'ana' } })
    const bo = await must(api, 'GET', '/v1/members/bo/signups?limit=1', { key: w.keys.bo })
    expect([bo.signups.map((s: { state: string }) => s.state), bo.nextCursor]).toEqual([['signed'], null])
    const bad = await api.request('GET', '/v1/members/bo/signups?limit=0', { key: w.keys.bo })
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION'])
  })
})

// ------------------------------------------------------------------ permissions

type Who = 'admin' | 'staff' | 'leader' | 'outsider' | 'self' | 'other' | 'otherTenant'
const WHO: Who[] = ['admin', 'staff', 'leader', 'outsider', 'self', 'other', 'otherTenant']
/** `self` is bo's key (bo lives in g1a, under g1), `other` ana's key; the activity is in g1. */
const keyOf = (who: Who) =>
  ({
    admin: w.keys.admin,
    staff: w.keys.staff,
    leader: w.keys.leader,
    outsider: w.keys.outsider,
    self: w.keys.bo,
    other: w.keys.ana,
    otherTenant: w.otherAdmin,
  })[who]

const cases: [string, Record<Who, number>, (key: string) => Promise<TestResponse>][] = [
  [
    'close an activity of g1',
    { admin: 200, staff: 200, leader: 200, outsider: 404, self: 403, other: 403, otherTenant: 404 },
    (key) => close(key),
  ],
  [
    "list bo's sign-ups",
    { admin: 200, staff: 200, leader: 200, outsider: 404, self: 200, other: 404, otherTenant: 404 },
    (key) => api.request('GET', '/v1/members/bo/signups', { key }),
  ],
]

describe('who may close activities and read sign-ups', () => {
  it.each(cases)('%s', async (_name, expected, run) => {
    const got: Record<string, number> = {}
    for (const who of WHO) got[who] = (await run(keyOf(who))).status
    expect(got).toEqual(expected)
  })

  it('answers 404 for an unknown member or activity and 401 without a key', async () => {
    const missing = await api.request('GET', '/v1/members/nobody/signups', { key: w.keys.admin })
    expect([missing.status, missing.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
    const none = await close(w.keys.admin, 'no-such')
    expect([none.status, none.body.error.code]).toEqual([404, 'ACTIVITY_NOT_FOUND'])
    expect((await api.request('GET', '/v1/members/bo/signups')).status).toBe(401)
  })
})
