/**
 * Closing an activity that was held: refused before its end and for a cancelled one; whoever is still
 * checked in is checked out at the end with a pending manual record; closing again changes nothing;
 * afterwards sign-ups, check-ins, the code and cancelling are refused as ACTIVITY_CLOSED.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { members } from '../storage/schema.js'
import { type ActivityDatabase, type ActivitySetting, ENDS, MINUTE, STARTS, activityDatabase } from './test-fixtures.js'

let d: ActivityDatabase
let t: ActivitySetting

beforeAll(async () => {
  d = await activityDatabase()
  t = await d.setting({ settings: { checkInGraceMinutes: 30, codeStepSeconds: 60, hoursRounding: { step: '0.25', mode: 'down' } } })
  await t.members(['ana', 'bo', 'cy', 'di', 'ed'])
})
afterAll(() => d.close())

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  )
const at = (ms: number) => t.clock.set(new Date(ms))
const ids = (activityId: string, memberId: string) => ({ tenantId: t.tenantId, activityId, memberId })
const signUp = (activityId: string, memberId: string) => t.community.signUp({ ...ids(activityId, memberId), actor: `key_${memberId}` })
const shown = async (activityId: string) => (await t.community.currentCode({ tenantId: t.tenantId, activityId })).code
const scanIn = async (activityId: string, memberId: string) =>
  t.community.checkIn({ ...ids(activityId, memberId), code: await shown(activityId), actor: `key_${memberId}` })
const close = (activityId: string, actor = 'key_closer') => t.community.closeActivity({ tenantId: t.tenantId, activityId, actor })

describe('closing an activity', () => {
  it('is refused before the activity has ended, and for a cancelled one', async () => {
    at(STARTS.getTime() - MINUTE)
    await t.activity({ id: 'early' })
    await t.activity({ id: 'called-off' })
    at(ENDS.getTime() - 1)
    expect(await code(close('early'))).toBe('ACTIVITY_NOT_ENDED')
    expect((await t.community.getActivity({ tenantId: t.tenantId, activityId: 'early' })).status).toBe('open')
    await t.community.cancelActivity({ tenantId: t.tenantId, activityId: 'called-off', actor: 'key_staff' })
    at(ENDS.getTime() + MINUTE)
    expect(await code(close('called-off'))).toBe('ACTIVITY_CANCELLED')
    expect(await code(close('no-such'))).toBe('ACTIVITY_NOT_FOUND')
  })

  it('checks out at the end whoever is still in, with a pending manual record entered by the closer', async () => {
    at(STARTS.getTime() - MINUTE)
    await t.activity({ id: 'held', maxHours: '2' })
    for (const m of ['ana', 'bo', 'cy', 'di']) await signUp('held', m)
    at(STARTS.getTime())
    await scanIn('held', 'ana')
    await scanIn('held', 'bo')
    at(STARTS.getTime() + 60 * MINUTE)
    const boOut = await t.community.checkOut({ ...ids('held', 'bo'), actor: 'key_staff' })
    // cy comes in the grace after the end: closed at once, no time to credit.
    at(ENDS.getTime() + 10 * MINUTE)
    await scanIn('held', 'cy')
    at(ENDS.getTime() + 20 * MINUTE)

    const closed = await close('held')
    expect(closed.activity.status).toBe('closed')
    expect(closed.checkedOut.map((e) => [e.memberId, e.checkedOutAt?.toISOString(), e.checkedOutBy])).toEqual([
      ['ana', ENDS.toISOString(), 'key_closer'],
      ['cy', new Date(ENDS.getTime() + 10 * MINUTE).toISOString(), 'key_closer'],
    ])
    const ana = await t.community.getRecord(t.tenantId, closed.checkedOut[0]?.recordId as string)
    expect(ana).toMatchObject({ memberId: 'ana', status: 'pending', hours: '2.00', manual: true, createdBy: 'key_closer', endedAt: ENDS })
    const cy = await t.community.getRecord(t.tenantId, closed.checkedOut[1]?.recordId as string)
    expect(cy).toMatchObject({ memberId: 'cy', status: 'pending', hours: '0.00' })

    const all = await t.community.attendance({ tenantId: t.tenantId, activityId: 'held' })
    expect(all.counts).toMatchObject({ checkedIn: 3, checkedOut: 3 })
    // bo's own check-out stands as it was.
    expect(all.entries.find((e) => e.memberId === 'bo')).toMatchObject({ checkedOutBy: 'key_staff', recordId: boOut.record.id })
  })

  it('is idempotent: closing again answers the closed activity and makes nothing', async () => {
    const before = await t.community.attendance({ tenantId: t.tenantId, activityId: 'held' })
    at(ENDS.getTime() + 60 * MINUTE)
    const again = await close('held', 'key_other')
    expect(again.activity.status).toBe('closed')
    expect(again.checkedOut).toEqual([])
    expect(await t.community.attendance({ tenantId: t.tenantId, activityId: 'held' })).toEqual(before)
  })

  it('refuses sign-ups, check-ins, check-outs, the code and cancelling once closed', async () => {
    expect(await code(signUp('held', 'ed'))).toBe('ACTIVITY_CLOSED')
    expect(await code(t.community.checkIn({ ...ids('held', 'di'), actor: 'key_staff' }))).toBe('ACTIVITY_CLOSED')
    expect(await code(t.community.checkIn({ ...ids('held', 'di'), code: '123456', actor: 'key_di' }))).toBe('ACTIVITY_CLOSED')
    expect(await code(t.community.checkOut({ ...ids('held', 'di'), actor: 'key_staff' }))).toBe('ACTIVITY_CLOSED')
    expect(await code(t.community.currentCode({ tenantId: t.tenantId, activityId: 'held' }))).toBe('ACTIVITY_CLOSED')
    expect(await code(t.community.cancelActivity({ tenantId: t.tenantId, activityId: 'held', actor: 'key_staff' }))).toBe('ACTIVITY_CLOSED')
    expect((await t.community.listActivities({ tenantId: t.tenantId, status: 'closed' })).activities.map((a) => a.id)).toEqual(['held'])
  })

  it('closes the attendance of a member no longer active without a record', async () => {
    at(STARTS.getTime() - MINUTE)
    await t.activity({ id: 'left' })
    await signUp('left', 'ed')
    at(STARTS.getTime())
    await scanIn('left', 'ed')
    await t.db
      .update(members)
      .set({ status: 'deactivated' })
      .where(and(eq(members.tenantId, t.tenantId), eq(members.id, 'ed')))
    at(ENDS.getTime() + MINUTE)
    const closed = await close('left')
    expect(closed.checkedOut).toMatchObject([{ memberId: 'ed', checkedOutAt: ENDS, recordId: null }])
  })
})
