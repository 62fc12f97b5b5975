/**
 * Signing in and out end to end: passwords, the lockout (its clock moved
 * forward, never waited for), sessions as callers, sign-out taking effect at
 * once, password changes, and what is stored.
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type CommunityFixture, setUpCommunity } from '../testing/community-fixture.js'
import type { TestApi } from '../testing/harness.js'
import { startTestApi } from '../testing/harness.js'

let api: TestApi
let fx: CommunityFixture

beforeAll(async () => {
  api = await startTestApi()
  fx = await setUpCommunity(api)
})
afterAll(() => api.close())

const MINUTE = 60_000
const PASSWORD = 'correct horse battery'
let n = 0

/** A user of the fixture's tenant, made by its admin key, with a password. */
async function makeUser(over: Record<string, unknown> = {}): Promise<{ id: string; login: string }> {
  const id = `u${++n}`
  const body = { id, login: `User.${n}`, name: `User ${n}`, role: 'staff', password: PASSWORD, ...over }
  const res = await api.request('POST', '/v1/users', { key: fx.admin, json: body })
  if (res.status !== 201) throw new Error(`POST /v1/users answered ${res.status}: ${res.text}`)
  return { id, login: body.login as string }
}

const signIn = (login: string, password = PASSWORD, tenantId = fx.tenantId) =>
  api.request('POST', '/v1/sessions', { json: { tenantId, login, password } })

async function session(login: string, password = PASSWORD): Promise<string> {
  const res = await signIn(login, password)
  if (res.status !== 201) throw new Error(`sign-in answered ${res.status}: ${res.text}`)
  return res.body.token as string
}

const me = (token: string) => api.request('GET', '/v1/me', { key: token })

describe('signing in with a password', () => {
  it('opens a session whose token acts as the user, whatever the case of the login', async () => {
    const { id } = await makeUser({ gridId: 'g1' })
    const res = await signIn(`USER.${n}`)
    expect(res.status).toBe(201)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.body).toEqual({
      token: expect.stringMatching(/^tbs_[A-Za-z0-9_-]{43}$/),
      expiresAt: expect.any(String),
      user: { id, login: `user.${n}`, name: `User ${n}`, role: 'staff', memberId: null, gridId: 'g1', hasPassword: true },
    })
    // SESSION_TTL_HOURS: 168 by default.
    const ttl = new Date(res.body.expiresAt).getTime() - Date.now()
    expect(ttl).toBeGreaterThan(167 * 60 * MINUTE)
    expect(ttl).toBeLessThanOrEqual(168 * 60 * MINUTE)
    const who = await me(res.body.token)
    expect(who.body).toEqual({
      tenantId: fx.tenantId,
      role: 'staff',
      memberId: null,
      gridId: 'g1',
      user: res.body.user,
      session: { expiresAt: res.body.expiresAt },
    })
  })

  it('answers a wrong password and an unknown login alike: 401 INVALID_CREDENTIALS, the same message', async () => {
    const { login } = await makeUser()
    const wrongPassword = await signIn(login, 'not the password')
    const unknownLogin = await signIn('nobody-at-all')
    const otherTenant = await signIn(login, PASSWORD, 'no-such-tenant')
    for (const res of [wrongPassword, unknownLogin, otherTenant]) {
      expect([res.status, res.body.error.code, res.body.error.details]).toEqual([401, 'INVALID_CREDENTIALS', null])
      expect(res.body.error.message).toBe(wrongPassword.body.error.message)
    }
  })

  it('issues a fresh token at every sign-in, never one the client brings', async () => {
    const { login } = await makeUser()
    const first = await session(login)
    const res = await api.request('POST', '/v1/sessions', {
      key: first,
      json: { tenantId: fx.tenantId, login, password: PASSWORD },
    })
    expect(res.status).toBe(201)
    expect(res.body.token).not.toBe(first)
    // Both are live sessions of their own.
    expect((await me(first)).status).toBe(200)
    expect((await me(res.body.token)).status).toBe(200)
  })

  it('locks a user after 5 failures in a row, even for the right password, until 15 minutes have passed', async () => {
    const { login } = await makeUser()
    for (let i = 0; i < 5; i++) expect((await signIn(login, `wrong ${i}`)).body.error.code).toBe('INVALID_CREDENTIALS')
    const locked = await signIn(login)
    expect([locked.status, locked.body.error.code]).toEqual([429, 'SIGN_IN_LOCKED'])
    const retryAfter = Number(locked.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(14 * 60)
    expect(retryAfter).toBeLessThanOrEqual(15 * 60)
    expect(locked.body.error.details).toEqual({ retryAfterSeconds: retryAfter })
    api.advanceClock(14 * MINUTE)
    expect((await signIn(login)).status).toBe(429)
    api.advanceClock(MINUTE + 1000)
    expect((await signIn(login)).status).toBe(201)
  })

  it('starts the count again after a success', async () => {
    const { login } = await makeUser()
    for (let i = 0; i < 4; i++) await signIn(login, 'wrong')
    expect((await signIn(login)).status).toBe(201)
    for (let i = 0; i < 4; i++) expect((await signIn(login, 'wrong')).status).toBe(401)
    expect((await signIn(login)).status).toBe(201)
  })

  it('counts failures that arrive together: no more than 5 checks run before the lock', async () => {
    const { login } = await makeUser()
    const answers = await Promise.all(Array.from({ length: 8 }, () => signIn(login, 'wrong')))
    const codes = answers.map((r) => r.body.error.code).sort()
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(5)
    expect(codes.filter((c) => c === 'SIGN_IN_LOCKED')).toHaveLength(3)
  })

  it('refuses a disabled user, and ends their sessions at once', async () => {
    const { id, login } = await makeUser()
    const token = await session(login)
    const disabled = await api.request('POST', `/v1/users/${id}/disable`, { key: fx.admin })
    expect([disabled.status, disabled.body.disabledAt]).toEqual([200, expect.any(String)])
    expect((await me(token)).body.error.code).toBe('UNAUTHORIZED')
    const res = await signIn(login)
    expect([res.status, res.body.error.code]).toEqual([401, 'INVALID_CREDENTIALS'])
  })

  it('refuses a session once it has expired', async () => {
    const { login } = await makeUser()
    const token = await session(login)
    api.advanceClock(168 * 60 * MINUTE - MINUTE)
    expect((await me(token)).status).toBe(200)
    api.advanceClock(2 * MINUTE)
    const res = await me(token)
    expect([res.status, res.body.error.code]).toEqual([401, 'UNAUTHORIZED'])
  })

  it('stores neither tokens nor passwords, only their hashes', async () => {
    const { login } = await makeUser()
    const token = await session(login)
    const dump = JSON.stringify([
      await api.storage.db.execute(sql`select * from tb_api_users`),
      await api.storage.db.execute(sql`select * from tb_api_sessions`),
    ])
    expect(dump).not.toContain(token)
    expect(dump).not.toContain(token.slice(4))
    expect(dump).not.toContain(PASSWORD)
    expect(dump).toContain('scrypt$')
  })
})

