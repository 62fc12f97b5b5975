/**
 * The console's users end to end: who may make which user, sessions acting
 * exactly as keys with the same role, member and grid would, one-time
 * sign-in links, and the first user bootstrap makes.
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type CommunityFixture, type FixtureMember, setUpCommunity } from '../testing/community-fixture.js'
import { type TestApi, startTestApi } from '../testing/harness.js'

let api: TestApi
let fx: CommunityFixture
let ana: FixtureMember
let bo: FixtureMember
/** A member living in g2, outside g1's leader's subtree. */
let cy: FixtureMember

beforeAll(async () => {
  api = await startTestApi()
  fx = await setUpCommunity(api)
  ana = await fx.member({ gridId: 'g1' })
  bo = await fx.member({ gridId: 'g1' })
  cy = await fx.member({ gridId: 'g2' })
})
afterAll(() => api.close())

const HOUR = 3_600_000
const PASSWORD = 'correct horse battery'
let n = 0

const post = (path: string, key: string, json?: unknown, headers?: Record<string, string>) =>
  api.request('POST', path, { key, ...(json === undefined ? {} : { json }), ...(headers ? { headers } : {}) })
const get = (path: string, key: string) => api.request('GET', path, { key })

/** Make a user with the admin key; the body's id and login are fresh unless given. */
async function makeUser(over: Record<string, unknown>, key = fx.admin) {
  const id = `u${++n}`
  const res = await post('/v1/users', key, { id, login: `login-${n}`, name: `User ${n}`, password: PASSWORD, ...over })
  if (res.status !== 201) throw new Error(`POST /v1/users answered ${res.status}: ${res.text}`)
  return res.body as { id: string; login: string }
}

async function signIn(login: string, password = PASSWORD): Promise<string> {
  const res = await api.request('POST', '/v1/sessions', { json: { tenantId: fx.tenantId, login, password } })
  if (res.status !== 201) throw new Error(`sign-in answered ${res.status}: ${res.text}`)
  return res.body.token as string
}

const useLink = (token: string, tenantId = fx.tenantId) => api.request('POST', '/v1/sessions/link', { json: { tenantId, token } })

/** A body without what differs between any two requests (an error's request id). */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are arbitrary JSON
const comparable = (body: any) => (body?.error ? { error: { ...body.error, requestId: undefined } } : body)

/** The same GETs made with each credential answer the same: status and body. */
async function sameAnswers(paths: string[], a: string, b: string) {
  for (const path of paths) {
    const [x, y] = await Promise.all([get(path, a), get(path, b)])
    expect([path, y.status, comparable(y.body)]).toEqual([path, x.status, comparable(x.body)])
  }
}

describe('the first user', () => {
  it('bootstrap made `admin` of the operator tenant, without a password, and a link that signs it in as operator', async () => {
    expect(api.firstSignIn).toMatchObject({ userId: 'admin', token: expect.stringMatching(/^tbl_/) })
    const used = await useLink(api.firstSignIn?.token as string, api.operatorTenantId)
    expect(used.body).toMatchObject({ mustSetPassword: true, user: { id: 'admin', login: 'admin', role: 'admin', hasPassword: false } })
    // An operator admin: may create tenants.
    const tenant = await post('/v1/tenants', used.body.token, { id: 'made-by-first-user', name: 'First' })
    expect(tenant.status).toBe(201)
  })
})

