import { rows } from '@timebank/ledger/kit'
import { type IsolatedDatabase, connectIsolated, testDatabaseUrl } from '@timebank/ledger/testing'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Community } from '../community.js'
import { migrate } from '../migrate.js'
import { type SecondProcess, secondProcess } from '../testing/second-process.js'
import { activeMembers } from '../testing/members.js'
import { communityOn } from '../testing/pglite.js'

const MEMBERS = Array.from({ length: 8 }, (_, i) => `m${i}`)
let database: IsolatedDatabase
let second: SecondProcess
let t: Awaited<ReturnType<typeof communityOn>>
/** A second "process": its own pool, ledger and community on the same schema. */
let other: Community

beforeAll(async () => {
  database = await connectIsolated(testDatabaseUrl(), { prefix: 'cm_conc', max: 12 })
  await migrate(database.db)
  t = await communityOn(database.db, { start: new Date() })
  await activeMembers(t, MEMBERS)
  second = secondProcess(database, 12)
  other = second.community()
})
afterAll(async () => {
  await second?.close()
  await database?.close()
})

async function makeRecords(prefix: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`)
  for (const [i, id] of ids.entries()) {
    await t.community.createRecord({
      tenantId: t.tenantId,
      id,
      memberId: MEMBERS[i % MEMBERS.length] as string,
      kind: 'clean-up',
      startedAt: new Date(Date.now() - 3600_000),
      endedAt: new Date(),
      hours: String(1 + (i % 3)),
      actor: 'staff-entry',
    })
  }
  return ids
}

const shuffled = <T>(xs: T[]) =>
  xs
    .map((x) => ({ x, k: Math.random() }))
    .sort((a, b) => a.k - b.k)
    .map((p) => p.x)

/** Ledger, records and month totals agree for every member. */
async function agree() {
  expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
  const byMember = await rows<{ member_id: string; hours: string | null; points: string | null }>(
    database.db,
    sql`select member_id, sum(hours)::text as hours, sum(points)::text as points from cm_hour_records
        where tenant_id = ${t.tenantId} and status = 'approved' group by member_id`,
  )
  const totals = await rows<{ member_id: string; hours: string; points: string }>(
    database.db,
    sql`select member_id, sum(hours)::text as hours, sum(points)::text as points from cm_member_totals
        where tenant_id = ${t.tenantId} group by member_id`,
  )
  for (const m of MEMBERS) {
    const want = byMember.find((r) => r.member_id === m)
    const balance = await t.ledger.getBalance({ tenantId: t.tenantId, accountId: `member:${m}:HOUR` })
    expect(BigInt(balance.posted.replace('.', ''))).toBe(BigInt(want?.hours ?? 0))
    const got = totals.find((r) => r.member_id === m)
    expect([BigInt(got?.hours ?? 0), BigInt(got?.points ?? 0)]).toEqual([BigInt(want?.hours ?? 0), BigInt(want?.points ?? 0)])
  }
}

describe('hour records under concurrency', () => {
  it('credits each record once when two staff approve the same records at once', async () => {
    const ids = await makeRecords('both', 240)
    const calls: Promise<unknown>[] = []
    for (let i = 0; i < 4; i++) {
      calls.push(t.community.approve({ tenantId: t.tenantId, recordIds: shuffled(ids).slice(0, 180), actor: 'staff-a' }))
      calls.push(other.approve({ tenantId: t.tenantId, recordIds: shuffled(ids).slice(0, 180), actor: 'staff-b' }))
    }
    await Promise.all(calls)
    await t.community.approve({ tenantId: t.tenantId, recordIds: ids, actor: 'staff-a' })
    const statuses = await rows<{ status: string; n: string }>(
      database.db,
      sql`select status, count(*)::text as n from cm_hour_records where tenant_id = ${t.tenantId} and id like 'both-%' group by status`,
    )
    expect(statuses).toEqual([{ status: 'approved', n: '240' }])
    await agree()
  })

  it('leaves every complained record uncredited and every other credited once when complaints race a bulk approval', async () => {
    const ids = await makeRecords('race', 200)
    const complained = shuffled(ids).slice(0, 25)
    await Promise.all([
      t.community.approve({ tenantId: t.tenantId, recordIds: ids.slice(0, 100), actor: 'staff-a' }),
      other.approve({ tenantId: t.tenantId, recordIds: ids.slice(100), actor: 'staff-b' }),
      ...complained.map((id, i) =>
        (i % 2 ? other : t.community).complain({ tenantId: t.tenantId, recordId: id, reason: 'upheld', actor: 'staff-c' }),
      ),
    ])
    const found = await rows<{ id: string; status: string }>(
      database.db,
      sql`select id, status from cm_hour_records where tenant_id = ${t.tenantId} and id like 'race-%'`,
    )
    for (const r of found) {
      if (complained.includes(r.id)) expect(['rejected', 'reversed']).toContain(r.status)
      else expect(r.status).toBe('approved')
    }
    await agree()
  })
})
