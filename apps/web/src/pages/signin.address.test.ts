/**
 * The API's per-address sign-in limit reaches through the console: the pages
 * pass the browser's address (off the socket) with their in-process calls, so
 * failures typed into the sign-in form count against it. Its own file: the
 * address (127.0.0.1) stays refused for the rest of this test server's window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestWeb, startTestWeb } from '../testing/web-harness.js'
import { Visitor } from '../testing/visitor.js'

let w: TestWeb
beforeAll(async () => {
  w = await startTestWeb()
}, 60_000)
afterAll(() => w?.close())

/** The API's default: SIGN_IN_MAX_FAILURES_PER_ADDRESS. */
const PER_ADDRESS = 50

describe('signing in from one address', () => {
  it('refuses the browser after 50 failures over many logins, even with the right password of another', async () => {
    const v = new Visitor(w.url)
    await v.get('/signin')
    // Five tries each at ten logins: each is refused as a wrong password, none yet locked on its own.
    for (let i = 0; i < PER_ADDRESS; i++) {
      const res = await v.post('/signin', { tenantId: w.tenantId, login: `nobody-${i % 10}`, password: 'wrong', next: '/' })
      expect([i, res.status]).toEqual([i, 401])
    }
    const refused = await v.post('/signin', { tenantId: w.tenantId, login: w.staffUser.login, password: w.staffUser.password, next: '/' })
    expect(refused.status).toBe(429)
    expect(refused.text).toContain('锁定')
    expect(v.cookies.has('tb_session')).toBe(false)
  }, 180_000)
})
