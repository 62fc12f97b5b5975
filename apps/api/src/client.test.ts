import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import './testing/no-console.js'
import type { AnyErrorCode } from './errors.js'
import { createClient } from './client.js'
import { type Community, type TestApi, seedCommunity, startTestApi } from './testing/harness.js'

let api: TestApi
let t: Community

beforeAll(async () => {
  api = await startTestApi()
  t = await seedCommunity(api)
})
afterAll(() => api.close())

describe('typed client', () => {
  it('moves value and reads it back with typed requests and responses', async () => {
    const tb = createClient(`${api.url}/`, t.ana)
    const res = await tb.v1.transfers.$post(
      { json: { from: 'ana:hours', to: 'bo:hours', amount: '1.5', memo: 'from the client' } },
      { headers: { 'Idempotency-Key': 'client-1' } },
    )
    expect(res.status).toBe(201)
    if (res.status === 201) {
      const body = await res.json()
      expectTypeOf(body.transfer.amount).toEqualTypeOf<string>()
      expectTypeOf(body.replayed).toEqualTypeOf<boolean>()
      expect(body.transfer).toMatchObject({ id: 'client-1', amount: '1.50' })
    }
    const balance = await tb.v1.accounts[':accountId'].balance.$get({ param: { accountId: 'ana:hours' }, query: {} })
    if (balance.status !== 200) throw new Error(`status ${balance.status}`)
    const b = await balance.json()
    expectTypeOf(b.available).toEqualTypeOf<string>()
    expect(b.available).toBe('8.50')
  })

  it('surfaces errors in the error shape', async () => {
    const tb = createClient(api.url, t.ana)
    const res = await tb.v1.earnings.$post({ json: { id: 'x', to: 'ana:hours', amount: '1', evidence: { activity: 'a', reviewer: 'b' } } })
    expect(res.status).toBe(403)
    if (res.status === 403) {
      const body = await res.json()
      expectTypeOf(body.error.code).toEqualTypeOf<AnyErrorCode>()
      expect(body.error.code).toBe('FORBIDDEN')
    }
  })
})
