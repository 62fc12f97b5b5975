/**
 * Who may do what: every role × every operation, on its own and on others'
 * accounts, in its own tenant and from another tenant. Another tenant's data
 * always answers 404 (never 403), so ids do not leak; so do other members'
 * accounts and transfers when a member key reads them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import './testing/no-console.js'
import { type Community, type TestApi, type TestResponse, seedCommunity, startTestApi } from './testing/harness.js'

let api: TestApi
let t: Community
/** Admin key of a tenant with none of the home tenant's accounts. */
let otherAdmin: string

beforeAll(async () => {
  api = await startTestApi()
  t = await seedCommunity(api, 'home')
  const away = await api.request('POST', '/v1/tenants', { key: api.operatorKey, json: { id: 'away', name: 'Away' } })
  otherAdmin = away.body.adminKey.secret
})
afterAll(() => api.close())

type Who = 'admin' | 'staff' | 'member' | 'otherTenantAdmin' | 'operator'
const WHO: Who[] = ['admin', 'staff', 'member', 'otherTenantAdmin', 'operator']
const keyOf = (who: Who) =>
  ({ admin: t.admin, staff: t.staff, member: t.ana, otherTenantAdmin: otherAdmin, operator: api.operatorKey })[who]

let n = 0
const uid = (p: string) => `${p}${++n}`
const evidence = { activity: 'visit', reviewer: 'li' }

type Run = (key: string) => Promise<TestResponse>
const get =
  (path: string): Run =>
  (key) =>
    api.request('GET', path, { key })
const post =
  (path: string, json?: () => unknown): Run =>
  (key) =>
    api.request('POST', path, { key, ...(json ? { json: json() } : {}) })
/** Set up with the home tenant's admin key, then run as the caller. */
const after =
  (setup: () => Promise<string>, run: (id: string, key: string) => Promise<TestResponse>): Run =>
  async (key) =>
    run(await setup(), key)

const freshAccount = async () => {
  const id = uid('acct-')
  await api.request('POST', '/v1/accounts', { key: t.admin, json: { id, asset: 'HOUR', owner: { type: 'member', id: 'ana' } } })
  return id
}
const freshHold = async () => {
  const id = uid('hold-')
  await api.request('POST', '/v1/transfers', {
    key: t.admin,
    json: { id, from: 'ana:hours', to: 'bo:hours', amount: '0.01', pending: true },
  })
  return id
}
const freshEarn = async () => {
  const id = uid('earn-')
  await api.request('POST', '/v1/earnings', { key: t.admin, json: { id, to: 'ana:hours', amount: '0.01', evidence } })
  return id
}
const boPoints = async () => {
  await api.request('POST', '/v1/earnings', { key: t.admin, json: { id: uid('bo-pts-'), to: 'bo:points', amount: '1', evidence } })
  return 'bo:points'
}
const transfer = (from: string, to: string) => () => ({ id: uid('tr-'), from, to, amount: '0.01' })

