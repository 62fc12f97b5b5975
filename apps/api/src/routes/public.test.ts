/**
 * The public pages over HTTP, without a key: the disclosure list (masked
 * names only), checking a certificate by serial (valid, then revoked after a
 * complaint reverses its record) and the public key; unknown tenants and
 * certificates, bad input.
 *
 * @example
 * pnpm exec vitest run --project api src/routes/public.test.ts
 */
import { maskName, monthOf, verifyCertificate } from '@timebank/community'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import {
  ANA_NAME,
  type ActivityWorld,
  BO_NAME,
  approve,
  attend,
  createActivity,
  must,
  seedActivityWorld,
} from '../testing/activity-fixture.js'
import { type TestApi, startTestApi } from '../testing/harness.js'

let api: TestApi
let w: ActivityWorld
let anaRecord: string
let serial: number

beforeAll(async () => {
  api = await startTestApi()
  w = await seedActivityWorld(api)
  anaRecord = (await attend(w, (await createActivity(w, { title: '楼道清扫' })).id, 'ana', 90)).id
  const bo = await attend(w, (await createActivity(w, { gridId: 'g1a', title: 'Repair café' })).id, 'bo', 60)
  await approve(w, [anaRecord, bo.id])
  const issued = await must(
    api,
    'POST',
    '/v1/certificates',
    { key: w.keys.staff, json: { requestId: 'pub-1', memberId: 'ana', period: monthOf(w.now(), 'Asia/Shanghai') } },
    201,
  )
  serial = issued.certificate.serial
})
afterAll(() => api.close())

describe('the disclosure list', () => {
  it('lists approved hours with masked names only, without a key', async () => {
    const res = await api.request('GET', `/v1/public/${w.tenantId}/disclosure`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ days: 7, nextCursor: null })
    expect(res.body.records.map((r: { name: string; title: string; hours: string }) => [r.name, r.title, r.hours]).sort()).toEqual(
      [
        [maskName(ANA_NAME), '楼道清扫', '1.50'],
        [maskName(BO_NAME), 'Repair café', '1.00'],
      ].sort(),
    )
    for (const r of res.body.records) expect(Object.keys(r).sort()).toEqual(['date', 'hours', 'name', 'points', 'title'])
    expect(res.text).not.toContain(JSON.stringify(ANA_NAME).slice(1, -1))
    expect(res.text).not.toContain(BO_NAME)
    // No id a client chose: the check-out records are named after their members (att:<activity>:<member>).
    expect(anaRecord).toMatch(/^att:.*:ana$/)
    for (const id of [anaRecord, 'att:', ':ana', ':bo']) expect(res.text, id).not.toContain(id)
    expect(res.text).not.toContain('script')
    expect(res.text).not.toContain('13812341234')
  })

  it('takes the days and pages', async () => {
    const one = await must(api, 'GET', `/v1/public/${w.tenantId}/disclosure?days=1&limit=1`, {})
    expect(one.days).toBe(1)
    expect(one.records).toHaveLength(1)
    const next = await must(api, 'GET', `/v1/public/${w.tenantId}/disclosure?limit=1&cursor=${encodeURIComponent(one.nextCursor)}`, {})
    expect(next.records).toHaveLength(1)
    expect(next.records[0]).not.toEqual(one.records[0])
    for (const cursor of [one.nextCursor, next.nextCursor ?? '']) expect(cursor).not.toMatch(/att:|ana|bo/)
  })

  it('needs no key, and ignores one that is wrong', async () => {
    const res = await api.request('GET', `/v1/public/${w.tenantId}/disclosure`, { key: 'tbk_not-a-key' })
    expect(res.status).toBe(200)
  })
})

describe('checking a certificate', () => {
  it('answers valid with the name masked', async () => {
    const res = await api.request('GET', `/v1/public/${w.tenantId}/certificates/${serial}/verify`)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.body).toMatchObject({ serial, valid: true, revoked: false, name: maskName(ANA_NAME) })
    expect(Object.keys(res.body).sort()).toEqual(['document', 'name', 'publicKey', 'revoked', 'serial', 'signature', 'valid'])
    expect(res.body.document.member).toEqual({
      pseudonym: expect.stringMatching(/^V-[A-Z2-7]{8}$/),
      nameDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
    const { publicKey } = await must(api, 'GET', `/v1/public/${w.tenantId}/public-key`, {})
    expect(res.body.publicKey).toBe(publicKey)
    expect(verifyCertificate(res.body.document, res.body.signature, publicKey)).toBe(true)
    // Neither the name, nor the member's or the records' ids, nor the salt that would let a guessed name be tested.
    const own = await must(api, 'GET', `/v1/certificates/${serial}`, { key: w.keys.ana })
    const strings = JSON.stringify(res.body).match(/"(?:[^"\\]|\\.)*"/g) ?? []
    expect(strings).not.toContain('"ana"')
    for (const secret of [JSON.stringify(ANA_NAME).slice(1, -1), 'alert', anaRecord, 'att:', ...own.recordIds, own.document.holder.salt]) {
      expect(res.text, secret).not.toContain(secret)
    }
    // Filling in the masked character gives nothing to check: no guess verifies, the right one neither.
    const guesses = [...'<>"\'&明小x'].map((c) => res.body.name.replace('*', c)).concat([ANA_NAME])
    for (const name of guesses) {
      for (const tried of [
        { ...res.body.document, member: { ...res.body.document.member, name } },
        { ...res.body.document, holder: { name, salt: '0'.repeat(32) } },
      ]) {
        expect(verifyCertificate(tried, res.body.signature, publicKey), name).toBe(false)
      }
    }
  })

  it('answers revoked once a complaint reverses a certified record', async () => {
    await must(api, 'POST', `/v1/hour-records/${encodeURIComponent(anaRecord)}/complaint`, {
      key: w.keys.admin,
      json: { reason: 'absent' },
    })
    const res = await must(api, 'GET', `/v1/public/${w.tenantId}/certificates/${serial}/verify`, {})
    expect(res).toMatchObject({ serial, valid: true, revoked: true, name: maskName(ANA_NAME) })
  })

  it('answers 404 for an unknown certificate or community', async () => {
    const missing = await api.request('GET', `/v1/public/${w.tenantId}/certificates/999/verify`)
    expect([missing.status, missing.body.error.code]).toEqual([404, 'CERTIFICATE_NOT_FOUND'])
    const otherTenant = await api.request('GET', `/v1/public/${w.otherTenantId}/certificates/${serial}/verify`)
    expect([otherTenant.status, otherTenant.body.error.code]).toEqual([404, 'CERTIFICATE_NOT_FOUND'])
    for (const path of ['/v1/public/nobody/certificates/1/verify', '/v1/public/nobody/disclosure', '/v1/public/nobody/public-key']) {
      const res = await api.request('GET', path)
      expect([path, res.status, res.body.error.code]).toEqual([path, 404, 'COMMUNITY_NOT_FOUND'])
    }
    // A tenant without a community (the operator's) is no community either.
    const bare = await api.request('GET', `/v1/public/${api.operatorTenantId}/public-key`)
    expect([bare.status, bare.body.error.code]).toEqual([404, 'COMMUNITY_NOT_FOUND'])
  })
})

