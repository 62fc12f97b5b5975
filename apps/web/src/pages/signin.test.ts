import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestWeb, startTestWeb } from '../testing/web-harness.js'
import { Visitor } from '../testing/visitor.js'

let w: TestWeb
beforeAll(async () => {
  w = await startTestWeb()
}, 60_000)
afterAll(() => w?.close())

describe('signing in', () => {
  it('staff land on the console and members on their own pages, with an httpOnly SameSite session cookie', async () => {
    const staff = new Visitor(w.url)
    await staff.get('/signin')
    const res = await staff.post('/signin', { tenantId: w.tenantId, login: w.staffUser.login, password: w.staffUser.password, next: '/' })
    expect(res.status).toBe(303)
    expect(res.location).toBe('/staff')
    const cookie = res.headers.getSetCookie().find((line) => line.startsWith('tb_session='))
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    const member = await w.memberUser()
    const m = new Visitor(w.url)
    expect((await m.signIn({ tenantId: w.tenantId, login: member.login, password: member.password })).location).toBe('/me')
  })

  it('a wrong password shows the form again with a message, and no session', async () => {
    const v = new Visitor(w.url)
    await v.get('/signin')
    const res = await v.post('/signin', { tenantId: w.tenantId, login: w.staffUser.login, password: 'not the password', next: '/' })
    expect(res.status).toBe(401)
    expect(res.text).toContain('账号或密码不对')
    expect(v.cookies.has('tb_session')).toBe(false)
  })

  it('locks a login out after five wrong passwords, even for the right one', async () => {
    const user = await w.user({ login: 'lockme', role: 'staff' })
    const v = new Visitor(w.url)
    await v.get('/signin')
    for (let i = 0; i < 5; i++) {
      expect((await v.post('/signin', { tenantId: w.tenantId, login: 'lockme', password: `wrong ${i}`, next: '/' })).status).toBe(401)
    }
    const locked = await v.post('/signin', { tenantId: w.tenantId, login: 'lockme', password: user.password, next: '/' })
    expect(locked.status).toBe(429)
    expect(locked.text).toContain('锁定')
    expect(v.cookies.has('tb_session')).toBe(false)
  })

  it('goes back to the page asked for, but never to another site', async () => {
    const v = new Visitor(w.url)
    expect((await v.signIn({ ...w.staffUser, next: '/staff/members?q=1' })).location).toBe('/staff/members?q=1')
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const other = new Visitor(w.url)
      const res = await other.signIn({ ...w.staffUser, next })
      expect(res.location).toBe('/staff')
    }
  })

  it('a page that needs a sign-in sends a signed-out reader to sign in and back', async () => {
    const v = new Visitor(w.url)
    const res = await v.get('/password?x=1')
    expect(res.status).toBe(303)
    expect(res.location).toBe(`/signin?next=${encodeURIComponent('/password?x=1')}`)
  })
})

describe('session fixation', () => {
  it('signing in replaces a session planted in the browser and revokes it', async () => {
    const attacker = await w.visitorAs(w.staffUser)
    const planted = attacker.cookies.get('tb_session') as string
    const member = await w.memberUser()
    const victim = new Visitor(w.url)
    victim.cookies.set('tb_session', planted)
    const res = await victim.signIn({ tenantId: w.tenantId, login: member.login, password: member.password })
    expect(res.status).toBe(303)
    expect(victim.cookies.get('tb_session')).not.toBe(planted)
    // The planted session is gone: its holder is signed out.
    expect((await attacker.get('/password')).status).toBe(303)
  })
})

describe('CSRF', () => {
  it('refuses a form posted without the token, and with another session’s token', async () => {
    const v = await w.visitorAs(w.staffUser)
    const without = await v.post('/signout', {}, { csrf: false })
    expect(without.status).toBe(403)
    expect(without.text).toContain('表单已过期')
    const other = await w.visitorAs(w.staffUser)
    await other.get('/password')
    const foreign = await v.post('/signout', { _csrf: other.csrf as string })
    expect(foreign.status).toBe(403)
    // Still signed in.
    expect((await v.get('/password')).status).toBe(200)
  })

  it('refuses a sign-in form without the double-submit token', async () => {
    const v = new Visitor(w.url)
    const res = await v.post('/signin', { tenantId: w.tenantId, login: w.staffUser.login, password: w.staffUser.password }, { csrf: false })
    expect(res.status).toBe(403)
    expect(v.cookies.has('tb_session')).toBe(false)
  })
})

