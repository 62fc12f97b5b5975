import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type Community, type TestApi, seedCommunity, startTestApi } from '../testing/harness.js'

let api: TestApi
let maple: Community

beforeAll(async () => {
  api = await startTestApi()
  maple = await seedCommunity(api, 'maple')
})
afterAll(() => api.close())

describe('POST /v1/tenants', () => {
  it('creates a tenant with default assets and a first admin key that works for it', async () => {
    const res = await api.request('POST', '/v1/tenants', { key: api.operatorKey, json: { id: 'oak', name: 'Oak Court' } })
    expect(res.status).toBe(201)
    expect(res.headers.get('location')).toBe('/v1/tenant')
    expect(res.headers.get('idempotency-replayed')).toBeNull()
    expect(res.body.tenant).toMatchObject({ id: 'oak', name: 'Oak Court' })
    expect(res.body.tenant.assets.map((a: { code: string; scale: number }) => [a.code, a.scale])).toEqual([
      ['HOUR', 2],
      ['POINT', 0],
    ])
    expect(res.body.adminKey.key).toMatchObject({ tenantId: 'oak', role: 'admin', owner: null, revokedAt: null })
    expect(res.body.adminKey.secret).toMatch(/^tbk_[A-Za-z0-9_-]{43}$/)
    const own = await api.request('GET', '/v1/tenant', { key: res.body.adminKey.secret })
    expect(own.status).toBe(200)
    expect(own.body.id).toBe('oak')
  })

  it('answers a retried creation with the original tenant and key, marked replayed and without the secret', async () => {
    const json = { id: 'elm', name: 'Elm Row', assets: [{ code: 'HOUR', scale: 2 }] }
    const first = await api.request('POST', '/v1/tenants', { key: api.operatorKey, json })
    const again = await api.request('POST', '/v1/tenants', { key: api.operatorKey, json })
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotency-replayed')).toBe('true')
    expect(again.body.tenant).toEqual(first.body.tenant)
    expect(again.body.adminKey.key.id).toBe(first.body.adminKey.key.id)
    expect(again.body.adminKey.secret).toBeNull()
  })

  it('takes the tenant id from the Idempotency-Key header', async () => {
    const res = await api.request('POST', '/v1/tenants', {
      key: api.operatorKey,
      json: { name: 'Birch Lane' },
      headers: { 'idempotency-key': 'birch' },
    })
    expect(res.status).toBe(201)
    expect(res.body.tenant.id).toBe('birch')
  })

  it('refuses an existing id with another definition', async () => {
    const res = await api.request('POST', '/v1/tenants', { key: api.operatorKey, json: { id: 'maple', name: 'Another Maple' } })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('TENANT_EXISTS')
  })

  it('lets only admin keys of the operator tenant create tenants', async () => {
    for (const key of [maple.admin, maple.staff, maple.ana]) {
      const res = await api.request('POST', '/v1/tenants', { key, json: { id: 'nope', name: 'Nope' } })
      expect(res.status).toBe(403)
      expect(res.body.error.code).toBe('FORBIDDEN')
    }
  })
})

describe('/v1/tenant', () => {
  it("shows the key's own tenant to every role", async () => {
    for (const key of [maple.admin, maple.staff, maple.ana]) {
      const res = await api.request('GET', '/v1/tenant', { key })
      expect(res.status).toBe(200)
      expect(res.body.id).toBe('maple')
    }
  })

  it('defines an asset, answers a repeat as a replay and lists it', async () => {
    const json = { code: 'CARE', scale: 1, name: 'Care credits' }
    const first = await api.request('POST', '/v1/tenant/assets', { key: maple.admin, json })
    expect(first.status).toBe(201)
    expect(first.body).toEqual({ tenantId: 'maple', code: 'CARE', scale: 1, name: 'Care credits', issuanceAccountId: 'sys:issuance:CARE' })
    const again = await api.request('POST', '/v1/tenant/assets', { key: maple.admin, json })
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotency-replayed')).toBe('true')
    const other = await api.request('POST', '/v1/tenant/assets', { key: maple.admin, json: { ...json, scale: 2 } })
    expect(other.status).toBe(409)
    expect(other.body.error.code).toBe('ASSET_EXISTS')
    const list = await api.request('GET', '/v1/tenant/assets', { key: maple.ana })
    expect(list.body.assets.map((a: { code: string }) => a.code)).toEqual(['CARE', 'HOUR', 'POINT'])
  })

  it('reports totals that sum to zero per asset', async () => {
    const res = await api.request('GET', '/v1/tenant/totals', { key: maple.staff })
    expect(res.status).toBe(200)
    const hour = res.body.totals.find((t: { asset: string }) => t.asset === 'HOUR')
    expect(hour).toMatchObject({ asset: 'HOUR', scale: 2, total: '0.00', pending: '0.00' })
    expect(hour.byKind).toMatchObject({ member: '15.00', issuance: '-15.00' })
  })
})
