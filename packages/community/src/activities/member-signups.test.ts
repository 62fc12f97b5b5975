/**
 * A member's own sign-ups: every state a sign-up can be in for the member, newest activity first,
 * paged, and only the member's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ActivityDatabase, type ActivitySetting, MINUTE, STARTS, activityDatabase } from './test-fixtures.js'

let d: ActivityDatabase
let t: ActivitySetting

beforeAll(async () => {
  d = await activityDatabase()
  t = await d.setting({ settings: { checkInGraceMinutes: 30 } })
  await t.members(['ana', 'bo', 'cy'])
})
afterAll(() => d.close())

const HOUR = 60 * MINUTE
const at = (ms: number) => t.clock.set(new Date(ms))
const ids = (activityId: string, memberId: string) => ({ tenantId: t.tenantId, activityId, memberId })
const signUp = (activityId: string, memberId: string) => t.community.signUp({ ...ids(activityId, memberId), actor: `key_${memberId}` })
const mine = (memberId: string, over: { limit?: number; cursor?: string } = {}) =>
  t.community.memberSignups({ tenantId: t.tenantId, memberId, ...over })
/** An activity starting `hours` after STARTS, an hour long. */
const activity = (id: string, hours: number, capacity = 10) =>
  t.activity({ id, startsAt: new Date(STARTS.getTime() + hours * HOUR), endsAt: new Date(STARTS.getTime() + (hours + 1) * HOUR), capacity })

describe("a member's sign-ups", () => {
  beforeAll(async () => {
    at(STARTS.getTime() - HOUR)
    await activity('first', 0)
    await activity('second', 2)
    await activity('third', 4, 1)
    await activity('fourth', 6)
    await activity('others', 8)
    for (const a of ['first', 'second', 'fourth']) await signUp(a, 'ana')
    await signUp('third', 'bo')
    await signUp('third', 'ana')
    await signUp('others', 'bo')
    await t.community.cancelSignUp({ ...ids('fourth', 'ana'), actor: 'key_ana' })
    at(STARTS.getTime())
    await t.community.checkIn({ ...ids('first', 'ana'), actor: 'key_staff' })
    at(STARTS.getTime() + HOUR)
    await t.community.checkOut({ ...ids('first', 'ana'), actor: 'key_staff' })
    at(STARTS.getTime() + 2 * HOUR)
    await t.community.checkIn({ ...ids('second', 'ana'), actor: 'key_staff' })
  })

  it('lists every one, newest activity first, with the state it stands in for the member', async () => {
    const { signups, nextCursor } = await mine('ana')
    expect(signups.map((s) => [s.activity.id, s.state, s.signup.status])).toEqual([
      ['fourth', 'cancelled', 'cancelled'],
      ['third', 'waitlisted', 'waitlisted'],
      ['second', 'checkedIn', 'signed'],
      ['first', 'checkedOut', 'signed'],
    ])
    expect(nextCursor).toBeNull()
    const [, third, second, first] = signups
    expect(third?.signup.position).toBe(1)
    expect(third?.activity).toMatchObject({ signed: 1, waitlisted: 1, capacity: 1 })
    expect(second?.attendance).toMatchObject({ memberId: 'ana', checkedOutAt: null, recordId: null })
    expect(first?.attendance?.recordId).toEqual(expect.any(String))
  })

  it('pages with the cursor, without repeating or skipping', async () => {
    const one = await mine('ana', { limit: 3 })
    expect(one.signups.map((s) => s.activity.id)).toEqual(['fourth', 'third', 'second'])
    const two = await mine('ana', { limit: 3, cursor: one.nextCursor as string })
    expect([two.signups.map((s) => s.activity.id), two.nextCursor]).toEqual([['first'], null])
  })

  it("shows only the member's own, none for a member who signed up for nothing, and refuses an unknown member", async () => {
    expect((await mine('bo')).signups.map((s) => [s.activity.id, s.state])).toEqual([
      ['others', 'signed'],
      ['third', 'signed'],
    ])
    expect(await mine('cy')).toEqual({ signups: [], nextCursor: null })
    await expect(mine('nobody')).rejects.toMatchObject({ code: 'MEMBER_NOT_FOUND' })
    await expect(mine('ana', { cursor: 'nonsense' })).rejects.toMatchObject({ code: 'VALIDATION' })
  })
})
