import fc from 'fast-check'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { members } from '../storage/schema.js'
import { type ActivityDatabase, type ActivitySetting, ENDS, activityDatabase } from './test-fixtures.js'

let d: ActivityDatabase
let t: ActivitySetting
const MEMBERS = Array.from({ length: 30 }, (_, i) => `m${String(i).padStart(2, '0')}`)

beforeAll(async () => {
  d = await activityDatabase()
  t = await d.setting()
  await t.members(MEMBERS)
  await t.members(['applicant'], 'applied')
  await t.members(['gone'], 'inactive')
})
afterAll(() => d.close())

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  )
const signUp = (activityId: string, memberId: string, role?: 'member' | 'leader' | 'organiser') =>
  t.community.signUp({ tenantId: t.tenantId, activityId, memberId, actor: `key_${memberId}`, ...(role ? { role } : {}) })
const cancel = (activityId: string, memberId: string) =>
  t.community.cancelSignUp({ tenantId: t.tenantId, activityId, memberId, actor: `key_${memberId}` })
const list = (activityId: string) => t.community.listSignups({ tenantId: t.tenantId, activityId })

describe('signing up', () => {
  it('gives places up to the capacity, then waitlists with positions', async () => {
    await t.activity({ id: 'cap', capacity: 2 })
    expect((await signUp('cap', 'm00', 'leader')).signup).toMatchObject({ status: 'signed', role: 'leader', position: null })
    expect((await signUp('cap', 'm01')).signup).toMatchObject({ status: 'signed', role: 'member', position: null })
    expect((await signUp('cap', 'm02')).signup).toMatchObject({ status: 'waitlisted', position: 1 })
    expect((await signUp('cap', 'm03')).signup).toMatchObject({ status: 'waitlisted', position: 2 })
    const listed = await list('cap')
    expect(listed.counts).toEqual({ signed: 2, waitlisted: 2, cancelled: 0 })
    expect(listed.signups.map((s) => [s.memberId, s.status, s.position])).toEqual([
      ['m00', 'signed', null],
      ['m01', 'signed', null],
      ['m02', 'waitlisted', 1],
      ['m03', 'waitlisted', 2],
    ])
    const shown = await t.community.getActivity({ tenantId: t.tenantId, activityId: 'cap' })
    expect([shown.signed, shown.waitlisted]).toEqual([2, 2])
  })

  it('answers a repeated sign-up with the existing one, role unchanged', async () => {
    await t.activity({ id: 'again', capacity: 1 })
    const first = await signUp('again', 'm00')
    const again = await signUp('again', 'm00', 'leader')
    expect(again.replayed).toBe(true)
    expect(again.signup).toEqual(first.signup)
    await signUp('again', 'm01')
    expect((await signUp('again', 'm01')).signup).toMatchObject({ status: 'waitlisted', position: 1 })
    expect((await list('again')).counts).toEqual({ signed: 1, waitlisted: 1, cancelled: 0 })
  })

  it('refuses members who are not active, and activities that are cancelled, ended or unknown', async () => {
    await t.activity({ id: 'refusals' })
    expect(await code(signUp('refusals', 'applicant'))).toBe('MEMBER_NOT_ACTIVE')
    expect(await code(signUp('refusals', 'gone'))).toBe('MEMBER_NOT_ACTIVE')
    expect(await code(signUp('refusals', 'nobody'))).toBe('MEMBER_NOT_FOUND')
    expect(await code(signUp('nowhere', 'm00'))).toBe('ACTIVITY_NOT_FOUND')
    await t.activity({ id: 'called-off' })
    await t.community.cancelActivity({ tenantId: t.tenantId, activityId: 'called-off', actor: 'key_staff' })
    expect(await code(signUp('called-off', 'm00'))).toBe('ACTIVITY_CANCELLED')
    await t.activity({ id: 'over' })
    t.clock.set(new Date(ENDS.getTime() - 1))
    expect(await code(signUp('over', 'm00'))).toBe('ok')
    t.clock.set(ENDS)
    expect(await code(signUp('over', 'm01'))).toBe('ACTIVITY_ENDED')
    t.clock.set('2026-03-02T01:00:00Z')
  })
})

