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

const open = (json: Record<string, unknown>, headers?: Record<string, string>) =>
  api.request('POST', '/v1/accounts', { key: t.staff, json, ...(headers ? { headers } : {}) })

describe('opening accounts', () => {
  it('opens a wallet with a floor of zero and answers a repeat as a replay', async () => {
    const json = { id: 'cy:hours', asset: 'HOUR', owner: { type: 'member', id: 'cy' }, ceiling: '1500' }
    const res = await open(json)
    expect(res.status).toBe(201)
    expect(res.headers.get('location')).toBe('/v1/accounts/cy%3Ahours')
    expect(res.body).toMatchObject({ id: 'cy:hours', asset: 'HOUR', kind: 'member', floor: '0.00', ceiling: '1500.00', status: 'open' })
    expect(res.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    const again = await open(json)
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotency-replayed')).toBe('true')
    expect(again.body).toEqual(res.body)
  })

  it('takes the account id from the Idempotency-Key header, and refuses a different one in the body', async () => {
    const res = await open({ asset: 'POINT', owner: { type: 'member', id: 'cy' } }, { 'idempotency-key': 'cy:points' })
    expect(res.status).toBe(201)
    expect(res.body.id).toBe('cy:points')
    const mismatch = await open({ id: 'cy:other', asset: 'POINT', owner: { type: 'member', id: 'cy' } }, { 'idempotency-key': 'cy:points' })
    expect(mismatch.status).toBe(400)
    expect(mismatch.body.error.code).toBe('IDEMPOTENCY_KEY_MISMATCH')
  })

  it('refuses the same id with another definition, an unknown asset and reserved ids', async () => {
    expect((await open({ id: 'ana:hours', asset: 'POINT', owner: { type: 'member', id: 'ana' } })).body.error.code).toBe('ACCOUNT_EXISTS')
    const unknown = await open({ id: 'cy:care', asset: 'CARE', owner: { type: 'member', id: 'cy' } })
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'ASSET_NOT_FOUND'])
    const reserved = await open({ id: 'sys:mine', asset: 'HOUR', owner: { type: 'member', id: 'cy' } })
    expect([reserved.status, reserved.body.error.code]).toEqual([400, 'VALIDATION'])
    const upsideDown = await open({ id: 'cy:x', asset: 'HOUR', owner: { type: 'member', id: 'cy' }, floor: '10', ceiling: '5' })
    expect([upsideDown.status, upsideDown.body.error.code]).toEqual([400, 'VALIDATION'])
  })
})

