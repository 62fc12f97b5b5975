import { rows } from '@timebank/ledger/kit'
import { and, eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { verifyCertificate } from '../domain/certificate.js'
import { isCommunityError } from '../domain/errors.js'
import { activity, communityPerTest, grids, member, reversed, served } from '../recognition/fixtures.js'
import { members } from '../storage/schema.js'

const fresh = communityPerTest()

const code = (c: string) => (e: unknown) => isCommunityError(e) && e.code === c

/** A community where ana (张小明) served twice in March (once at the spring clean-up) and once in April. */
async function served3() {
  const t = await fresh({ start: '2026-03-01T00:00:00Z' })
  await grids(t, [['root']])
  await activity(t, 'spring', { title: 'Spring clean-up', gridId: 'root', startsAt: '2026-03-07T23:00:00Z' })
  await member(t, 'ana', { name: '张小明', gridId: 'root' })
  await member(t, 'idle', { gridId: 'root' })
  await served(t, { id: 'r1', memberId: 'ana', hours: '2', activityId: 'spring', at: '2026-03-08T02:00:00Z' })
  await served(t, { id: 'r2', memberId: 'ana', hours: '1.5', at: '2026-03-10T02:00:00Z' })
  await served(t, { id: 'r3', memberId: 'ana', hours: '1', at: '2026-04-01T02:00:00Z' })
  t.clock.set('2026-04-02T02:00:00Z')
  await t.community.createRecord({
    tenantId: t.tenantId,
    id: 'waiting',
    memberId: 'ana',
    kind: 'errand',
    startedAt: new Date('2026-03-20T01:00:00Z'),
    endedAt: new Date('2026-03-20T02:00:00Z'),
    actor: 'key_entry',
  })
  return t
}

describe('certificates', () => {
  it('signs what it certifies with the community key: the document verifies offline with the public key, and not once changed', async () => {
    const t = await served3()
    const { certificate, replayed } = await t.community.issueCertificate({
      tenantId: t.tenantId,
      requestId: 'req-1',
      memberId: 'ana',
      period: '2026-03',
      actor: 'key_staff',
    })
    expect(replayed).toBe(false)
    expect(certificate.document).toEqual({
      version: 1,
      community: { tenantId: t.tenantId, name: 'Maple Street', issuer: 'Maple Street' },
      serial: 1,
      member: { id: 'ana', name: '张小明' },
      scope: { period: '2026-03' },
      hours: '3.50',
      content: 'Spring clean-up 2.00 h; elder-visit 1.50 h',
      records: ['r1', 'r2'],
      issuedAt: '2026-04-02T02:00:00.000Z',
      verifyUrl: `http://127.0.0.1:3000/verify/${t.tenantId}/1`,
    })
    expect(certificate).toMatchObject({ serial: 1, memberId: 'ana', recordIds: ['r1', 'r2'], issuedBy: 'key_staff', requestId: 'req-1' })
    const { publicKey } = await t.community.getCommunity(t.tenantId)
    expect(certificate.publicKey).toBe(publicKey)
    // What a holder has: the document as JSON, the signature and the published key; no database.
    const held = JSON.parse(JSON.stringify({ document: certificate.document, signature: certificate.signature }))
    expect(verifyCertificate(held.document, held.signature, publicKey)).toBe(true)
    expect(verifyCertificate({ ...held.document, hours: '35.00' }, held.signature, publicKey)).toBe(false)
    expect(verifyCertificate({ ...held.document, member: { id: 'ana', name: '张小朋' } }, held.signature, publicKey)).toBe(false)
    // As stored and read back.
    const stored = await t.community.getCertificate({ tenantId: t.tenantId, serial: 1 })
    expect(stored).toEqual(certificate)
    expect(verifyCertificate(stored.document, stored.signature, publicKey)).toBe(true)
  })

  it('certifies one activity, takes the content given, and refuses when there is nothing to certify', async () => {
    const t = await served3()
    const base = { tenantId: t.tenantId, memberId: 'ana', actor: 'key_staff' }
    const { certificate } = await t.community.issueCertificate({ ...base, requestId: 'a', activityId: 'spring', content: '社区大扫除' })
    expect(certificate.document).toMatchObject({
      scope: { activityId: 'spring', title: 'Spring clean-up' },
      hours: '2.00',
      content: '社区大扫除',
      records: ['r1'],
    })
    await expect(t.community.issueCertificate({ ...base, requestId: 'b', activityId: 'nope' })).rejects.toSatisfy(
      code('ACTIVITY_NOT_FOUND'),
    )
    await expect(t.community.issueCertificate({ ...base, requestId: 'c', period: '2026-02' })).rejects.toSatisfy(code('NOTHING_TO_CERTIFY'))
    await expect(t.community.issueCertificate({ ...base, requestId: 'd', memberId: 'idle', period: '2026-03' })).rejects.toSatisfy(
      code('NOTHING_TO_CERTIFY'),
    )
    await expect(t.community.issueCertificate({ ...base, requestId: 'e', memberId: 'ghost', period: '2026-03' })).rejects.toSatisfy(
      code('MEMBER_NOT_FOUND'),
    )
    await expect(t.community.issueCertificate({ ...base, requestId: 'f', period: '2026-03', activityId: 'spring' })).rejects.toSatisfy(
      code('VALIDATION'),
    )
    await expect(t.community.issueCertificate({ ...base, requestId: 'g' })).rejects.toSatisfy(code('VALIDATION'))
    // April's hours are the second quarter's, and the year's.
    const q1 = await t.community.issueCertificate({ ...base, requestId: 'h', period: '2026-Q1' })
    expect([q1.certificate.serial, q1.certificate.document.hours]).toEqual([2, '3.50'])
    const year = await t.community.issueCertificate({ ...base, requestId: 'i', period: '2026' })
    expect([year.certificate.serial, year.certificate.document.records]).toEqual([3, ['r1', 'r2', 'r3']])
    const listed = await t.community.listCertificates({ tenantId: t.tenantId, memberId: 'ana' })
    expect(listed.map((c) => c.serial)).toEqual([3, 2, 1])
  })

  it('returns the same certificate to a retry by requestId, and refuses another request under it', async () => {
    const t = await served3()
    const request = { tenantId: t.tenantId, requestId: 'req-1', memberId: 'ana', period: '2026-03', actor: 'key_staff' }
    const first = await t.community.issueCertificate(request)
    t.clock.set('2026-04-03T02:00:00Z')
    // Even after one of its records was reversed, and by another staff key.
    await reversed(t, 'r2', '2026-04-03T02:00:00Z')
    const again = await t.community.issueCertificate({ ...request, actor: 'key_other' })
    expect(again).toEqual({ certificate: first.certificate, replayed: true })
    await expect(t.community.issueCertificate({ ...request, period: '2026-Q1' })).rejects.toSatisfy(code('IDEMPOTENCY_CONFLICT'))
    await expect(t.community.issueCertificate({ ...request, content: 'other' })).rejects.toSatisfy(code('IDEMPOTENCY_CONFLICT'))
    // Neither the replay nor the refusals used a serial.
    const next = await t.community.issueCertificate({ ...request, requestId: 'req-2' })
    expect(next.certificate.serial).toBe(2)
    expect(next.certificate.document.records).toEqual(['r1'])
  })

  it('answers the public check with the name masked, revoked once a complaint reverses one of its records', async () => {
    const t = await served3()
    await t.community.issueCertificate({ tenantId: t.tenantId, requestId: 'req-1', memberId: 'ana', period: '2026-03', actor: 'key_staff' })
    const check = await t.community.verifyBySerial({ tenantId: t.tenantId, serial: '1' })
    expect(check).toMatchObject({ serial: 1, valid: true, revoked: false, revokedRecords: [] })
    expect(check.document.member).toEqual({ id: 'ana', name: '张*明' })
    expect(JSON.stringify(check)).not.toContain('张小明')

    await reversed(t, 'r2', '2026-04-03T02:00:00Z')
    expect(await t.community.verifyBySerial({ tenantId: t.tenantId, serial: 1 })).toMatchObject({
      valid: true,
      revoked: true,
      revokedRecords: ['r2'],
    })

    await t.db
      .update(members)
      .set({ name: null, status: 'erased' })
      .where(and(eq(members.tenantId, t.tenantId), eq(members.id, 'ana')))
    expect((await t.community.verifyBySerial({ tenantId: t.tenantId, serial: 1 })).document.member.name).toBe('V-ana')

    // A document altered where it is stored no longer checks.
    await t.db.execute(
      sql`update cm_certificates set document = jsonb_set(document, '{hours}', '"13.50"') where tenant_id = ${t.tenantId} and serial = 1`,
    )
    expect((await t.community.verifyBySerial({ tenantId: t.tenantId, serial: 1 })).valid).toBe(false)
    await expect(t.community.verifyBySerial({ tenantId: t.tenantId, serial: 2 })).rejects.toSatisfy(code('CERTIFICATE_NOT_FOUND'))
    await expect(t.community.getCertificate({ tenantId: t.tenantId, serial: 2 })).rejects.toSatisfy(code('CERTIFICATE_NOT_FOUND'))
  })

  it('numbers concurrent issues 1..n without a gap or a repeat', async () => {
    const t = await served3()
    await member(t, 'bo')
    await served(t, { id: 'b1', memberId: 'bo', hours: '1', at: '2026-04-02T03:00:00Z' })
    const issue = (requestId: string, memberId: string, period: string) =>
      t.community.issueCertificate({ tenantId: t.tenantId, requestId, memberId, period, actor: 'key_staff' })
    const attempts = [
      ...Array.from({ length: 8 }, (_, i) => issue(`ana-${i}`, 'ana', i % 2 === 0 ? '2026-03' : '2026')),
      ...Array.from({ length: 4 }, (_, i) => issue(`bo-${i}`, 'bo', '2026-04')),
      // Refused: nothing to certify.
      ...Array.from({ length: 4 }, (_, i) => issue(`idle-${i}`, 'idle', '2026-03')),
      // The same request twice at once: one certificate.
      issue('twice', 'bo', '2026'),
      issue('twice', 'bo', '2026'),
    ]
    const settled = await Promise.allSettled(attempts)
    expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(4)
    const serials = await rows<{ n: string }>(
      t.db,
      sql`select serial::text as n from cm_certificates where tenant_id = ${t.tenantId} order by serial`,
    )
    expect(serials.map((s) => Number(s.n))).toEqual(Array.from({ length: 13 }, (_, i) => i + 1))
    const twice = settled.slice(-2).map((s) => (s.status === 'fulfilled' ? s.value : null))
    expect(twice[0]?.certificate.serial).toBe(twice[1]?.certificate.serial)
    const [counter] = await rows<{ value: string }>(
      t.db,
      sql`select value::text as value from cm_counters where tenant_id = ${t.tenantId} and name = 'certificate'`,
    )
    expect(counter?.value).toBe('13')
  })
})