describe('cancelling a sign-up', () => {
  it('frees the place for the earliest waitlisted, in the same step', async () => {
    await t.activity({ id: 'swap', capacity: 2 })
    for (const m of ['m00', 'm01', 'm02', 'm03', 'm04']) await signUp('swap', m)
    const { signup, promoted } = await cancel('swap', 'm01')
    expect(signup.status).toBe('cancelled')
    expect(promoted.map((p) => [p.memberId, p.status])).toEqual([['m02', 'signed']])
    const listed = await list('swap')
    expect(listed.counts).toEqual({ signed: 2, waitlisted: 2, cancelled: 1 })
    expect(listed.signups.filter((s) => s.status === 'waitlisted').map((s) => [s.memberId, s.position])).toEqual([
      ['m03', 1],
      ['m04', 2],
    ])
  })

  it('gives up the places of a member deactivated or erased, each to the earliest waiting', async () => {
    await t.members(['v1', 'v2', 'v3', 'v4'])
    await t.activity({ id: 'leaving', capacity: 1 })
    await t.activity({ id: 'leaving-too', capacity: 1 })
    for (const m of ['v1', 'v2', 'v3', 'v4']) await signUp('leaving', m)
    await signUp('leaving-too', 'v1')
    await signUp('leaving-too', 'v4')
    await t.community.deactivateMember({ tenantId: t.tenantId, memberId: 'v1', actor: 'key_staff' })
    await t.community.eraseMember({ tenantId: t.tenantId, memberId: 'v2', actor: 'key_staff' })
    const status = async (activityId: string) => (await list(activityId)).signups.map((s) => [s.memberId, s.status])
    expect(await status('leaving')).toEqual([
      ['v1', 'cancelled'],
      ['v2', 'cancelled'],
      ['v3', 'signed'],
      ['v4', 'waitlisted'],
    ])
    expect(await status('leaving-too')).toEqual([
      ['v1', 'cancelled'],
      ['v4', 'signed'],
    ])
    // Deactivating again changes nothing more.
    await t.community.deactivateMember({ tenantId: t.tenantId, memberId: 'v1', actor: 'key_staff' })
    expect((await list('leaving')).counts).toEqual({ signed: 1, waitlisted: 1, cancelled: 2 })
  })

  it('promotes the earliest waitlisted member still active, passing over one whose places were not yet given up', async () => {
    await t.members(['w1', 'w2', 'w3'])
    await t.activity({ id: 'lapsed', capacity: 1 })
    for (const m of ['m00', 'w1', 'w2', 'w3']) await signUp('lapsed', m)
    // As a deactivation and an erasure leave them between their status change and giving up their places.
    await t.db
      .update(members)
      .set({ status: 'inactive' })
      .where(and(eq(members.tenantId, t.tenantId), eq(members.id, 'w1')))
    await t.db
      .update(members)
      .set({ status: 'erased', name: null })
      .where(and(eq(members.tenantId, t.tenantId), eq(members.id, 'w2')))
    const { promoted } = await cancel('lapsed', 'm00')
    expect(promoted.map((p) => [p.memberId, p.status])).toEqual([['w3', 'signed']])
    const listed = await list('lapsed')
    expect(listed.signups.map((s) => [s.memberId, s.status])).toEqual([
      ['m00', 'cancelled'],
      ['w1', 'waitlisted'],
      ['w2', 'waitlisted'],
      ['w3', 'signed'],
    ])
    // With nobody active waiting, the freed place stays free.
    await cancel('lapsed', 'w3')
    expect((await list('lapsed')).counts).toEqual({ signed: 0, waitlisted: 2, cancelled: 2 })
  })

  it('promotes nobody when a waitlisted member leaves, and answers a second cancellation as it is', async () => {
    await t.activity({ id: 'leave', capacity: 1 })
    for (const m of ['m00', 'm01', 'm02']) await signUp('leave', m)
    expect((await cancel('leave', 'm01')).promoted).toEqual([])
    expect((await signUp('leave', 'm02')).signup.position).toBe(1)
    const twice = await cancel('leave', 'm01')
    expect([twice.signup.status, twice.promoted]).toEqual(['cancelled', []])
    expect(await code(cancel('leave', 'm09'))).toBe('NOT_SIGNED_UP')
  })

  it('lets a cancelled member sign up again, behind everyone already waiting', async () => {
    await t.activity({ id: 'back', capacity: 1 })
    for (const m of ['m00', 'm01']) await signUp('back', m)
    await cancel('back', 'm00')
    const back = await signUp('back', 'm00')
    expect(back.replayed).toBe(false)
    expect(back.signup).toMatchObject({ status: 'waitlisted', position: 1 })
    await signUp('back', 'm02')
    expect((await list('back')).signups.map((s) => s.memberId)).toEqual(['m01', 'm00', 'm02'])
  })

  it('refuses once the member has checked in', async () => {
    await t.activity({ id: 'stay' })
    await signUp('stay', 'm00')
    t.clock.set('2026-03-02T02:00:00Z')
    await t.community.checkIn({ tenantId: t.tenantId, activityId: 'stay', memberId: 'm00', actor: 'key_staff' })
    expect(await code(cancel('stay', 'm00'))).toBe('ALREADY_CHECKED_IN')
    t.clock.set('2026-03-02T01:00:00Z')
  })
})

