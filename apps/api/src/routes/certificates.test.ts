/**
 * Certificates over HTTP: issued for hours earned through real check-ins and
 * approvals, idempotent by requestId, signed (verified offline with the key
 * from the public endpoint), listed, read and printed as an escaped HTML page
 * with the QR code of its verify URL; the escape function against hostile
 * names; who may issue and read what; bad input.
 *
 * @example
 * pnpm exec vitest run --project api src/routes/certificates.test.ts
 */
import { monthOf, nameDigest, publicForm, verifyCertificate } from '@timebank/community'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { certificatePage, escapeHtml } from '../certificate-page.js'
import '../testing/no-console.js'
import {
  ANA_NAME,
  type ActivityShape,
  BO_NAME,
  type ActivityWorld,
  approve,
  attend,
  createActivity,
  must,
  seedActivityWorld,
  uid,
} from '../testing/activity-fixture.js'
import { type TestApi, type TestResponse, startTestApi } from '../testing/harness.js'

let api: TestApi
let w: ActivityWorld
let activity: ActivityShape
let anaRecord: string
let period: string

beforeAll(async () => {
  api = await startTestApi()
  w = await seedActivityWorld(api)
  activity = await createActivity(w, { title: '敬老院探访 <Visit> & "tea"' })
  anaRecord = (await attend(w, activity.id, 'ana', 90)).id
  const bo = await attend(w, (await createActivity(w, { gridId: 'g1a' })).id, 'bo', 60)
  await approve(w, [anaRecord, bo.id])
  period = monthOf(w.now(), 'Asia/Shanghai')
})
afterAll(() => api.close())

const issue = (key: string, json: Record<string, unknown>, headers?: Record<string, string>) =>
  api.request('POST', '/v1/certificates', { key, json, ...(headers ? { headers } : {}) })

