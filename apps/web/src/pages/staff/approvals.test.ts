import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestWeb, startTestWeb } from '../../testing/web-harness.js'
import type { Visitor } from '../../testing/visitor.js'
import { activityNow, balance, manualRecord, must, sessionOf } from './testing.js'

let w: TestWeb
let staff: Visitor

beforeAll(async () => {
  w = await startTestWeb()
  staff = await w.visitorAs(w.staffUser)
})
afterAll(() => w?.close())

describe('the approval queue', () => {
  it('lists pending records with their member, hours and the manual flag', async () => {
    const m = await w.fx.member()
    const r = await manualRecord(w, m.id, w.fx.admin, '1.25')
    const page = await staff.get('/staff/approvals')
    expect(page.text).toContain(`value="${r.id}"`)
    expect(page.text).toContain(m.name)
    expect(page.text).toContain('1.25')
    expect(page.text).toMatch(/class="badge">[^<]+</)
  })

  it('approves the ticked records in one call and credits their hours', async () => {
    const m = await w.fx.member()
    const first = await manualRecord(w, m.id, w.fx.admin, '1.50')
    const second = await manualRecord(w, m.id, w.fx.admin, '2.25')
    const untouched = await manualRecord(w, m.id, w.fx.admin, '0.50')
    expect(await balance(w, m.id, 'HOUR')).toBe('0.00')
    await staff.get('/staff/approvals')
    const res = await staff.post('/staff/approvals/bulk', { recordIds: [first.id, second.id], decision: 'approve' })
    expect(res.status).toBe(200)
    expect(res.text).toContain('role="status"')
    expect(await balance(w, m.id, 'HOUR')).toBe('3.75')
    expect(await balance(w, m.id, 'LIFETIME_HOUR')).toBe('3.75')
    expect((await must(w, 'GET', `/v1/hour-records/${untouched.id}`, w.fx.admin)).status).toBe('pending')
    // Decided records leave the queue; the other stays.
    expect(res.text).not.toContain(`value="${first.id}"`)
    expect(res.text).toContain(`value="${untouched.id}"`)
  })

  it('shows each record the bulk call refused, and decides the others', async () => {
    const m = await w.fx.member()
    // Entered by this staff user: another must approve it.
    const own = await manualRecord(w, m.id, sessionOf(staff), '1.00')
    const other = await manualRecord(w, m.id, w.fx.admin, '2.00')
    await staff.get('/staff/approvals')
    const res = await staff.post('/staff/approvals/bulk', { recordIds: [own.id, other.id], decision: 'approve' })
    expect(res.status).toBe(200)
    expect(res.text).toContain('role="alert"')
    expect(res.text).toContain(own.id)
    expect(res.text).toContain('SECOND_APPROVER_REQUIRED')
    expect((await must(w, 'GET', `/v1/hour-records/${own.id}`, w.fx.admin)).status).toBe('pending')
    expect((await must(w, 'GET', `/v1/hour-records/${other.id}`, w.fx.admin)).status).toBe('approved')
    expect(await balance(w, m.id, 'HOUR')).toBe('2.00')
  })

  it('rejects the ticked records with a reason, and refuses without one', async () => {
    const m = await w.fx.member()
    const a = await manualRecord(w, m.id, w.fx.admin)
    const b = await manualRecord(w, m.id, w.fx.admin)
    await staff.get('/staff/approvals')
    const missing = await staff.post('/staff/approvals/bulk', { recordIds: [a.id, b.id], decision: 'reject', reason: '' })
    expect(missing.status).toBe(400)
    expect(missing.text).toContain('VALIDATION')
    expect((await must(w, 'GET', `/v1/hour-records/${a.id}`, w.fx.admin)).status).toBe('pending')
    const res = await staff.post('/staff/approvals/bulk', { recordIds: [a.id, b.id], decision: 'reject', reason: '重复登记' })
    expect(res.status).toBe(200)
    for (const r of [a, b])
      expect(await must(w, 'GET', `/v1/hour-records/${r.id}`, w.fx.admin)).toMatchObject({ status: 'rejected', reason: '重复登记' })
  })

  it('refuses a bulk decision with nothing ticked, showing the queue again', async () => {
    await staff.get('/staff/approvals')
    const res = await staff.post('/staff/approvals/bulk', { decision: 'approve' })
    expect(res.status).toBe(400)
    expect(res.text).toContain('role="alert"')
  })

  it('approves, adjusts and rejects one record', async () => {
    const m = await w.fx.member()
    const toApprove = await manualRecord(w, m.id, w.fx.admin, '1.00')
    const toAdjust = await manualRecord(w, m.id, w.fx.admin, '3.00')
    const toReject = await manualRecord(w, m.id, w.fx.admin, '1.00')
    await staff.get('/staff/approvals')
    const approved = await staff.post('/staff/approvals/record', { recordId: toApprove.id, action: 'approve' })
    expect(approved.status).toBe(303)
    expect(approved.location).toBe('/staff/approvals?done=approved')
    expect(await balance(w, m.id, 'HOUR')).toBe('1.00')

    const adjusted = await staff.post('/staff/approvals/record', {
      recordId: toAdjust.id,
      action: 'adjust',
      hours: '2.50',
      reason: '提前离开',
    })
    expect(adjusted.status).toBe(303)
    expect((await must(w, 'GET', `/v1/hour-records/${toAdjust.id}`, w.fx.admin)).hours).toBe('2.50')
    // Adjusted by this user, so approving it alone is refused, and the page says why.
    const own = await staff.post('/staff/approvals/record', { recordId: toAdjust.id, action: 'approve' })
    expect(own.status).toBe(403)
    expect(own.text).toContain('SECOND_APPROVER_REQUIRED')
    expect(own.text).toContain(`value="${toAdjust.id}"`)

    const rejected = await staff.post('/staff/approvals/record', { recordId: toReject.id, action: 'reject', reason: '未到场' })
    expect(rejected.status).toBe(303)
    expect((await must(w, 'GET', `/v1/hour-records/${toReject.id}`, w.fx.admin)).status).toBe('rejected')
  })

  it('filters by activity', async () => {
    const a = await activityNow(w)
    const m = await w.fx.member()
    await must(w, 'POST', `/v1/activities/${a.id}/checkins`, w.fx.staff, { memberId: m.id }, 201)
    const out = await must(w, 'POST', `/v1/activities/${a.id}/checkouts`, w.fx.staff, { memberId: m.id }, 201)
    const elsewhere = await manualRecord(w, m.id, w.fx.admin)
    const page = await staff.get(`/staff/approvals?activityId=${a.id}`)
    expect(page.text).toContain(`value="${out.record.id}"`)
    expect(page.text).not.toContain(`value="${elsewhere.id}"`)
  })

  it("keeps a grid leader to their subtree's records", async () => {
    const g2 = await w.fx.member({ gridId: 'g2' })
    const r = await manualRecord(w, g2.id, w.fx.admin)
    const leader = await w.visitorAs(await w.user({ role: 'staff', gridId: 'g1', login: 'leader-rec' }))
    expect((await leader.get('/staff/approvals')).text).not.toContain(`value="${r.id}"`)
    const res = await leader.post('/staff/approvals/bulk', { recordIds: [r.id], decision: 'approve' })
    expect(res.text).toContain('RECORD_NOT_FOUND')
    expect((await must(w, 'GET', `/v1/hour-records/${r.id}`, w.fx.admin)).status).toBe('pending')
  })
})
