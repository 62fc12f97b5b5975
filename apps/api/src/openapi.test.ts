/**
 * The OpenAPI document against real responses. The response schemas are built
 * from the ledger's output schemas, whose instants are `z.date()`; on the wire
 * they are ISO 8601 strings. So a body is checked by reviving exactly the
 * strings `Date#toJSON` produces into Dates and parsing with the component's
 * zod schema: a date field in any other form, a mistyped field, a missing one
 * or (by comparing the parse with its input) an undocumented one all fail.
 * The served document's property lists are compared with the bodies too.
 *
 * @example
 * pnpm exec vitest run --project api src/openapi.test.ts
 */
import { ErrorCode } from '@timebank/ledger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import './testing/no-console.js'
import { CommunityErrorCode } from '@timebank/community'
import { ApiErrorCode, STATUS } from './errors.js'
import {
  AccountSchema,
  BalanceSchema,
  BatchResultSchema,
  ErrorSchema,
  HistoryPageSchema,
  OperationResultSchema,
  TenantSchema,
  TotalsSchema,
  TransferSchema,
} from './schemas.js'
import { type Community, type TestApi, seedCommunity, startTestApi } from './testing/harness.js'

let api: TestApi
let t: Community
// biome-ignore lint/suspicious/noExplicitAny: the parsed OpenAPI document.
let doc: any

beforeAll(async () => {
  api = await startTestApi()
  t = await seedCommunity(api)
  doc = (await api.request('GET', '/openapi.json')).body
})
afterAll(() => api.close())

/** What `Date#toJSON` writes, and nothing else. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/** JSON with every instant string turned back into the Date it was serialised from. */
function revive(value: unknown): unknown {
  if (typeof value === 'string') return INSTANT.test(value) ? new Date(value) : value
  if (Array.isArray(value)) return value.map(revive)
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]))
  return value
}

/** The body matches the zod schema exactly, and the served component lists the same properties. */
function conforms(schema: z.ZodType, component: string, body: unknown) {
  const revived = revive(body)
  expect(schema.parse(revived)).toEqual(revived)
  const properties = Object.keys(doc.components.schemas[component].properties).sort()
  expect([component, Object.keys(body as object).sort()]).toEqual([component, properties])
}

/** A request that must answer `status`. */
async function must(status: number, method: string, path: string, options: Parameters<TestApi['request']>[2] = {}) {
  const res = await api.request(method, path, options)
  expect([method, path, res.status, res.status === status ? '' : res.text]).toEqual([method, path, status, ''])
  return res.body
}

describe('OpenAPI document', () => {
  it("lists every code a response can carry in the Error component's code enum", () => {
    const code = doc.components.schemas.Error.properties.error.properties.code
    expect(code.type).toBe('string')
    const every = [...new Set([...Object.values(ErrorCode), ...Object.values(CommunityErrorCode), ...Object.values(ApiErrorCode)])].sort()
    expect([...code.enum].sort()).toEqual(every)
    // Every code with an HTTP status is documented, and nothing else.
    expect(Object.keys(STATUS).sort()).toEqual(every)
  })

  it('describes instants as date-time strings', () => {
    const { Transfer, Balance } = doc.components.schemas
    expect(Transfer.properties.createdAt).toMatchObject({ type: 'string', format: 'date-time' })
    expect(Transfer.properties.expiresAt).toMatchObject({ type: ['string', 'null'], format: 'date-time' })
    expect(Balance.properties.at).toMatchObject({ type: 'string', format: 'date-time' })
  })
})

describe('real responses conform to their components', () => {
  it('tenant, account, balance and totals', async () => {
    conforms(TenantSchema, 'Tenant', await must(200, 'GET', '/v1/tenant', { key: t.staff }))
    conforms(AccountSchema, 'Account', await must(200, 'GET', '/v1/accounts/ana:hours', { key: t.ana }))
    conforms(BalanceSchema, 'Balance', await must(200, 'GET', '/v1/accounts/ana:hours/balance', { key: t.ana }))
    conforms(TotalsSchema, 'Totals', await must(200, 'GET', '/v1/tenant/totals', { key: t.admin }))
  })

  it('transfers, a hold, a batch and a history page', async () => {
    const sent = await must(201, 'POST', '/v1/transfers', {
      key: t.ana,
      json: { id: 'oa-1', from: 'ana:hours', to: 'bo:hours', amount: '1' },
    })
    conforms(OperationResultSchema, 'OperationResult', sent)
    conforms(TransferSchema, 'Transfer', sent.transfer)
    const hold = await must(201, 'POST', '/v1/transfers', {
      key: t.staff,
      json: { id: 'oa-hold', from: 'ana:hours', to: 'bo:hours', amount: '1', pending: true, timeoutSeconds: 600 },
    })
    expect(hold.transfer.expiresAt).toMatch(INSTANT)
    conforms(TransferSchema, 'Transfer', await must(200, 'GET', '/v1/transfers/oa-hold', { key: t.staff }))
    const batch = await must(201, 'POST', '/v1/batches', {
      key: t.staff,
      json: { operations: [{ type: 'post', id: 'oa-post', pendingId: 'oa-hold' }] },
    })
    conforms(BatchResultSchema, 'BatchResult', batch)
    const page = await must(200, 'GET', '/v1/accounts/ana:hours/history?limit=2', { key: t.ana })
    expect(page.entries).toHaveLength(2)
    conforms(HistoryPageSchema, 'HistoryPage', page)
  })

  it('error bodies: a refused transfer, a refused batch and an API error', async () => {
    const refused = await must(422, 'POST', '/v1/transfers', {
      key: t.ana,
      json: { id: 'oa-broke', from: 'ana:hours', to: 'bo:hours', amount: '1000' },
    })
    expect(refused.error.code).toBe('INSUFFICIENT_FUNDS')
    conforms(ErrorSchema, 'Error', refused)
    const batch = await must(422, 'POST', '/v1/batches', {
      key: t.staff,
      json: { operations: [{ type: 'transfer', id: 'oa-b1', from: 'bo:hours', to: 'ana:hours', amount: '1000' }] },
    })
    conforms(ErrorSchema, 'Error', batch)
    const unauthorized = await must(401, 'GET', '/v1/tenant')
    expect(unauthorized.error).toMatchObject({ code: 'UNAUTHORIZED', details: null })
    conforms(ErrorSchema, 'Error', unauthorized)
  })
})
