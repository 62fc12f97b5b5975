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
import { createApp } from './app.js'
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
import { rawRequest } from './testing/raw-http.js'

let api: TestApi
let t: Community
// biome-ignore lint/suspicious/noExplicitAny: the parsed OpenAPI document.
let doc: any
/** Set to make the server drain (for a 503). */
let draining = false

beforeAll(async () => {
  api = await startTestApi({ isDraining: () => draining })
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

// biome-ignore lint/suspicious/noExplicitAny: parts of the parsed OpenAPI document.
type Node = any

/** Follow a local `$ref`. */
function resolve(node: Node): Node {
  if (typeof node?.$ref !== 'string') return node
  return resolve(
    node.$ref
      .slice(2)
      .split('/')
      .reduce((at: Node, key: string) => at?.[key.replaceAll('~1', '/').replaceAll('~0', '~')], doc),
  )
}

interface Op {
  method: string
  path: string
  op: Node
}

/** Every operation of the served document. */
function operations(): Op[] {
  return Object.entries(doc.paths as Record<string, Record<string, Node>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method, path, op })),
  )
}

const name = ({ method, path, op }: Op) => `${op.operationId ?? '?'} (${method.toUpperCase()} ${path})`

/** The writes that read `Idempotency-Key` (idempotency.ts's writeId or idempotencyHeader). */
const READ_IDEMPOTENCY_KEY = [
  'createTenant',
  'openAccount',
  'changeAccountLimits',
  'createEarning',
  'createTransfer',
  'createRedemption',
  'createBatch',
  'postPendingTransfer',
  'voidPendingTransfer',
  'reverseTransfer',
  'createApiKey',
  'createUser',
  'createSignInLink',
  'registerMember',
  'createGrid',
  'createOrganisation',
  'createActivity',
  'createHourRecord',
  'issueCertificate',
  'giveGift',
  'donate',
  'createService',
  'placeOrder',
  'postWish',
  'createReward',
  'restockReward',
  'writeOffReward',
  'redeemReward',
]
/** Writes that mark a replay with `Idempotency-Replayed` (markReplayed): those, and two keyed by their content. */
const MARK_REPLAYS = [...READ_IDEMPOTENCY_KEY, 'defineAsset', 'signUpForActivity']

