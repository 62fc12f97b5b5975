/**
 * POST /v1/accounts/{accountId}/limits: a policy change reaching an existing account. Admin keys
 * always, staff keys where they could open an account with those limits, member keys never; the
 * same id again is a replay; the ledger's refusals answer with their codes. GET …/limits lists the
 * changes, GET /v1/accounts/{accountId}?at= reads the limits in force then.
 */
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

let n = 0
const uid = (p: string) => `${p}-${++n}`
const evidence = { activity: 'elder visit', reviewer: 'staff:li' }

/** A fresh member HOUR wallet, capped at 1500 h, holding `hours`. */
async function wallet(hours: string, extra: Record<string, unknown> = {}) {
  const id = uid('w')
  const opened = await api.request('POST', '/v1/accounts', {
    key: t.admin,
    json: { id, asset: 'HOUR', owner: { type: 'member', id }, ceiling: '1500', ...extra },
  })
  expect(opened.status).toBe(201)
  if (hours !== '0') {
    const earned = await api.request('POST', '/v1/earnings', { key: t.admin, json: { id: uid('e'), to: id, amount: hours, evidence } })
    expect(earned.status).toBe(201)
  }
  return id
}

const limits = (accountId: string, json: Record<string, unknown>, key = t.admin, headers?: Record<string, string>) =>
  api.request('POST', `/v1/accounts/${accountId}/limits`, { key, json, ...(headers ? { headers } : {}) })

