import { eq } from 'drizzle-orm'
import { z } from 'zod'
import { ActivityOutput } from './view.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyCheckinCode } from '../domain/checkin-code.js'
import { activities, organisations } from '../storage/schema.js'
import { type ActivityDatabase, type ActivitySetting, ENDS, MINUTE, STARTS, activityDatabase } from './test-fixtures.js'

let d: ActivityDatabase
let t: ActivitySetting

beforeAll(async () => {
  d = await activityDatabase()
  t = await d.setting()
  await t.members(['ana', 'bo'])
  await t.members(['cy'], 'applied')
  await t.db.insert(organisations).values({
    tenantId: t.tenantId,
    id: 'school-1',
    kind: 'partner',
    name: 'No. 1 Primary School',
    status: 'active',
    createdAt: t.clock.now,
  })
})
afterAll(() => d.close())

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  )

describe('creating an activity', () => {
  it('makes an open activity with its cap as hours text, and never shows its secret', async () => {
    const { activity, replayed } = await t.activity({ id: 'clean-1', maxHours: '2', organiser: { type: 'organisation', id: 'school-1' } })
    expect(replayed).toBe(false)
    expect(activity).toMatchObject({
      id: 'clean-1',
      status: 'open',
      maxHours: '2.00',
      capacity: 10,
      signed: 0,
      waitlisted: 0,
      organiser: { type: 'organisation', id: 'school-1' },
      createdBy: 'key_staff',
    })
    expect(JSON.stringify(activity)).not.toMatch(/secret/i)
    // Exactly the output schema's fields, nothing more.
    expect(z.strictObject(ActivityOutput.shape).parse(activity)).toEqual(activity)
    expect(JSON.stringify(await t.community.getActivity({ tenantId: t.tenantId, activityId: 'clean-1' }))).not.toMatch(/secret/i)
  })

  it('answers a repeated request with the same activity, "2" and "2.00" being the same cap', async () => {
    const first = await t.activity({ id: 'clean-2', maxHours: '2' })
    const again = await t.activity({ id: 'clean-2', maxHours: '2.00', startsAt: STARTS.toISOString() as never, actor: 'key_other' })
    expect(again.replayed).toBe(true)
    expect(again.activity.createdAt).toEqual(first.activity.createdAt)
  })

  it('refuses the same id for another activity', async () => {
    await t.activity({ id: 'clean-3' })
    expect(await code(t.activity({ id: 'clean-3', capacity: 11 }))).toBe('ACTIVITY_EXISTS')
  })

  it('refuses an end not after the start, capacities outside 1..10000 and bad caps', async () => {
    expect(await code(t.activity({ endsAt: STARTS }))).toBe('VALIDATION')
    expect(await code(t.activity({ endsAt: new Date(STARTS.getTime() - 1) }))).toBe('VALIDATION')
    expect(await code(t.activity({ capacity: 0 }))).toBe('VALIDATION')
    expect(await code(t.activity({ capacity: 10_001 }))).toBe('VALIDATION')
    expect(await code(t.activity({ capacity: 10_000 }))).toBe('ok')
    expect(await code(t.activity({ maxHours: '0' }))).toBe('VALIDATION')
    expect(await code(t.activity({ maxHours: '1.255' }))).toBe('VALIDATION')
    expect(await code(t.activity({ maxHours: 'two' }))).toBe('VALIDATION')
  })

  it('refuses a grid, organisation or organiser member that is not there or not active', async () => {
    expect(await code(t.activity({ gridId: 'nowhere' }))).toBe('GRID_NOT_FOUND')
    expect(await code(t.activity({ organiser: { type: 'organisation', id: 'nobody' } }))).toBe('ORGANISATION_NOT_FOUND')
    expect(await code(t.activity({ organiser: { type: 'member', id: 'nobody' } }))).toBe('MEMBER_NOT_FOUND')
    expect(await code(t.activity({ organiser: { type: 'member', id: 'cy' } }))).toBe('MEMBER_NOT_ACTIVE')
    expect(await code(t.activity({ organiser: { type: 'member', id: 'ana' } }))).toBe('ok')
  })
})