// Expected status per caller: [admin, staff, member (ana), admin of another tenant, operator admin].
const cases: [string, [number, number, number, number, number], Run][] = [
  ['create a tenant', [403, 403, 403, 403, 201], post('/v1/tenants', () => ({ id: uid('tenant-'), name: 'New' }))],
  ['read its tenant', [200, 200, 200, 200, 200], get('/v1/tenant')],
  ['list assets', [200, 200, 200, 200, 200], get('/v1/tenant/assets')],
  ['define an asset', [201, 403, 403, 201, 201], post('/v1/tenant/assets', () => ({ code: uid('X'), scale: 0 }))],
  ['read totals', [200, 200, 403, 200, 200], get('/v1/tenant/totals')],
  ['create a key', [201, 403, 403, 201, 201], post('/v1/keys', () => ({ name: 'k', role: 'staff' }))],
  ['list keys', [200, 403, 403, 200, 200], get('/v1/keys')],
  [
    'revoke a key of the home tenant',
    [200, 403, 403, 404, 404],
    after(
      async () => (await api.request('POST', '/v1/keys', { key: t.admin, json: { name: 'victim', role: 'staff' } })).body.key.id,
      (id, key) => api.request('DELETE', `/v1/keys/${id}`, { key }),
    ),
  ],
  [
    'open an account',
    [201, 201, 403, 201, 201],
    post('/v1/accounts', () => ({ id: uid('new-'), asset: 'HOUR', owner: { type: 'member', id: 'x' } })),
  ],
  ['list accounts', [200, 200, 200, 200, 200], get('/v1/accounts')],
  ["list another owner's accounts", [200, 200, 403, 200, 200], get('/v1/accounts?ownerType=member&ownerId=bo')],
  ['get its own account', [200, 200, 200, 404, 404], get('/v1/accounts/ana:hours')],
  ["get another member's account", [200, 200, 404, 404, 404], get('/v1/accounts/bo:hours')],
  ['read its own balance', [200, 200, 200, 404, 404], get('/v1/accounts/ana:hours/balance')],
  ["read another member's balance", [200, 200, 404, 404, 404], get('/v1/accounts/bo:hours/balance')],
  ['read its own history', [200, 200, 200, 404, 404], get('/v1/accounts/ana:hours/history')],
  ["read another member's history", [200, 200, 404, 404, 404], get('/v1/accounts/bo:hours/history')],
  [
    'freeze its own account',
    [200, 403, 403, 404, 404],
    after(freshAccount, (id, key) => api.request('POST', `/v1/accounts/${id}/freeze`, { key })),
  ],
  [
    'unfreeze its own account',
    [200, 403, 403, 404, 404],
    after(freshAccount, (id, key) => api.request('POST', `/v1/accounts/${id}/unfreeze`, { key })),
  ],
  [
    'close its own account',
    [200, 403, 403, 404, 404],
    after(freshAccount, (id, key) => api.request('POST', `/v1/accounts/${id}/close`, { key })),
  ],
  [
    'earn into its own account',
    [201, 201, 403, 404, 404],
    post('/v1/earnings', () => ({ id: uid('e-'), to: 'ana:hours', amount: '1', evidence })),
  ],
  ['transfer from its own account', [201, 201, 201, 404, 404], post('/v1/transfers', transfer('ana:hours', 'bo:hours'))],
  ["transfer from another member's account", [201, 201, 403, 404, 404], post('/v1/transfers', transfer('bo:hours', 'ana:hours'))],
  ['transfer from a missing account', [404, 404, 403, 404, 404], post('/v1/transfers', transfer('ghost:hours', 'ana:hours'))],
  [
    'redeem from its own account',
    [201, 201, 201, 404, 404],
    post('/v1/redemptions', () => ({ id: uid('r-'), from: 'ana:points', to: 'shop:points', amount: '1', item: { ref: 'soap' } })),
  ],
  [
    "redeem from another member's account",
    [201, 201, 403, 404, 404],
    after(boPoints, (from, key) =>
      api.request('POST', '/v1/redemptions', { key, json: { id: uid('r-'), from, to: 'shop:points', amount: '1', item: { ref: 'soap' } } }),
    ),
  ],
  [
    'batch transfers from its own account',
    [201, 201, 201, 422, 422],
    post('/v1/batches', () => ({ operations: [{ type: 'transfer', ...transfer('ana:hours', 'bo:hours')() }] })),
  ],
  [
    "batch transfers from another member's account",
    [201, 201, 403, 422, 422],
    post('/v1/batches', () => ({ operations: [{ type: 'transfer', ...transfer('bo:hours', 'ana:hours')() }] })),
  ],
  [
    'batch an earn',
    [201, 201, 403, 422, 422],
    post('/v1/batches', () => ({ operations: [{ type: 'earn', id: uid('be-'), to: 'ana:hours', amount: '1', evidence }] })),
  ],
  ['get a transfer into its own account', [200, 200, 200, 404, 404], get('/v1/transfers/seed-ana-hours')],
  ["get another member's transfer", [200, 200, 404, 404, 404], get('/v1/transfers/seed-bo-hours')],
  [
    'post a hold',
    [201, 201, 403, 404, 404],
    after(freshHold, (id, key) => api.request('POST', `/v1/transfers/${id}/post`, { key, json: { id: `${id}-post` } })),
  ],
  [
    'void a hold',
    [201, 201, 403, 404, 404],
    after(freshHold, (id, key) => api.request('POST', `/v1/transfers/${id}/void`, { key, json: { id: `${id}-void` } })),
  ],
  [
    'reverse a transfer',
    [201, 201, 403, 404, 404],
    after(freshEarn, (id, key) =>
      api.request('POST', `/v1/transfers/${id}/reverse`, { key, json: { id: `${id}-rev`, reason: 'complaint' } }),
    ),
  ],
  ['call without a key', [401, 401, 401, 401, 401], () => api.request('GET', '/v1/tenant')],
]