describe('OpenAPI document', () => {
  it("lists every code a response can carry in the ErrorCode enum, which the Error component's code is", () => {
    expect(doc.components.schemas.Error.properties.error.properties.code).toEqual({ $ref: '#/components/schemas/ErrorCode' })
    const code = doc.components.schemas.ErrorCode
    expect(code.type).toBe('string')
    const every = [...new Set([...Object.values(ErrorCode), ...Object.values(CommunityErrorCode), ...Object.values(ApiErrorCode)])].sort()
    expect([...code.enum].sort()).toEqual(every)
    // Every code with an HTTP status is documented, and nothing else.
    expect(Object.keys(STATUS).sort()).toEqual(every)
    // A bulk decision's per-record error carries the same codes.
    expect(doc.components.schemas.RecordDecision.oneOf[1].properties.error.properties.code).toEqual({
      $ref: '#/components/schemas/ErrorCode',
    })
  })

  it('describes instants as date-time strings', () => {
    const { Transfer, Balance } = doc.components.schemas
    expect(Transfer.properties.createdAt).toMatchObject({ type: 'string', format: 'date-time' })
    expect(Transfer.properties.expiresAt).toMatchObject({ type: ['string', 'null'], format: 'date-time' })
    expect(Balance.properties.at).toMatchObject({ type: 'string', format: 'date-time' })
  })

  it('names every operation with a unique camelCase operationId', () => {
    const ops = operations()
    expect(ops.length).toBeGreaterThan(90)
    expect(ops.filter(({ op }) => typeof op.operationId !== 'string' || !/^[a-z][A-Za-z]*$/.test(op.operationId)).map(name)).toEqual([])
    const ids = ops.map(({ op }) => op.operationId)
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([])
  })

  it('serves from the host that served it, and says which operations need a key', () => {
    expect(doc.servers).toEqual([{ url: '/', description: expect.any(String) }])
    const signingIn = ['POST /v1/sessions', 'POST /v1/sessions/link']
    for (const o of operations()) {
      const open = o.path === '/healthz' || o.path.startsWith('/v1/public/') || signingIn.includes(`${o.method.toUpperCase()} ${o.path}`)
      expect([name(o), o.op.security]).toEqual([name(o), open ? [] : [{ bearer: [] }]])
    }
  })

  it('answers every error status with its shared response, whose body is the Error component', () => {
    for (const o of operations()) {
      for (const [status, response] of Object.entries(o.op.responses as Record<string, Node>)) {
        if (Number(status) < 400) continue
        expect([name(o), status, response.$ref]).toEqual([name(o), status, expect.stringMatching(/^#\/components\/responses\//)])
        expect(resolve(response).content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' })
      }
    }
  })

  it('declares 400, 431 and 500 on every operation, 401 where a key is needed, 413 and 415 wherever a body is read', () => {
    for (const o of operations()) {
      const statuses = Object.keys(o.op.responses).map(Number)
      const expected = [400, 431, 500]
      if (o.op.security.length > 0) expected.push(401)
      if (o.method !== 'get') expected.push(413, 415)
      expect([name(o), expected.filter((s) => !statuses.includes(s))]).toEqual([name(o), []])
      if (o.method === 'get') expect([name(o), statuses.filter((s) => s === 413 || s === 415)]).toEqual([name(o), []])
    }
  })

  it('declares X-Request-Id on every response, and Retry-After on 503', () => {
    const requestId = { $ref: '#/components/headers/X-Request-Id' }
    for (const o of operations()) {
      for (const [status, response] of Object.entries(o.op.responses as Record<string, Node>)) {
        const headers = resolve(response).headers ?? {}
        expect([name(o), status, headers['X-Request-Id']]).toEqual([name(o), status, requestId])
        if (status === '503') expect(headers['Retry-After']).toEqual({ $ref: '#/components/headers/Retry-After' })
      }
    }
    expect(doc.components.headers['X-Request-Id']).toMatchObject({ required: true, schema: { type: 'string' } })
    expect(doc.components.headers['Retry-After']).toMatchObject({ required: true, schema: { type: 'integer' } })
  })

  it('declares Idempotency-Key on the writes that read it and Idempotency-Replayed on the answers that mark a replay', () => {
    const key = { $ref: '#/components/parameters/IdempotencyKey' }
    const ops = operations()
    expect(
      ops
        .filter(({ op }) => (op.parameters ?? []).some((p: Node) => p.$ref === key.$ref))
        .map(({ op }) => op.operationId)
        .sort(),
    ).toEqual([...READ_IDEMPOTENCY_KEY].sort())
    expect(resolve(key)).toMatchObject({ name: 'Idempotency-Key', in: 'header', required: false })
    const replayed = ops.filter(({ op }) =>
      Object.entries(op.responses as Record<string, Node>).some(([s, r]) => Number(s) < 300 && r.headers?.['Idempotency-Replayed']),
    )
    expect(replayed.map(({ op }) => op.operationId).sort()).toEqual([...MARK_REPLAYS].sort())
    expect(doc.components.headers['Idempotency-Replayed']).toMatchObject({ schema: { enum: ['true'] } })
  })

  it("says that a write's body id is required unless the Idempotency-Key header carries it", () => {
    const writes = operations().filter(({ op }) => READ_IDEMPOTENCY_KEY.includes(op.operationId))
    expect(writes).toHaveLength(READ_IDEMPOTENCY_KEY.length)
    for (const o of writes) {
      const schema = resolve(o.op.requestBody?.content['application/json'].schema)
      const id = schema?.properties?.id ?? schema?.properties?.requestId
      // createBatch's ids are per operation, createApiKey's and createSignInLink's only idempotency key is the header (optional for a link).
      if (['createBatch', 'createApiKey', 'createSignInLink'].includes(o.op.operationId)) continue
      expect([name(o), id?.description]).toEqual([name(o), expect.stringContaining('IDEMPOTENCY_KEY_REQUIRED')])
      expect(schema.required ?? []).not.toContain('id')
    }
  })

  it('gives every request body examples that its validator accepts', () => {
    for (const o of operations().filter(({ op }) => op.requestBody)) {
      const examples = o.op.requestBody.content['application/json'].examples
      expect([name(o), Object.keys(examples ?? {}).length > 0]).toEqual([name(o), true])
    }
    // The route definitions hold the zod schemas the app validates bodies with.
    const app = createApp({ ledger: api.ledger, community: api.community, keys: api.keys, users: api.users })
    let checked = 0
    for (const d of app.openAPIRegistry.definitions) {
      if (d.type !== 'route') continue
      const media = d.route.request?.body?.content['application/json'] as {
        schema: z.ZodType
        examples?: Record<string, { value: unknown }>
      }
      for (const [example, { value }] of Object.entries(media?.examples ?? {})) {
        const parsed = media.schema.safeParse(value)
        expect([d.route.operationId, example, parsed.error?.issues ?? []]).toEqual([d.route.operationId, example, []])
        checked++
      }
    }
    expect(checked).toBeGreaterThan(40)
  })
})

/** A request for an operation built from the document alone: example parameters and the first example body. */
function requestFor({ method, path, op }: Op, key?: string) {
  const params = (op.parameters ?? []).map(resolve)
  const example = (p: Node) => String(p.example ?? p.schema?.example ?? resolve(p.schema)?.example ?? 'x')
  let url = path
  const query = new URLSearchParams()
  for (const p of params) {
    if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(example(p)))
    if (p.in === 'query' && p.required) query.set(p.name, example(p))
  }
  const examples = op.requestBody?.content['application/json'].examples
  const json = examples ? Object.values(examples as Record<string, { value: unknown }>)[0]?.value : undefined
  return api.request(method.toUpperCase(), `${url}${query.size > 0 ? `?${query}` : ''}`, {
    ...(key ? { key } : {}),
    ...(json !== undefined ? { json } : {}),
  })
}

describe('the document against the running server', () => {
  it('every operation without a key answers as its security says, with a status it declares and X-Request-Id', async () => {
    for (const o of operations()) {
      const res = await requestFor(o)
      const declared = Object.keys(o.op.responses).map(Number)
      expect([name(o), declared.includes(res.status) ? 'declared' : res.status]).toEqual([name(o), 'declared'])
      // Signing in answers 401 too, for wrong credentials: only UNAUTHORIZED says a key is missing.
      expect([name(o), res.body?.error?.code === 'UNAUTHORIZED']).toEqual([name(o), o.op.security.length > 0])
      expect([name(o), res.headers.get('x-request-id')]).toEqual([name(o), expect.any(String)])
    }
  })

  it("every operation called with an admin key and the document's examples answers a status it declares", async () => {
    for (const o of operations()) {
      const res = await requestFor(o, api.operatorKey)
      const declared = Object.keys(o.op.responses).map(Number)
      expect([name(o), declared.includes(res.status) ? 'declared' : `${res.status} ${res.text.slice(0, 300)}`]).toEqual([
        name(o),
        'declared',
      ])
      if (res.status >= 400) conforms(ErrorSchema, 'Error', res.body)
    }
  })

  it('answers 431 with a new X-Request-Id, the one in its body, on any route when the headers are too large', async () => {
    for (const path of ['/healthz', '/v1/tenant', '/openapi.json']) {
      const res = await rawRequest(api.url, `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(64 * 1024)}\r\n\r\n`)
      const body = JSON.parse(res.body)
      expect([path, res.status, res.headers['x-request-id']]).toEqual([path, 431, body.error.requestId])
      expect(body.error.requestId).toMatch(/^req_/)
      expect(body.error.code).toBe('HEADERS_TOO_LARGE')
      conforms(ErrorSchema, 'Error', body)
    }
  })

  it('answers 400 to a request that cannot be parsed, even on /healthz', async () => {
    const res = await rawRequest(api.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n')
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'BAD_REQUEST', requestId: res.headers['x-request-id'] })
  })

  it('answers 413 and 415 on writes without a body of their own, and 400 on reads without parameters', async () => {
    const big = await api.request('DELETE', '/v1/keys/some-key', {
      body: 'x'.repeat(3 * 1024 * 1024),
      headers: { 'content-type': 'application/json' },
    })
    expect([big.status, big.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE'])
    const text = await api.request('POST', `/v1/accounts/ana:hours/freeze`, {
      key: t.admin,
      body: 'freeze',
      headers: { 'content-type': 'text/plain' },
    })
    expect([text.status, text.body.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE'])
    const nul = await api.request('GET', '/v1/tenant?x=%00', { key: t.admin })
    expect([nul.status, nul.body.error.code]).toEqual([400, 'VALIDATION'])
  })

  it('answers 503 with Retry-After', async () => {
    draining = true
    try {
      const res = await api.request('GET', '/healthz')
      expect([res.status, res.headers.get('retry-after'), res.body.error.code]).toEqual([503, '1', 'UNAVAILABLE'])
      expect(res.headers.get('x-request-id')).toEqual(expect.any(String))
    } finally {
      draining = false
    }
  })

  it('refuses a write with neither a body id nor Idempotency-Key, takes either, and marks a replay', async () => {
    const json = { from: 'ana:hours', to: 'bo:hours', amount: '0.50' }
    const neither = await api.request('POST', '/v1/transfers', { key: t.ana, json })
    expect([neither.status, neither.body.error.code]).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED'])
    const header = { 'Idempotency-Key': 'oa-header-only' }
    const first = await api.request('POST', '/v1/transfers', { key: t.ana, json, headers: header })
    expect([first.status, first.headers.get('idempotency-replayed')]).toEqual([201, null])
    const again = await api.request('POST', '/v1/transfers', { key: t.ana, json, headers: header })
    expect([again.status, again.headers.get('idempotency-replayed')]).toEqual([201, 'true'])
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
