import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestWeb, startTestWeb } from '../../testing/web-harness.js'
import { Visitor } from '../../testing/visitor.js'
import { must } from './testing.js'

let w: TestWeb
let staff: Visitor

beforeAll(async () => {
  w = await startTestWeb()
  staff = await w.visitorAs(w.staffUser)
})
afterAll(() => w?.close())

/** The hidden id a create form carries. */
const formId = (html: string) => /name="id" value="([^"]+)"/.exec(html)?.[1] as string

describe('registering a member', () => {
  it('creates the member the form describes, approved at once', async () => {
    const form = await staff.get('/staff/members/new')
    const id = formId(form.text)
    const res = await staff.post('/staff/members/new', {
      id,
      name: '周小兰',
      phone: '139 8765 4321',
      birthDate: '1956-05-01',
      gridId: 'g2',
      approve: '1',
    })
    expect(res.status).toBe(303)
    expect(res.location).toBe(`/staff/members/${id}?done=registered`)
    const member = await must(w, 'GET', `/v1/members/${id}`, w.fx.admin)
    expect(member).toMatchObject({ name: '周小兰', phone: '13987654321', birthDate: '1956-05-01', gridId: 'g2', status: 'active' })
    const page = await staff.get(res.location as string)
    expect(page.text).toContain('周小兰')
    // The same form sent twice registers one member: the second is a replay.
    const again = await staff.post('/staff/members/new', {
      id,
      name: '周小兰',
      phone: '139 8765 4321',
      birthDate: '1956-05-01',
      gridId: 'g2',
      approve: '1',
    })
    expect(again.status).toBe(303)
    const listed = await must(w, 'GET', '/v1/members?search=%E5%91%A8%E5%B0%8F%E5%85%B0&view=full', w.fx.admin)
    expect(listed.members.filter((m: { name: string }) => m.name === '周小兰')).toHaveLength(1)
  })

  it('leaves an application to review when not approved at once', async () => {
    const id = formId((await staff.get('/staff/members/new')).text)
    await staff.post('/staff/members/new', { id, name: '吴申请', gridId: 'g1' })
    expect((await must(w, 'GET', `/v1/members/${id}`, w.fx.admin)).status).toBe('applied')
  })

  it('shows a refusal on the form again, keeping what was typed', async () => {
    const id = formId((await staff.get('/staff/members/new')).text)
    const res = await staff.post('/staff/members/new', { id, name: '郑错号', phone: '12', gridId: 'g1', approve: '1' })
    expect([400, 422]).toContain(res.status)
    expect(res.text).toContain('role="alert"')
    expect(res.text).toContain('VALIDATION')
    expect(res.text).toContain('value="郑错号"')
    expect((await w.api.request('GET', `/v1/members/${id}`, { key: w.fx.admin })).status).toBe(404)
  })

  it('shows an unknown grid as a refusal, not an error page', async () => {
    const id = formId((await staff.get('/staff/members/new')).text)
    const res = await staff.post('/staff/members/new', { id, name: '钱无格', gridId: 'nowhere', approve: '1' })
    expect([400, 404, 422]).toContain(res.status)
    expect(res.text).toContain('GRID_NOT_FOUND')
    expect(res.text).toContain('action="/staff/members/new"')
  })
})

