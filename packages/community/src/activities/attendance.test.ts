import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attendanceRecordId } from '../domain/ids.js'
import { recordFromAttendance } from '../records/create.js'
import { AttendanceOutput, CheckOutOutput } from './view.js'
import { type ActivityDatabase, type ActivitySetting, ENDS, MINUTE, STARTS, activityDatabase } from './test-fixtures.js'

let d: ActivityDatabase
let t: ActivitySetting
const MEMBERS = ['ana', 'bo', 'cy', 'di', 'ed', 'fay']
const GRACE = 30 * MINUTE

beforeAll(async () => {
  d = await activityDatabase()
  // The defaults, said out loud: 30 minutes of grace, a new code every 60 s, hours rounded down to the quarter.
  t = await d.setting({ settings: { checkInGraceMinutes: 30, codeStepSeconds: 60, hoursRounding: { step: '0.25', mode: 'down' } } })
  await t.members(MEMBERS)
})
afterAll(() => d.close())

const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: 'ok', details: undefined }),
    (e: { code?: string; details?: Record<string, unknown> }) => ({ code: e.code ?? String(e), details: e.details }),
  )
const code = async (p: Promise<unknown>) => (await failure(p)).code
const at = (ms: number) => t.clock.set(new Date(ms))
const shown = async (activityId: string) => (await t.community.currentCode({ tenantId: t.tenantId, activityId })).code
const ids = (activityId: string, memberId: string) => ({ tenantId: t.tenantId, activityId, memberId })
const signUp = (activityId: string, memberId: string, role?: 'leader') =>
  t.community.signUp({ ...ids(activityId, memberId), actor: `key_${memberId}`, ...(role ? { role } : {}) })
const scanIn = (activityId: string, memberId: string, c: string) =>
  t.community.checkIn({ ...ids(activityId, memberId), code: c, actor: `key_${memberId}` })
const handIn = (activityId: string, memberId: string) => t.community.checkIn({ ...ids(activityId, memberId), actor: 'key_staff' })
const scanOut = (activityId: string, memberId: string, c: string) =>
  t.community.checkOut({ ...ids(activityId, memberId), code: c, actor: `key_${memberId}` })
const handOut = (activityId: string, memberId: string, when?: Date) =>
  t.community.checkOut({ ...ids(activityId, memberId), actor: 'key_staff', ...(when ? { at: when } : {}) })

async function ready(activityId: string, members: string[], over: Parameters<ActivitySetting['activity']>[0] = {}) {
  at(STARTS.getTime() - 2 * GRACE)
  await t.activity({ id: activityId, ...over })
  for (const m of members) await signUp(activityId, m)
}

