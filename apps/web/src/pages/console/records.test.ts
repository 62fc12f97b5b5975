/**
 * The console's record pages: the honour roll (masked names, closing a period), the roll-ups with
 * their SVG charts, certificates issued through the form and printed, the public verify page
 * (genuine, revoked, unknown; no sign-in; both languages), and the policy (in words, the diff of
 * two versions, the admin's change form and its refusals).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Visitor } from '../../testing/visitor.js'
import { type TestWeb, startTestWeb } from '../../testing/web-harness.js'
import { monthIn } from './shared.js'

let w: TestWeb
let staff: Visitor
let admin: Visitor
let month: string
let li: { id: string; name: string }
let record: string
let n = 0

const api = (method: string, path: string, json?: unknown, key = w.fx.staff) =>
  w.api.request(method, path, { key, ...(json === undefined ? {} : { json }) })

/** An approved record of `hours` for the member, entered by staff and approved by the admin (two people). */
async function approvedHours(memberId: string, hours: string): Promise<string> {
  const id = `rec-${++n}`
  const ended = new Date(Date.now() - 60_000)
  const started = new Date(ended.getTime() - 2 * 3_600_000)
  const made = await api('POST', '/v1/hour-records', {
    id,
    memberId,
    kind: 'elder-visit',
    startedAt: started.toISOString(),
    endedAt: ended.toISOString(),
    hours,
  })
  expect(made.status).toBe(201)
  expect((await api('POST', `/v1/hour-records/${id}/approve`, undefined, w.fx.admin)).status).toBe(200)
  return id
}

beforeAll(async () => {
  w = await startTestWeb()
  staff = await w.visitorAs(w.staffUser)
  admin = await w.visitorAs(w.adminUser)
  month = monthIn(new Date(), 'Asia/Shanghai')
  li = await w.fx.member({ gridId: 'g1', name: '李小四' })
  record = await approvedHours(li.id, '1.50')
})
afterAll(() => w.close())

describe('the honour roll', () => {
  it("ranks the month's volunteers with their names masked", async () => {
    const page = await staff.get('/staff/honour')
    expect(page.status).toBe(200)
    expect(page.text).toContain(`${month} 好人榜`)
    expect(page.text).toContain('李*四')
    expect(page.text).not.toContain('李小四')
    expect(page.text).toContain('1.50')
    const byPoints = await staff.get(`/staff/honour?period=${month}&by=points&gridId=g2`)
    expect(byPoints.text).not.toContain('李*四')
  })

  it('lets an admin close an ended period, and shows the refusal for one that has not ended', async () => {
    expect((await staff.get('/staff/honour')).text).not.toContain('action="/staff/honour/close"')
    const open = await admin.get('/staff/honour')
    expect(open.text).toContain('结束后才能结账')
    const early = await admin.post('/staff/honour/close', { period: month })
    expect(early.status).toBe(422)
    expect(early.text).toContain('role="alert"')

    const past = await admin.get('/staff/honour?period=2020-01')
    expect(past.text).toContain('action="/staff/honour/close"')
    const closed = await admin.post('/staff/honour/close', { period: '2020-01' })
    expect([closed.status, closed.location]).toEqual([303, '/staff/honour?period=2020-01&done=closed'])
    expect((await api('GET', '/v1/periods/2020-01')).body.status).toBe('closed')
    expect((await admin.get(closed.location as string)).text).toContain('已于')
  })
})

describe('the roll-ups', () => {
  it('draws hours and points per month and hours per grid as SVG charts, with the exact figures on them', async () => {
    const page = await staff.get('/staff/rollups')
    expect(page.status).toBe(200)
    const charts = page.text.match(/<svg class="chart"[^>]*role="img"/g) ?? []
    expect(charts).toHaveLength(3)
    expect(page.text).toContain('<title>近 12 个月每月服务时长</title>')
    expect(page.text).toMatch(new RegExp(`aria-label="近 12 个月每月服务时长: [^"]*${month} 1.50"`))
    // The points of the month, as the series gives them for the whole community.
    const series = await api('GET', `/v1/rollups/series?from=${month}&to=${month}`)
    const points = series.body.months[0].points as string
    expect(page.text).toMatch(new RegExp(`aria-label="近 12 个月每月积分: [^"]*${month} ${points}"`))
    expect(page.text).toMatch(/aria-label="[^"]*各网格服务时长: Grid root 1.50; Grid g1 1.50; Grid g2 0(\.00)?"/)
    expect(page.text).toContain('>1.50</text>')
    expect((page.text.match(/<rect /g) ?? []).length).toBe(12 + 12 + 3)
  })

  it('shows an earlier period asked for, and its grid table', async () => {
    const page = await staff.get('/staff/rollups?period=2020-01')
    expect(page.text).toContain('2020-01 各网格服务时长')
    expect(page.text).toContain('<th scope="row" data-label="网格">Grid g1</th>')
  })
})

