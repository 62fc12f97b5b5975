import { ANA_NAME } from '@timebank/api/testing/activity-fixture'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestWeb, startTestWeb } from '../../testing/web-harness.js'
import type { Visitor } from '../../testing/visitor.js'
import { activityNow, manualRecord, must } from './testing.js'

let w: TestWeb
let staff: Visitor
let ana: { id: string }
let activityId: string

beforeAll(async () => {
  w = await startTestWeb()
  staff = await w.visitorAs(w.staffUser)
  ana = await w.fx.member({ name: ANA_NAME, gridId: 'g1', phone: '13812341234' })
  activityId = (await activityNow(w)).id
})
afterAll(() => w?.close())

describe('the staff console', () => {
  it('renders every page for staff', async () => {
    const paths = [
      '/staff',
      '/staff/members',
      '/staff/members?status=active&grid=g1&q=13812',
      '/staff/members/new',
      `/staff/members/${ana.id}`,
      `/staff/members/${ana.id}/statement`,
      `/staff/members/${ana.id}/statement?period=2026-Q1&asset=POINT`,
      '/staff/activities',
      '/staff/activities?when=upcoming',
      '/staff/activities?when=past',
      '/staff/activities/new',
      `/staff/activities/${activityId}`,
      `/staff/activities/${activityId}/qr`,
      '/staff/approvals',
      `/staff/approvals?activityId=${activityId}`,
    ]
    for (const path of paths) {
      const page = await staff.get(path)
      expect(page.status, path).toBe(200)
      expect(page.text, path).toContain('<main id="main">')
    }
  })

  it('renders for an admin too', async () => {
    const admin = await w.visitorAs(w.adminUser)
    expect((await admin.get('/staff')).status).toBe(200)
    expect((await admin.get(`/staff/members/${ana.id}`)).status).toBe(200)
  })

  it('sends a member away from every console page', async () => {
    const member = await w.visitorAs(await w.memberUser())
    for (const path of ['/staff', '/staff/members', `/staff/members/${ana.id}`, '/staff/activities/new', '/staff/approvals']) {
      const page = await member.get(path)
      expect(page.status, path).toBe(303)
      expect(page.location, path).toBe('/me')
    }
    // A post is refused the same way, and changes nothing.
    await member.get('/password')
    const post = await member.post(`/staff/members/${ana.id}/deactivate`, {})
    expect(post.status).toBe(303)
    expect((await must(w, 'GET', `/v1/members/${ana.id}`, w.fx.admin)).status).toBe('active')
  })

  it('sends a signed-out reader to sign in', async () => {
    const page = await fetch(`${w.url}/staff/members`, { redirect: 'manual' })
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toContain('/signin?next=%2Fstaff%2Fmembers')
  })

  it('escapes a hostile name in the list (masked) and on the member page (in full)', async () => {
    const list = await staff.get(`/staff/members?q=${ana.id}`)
    expect(list.text).not.toContain('<script>alert')
    expect(list.text).toMatch(/张\*+明/)
    const detail = await staff.get(`/staff/members/${ana.id}`)
    expect(detail.text).not.toContain('<script>alert')
    expect(detail.text).toContain('张&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;明')
  })

  it('shows a grid leader only the members of their subtree', async () => {
    const g2Member = await w.fx.member({ gridId: 'g2' })
    const g1Member = await w.fx.member({ gridId: 'g1' })
    const leader = await w.visitorAs(await w.user({ role: 'staff', gridId: 'g1', login: 'leader-g1' }))
    const list = await leader.get('/staff/members')
    expect(list.status).toBe(200)
    expect(list.text).toContain(`/staff/members/${g1Member.id}"`)
    expect(list.text).not.toContain(`/staff/members/${g2Member.id}"`)
    expect((await leader.get(`/staff/members?q=${g2Member.id}`)).text).not.toContain(`/staff/members/${g2Member.id}"`)
    expect((await leader.get(`/staff/members/${g2Member.id}`)).status).toBe(404)
    // The unlimited staff user sees both.
    const all = await staff.get(`/staff/members?q=${g2Member.id}`)
    expect(all.text).toContain(`/staff/members/${g2Member.id}"`)
  })

  it('counts pending approvals on the dashboard', async () => {
    const before = await staff.get('/staff')
    const count = (text: string) => Number(/href="\/staff\/approvals">(\d+)\+?</.exec(text)?.[1])
    const m = await w.fx.member()
    await manualRecord(w, m.id, w.fx.admin)
    await manualRecord(w, m.id, w.fx.admin)
    const after = await staff.get('/staff')
    expect(count(after.text)).toBe(count(before.text) + 2)
    expect(after.text).toContain('href="/staff/wishes?status=published"')
    expect(after.text).toContain('href="/staff/orders?status=ordered"')
    expect(after.text).toContain('href="/staff/market"')
  })

  it('builds the dashboard from one API call, the summary (beside who is signed in)', async () => {
    const records = w.api.logger.records
    const from = records.length
    expect((await staff.get('/staff')).status).toBe(200)
    const paths = records
      .slice(from)
      .filter((r) => r.msg === 'request')
      .map((r) => r.path)
    expect(paths.filter((p) => p !== '/v1/me')).toEqual(['/v1/community/summary'])
  })

  it('lists a low-stock reward on the dashboard, and not one well stocked', async () => {
    await must(w, 'POST', '/v1/rewards', w.fx.admin, { id: 'soap', name: '香皂<b>', price: '10' }, 201)
    await must(w, 'POST', '/v1/rewards', w.fx.admin, { id: 'rice', name: '大米', price: '100' }, 201)
    await must(w, 'POST', '/v1/rewards/soap/restocks', w.fx.admin, { id: 'soap-in', quantity: '3', reason: '捐赠' }, 201)
    await must(w, 'POST', '/v1/rewards/rice/restocks', w.fx.admin, { id: 'rice-in', quantity: '50', reason: '捐赠' }, 201)
    const page = await staff.get('/staff')
    expect(page.text).toContain('香皂&lt;b&gt;')
    expect(page.text).not.toContain('大米')
  })
})