describe('checking in by code', () => {
  it('accepts the code shown now, and for one step after', async () => {
    await ready('scan', ['ana', 'bo'])
    at(STARTS.getTime())
    const c = await shown('scan')
    const { attendance, walkIn } = await scanIn('scan', 'ana', c)
    expect(attendance).toMatchObject({ memberId: 'ana', checkedInBy: 'code', checkedInAt: STARTS, checkedOutAt: null, recordId: null })
    expect(walkIn).toBe(false)
    at(STARTS.getTime() + 60_000 + 59_999)
    expect(await code(scanIn('scan', 'bo', c))).toBe('ok')
  })

  it('refuses the code two steps later, and a wrong code', async () => {
    await ready('stale', ['ana', 'bo'])
    at(STARTS.getTime())
    const c = await shown('stale')
    at(STARTS.getTime() + 120_000)
    const now = await shown('stale')
    at(STARTS.getTime() + 60_000)
    const previous = await shown('stale')
    at(STARTS.getTime() + 120_000)
    // Exact: refused unless, by a one-in-a-million chance, a later code is the same six digits.
    expect(await code(scanIn('stale', 'ana', c))).toBe(c === now || c === previous ? 'ok' : 'CHECKIN_CODE_INVALID')
    let wrong = now
    for (let n = 0; wrong === now || wrong === previous; n++) wrong = String((Number(now) + 1 + n) % 1e6).padStart(6, '0')
    expect(await code(scanIn('stale', 'bo', wrong))).toBe('CHECKIN_CODE_INVALID')
    expect(await code(scanIn('stale', 'bo', 'not-a-code'))).toBe('CHECKIN_CODE_INVALID')
    expect(await code(scanIn('stale', 'bo', now))).toBe('ok')
  })

  it('opens exactly the grace before the start and closes exactly the grace after the end', async () => {
    await ready('edges', ['ana', 'bo', 'cy', 'di'])
    at(STARTS.getTime() - GRACE - 1)
    const refused = await failure(scanIn('edges', 'ana', await shown('edges')))
    expect(refused.code).toBe('CHECKIN_CLOSED')
    expect(refused.details).toMatchObject({ opensAt: '2026-03-02T01:30:00.000Z', closesAt: '2026-03-02T04:30:00.000Z' })
    at(STARTS.getTime() - GRACE)
    expect(await code(scanIn('edges', 'ana', await shown('edges')))).toBe('ok')
    at(ENDS.getTime() + GRACE)
    expect(await code(scanIn('edges', 'bo', await shown('edges')))).toBe('ok')
    expect(await code(scanOut('edges', 'ana', await shown('edges')))).toBe('ok')
    expect(await code(handIn('edges', 'di'))).toBe('ok')
    at(ENDS.getTime() + GRACE + 1)
    expect(await code(scanIn('edges', 'cy', await shown('edges')))).toBe('CHECKIN_CLOSED')
    expect(await code(handIn('edges', 'cy'))).toBe('CHECKIN_CLOSED')
    expect(await code(scanOut('edges', 'bo', await shown('edges')))).toBe('CHECKIN_CLOSED')
    expect(await code(handOut('edges', 'di'))).toBe('CHECKIN_CLOSED')
  })

  it('lets each member check in once', async () => {
    await ready('once', ['ana'])
    at(STARTS.getTime())
    await scanIn('once', 'ana', await shown('once'))
    expect(await code(scanIn('once', 'ana', await shown('once')))).toBe('ALREADY_CHECKED_IN')
    expect(await code(handIn('once', 'ana'))).toBe('ALREADY_CHECKED_IN')
    const both = await Promise.all([handIn('once', 'bo'), handIn('once', 'bo')].map(code))
    expect(both.sort()).toEqual(['ALREADY_CHECKED_IN', 'ok'])
  })

  it('needs a place: neither no sign-up nor a waitlisted one will do', async () => {
    await ready('places', ['ana', 'bo'], { capacity: 1 })
    at(STARTS.getTime())
    const c = await shown('places')
    expect(await code(scanIn('places', 'bo', c))).toBe('NOT_SIGNED_UP')
    expect(await code(scanIn('places', 'cy', c))).toBe('NOT_SIGNED_UP')
    expect(await code(scanIn('places', 'ana', c))).toBe('ok')
  })

  it('refuses a cancelled activity', async () => {
    await ready('off', ['ana'])
    at(STARTS.getTime())
    const c = await shown('off')
    await t.community.cancelActivity({ tenantId: t.tenantId, activityId: 'off', actor: 'key_staff' })
    expect(await code(scanIn('off', 'ana', c))).toBe('ACTIVITY_CANCELLED')
    expect(await code(handIn('off', 'ana'))).toBe('ACTIVITY_CANCELLED')
  })
})

describe('checking in by hand', () => {
  it('records who did it, and signs up a walk-in while a place is free', async () => {
    await ready('walk', ['ana'], { capacity: 2 })
    at(STARTS.getTime() + 10 * MINUTE)
    const walk = await handIn('walk', 'bo')
    expect(walk.walkIn).toBe(true)
    expect(walk.signup).toMatchObject({ memberId: 'bo', status: 'signed', role: 'member' })
    expect(walk.attendance).toMatchObject({ checkedInBy: 'key_staff', role: 'member' })
    const signed = await handIn('walk', 'ana')
    expect(signed.walkIn).toBe(false)
    // Both places are taken now: a third walk-in has none.
    const full = await failure(handIn('walk', 'cy'))
    expect(full).toMatchObject({ code: 'NOT_SIGNED_UP', details: { full: true } })
    expect((await t.community.listSignups({ tenantId: t.tenantId, activityId: 'walk' })).counts.signed).toBe(2)
    expect(await code(t.community.checkIn({ ...ids('walk', 'cy'), actor: 'code' }))).toBe('VALIDATION')
  })

  it('refuses a member who is not active', async () => {
    await ready('inactive', [])
    await t.members(['gil'], 'inactive')
    at(STARTS.getTime())
    expect(await code(handIn('inactive', 'gil'))).toBe('MEMBER_NOT_ACTIVE')
  })

  it('refuses, by code or by hand, a member deactivated since signing up', async () => {
    await t.members(['ivy'])
    await ready('since', ['ivy'])
    await t.community.deactivateMember({ tenantId: t.tenantId, memberId: 'ivy', actor: 'key_staff' })
    at(STARTS.getTime())
    expect(await code(scanIn('since', 'ivy', await shown('since')))).toBe('MEMBER_NOT_ACTIVE')
    expect(await code(handIn('since', 'ivy'))).toBe('MEMBER_NOT_ACTIVE')
  })
})