describe('reading activities', () => {
  it('answers ACTIVITY_NOT_FOUND for an unknown activity', async () => {
    expect(await code(t.community.getActivity({ tenantId: t.tenantId, activityId: 'nope' }))).toBe('ACTIVITY_NOT_FOUND')
  })

  it('lists by start, running in a time range, in a grid subtree, by status, page by page', async () => {
    const s = await d.setting()
    const day = (h: number) => new Date(STARTS.getTime() + h * 60 * MINUTE)
    await s.activity({ id: 'late', startsAt: day(5), endsAt: day(6) })
    await s.activity({ id: 'early', startsAt: day(-1), endsAt: day(1) })
    await s.activity({ id: 'mid', startsAt: day(2), endsAt: day(3), gridId: 'g2' })
    await s.activity({ id: 'mid-b', startsAt: day(2), endsAt: day(4) })
    await s.community.cancelActivity({ tenantId: s.tenantId, activityId: 'mid-b', actor: 'key_staff' })
    const ids = async (q: object = {}) => (await s.community.listActivities({ tenantId: s.tenantId, ...q })).activities.map((a) => a.id)
    expect(await ids()).toEqual(['early', 'mid', 'mid-b', 'late'])
    // Running at some point of [from, to): "early" is still on at 00:30 past the start.
    expect(await ids({ from: day(0.5), to: day(2.5) })).toEqual(['early', 'mid', 'mid-b'])
    expect(await ids({ from: day(1) })).toEqual(['mid', 'mid-b', 'late'])
    expect(await ids({ to: day(2) })).toEqual(['early'])
    expect(await ids({ gridPath: 'root/g2/' })).toEqual(['mid'])
    expect(await ids({ gridPath: 'root/' })).toHaveLength(4)
    expect(await ids({ status: 'cancelled' })).toEqual(['mid-b'])
    const first = await s.community.listActivities({ tenantId: s.tenantId, limit: 2 })
    expect(first.activities.map((a) => a.id)).toEqual(['early', 'mid'])
    const second = await s.community.listActivities({ tenantId: s.tenantId, limit: 2, cursor: first.nextCursor as string })
    expect(second.activities.map((a) => a.id)).toEqual(['mid-b', 'late'])
    expect(second.nextCursor).toBeNull()
    expect(await code(s.community.listActivities({ tenantId: s.tenantId, cursor: 'garbage' }))).toBe('VALIDATION')
  })
})

describe('cancelling an activity', () => {
  it('cancels it once and answers the cancelled activity again', async () => {
    await t.activity({ id: 'gone' })
    const cancelled = await t.community.cancelActivity({ tenantId: t.tenantId, activityId: 'gone', actor: 'key_staff' })
    expect(cancelled.status).toBe('cancelled')
    expect((await t.community.cancelActivity({ tenantId: t.tenantId, activityId: 'gone', actor: 'key_staff' })).status).toBe('cancelled')
    expect(await code(t.community.cancelActivity({ tenantId: t.tenantId, activityId: 'nope', actor: 'key_staff' }))).toBe(
      'ACTIVITY_NOT_FOUND',
    )
    expect(await code(t.community.currentCode({ tenantId: t.tenantId, activityId: 'gone' }))).toBe('ACTIVITY_CANCELLED')
  })
})

describe('the code staff show', () => {
  it('is the current code, valid until the step ends, in the url a phone opens', async () => {
    const s = await d.setting({ settings: { publicBaseUrl: 'https://vol.example.org/', codeStepSeconds: 60 } })
    await s.activity({ id: 'qr' })
    s.clock.set(new Date(STARTS.getTime() + 15_000))
    const shown = await s.community.currentCode({ tenantId: s.tenantId, activityId: 'qr' })
    expect(shown.code).toMatch(/^\d{6}$/)
    expect(shown.validUntil).toEqual(new Date(STARTS.getTime() + MINUTE))
    expect(shown.url).toBe(`https://vol.example.org/checkin/${s.tenantId}/qr?code=${shown.code}`)
    // Made from the activity's own secret.
    const [row] = await s.db.select().from(activities).where(eq(activities.tenantId, s.tenantId))
    expect(verifyCheckinCode(shown.code, row?.codeSecret as string, s.clock.now, 60)).toBe(true)
    s.clock.set(ENDS)
    expect((await s.community.currentCode({ tenantId: s.tenantId, activityId: 'qr' })).validUntil).toEqual(
      new Date(ENDS.getTime() + MINUTE),
    )
  })
})
