import { createHash } from 'node:crypto'
import { rows } from '@timebank/ledger/kit'
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { canonicalHash, nameDigest, publicForm, signedBytes, verifyCertificate } from '../domain/certificate.js'
import { isCommunityError } from '../domain/errors.js'
import { activity, communityPerTest, grids, member, reversed, served } from '../recognition/fixtures.js'

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
    const salt = certificate.document.holder?.salt as string
    expect(salt).toMatch(/^[0-9a-f]{32}$/)
    expect(certificate.document).toEqual({
      version: 2,
      community: { tenantId: t.tenantId, name: 'Maple Street', issuer: 'Maple Street' },
      serial: 1,
      member: { pseudonym: 'V-ana', nameDigest: nameDigest(salt, '张小明') },
      scope: { period: '2026-03' },
      hours: '3.50',
      content: 'Spring clean-up 2.00 h; elder-visit 1.50 h',
      recordCount: 2,
      issuedAt: '2026-04-02T02:00:00.000Z',
      verifyUrl: `http://127.0.0.1:3000/verify/${t.tenantId}/1`,
      holder: { name: '张小明', salt },
    })
    expect(certificate).toMatchObject({ serial: 1, memberId: 'ana', recordIds: ['r1', 'r2'], issuedBy: 'key_staff', requestId: 'req-1' })
    const { publicKey } = await t.community.getCommunity(t.tenantId)
    expect(certificate.publicKey).toBe(publicKey)
    // What a holder has: the document as JSON, the signature and the published key; no database.
    const held = JSON.parse(JSON.stringify({ document: certificate.document, signature: certificate.signature }))
    expect(verifyCertificate(held.document, held.signature, publicKey)).toBe(true)
    expect(verifyCertificate(publicForm(held.document), held.signature, publicKey)).toBe(true)
    expect(verifyCertificate({ ...held.document, hours: '35.00' }, held.signature, publicKey)).toBe(false)
    expect(verifyCertificate({ ...held.document, holder: { name: '张小朋', salt } }, held.signature, publicKey)).toBe(false)
    expect(verifyCertificate({ ...held.document, holder: { name: '张小明', salt: 'f'.repeat(32) } }, held.signature, publicKey)).toBe(false)
    // As stored and read back.
    const stored = await t.community.getCertificate({ tenantId: t.tenantId, serial: 1 })
    expect(stored).toEqual(certificate)
    expect(verifyCertificate(stored.document, stored.signature, publicKey)).toBe(true)
    // Every certificate has a salt of its own: the same name gives another digest.
    const again = await t.community.issueCertificate({
      tenantId: t.tenantId,
      requestId: 'req-2',
      memberId: 'ana',
      period: '2026',
      actor: 'key_staff',
    })
    expect(again.certificate.document.holder?.salt).not.toBe(salt)
    expect(again.certificate.document.member.nameDigest).not.toBe(certificate.document.member.nameDigest)
  })

  it('certifies one activity, takes the content given, and refuses when there is nothing to certify', async () => {
    const t = await served3()
    const base = { tenantId: t.tenantId, memberId: 'ana', actor: 'key_staff' }
    const { certificate } = await t.community.issueCertificate({ ...base, requestId: 'a', activityId: 'spring', content: '社区大扫除' })
    expect(certificate.document).toMatchObject({
      scope: { activityId: 'spring', title: 'Spring clean-up' },
      hours: '2.00',
      content: '社区大扫除',
      recordCount: 1,
    })
    expect(certificate.recordIds).toEqual(['r1'])
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
    expect([year.certificate.serial, year.certificate.recordIds, year.certificate.document.recordCount]).toEqual([3, ['r1', 'r2', 'r3'], 3])
    const listed = await t.community.listCertificates({ tenantId: t.tenantId, memberId: 'ana' })
    expect(listed.certificates.map((c) => c.serial)).toEqual([3, 2, 1])
  })

  it("lists every certificate newest first, or a member's, those of a grid's subtree, those issued in a year, paged", async () => {
    const t = await fresh({ start: '2026-03-01T00:00:00Z' })
    await grids(t, [['root'], ['g1', 'root'], ['g1a', 'g1'], ['g2', 'root']])
    await member(t, 'ana', { gridId: 'g1' })
    await member(t, 'bo', { gridId: 'g1a' })
    await member(t, 'cy', { gridId: 'g2' })
    for (const m of ['ana', 'bo', 'cy']) await served(t, { id: `r-${m}`, memberId: m, hours: '1', at: '2026-03-10T02:00:00Z' })
    const issue = (memberId: string, requestId: string) =>
      t.community.issueCertificate({ tenantId: t.tenantId, requestId, memberId, period: '2026-03', actor: 'key_staff' })
    // 2026-12-31T16:30Z is already 2027 in Asia/Shanghai, where the community is.
    t.clock.set('2026-12-31T15:30:00Z')
    await issue('ana', 'c1')
    await issue('bo', 'c2')
    t.clock.set('2026-12-31T16:30:00Z')
    await issue('cy', 'c3')
    await issue('ana', 'c4')
    const list = async (q: Omit<Parameters<typeof t.community.listCertificates>[0], 'tenantId'> = {}) => {
      const page = await t.community.listCertificates({ tenantId: t.tenantId, ...q })
      return [page.certificates.map((c) => c.serial), page.nextCursor]
    }
    expect(await list()).toEqual([[4, 3, 2, 1], null])
    expect(await list({ memberId: 'ana' })).toEqual([[4, 1], null])
    expect(await list({ gridPath: 'root/g1/' })).toEqual([[4, 2, 1], null])
    expect(await list({ gridPath: 'root/g1/g1a/' })).toEqual([[2], null])
    expect(await list({ year: '2026' })).toEqual([[2, 1], null])
    expect(await list({ year: '2027', gridPath: 'root/g1/' })).toEqual([[4], null])
    expect(await list({ limit: 3 })).toEqual([[4, 3, 2], '2'])
    expect(await list({ limit: 3, cursor: '2' })).toEqual([[1], null])
    await expect(list({ memberId: 'ghost' })).rejects.toSatisfy(code('MEMBER_NOT_FOUND'))
    for (const bad of [{ year: '26' }, { cursor: '0' }, { cursor: 'x' }, { limit: 0 }]) {
      await expect(list(bad)).rejects.toSatisfy(code('VALIDATION'))
    }
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
    expect(next.certificate.recordIds).toEqual(['r1'])
  })

  it('answers the public check with the name masked, revoked once a complaint reverses one of its records', async () => {
    const t = await served3()
    await t.community.issueCertificate({ tenantId: t.tenantId, requestId: 'req-1', memberId: 'ana', period: '2026-03', actor: 'key_staff' })
    const check = await t.community.verifyBySerial({ tenantId: t.tenantId, serial: '1' })
    expect(check).toMatchObject({ serial: 1, valid: true, revoked: false, name: '张*明' })
    expect(check.document.member).toEqual({ pseudonym: 'V-ana', nameDigest: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(check.document).not.toHaveProperty('holder')
    expect(JSON.stringify(check)).not.toContain('张小明')

    await reversed(t, 'r2', '2026-04-03T02:00:00Z')
    const revoked = await t.community.verifyBySerial({ tenantId: t.tenantId, serial: 1 })
    expect(revoked).toMatchObject({ valid: true, revoked: true })
    expect(Object.keys(revoked).sort()).toEqual(['document', 'name', 'publicKey', 'revoked', 'serial', 'signature', 'valid'])

    // A document altered where it is stored no longer checks: its hours, or the name kept for the holder.
    await t.db.execute(
      sql`update cm_certificates set document = jsonb_set(document, '{holder,name}', '"张小朋"') where tenant_id = ${t.tenantId} and serial = 1`,
    )
    expect((await t.community.verifyBySerial({ tenantId: t.tenantId, serial: 1 })).valid).toBe(false)
    await t.db.execute(
      sql`update cm_certificates set document = jsonb_set(document, '{holder,name}', '"张小明"') where tenant_id = ${t.tenantId} and serial = 1`,
    )
    expect((await t.community.verifyBySerial({ tenantId: t.tenantId, serial: 1 })).valid).toBe(true)
    await t.db.execute(
      sql`update cm_certificates set document = jsonb_set(document, '{hours}', '"13.50"') where tenant_id = ${t.tenantId} and serial = 1`,
    )
    expect((await t.community.verifyBySerial({ tenantId: t.tenantId, serial: 1 })).valid).toBe(false)
    await expect(t.community.verifyBySerial({ tenantId: t.tenantId, serial: 2 })).rejects.toSatisfy(code('CERTIFICATE_NOT_FOUND'))
    await expect(t.community.getCertificate({ tenantId: t.tenantId, serial: 2 })).rejects.toSatisfy(code('CERTIFICATE_NOT_FOUND'))
  })

  it('publishes nothing to recover the name from, nor any id a client chose', async () => {
    const t = await fresh({ start: '2026-03-01T00:00:00Z' })
    const memberId = 'phone13812341234'
    await t.community.registerMember({ tenantId: t.tenantId, id: memberId, name: '张小明', approve: true, actor: 'key_staff' })
    await served(t, { id: 'visit-13812341234-a', memberId, hours: '2', at: '2026-03-08T02:00:00Z' })
    await served(t, { id: 'visit-13812341234-b', memberId, hours: '1', at: '2026-03-09T02:00:00Z' })
    t.clock.set('2026-04-02T02:00:00Z')
    const { certificate } = await t.community.issueCertificate({
      tenantId: t.tenantId,
      requestId: 'req-1',
      memberId,
      period: '2026-03',
      actor: 'key_staff',
    })
    const salt = certificate.document.holder?.salt as string
    const check = await t.community.verifyBySerial({ tenantId: t.tenantId, serial: certificate.serial })
    expect(check.valid).toBe(true)
    expect(check.name).toBe('张*明')
    const text = JSON.stringify(check)
    for (const secret of ['张小明', memberId, '13812341234', ...certificate.recordIds, salt]) expect(text, secret).not.toContain(secret)
    const { pseudonym } = await t.community.getMember({ tenantId: t.tenantId, memberId })
    expect(check.document.member.pseudonym).toBe(pseudonym)

    // The attack the masked name invited: fill in the hidden character and see whether the signature holds.
    // Whatever is tried, and the right name among it, nothing verifies: the name is not among the signed bytes.
    const guesses = [...'一二三四五六七八九十大小中明华国人'].map((c) => check.name.replace('*', c))
    expect(guesses).toContain('张小明')
    const attempts = guesses.flatMap((name) => [
      { ...check.document, member: { ...check.document.member, name } },
      { ...check.document, member: { pseudonym: check.document.member.pseudonym, name } },
      { ...check.document, holder: { name, salt: '0'.repeat(32) } },
    ])
    expect(attempts.filter((d) => verifyCertificate(d, check.signature, check.publicKey))).toEqual([])
    // The public form's signed bytes are the same whatever name the holder's part would carry…
    const bytes = signedBytes(check.document)
    for (const name of guesses) expect(signedBytes({ ...check.document, holder: { name, salt } }).equals(bytes), name).toBe(true)
    expect(bytes.includes(Buffer.from('张小明'))).toBe(false)
    // …and its digest is salted: no unsalted hash of the name to look up.
    for (const unsalted of [
      canonicalHash({ name: '张小明' }),
      createHash('sha256').update('张小明').digest('hex'),
      nameDigest('', '张小明'),
    ]) {
      expect(check.document.member.nameDigest).not.toBe(unsalted)
    }
    // The holder's copy proves the name; the public form the rest.
    expect(verifyCertificate(certificate.document, check.signature, check.publicKey)).toBe(true)
    expect(verifyCertificate(check.document, check.signature, check.publicKey)).toBe(true)
  })

  it("forgets the holder's name when the member is erased: no view shows it, and both forms still verify", async () => {
    const t = await served3()
    const base = { tenantId: t.tenantId, memberId: 'ana', actor: 'key_staff' }
    const first = await t.community.issueCertificate({ ...base, requestId: 'req-1', period: '2026-03' })
    await t.community.issueCertificate({ ...base, requestId: 'req-2', activityId: 'spring' })
    const salts = [first.certificate.document.holder?.salt as string]
    salts.push((await t.community.getCertificate({ tenantId: t.tenantId, serial: 2 })).document.holder?.salt as string)
    const { publicKey } = await t.community.getCommunity(t.tenantId)

    await t.community.eraseMember({ tenantId: t.tenantId, memberId: 'ana', actor: 'key_admin' })

    const views = [
      await t.community.getCertificate({ tenantId: t.tenantId, serial: 1 }),
      await t.community.getCertificate({ tenantId: t.tenantId, serial: 2 }),
      ...(await t.community.listCertificates({ tenantId: t.tenantId, memberId: 'ana' })).certificates,
      (await t.community.issueCertificate({ ...base, requestId: 'req-1', period: '2026-03' })).certificate,
    ]
    const checks = [1, 2].map((serial) => t.community.verifyBySerial({ tenantId: t.tenantId, serial }))
    const stored = await rows<{ document: string }>(
      t.db,
      sql`select document::text as document from cm_certificates where tenant_id = ${t.tenantId}`,
    )
    const text = JSON.stringify([views, await Promise.all(checks), stored])
    for (const secret of ['张小明', ...salts]) expect(text, secret).not.toContain(secret)
    for (const c of views) {
      expect(c.document.holder).toBeUndefined()
      expect(c.document.member.pseudonym).toBe('V-ana')
      expect(verifyCertificate(c.document, c.signature, publicKey)).toBe(true)
      expect(verifyCertificate(publicForm(c.document), c.signature, publicKey)).toBe(true)
    }
    for (const check of await Promise.all(checks)) expect(check).toMatchObject({ valid: true, name: 'V-ana' })
    // The signed document is the one issued.
    expect(publicForm(views[0]?.document as never)).toEqual(publicForm(first.certificate.document))

    // Erasing again changes nothing; a certificate issued after erasure holds no name either.
    await t.community.eraseMember({ tenantId: t.tenantId, memberId: 'ana', actor: 'key_admin' })
    const later = (await t.community.issueCertificate({ ...base, requestId: 'req-3', period: '2026' })).certificate
    expect(later.document.holder?.name).toBe('V-ana')
    expect(verifyCertificate(later.document, later.signature, publicKey)).toBe(true)
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