describe('checking out', () => {
  it('makes a pending record of the time attended, rounded down to the quarter hour: 1 h 40 min is 1.50', async () => {
    await ready('hours', ['ana'])
    await signUp('hours', 'bo', 'leader')
    at(STARTS.getTime())
    await scanIn('hours', 'ana', await shown('hours'))
    await handIn('hours', 'bo')
    at(STARTS.getTime() + 100 * MINUTE)
    const { attendance, record } = await scanOut('hours', 'ana', await shown('hours'))
    expect(record).toMatchObject({
      id: attendanceRecordId('hours', 'ana'),
      memberId: 'ana',
      activityId: 'hours',
      kind: 'clean-up',
      role: 'member',
      hours: '1.50',
      status: 'pending',
      manual: false,
      startedAt: STARTS,
      endedAt: new Date(STARTS.getTime() + 100 * MINUTE),
    })
    expect(attendance).toMatchObject({ checkedOutBy: 'code', recordId: record.id, checkedOutAt: record.endedAt })
    expect(() => CheckOutOutput.parse({ attendance, record })).not.toThrow()
    at(STARTS.getTime() + 104 * MINUTE)
    const leader = await handOut('hours', 'bo')
    expect(leader.record).toMatchObject({ role: 'leader', hours: '1.50', createdBy: 'key_staff' })
    expect(leader.attendance.checkedOutBy).toBe('key_staff')
  })

  it("caps the hours at the activity's maximum: 5 h with maxHours 2 is 2.00", async () => {
    await ready('cap', ['ana'], { endsAt: new Date(STARTS.getTime() + 5 * 60 * MINUTE), maxHours: '2' })
    at(STARTS.getTime())
    await handIn('cap', 'ana')
    at(STARTS.getTime() + 5 * 60 * MINUTE)
    expect((await handOut('cap', 'ana')).record.hours).toBe('2.00')
  })

  it("caps the hours at the policy's most per activity when it is lower: 5 h with maxHours 4 under a 1.5 h policy is 1.50", async () => {
    await ready('policy-cap', ['bo'], { endsAt: new Date(STARTS.getTime() + 5 * 60 * MINUTE), maxHours: '4' })
    await t.community.changePolicy({ tenantId: t.tenantId, policy: { maxHoursPerActivity: '1.5' }, actor: 'key_admin' })
    try {
      at(STARTS.getTime())
      await handIn('policy-cap', 'bo')
      at(STARTS.getTime() + 5 * 60 * MINUTE)
      expect((await handOut('policy-cap', 'bo')).record.hours).toBe('1.50')
    } finally {
      await t.community.changePolicy({ tenantId: t.tenantId, policy: {}, actor: 'key_admin' })
    }
  })

  it('answers a second check-out with ALREADY_CHECKED_OUT and the record made', async () => {
    await ready('twice', ['ana'])
    at(STARTS.getTime())
    await handIn('twice', 'ana')
    at(STARTS.getTime() + 60 * MINUTE)
    const { record } = await handOut('twice', 'ana')
    at(STARTS.getTime() + 90 * MINUTE)
    const again = await failure(scanOut('twice', 'ana', await shown('twice')))
    expect(again).toMatchObject({ code: 'ALREADY_CHECKED_OUT', details: { recordId: record.id } })
    expect(await code(handOut('twice', 'bo'))).toBe('NOT_CHECKED_IN')
    expect(await code(scanOut('twice', 'cy', await shown('twice')))).toBe('NOT_CHECKED_IN')
  })

  it('finishes a check-out that made its record but died before closing the attendance, with the same record', async () => {
    await ready('crash', ['ana'])
    at(STARTS.getTime())
    const { attendance: checkedIn } = await handIn('crash', 'ana')
    at(STARTS.getTime() + 45 * MINUTE)
    // The first half of a check-out, as the dying process left it: the record, the attendance still open.
    const made = await recordFromAttendance(t.ctx, {
      tenantId: t.tenantId,
      activityId: 'crash',
      kind: 'clean-up',
      memberId: 'ana',
      role: 'member',
      from: checkedIn.checkedInAt,
      to: t.clock.now,
      maxHours: 200n,
      actor: 'key_staff',
    })
    expect((await t.community.attendance({ tenantId: t.tenantId, activityId: 'crash' })).entries[0]?.checkedOutAt).toBeNull()
    // The retry comes after the window has closed: it completes anyway, with the record made then.
    at(ENDS.getTime() + GRACE + 60 * MINUTE)
    const retried = await handOut('crash', 'ana')
    expect(retried.record).toEqual(made.record)
    expect(retried.record.hours).toBe('0.75')
    expect(retried.attendance).toMatchObject({ recordId: made.record.id, checkedOutAt: made.record.endedAt })
    expect(await failure(handOut('crash', 'ana'))).toMatchObject({ code: 'ALREADY_CHECKED_OUT', details: { recordId: made.record.id } })
  })

  it('two check-outs at once make one record and one of them is told it was already done', async () => {
    await ready('race', ['ana'])
    at(STARTS.getTime())
    await handIn('race', 'ana')
    at(STARTS.getTime() + 60 * MINUTE)
    const outcomes = await Promise.all([failure(handOut('race', 'ana')), failure(handOut('race', 'ana'))])
    expect(outcomes.map((o) => o.code).sort()).toEqual(['ALREADY_CHECKED_OUT', 'ok'])
    const records = await t.community.listRecords({ tenantId: t.tenantId, activityId: 'race' })
    expect(records.records).toHaveLength(1)
  })

  it('lets staff name when someone left after the window, but not past the grace, in the future or before check-in', async () => {
    await ready('late', ['ana', 'bo'])
    at(STARTS.getTime())
    await handIn('late', 'ana')
    await scanIn('late', 'bo', await shown('late'))
    at(ENDS.getTime() + 24 * 60 * MINUTE)
    expect(await code(handOut('late', 'ana'))).toBe('CHECKIN_CLOSED')
    expect(await code(handOut('late', 'ana', new Date(ENDS.getTime() + GRACE + 1)))).toBe('CHECKIN_CLOSED')
    expect(await code(handOut('late', 'ana', new Date(STARTS.getTime() - 1)))).toBe('VALIDATION')
    expect(await code(handOut('late', 'ana', new Date(t.clock.now.getTime() + 1)))).toBe('VALIDATION')
    expect(await code(t.community.checkOut({ ...ids('late', 'bo'), code: '123456', at: ENDS, actor: 'key_bo' }))).toBe('VALIDATION')
    const { record, attendance } = await handOut('late', 'ana', new Date(ENDS.getTime() + GRACE))
    expect(record.hours).toBe('2.00')
    expect(attendance.checkedOutAt).toEqual(new Date(ENDS.getTime() + GRACE))
    const bo = await handOut('late', 'bo', new Date(STARTS.getTime() + 70 * MINUTE))
    expect(bo.record.hours).toBe('1.00')
  })

  it('refuses a member deactivated or erased since checking in: no record is made for them', async () => {
    await t.members(['gus', 'hal'])
    await ready('left', ['gus', 'hal'])
    at(STARTS.getTime())
    await scanIn('left', 'gus', await shown('left'))
    await handIn('left', 'hal')
    const staff = { tenantId: t.tenantId, actor: 'key_staff' }
    await t.community.deactivateMember({ ...staff, memberId: 'gus' })
    await t.community.eraseMember({ ...staff, memberId: 'hal' })
    at(STARTS.getTime() + 60 * MINUTE)
    expect(await code(scanOut('left', 'gus', await shown('left')))).toBe('MEMBER_NOT_ACTIVE')
    expect(await code(handOut('left', 'gus'))).toBe('MEMBER_NOT_ACTIVE')
    expect(await code(handOut('left', 'hal'))).toBe('MEMBER_NOT_ACTIVE')
    expect((await t.community.listRecords({ tenantId: t.tenantId, activityId: 'left' })).records).toEqual([])
    // Active again, the member checks out as anyone would.
    await t.community.reactivateMember({ ...staff, memberId: 'gus' })
    expect((await scanOut('left', 'gus', await shown('left'))).record).toMatchObject({ memberId: 'gus', status: 'pending' })
  })

  it('refuses a cancelled activity', async () => {
    await ready('called-off', ['ana'])
    at(STARTS.getTime())
    await handIn('called-off', 'ana')
    await t.community.cancelActivity({ tenantId: t.tenantId, activityId: 'called-off', actor: 'key_staff' })
    at(STARTS.getTime() + 60 * MINUTE)
    expect(await code(handOut('called-off', 'ana'))).toBe('ACTIVITY_CANCELLED')
  })
})

