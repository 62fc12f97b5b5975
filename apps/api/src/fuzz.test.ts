/**
 * Random and hostile requests at every endpoint: wrong types, huge and exotic
 * numbers, negative and zero amounts, unicode, long strings, SQL fragments,
 * duplicated keys, missing fields, odd headers, query strings and paths.
 * Whatever comes in: never a 5xx, every 4xx in the error shape, and not one
 * balance or total changes (every write body carries at least one defect).
 */
import fc from 'fast-check'
import { afterAll, beforeAll, expect, it } from 'vitest'
import './testing/no-console.js'
import { type Community, type TestApi, seedCommunity, snapshot, startTestApi } from './testing/harness.js'
import { rawRequest } from './testing/raw-http.js'

let api: TestApi
let t: Community
let revoked: string
let otherAdmin: string

beforeAll(async () => {
  api = await startTestApi({ bodyLimit: 16 * 1024 })
  t = await seedCommunity(api, 'fuzz')
  await api.request('POST', '/v1/transfers', {
    key: t.admin,
    json: { id: 'open-hold', from: 'ana:hours', to: 'bo:hours', amount: '1', pending: true },
  })
  const made = await api.request('POST', '/v1/keys', { key: t.admin, json: { name: 'old', role: 'staff' } })
  await api.request('DELETE', `/v1/keys/${made.body.key.id}`, { key: t.admin })
  revoked = made.body.secret
  otherAdmin = (await api.request('POST', '/v1/tenants', { key: api.operatorKey, json: { id: 'elsewhere', name: 'Elsewhere' } })).body
    .adminKey.secret
})
afterAll(() => api.close())

// ---------------------------------------------------------------- values

const SQL = ["' or 1=1 --", "'; drop table tb_transfers; --", '" union select secret_hash from tb_api_keys --', '$1', '\\x00', '%00']
const weirdStrings = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(...SQL, '', ' ', '\u202e', '\ufeff', '💥', 'ñ', '\u0000', '\ud800', '../../etc/passwd', 'x'.repeat(5000)),
)
const INVALID_AMOUNTS: unknown[] = [
  '0',
  '-1',
  '1e3',
  '1E3',
  ' 1',
  '1 ',
  '.5',
  '1.',
  '01',
  '0x10',
  'NaN',
  'Infinity',
  '١٢',
  '0.001',
  '1'.repeat(70),
  '9'.repeat(19),
  '123456789012345678.5',
  '',
  1,
  0,
  -1,
  1.5,
  1e308,
  Number.MAX_SAFE_INTEGER + 2,
  null,
  true,
  [],
  {},
]
const wrongTypeFor = (v: unknown): unknown =>
  typeof v === 'string'
    ? 12345
    : typeof v === 'number'
      ? 'twelve'
      : typeof v === 'boolean'
        ? 'true'
        : Array.isArray(v)
          ? { a: 1 }
          : v === null
            ? 7
            : 'obj'

/** Valid bodies per write route; the fuzzer always breaks them. */
const TEMPLATES: Record<string, () => Record<string, unknown>> = {
  '/v1/tenants': () => ({ id: 'fz-tenant', name: 'Fuzz', assets: [{ code: 'HOUR', scale: 2 }] }),
  '/v1/tenant/assets': () => ({ code: 'FUZZ', scale: 2, name: 'fuzz' }),
  '/v1/accounts': () => ({ id: 'fz-acct', asset: 'HOUR', owner: { type: 'member', id: 'fz' }, ceiling: '10', metadata: { a: 1 } }),
  '/v1/keys': () => ({ name: 'fz', role: 'member', owner: { type: 'member', id: 'ana' } }),
  '/v1/earnings': () => ({ id: 'fz-earn', to: 'ana:hours', amount: '1', evidence: { activity: 'a', reviewer: 'b' } }),
  '/v1/transfers': () => ({ id: 'fz-tr', from: 'ana:hours', to: 'bo:hours', amount: '1', memo: 'm', pending: true, timeoutSeconds: 60 }),
  '/v1/redemptions': () => ({ id: 'fz-rd', from: 'ana:points', to: 'shop:points', amount: '1', item: { ref: 'soap', quantity: 1 } }),
  '/v1/batches': () => ({ operations: [{ type: 'transfer', id: 'fz-b', from: 'ana:hours', to: 'bo:hours', amount: '1' }] }),
  '/v1/transfers/open-hold/post': () => ({ id: 'fz-post', amount: '1' }),
  '/v1/transfers/open-hold/void': () => ({ id: 'fz-void' }),
  '/v1/transfers/seed-ana-hours/reverse': () => ({ id: 'fz-rev', amount: '1', reason: 'r' }),
}

