/**
 * Sign-in limits that must not tell logins apart: failed sign-ins counted per
 * client address (whatever the login), and a login no user has locked exactly
 * as a real user's is. Requests come over HTTP (the socket's address,
 * 127.0.0.1) and in process with the address a front passes as `env`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type CommunityFixture, setUpCommunity } from '../testing/community-fixture.js'
import { type TestApi, startTestApi } from '../testing/harness.js'

let api: TestApi
let fx: CommunityFixture

const PER_ADDRESS = 6
const MINUTE = 60_000
const PASSWORD = 'correct horse battery'

beforeAll(async () => {
  api = await startTestApi({ signIn: { maxFailuresPerAddress: PER_ADDRESS } })
  fx = await setUpCommunity(api)
})
afterAll(() => api.close())

let n = 0
async function makeUser(over: Record<string, unknown> = {}): Promise<{ id: string; login: string }> {
  const id = `lim${++n}`
  const body = { id, login: `limit.${n}`, name: `Limit ${n}`, role: 'staff', password: PASSWORD, ...over }
  const res = await api.request('POST', '/v1/users', { key: fx.admin, json: body })
  if (res.status !== 201) throw new Error(`POST /v1/users answered ${res.status}: ${res.text}`)
  return { id, login: body.login }
}

/** A sign-in from `address`, in process as the console's pages make it. */
async function signInFrom(address: string, login: string, password = PASSWORD) {
  const res = await api.app.fetch(
    new Request('http://in-process/v1/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: fx.tenantId, login, password }),
    }),
    { clientAddress: address },
  )
  const body = (await res.json()) as { error?: { code: string; message: string; details: unknown } }
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body }
}

describe('failed sign-ins per client address', () => {
  it('refuse the address once it reaches the limit, whatever the login and even for a right password; other addresses go on', async () => {
    const users = [await makeUser(), await makeUser(), await makeUser()]
    // Spread over logins (none reaches its own lock of 5) and unknown ones.
    const tries = [users[0], users[1], users[2], { login: 'nobody.1' }, users[0], { login: 'nobody.2' }]
    for (const u of tries) expect((await signInFrom('198.51.100.7', u?.login as string, 'wrong')).status).toBe(401)
    const refused = await signInFrom('198.51.100.7', users[2]?.login as string)
    expect([refused.status, refused.body.error?.code]).toEqual([429, 'SIGN_IN_LOCKED'])
    expect(Number(refused.retryAfter)).toBeGreaterThan(0)
    // Another address signs the same user in; the first is let in again once the window has passed.
    expect((await signInFrom('198.51.100.8', users[2]?.login as string)).status).toBe(201)
    api.advanceClock(15 * MINUTE + 1000)
    expect((await signInFrom('198.51.100.7', users[2]?.login as string)).status).toBe(201)
  })

  it('are counted by the socket over HTTP, not by a header the client writes', async () => {
    const { login } = await makeUser()
    const over = (i: number) =>
      api.request('POST', '/v1/sessions', {
        json: { tenantId: fx.tenantId, login: `ghost.${i}`, password: 'wrong' },
        headers: { 'x-forwarded-for': `192.0.2.${i}` },
      })
    for (let i = 0; i < PER_ADDRESS; i++) expect((await over(i)).status).toBe(401)
    const refused = await api.request('POST', '/v1/sessions', { json: { tenantId: fx.tenantId, login, password: PASSWORD } })
    expect([refused.status, refused.body.error.code]).toEqual([429, 'SIGN_IN_LOCKED'])
    api.advanceClock(15 * MINUTE + 1000)
  })
})

describe('a login no user has', () => {
  it('is locked after 5 failures exactly as a real user is: the same status, code, message and Retry-After', async () => {
    const known = await makeUser()
    const disabled = await makeUser()
    await api.request('POST', `/v1/users/${disabled.id}/disable`, { key: fx.admin })
    const answers = []
    // One address each, so the per-address limit stays out of it.
    for (const [i, login] of [known.login, 'no.such.login', disabled.login].entries()) {
      for (let k = 0; k < 5; k++) expect((await signInFrom(`203.0.113.${i}`, login, `wrong ${k}`)).status).toBe(401)
      answers.push(await signInFrom(`203.0.113.${i}`, login, PASSWORD))
    }
    const [a, ...others] = answers
    for (const b of others) {
      expect([b.status, b.body.error?.code, b.body.error?.message]).toEqual([429, 'SIGN_IN_LOCKED', a?.body.error?.message])
      expect(Math.abs(Number(b.retryAfter) - Number(a?.retryAfter))).toBeLessThanOrEqual(1)
    }
    expect(a?.status).toBe(429)
    // And let in again (to fail as before) once the lock has passed.
    api.advanceClock(15 * MINUTE + 1000)
    expect((await signInFrom('203.0.113.9', 'no.such.login', PASSWORD)).body.error?.code).toBe('INVALID_CREDENTIALS')
    expect((await signInFrom('203.0.113.9', known.login)).status).toBe(201)
  })
})

describe('behind a reverse proxy (TRUST_PROXY_HOPS=1)', () => {
  it("counts failures per client the proxy names, not per proxy: one client's lock leaves the others signing in", async () => {
    const proxied = await startTestApi({ signIn: { maxFailuresPerAddress: PER_ADDRESS, trustProxyHops: 1 } })
    try {
      const f = await setUpCommunity(proxied)
      const made = await proxied.request('POST', '/v1/users', {
        key: f.admin,
        json: { id: 'px1', login: 'proxied.1', name: 'Proxied', role: 'staff', password: PASSWORD },
      })
      expect(made.status).toBe(201)
      // Every request reaches the server from the proxy's one socket address (127.0.0.1), the client in the header.
      const signIn = (client: string, login: string, password: string) =>
        proxied.request('POST', '/v1/sessions', {
          json: { tenantId: f.tenantId, login, password },
          headers: { 'x-forwarded-for': client },
        })
      // Spread over logins, so no login reaches its own lock; an attacker writing addresses of its own before
      // the proxy's entry still counts as itself.
      for (let i = 0; i < PER_ADDRESS; i++) expect((await signIn(`10.9.9.${i}, 198.51.100.66`, `nobody.${i}`, 'wrong')).status).toBe(401)
      expect((await signIn('198.51.100.66', 'proxied.1', PASSWORD)).status).toBe(429)
      expect((await signIn('198.51.100.67', 'proxied.1', PASSWORD)).status).toBe(201)
    } finally {
      await proxied.close()
    }
  })
})
