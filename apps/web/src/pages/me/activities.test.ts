/**
 * Activities and the check-in by QR end to end: staff create an activity, the member signs up, reads
 * the code's page (which changes nothing), checks in and out with the button, and the API's refusals
 * (a wrong code, a second check-out) come back in plain words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Visitor } from '../../testing/visitor.js'
import { type TestUser, type TestWeb, startTestWeb } from '../../testing/web-harness.js'
import { must, uid } from './test-kit.js'

let w: TestWeb
let ana: TestUser & { memberId: string }
let v: Visitor

beforeAll(async () => {
  w = await startTestWeb()
  ana = await w.memberUser({ gridId: 'g1' })
  v = await w.visitorAs(ana)
}, 60_000)
afterAll(() => w?.close())

/** An open activity in `gridId`, under way from a minute ago for two hours, made by staff. */
async function activity(gridId = 'g1', title = '楼道清扫', capacity = 10): Promise<string> {
  const startsAt = new Date(Date.now() - 60_000)
  const made = await must(
    w,
    'POST',
    '/v1/activities',
    w.fx.staff,
    {
      id: uid('act-'),
      title,
      kind: 'clean-up',
      place: '3号楼',
      gridId,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 2 * 3600_000).toISOString(),
      capacity,
      maxHours: '2',
    },
    201,
  )
  return made.activity.id
}

const attendance = (activityId: string) => must(w, 'GET', `/v1/activities/${activityId}/attendance`, w.fx.staff)
const code = async (activityId: string): Promise<string> =>
  (await must(w, 'GET', `/v1/activities/${activityId}/checkin-code`, w.fx.staff)).code

describe('activities', () => {
  it('lists those of my grid first and signs me up through the form, on the waitlist when full', async () => {
    const near = await activity('g1', '近处的活动 Near')
    const far = await activity('g2', '远处的活动 Far', 1)
    const page = await v.get('/me/activities')
    expect(page.status).toBe(200)
    expect(page.text.indexOf('近处的活动 Near')).toBeLessThan(page.text.indexOf('远处的活动 Far'))

    const signed = await v.post(`/me/activities/${near}/signup`, {})
    expect([signed.status, signed.location]).toEqual([303, `/me/activities/${near}?done=signed`])
    const list = await must(w, 'GET', `/v1/activities/${near}/signups`, w.fx.staff)
    expect(list.signups.map((s: { memberId: string; status: string }) => [s.memberId, s.status])).toEqual([[ana.memberId, 'signed']])

    const other = await w.memberUser({ gridId: 'g2' })
    await must(w, 'POST', `/v1/activities/${far}/signups/${other.memberId}`, w.fx.staff, {}, 201)
    await v.get(`/me/activities/${far}`)
    const waiting = await v.post(`/me/activities/${far}/signup`, {})
    expect(waiting.location).toBe(`/me/activities/${far}?done=waitlisted`)
    expect((await v.get(waiting.location as string)).text).toContain('您已排队候补')

    await v.get(`/me/activities/${near}`)
    const cancelled = await v.post(`/me/activities/${near}/cancel`, {})
    expect(cancelled.location).toBe(`/me/activities/${near}?done=cancelled`)
    const after = await must(w, 'GET', `/v1/activities/${near}/signups`, w.fx.staff)
    expect(after.signups[0].status).toBe('cancelled')
  })

  it('shows my sign-ups first, each with how it stands', async () => {
    const newcomer = await w.visitorAs(await w.memberUser({ gridId: 'g1' }))
    const empty = await newcomer.get('/me/activities')
    expect(empty.text).toContain('您还没有报名任何活动。')

    const coming = await activity('g1', '我报名的活动 Mine')
    const cancelled = await activity('g2', '我取消的活动 Dropped')
    const came = await activity('g1', '我参加了的活动 Came')
    const who = await w.memberUser({ gridId: 'g1' })
    const phone = await w.visitorAs(who)
    for (const id of [coming, cancelled, came]) await must(w, 'POST', `/v1/activities/${id}/signups/${who.memberId}`, w.fx.staff, {}, 201)
    await must(w, 'DELETE', `/v1/activities/${cancelled}/signups/${who.memberId}`, w.fx.staff)
    await must(w, 'POST', `/v1/activities/${came}/checkins`, w.fx.staff, { memberId: who.memberId }, 201)

    const page = await phone.get('/me/activities')
    expect(page.status).toBe(200)
    const mine = page.text.slice(page.text.indexOf('我的报名'), page.text.indexOf('我所在网格的活动'))
    expect(mine).toContain('我报名的活动 Mine')
    expect(mine).toContain('已报名')
    expect(mine).toContain('我取消的活动 Dropped')
    expect(mine).toContain('已取消')
    expect(mine).toContain('我参加了的活动 Came')
    expect(mine).toContain('已签到')
    expect(mine).toContain(`/me/activities/${came}`)
  })

  it('shows a refusal in plain words, not a failure', async () => {
    const id = await activity()
    await v.get(`/me/activities/${id}`)
    const refused = await v.post(`/me/activities/${id}/cancel`, {})
    expect(refused.status).toBe(422)
    expect(refused.text).toContain('您没有报名这个活动')
  })
})