describe('issuing and reading certificates', () => {
  let serial: number

  it("issues a signed certificate of a member's hours in a period, with the full name, idempotently", async () => {
    const res = await issue(w.keys.leader, { memberId: 'ana', period }, { 'idempotency-key': 'cert-ana-1' })
    expect(res.status).toBe(201)
    const c = res.body.certificate
    serial = c.serial
    expect(res.headers.get('location')).toBe(`/v1/certificates/${serial}`)
    expect(res.body.replayed).toBe(false)
    expect(c).toMatchObject({ memberId: 'ana', requestId: 'cert-ana-1', issuedBy: w.keyIds.leader, recordIds: [anaRecord] })
    expect(c.document).toMatchObject({
      version: 2,
      serial,
      member: { pseudonym: expect.stringMatching(/^V-[A-Z2-7]{8}$/), nameDigest: expect.stringMatching(/^[0-9a-f]{64}$/) },
      scope: { period },
      hours: '1.50',
      recordCount: 1,
      verifyUrl: `${w.baseUrl}/verify/${w.tenantId}/${serial}`,
      holder: { name: ANA_NAME, salt: expect.stringMatching(/^[0-9a-f]{32}$/) },
    })
    expect(c.document.member.nameDigest).toBe(nameDigest(c.document.holder.salt, ANA_NAME))
    const again = await issue(w.keys.leader, { requestId: 'cert-ana-1', memberId: 'ana', period })
    expect([again.status, again.headers.get('idempotency-replayed'), again.body.certificate.serial]).toEqual([201, 'true', serial])
    const conflict = await issue(w.keys.leader, { memberId: 'ana', period, content: 'other' }, { 'idempotency-key': 'cert-ana-1' })
    expect([conflict.status, conflict.body.error.code]).toEqual([409, 'IDEMPOTENCY_CONFLICT'])
  })

  it('signs it so that the public key from the public endpoint verifies it offline', async () => {
    const c = await must(api, 'GET', `/v1/certificates/${serial}`, { key: w.keys.ana })
    const { publicKey } = await must(api, 'GET', `/v1/public/${w.tenantId}/public-key`, {})
    expect(c.publicKey).toBe(publicKey)
    expect(verifyCertificate(c.document, c.signature, publicKey)).toBe(true)
    expect(verifyCertificate(publicForm(c.document), c.signature, publicKey)).toBe(true)
    expect(verifyCertificate({ ...c.document, hours: '15.00' }, c.signature, publicKey)).toBe(false)
    expect(verifyCertificate({ ...c.document, holder: { ...c.document.holder, name: BO_NAME } }, c.signature, publicKey)).toBe(false)
    const otherKey = (await must(api, 'GET', `/v1/public/${w.otherTenantId}/public-key`, {})).publicKey
    expect(verifyCertificate(c.document, c.signature, otherKey)).toBe(false)
  })

  it('certifies one activity, with its title', async () => {
    const res = await issue(w.keys.staff, {
      requestId: uid('req-'),
      memberId: 'ana',
      activityId: activity.id,
      content: '探访老人 Visiting elders',
    })
    expect(res.status).toBe(201)
    expect(res.body.certificate.document).toMatchObject({
      scope: { activityId: activity.id, title: activity.title },
      content: '探访老人 Visiting elders',
      hours: '1.50',
    })
  })

  it('refuses to certify nothing', async () => {
    const res = await issue(w.keys.admin, { requestId: uid('req-'), memberId: 'cy', period })
    expect([res.status, res.body.error.code]).toEqual([422, 'NOTHING_TO_CERTIFY'])
  })

  it("lists a member's certificates: a member key its own by default", async () => {
    const own = await must(api, 'GET', '/v1/certificates', { key: w.keys.ana })
    expect(own.certificates.map((c: { serial: number }) => c.serial)).toEqual([serial + 1, serial])
    const byStaff = await must(api, 'GET', '/v1/certificates?memberId=ana', { key: w.keys.leader })
    expect(byStaff.certificates).toHaveLength(2)
    const boNone = await must(api, 'GET', '/v1/certificates', { key: w.keys.bo })
    expect(boNone.certificates).toEqual([])
    // Staff naming nobody get every certificate (see below), ana's among them.
    const every = await must(api, 'GET', '/v1/certificates', { key: w.keys.staff })
    expect(every.certificates.map((c: { serial: number }) => c.serial)).toEqual(expect.arrayContaining([serial + 1, serial]))
  })

  it('prints the certificate as a self-contained page, the name escaped and the QR code inline', async () => {
    const res = await api.request('GET', `/v1/certificates/${serial}/print`, { key: w.keys.ana })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
    const html = res.text
    expect(html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/)
    expect(html).toContain('张&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;明')
    expect(html).not.toContain(ANA_NAME)
    expect(html).not.toMatch(/<script/i)
    expect(html).toContain('<svg')
    expect(html).toContain('@page { size: A4')
    expect(html).toContain('志愿服务证明')
    expect(html).toContain('Certificate of Volunteer Service')
    expect(html).toContain('1.50')
    expect(html).toContain(`${w.baseUrl}/verify/${w.tenantId}/${serial}`)
    expect(html).not.toMatch(/\b(src|href)=/)
    expect(html).not.toContain('已被撤销')
  })

  it('prints an activity certificate with its hostile title escaped', async () => {
    const html = (await api.request('GET', `/v1/certificates/${serial + 1}/print`, { key: w.keys.staff })).text
    expect(html).toContain('敬老院探访 &lt;Visit&gt; &amp; &quot;tea&quot;')
    expect(html).not.toContain('<Visit>')
  })

  it('marks the printed page revoked once a certified record is reversed', async () => {
    await must(api, 'POST', `/v1/hour-records/${encodeURIComponent(anaRecord)}/complaint`, {
      key: w.keys.staff,
      json: { reason: 'not there' },
    })
    const html = (await api.request('GET', `/v1/certificates/${serial}/print`, { key: w.keys.ana })).text
    expect(html).toContain('已被撤销')
    expect(html).toContain('Revoked')
  })
})

