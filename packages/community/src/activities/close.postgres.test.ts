/**
 * Closing an activity on a real server while members still scan, from two processes: every check-in
 * either lands (and is then checked out) or is refused as closed, every check-out is done once, and
 * after closing again nobody is left in and every attendance has exactly one record, whose end is the
 * attendance's check-out.
 */
import { type IsolatedDatabase, connectIsolated, testDatabaseUrl } from '@timebank/ledger/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Community } from '../community.js'
import { migrate } from '../migrate.js'
import { type SecondProcess, secondProcess } from '../testing/second-process.js'
import { type ActivitySetting, ENDS, MINUTE, STARTS, activitySettingOn } from './test-fixtures.js'

const MEMBERS = Array.from({ length: 40 }, (_, i) => `m${String(i).padStart(2, '0')}`)
let database: IsolatedDatabase
let second: SecondProcess
let t: ActivitySetting
let communities: Community[]

beforeAll(async () => {
  database = await connectIsolated(testDatabaseUrl(), { prefix: 'cm_close', max: 16 })
  await migrate(database.db)
  t = await activitySettingOn(database.db, { settings: { checkInGraceMinutes: 30 } })
  await t.members(MEMBERS)
  second = secondProcess(database)
  communities = [t.community, second.community(() => t.clock.now)]
})
afterAll(async () => {
  await second?.close()
  await database?.close()
})

const on = (i: number) => communities[i % communities.length] as Community
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  )

describe('closing while members scan', () => {
  it('leaves every attendance checked out once, with one record, and refuses what comes after as closed', async () => {
    const { activity } = await t.activity({ id: 'race', capacity: 40, maxHours: '2' })
    const ids = (memberId: string) => ({ tenantId: t.tenantId, activityId: activity.id, memberId })
    for (const m of MEMBERS) await t.community.signUp({ ...ids(m), actor: 'k' })
    const early = MEMBERS.slice(0, 20)
    const late = MEMBERS.slice(20)
    t.clock.set(STARTS)
    const first = await t.community.currentCode({ tenantId: t.tenantId, activityId: activity.id })
    for (const m of early) await t.community.checkIn({ ...ids(m), code: first.code, actor: `key_${m}` })
    // In the grace after the end: late comers scan in, early ones scan out, and two staff close at once.
    t.clock.set(new Date(ENDS.getTime() + 5 * MINUTE))
    const { code } = await t.community.currentCode({ tenantId: t.tenantId, activityId: activity.id })
    const [ins, outs, closes] = await Promise.all([
      Promise.all(late.map((m, i) => outcome(on(i).checkIn({ ...ids(m), code, actor: `key_${m}` })))),
      Promise.all(early.map((m, i) => outcome(on(i + 1).checkOut({ ...ids(m), code, actor: `key_${m}` })))),
      Promise.all([0, 1].map((i) => on(i).closeActivity({ tenantId: t.tenantId, activityId: activity.id, actor: `key_staff${i}` }))),
    ])
    for (const o of ins) expect(['ok', 'ACTIVITY_CLOSED']).toContain(o)
    for (const o of outs) expect(['ok', 'ALREADY_CHECKED_OUT', 'ACTIVITY_CLOSED']).toContain(o)
    expect(closes.map((c) => c.activity.status)).toEqual(['closed', 'closed'])

    // Closing again checks out a check-in that landed after the sweep; then nobody is left in.
    await t.community.closeActivity({ tenantId: t.tenantId, activityId: activity.id, actor: 'key_staff0' })
    const { entries } = await t.community.attendance({ tenantId: t.tenantId, activityId: activity.id })
    expect(entries.length).toBe(early.length + ins.filter((o) => o === 'ok').length)
    expect(entries.filter((e) => e.checkedOutAt === null)).toEqual([])
    const { records } = await t.community.listRecords({ tenantId: t.tenantId, activityId: activity.id, limit: 1000 })
    expect(records).toHaveLength(entries.length)
    const byId = new Map(records.map((r) => [r.id, r]))
    for (const e of entries) expect(byId.get(e.recordId as string)?.endedAt).toEqual(e.checkedOutAt)
    const after = await outcome(t.community.checkIn({ ...ids(late[0] as string), code, actor: 'key_late' }))
    expect(['ACTIVITY_CLOSED', 'ALREADY_CHECKED_IN']).toContain(after)
  })
})