type Mutation = (o: Record<string, unknown>) => void
const pickKey = (o: Record<string, unknown>, i: number) => Object.keys(o)[i % Math.max(1, Object.keys(o).length)]

/** Mutations that always make a strict body invalid. */
const breaking: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(weirdStrings, fc.jsonValue()).map(
    ([k, v]): Mutation =>
      (o) => {
        o[`x${k}`] = v
      },
  ),
  fc.constantFrom(...INVALID_AMOUNTS).map(
    (v): Mutation =>
      (o) => {
        if ('amount' in o) o.amount = v
        else o.unexpected = v
      },
  ),
  fc.nat().map(
    (i): Mutation =>
      (o) => {
        const k = pickKey(o, i)
        if (k !== undefined) o[k] = wrongTypeFor(o[k])
        else o.unexpected = true // noise emptied the body: an unknown key still breaks it
      },
  ),
  fc.constantFrom<unknown>('x'.repeat(129), 'has space', 'ü', "a'--", '', 5, null).map(
    (v): Mutation =>
      (o) => {
        if ('id' in o || 'code' in o) o[('id' in o ? 'id' : 'code') as string] = v
        else o.id = { v }
      },
  ),
)

/** Mutations that may leave the body valid: noise before a breaking one. */
const noise: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), weirdStrings).map(
    ([i, s]): Mutation =>
      (o) => {
        const k = pickKey(o, i)
        if (k !== undefined && typeof o[k] === 'string' && k !== 'amount') o[k] = s
      },
  ),
  fc.nat().map(
    (i): Mutation =>
      (o) => {
        const k = pickKey(o, i)
        if (k !== undefined) delete o[k]
      },
  ),
  fc.jsonValue({ maxDepth: 3 }).map(
    (v): Mutation =>
      (o) => {
        // biome-ignore lint/correctness/noPrecisionLoss: an out-of-range number literal is the input under test.
        o.metadata = { deep: v, n: 0.1 + 0.2, big: 1e400 }
      },
  ),
)

const templateBody = fc
  .tuple(fc.constantFrom(...Object.keys(TEMPLATES)), fc.array(noise, { maxLength: 2 }), breaking, fc.boolean())
  .map(([route, noises, breaker, inBatch]) => {
    const body = (TEMPLATES[route] as () => Record<string, unknown>)()
    const target =
      route === '/v1/batches' && inBatch ? ((body.operations as Record<string, unknown>[])[0] as Record<string, unknown>) : body
    for (const m of noises) m(target)
    breaker(target)
    return { route, text: JSON.stringify(body) }
  })

const rawBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
  weirdStrings,
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom(
    '{"id":"a","id":"b"}',
    '{"amount":"1","amount":"2"}',
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
    `{"a":${'{"a":'.repeat(50)}1${'}'.repeat(50)}}`,
    '{"amount": 1e999999}',
    '{"amount": 123456789012345678901234567890}',
    '{"__proto__": {"admin": true}}',
    '{"constructor": {"prototype": {"x": 1}}}',
    '\ufeff{}',
    'null',
    '',
    `"${'a'.repeat(20_000)}"`,
  ),
)

// ---------------------------------------------------------------- requests

/** Percent-encode; strings with unpaired surrogates become legacy %uXXXX escapes (malformed on purpose). */
const enc = (s: string) => {
  try {
    return encodeURIComponent(s)
  } catch {
    return escape(s)
  }
}