describe('a member page', () => {
  it('approves and rejects applications, with the reason kept', async () => {
    const a = await w.fx.member({ applied: true })
    const b = await w.fx.member({ applied: true })
    await staff.get(`/staff/members/${a.id}`)
    expect((await staff.post(`/staff/members/${a.id}/approve`, {})).status).toBe(303)
    expect((await must(w, 'GET', `/v1/members/${a.id}`, w.fx.admin)).status).toBe('active')
    expect((await staff.post(`/staff/members/${b.id}/reject`, { note: '不在本社区居住' })).status).toBe(303)
    const rejected = await must(w, 'GET', `/v1/members/${b.id}`, w.fx.admin)
    expect(rejected).toMatchObject({ status: 'rejected', reviewNote: '不在本社区居住' })
    // Approving the rejected one is refused by the API, and the page says so instead of failing.
    const refused = await staff.post(`/staff/members/${b.id}/approve`, {})
    expect(refused.status).toBe(422)
    expect(refused.text).toContain('INVALID_TRANSITION')
  })

  it('places a member in a grid, links and unlinks a relative, deactivates and reactivates', async () => {
    const m = await w.fx.member({ gridId: 'g1' })
    const child = await w.fx.member({ gridId: 'g1' })
    await staff.get(`/staff/members/${m.id}`)
    expect((await staff.post(`/staff/members/${m.id}/grid`, { gridId: 'g2' })).status).toBe(303)
    expect((await must(w, 'GET', `/v1/members/${m.id}`, w.fx.admin)).gridId).toBe('g2')

    expect((await staff.post(`/staff/members/${m.id}/relatives`, { relativeId: child.id, relation: 'child' })).status).toBe(303)
    const links = await must(w, 'GET', `/v1/members/${m.id}/relatives`, w.fx.admin)
    expect(links.relatives).toMatchObject([{ relativeId: child.id, relation: 'child' }])
    const page = await staff.get(`/staff/members/${m.id}`)
    expect(page.text).toContain(child.name)
    expect((await staff.post(`/staff/members/${m.id}/relatives/remove`, { relativeId: child.id })).status).toBe(303)
    expect((await must(w, 'GET', `/v1/members/${m.id}/relatives`, w.fx.admin)).relatives).toEqual([])

    expect((await staff.post(`/staff/members/${m.id}/deactivate`, {})).status).toBe(303)
    expect((await must(w, 'GET', `/v1/members/${m.id}`, w.fx.admin)).status).toBe('inactive')
    expect((await staff.post(`/staff/members/${m.id}/reactivate`, {})).status).toBe(303)
    expect((await must(w, 'GET', `/v1/members/${m.id}`, w.fx.admin)).status).toBe('active')
  })

  it('shows the balances the ledger holds', async () => {
    const m = await w.fx.member()
    await must(
      w,
      'POST',
      '/v1/hour-records',
      w.fx.admin,
      {
        id: `bal-${m.id}`,
        memberId: m.id,
        kind: 'elder-visit',
        startedAt: new Date(Date.now() - 3 * 3_600_000).toISOString(),
        endedAt: new Date(Date.now() - 3_600_000).toISOString(),
        hours: '1.75',
      },
      201,
    )
    await must(w, 'POST', `/v1/hour-records/bal-${m.id}/approve`, w.fx.staff)
    const page = await staff.get(`/staff/members/${m.id}`)
    expect(page.text.match(/class="figure">1\.75</g)).toHaveLength(2) // spendable and lifetime hours
    const statement = await staff.get(`/staff/members/${m.id}/statement`)
    expect(statement.text).toContain('1.75')
  })

  it('issues a one-time sign-in link that signs a fresh visitor in to set a password', async () => {
    const m = await w.fx.member({ phone: '13700001111' })
    const page = await staff.get(`/staff/members/${m.id}`)
    const userId = /name="userId" value="([^"]+)"/.exec(page.text)?.[1] as string
    expect(userId).toBeTruthy()
    const shown = await staff.post(`/staff/members/${m.id}/sign-in-link`, { userId, login: '13700001111' })
    expect(shown.status).toBe(200)
    expect(shown.headers.get('cache-control')).toContain('no-store')
    expect(shown.text).toContain('<svg')
    const link = /<code class="link-text">([^<]+)<\/code>/.exec(shown.text)?.[1]?.replace(/&amp;/g, '&') as string
    const url = new URL(link)
    expect(url.pathname).toBe('/signin/link')
    expect(url.searchParams.get('tenant')).toBe(w.tenantId)
    // The member user was made, bound to the member.
    const users = await must(w, 'GET', `/v1/users?memberId=${m.id}`, w.fx.admin)
    expect(users.users).toMatchObject([{ id: userId, role: 'member', memberId: m.id, login: '13700001111', hasPassword: false }])

    const resident = new Visitor(w.url)
    await resident.get(`${url.pathname}${url.search}`)
    const signedIn = await resident.post('/signin/link', {
      tenantId: url.searchParams.get('tenant') as string,
      token: url.searchParams.get('token') as string,
    })
    expect(signedIn.status).toBe(303)
    expect(signedIn.location).toBe('/password')
    // Used once: the same link does not sign anyone in again.
    const again = new Visitor(w.url)
    await again.get(`${url.pathname}${url.search}`)
    const reused = await again.post('/signin/link', {
      tenantId: url.searchParams.get('tenant') as string,
      token: url.searchParams.get('token') as string,
    })
    expect(reused.status).toBe(401)

    // A second link goes to the same user: no second user is made.
    const page2 = await staff.get(`/staff/members/${m.id}`)
    expect(page2.text).not.toContain('name="userId"')
    expect((await staff.post(`/staff/members/${m.id}/sign-in-link`, {})).status).toBe(200)
    expect((await must(w, 'GET', `/v1/users?memberId=${m.id}`, w.fx.admin)).users).toHaveLength(1)
  })

  it('a double submission of the link form shows the same link, not a second valid one', async () => {
    const m = await w.fx.member({ phone: '13700002222' })
    const page = await staff.get(`/staff/members/${m.id}`)
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(page.text)?.[1] as string
    const form = { userId: field('userId'), login: '13700002222', nonce: field('nonce') }
    expect(form.nonce).toBeTruthy()
    const linkOf = (html: string) => /<code class="link-text">([^<]+)<\/code>/.exec(html)?.[1]
    const [first, second] = await Promise.all([
      staff.post(`/staff/members/${m.id}/sign-in-link`, form),
      staff.post(`/staff/members/${m.id}/sign-in-link`, form),
    ])
    expect([first.status, second.status]).toEqual([200, 200])
    expect(linkOf(first.text)).toBeTruthy()
    expect(linkOf(second.text)).toBe(linkOf(first.text))
    // Another form (a fresh nonce) makes another link.
    const next = await staff.post(`/staff/members/${m.id}/sign-in-link`, { nonce: 'another-form' })
    expect(linkOf(next.text)).not.toBe(linkOf(first.text))
  })

  it('shows a login already taken as a refusal on the member page', async () => {
    const m = await w.fx.member()
    await staff.get(`/staff/members/${m.id}`)
    const res = await staff.post(`/staff/members/${m.id}/sign-in-link`, { userId: `u-${m.id}`, login: w.staffUser.login })
    expect(res.status).toBe(422)
    expect(res.text).toContain('LOGIN_TAKEN')
    expect(res.text).not.toContain('<svg')
  })
})