describe('certificates', () => {
  let serial: string

  it('issues a certificate through the form, lists it, and prints the API page', async () => {
    const page = await staff.get('/staff/certificates')
    const requestId = /name="requestId" value="(cert-[\w-]+)"/.exec(page.text)?.[1] as string
    const fields = { requestId, memberId: li.id, period: month, activityId: '', content: '' }
    const issued = await staff.post('/staff/certificates', fields)
    expect([issued.status, issued.location]).toEqual([303, `/staff/certificates?memberId=${li.id}&done=issued`])
    expect((await staff.post('/staff/certificates', fields)).status).toBe(303)
    const listed = await api('GET', `/v1/certificates?memberId=${li.id}`)
    expect(listed.body.certificates).toHaveLength(1)
    serial = String(listed.body.certificates[0].serial)

    const list = await staff.get(issued.location as string)
    expect(list.text).toContain(`No. ${serial}`)
    expect(list.text).toContain(`href="/staff/certificates/${serial}/print"`)
    expect(list.text).toContain(`href="/verify/${w.tenantId}/${serial}"`)

    const printed = await staff.get(`/staff/certificates/${serial}/print`)
    expect(printed.status).toBe(200)
    expect(printed.headers.get('content-type')).toContain('text/html')
    expect(printed.text).toContain('志愿服务证明')
    expect(printed.text).toContain('李小四')
  })

  it('lists every certificate without a search, with the holder, narrowed by member and year, a page at a time', async () => {
    const other = await w.fx.member({ gridId: 'g2', name: '王大五' })
    await approvedHours(other.id, '2.00')
    const made = await api('POST', '/v1/certificates', { requestId: `cert-other-${++n}`, memberId: other.id, period: month })
    expect(made.status).toBe(201)
    const otherSerial = String(made.body.certificate.serial)

    const all = await staff.get('/staff/certificates')
    expect(all.status).toBe(200)
    for (const s of [serial, otherSerial]) expect(all.text).toContain(`No. ${s}`)
    expect(all.text).toContain('李小四')
    expect(all.text).toContain('王大五')
    // Newest first.
    expect(all.text.indexOf(`No. ${otherSerial}`)).toBeLessThan(all.text.indexOf(`No. ${serial}<`))

    const mine = await staff.get(`/staff/certificates?memberId=${li.id}`)
    expect(mine.text).toContain(`No. ${serial}`)
    expect(mine.text).not.toContain(`No. ${otherSerial}`)
    const thisYear = await staff.get(`/staff/certificates?year=${month.slice(0, 4)}`)
    expect(thisYear.text).toContain(`No. ${otherSerial}`)
    const longAgo = await staff.get('/staff/certificates?year=2001')
    expect(longAgo.text).not.toContain('No. ')

    const bad = await staff.get('/staff/certificates?year=26')
    expect(bad.status).toBe(200)
    expect(bad.text).toContain('role="alert"')
  })

  it('pages the list with the API cursor', async () => {
    const page = await staff.get('/staff/certificates')
    const serials = [...page.text.matchAll(/<th scope="row" data-label="[^"]*">No\. (\d+)</g)].map((m) => Number(m[1]))
    expect(serials.length).toBeGreaterThanOrEqual(2)
    // Past the first certificate: the rest, never it again.
    const rest = await staff.get(`/staff/certificates?cursor=${serials[0]}`)
    expect(rest.text).not.toContain(`No. ${serials[0]}<`)
    expect(rest.text).toContain(`No. ${serials[1]}<`)
  })

  it('refuses a certificate without hours to certify, on the page', async () => {
    const nobody = await w.fx.member()
    await staff.get('/staff/certificates')
    const refused = await staff.post('/staff/certificates', { requestId: `cert-${++n}`, memberId: nobody.id, period: '2020' })
    expect(refused.status).toBe(422)
    expect(refused.text).toContain('role="alert"')
    expect(refused.text).toMatch(/name="memberId" required="" autocomplete="off" value="[^"]+"/)
  })

  it('says on the public verify page, without signing in, that a real certificate is genuine, then revoked', async () => {
    const anyone = new Visitor(w.url)
    const valid = await anyone.get(`/verify/${w.tenantId}/${serial}`)
    expect(valid.status).toBe(200)
    expect(valid.text).toContain('真实有效')
    expect(valid.text).toContain('李*四')
    expect(valid.text).not.toContain('李小四')
    expect(valid.text).toContain('1.50 小时')

    anyone.cookies.set('tb_lang', 'en')
    expect((await anyone.get(`/verify/${w.tenantId}/${serial}`)).text).toContain('Genuine')

    await api('POST', `/v1/hour-records/${record}/complaint`, { reason: '经核实未上门' })
    const revoked = await anyone.get(`/verify/${w.tenantId}/${serial}`)
    expect(revoked.text).toContain('Revoked')
    anyone.cookies.delete('tb_lang')
    expect((await anyone.get(`/verify/${w.tenantId}/${serial}`)).text).toContain('已撤销')
  })

  it('says "unknown" for a serial, a community or a number that is not there, in both languages', async () => {
    const anyone = new Visitor(w.url)
    for (const path of [`/verify/${w.tenantId}/99999`, `/verify/${w.tenantId}/abc`, '/verify/no-such-community/1']) {
      const page = await anyone.get(path)
      expect([path, page.status]).toEqual([path, 404])
      expect(page.text).toContain('查无此证')
    }
    anyone.cookies.set('tb_lang', 'en')
    expect((await anyone.get(`/verify/${w.tenantId}/99999`)).text).toContain('Unknown certificate')
  })
})

describe('the policy', () => {
  it('shows the difference between two versions: the changed cap, old and new', async () => {
    const change = (limit: string, reason: string) =>
      api('POST', '/v1/community/policies', { policy: { storageCap: { HOUR: { limit, excess: 'donate' } } }, reason }, w.fx.admin)
    const v2 = (await change('1500', '南京规则')).body.version
    const v3 = (await change('1000', '上限下调')).body.version
    const page = await staff.get(`/staff/policies?from=${v2}&to=${v3}`)
    expect(page.status).toBe(200)
    expect(page.text).toContain(`第 ${v2} 版 → 第 ${v3} 版`)
    expect(page.text).toMatch(
      /<th scope="row" data-label="规则">存储上限<\/th><td data-label="变化"><span class="badge changed">修改<\/span>/,
    )
    expect(page.text).toContain('<code>HOUR.limit</code> 1500 → 1000')
    expect(page.text).toContain('每人最多存 1,500 小时')
    expect(page.text).toContain('每人最多存 1,000 小时')
    expect(page.text).toContain('上限下调')
    // The version in force, in words.
    expect(page.text).toContain(`现行政策（第 ${v3} 版）`)
    // Only admins get the change form.
    expect(page.text).not.toContain('action="/staff/policies"')
  })

  it('lets an admin write a new version, and shows the API’s validation issues or a JSON mistake instead', async () => {
    const page = await admin.get('/staff/policies')
    expect(page.text).toContain('action="/staff/policies"')
    const before = (await api('GET', '/v1/community/policy')).body.version

    const notJson = await admin.post('/staff/policies', { policy: '{ storageCap: ', reason: 'x' })
    expect(notJson.status).toBe(400)
    expect(notJson.text).toContain('不是有效的 JSON')
    expect(notJson.text).toContain('{ storageCap: </textarea>')

    const invalid = await admin.post('/staff/policies', { policy: '{"maxHoursPerActivity": "-2"}', reason: '试一试' })
    expect(invalid.status).toBe(400)
    expect(invalid.text).toContain('role="alert"')
    expect(invalid.text).toMatch(/<li>[^<]*maxHoursPerActivity[^<]*<\/li>/)
    expect((await api('GET', '/v1/community/policy')).body.version).toBe(before)

    const changed = await admin.post('/staff/policies', { policy: '{"maxHoursPerActivity": "2"}', reason: '积分超市规则' })
    expect([changed.status, changed.location]).toEqual([303, '/staff/policies?done=changed'])
    const now = (await api('GET', '/v1/community/policy')).body
    expect(now).toMatchObject({ version: before + 1, reason: '积分超市规则', policy: { maxHoursPerActivity: '2' } })
    expect((await admin.get('/staff/policies')).text).toContain('每次活动最多记入 2 小时')

    await staff.get('/staff/policies')
    const forbidden = await staff.post('/staff/policies', { policy: '{}', reason: 'staff' })
    expect(forbidden.status).toBe(403)
  })
})