describe('escapeHtml and the page', () => {
  it('escapes every character that could open markup or leave an attribute', () => {
    expect(escapeHtml(`<script>alert("x")</script>`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;')
    expect(escapeHtml(`' onmouseover='x' \`y\` & z`)).toBe('&#39; onmouseover=&#39;x&#39; &#96;y&#96; &amp; z')
    expect(escapeHtml('&amp;')).toBe('&amp;amp;')
    expect(escapeHtml('张小明')).toBe('张小明')
    expect(escapeHtml(12)).toBe('12')
  })

  it('puts no value of the document into the page unescaped', () => {
    const hostile = `"><img src=x onerror=alert(1)>`
    const html = certificatePage({
      certificate: {
        serial: 7,
        issuedAt: new Date('2026-03-31T17:00:00Z'),
        document: {
          version: 2,
          community: { tenantId: 't', name: hostile, issuer: hostile },
          serial: 7,
          member: { pseudonym: 'V-ABCDEFGH', nameDigest: '0'.repeat(64) },
          scope: { activityId: 'a', title: hostile },
          hours: hostile,
          content: hostile,
          recordCount: 1,
          issuedAt: '2026-03-31T17:00:00.000Z',
          verifyUrl: `https://x.example/verify/t/7?${hostile}`,
          holder: { name: hostile, salt: '0'.repeat(32) },
        },
      },
      timeZone: 'Asia/Shanghai',
      qrSvg: '<svg></svg>',
    })
    expect(html).not.toContain('<img')
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;')
    // The local date of issue: 01:00 on 1 April in Shanghai.
    expect(html).toContain('2026-04-01')
  })
})

describe('certificates of an erased member', () => {
  it('keep no name in any view or on the printed page, and still verify in both forms', async () => {
    const world = await seedActivityWorld(api)
    const record = await attend(world, (await createActivity(world)).id, 'ana', 60)
    await approve(world, [record.id])
    const issued = await must(
      api,
      'POST',
      '/v1/certificates',
      { key: world.keys.staff, json: { requestId: 'erase-1', memberId: 'ana', period: monthOf(world.now(), 'Asia/Shanghai') } },
      201,
    )
    const { serial: s, document } = issued.certificate
    const before = await api.request('GET', `/v1/certificates/${s}/print`, { key: world.keys.admin })
    expect(before.text).toContain(escapeHtml(ANA_NAME))

    await must(api, 'POST', '/v1/members/ana/erase', { key: world.keys.admin })

    const own = await must(api, 'GET', `/v1/certificates/${s}`, { key: world.keys.admin })
    const listed = await api.request('GET', '/v1/certificates?memberId=ana', { key: world.keys.admin })
    const printed = await api.request('GET', `/v1/certificates/${s}/print`, { key: world.keys.admin })
    const checked = await api.request('GET', `/v1/public/${world.tenantId}/certificates/${s}/verify`)
    expect([listed.status, printed.status, checked.status]).toEqual([200, 200, 200])
    // The name in every form it could take: raw, JSON-escaped, HTML-escaped; and the salt that proved it.
    const traces = [ANA_NAME, JSON.stringify(ANA_NAME).slice(1, -1), escapeHtml(ANA_NAME), 'alert', document.holder.salt]
    for (const text of [JSON.stringify(own), listed.text, printed.text, checked.text]) {
      for (const trace of traces) expect(text, trace).not.toContain(trace)
    }
    expect(own.document.holder).toBeUndefined()
    expect(printed.text).toContain(`<span class="name">${document.member.pseudonym}</span>`)
    expect(checked.body).toMatchObject({ valid: true, name: document.member.pseudonym })
    const { publicKey } = await must(api, 'GET', `/v1/public/${world.tenantId}/public-key`, {})
    expect(verifyCertificate(own.document, own.signature, publicKey)).toBe(true)
    expect(verifyCertificate(checked.body.document, checked.body.signature, publicKey)).toBe(true)
    expect(checked.body.document).toEqual(publicForm(document))
  })
})

// ------------------------------------------------------------------ permissions

type Who = 'admin' | 'staff' | 'leader' | 'outsider' | 'self' | 'other' | 'otherTenant'
const WHO: Who[] = ['admin', 'staff', 'leader', 'outsider', 'self', 'other', 'otherTenant']
/** `self` is bo's key (bo lives in g1a, under g1), `other` ana's key, acting on bo's certificates. */
const keyOf = (who: Who) =>
  ({
    admin: w.keys.admin,
    staff: w.keys.staff,
    leader: w.keys.leader,
    outsider: w.keys.outsider,
    self: w.keys.bo,
    other: w.keys.ana,
    otherTenant: w.otherAdmin,
  })[who]

let boSerial: number | undefined
const boCertificate = async () => {
  boSerial ??= (
    await must(api, 'POST', '/v1/certificates', { key: w.keys.admin, json: { requestId: 'bo-cert', memberId: 'bo', period } }, 201)
  ).certificate.serial
  return boSerial as number
}
const onBo =
  (path: (serial: number) => string) =>
  async (key: string): Promise<TestResponse> =>
    api.request('GET', path(await boCertificate()), { key })

// Expected status per caller: admin, staff, leader of g1, leader of g2, bo, ana (on bo), another tenant's admin.
const cases: [string, Record<Who, number>, (key: string) => Promise<TestResponse>][] = [
  [
    "issue bo's certificate",
    { admin: 201, staff: 201, leader: 201, outsider: 404, self: 403, other: 403, otherTenant: 404 },
    (key) => issue(key, { requestId: uid('perm-'), memberId: 'bo', period }),
  ],
  [
    "list bo's certificates",
    { admin: 200, staff: 200, leader: 200, outsider: 404, self: 200, other: 404, otherTenant: 404 },
    (key) => api.request('GET', '/v1/certificates?memberId=bo', { key }),
  ],
  [
    'list every certificate (a member key: its own)',
    { admin: 200, staff: 200, leader: 200, outsider: 200, self: 200, other: 200, otherTenant: 200 },
    (key) => api.request('GET', '/v1/certificates', { key }),
  ],
  [
    "read bo's certificate",
    { admin: 200, staff: 200, leader: 200, outsider: 404, self: 200, other: 404, otherTenant: 404 },
    onBo((s) => `/v1/certificates/${s}`),
  ],
  [
    "print bo's certificate",
    { admin: 200, staff: 200, leader: 200, outsider: 404, self: 200, other: 404, otherTenant: 404 },
    onBo((s) => `/v1/certificates/${s}/print`),
  ],
]

describe('the list of every certificate', () => {
  const list = async (key: string, query = '') => {
    const res = await api.request('GET', `/v1/certificates${query}`, { key })
    expect(res.status).toBe(200)
    return res.body as { certificates: { serial: number; memberId: string }[]; nextCursor: string | null }
  }
  const owners = (page: { certificates: { memberId: string }[] }) => [...new Set(page.certificates.map((c) => c.memberId))].sort()

  it('gives staff every certificate in their scope, newest first, and a member key its own', async () => {
    // ana's certificates were issued above.
    await boCertificate()
    const all = await list(w.keys.admin)
    expect(owners(all)).toEqual(['ana', 'bo'])
    const serials = all.certificates.map((c) => c.serial)
    expect(serials).toEqual([...serials].sort((a, b) => b - a))
    expect((await list(w.keys.staff)).certificates).toEqual(all.certificates)
    // The leader of g1 sees ana (g1) and bo (g1a); the leader of g2 nobody's; bo his own.
    expect(owners(await list(w.keys.leader))).toEqual(['ana', 'bo'])
    expect((await list(w.keys.outsider)).certificates).toEqual([])
    expect(owners(await list(w.keys.bo))).toEqual(['bo'])
    expect((await list(w.otherAdmin)).certificates).toEqual([])
    // A member key naming someone else: as if there were no such member.
    const other = await api.request('GET', '/v1/certificates?memberId=ana', { key: w.keys.bo })
    expect([other.status, other.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
  })

  it('filters by the year issued and pages by nextCursor', async () => {
    const year = period.slice(0, 4)
    const all = await list(w.keys.admin)
    expect((await list(w.keys.admin, `?year=${year}`)).certificates).toEqual(all.certificates)
    expect((await list(w.keys.admin, `?year=${Number(year) - 1}`)).certificates).toEqual([])
    const first = await list(w.keys.admin, '?limit=1')
    expect(first.certificates.map((c) => c.serial)).toEqual([all.certificates[0]?.serial])
    const second = await list(w.keys.admin, `?limit=1&cursor=${first.nextCursor}`)
    expect(second.certificates.map((c) => c.serial)).toEqual([all.certificates[1]?.serial])
    for (const bad of ['?year=26', '?limit=0', '?cursor=abc']) {
      const res = await api.request('GET', `/v1/certificates${bad}`, { key: w.keys.admin })
      expect([bad, res.status, res.body.error.code]).toEqual([bad, 400, 'VALIDATION'])
    }
  })
})

describe('who may issue and read certificates', () => {
  it.each(cases)('%s', async (_name, expected, run) => {
    const got: Record<string, number> = {}
    for (const who of WHO) got[who] = (await run(keyOf(who))).status
    expect(got).toEqual(expected)
  })

  it('answers 404 for a missing certificate and 401 without a key', async () => {
    const missing = await api.request('GET', '/v1/certificates/999999', { key: w.keys.admin })
    expect([missing.status, missing.body.error.code]).toEqual([404, 'CERTIFICATE_NOT_FOUND'])
    expect((await api.request('GET', `/v1/certificates/${await boCertificate()}/print`)).status).toBe(401)
  })
})

describe('bad input', () => {
  it('answers 400 with the field named', async () => {
    const bad: [Record<string, unknown>, string, string][] = [
      [{ requestId: 'r1', memberId: 'ana' }, 'VALIDATION', 'period'],
      [{ requestId: 'r2', memberId: 'ana', period, activityId: activity.id }, 'VALIDATION', 'period'],
      [{ requestId: 'r3', memberId: 'ana', period: '2026-13' }, 'VALIDATION', 'period'],
      [{ requestId: 'r4', memberId: 'ana', period, content: '' }, 'VALIDATION', 'content'],
      [{ requestId: 'r5', memberId: 'ana', period, extra: 1 }, 'VALIDATION', ''],
      [{ requestId: 'has space', memberId: 'ana', period }, 'VALIDATION', 'requestId'],
      [{ memberId: 'ana', period }, 'IDEMPOTENCY_KEY_REQUIRED', ''],
    ]
    for (const [json, code, field] of bad) {
      const res = await issue(w.keys.admin, json)
      expect([json, res.status, res.body.error.code]).toEqual([json, 400, code])
      expect(res.body.error.message).toContain(field)
    }
    for (const path of ['/v1/certificates/0', '/v1/certificates/abc', '/v1/certificates/1.5/print', '/v1/certificates?memberId=a:b']) {
      const res = await api.request('GET', path, { key: w.keys.admin })
      expect([path, res.status, res.body.error.code]).toEqual([path, 400, 'VALIDATION'])
    }
  })

  it('never answers 500 to anything a client can send', async () => {
    const weird = ['', ' ', '0', '-1', '9'.repeat(16), '9'.repeat(15), '%00', '..', 'a'.repeat(300), '<b>', '2026-Q0']
    const statuses: number[] = []
    for (const v of weird) {
      const q = encodeURIComponent(v)
      for (const key of [w.keys.admin, w.keys.leader, w.keys.ana]) {
        statuses.push((await api.request('GET', `/v1/certificates/${q}`, { key })).status)
        statuses.push((await api.request('GET', `/v1/certificates/${q}/print`, { key })).status)
        statuses.push((await api.request('GET', `/v1/certificates?memberId=${q}`, { key })).status)
        statuses.push((await issue(key, { requestId: uid('w-'), memberId: v, period: v, content: v })).status)
        statuses.push((await issue(key, { requestId: uid('w-'), memberId: 'ana', activityId: v })).status)
      }
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([])
  })
})
