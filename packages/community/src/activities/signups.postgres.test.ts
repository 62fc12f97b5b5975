import { type IsolatedDatabase, connectIsolated, testDatabaseUrl } from '@timebank/ledger/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Community } from '../community.js'
import { migrate } from '../migrate.js'
import { type SecondProcess, secondProcess } from '../testing/second-process.js'
import { type ActivitySetting, MINUTE, STARTS, activitySettingOn } from './test-fixtures.js'

const MEMBERS = Array.from({ length: 60 }, (_, i) => `m${String(i).padStart(2, '0')}`)
let database: IsolatedDatabase
let second: SecondProcess
let t: ActivitySetting
let communities: Community[]

beforeAll(async () => {
  database = await connectIsolated(testDatabaseUrl(), { prefix: 'cm_signups', max: 16 })
  await migrate(database.db)
  t = await activitySettingOn(database.db, {})
  await t.members(MEMBERS)
  second = secondProcess(database)
  communities = [t.community, second.community(() => t.clock.now)]
})
afterAll(async () => {
  await second?.close()
  await database?.close()
})

/** The community of worker i: the two processes take turns. */
const on = (i: number) => communities[i % communities.length] as Community
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  )
const counts = async (activityId: string) => (await t.community.listSignups({ tenantId: t.tenantId, activityId })).counts

describe('check-in day', () => {
  it('50 members checking in at once by code all get in once, and checking out at once each get one pending record', async () => {
    const { activity } = await t.activity({ id: 'busy', capacity: 50, maxHours: '2' })
    const members = MEMBERS.slice(0, 50)
    for (const m of members) await t.community.signUp({ tenantId: t.tenantId, activityId: activity.id, memberId: m, actor: 'k' })
    t.clock.set(STARTS)
    const { code } = await t.community.currentCode({ tenantId: t.tenantId, activityId: activity.id })
    const checkIns = await Promise.all(
      members.map((m, i) =>
        outcome(on(i).checkIn({ tenantId: t.tenantId, activityId: activity.id, memberId: m, code, actor: `key_${m}` })),
      ),
    )
    expect(checkIns).toEqual(members.map(() => 'ok'))
    // Everyone tapping again at once changes nothing.
    const again = await Promise.all(
      members.map((m, i) =>
        outcome(on(i).checkIn({ tenantId: t.tenantId, activityId: activity.id, memberId: m, code, actor: `key_${m}` })),
      ),
    )
    expect(new Set(again)).toEqual(new Set(['ALREADY_CHECKED_IN']))
    t.clock.set(new Date(STARTS.getTime() + 100 * MINUTE))
    const out = await t.community.currentCode({ tenantId: t.tenantId, activityId: activity.id })
    const checkOuts = await Promise.all(
      members.map((m, i) =>
        outcome(on(i).checkOut({ tenantId: t.tenantId, activityId: activity.id, memberId: m, code: out.code, actor: `key_${m}` })),
      ),
    )
    expect(checkOuts).toEqual(members.map(() => 'ok'))
    const sheet = await t.community.attendance({ tenantId: t.tenantId, activityId: activity.id })
    expect(sheet.counts).toMatchObject({ checkedIn: 50, checkedOut: 50 })
    const records = await t.community.listRecords({ tenantId: t.tenantId, activityId: activity.id, limit: 1000 })
    expect(records.records).toHaveLength(50)
    expect(new Set(records.records.map((r) => `${r.status} ${r.hours}`))).toEqual(new Set(['pending 1.50']))
    t.clock.set('2026-03-02T01:00:00Z')
  })
})

