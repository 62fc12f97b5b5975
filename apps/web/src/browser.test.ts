/**
 * The product in a real Chromium (from npm, see testing/browser.ts), as staff and residents use it:
 * staff run an activity, a resident on a phone signs up and checks in and out by the QR code's URL,
 * staff approve in bulk and the resident sees the hours; a resident redeems and staff hand it over
 * by the code on the phone; the language switch; Chinese drawn in a Chinese font; a lockout; a form
 * without its CSRF token. A screenshot of each main page is kept in apps/web/test-artifacts/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CATALOGUE } from './i18n/catalogue.js'
import { keepScreenshot, launchBrowser } from './testing/browser.js'
import { type TestUser, type TestWeb, startTestWeb } from './testing/web-harness.js'

const zh = CATALOGUE['zh-CN']
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }

let w: TestWeb
let browser: Browser
const contexts: BrowserContext[] = []

beforeAll(async () => {
  ;[w, browser] = await Promise.all([startTestWeb(), launchBrowser()])
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await w?.close()
})

async function open(options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL: w.url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options })
  contexts.push(context)
  return context.newPage()
}

async function signIn(page: Page, user: TestUser): Promise<void> {
  await page.goto('/signin')
  await page.getByLabel(zh['signin.community']).fill(user.tenantId)
  await page.getByLabel(zh['signin.login']).fill(user.login)
  await page.getByLabel(zh['signin.password']).fill(user.password)
  await page.getByRole('button', { name: zh['signin.submit'] }).click()
  await page.waitForURL(user.role === 'member' ? '**/me' : '**/staff')
}

/** A screenshot once the web font has loaded, so the Chinese text is drawn. */
async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate('document.fonts.ready.then(() => true)')
  await keepScreenshot(page, name)
}

/** "2026-03-02T08:05" in Beijing time, as a datetime-local input takes it. */
function beijing(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16)
}

/** The URL the projector's QR code encodes now, on this test server. */
async function checkinUrl(activityId: string): Promise<string> {
  const res = await w.api.request('GET', `/v1/activities/${activityId}/checkin-code`, { key: w.fx.staff })
  expect(res.status).toBe(200)
  const url = new URL(res.body.url)
  return `${url.pathname}${url.search}`
}

