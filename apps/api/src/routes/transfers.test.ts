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

const balance = async (accountId: string) => (await api.request('GET', `/v1/accounts/${accountId}/balance`, { key: t.admin })).body

describe('earning, transferring, redeeming', () => {
  it('credits earned hours with their evidence', async () => {
    const res = await api.request('POST', '/v1/earnings', {
      key: t.staff,
      json: {
        id: 'earn-1',
        to: 'bo:hours',
        amount: '1.25',
        evidence: { activity: 'elder visit', reviewer: 'staff:li', note: 'two hours' },
      },
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('location')).toBe('/v1/transfers/earn-1')
    expect(res.body.replayed).toBe(false)
    expect(res.body.transfer).toMatchObject({
      id: 'earn-1',
      type: 'earn',
      from: 'sys:issuance:HOUR',
      to: 'bo:hours',
      amount: '1.25',
      status: 'posted',
      metadata: { evidence: { activity: 'elder visit', reviewer: 'staff:li', note: 'two hours' } },
    })
  })

  it('moves hours between members, from a member key on its own account', async () => {
    const res = await api.request('POST', '/v1/transfers', {
      key: t.ana,
      json: { from: 'ana:hours', to: 'bo:hours', amount: '0.5', memo: 'thanks for the repair' },
      headers: { 'idempotency-key': 'gift-1' },
    })
    expect(res.status).toBe(201)
    expect(res.body.transfer).toMatchObject({
      id: 'gift-1',
      type: 'transfer',
      from: 'ana:hours',
      to: 'bo:hours',
      amount: '0.50',
      metadata: { memo: 'thanks for the repair' },
    })
  })

  it('redeems points into a redemption account', async () => {
    const res = await api.request('POST', '/v1/redemptions', {
      key: t.ana,
      json: { id: 'redeem-1', from: 'ana:points', to: 'shop:points', amount: '30', item: { ref: 'rice 5kg', quantity: 1 } },
    })
    expect(res.status).toBe(201)
    expect(res.body.transfer).toMatchObject({ type: 'redeem', amount: '30', metadata: { item: { ref: 'rice 5kg', quantity: 1 } } })
    expect((await balance('ana:points')).posted).toBe('70')
  })

  it('replays a retried write with the original response, and refuses the id for another request', async () => {
    const json = { id: 'gift-2', from: 'ana:hours', to: 'bo:hours', amount: '0.25' }
    const first = await api.request('POST', '/v1/transfers', { key: t.ana, json })
    const before = await balance('ana:hours')
    const again = await api.request('POST', '/v1/transfers', { key: t.ana, json, headers: { 'idempotency-key': 'gift-2' } })
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotency-replayed')).toBe('true')
    expect(again.body).toEqual({ ...first.body, replayed: true })
    expect(await balance('ana:hours')).toEqual({ ...before, at: expect.any(String) })
    const conflict = await api.request('POST', '/v1/transfers', { key: t.ana, json: { ...json, amount: '0.3' } })
    expect([conflict.status, conflict.body.error.code]).toEqual([409, 'IDEMPOTENCY_CONFLICT'])
  })

  it('needs an id, and refuses a header that differs from it', async () => {
    const json = { from: 'ana:hours', to: 'bo:hours', amount: '0.1' }
    const none = await api.request('POST', '/v1/transfers', { key: t.ana, json })
    expect([none.status, none.body.error.code]).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED'])
    const both = await api.request('POST', '/v1/transfers', { key: t.ana, json: { ...json, id: 'a' }, headers: { 'idempotency-key': 'b' } })
    expect([both.status, both.body.error.code]).toEqual([400, 'IDEMPOTENCY_KEY_MISMATCH'])
    const bad = await api.request('POST', '/v1/transfers', { key: t.ana, json, headers: { 'idempotency-key': 'has space' } })
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION'])
  })

  it('gets any transfer by id', async () => {
    const res = await api.request('GET', '/v1/transfers/earn-1', { key: t.staff })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ id: 'earn-1', type: 'earn', amount: '1.25' })
  })
})