describe('the public key', () => {
  it("is the community's, named with its algorithm and format, and verifies its certificates", async () => {
    const res = await api.request('GET', `/v1/public/${w.tenantId}/public-key`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ publicKey: expect.any(String), algorithm: 'Ed25519', format: 'spki-der-base64' })
    const community = await must(api, 'GET', '/v1/community', { key: w.keys.admin })
    expect(res.body.publicKey).toBe(community.publicKey)
    const own = await must(api, 'GET', `/v1/certificates/${serial}`, { key: w.keys.ana })
    expect(verifyCertificate(own.document, own.signature, res.body.publicKey)).toBe(true)
  })
})

describe('the OpenAPI document', () => {
  it('describes the public answers field for field, and no holder, member or record id in them', async () => {
    const doc = (await api.request('GET', '/openapi.json')).body
    const schemas = doc.components.schemas
    const keys = (o: object) => Object.keys(o).sort()
    const check = await must(api, 'GET', `/v1/public/${w.tenantId}/certificates/${serial}/verify`, {})
    expect(keys(schemas.CertificateVerification.properties)).toEqual(keys(check))
    const documentSchema = schemas.CertificateVerification.properties.document
    expect(keys(documentSchema.properties)).toEqual(keys(check.document))
    expect(documentSchema.additionalProperties).toBe(false)
    expect(keys(documentSchema.properties.member.properties)).toEqual(['nameDigest', 'pseudonym'])
    const listed = await must(api, 'GET', `/v1/public/${w.tenantId}/disclosure`, {})
    expect(keys(schemas.DisclosedRecord.properties)).toEqual(keys(listed.records[0]))
    for (const name of ['CertificateVerification', 'DisclosedRecord']) {
      expect(JSON.stringify(schemas[name]), name).not.toMatch(/"(holder|salt|memberId|recordId|recordIds|records|revokedRecords|id)"/)
    }
    // The holder's copy (staff and the member) documents `holder`, not required: gone once the member is erased.
    const certificate = schemas.Certificate.properties.document
    expect(keys(certificate.properties.holder.properties)).toEqual(['name', 'salt'])
    expect(certificate.required).not.toContain('holder')
  })
})

describe('bad input', () => {
  it('answers 400 VALIDATION with the field named', async () => {
    const bad: [string, string][] = [
      [`/v1/public/${w.tenantId}/disclosure?days=0`, 'days'],
      [`/v1/public/${w.tenantId}/disclosure?days=367`, 'days'],
      [`/v1/public/${w.tenantId}/disclosure?limit=abc`, 'limit'],
      [`/v1/public/${w.tenantId}/disclosure?cursor=${'x'.repeat(301)}`, 'cursor'],
      [`/v1/public/${w.tenantId}/disclosure?cursor=${encodeURIComponent('99999|r1')}`, 'cursor'],
      [`/v1/public/${w.tenantId}/certificates/0/verify`, 'serial'],
      [`/v1/public/${w.tenantId}/certificates/abc/verify`, 'serial'],
      [`/v1/public/${encodeURIComponent('has space')}/public-key`, 'tenantId'],
    ]
    for (const [path, field] of bad) {
      const res = await api.request('GET', path)
      expect([path, res.status, res.body?.error?.code]).toEqual([path, 400, 'VALIDATION'])
      expect(res.body.error.message).toContain(field)
    }
  })

  it('never answers 500 to anything a client can send', async () => {
    const weird = ['', ' ', '0', '-1', '9'.repeat(16), '%00', '..', 'a'.repeat(300), '<b>', '+275760-09-13T00:00:00.000Z|x', '2026-01-01|']
    const statuses: number[] = []
    for (const v of weird) {
      const q = encodeURIComponent(v)
      for (const path of [
        `/v1/public/${q}/disclosure`,
        `/v1/public/${w.tenantId}/disclosure?days=${q}&limit=${q}&cursor=${q}`,
        `/v1/public/${w.tenantId}/disclosure?cursor=${q}`,
        `/v1/public/${q}/certificates/${q}/verify`,
        `/v1/public/${w.tenantId}/certificates/${q}/verify`,
        `/v1/public/${q}/public-key`,
      ]) {
        statuses.push((await api.request('GET', path)).status)
      }
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([])
  })
})
