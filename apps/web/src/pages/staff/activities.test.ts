import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestWeb, startTestWeb } from '../../testing/web-harness.js'
import type { Visitor } from '../../testing/visitor.js'
import { activityNow, must } from './testing.js'

let w: TestWeb
let staff: Visitor

beforeAll(async () => {
  w = await startTestWeb()
  staff = await w.visitorAs(w.staffUser)
})
afterAll(() => w?.close())

const formId = (html: string) => /name="id" value="([^"]+)"/.exec(html)?.[1] as string

const fields = (id: string, changes: Record<string, string> = {}) => ({
  id,
  title: '重阳节敬老<活动>',
  kind: 'elder-visit',
  place: '社区活动室',
  gridId: 'g1',
  startsAt: '2030-10-25T09:00',
  endsAt: '2030-10-25T11:30',
  capacity: '30',
  maxHours: '2.5',
  ...changes,
})

describe('creating an activity', () => {
  it("creates what the form says, its times read in the community's zone", async () => {
    const id = formId((await staff.get('/staff/activities/new')).text)
    const res = await staff.post('/staff/activities/new', fields(id))
    expect(res.status).toBe(303)
    expect(res.location).toBe(`/staff/activities/${id}?done=created`)
    const activity = await must(w, 'GET', `/v1/activities/${id}`, w.fx.admin)
    expect(activity).toMatchObject({
      title: '重阳节敬老<活动>',
      kind: 'elder-visit',
      gridId: 'g1',
      capacity: 30,
      maxHours: '2.50',
      // Asia/Shanghai is eight hours ahead of UTC.
      startsAt: '2030-10-25T01:00:00.000Z',
      endsAt: '2030-10-25T03:30:00.000Z',
    })
    const page = await staff.get(res.location as string)
    expect(page.text).toContain('重阳节敬老&lt;活动&gt;')
    const upcoming = await staff.get('/staff/activities?when=upcoming')
    expect(upcoming.text).toContain(`/staff/activities/${id}"`)
  })

  it.each([
    ['no places', { capacity: '0' }],
    ['an end before the start', { endsAt: '2030-10-25T08:00' }],
    ['a day that does not exist', { startsAt: '2030-02-30T09:00' }],
    ['no hours', { maxHours: '0' }],
  ])('shows %s as a refusal on the form, not a failure', async (_, change) => {
    const id = formId((await staff.get('/staff/activities/new')).text)
    const res = await staff.post('/staff/activities/new', fields(id, change))
    expect([400, 422]).toContain(res.status)
    expect(res.text).toContain('role="alert"')
    expect(res.text).toContain('action="/staff/activities/new"')
    expect(res.text).toContain('value="社区活动室"')
    expect((await w.api.request('GET', `/v1/activities/${id}`, { key: w.fx.admin })).status).toBe(404)
  })
})

