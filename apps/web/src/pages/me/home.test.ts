/**
 * The resident's pages as a whole (each opens for a member, staff go to the console, a signed-out
 * reader signs in first), the start page against what the API holds, and the certificates.
 */
import { ANA_NAME } from '@timebank/api/testing/activity-fixture'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestUser, type TestWeb, startTestWeb } from '../../testing/web-harness.js'
import type { Visitor } from '../../testing/visitor.js'
import { words } from '../../i18n/translate.js'
import { approvedHours, available, earn, must, setPolicy, uid } from './test-kit.js'

const PAGES = ['/me', '/me/activities', '/me/wishes', '/me/orders', '/me/market', '/me/gifts', '/me/certificates']

let w: TestWeb
let ana: TestUser & { memberId: string }
let v: Visitor
let staff: Visitor

beforeAll(async () => {
  w = await startTestWeb()
  ana = await w.memberUser({ name: ANA_NAME })
  v = await w.visitorAs(ana)
  staff = await w.visitorAs(w.staffUser)
}, 60_000)
afterAll(() => w?.close())

describe('the resident pages', () => {
  it.each(PAGES)('%s opens for a member', async (path) => {
    const page = await v.get(path)
    expect(page.status).toBe(200)
    expect(page.text).toContain('<h1>')
  })

  it.each(PAGES)('%s sends staff to the console', async (path) => {
    const page = await staff.get(path)
    expect([page.status, page.location]).toEqual([303, '/staff'])
  })

  it('sends a signed-out reader to sign in, and back afterwards', async () => {
    const { Visitor } = await import('../../testing/visitor.js')
    const stranger = new Visitor(w.url)
    const page = await stranger.get('/me/wishes')
    expect(page.status).toBe(303)
    expect(page.location).toBe(`/signin?next=${encodeURIComponent('/me/wishes')}`)
    const signedIn = await stranger.signIn({ tenantId: ana.tenantId, login: ana.login, password: ana.password, next: '/me/wishes' })
    expect(signedIn.location).toBe('/me/wishes')
  })
})

describe('the start page', () => {
  it('shows the balances, the lifetime hours and what each movement was for, as the API holds them', async () => {
    const bo = await w.memberUser()
    const visitor = await w.visitorAs(bo)
    await approvedHours(w, bo.memberId, '2.50')
    await earn(w, bo.memberId, 'POINT', '1300')
    const page = await visitor.get('/me')
    expect(page.status).toBe(200)
    expect(await available(w, bo.memberId, 'HOUR')).toBe('2.50')
    // Hours: spendable and lifetime both 2.50; points (the earning and what the record's rules gave) grouped, with their unit.
    expect(page.text).toContain('<h2>我的服务时间</h2><p class="figure">2.50 小时</p>')
    expect(page.text).toContain('<h2>累计服务时间</h2><p class="figure">2.50 小时</p>')
    const points = words('zh-CN').amount(await available(w, bo.memberId, 'POINT'))
    expect(page.text).toContain(`<p class="figure">${points} 积分</p>`)
    expect(page.text).toContain('<td data-label="事由">志愿服务</td>')
    const history = await visitor.get('/me?show=points')
    expect(history.text).toContain('+1,300 积分')
  })

  it('says which points expire when, under a policy that lets them expire', async () => {
    const cy = await w.memberUser()
    await setPolicy(w, { pointsExpiry: { months: 12 } })
    try {
      await earn(w, cy.memberId, 'POINT', '300')
      const expiring = await must(w, 'GET', `/v1/members/${cy.memberId}/expiring-points`, w.fx.admin)
      const when = new Date(expiring.expiring[0].expiresAt)
      const page = await (await w.visitorAs(cy)).get('/me')
      const date = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'medium' }).format(when)
      expect(page.text).toContain(`您有 300 积分 将在 ${date} 过期`)
    } finally {
      await setPolicy(w, {})
    }
  })

  it('pages older movements', async () => {
    const dee = await w.memberUser()
    for (let i = 0; i < 21; i++) await earn(w, dee.memberId, 'HOUR', '1')
    const visitor = await w.visitorAs(dee)
    const first = await visitor.get('/me')
    const next = /href="(\/me\?show=hours&amp;cursor=[^"#]+)#history"/.exec(first.text)?.[1]
    expect(next).toBeDefined()
    const older = await visitor.get((next as string).replace(/&amp;/g, '&'))
    expect(older.status).toBe(200)
    // The oldest entry (balance after it: 1.00) is on the second page only.
    expect(first.text).not.toMatch(/>1\.00 小时</)
    expect(older.text).toMatch(/>1\.00 小时</)
  })

  it("escapes the member's name", async () => {
    const page = await v.get('/me')
    expect(page.text).not.toContain('<script>alert')
    expect(page.text).toContain('&lt;script&gt;')
  })

  it('answers a cursor the API cannot read with its refusal, not a failure', async () => {
    const page = await v.get('/me?cursor=not-a-cursor')
    expect(page.status).toBe(400)
  })
})

describe('the certificates', () => {
  it('lists the member’s certificates and opens the printable page only for them', async () => {
    await approvedHours(w, ana.memberId, '3.00')
    const year = String(new Date().getUTCFullYear())
    const issued = await must(
      w,
      'POST',
      '/v1/certificates',
      w.fx.staff,
      { requestId: uid('cert-'), memberId: ana.memberId, period: year },
      201,
    )
    const serial = issued.certificate.serial as number
    const list = await v.get('/me/certificates')
    expect(list.text).toContain(`/me/certificates/${serial}/print`)
    expect(list.text).toContain('3.00 小时')
    const print = await v.get(`/me/certificates/${serial}/print`)
    expect(print.status).toBe(200)
    expect(print.headers.get('content-type')).toMatch(/text\/html/)
    // The page keeps the API's own policy, which lets its inline styles apply (the site's would block them).
    expect(print.headers.get('content-security-policy')).toContain("style-src 'unsafe-inline'")
    expect(print.text).toContain('&lt;script&gt;')
    expect(print.text).not.toContain('<script>alert')

    const other = await w.visitorAs(await w.memberUser())
    expect((await other.get(`/me/certificates/${serial}/print`)).status).toBe(404)
  })
})