describe('attendance entered by hand', () => {
  const checkIn = (activityId: string, memberId: string, by: string) =>
    by === 'code'
      ? shown(activityId).then((c) => scanIn(activityId, memberId, c))
      : t.community.checkIn({ ...ids(activityId, memberId), actor: by })
  const checkOut = (activityId: string, memberId: string, by: string) =>
    by === 'code'
      ? shown(activityId).then((c) => scanOut(activityId, memberId, c))
      : t.community.checkOut({ ...ids(activityId, memberId), actor: by, at: new Date(t.clock.now.getTime() - 5 * MINUTE) })

  it('makes a manual record, entered by whoever did it by hand (the check-out first), when the check-in or the check-out was', async () => {
    const cases = [
      { member: 'ana', in: 'code', out: 'code', manual: false, createdBy: 'key_ana' },
      { member: 'bo', in: 'key_li', out: 'code', manual: true, createdBy: 'key_li' },
      { member: 'cy', in: 'code', out: 'key_wang', manual: true, createdBy: 'key_wang' },
      { member: 'di', in: 'key_li', out: 'key_wang', manual: true, createdBy: 'key_wang' },
      { member: 'ed', in: 'key_li', out: 'key_li', manual: true, createdBy: 'key_li' },
    ]
    await ready(
      'by-hand',
      cases.map((x) => x.member),
    )
    at(STARTS.getTime())
    for (const x of cases) await checkIn('by-hand', x.member, x.in)
    at(STARTS.getTime() + 90 * MINUTE)
    for (const x of cases) {
      const { record } = await checkOut('by-hand', x.member, x.out)
      expect({ member: x.member, manual: record.manual, createdBy: record.createdBy }).toEqual({
        member: x.member,
        manual: x.manual,
        createdBy: x.createdBy,
      })
    }
  })

  it('so the staff member who checked someone in and out by hand cannot approve the hours alone', async () => {
    await ready('alone', ['ana'])
    at(STARTS.getTime())
    await t.community.checkIn({ ...ids('alone', 'ana'), actor: 'key_li' })
    at(ENDS.getTime() + 10 * MINUTE)
    // Out by hand at a time the same key names: the hours are whatever it chose.
    const { record } = await t.community.checkOut({ ...ids('alone', 'ana'), actor: 'key_li', at: ENDS })
    expect(record).toMatchObject({ manual: true, createdBy: 'key_li', hours: '2.00' })
    const [alone] = await t.community.approve({ tenantId: t.tenantId, recordIds: [record.id], actor: 'key_li' })
    expect(alone).toMatchObject({ ok: false, error: { code: 'SECOND_APPROVER_REQUIRED' } })
    const [second] = await t.community.approve({ tenantId: t.tenantId, recordIds: [record.id], actor: 'key_wang' })
    expect(second).toMatchObject({ ok: true, record: { status: 'approved', decidedBy: 'key_wang' } })
  })
})