describe('an activity running now', () => {
  it('lists it under "now"', async () => {
    const a = await activityNow(w, { title: '清扫<b>' })
    const page = await staff.get('/staff/activities')
    expect(page.text).toContain(`/staff/activities/${a.id}"`)
    expect(page.text).toContain('清扫&lt;b&gt;')
  })

  it('shows live attendance, and checks members in and out by hand', async () => {
    const a = await activityNow(w)
    const ana = await w.fx.member()
    const walkIn = await w.fx.member()
    await must(w, 'POST', `/v1/activities/${a.id}/signups/${ana.id}`, w.fx.staff, {}, 201)
    const page = await staff.get(`/staff/activities/${a.id}`)
    expect(page.text).toContain(ana.name)
    // Reloading itself only when asked, and then it stays live.
    expect(page.text).not.toContain('http-equiv="refresh"')
    expect((await staff.get(`/staff/activities/${a.id}?live=1`)).text).toContain(
      `<meta http-equiv="refresh" content="15; url=/staff/activities/${a.id}?live=1"`,
    )

    expect((await staff.post(`/staff/activities/${a.id}/checkin`, { memberId: ana.id })).status).toBe(303)
    expect((await staff.post(`/staff/activities/${a.id}/checkin`, { memberId: walkIn.id })).status).toBe(303)
    let attendance = await must(w, 'GET', `/v1/activities/${a.id}/attendance`, w.fx.admin)
    expect(attendance.counts).toMatchObject({ checkedIn: 2, checkedOut: 0 })

    expect((await staff.post(`/staff/activities/${a.id}/checkout`, { memberId: ana.id })).status).toBe(303)
    attendance = await must(w, 'GET', `/v1/activities/${a.id}/attendance`, w.fx.admin)
    expect(attendance.counts.checkedOut).toBe(1)
    const record = await must(w, 'GET', `/v1/hour-records/${attendance.entries[0].recordId}`, w.fx.admin)
    expect(record).toMatchObject({ memberId: ana.id, status: 'pending', manual: true })

    // Checking out again is the API's refusal, shown on the page.
    const again = await staff.post(`/staff/activities/${a.id}/checkout`, { memberId: ana.id })
    expect(again.status).toBe(422)
    expect(again.text).toContain('ALREADY_CHECKED_OUT')
  })

  it('shows the check-in QR code full screen with the current code', async () => {
    const a = await activityNow(w, { title: '投屏<测试>' })
    const before = (await must(w, 'GET', `/v1/activities/${a.id}/checkin-code`, w.fx.staff)).code as string
    const page = await staff.get(`/staff/activities/${a.id}/qr`)
    const after = (await must(w, 'GET', `/v1/activities/${a.id}/checkin-code`, w.fx.staff)).code as string
    expect(page.status).toBe(200)
    expect(page.text).toContain('<svg')
    expect(page.text).toContain('class="bare"')
    expect(page.text).toContain('投屏&lt;测试&gt;')
    const shown = /class="code-big">(\d{6})</.exec(page.text)?.[1]
    expect([before, after]).toContain(shown)
    const refresh = /http-equiv="refresh" content="(\d+);/.exec(page.text)?.[1]
    expect(Number(refresh)).toBeGreaterThan(0)
    expect(Number(refresh)).toBeLessThanOrEqual(60)
  })

  it('cancels the activity, after which its QR page is refused, not failed', async () => {
    const a = await activityNow(w)
    await staff.get(`/staff/activities/${a.id}`)
    expect((await staff.post(`/staff/activities/${a.id}/cancel`, { confirm: '1' })).status).toBe(303)
    expect((await must(w, 'GET', `/v1/activities/${a.id}`, w.fx.admin)).status).toBe('cancelled')
    const qr = await staff.get(`/staff/activities/${a.id}/qr`)
    expect(qr.status).toBeLessThan(500)
    expect(qr.status).toBeGreaterThanOrEqual(400)
  })

  it('closes an activity once it has ended, checking out at its end whoever is still in', async () => {
    const now = Date.now()
    const made = await must(
      w,
      'POST',
      '/v1/activities',
      w.fx.staff,
      {
        id: `ended-${now.toString(36)}`,
        title: '刚结束的活动',
        kind: 'cleaning',
        place: '3号楼',
        gridId: 'g1',
        startsAt: new Date(now - 2 * 3_600_000).toISOString(),
        endsAt: new Date(now - 5 * 60_000).toISOString(),
        capacity: 10,
        maxHours: '2',
      },
      201,
    )
    const id = made.activity.id as string
    const ana = await w.fx.member()
    await must(w, 'POST', `/v1/activities/${id}/checkins`, w.fx.admin, { memberId: ana.id }, 201)
    const page = await staff.get(`/staff/activities/${id}`)
    expect(page.text).toContain(`action="/staff/activities/${id}/close"`)
    // Without the form's CSRF token nothing happens.
    expect((await staff.post(`/staff/activities/${id}/close`, { confirm: '1' }, { csrf: false })).status).toBe(403)
    expect((await must(w, 'GET', `/v1/activities/${id}`, w.fx.admin)).status).toBe('open')

    const closed = await staff.post(`/staff/activities/${id}/close`, { confirm: '1' })
    expect([closed.status, closed.location]).toEqual([303, `/staff/activities/${id}?done=closed`])
    expect((await must(w, 'GET', `/v1/activities/${id}`, w.fx.admin)).status).toBe('closed')
    const attendance = await must(w, 'GET', `/v1/activities/${id}/attendance`, w.fx.admin)
    expect(attendance.counts).toMatchObject({ checkedIn: 1, checkedOut: 1 })
    expect(attendance.entries[0].recordId).not.toBeNull()
    const after = await staff.get(closed.location as string)
    expect(after.text).toContain('活动已结束，未签退的人已按结束时间签退。')
    expect(after.text).not.toContain('/close"')
    expect(after.text).not.toContain('http-equiv="refresh"')
  })

  it('shows closing an activity still under way as a refusal in words', async () => {
    const a = await activityNow(w)
    await staff.get(`/staff/activities/${a.id}`)
    const refused = await staff.post(`/staff/activities/${a.id}/close`, { confirm: '1' })
    expect(refused.status).toBe(422)
    expect(refused.text).toContain('活动还没结束')
    expect(refused.text).toContain('ACTIVITY_NOT_ENDED')
  })

  it('hides what a grid leader may not host', async () => {
    const a = await activityNow(w, { gridId: 'g2' })
    const leader = await w.visitorAs(await w.user({ role: 'staff', gridId: 'g1', login: 'leader-act' }))
    expect((await leader.get(`/staff/activities/${a.id}`)).status).toBe(404)
    expect((await leader.get(`/staff/activities/${a.id}/qr`)).status).toBe(404)
  })
})