describe('changing limits', () => {
  it('lowers a cap below the balance: the balance stays, further credits are refused, debits still work', async () => {
    const id = await wallet('1200')
    const res = await limits(id, { id: uid('cap'), ceiling: '1000', actor: 'staff:li', reason: 'cap lowered to 1,000 h' })
    expect(res.status).toBe(201)
    expect(res.body.change).toMatchObject({
      accountId: id,
      before: { floor: '0.00', ceiling: '1500.00' },
      after: { floor: '0.00', ceiling: '1000.00' },
      actor: 'staff:li',
      reason: 'cap lowered to 1,000 h',
    })
    expect(res.body.account).toMatchObject({ id, ceiling: '1000.00' })
    expect(res.body.replayed).toBeUndefined()
    const refused = await api.request('POST', '/v1/earnings', { key: t.admin, json: { id: uid('e'), to: id, amount: '1', evidence } })
    expect([refused.status, refused.body.error.code]).toEqual([422, 'CEILING_EXCEEDED'])
    const debit = await api.request('POST', '/v1/transfers', {
      key: t.admin,
      json: { id: uid('t'), from: id, to: 'ana:hours', amount: '10' },
    })
    expect(debit.status).toBe(201)
    const balance = await api.request('GET', `/v1/accounts/${id}/balance`, { key: t.staff })
    expect(balance.body.posted).toBe('1190.00')
  })

  it('answers a repeat as a replay, and another change under the same id as a conflict', async () => {
    const id = await wallet('0')
    const json = { id: uid('c'), ceiling: '1000' }
    const first = await limits(id, json)
    const again = await limits(id, { ...json, ceiling: '1000.00' })
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotency-replayed')).toBe('true')
    expect(again.body).toEqual(first.body)
    const other = await limits(id, { ...json, ceiling: '900' })
    expect([other.status, other.body.error.code]).toEqual([409, 'IDEMPOTENCY_CONFLICT'])
    // The id from the Idempotency-Key header, as on every write.
    const viaHeader = await limits(id, { ceiling: '800' }, t.admin, { 'idempotency-key': uid('h') })
    expect(viaHeader.status).toBe(201)
    const none = await limits(id, { ceiling: '700' })
    expect([none.status, none.body.error.code]).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED'])
  })

  it('lets staff set limits they could open an account with, and nothing more', async () => {
    const id = await wallet('5')
    expect((await limits(id, { id: uid('s'), ceiling: '1000' }, t.staff)).status).toBe(201)
    expect((await limits(id, { id: uid('s'), floor: '2' }, t.staff)).status).toBe(201)
    const creditLine = await limits(id, { id: uid('s'), floor: '-10' }, t.staff)
    expect([creditLine.status, creditLine.body.error.code]).toEqual([403, 'FORBIDDEN'])
    const noFloor = await limits(id, { id: uid('s'), floor: null }, t.staff)
    expect([noFloor.status, noFloor.body.error.code]).toEqual([403, 'FORBIDDEN'])
    // An admin may open a credit line; staff may then not even touch the ceiling of that account.
    expect((await limits(id, { id: uid('a'), floor: '-10' })).status).toBe(201)
    const ceilingOnly = await limits(id, { id: uid('s'), ceiling: '900' }, t.staff)
    expect([ceilingOnly.status, ceilingOnly.body.error.code]).toEqual([403, 'FORBIDDEN'])
  })

  it('never lets a member change limits, not even their own', async () => {
    const res = await limits('ana:hours', { id: uid('m'), ceiling: '5000' }, t.ana)
    expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN'])
    const account = await api.request('GET', '/v1/accounts/ana:hours', { key: t.staff })
    expect(account.body.ceiling).toBeNull()
  })

  it('lists the changes newest first and reads the limits in force at a past instant', async () => {
    const id = await wallet('0')
    const first = await limits(id, { id: uid('c'), ceiling: '1000', actor: 'staff:li' })
    await new Promise((r) => setTimeout(r, 5))
    const second = await limits(id, { id: uid('c'), ceiling: '800', reason: 'second cut' })
    const list = await api.request('GET', `/v1/accounts/${id}/limits`, { key: t.staff })
    expect(list.status).toBe(200)
    expect(list.body.changes.map((c: { id: string }) => c.id)).toEqual([second.body.change.id, first.body.change.id])
    expect(list.body.changes[1]).toMatchObject({
      before: { ceiling: '1500.00' },
      after: { ceiling: '1000.00' },
      actor: 'staff:li',
      reason: null,
    })
    const between = new Date(new Date(second.body.change.at).getTime() - 1).toISOString()
    const then = await api.request('GET', `/v1/accounts/${id}?at=${encodeURIComponent(between)}`, { key: t.staff })
    expect([then.status, then.body.ceiling]).toEqual([200, '1000.00'])
    const now = await api.request('GET', `/v1/accounts/${id}`, { key: t.staff })
    expect(now.body.ceiling).toBe('800.00')
  })

  it('shows a member the limit history of their own accounts only', async () => {
    expect((await limits('ana:hours', { id: uid('a'), ceiling: '5000' })).status).toBe(201)
    const own = await api.request('GET', '/v1/accounts/ana:hours/limits', { key: t.ana })
    expect([own.status, own.body.changes.length]).toEqual([200, 1])
    const other = await api.request('GET', '/v1/accounts/ana:hours/limits', { key: t.bo })
    expect([other.status, other.body.error.code]).toEqual([404, 'ACCOUNT_NOT_FOUND'])
    const unknown = await api.request('GET', '/v1/accounts/nobody/limits', { key: t.staff })
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'ACCOUNT_NOT_FOUND'])
  })

  it('refuses malformed, inverted and over-precise limits and unknown accounts', async () => {
    const id = await wallet('0')
    const code = async (json: Record<string, unknown>, accountId = id) => {
      const res = await limits(accountId, { id: uid('x'), ...json })
      return [res.status, res.body.error?.code]
    }
    expect(await code({})).toEqual([400, 'VALIDATION'])
    expect(await code({ floor: '10', ceiling: '5' })).toEqual([400, 'VALIDATION'])
    expect(await code({ ceiling: '1000.001' })).toEqual([422, 'INVALID_AMOUNT'])
    expect(await code({ ceiling: 1000 })).toEqual([400, 'VALIDATION'])
    expect(await code({ ceiling: '1' }, 'nobody')).toEqual([404, 'ACCOUNT_NOT_FOUND'])
  })
})