describe('reading accounts', () => {
  it('gets an account and answers 404 for an unknown one', async () => {
    const res = await api.request('GET', '/v1/accounts/ana:hours', { key: t.staff })
    expect(res.status).toBe(200)
    expect(res.body.owner).toEqual({ type: 'member', id: 'ana' })
    const missing = await api.request('GET', '/v1/accounts/nobody', { key: t.staff })
    expect([missing.status, missing.body.error.code]).toEqual([404, 'ACCOUNT_NOT_FOUND'])
  })

  it('lists accounts of one owner, in pages', async () => {
    const first = await api.request('GET', '/v1/accounts?ownerType=member&ownerId=ana&limit=1', { key: t.admin })
    expect(first.status).toBe(200)
    expect(first.body.accounts.map((a: { id: string }) => a.id)).toEqual(['ana:hours'])
    expect(first.body.nextAfter).toBe('ana:hours')
    const second = await api.request('GET', `/v1/accounts?ownerType=member&ownerId=ana&limit=1&after=${first.body.nextAfter}`, {
      key: t.admin,
    })
    expect(second.body.accounts.map((a: { id: string }) => a.id)).toEqual(['ana:points'])
    const all = await api.request('GET', '/v1/accounts', { key: t.admin })
    expect(all.body.accounts.length).toBeGreaterThanOrEqual(5)
    expect(all.body.nextAfter).toBeNull()
  })

  it('refuses half an owner and malformed paging', async () => {
    for (const q of ['ownerType=member', 'ownerId=ana', 'limit=0', 'limit=501', 'limit=1e2', 'ownerType=robot&ownerId=x']) {
      const res = await api.request('GET', `/v1/accounts?${q}`, { key: t.admin })
      expect([q, res.status, res.body.error.code]).toEqual([q, 400, 'VALIDATION'])
    }
  })

  it('shows the balance now and as it stood at a past instant', async () => {
    await open({ id: 'di:hours', asset: 'HOUR', owner: { type: 'member', id: 'di' } })
    // A millisecond back: an earn in the same millisecond would be stamped at `before` and counted as of it.
    const before = new Date(Date.now() - 1).toISOString()
    await api.request('POST', '/v1/earnings', {
      key: t.staff,
      json: { id: 'di-1', to: 'di:hours', amount: '2.5', evidence: { activity: 'clean-up', reviewer: 'li' } },
    })
    const now = await api.request('GET', '/v1/accounts/di:hours/balance', { key: t.staff })
    expect(now.body).toMatchObject({
      accountId: 'di:hours',
      asset: 'HOUR',
      posted: '2.50',
      available: '2.50',
      pendingDebits: '0.00',
      pendingCredits: '0.00',
    })
    const then = await api.request('GET', `/v1/accounts/di:hours/balance?at=${encodeURIComponent(before)}`, { key: t.staff })
    expect(then.status).toBe(200)
    expect(then.body).toMatchObject({ posted: '0.00', at: before })
    for (const at of ['yesterday', '2024-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '10000-01-01T00:00:00Z']) {
      const bad = await api.request('GET', `/v1/accounts/di:hours/balance?at=${encodeURIComponent(at)}`, { key: t.staff })
      expect([at, bad.status, bad.body.error.code]).toEqual([at, 400, 'VALIDATION'])
    }
  })

  it('pages history newest first, and its entries add up to the balance', async () => {
    await open({ id: 'ed:hours', asset: 'HOUR', owner: { type: 'member', id: 'ed' } })
    for (let i = 1; i <= 5; i++) {
      await api.request('POST', '/v1/earnings', {
        key: t.staff,
        json: { id: `ed-${i}`, to: 'ed:hours', amount: `${i}`, evidence: { activity: 'visit', reviewer: 'li' } },
      })
    }
    const seen: { transferId: string; amount: string; balanceAfter: string }[] = []
    let cursor: string | null = null
    do {
      const res: { status: number; body: { entries: typeof seen; nextCursor: string | null } } = await api.request(
        'GET',
        `/v1/accounts/ed:hours/history?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { key: t.staff },
      )
      expect(res.status).toBe(200)
      seen.push(...res.body.entries)
      cursor = res.body.nextCursor
    } while (cursor)
    expect(seen.map((e) => e.transferId)).toEqual(['ed-5', 'ed-4', 'ed-3', 'ed-2', 'ed-1'])
    expect(seen[0]?.balanceAfter).toBe('15.00')
    const sum = seen.reduce((s, e) => s + Number(e.amount), 0)
    const balance = await api.request('GET', '/v1/accounts/ed:hours/balance', { key: t.staff })
    expect(sum.toFixed(2)).toBe(balance.body.posted)
    const future = await api.request('GET', `/v1/accounts/ed:hours/history?from=${encodeURIComponent('2999-01-01T00:00:00Z')}`, {
      key: t.staff,
    })
    expect(future.body).toEqual({ entries: [], nextCursor: null })
    for (const q of ['cursor=abc', 'cursor=99999999999999999999', 'cursor=9999999999999999999', 'limit=1001', 'to=soon']) {
      const bad = await api.request('GET', `/v1/accounts/ed:hours/history?${q}`, { key: t.staff })
      expect([q, bad.status, bad.body.error.code]).toEqual([q, 400, 'VALIDATION'])
    }
  })
})

describe('account status', () => {
  it("freezes, unfreezes and closes, with the ledger's refusals", async () => {
    await open({ id: 'fi:hours', asset: 'HOUR', owner: { type: 'member', id: 'fi' } })
    await api.request('POST', '/v1/earnings', {
      key: t.staff,
      json: { id: 'fi-1', to: 'fi:hours', amount: '1', evidence: { activity: 'visit', reviewer: 'li' } },
    })
    const frozen = await api.request('POST', '/v1/accounts/fi:hours/freeze', { key: t.admin })
    expect([frozen.status, frozen.body.status]).toEqual([200, 'frozen'])
    const refused = await api.request('POST', '/v1/transfers', {
      key: t.admin,
      json: { id: 'fi-out', from: 'fi:hours', to: 'ana:hours', amount: '1' },
    })
    expect([refused.status, refused.body.error.code]).toEqual([422, 'ACCOUNT_FROZEN'])
    const notEmpty = await api.request('POST', '/v1/accounts/fi:hours/close', { key: t.admin })
    expect([notEmpty.status, notEmpty.body.error.code]).toEqual([422, 'ACCOUNT_NOT_EMPTY'])
    const open_ = await api.request('POST', '/v1/accounts/fi:hours/unfreeze', { key: t.admin })
    expect([open_.status, open_.body.status]).toEqual([200, 'open'])
    await api.request('POST', '/v1/transfers', { key: t.admin, json: { id: 'fi-out', from: 'fi:hours', to: 'ana:hours', amount: '1' } })
    const closed = await api.request('POST', '/v1/accounts/fi:hours/close', { key: t.admin })
    expect([closed.status, closed.body.status]).toEqual([200, 'closed'])
    const reopen = await api.request('POST', '/v1/accounts/fi:hours/unfreeze', { key: t.admin })
    expect([reopen.status, reopen.body.error.code]).toEqual([422, 'ACCOUNT_CLOSED'])
    const missing = await api.request('POST', '/v1/accounts/nobody/freeze', { key: t.admin })
    expect([missing.status, missing.body.error.code]).toEqual([404, 'ACCOUNT_NOT_FOUND'])
  })
})