describe('concurrent sign-ups', () => {
  it('never give more places than the capacity: 30 at once for 10 places', async () => {
    await t.activity({ id: 'rush', capacity: 10 })
    const results = await Promise.all(MEMBERS.map((m) => signUp('rush', m)))
    expect(results.filter((r) => r.signup.status === 'signed')).toHaveLength(10)
    const positions = results.filter((r) => r.signup.status === 'waitlisted').map((r) => r.signup.position)
    expect(positions.sort((a, b) => (a as number) - (b as number))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect((await list('rush')).counts).toEqual({ signed: 10, waitlisted: 20, cancelled: 0 })
    // And cancellations at once hand each freed place to exactly one waiting member.
    const leaving = results.filter((r) => r.signup.status === 'signed').map((r) => r.signup.memberId)
    await Promise.all(leaving.slice(0, 5).map((m) => cancel('rush', m)))
    expect((await list('rush')).counts).toEqual({ signed: 10, waitlisted: 15, cancelled: 5 })
  })
})

describe('the waitlist, against a model', () => {
  it('matches a first-come line whatever the order of sign-ups and cancellations', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.record({ cancel: fc.boolean(), who: fc.integer({ min: 0, max: 5 }) }), { minLength: 1, maxLength: 12 }),
        async (capacity, ops) => {
          const activityId = `model-${run++}`
          await t.activity({ id: activityId, capacity })
          // The model: everyone live, in the order they (last) signed up; the first `capacity` hold the places.
          let line: string[] = []
          const ever = new Set<string>()
          for (const op of ops) {
            const m = MEMBERS[op.who] as string
            if (op.cancel) {
              const outcome = await code(cancel(activityId, m))
              // A cancelled sign-up answers a second cancellation as it is; with none at all there is nothing to cancel.
              expect(outcome).toBe(ever.has(m) ? 'ok' : 'NOT_SIGNED_UP')
              line = line.filter((x) => x !== m)
            } else if (!line.includes(m)) {
              line.push(m)
              ever.add(m)
              await signUp(activityId, m)
            } else {
              expect((await signUp(activityId, m)).replayed).toBe(true)
            }
            const listed = await list(activityId)
            const live = listed.signups.filter((s) => s.status !== 'cancelled')
            expect(live.map((s) => s.memberId)).toEqual(line)
            expect(live.map((s) => s.status)).toEqual(line.map((_, i) => (i < capacity ? 'signed' : 'waitlisted')))
            expect(live.map((s) => s.position)).toEqual(line.map((_, i) => (i < capacity ? null : i - capacity + 1)))
          }
        },
      ),
      { numRuns: 25 },
    )
  })
})