describe('places under concurrency', () => {
  it('60 sign-ups at once from two processes for 10 places: 10 signed, 50 waitlisted in distinct positions', async () => {
    await t.activity({ id: 'rush', capacity: 10 })
    const results = await Promise.all(
      MEMBERS.map((m, i) => on(i).signUp({ tenantId: t.tenantId, activityId: 'rush', memberId: m, actor: `key_${m}` })),
    )
    expect(results.filter((r) => r.signup.status === 'signed')).toHaveLength(10)
    expect(await counts('rush')).toEqual({ signed: 10, waitlisted: 50, cancelled: 0 })
    const listed = await t.community.listSignups({ tenantId: t.tenantId, activityId: 'rush' })
    expect(listed.signups.slice(0, 10).every((s) => s.status === 'signed')).toBe(true)
  })

  it('cancellations racing new sign-ups give each freed place to exactly one member, the earliest waiting first', async () => {
    await t.activity({ id: 'churn', capacity: 10 })
    for (const m of MEMBERS.slice(0, 20)) await t.community.signUp({ tenantId: t.tenantId, activityId: 'churn', memberId: m, actor: 'k' })
    const leaving = MEMBERS.slice(0, 8)
    const joining = MEMBERS.slice(20, 40)
    await Promise.all([
      ...leaving.map((m, i) => on(i).cancelSignUp({ tenantId: t.tenantId, activityId: 'churn', memberId: m, actor: 'k' })),
      ...joining.map((m, i) => on(i + 1).signUp({ tenantId: t.tenantId, activityId: 'churn', memberId: m, actor: 'k' })),
    ])
    expect(await counts('churn')).toEqual({ signed: 10, waitlisted: 22, cancelled: 8 })
    // The ten who were waiting before anyone left got the eight freed places ahead of every newcomer.
    const listed = await t.community.listSignups({ tenantId: t.tenantId, activityId: 'churn' })
    const signed = listed.signups.filter((s) => s.status === 'signed').map((s) => s.memberId)
    expect(signed.sort()).toEqual(MEMBERS.slice(8, 18))
  })

  it('20 walk-ins checked in by hand at once for the last 5 places: exactly 5 get in', async () => {
    await t.activity({ id: 'door', capacity: 8 })
    for (const m of MEMBERS.slice(0, 3)) await t.community.signUp({ tenantId: t.tenantId, activityId: 'door', memberId: m, actor: 'k' })
    t.clock.set(STARTS)
    const results = await Promise.all(
      MEMBERS.slice(10, 30).map((m, i) =>
        outcome(on(i).checkIn({ tenantId: t.tenantId, activityId: 'door', memberId: m, actor: 'key_staff' })),
      ),
    )
    expect(results.filter((r) => r === 'ok')).toHaveLength(5)
    expect(results.filter((r) => r === 'NOT_SIGNED_UP')).toHaveLength(15)
    expect(await counts('door')).toEqual({ signed: 8, waitlisted: 0, cancelled: 0 })
    t.clock.set('2026-03-02T01:00:00Z')
  })

  it('check-ins by code racing cancellations never leave an attendance without its place', async () => {
    await t.activity({ id: 'both', capacity: 40 })
    const members = MEMBERS.slice(0, 30)
    for (const m of members) await t.community.signUp({ tenantId: t.tenantId, activityId: 'both', memberId: m, actor: 'k' })
    t.clock.set(STARTS)
    const { code } = await t.community.currentCode({ tenantId: t.tenantId, activityId: 'both' })
    await Promise.all(
      members.flatMap((m, i) => [
        outcome(on(i).checkIn({ tenantId: t.tenantId, activityId: 'both', memberId: m, code, actor: `key_${m}` })),
        outcome(on(i + 1).cancelSignUp({ tenantId: t.tenantId, activityId: 'both', memberId: m, actor: `key_${m}` })),
      ]),
    )
    const sheet = await t.community.attendance({ tenantId: t.tenantId, activityId: 'both' })
    const listed = await t.community.listSignups({ tenantId: t.tenantId, activityId: 'both' })
    const status = new Map(listed.signups.map((s) => [s.memberId, s.status]))
    for (const e of sheet.entries) expect(status.get(e.memberId)).toBe('signed')
    // Everyone either got in (and kept the place) or left (and is not on the sheet).
    expect(sheet.counts.checkedIn + listed.counts.cancelled).toBe(members.length)
    t.clock.set('2026-03-02T01:00:00Z')
  })
})