describe('in a browser', () => {
  it('staff run an activity; a resident signs up, checks in and out by the QR URL; staff approve in bulk; the resident sees the hours', async () => {
    const staff = await open()
    await signIn(staff, w.staffUser)
    await shot(staff, 'staff-dashboard')

    await staff.goto('/staff/activities/new')
    await staff.getByLabel(zh['staff.activity.title']).fill('楼道清扫')
    await staff.getByLabel(zh['staff.activity.kind']).fill('clean-up')
    await staff.getByLabel(zh['staff.activity.place']).fill('3号楼')
    await staff.getByLabel(zh['staff.member.grid']).selectOption('g1')
    await staff.getByLabel(zh['staff.activity.startsAt']).fill(beijing(new Date(Date.now() - 10 * 60_000)))
    await staff.getByLabel(zh['staff.activity.endsAt']).fill(beijing(new Date(Date.now() + 4 * 3600_000)))
    await staff.getByLabel(zh['staff.activity.capacity']).fill('10')
    await staff.getByLabel(zh['staff.activity.maxHours']).fill('2')
    await shot(staff, 'staff-activity-new')
    await staff.getByRole('button', { name: zh['staff.activities.create'] }).click()
    await staff.waitForURL(/\/staff\/activities\/[^/?]+\?done=created$/)
    const activityId = decodeURIComponent(new URL(staff.url()).pathname.split('/').pop() as string)
    await shot(staff, 'staff-activity')

    const member = await w.memberUser({ name: '李秀英' })
    const phone = await open(PHONE)
    await signIn(phone, member)
    await phone.goto(`/me/activities/${encodeURIComponent(activityId)}`)
    await phone.getByRole('button', { name: zh['me.activities.signUp'] }).click()
    await expect
      .poll(async () => (await w.api.request('GET', `/v1/activities/${activityId}/attendance`, { key: w.fx.staff })).body.counts.signed)
      .toBe(1)

    await staff.goto(`/staff/activities/${encodeURIComponent(activityId)}/qr`)
    expect(await staff.locator('svg').count()).toBeGreaterThan(0)
    await shot(staff, 'staff-projector-qr')

    await phone.goto(await checkinUrl(activityId))
    await shot(phone, 'resident-checkin')
    await phone.getByRole('button', { name: zh['me.checkin.in'] }).click()
    await phone.getByText(zh['me.checkin.done.in']).waitFor({ state: 'visible' })

    w.api.advanceClock(90 * 60_000) // an hour and a half of sweeping
    await phone.goto(await checkinUrl(activityId))
    await phone.getByRole('button', { name: zh['me.checkin.out'] }).click()
    await phone.getByText(zh['me.checkin.done.out']).waitFor({ state: 'visible' })

    await staff.goto('/staff/approvals')
    await shot(staff, 'staff-approvals')
    await staff.getByRole('checkbox').first().check()
    await staff.getByRole('button', { name: zh['staff.approvals.approveSelected'] }).click()
    await staff.getByText(zh['staff.approvals.bulkApproved'].replace('{done}', '1').replace('{refused}', '0')).waitFor({ state: 'visible' })

    const balance = await w.api.request('GET', `/v1/accounts/member:${member.memberId}:HOUR/balance`, { key: w.fx.admin })
    expect(balance.body.available).toBe('1.50') // 90 minutes, rounded down to the quarter hour, under the 2 h maximum
    await phone.goto('/me')
    await phone.getByText('1.50').first().waitFor({ state: 'visible' })
    await shot(phone, 'resident-home')
  })

  it('a resident redeems on the phone, and staff hand it over by the code the phone shows', async () => {
    const member = await w.memberUser({ name: '周桂兰' })
    await w.api.request('POST', '/v1/earnings', {
      key: w.fx.admin,
      json: {
        id: `pts-${member.memberId}`,
        to: `member:${member.memberId}:POINT`,
        amount: '500',
        evidence: { activity: 'test', reviewer: 'test' },
      },
    })
    const rewardId = `oil-${member.memberId}`
    expect(
      (
        await w.api.request('POST', '/v1/rewards', {
          key: w.fx.staff,
          json: { id: rewardId, name: '花生油 1L', price: '200', pickupDays: 7 },
        })
      ).status,
    ).toBe(201)
    await w.api.request('POST', `/v1/rewards/${rewardId}/restocks`, {
      key: w.fx.staff,
      json: { id: `in-${rewardId}`, quantity: '3', reason: '捐赠' },
    })

    const phone = await open(PHONE)
    await signIn(phone, member)
    await phone.goto('/me/market')
    await shot(phone, 'resident-market')
    await phone
      .locator('form', { has: phone.locator(`input[name=rewardId][value="${rewardId}"]`) })
      .getByRole('button', { name: zh['me.market.redeem'] })
      .click()
    await phone.waitForURL(/\/me\/market\/redemptions\//)
    const code = (await phone.locator('text=/R:\\S+/').first().textContent())?.match(/R:\S+/)?.[0] as string
    expect(code).toMatch(/^R:/)
    await shot(phone, 'resident-pickup-code')

    const staff = await open()
    await signIn(staff, w.staffUser)
    await staff.goto('/staff/market/handover')
    await staff.getByLabel(zh['console.handover.code']).fill(code)
    await staff.getByRole('button', { name: zh['console.handover.find'] }).click()
    await staff.getByRole('button', { name: zh['console.handover.submit'] }).click()
    await shot(staff, 'staff-handover')
    const redemption = await w.api.request('GET', `/v1/reward-redemptions/${code.slice(2)}`, { key: w.fx.staff })
    expect(redemption.body.status).toBe('handed_over')
    const points = await w.api.request('GET', `/v1/accounts/member:${member.memberId}:POINT/balance`, { key: w.fx.admin })
    expect(points.body.available).toBe('300')
  })

  it('switches to English and back', async () => {
    const page = await open()
    await signIn(page, w.staffUser)
    await page.getByRole('link', { name: 'English' }).click()
    await page.getByRole('link', { name: 'Dashboard' }).waitFor({ state: 'visible' })
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    await shot(page, 'staff-dashboard-en')
    await page.getByRole('link', { name: '中文' }).click()
    await page.getByRole('link', { name: '工作台' }).waitFor({ state: 'visible' })
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN')
  })

  it('draws Chinese text in a Chinese font on a machine that has none, not as boxes', async () => {
    // The packaged Chromium has no CJK font of its own: what it cannot draw from the page's fonts comes out as boxes.
    const page = await open()
    await page.goto('/signin')
    await page.evaluate('document.fonts.ready.then(() => true)')
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('DOM.enable')
    await cdp.send('CSS.enable')
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 })
    for (const selector of ['header .brand', 'h1', 'label']) {
      const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector })
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId })
      expect(fonts.length, selector).toBeGreaterThan(0)
      for (const font of fonts) expect(font.familyName, selector).toMatch(/^Noto Sans (CJK )?SC/)
    }
    await shot(page, 'signin')
  })

  it('locks a login out after five wrong passwords', async () => {
    const user = await w.user({ login: 'browser-lock', role: 'staff' })
    const page = await open()
    for (let i = 0; i < 5; i++) {
      await page.goto(`/signin?tenant=${user.tenantId}`)
      await page.getByLabel(zh['signin.login']).fill(user.login)
      await page.getByLabel(zh['signin.password']).fill(`wrong-${i}-password`)
      await page.getByRole('button', { name: zh['signin.submit'] }).click()
      await page.getByText(zh['signin.failed']).waitFor({ state: 'visible' })
    }
    await page.getByLabel(zh['signin.login']).fill(user.login)
    await page.getByLabel(zh['signin.password']).fill(user.password)
    await page.getByRole('button', { name: zh['signin.submit'] }).click()
    expect(await page.getByRole('alert').textContent()).toContain('锁定')
    expect(new URL(page.url()).pathname).toBe('/signin')
    await shot(page, 'signin-locked')
  })

  it('refuses a form posted without its CSRF token, and keeps the session', async () => {
    const page = await open()
    await signIn(page, w.staffUser)
    await page.evaluate("document.querySelectorAll('input[name=_csrf]').forEach((input) => input.remove())")
    await page.getByRole('button', { name: zh['nav.signOut'] }).click()
    await page.getByText(zh['form.expired']).waitFor({ state: 'visible' })
    await page.goto('/staff')
    expect(new URL(page.url()).pathname).toBe('/staff')
  })
})
