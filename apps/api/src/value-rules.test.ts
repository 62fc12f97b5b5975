/**
 * The holes found from outside (issue 11): a key minting value through an unbounded account, value
 * destroyed into or created from issuance, credit lines and system accounts opened by staff, and
 * refusals telling a member another member's figures. Each refusal changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import './testing/no-console.js'
import { type Community, type TestApi, seedCommunity, snapshot, startTestApi } from './testing/harness.js'

let api: TestApi
let t: Community
let shopKey: string

beforeAll(async () => {
  api = await startTestApi()
  t = await seedCommunity(api)
  const shop = await api.request('POST', '/v1/keys', {
    key: t.admin,
    json: { name: 'shop till', role: 'member', owner: { type: 'organisation', id: 'shop' } },
  })
  shopKey = shop.body.secret
  // The shop's sink holds 5 points, redeemed by Ana.
  const r = await api.request('POST', '/v1/redemptions', {
    key: t.ana,
    json: { id: 'soap', from: 'ana:points', to: 'shop:points', amount: '5', item: { ref: 'soap' } },
  })
  expect(r.status).toBe(201)
})
afterAll(() => api.close())

/** Send the request and expect it refused with `status` and `code`, the tenant's balances and totals untouched. */
async function refused(key: string, method: string, path: string, json: unknown, status: number, code: string) {
  const before = await snapshot(api.ledger, t.tenantId)
  const res = await api.request(method, path, { key, json })
  expect([res.status, res.body.error?.code]).toEqual([status, code])
  expect(await snapshot(api.ledger, t.tenantId)).toEqual(before)
  return res
}

describe('value is created only by earn', () => {
  it('refuses a key of the shop transferring out of its sink (it minted 1,000 points)', async () => {
    const transfer = { id: 'mint', from: 'shop:points', to: 'ana:points', amount: '1005' }
    await refused(shopKey, 'POST', '/v1/transfers', transfer, 422, 'ACCOUNT_KIND_NOT_ALLOWED')
    await refused(shopKey, 'POST', '/v1/batches', { operations: [{ type: 'transfer', ...transfer }] }, 422, 'ACCOUNT_KIND_NOT_ALLOWED')
    await refused(t.staff, 'POST', '/v1/transfers', { ...transfer, amount: '1' }, 422, 'ACCOUNT_KIND_NOT_ALLOWED')
  })

  it('refuses moving hours into the issuance account (destroying them) and out of it (creating them without evidence)', async () => {
    const issuance = 'sys:issuance:HOUR'
    await refused(
      t.ana,
      'POST',
      '/v1/transfers',
      { id: 'burn', from: 'ana:hours', to: issuance, amount: '1' },
      422,
      'ACCOUNT_KIND_NOT_ALLOWED',
    )
    await refused(
      t.staff,
      'POST',
      '/v1/transfers',
      { id: 'print', from: issuance, to: 'bo:hours', amount: '1' },
      422,
      'ACCOUNT_KIND_NOT_ALLOWED',
    )
    await refused(
      t.admin,
      'POST',
      '/v1/transfers',
      { id: 'print', from: issuance, to: 'bo:hours', amount: '1' },
      422,
      'ACCOUNT_KIND_NOT_ALLOWED',
    )
  })

  it('lets staff give a redemption back by reversing it, bounded by what was redeemed', async () => {
    const res = await api.request('POST', '/v1/transfers/soap/reverse', {
      key: t.staff,
      json: { id: 'soap-refund', reason: 'out of stock' },
    })
    expect(res.status).toBe(201)
    expect(res.body.transfer).toMatchObject({ from: 'shop:points', to: 'ana:points', amount: '5' })
    await refused(t.staff, 'POST', '/v1/transfers/soap/reverse', { id: 'soap-refund-2', reason: 'again' }, 422, 'REVERSAL_EXCEEDS_ORIGINAL')
  })
})