describe('the attendance sheet', () => {
  it('shows who checked in and out, when, by whom, with the records, and counts them', async () => {
    await ready('sheet', ['ana', 'bo', 'cy'])
    await signUp('sheet', 'di', 'leader')
    at(STARTS.getTime())
    await scanIn('sheet', 'ana', await shown('sheet'))
    at(STARTS.getTime() + MINUTE)
    await handIn('sheet', 'di')
    await handIn('sheet', 'ed')
    at(STARTS.getTime() + 61 * MINUTE)
    const { record } = await handOut('sheet', 'ana')
    const sheet = await t.community.attendance({ tenantId: t.tenantId, activityId: 'sheet' })
    expect(sheet.counts).toEqual({ signed: 5, checkedIn: 3, checkedOut: 1 })
    expect(AttendanceOutput.parse(sheet)).toEqual(sheet)
    expect(sheet.entries.map((e) => [e.memberId, e.role, e.checkedInBy, e.checkedOutBy, e.recordId])).toEqual([
      ['ana', 'member', 'code', 'key_staff', record.id],
      ['di', 'leader', 'key_staff', null, null],
      ['ed', 'member', 'key_staff', null, null],
    ])
    expect(await code(t.community.attendance({ tenantId: t.tenantId, activityId: 'nope' }))).toBe('ACTIVITY_NOT_FOUND')
  })
})