describe('sessions act as keys would', () => {
  it("a member's session reads only its own member and accounts, exactly as its member key", async () => {
    const user = await makeUser({ role: 'member', memberId: ana.id })
    const token = await signIn(user.login)
    const paths = [
      `/v1/accounts/member:${ana.id}:HOUR`,
      `/v1/accounts/member:${ana.id}:POINT/history`,
      `/v1/accounts/member:${bo.id}:HOUR`,
      `/v1/accounts/member:${bo.id}:HOUR/history`,
      `/v1/members/${ana.id}`,
      `/v1/members/${bo.id}`,
      '/v1/members',
      `/v1/accounts?ownerType=member&ownerId=${bo.id}`,
    ]
    await sameAnswers(paths, ana.key, token)
    expect((await get(`/v1/members/${ana.id}`, token)).status).toBe(200)
    expect((await get(`/v1/members/${bo.id}`, token)).status).toBe(404)
    expect((await get('/v1/me', token)).body).toMatchObject({ role: 'member', memberId: ana.id, gridId: null })
  })

  it("a grid leader's session sees only its grid's subtree, exactly as a grid leader's key", async () => {
    const user = await makeUser({ role: 'staff', gridId: 'g1' })
    const token = await signIn(user.login)
    const paths = [`/v1/members/${ana.id}`, `/v1/members/${cy.id}`, '/v1/members?view=full', '/v1/accounts', '/v1/tenant/totals']
    await sameAnswers(paths, fx.g1Staff, token)
    expect((await get(`/v1/members/${cy.id}`, token)).status).toBe(404)
    expect((await get('/v1/accounts', token)).status).toBe(403)
  })

  it('writes name the user as the actor', async () => {
    const user = await makeUser({ role: 'admin' })
    const token = await signIn(user.login)
    const made = await post('/v1/keys', token, { name: 'made by a user', role: 'staff' })
    expect([made.status, made.body.key.createdBy]).toEqual([201, `user:${user.id}`])
  })
})

describe('creating users', () => {
  it('is idempotent by id; the same id with another request is a conflict; logins are unique whatever their case', async () => {
    const body = { id: 'desk-user', login: 'Front.Desk', name: '前台', role: 'staff', password: PASSWORD }
    const first = await post('/v1/users', fx.admin, body)
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ id: 'desk-user', login: 'front.desk', role: 'staff', hasPassword: true, createdBy: fx.keyIds.admin })
    expect(JSON.stringify(first.body)).not.toContain('scrypt')
    const again = await post('/v1/users', fx.admin, body)
    expect([again.status, again.headers.get('idempotency-replayed'), again.body]).toEqual([201, 'true', first.body])
    const other = await post('/v1/users', fx.admin, { ...body, name: 'Someone else' })
    expect([other.status, other.body.error.code]).toEqual([409, 'IDEMPOTENCY_CONFLICT'])
    const taken = await post('/v1/users', fx.admin, { ...body, id: 'desk-user-2', login: 'FRONT.DESK' })
    expect([taken.status, taken.body.error.code]).toEqual([409, 'LOGIN_TAKEN'])
    const byHeader = await post('/v1/users', fx.admin, { login: 'by-header', name: 'x', role: 'admin' }, { 'Idempotency-Key': 'hdr-user' })
    expect([byHeader.status, byHeader.body.id, byHeader.body.hasPassword]).toEqual([201, 'hdr-user', false])
    const noId = await post('/v1/users', fx.admin, { login: 'no-id', name: 'x', role: 'admin' })
    expect([noId.status, noId.body.error.code]).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED'])
  })

  it('checks the fields each role takes', async () => {
    const cases = [
      { role: 'member' },
      { role: 'staff', memberId: ana.id },
      { role: 'admin', gridId: 'g1' },
      { role: 'staff', password: 'short' },
      { role: 'staff', login: 'has space' },
    ]
    for (const over of cases) {
      const res = await post('/v1/users', fx.admin, { id: `bad-${++n}`, login: `bad-${n}`, name: 'x', ...over })
      expect([over, res.status, res.body.error.code]).toEqual([over, 400, 'VALIDATION'])
    }
    const noMember = await post('/v1/users', fx.admin, { id: 'ghost-user', login: 'ghost', name: 'x', role: 'member', memberId: 'ghost' })
    expect([noMember.status, noMember.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
    const noGrid = await post('/v1/users', fx.admin, { id: 'nogrid-user', login: 'nogrid', name: 'x', role: 'staff', gridId: 'g9' })
    expect([noGrid.status, noGrid.body.error.code]).toEqual([404, 'GRID_NOT_FOUND'])
  })

  it('staff make member users only, of members in their scope', async () => {
    for (const role of ['admin', 'staff']) {
      const res = await post('/v1/users', fx.staff, { id: `st-${++n}`, login: `st-${n}`, name: 'x', role })
      expect([role, res.status, res.body.error.code]).toEqual([role, 403, 'FORBIDDEN'])
    }
    const own = await makeUser({ role: 'member', memberId: ana.id }, fx.g1Staff)
    expect(own).toMatchObject({ role: 'member', memberId: ana.id })
    const outside = await post('/v1/users', fx.g1Staff, { id: `st-${++n}`, login: `st-${n}`, name: 'x', role: 'member', memberId: cy.id })
    expect([outside.status, outside.body.error.code]).toEqual([404, 'MEMBER_NOT_FOUND'])
    const byMember = await post('/v1/users', ana.key, { id: `st-${++n}`, login: `st-${n}`, name: 'x', role: 'member', memberId: ana.id })
    expect([byMember.status, byMember.body.error.code]).toEqual([403, 'FORBIDDEN'])
    // A grid leader signed in is held to the same rules.
    const leader = await signIn((await makeUser({ role: 'staff', gridId: 'g1' })).login)
    const fromSession = await post('/v1/users', leader, { id: `st-${++n}`, login: `st-${n}`, name: 'x', role: 'admin' })
    expect([fromSession.status, fromSession.body.error.code]).toEqual([403, 'FORBIDDEN'])
  })
})