describe.each(cases)('%s', (_name, expected, run) => {
  it.each(WHO.map((who, i) => [who, expected[i] as number] as const))('as %s: %i', async (who, status) => {
    const res = await run(who === 'admin' && _name === 'call without a key' ? '' : keyOf(who))
    expect(res.status, res.text).toBe(status)
    expect(Object.keys(res.body?.error ?? {}).length === 0 || typeof res.body.error.code === 'string').toBe(true)
    if (status === 404) expect(res.body.error.code).toMatch(/NOT_FOUND$/)
    if (status === 422) expect(res.body.error.code).toBe('ACCOUNT_NOT_FOUND')
    if (status === 403) expect(res.body.error.code).toBe('FORBIDDEN')
  })
})

describe("a staff key limited to a grid (a grid leader's)", () => {
  let leader: string
  beforeAll(async () => {
    await api.request('PUT', '/v1/community', { key: t.admin, json: { name: 'Home', settings: { timeZone: 'Asia/Shanghai' } } })
    await api.request('POST', '/v1/grids', { key: t.admin, json: { id: 'g1', name: 'Grid 1', level: 'grid' } })
    const made = await api.request('POST', '/v1/keys', { key: t.admin, json: { name: 'leader', role: 'staff', gridId: 'g1' } })
    expect(made.status, made.text).toBe(201)
    leader = made.body.secret
  })
  // The ledger knows no grids: such a key may read the tenant and its assets, and nothing else of the ledger's.
  const READABLE = new Set(['read its tenant', 'list assets', 'call without a key'])
  it.each(
    cases.map(([name, expected, run]) => [name, READABLE.has(name) ? (expected[1] as number) : 403, run] as const),
  )('%s: %i', async (name, status, run) => {
    const res = await run(name === 'call without a key' ? '' : leader)
    expect(res.status, res.text).toBe(status)
    if (status === 403) expect(res.body.error.code).toBe('FORBIDDEN')
  })
})

it('keeps tenants apart even when they use the same ids', async () => {
  const twin = await seedCommunity(api, 'twin')
  const res = await api.request('GET', '/v1/accounts/ana:hours', { key: twin.admin })
  expect(res.body.tenantId).toBe('twin')
  const moved = await api.request('POST', '/v1/transfers', {
    key: twin.ana,
    json: { id: 'twin-1', from: 'ana:hours', to: 'bo:hours', amount: '1' },
  })
  expect(moved.body.transfer.tenantId).toBe('twin')
  const home = await api.request('GET', '/v1/transfers/twin-1', { key: t.admin })
  expect(home.status).toBe(404)
})

it("lists only a member's own accounts", async () => {
  const res = await api.request('GET', '/v1/accounts', { key: t.ana })
  expect(res.body.accounts.map((a: { id: string }) => a.id).every((id: string) => id.startsWith('ana:') || id.startsWith('acct-'))).toBe(
    true,
  )
  expect(res.body.accounts.map((a: { owner: { id: string } }) => a.owner.id)).not.toContain('bo')
})
