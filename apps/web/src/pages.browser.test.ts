/**
 * Every main page of the console and of the resident pages in a real Chromium, with something on
 * it: each passes axe-core's WCAG 2 A and AA rules (labels, names, contrast, landmarks, language),
 * and is kept as a screenshot in apps/web/test-artifacts/ (ignored by git).
 *
 * axe runs with the page's CSP bypassed: it is injected as a script, which the CSP rightly forbids.
 */
import { createRequire } from 'node:module'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { approvedHours, must, uid } from './pages/me/test-kit.js'
import { activityNow } from './pages/staff/testing.js'
import { keepScreenshot, launchBrowser } from './testing/browser.js'
import { PASSWORD, type TestUser, type TestWeb, startTestWeb } from './testing/web-harness.js'

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }

let w: TestWeb
let browser: Browser
let resident: TestUser & { memberId: string }
let activityId: string

beforeAll(async () => {
  ;[w, browser] = await Promise.all([startTestWeb(), launchBrowser()])
  resident = await w.memberUser({ name: '张秀英' })
  await approvedHours(w, resident.memberId, '2.5')
  activityId = (await activityNow(w, { title: '敬老院探访' })).id
  await must(w, 'POST', `/v1/activities/${activityId}/signups/${resident.memberId}`, w.fx.staff, {}, 201)
  await must(
    w,
    'POST',
    '/v1/wishes',
    w.fx.staff,
    { id: uid('wish-'), posterId: resident.memberId, title: '帮忙修理水龙头', description: '厨房' },
    201,
  )
  await must(w, 'POST', '/v1/rewards', w.fx.admin, { id: 'rice', name: '大米 5 斤', price: '100' }, 201)
  await must(w, 'POST', '/v1/rewards/rice/restocks', w.fx.admin, { id: 'rice-in', quantity: '20', reason: '捐赠' }, 201)
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await w?.close()
})

async function signedIn(user: TestUser, options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL: w.url, locale: 'zh-CN', bypassCSP: true, ...options })
  const page = await context.newPage()
  await page.goto('/signin')
  await page.locator('input[name=tenantId]').fill(user.tenantId)
  await page.locator('input[name=login]').fill(user.login)
  await page.locator('input[name=password]').fill(PASSWORD)
  await page.locator('form[action="/signin"] button').click()
  await page.waitForURL(user.role === 'member' ? '**/me' : '**/staff')
  return page
}

interface Violation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[] }[]
}

/** axe-core's WCAG 2 A/AA violations on the page as it is now: rule, impact and the first elements. */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath })
  const found = (await page.evaluate(
    "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations)",
  )) as Violation[]
  return found.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} at ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(', ')}`,
  )
}

async function check(page: Page, path: string, name: string): Promise<void> {
  const res = await page.goto(path)
  expect(res?.status(), path).toBe(200)
  await page.evaluate('document.fonts.ready.then(() => true)')
  await keepScreenshot(page, name)
  expect(await violations(page), path).toEqual([])
}

describe('every main page', () => {
  it('of the staff console meets WCAG 2 AA as axe-core checks it', async () => {
    const page = await signedIn(w.staffUser)
    const pages: [string, string][] = [
      ['/staff', 'console-dashboard'],
      ['/staff/members', 'console-members'],
      [`/staff/members/${resident.memberId}`, 'console-member'],
      [`/staff/members/${resident.memberId}/statement`, 'console-statement'],
      ['/staff/members/new', 'console-member-new'],
      ['/staff/activities', 'console-activities'],
      ['/staff/activities/new', 'console-activity-new'],
      [`/staff/activities/${activityId}`, 'console-activity'],
      ['/staff/approvals', 'console-approvals'],
      ['/staff/wishes', 'console-wishes'],
      ['/staff/orders', 'console-orders'],
      ['/staff/services', 'console-services'],
      ['/staff/market', 'console-market'],
      ['/staff/market/handover', 'console-handover'],
      ['/staff/honour', 'console-honour'],
      ['/staff/rollups', 'console-rollups'],
      ['/staff/certificates', 'console-certificates'],
      ['/staff/policies', 'console-policies'],
    ]
    for (const [path, name] of pages) await check(page, path, name)
  }, 240_000)

  it('of the resident pages, on a phone, meets WCAG 2 AA as axe-core checks it', async () => {
    const page = await signedIn(resident, PHONE)
    const pages: [string, string][] = [
      ['/me', 'resident-home'],
      ['/me/activities', 'resident-activities'],
      [`/me/activities/${activityId}`, 'resident-activity'],
      ['/me/wishes', 'resident-wishes'],
      ['/me/orders', 'resident-orders'],
      ['/me/market', 'resident-market'],
      ['/me/gifts', 'resident-gifts'],
      ['/me/certificates', 'resident-certificates'],
    ]
    for (const [path, name] of pages) await check(page, path, name)
  }, 240_000)

  it('signing in meets WCAG 2 AA as axe-core checks it', async () => {
    const context = await browser.newContext({ baseURL: w.url, locale: 'zh-CN', bypassCSP: true })
    await check(await context.newPage(), '/signin', 'signin')
  })
})