describe('reading and disabling users', () => {
  it('admins see every user; staff only member users, a grid leader those of its subtree; members none', async () => {
    const anaUser = await makeUser({ role: 'member', memberId: ana.id })
    const cyUser = await makeUser({ role: 'member', memberId: cy.id })
    const staffUser = await makeUser({ role: 'staff' })
    const ids = async (key: string, query = '') => {
      const ids: string[] = []
      let after: string | null = null
      do {
        const res = await get(`/v1/users?limit=2${query}${after ? `&after=${after}` : ''}`, key)
        expect(res.status).toBe(200)
        ids.push(...res.body.users.map((u: { id: string }) => u.id))
        after = res.body.nextAfter
      } while (after)
      return ids
    }
    const all = await ids(fx.admin)
    expect(all).toEqual(expect.arrayContaining([anaUser.id, cyUser.id, staffUser.id]))
    expect(all).toEqual([...all].sort())
    const unlimited = await ids(fx.staff)
    expect(unlimited).toEqual(expect.arrayContaining([anaUser.id, cyUser.id]))
    expect(unlimited).not.toContain(staffUser.id)
    const leader = await ids(fx.g1Staff)
    expect(leader).toContain(anaUser.id)
    expect(leader).not.toContain(cyUser.id)
    expect(await ids(fx.admin, `&memberId=${cy.id}`)).toEqual([cyUser.id])
    expect(await ids(fx.staff, '&role=admin')).toEqual([])

    expect((await get(`/v1/users/${anaUser.id}`, fx.g1Staff)).body).toMatchObject({ id: anaUser.id, memberId: ana.id })
    for (const id of [cyUser.id, staffUser.id, 'nobody']) {
      const res = await get(`/v1/users/${id}`, fx.g1Staff)
      expect([id, res.status, res.body.error.code]).toEqual([id, 404, 'NOT_FOUND'])
    }
    expect((await get('/v1/users', ana.key)).status).toBe(403)
    expect((await get(`/v1/users/${anaUser.id}`, ana.key)).status).toBe(403)
  })

  it('disabling is idempotent and limited like reading', async () => {
    const cyUser = await makeUser({ role: 'member', memberId: cy.id })
    const outside = await post(`/v1/users/${cyUser.id}/disable`, fx.g1Staff)
    expect([outside.status, outside.body.error.code]).toEqual([404, 'NOT_FOUND'])
    const first = await post(`/v1/users/${cyUser.id}/disable`, fx.g2Staff)
    expect(first.status).toBe(200)
    const again = await post(`/v1/users/${cyUser.id}/disable`, fx.admin)
    expect([again.status, again.body.disabledAt]).toEqual([200, first.body.disabledAt])
  })
})

