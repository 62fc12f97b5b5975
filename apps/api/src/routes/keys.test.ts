import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type Community, type TestApi, seedCommunity, startTestApi } from '../testing/harness.js'

let api: TestApi
let t: Community

beforeAll(async () => {
  api = await startTestApi()
  t = await seedCommunity(api)
})
afterAll(() => api.close())

describe('API keys', () => {
  it('creates a member key bound to its owner; the secret is shown once and stored only as a hash', async () => {
    const res = await api.request('POST', '/v1/keys', {
      key: t.admin,
      json: { name: 'cy phone', role: 'member', owner: { type: 'member', id: 'cy' } },
    })
    expect(res.status).toBe(201)
    expect(res.body.key).toMatchObject({
      tenantId: t.tenantId,
      name: 'cy phone',
      role: 'member',
      owner: { type: 'member', id: 'cy' },
      revokedAt: null,
      createdBy: t.keyIds.admin,
    })
    const secret = res.body.secret as string
    expect(res.body.key.start).toBe(secret.slice(0, res.body.key.start.length))
    const list = await api.request('GET', '/v1/keys', { key: t.admin })
    expect(list.text).not.toContain(secret)
    expect(list.body.keys.find((k: { id: string }) => k.id === res.body.key.id)).toEqual(res.body.key)
    const dump = await api.storage.db.execute(sql`select * from tb_api_keys`)
    expect(JSON.stringify(dump)).not.toContain(secret)
    expect(JSON.stringify(dump)).toContain(res.body.key.id)
    const tenant = await api.request('GET', '/v1/tenant', { key: secret })
    expect(tenant.status).toBe(200)
  })

  it('checks that member keys have an owner and other roles do not', async () => {
    const noOwner = await api.request('POST', '/v1/keys', { key: t.admin, json: { name: 'x', role: 'member' } })
    expect([noOwner.status, noOwner.body.error.code]).toEqual([400, 'VALIDATION'])
    const staffOwner = await api.request('POST', '/v1/keys', {
      key: t.admin,
      json: { name: 'x', role: 'staff', owner: { type: 'member', id: 'a' } },
    })
    expect([staffOwner.status, staffOwner.body.error.code]).toEqual([400, 'VALIDATION'])
    const systemOwner = await api.request('POST', '/v1/keys', {
      key: t.admin,
      json: { name: 'x', role: 'member', owner: { type: 'system', id: 'a' } },
    })
    expect([systemOwner.status, systemOwner.body.error.code]).toEqual([400, 'VALIDATION'])
  })

  it('replays a creation retried with the same Idempotency-Key, without the secret', async () => {
    const json = { name: 'desk', role: 'staff' }
    const headers = { 'idempotency-key': 'desk-key-1' }
    const first = await api.request('POST', '/v1/keys', { key: t.admin, json, headers })
    const again = await api.request('POST', '/v1/keys', { key: t.admin, json, headers })
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotency-replayed')).toBe('true')
    expect(again.body).toEqual({ key: first.body.key, secret: null })
    const other = await api.request('POST', '/v1/keys', { key: t.admin, json: { name: 'other', role: 'staff' }, headers })
    expect([other.status, other.body.error.code]).toEqual([409, 'IDEMPOTENCY_CONFLICT'])
  })

  it('revokes a key at once; revoking again returns it as it is', async () => {
    const made = await api.request('POST', '/v1/keys', { key: t.admin, json: { name: 'temp', role: 'staff' } })
    expect((await api.request('GET', '/v1/tenant', { key: made.body.secret })).status).toBe(200)
    const revoked = await api.request('DELETE', `/v1/keys/${made.body.key.id}`, { key: t.admin })
    expect(revoked.status).toBe(200)
    expect(revoked.body.revokedAt).toEqual(expect.any(String))
    const refused = await api.request('GET', '/v1/tenant', { key: made.body.secret })
    expect([refused.status, refused.body.error.code]).toEqual([401, 'UNAUTHORIZED'])
    const again = await api.request('DELETE', `/v1/keys/${made.body.key.id}`, { key: t.admin })
    expect(again.body).toEqual(revoked.body)
    const missing = await api.request('DELETE', '/v1/keys/key_nope', { key: t.admin })
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NOT_FOUND'])
  })

  it('keeps the last active admin key', async () => {
    const res = await api.request('DELETE', `/v1/keys/${t.keyIds.admin}`, { key: t.admin })
    expect([res.status, res.body.error.code]).toEqual([409, 'LAST_ADMIN_KEY'])
    const second = await api.request('POST', '/v1/keys', { key: t.admin, json: { name: 'second admin', role: 'admin' } })
    const ok = await api.request('DELETE', `/v1/keys/${t.keyIds.admin}`, { key: second.body.secret })
    expect(ok.status).toBe(200)
    expect((await api.request('GET', '/v1/keys', { key: t.admin })).status).toBe(401)
  })
})
