import { type Account, ErrorCode, LedgerError, isLedgerError } from '@timebank/ledger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import './testing/no-console.js'
import { accountOwners } from './owners.js'
import { type Community, type TestApi, seedCommunity, startTestApi } from './testing/harness.js'

/** Calls the app made to the ledger's account reads. */
const calls = { getAccount: 0, listAccounts: 0 }
const reset = () => {
  calls.getAccount = 0
  calls.listAccounts = 0
}

let api: TestApi
let t: Community

beforeAll(async () => {
  api = await startTestApi({
    ledger: (real) => ({
      ...real,
      getAccount: (input) => {
        calls.getAccount++
        return real.getAccount(input)
      },
      listAccounts: (input) => {
        calls.listAccounts++
        return real.listAccounts(input)
      },
    }),
  })
  t = await seedCommunity(api)
})
afterAll(() => api.close())

let n = 0
const uid = (p: string) => `${p}${++n}`
const evidence = { activity: 'visit', reviewer: 'li' }

describe('member ownership checks', () => {
  it("a member's transfer reads the one account it debits, not every account of its owner, and only once", async () => {
    reset()
    const first = await api.request('POST', '/v1/transfers', {
      key: t.ana,
      json: { id: uid('m-'), from: 'ana:points', to: 'bo:points', amount: '1' },
    })
    expect(first.status).toBe(201)
    expect(calls).toEqual({ getAccount: 1, listAccounts: 0 })
    const second = await api.request('POST', '/v1/transfers', {
      key: t.ana,
      json: { id: uid('m-'), from: 'ana:points', to: 'bo:points', amount: '1' },
    })
    expect(second.status).toBe(201)
    expect(calls).toEqual({ getAccount: 1, listAccounts: 0 })
  })

  it("a member's batch from many accounts lists its owner's accounts once instead of reading each", async () => {
    const from: string[] = []
    for (let i = 0; i < 6; i++) {
      const id = uid('ana-jar-')
      await api.request('POST', '/v1/accounts', { key: t.admin, json: { id, asset: 'HOUR', owner: { type: 'member', id: 'ana' } } })
      await api.request('POST', '/v1/earnings', { key: t.admin, json: { id: uid('fund-'), to: id, amount: '1', evidence } })
      from.push(id)
    }
    reset()
    const res = await api.request('POST', '/v1/batches', {
      key: t.ana,
      json: { operations: from.map((f) => ({ type: 'transfer', id: uid('b-'), from: f, to: 'bo:hours', amount: '0.5' })) },
    })
    expect(res.status).toBe(201)
    expect(calls).toEqual({ getAccount: 0, listAccounts: 1 })
  })

  it("refuses a missing account with 403, and does not remember it: once opened as the member's, it may be debited", async () => {
    const id = uid('ana-later-')
    const json = () => ({ id: uid('m-'), from: id, to: 'bo:hours', amount: '0.01' })
    const refused = await api.request('POST', '/v1/transfers', { key: t.ana, json: json() })
    expect([refused.status, refused.body.error.code, refused.body.error.details]).toEqual([403, 'FORBIDDEN', { accountId: id }])
    await api.request('POST', '/v1/accounts', { key: t.admin, json: { id, asset: 'HOUR', owner: { type: 'member', id: 'ana' } } })
    await api.request('POST', '/v1/earnings', { key: t.admin, json: { id: uid('fund-'), to: id, amount: '1', evidence } })
    expect((await api.request('POST', '/v1/transfers', { key: t.ana, json: json() })).status).toBe(201)
  })

  it("refuses another member's account with 403 also once its owner is remembered", async () => {
    const read = await api.request('GET', '/v1/transfers/seed-bo-hours', { key: t.bo })
    expect(read.status).toBe(200) // bo's key made the app remember bo:hours
    for (let i = 0; i < 2; i++) {
      const res = await api.request('POST', '/v1/transfers', {
        key: t.ana,
        json: { id: uid('m-'), from: 'bo:hours', to: 'ana:hours', amount: '0.01' },
      })
      expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN'])
    }
    const hidden = await api.request('GET', '/v1/accounts/bo:hours/balance', { key: t.ana })
    expect([hidden.status, hidden.body.error.code]).toEqual([404, 'ACCOUNT_NOT_FOUND'])
  })
})

describe('accountOwners', () => {
  const fake = (accounts: Record<string, string>) => {
    let reads = 0
    const ledger = {
      getAccount: async ({ accountId }: { accountId: string }) => {
        reads++
        const owner = accounts[accountId]
        if (!owner) throw new LedgerError(ErrorCode.ACCOUNT_NOT_FOUND, `account ${accountId} not found`, { accountId })
        return { id: accountId, owner: { type: 'member', id: owner } } as Account
      },
      listAccounts: async () => [],
    }
    return { ledger, reads: () => reads }
  }

  it('holds at most maxEntries owners, dropping the oldest first', async () => {
    const { ledger, reads } = fake({ a: 'ana', b: 'bo', c: 'cy' })
    const owners = accountOwners(ledger, 2)
    for (const id of ['a', 'b', 'c']) await owners.of('t', id)
    expect(['a', 'b', 'c'].map((id) => owners.known('t', id)?.id ?? null)).toEqual([null, 'bo', 'cy'])
    await owners.of('t', 'c')
    expect(reads()).toBe(3)
  })

  it("passes on the ledger's not-found and remembers nothing for it", async () => {
    const { ledger, reads } = fake({})
    const owners = accountOwners(ledger)
    for (let i = 0; i < 2; i++) {
      const e = await owners.of('t', 'nope').catch((x: unknown) => x)
      expect(isLedgerError(e) && e.code).toBe('ACCOUNT_NOT_FOUND')
    }
    expect(reads()).toBe(2)
    expect(owners.known('t', 'nope')).toBeUndefined()
  })

  it('keeps tenants apart', async () => {
    const { ledger } = fake({ a: 'ana' })
    const owners = accountOwners(ledger)
    await owners.of('t1', 'a')
    expect(owners.known('t2', 'a')).toBeUndefined()
  })
})