describe('signing out', () => {
  it('ends this session at once and leaves the others', async () => {
    const { login } = await makeUser()
    const [a, b] = [await session(login), await session(login)]
    expect((await me(a)).status).toBe(200) // now cached
    const out = await api.request('DELETE', '/v1/sessions/current', { key: a })
    expect([out.status, out.text]).toEqual([204, ''])
    expect((await me(a)).status).toBe(401)
    expect((await me(b)).status).toBe(200)
  })

  it('everywhere: ends every session of the user, and no other user’s', async () => {
    const { login } = await makeUser()
    const other = await session((await makeUser()).login)
    const [a, b] = [await session(login), await session(login)]
    await me(b)
    expect((await api.request('DELETE', '/v1/sessions', { key: a })).status).toBe(204)
    expect((await me(a)).status).toBe(401)
    expect((await me(b)).status).toBe(401)
    expect((await me(other)).status).toBe(200)
  })

  it('is for sessions: an API key gets 403, and /v1/me shows it without a user', async () => {
    for (const [method, path] of [
      ['DELETE', '/v1/sessions/current'],
      ['DELETE', '/v1/sessions'],
    ] as const) {
      const res = await api.request(method, path, { key: fx.staff })
      expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 403, 'FORBIDDEN'])
    }
    const password = await api.request('POST', '/v1/users/me/password', { key: fx.staff, json: { newPassword: 'a new password' } })
    expect([password.status, password.body.error.code]).toEqual([403, 'FORBIDDEN'])
    expect((await me(fx.g1Staff)).body).toEqual({
      tenantId: fx.tenantId,
      role: 'staff',
      memberId: null,
      gridId: 'g1',
      user: null,
      session: null,
    })
  })
})

describe('changing a password', () => {
  it('needs the current one, ends the other sessions and keeps this one', async () => {
    const { login } = await makeUser()
    const [here, there] = [await session(login), await session(login)]
    await me(there)
    const change = (json: unknown) => api.request('POST', '/v1/users/me/password', { key: here, json })
    const missing = await change({ newPassword: 'battery staple horse' })
    expect([missing.status, missing.body.error.code]).toEqual([400, 'VALIDATION'])
    const wrong = await change({ currentPassword: 'not it', newPassword: 'battery staple horse' })
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'INVALID_CREDENTIALS'])
    const short = await change({ currentPassword: PASSWORD, newPassword: 'short' })
    expect([short.status, short.body.error.code]).toEqual([400, 'VALIDATION'])
    expect((await change({ currentPassword: PASSWORD, newPassword: 'battery staple horse' })).status).toBe(204)
    expect((await me(here)).status).toBe(200)
    expect((await me(there)).status).toBe(401)
    expect((await signIn(login)).status).toBe(401)
    expect((await signIn(login, 'battery staple horse')).status).toBe(201)
  })
})