describe('the password', () => {
  it('a wrong current password is shown on the form and keeps the session', async () => {
    const user = await w.user({ login: 'changer', role: 'staff' })
    const v = await w.visitorAs(user)
    await v.get('/password')
    const res = await v.post('/password', { currentPassword: 'not it at all', newPassword: 'a new password', repeat: 'a new password' })
    expect(res.status).toBe(400)
    expect(res.text).toContain('账号或密码不对')
    expect((await v.get('/password')).status).toBe(200)
    await v.post('/password', { currentPassword: user.password, newPassword: 'a new password', repeat: 'a new password' })
    const again = new Visitor(w.url)
    expect((await again.signIn({ ...user, password: 'a new password' })).status).toBe(303)
  })
})

describe('signing out', () => {
  it('signs this browser out', async () => {
    const v = await w.visitorAs(w.staffUser)
    await v.get('/password')
    const res = await v.post('/signout', {})
    expect(res.location).toBe('/signin?out=1')
    expect(v.cookies.has('tb_session')).toBe(false)
  })

  it('signing out everywhere ends the other browsers’ sessions too', async () => {
    const user = await w.user({ login: 'twodevices', role: 'staff' })
    const phone = await w.visitorAs(user)
    const desk = await w.visitorAs(user)
    await desk.get('/password')
    expect((await desk.post('/signout/all', {})).status).toBe(303)
    const after = await phone.get('/password')
    expect(after.status).toBe(303)
    expect(after.location).toMatch(/^\/signin/)
  })
})

describe('one-time sign-in link', () => {
  it('signs in once and asks for a password; the second use is refused', async () => {
    const user = await w.user({ login: 'newcomer', role: 'staff' })
    const made = await w.api.request('POST', `/v1/users/${user.id}/sign-in-links`, { key: w.fx.admin, json: {} })
    expect(made.status).toBe(201)
    const path = `/signin/link?tenant=${w.tenantId}&token=${encodeURIComponent(made.body.token)}`
    const v = new Visitor(w.url)
    await v.get(path)
    const res = await v.post('/signin/link', { tenantId: w.tenantId, token: made.body.token })
    expect(res.status).toBe(303)
    const again = new Visitor(w.url)
    await again.get(path)
    expect((await again.post('/signin/link', { tenantId: w.tenantId, token: made.body.token })).status).toBe(401)
  })

  it('a GET of the link changes nothing (a link preview cannot use it up)', async () => {
    const user = await w.user({ login: 'previewed', role: 'staff' })
    const made = await w.api.request('POST', `/v1/users/${user.id}/sign-in-links`, { key: w.fx.admin, json: {} })
    const preview = new Visitor(w.url)
    await preview.get(`/signin/link?tenant=${w.tenantId}&token=${encodeURIComponent(made.body.token)}`)
    expect(preview.cookies.has('tb_session')).toBe(false)
    const v = new Visitor(w.url)
    await v.get('/signin/link')
    expect((await v.post('/signin/link', { tenantId: w.tenantId, token: made.body.token })).status).toBe(303)
  })
})

describe('the frame', () => {
  it('switches language by a cookie and keeps the page', async () => {
    const v = new Visitor(w.url)
    const res = await v.get(`/lang?to=en&next=${encodeURIComponent('/signin')}`)
    expect(res.location).toBe('/signin')
    const page = await v.get('/signin')
    expect(page.text).toContain('<html lang="en">')
    expect(page.text).toContain('Sign in')
    await v.get('/lang?to=zh-CN&next=/signin')
    expect((await v.get('/signin')).text).toContain('<html lang="zh-CN">')
  })

  it('sends a content security policy that allows no inline script and no framing', async () => {
    const page = await new Visitor(w.url).get('/signin')
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
  })

  it('serves the Chinese web font in slices', async () => {
    const v = new Visitor(w.url)
    const css = await v.get('/assets/font.css')
    const first = /url\(\/assets\/fonts\/([^)]+\.woff2)\)/.exec(css.text)?.[1]
    expect(first).toBeDefined()
    const font = await fetch(`${w.url}/assets/fonts/${first}`)
    expect(font.headers.get('content-type')).toBe('font/woff2')
    expect((await fetch(`${w.url}/assets/fonts/..%2F400.css`)).status).toBe(404)
  })

  it('the API still answers on the same port', async () => {
    expect((await fetch(`${w.url}/healthz`)).status).toBe(200)
    expect((await fetch(`${w.url}/openapi.json`)).headers.get('content-type')).toMatch(/json/)
  })
})