describe('erasing a member', () => {
  it('disables their users, ends their sessions and removes login, name and password', async () => {
    const dana = await fx.member({ gridId: 'g1' })
    const user = await makeUser({ role: 'member', memberId: dana.id, login: '13912345678', name: '丁娜' })
    const token = await signIn(user.login)
    expect((await post(`/v1/members/${dana.id}/erase`, fx.admin)).status).toBe(200)
    expect((await get('/v1/me', token)).status).toBe(401)
    const after = await get(`/v1/users/${user.id}`, fx.admin)
    expect(after.body).toMatchObject({ login: `erased ${user.id}`, name: 'erased', hasPassword: false, disabledAt: expect.any(String) })
    expect(JSON.stringify(after.body)).not.toMatch(/13912345678|丁娜/)
    const res = await api.request('POST', '/v1/sessions', { json: { tenantId: fx.tenantId, login: '13912345678', password: PASSWORD } })
    expect(res.body.error.code).toBe('INVALID_CREDENTIALS')
    // The login is free again.
    expect(await makeUser({ role: 'staff', login: '13912345678' })).toMatchObject({ login: '13912345678' })
  })
})

describe('sign-in links', () => {
  it('sign in once; the user sets a first password without one, and the link is stored only as a hash', async () => {
    const user = await makeUser({ role: 'member', memberId: bo.id, password: undefined })
    const link = await post(`/v1/users/${user.id}/sign-in-links`, fx.g1Staff)
    expect(link.status).toBe(201)
    expect(link.body).toEqual({ token: expect.stringMatching(/^tbl_/), expiresAt: expect.any(String) })
    const ttl = new Date(link.body.expiresAt).getTime() - Date.now()
    expect(ttl).toBeGreaterThan(71 * HOUR)
    const dump = JSON.stringify(await api.storage.db.execute(sql`select * from tb_api_sign_in_links`))
    expect(dump).not.toContain(link.body.token)
    expect(dump).not.toContain(link.body.token.slice(4))

    const used = await useLink(link.body.token)
    expect(used.status).toBe(201)
    expect(used.body).toMatchObject({ mustSetPassword: true, user: { id: user.id, hasPassword: false, memberId: bo.id } })
    const again = await useLink(link.body.token)
    expect([again.status, again.body.error.code]).toEqual([401, 'SIGN_IN_LINK_INVALID'])
    const set = await post('/v1/users/me/password', used.body.token, { newPassword: 'my first password' })
    expect(set.status).toBe(204)
    expect(await signIn(user.login, 'my first password')).toMatch(/^tbs_/)
    // The link session has now shown the password: a further change needs it.
    const change = await post('/v1/users/me/password', used.body.token, { newPassword: 'another password' })
    expect([change.status, change.body.error.code]).toEqual([400, 'VALIDATION'])
  })

  it('used twice at the same moment: exactly one use signs in', async () => {
    const user = await makeUser({ role: 'staff' })
    const link = await post(`/v1/users/${user.id}/sign-in-links`, fx.admin)
    const answers = await Promise.all([useLink(link.body.token), useLink(link.body.token), useLink(link.body.token)])
    expect(answers.map((a) => a.status).sort()).toEqual([201, 401, 401])
  })

  it('reset a forgotten password: a link keeps the old one, ends a lock, and lets a new one be set without it', async () => {
    const user = await makeUser({ role: 'staff' })
    for (let i = 0; i < 5; i++)
      await api.request('POST', '/v1/sessions', { json: { tenantId: fx.tenantId, login: user.login, password: 'wrong' } })
    const link = await post(`/v1/users/${user.id}/sign-in-links`, fx.admin)
    const locked = await api.request('POST', '/v1/sessions', { json: { tenantId: fx.tenantId, login: user.login, password: PASSWORD } })
    expect(locked.status).toBe(429)
    const used = await useLink(link.body.token)
    expect(used.body).toMatchObject({ mustSetPassword: false, user: { hasPassword: true } })
    expect(await signIn(user.login)).toMatch(/^tbs_/)
    expect((await post('/v1/users/me/password', used.body.token, { newPassword: 'a brand new one' })).status).toBe(204)
    expect(await signIn(user.login, 'a brand new one')).toMatch(/^tbs_/)
  })

  it("refuse an expired link, another tenant's, and a disabled user's", async () => {
    const user = await makeUser({ role: 'staff' })
    const expiring = await post(`/v1/users/${user.id}/sign-in-links`, fx.admin)
    const other = await post(`/v1/users/${user.id}/sign-in-links`, fx.admin)
    const forDisabled = await post(`/v1/users/${user.id}/sign-in-links`, fx.admin)
    expect((await useLink(other.body.token, api.operatorTenantId)).body.error.code).toBe('SIGN_IN_LINK_INVALID')
    await post(`/v1/users/${user.id}/disable`, fx.admin)
    expect((await useLink(forDisabled.body.token)).body.error.code).toBe('SIGN_IN_LINK_INVALID')
    api.advanceClock(72 * HOUR + 1000)
    const expired = await useLink(expiring.body.token)
    expect([expired.status, expired.body.error.code]).toEqual([401, 'SIGN_IN_LINK_INVALID'])
  })

  it('under an Idempotency-Key are made once: a double submit answers the same link, and only one signs in', async () => {
    const user = await makeUser({ role: 'member', memberId: ana.id, password: undefined })
    const key = { 'idempotency-key': `link-form-${user.id}` }
    const [first, second] = await Promise.all([
      post(`/v1/users/${user.id}/sign-in-links`, fx.g1Staff, undefined, key),
      post(`/v1/users/${user.id}/sign-in-links`, fx.g1Staff, undefined, key),
    ])
    expect([first.status, second.status]).toEqual([201, 201])
    expect(first.body.token).toMatch(/^tbl_/)
    expect(second.body).toEqual(first.body)
    expect([first.headers.get('idempotency-replayed'), second.headers.get('idempotency-replayed')].sort()).toEqual([null, 'true'])
    const rows = await api.storage.db.execute(sql`select token_hash from tb_api_sign_in_links where user_id = ${user.id}`)
    expect((rows as unknown as { rows?: unknown[] }).rows ?? rows).toHaveLength(1)
    // Kept sealed, never in clear.
    const dump = JSON.stringify(await api.storage.db.execute(sql`select * from tb_api_sign_in_links`))
    expect(dump).not.toContain(first.body.token.slice(4))
    // Later too, and for another credential: the same link (whose token only its maker's credential unseals).
    const later = await post(`/v1/users/${user.id}/sign-in-links`, fx.g1Staff, undefined, key)
    expect([later.status, later.headers.get('idempotency-replayed'), later.body.token]).toEqual([201, 'true', first.body.token])
    const byAdmin = await post(`/v1/users/${user.id}/sign-in-links`, fx.admin, undefined, key)
    expect([byAdmin.status, byAdmin.body.token, byAdmin.body.expiresAt]).toEqual([201, null, first.body.expiresAt])
    expect((await useLink(first.body.token)).status).toBe(201)
    expect((await useLink(first.body.token)).status).toBe(401)
  })

  it('refuse an Idempotency-Key that made a link for another user', async () => {
    const [a, b] = [await makeUser({ role: 'staff' }), await makeUser({ role: 'staff' })]
    const key = { 'idempotency-key': `link-key-${a.id}` }
    expect((await post(`/v1/users/${a.id}/sign-in-links`, fx.admin, undefined, key)).status).toBe(201)
    const other = await post(`/v1/users/${b.id}/sign-in-links`, fx.admin, undefined, key)
    expect([other.status, other.body.error.code]).toEqual([409, 'IDEMPOTENCY_CONFLICT'])
  })

  it('are made by admins, and by staff only for member users in scope', async () => {
    const cyUser = await makeUser({ role: 'member', memberId: cy.id })
    const staffUser = await makeUser({ role: 'staff' })
    for (const [key, id, status] of [
      [fx.g1Staff, cyUser.id, 404],
      [fx.staff, staffUser.id, 404],
      [ana.key, cyUser.id, 403],
      [fx.g2Staff, cyUser.id, 201],
    ] as const) {
      expect([id, (await post(`/v1/users/${id}/sign-in-links`, key)).status]).toEqual([id, status])
    }
  })
})