describe('holds', () => {
  it('holds a redemption, then hands part of it over; the rest is released', async () => {
    const hold = await api.request('POST', '/v1/redemptions', {
      key: t.ana,
      json: {
        id: 'hold-1',
        from: 'ana:points',
        to: 'shop:points',
        amount: '20',
        item: { ref: 'towel' },
        pending: true,
        timeoutSeconds: 3600,
      },
    })
    expect(hold.status).toBe(201)
    expect(hold.body.transfer).toMatchObject({ status: 'pending', expiresAt: expect.any(String) })
    expect(await balance('ana:points')).toMatchObject({ posted: '70', pendingDebits: '20', available: '50' })
    const post = await api.request('POST', '/v1/transfers/hold-1/post', { key: t.staff, json: { id: 'hold-1-post', amount: '15' } })
    expect(post.status).toBe(201)
    expect(post.body.transfer).toMatchObject({ type: 'post', pendingId: 'hold-1', amount: '15', status: 'posted' })
    expect(await balance('ana:points')).toMatchObject({ posted: '55', pendingDebits: '0', available: '55' })
    expect((await api.request('GET', '/v1/transfers/hold-1', { key: t.staff })).body.status).toBe('posted')
  })

  it('voids a hold with the id from the header and no body', async () => {
    await api.request('POST', '/v1/transfers', {
      key: t.ana,
      json: { id: 'hold-2', from: 'ana:hours', to: 'bo:hours', amount: '1', pending: true },
    })
    const res = await api.request('POST', '/v1/transfers/hold-2/void', { key: t.staff, headers: { 'idempotency-key': 'hold-2-void' } })
    expect(res.status).toBe(201)
    expect(res.body.transfer).toMatchObject({ id: 'hold-2-void', type: 'void', status: 'voided', pendingId: 'hold-2' })
  })

  it('treats a hold past its timeout as expired', async () => {
    await api.request('POST', '/v1/transfers', {
      key: t.ana,
      json: { id: 'hold-3', from: 'ana:hours', to: 'bo:hours', amount: '1', pending: true, timeoutSeconds: 60 },
    })
    api.advanceClock(61_000)
    const res = await api.request('POST', '/v1/transfers/hold-3/post', { key: t.staff, json: { id: 'hold-3-post' } })
    expect([res.status, res.body.error.code]).toEqual([422, 'PENDING_EXPIRED'])
    expect((await api.request('GET', '/v1/transfers/hold-3', { key: t.staff })).body.status).toBe('expired')
    expect(await api.ledger.expirePending()).toBe(1)
  })
})

describe('reversals', () => {
  it('reverses part of an earn, then the rest, and no more', async () => {
    await api.request('POST', '/v1/earnings', {
      key: t.staff,
      json: { id: 'earn-r', to: 'bo:hours', amount: '3', evidence: { activity: 'x', reviewer: 'y' } },
    })
    const part = await api.request('POST', '/v1/transfers/earn-r/reverse', {
      key: t.staff,
      json: { id: 'rev-1', amount: '1', reason: 'complaint upheld' },
    })
    expect(part.status).toBe(201)
    expect(part.body.transfer).toMatchObject({
      type: 'reverse',
      reversesId: 'earn-r',
      from: 'bo:hours',
      to: 'sys:issuance:HOUR',
      amount: '1.00',
    })
    const rest = await api.request('POST', '/v1/transfers/earn-r/reverse', { key: t.staff, json: { id: 'rev-2', reason: 'all of it' } })
    expect(rest.body.transfer.amount).toBe('2.00')
    const more = await api.request('POST', '/v1/transfers/earn-r/reverse', { key: t.staff, json: { id: 'rev-3', reason: 'again' } })
    expect([more.status, more.body.error.code]).toEqual([422, 'REVERSAL_EXCEEDS_ORIGINAL'])
  })
})

describe('batches', () => {
  it('applies every operation or none, and replays a retried batch', async () => {
    const operations = [
      { type: 'earn', id: 'b1-earn', to: 'bo:points', amount: '10', evidence: { activity: 'clean-up', reviewer: 'li' } },
      { type: 'redeem', id: 'b1-redeem', from: 'bo:points', to: 'shop:points', amount: '4', item: { ref: 'soap' } },
    ]
    const res = await api.request('POST', '/v1/batches', { key: t.staff, json: { operations } })
    expect(res.status).toBe(201)
    expect(res.body.committed).toBe(true)
    expect(res.body.replayed).toBe(false)
    expect(res.body.results.map((r: { transfer: { id: string } }) => r.transfer.id)).toEqual(['b1-earn', 'b1-redeem'])
    expect((await balance('bo:points')).posted).toBe('6')
    const again = await api.request('POST', '/v1/batches', { key: t.staff, json: { operations } })
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotency-replayed')).toBe('true')
    expect(again.body.replayed).toBe(true)
    expect((await balance('bo:points')).posted).toBe('6')
  })

  it("refuses a batch with 422, the failing item's code and one result per item", async () => {
    const operations = [
      { type: 'transfer', id: 'b2-1', from: 'bo:points', to: 'ana:points', amount: '1' },
      { type: 'transfer', id: 'b2-2', from: 'bo:points', to: 'ana:points', amount: '1000' },
    ]
    const res = await api.request('POST', '/v1/batches', { key: t.staff, json: { operations } })
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('INSUFFICIENT_FUNDS')
    expect(res.body.error.details.failedIndex).toBe(1)
    expect(res.body.error.details.results.map((r: { ok: boolean; error?: { code: string } }) => r.error?.code)).toEqual([
      'LINKED_EVENT_FAILED',
      'INSUFFICIENT_FUNDS',
    ])
    expect((await balance('bo:points')).posted).toBe('6')
  })

  it('names operations without ids after the Idempotency-Key header', async () => {
    const operations = [
      { type: 'transfer', from: 'bo:points', to: 'ana:points', amount: '1' },
      { type: 'transfer', id: 'own-id', from: 'bo:points', to: 'ana:points', amount: '1' },
    ]
    const res = await api.request('POST', '/v1/batches', { key: t.bo, json: { operations }, headers: { 'idempotency-key': 'import-7' } })
    expect(res.status).toBe(201)
    expect(res.body.results.map((r: { transfer: { id: string } }) => r.transfer.id)).toEqual(['import-7:0', 'own-id'])
    const none = await api.request('POST', '/v1/batches', { key: t.bo, json: { operations } })
    expect([none.status, none.body.error.code, none.body.error.details]).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED', { index: 0 }])
  })
})