describe('opening accounts', () => {
  const account = (id: string, extra: Record<string, unknown>) => ({ id, asset: 'HOUR', owner: { type: 'member', id: 'carl' }, ...extra })

  it('refuses staff a credit line (no floor, or one below zero) and a system-owned account', async () => {
    await refused(t.staff, 'POST', '/v1/accounts', account('carl:credit', { floor: null }), 403, 'FORBIDDEN')
    await refused(t.staff, 'POST', '/v1/accounts', account('carl:credit', { floor: '-10' }), 403, 'FORBIDDEN')
    await refused(t.staff, 'POST', '/v1/accounts', account('carl:escrow', { kind: 'escrow', floor: null }), 403, 'FORBIDDEN')
    const system = { id: 'pool:hours', asset: 'HOUR', owner: { type: 'system', id: 'pool' } }
    await refused(t.staff, 'POST', '/v1/accounts', system, 403, 'FORBIDDEN')
  })

  it('lets staff open wallets with a floor of zero or above and sinks, and an admin a credit line', async () => {
    for (const [key, json] of [
      [t.staff, account('carl:hours', {})],
      [t.staff, account('carl:saved', { floor: '2' })],
      [t.staff, { id: 'cafe:hours', asset: 'HOUR', owner: { type: 'organisation', id: 'cafe' }, kind: 'redemption' }],
      [t.admin, account('carl:credit', { floor: '-10' })],
      [t.admin, { id: 'pool:hours', asset: 'HOUR', owner: { type: 'system', id: 'pool' } }],
    ] as const) {
      const res = await api.request('POST', '/v1/accounts', { key, json })
      expect([json.id, res.status]).toEqual([json.id, 201])
    }
  })
})

describe('refusals tell a member only what it may read', () => {
  beforeAll(async () => {
    const open = await api.request('POST', '/v1/accounts', {
      key: t.admin,
      json: { id: 'dora:hours', asset: 'HOUR', owner: { type: 'member', id: 'dora' }, ceiling: '5' },
    })
    expect(open.status).toBe(201)
    const earn = await api.request('POST', '/v1/earnings', {
      key: t.admin,
      json: { id: 'dora-seed', to: 'dora:hours', amount: '4.37', evidence: { activity: 'seed', reviewer: 'test' } },
    })
    expect(earn.status).toBe(201)
  })

  const gift = { id: 'too-much', from: 'ana:hours', to: 'dora:hours', amount: '1' }

  it("answers Ana's gift over Dora's ceiling without Dora's ceiling or balance", async () => {
    const res = await refused(t.ana, 'POST', '/v1/transfers', gift, 422, 'CEILING_EXCEEDED')
    expect(res.body.error.details).toEqual({ accountId: 'dora:hours' })
    expect(res.text).not.toMatch(/4\.37|5\.00/)
    // Reading the account answers 404, as before.
    expect((await api.request('GET', '/v1/accounts/dora:hours/balance', { key: t.ana })).status).toBe(404)
  })

  it('keeps the figures out of every result of a refused batch', async () => {
    const res = await refused(t.ana, 'POST', '/v1/batches', { operations: [{ type: 'transfer', ...gift }] }, 422, 'CEILING_EXCEEDED')
    expect(res.body.error.details.results[0].error).toEqual({
      code: 'CEILING_EXCEEDED',
      message: expect.any(String),
      details: { accountId: 'dora:hours' },
    })
    expect(res.text).not.toMatch(/4\.37|5\.00/)
  })

  it("shows a member its own account's figures, and staff everyone's", async () => {
    const own = await refused(
      t.ana,
      'POST',
      '/v1/transfers',
      { id: 'overdraft', from: 'ana:hours', to: 'bo:hours', amount: '999' },
      422,
      'INSUFFICIENT_FUNDS',
    )
    expect(own.body.error.details).toMatchObject({ accountId: 'ana:hours', available: expect.any(String) })
    const staff = await refused(t.staff, 'POST', '/v1/transfers', gift, 422, 'CEILING_EXCEEDED')
    expect(staff.body.error.details).toEqual({ accountId: 'dora:hours', ceiling: '5.00', reserved: '4.37' })
  })
})