describe('check-in by QR', () => {
  it('reads without changing anything, then checks in and out with the buttons', async () => {
    const id = await activity()
    await must(w, 'POST', `/v1/activities/${id}/signups/${ana.memberId}`, w.fx.staff, {}, 201)
    const shown = await code(id)
    const url = `/checkin/${w.tenantId}/${id}?code=${shown}`

    const page = await v.get(url)
    expect(page.status).toBe(200)
    expect(page.text).toContain('签到 Check in')
    expect((await attendance(id)).entries).toEqual([])

    const checkedIn = await v.post(url, { code: shown, step: 'in' })
    expect(checkedIn.status).toBe(303)
    expect(checkedIn.location).toBe(`/checkin/${w.tenantId}/${id}?code=${shown}&done=in`)
    expect((await attendance(id)).entries.map((e: { memberId: string }) => e.memberId)).toEqual([ana.memberId])
    const next = await v.get(checkedIn.location as string)
    expect(next.text).toContain('签到成功')
    expect(next.text).toContain('签退 Check out')

    // Scanning again later: the check-in is refused as done, and the page offers the check-out.
    await v.get(url)
    const again = await v.post(url, { code: shown, step: 'in' })
    expect(again.status).toBe(422)
    expect(again.text).toContain('您已经签到过了')
    expect(again.text).toContain('签退 Check out')

    const out = await v.post(url, { code: await code(id), step: 'out' })
    expect(out.location).toContain('done=out')
    const entry = (await attendance(id)).entries[0]
    expect(entry.checkedOutAt).not.toBeNull()
    expect(entry.recordId).not.toBeNull()
    const done = await v.get(out.location as string)
    expect(done.text).toContain('签退成功')
    expect(done.text).not.toContain('签退 Check out</button>')

    await v.get(url)
    const twice = await v.post(url, { code: shown, step: 'out' })
    expect(twice.status).toBe(422)
    expect(twice.text).toContain('您已经签退过了')
  })

  it('refuses a wrong code and a member not signed up, in plain words', async () => {
    const id = await activity()
    const url = `/checkin/${w.tenantId}/${id}?code=000000`
    await v.get(url)
    const notSigned = await v.post(url, { code: await code(id), step: 'in' })
    expect(notSigned.status).toBe(422)
    expect(notSigned.text).toContain('您没有报名这个活动')

    await must(w, 'POST', `/v1/activities/${id}/signups/${ana.memberId}`, w.fx.staff, {}, 201)
    const shown = await code(id)
    const wrong = String((Number(shown) + 500_000) % 1_000_000).padStart(6, '0')
    await v.get(url)
    const refused = await v.post(url, { code: wrong, step: 'in' })
    expect(refused.status).toBe(422)
    expect(refused.text).toContain('二维码已经过期了')
    expect((await attendance(id)).entries).toEqual([])
  })

  it('sends a signed-out phone to sign in, and back to the code afterwards', async () => {
    const id = await activity()
    const url = `/checkin/${w.tenantId}/${id}?code=123456`
    const phone = new Visitor(w.url)
    const first = await phone.get(url)
    expect(first.status).toBe(303)
    const target = new URL(first.location as string, w.url)
    expect(target.pathname).toBe('/signin')
    expect(target.searchParams.get('next')).toBe(url)
    expect(target.searchParams.get('tenant')).toBe(w.tenantId)
    const signedIn = await phone.signIn({ tenantId: ana.tenantId, login: ana.login, password: ana.password, next: url })
    expect(signedIn.location).toBe(url)
    expect((await phone.get(url)).text).toContain('签到 Check in')
  })

  it('sends staff to the console', async () => {
    const id = await activity()
    const staff = await w.visitorAs(w.staffUser)
    const page = await staff.get(`/checkin/${w.tenantId}/${id}?code=123456`)
    expect([page.status, page.location]).toEqual([303, '/staff'])
  })
})