const segment = fc.oneof(
  weirdStrings.map((s) => enc(s.slice(0, 300)) || 'x'),
  fc.constantFrom('..', '.', '%', '%zz', '%E0%A4%A', '%00', 'a%2Fb', 'sys:nothing'),
)
const readSegment = fc.oneof(
  segment,
  fc.constantFrom('ana:hours', 'bo:hours', 'shop:points', 'seed-ana-hours', 'open-hold', 'swagger-ui.css', 'sys:issuance:HOUR'),
)

const PATHS = [
  '/v1/tenants',
  '/v1/tenant',
  '/v1/tenant/assets',
  '/v1/tenant/totals',
  '/v1/accounts',
  '/v1/accounts/{id}',
  '/v1/accounts/{id}/freeze',
  '/v1/accounts/{id}/unfreeze',
  '/v1/accounts/{id}/close',
  '/v1/accounts/{id}/balance',
  '/v1/accounts/{id}/history',
  '/v1/earnings',
  '/v1/transfers',
  '/v1/redemptions',
  '/v1/batches',
  '/v1/transfers/{id}',
  '/v1/transfers/{id}/post',
  '/v1/transfers/{id}/void',
  '/v1/transfers/{id}/reverse',
  '/v1/keys',
  '/v1/keys/{id}',
  '/healthz',
  '/openapi.json',
  '/docs',
  '/docs/assets/{id}',
  '/',
  '/v1',
  '/v2/accounts',
]

