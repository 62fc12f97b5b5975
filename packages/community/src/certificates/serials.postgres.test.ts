import { rows } from '@timebank/ledger/kit'
import { type IsolatedDatabase, connectIsolated, testDatabaseUrl } from '@timebank/ledger/testing'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Community } from '../community.js'
import { verifyCertificate } from '../domain/certificate.js'
import { migrate } from '../migrate.js'
import { type SecondProcess, secondProcess } from '../testing/second-process.js'
import { member, served } from '../recognition/fixtures.js'
import { communityOn } from '../testing/pglite.js'

let database: IsolatedDatabase
let second: SecondProcess
let t: Awaited<ReturnType<typeof communityOn>>
let other: Community

beforeAll(async () => {
  database = await connectIsolated(testDatabaseUrl(), { prefix: 'cm_cert', max: 12 })
  await migrate(database.db)
  t = await communityOn(database.db, { start: '2026-03-01T00:00:00Z' })
  second = secondProcess(database, 12)
  other = second.community()
})
afterAll(async () => {
  await second?.close()
  await database?.close()
})

describe('certificate serials on PostgreSQL', () => {
  it('stay 1..n without a gap or a repeat under concurrent issues from two processes', async () => {
    for (const id of ['ana', 'bo', 'idle']) await member(t, id)
    await served(t, { id: 'a1', memberId: 'ana', hours: '2', at: '2026-03-03T02:00:00Z' })
    await served(t, { id: 'b1', memberId: 'bo', hours: '1', at: '2026-03-04T02:00:00Z' })
    const issue = (c: Community, requestId: string, memberId: string) =>
      c.issueCertificate({ tenantId: t.tenantId, requestId, memberId, period: '2026-03', actor: 'key_staff' })
    const attempts: Promise<unknown>[] = []
    for (let i = 0; i < 40; i++) {
      const c = i % 2 === 0 ? t.community : other
      if (i % 8 === 7) attempts.push(issue(c, `idle-${i}`, 'idle'))
      else if (i % 8 === 3) attempts.push(issue(t.community, `twice-${i}`, 'bo'), issue(other, `twice-${i}`, 'bo'))
      else attempts.push(issue(c, `req-${i}`, i % 3 === 0 ? 'bo' : 'ana'))
    }
    const settled = await Promise.allSettled(attempts)
    const refused = settled.filter((s) => s.status === 'rejected')
    expect(refused).toHaveLength(5)
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'NOTHING_TO_CERTIFY' })
    const found = await rows<{ n: string; request_id: string }>(
      database.db,
      sql`select serial::text as n, request_id from cm_certificates where tenant_id = ${t.tenantId} order by serial`,
    )
    // 40 attempts: 5 refused, 5 sent twice.
    expect(found.map((r) => Number(r.n))).toEqual(Array.from({ length: 35 }, (_, i) => i + 1))
    expect(new Set(found.map((r) => r.request_id)).size).toBe(35)
    const [counter] = await rows<{ value: string }>(
      database.db,
      sql`select value::text as value from cm_counters where tenant_id = ${t.tenantId} and name = 'certificate'`,
    )
    expect(counter?.value).toBe('35')
  })

  it('leave no name on any certificate when the member is erased while certificates are being issued', async () => {
    const u = await communityOn(database.db, { start: '2026-03-01T00:00:00Z' })
    await member(u, 'eve', { name: '赵小燕' })
    await served(u, { id: 'e1', memberId: 'eve', hours: '2', at: '2026-03-03T02:00:00Z' })
    const issue = (c: Community, requestId: string) =>
      c.issueCertificate({ tenantId: u.tenantId, requestId, memberId: 'eve', period: '2026-03', actor: 'key_staff' })
    const attempts: Promise<unknown>[] = []
    for (let i = 0; i < 16; i++) {
      attempts.push(issue(i % 2 === 0 ? u.community : other, `eve-${i}`))
      if (i === 5) attempts.push(other.eraseMember({ tenantId: u.tenantId, memberId: 'eve', actor: 'key_admin' }))
    }
    const settled = await Promise.allSettled(attempts)
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([])
    const found = await rows<{ document: string; signature: string }>(
      database.db,
      sql`select document::text as document, signature from cm_certificates where tenant_id = ${u.tenantId} order by serial`,
    )
    expect(found).toHaveLength(16)
    const { publicKey } = await u.community.getCommunity(u.tenantId)
    for (const f of found) {
      expect(f.document).not.toContain('赵小燕')
      expect(verifyCertificate(JSON.parse(f.document), f.signature, publicKey)).toBe(true)
    }
  })
})