const queryValue = fc.oneof(
  weirdStrings,
  fc.constantFrom(
    '0',
    '-1',
    '1e3',
    '99999999999999999999',
    '9223372036854775808',
    '1.5',
    'NaN',
    '2024-02-30T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59-23:59',
    '2024-01-01',
    'member',
    'system',
  ),
)
const query = fc
  .array(
    fc.tuple(fc.oneof(fc.constantFrom('limit', 'cursor', 'at', 'from', 'to', 'ownerType', 'ownerId', 'after'), weirdStrings), queryValue),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}`))

const headerValue = fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,100}$/)
const headers = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/json; charset=latin1',
      'application/xml',
      'application/json;',
      'multipart/form-data',
      '',
    ),
    'idempotency-key': fc.oneof(fc.constantFrom('fz-idem', 'x'.repeat(200), 'a b', 'ok:1'), headerValue),
    'x-request-id': fc.oneof(headerValue, fc.constantFrom('x'.repeat(300))),
    accept: fc.constantFrom('*/*', 'text/html', 'application/xml'),
    'x-extra': headerValue,
    'content-encoding': fc.constantFrom('gzip', 'br', 'identity'),
  },
  { requiredKeys: [] },
)

const keyArb = fc.oneof(fc.constant(undefined), fc.constantFrom('admin', 'staff', 'ana', 'operator', 'other', 'revoked', 'garbage', 'long'))
const keyFor = (k: string | undefined): Record<string, string> => {
  switch (k) {
    case undefined:
      return {}
    case 'admin':
      return { authorization: `Bearer ${t.admin}` }
    case 'staff':
      return { authorization: `Bearer ${t.staff}` }
    case 'ana':
      return { authorization: `Bearer ${t.ana}` }
    case 'operator':
      return { authorization: `Bearer ${api.operatorKey}` }
    case 'other':
      return { authorization: `Bearer ${otherAdmin}` }
    case 'revoked':
      return { authorization: `Bearer ${revoked}` }
    case 'long':
      return { authorization: `Bearer ${'a'.repeat(600)}` }
    default:
      return { authorization: "Bearer ' or 1=1 --" }
  }
}

const request = fc.oneof(
  // A broken body at a write route.
  fc.record({
    kind: fc.constant('write' as const),
    body: templateBody,
    key: fc.oneof({ arbitrary: fc.constantFrom('admin', 'staff', 'ana', 'operator'), weight: 4 }, { arbitrary: keyArb, weight: 1 }),
    headers: fc
      .tuple(headers, fc.oneof({ arbitrary: fc.constant('application/json'), weight: 5 }, { arbitrary: fc.constant(undefined), weight: 1 }))
      .map(([h, type]) => (type ? { ...h, 'content-type': type } : h)),
    query,
  }),
  // Anything at any route.
  fc.record({
    kind: fc.constant('any' as const),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
    path: fc.oneof(fc.constantFrom(...PATHS), fc.webPath({ size: 'small' })),
    id: fc.boolean(),
    body: fc.option(rawBody, { nil: undefined }),
    key: keyArb,
    headers,
    query,
    readSeg: readSegment,
    seg: segment,
  }),
)

it('never answers 5xx, always answers 4xx in the error shape, and changes no balance', async () => {
  const before = await snapshot(api.ledger, t.tenantId)
  const keysBefore = (await api.keys.list(t.tenantId)).length
  const seen = new Map<string, number>()
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      let method: string
      let path: string
      let body: string | Uint8Array | undefined
      if (r.kind === 'write') {
        method = 'POST'
        path = r.body.route
        body = r.body.text
      } else {
        method = r.method
        // Writes never reach existing ids: a bodiless write (freeze, revoke) would be valid there.
        path = r.path.replace('{id}', method === 'GET' || method === 'HEAD' ? r.readSeg : r.seg)
        body = method === 'GET' || method === 'HEAD' ? undefined : r.body
        if (body === undefined && method !== 'GET' && method !== 'HEAD' && /\/(freeze|unfreeze|close|void|post)$|\/keys\//.test(path))
          body = '{"x":1}'
      }
      const hdrs: Record<string, string> = { ...r.headers, ...keyFor(r.key) }
      if (hdrs['content-type'] === '') delete hdrs['content-type']
      const res = await fetch(`${api.url}${path}${r.query}`, { method, headers: hdrs, body: body as RequestInit['body'] })
      const text = await res.text()
      expect(res.status, `${method} ${path} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500)
      if (res.status >= 400 && method !== 'HEAD') {
        const parsed = JSON.parse(text) as { error: Record<string, unknown> }
        seen.set(String(parsed.error.code), (seen.get(String(parsed.error.code)) ?? 0) + 1)
        expect(parsed.error).toEqual({
          code: expect.stringMatching(/^[A-Z_]+$/),
          message: expect.any(String),
          details: parsed.error.details === null ? null : expect.any(Object),
          requestId: res.headers.get('x-request-id'),
        })
      }
    }),
    { numRuns: 500 },
  )
  expect(await snapshot(api.ledger, t.tenantId)).toEqual(before)
  expect((await api.keys.list(t.tenantId)).length).toBe(keysBefore)
  // The hostile input reached past the HTTP layer into validation and the ledger's rules.
  for (const code of ['UNAUTHORIZED', 'VALIDATION', 'NOT_FOUND', 'MALFORMED_JSON', 'UNSUPPORTED_MEDIA_TYPE'])
    expect([code, seen.has(code)]).toEqual([code, true])
})

it('answers garbage on the socket in the error shape and keeps serving', async () => {
  const line = fc.oneof(
    fc.stringMatching(/^[\x20-\x7e]{0,200}$/),
    fc.constantFrom(
      'GET /v1\\tenant HTTP/1.1',
      'GET http://[::1/ HTTP/1.1',
      'BREW /pot HTTP/1.1',
      'GET /v1/tenant HTTP/9.9',
      'GET / HTTP/1.1\r\nHost: a\r\nHost: b',
    ),
  )
  await fc.assert(
    fc.asyncProperty(line, fc.stringMatching(/^[\x20-\x7e]{0,40}$/), async (requestLine, header) => {
      const raw = await rawRequest(api.url, `${requestLine}\r\nHost: 127.0.0.1\r\nX-Junk: ${header}\r\nConnection: close\r\n\r\n`)
      if (raw.status) expect(raw.status).toBeLessThan(500)
      if (raw.status >= 400 && raw.body) expect(JSON.parse(raw.body).error.code).toMatch(/^[A-Z_]+$/)
    }),
    { numRuns: 60 },
  )
  expect((await api.request('GET', '/healthz')).status).toBe(200)
})
