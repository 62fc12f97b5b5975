/**
 * The app around the routes: health, the OpenAPI document and docs page,
 * request ids and logs, authentication, and bodies that are too big, not JSON
 * or JSON that is unsafe to store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import './testing/no-console.js'
import { type Community, type TestApi, seedCommunity, startTestApi } from './testing/harness.js'

let api: TestApi
let t: Community
let draining = false

beforeAll(async () => {
  api = await startTestApi({ bodyLimit: 64 * 1024, isDraining: () => draining })
  t = await seedCommunity(api)
})
afterAll(() => api.close())

describe('health', () => {
  it('answers 200 when storage answers, and 503 with Connection: close while draining', async () => {
    const ok = await api.request('GET', '/healthz')
    expect([ok.status, ok.body]).toEqual([200, { status: 'ok', storage: api.storage.kind }])
    draining = true
    try {
      const res = await api.request('GET', '/healthz')
      expect([res.status, res.body.error.code, res.headers.get('connection')]).toEqual([503, 'UNAVAILABLE', 'close'])
    } finally {
      draining = false
    }
  })
})

describe('OpenAPI and docs', () => {
  it('serves an OpenAPI 3.1 document describing every route with bearer auth', async () => {
    const res = await api.request('GET', '/openapi.json')
    expect(res.status).toBe(200)
    const doc = res.body
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    const ops = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, m]) =>
      Object.keys(m).map((k) => `${k.toUpperCase()} ${p}`),
    )
    expect(ops.sort()).toEqual(
      [
        'POST /v1/tenants',
        'GET /v1/tenant',
        'GET /v1/tenant/assets',
        'POST /v1/tenant/assets',
        'GET /v1/tenant/totals',
        'POST /v1/accounts',
        'GET /v1/accounts',
        'GET /v1/accounts/{accountId}',
        'POST /v1/accounts/{accountId}/freeze',
        'POST /v1/accounts/{accountId}/unfreeze',
        'POST /v1/accounts/{accountId}/close',
        'GET /v1/accounts/{accountId}/balance',
        'GET /v1/accounts/{accountId}/history',
        'POST /v1/earnings',
        'POST /v1/transfers',
        'POST /v1/redemptions',
        'POST /v1/batches',
        'GET /v1/transfers/{transferId}',
        'POST /v1/transfers/{transferId}/post',
        'POST /v1/transfers/{transferId}/void',
        'POST /v1/transfers/{transferId}/reverse',
        'POST /v1/keys',
        'GET /v1/keys',
        'DELETE /v1/keys/{keyId}',
        'POST /v1/sessions',
        'POST /v1/sessions/link',
        'DELETE /v1/sessions',
        'DELETE /v1/sessions/current',
        'GET /v1/me',
        'POST /v1/users/me/password',
        'POST /v1/users',
        'GET /v1/users',
        'GET /v1/users/{userId}',
        'POST /v1/users/{userId}/disable',
        'POST /v1/users/{userId}/sign-in-links',
        'PUT /v1/community',
        'GET /v1/community',
        'GET /v1/community/points-rules',
        'POST /v1/community/points-rules',
        'GET /v1/community/points-rules/{version}',
        'GET /v1/community/reconciliation',
        'GET /v1/community/summary',
        'POST /v1/community/reconciliation/heal',
        'GET /v1/journal/verification',
        'POST /v1/journal/checkpoints',
        'POST /v1/members',
        'GET /v1/members',
        'GET /v1/members/{memberId}',
        'POST /v1/members/{memberId}/approve',
        'POST /v1/members/{memberId}/reject',
        'POST /v1/members/{memberId}/deactivate',
        'POST /v1/members/{memberId}/reactivate',
        'POST /v1/members/{memberId}/erase',
        'PUT /v1/members/{memberId}/grid',
        'GET /v1/members/{memberId}/places',
        'GET /v1/members/{memberId}/relatives',
        'POST /v1/members/{memberId}/relatives',
        'DELETE /v1/members/{memberId}/relatives/{relativeId}',
        'POST /v1/grids',
        'GET /v1/grids',
        'GET /v1/grids/{gridId}',
        'POST /v1/grids/{gridId}/move',
        'PUT /v1/grids/{gridId}/leader',
        'POST /v1/organisations',
        'GET /v1/organisations',
        'GET /v1/organisations/{organisationId}',
        'GET /v1/organisations/{organisationId}/members',
        'POST /v1/organisations/{organisationId}/members',
        'DELETE /v1/organisations/{organisationId}/members/{memberId}',
        'GET /v1/members/{memberId}/organisations',
        'POST /v1/activities',
        'GET /v1/activities',
        'GET /v1/activities/{activityId}',
        'POST /v1/activities/{activityId}/cancel',
        'POST /v1/activities/{activityId}/close',
        'GET /v1/activities/{activityId}/checkin-code',
        'GET /v1/activities/{activityId}/checkin-qr.svg',
        'POST /v1/activities/{activityId}/signups/{memberId}',
        'DELETE /v1/activities/{activityId}/signups/{memberId}',
        'GET /v1/activities/{activityId}/signups',
        'POST /v1/activities/{activityId}/checkins',
        'POST /v1/activities/{activityId}/checkouts',
        'GET /v1/activities/{activityId}/attendance',
        'POST /v1/hour-records',
        'GET /v1/hour-records',
        'GET /v1/hour-records/{recordId}',
        'GET /v1/hour-records/{recordId}/history',
        'POST /v1/hour-records/{recordId}/approve',
        'POST /v1/hour-records/{recordId}/reject',
        'POST /v1/hour-records/{recordId}/adjust',
        'POST /v1/hour-records/{recordId}/complaint',
        'POST /v1/hour-records/approvals',
        'POST /v1/hour-records/rejections',
        'POST /v1/rewards',
        'GET /v1/rewards',
        'GET /v1/rewards/{rewardId}',
        'PATCH /v1/rewards/{rewardId}',
        'POST /v1/rewards/{rewardId}/restocks',
        'POST /v1/rewards/{rewardId}/write-offs',
        'GET /v1/reward-stock',
        'GET /v1/rollups/series',
        'POST /v1/reward-redemptions',
        'GET /v1/reward-redemptions',
        'GET /v1/reward-redemptions/{redemptionId}',
        'POST /v1/reward-redemptions/{redemptionId}/hand-over',
        'POST /v1/reward-redemptions/{redemptionId}/cancel',
        'GET /v1/reward-redemptions-reconciliation',
        'POST /v1/reward-redemptions-expiry',
        'GET /v1/honour-roll',
        'GET /v1/periods/{period}',
        'POST /v1/periods/{period}/close',
        'GET /v1/grids/{gridId}/rollup',
        'GET /v1/rollups',
        'GET /v1/members/{memberId}/statement',
        'POST /v1/certificates',
        'GET /v1/certificates',
        'GET /v1/certificates/{serial}',
        'GET /v1/certificates/{serial}/print',
        'GET /v1/public/{tenantId}/disclosure',
        'GET /v1/public/{tenantId}/certificates/{serial}/verify',
        'GET /v1/public/{tenantId}/public-key',
        'GET /healthz',
        'GET /v1/community/policy',
        'GET /v1/community/policies',
        'POST /v1/community/policies',
        'GET /v1/community/policies/{version}',
        'POST /v1/gifts',
        'POST /v1/donations',
        'POST /v1/expiry-runs',
        'GET /v1/members/{memberId}/expiring-points',
        'GET /v1/members/{memberId}/signups',
        'POST /v1/services',
        'GET /v1/services',
        'PATCH /v1/services/{serviceId}',
        'GET /v1/services/{serviceId}',
        'POST /v1/orders',
        'GET /v1/orders',
        'POST /v1/orders/sweep',
        'GET /v1/orders/reconciliation',
        'GET /v1/orders/{orderId}',
        'GET /v1/orders/{orderId}/history',
        'POST /v1/orders/{orderId}/dispatch',
        'POST /v1/orders/{orderId}/accept',
        'POST /v1/orders/{orderId}/refuse',
        'POST /v1/orders/{orderId}/complete',
        'POST /v1/orders/{orderId}/confirm',
        'POST /v1/orders/{orderId}/dispute',
        'POST /v1/orders/{orderId}/resolve',
        'POST /v1/orders/{orderId}/cancel',
        'POST /v1/wishes',
        'GET /v1/wishes',
        'GET /v1/wishes/counts',
        'GET /v1/wishes/reconciliation',
        'POST /v1/wishes/reconciliation/heal',
        'GET /v1/wishes/{wishId}',
        'POST /v1/wishes/{wishId}/claim',
        'POST /v1/wishes/{wishId}/release',
        'POST /v1/wishes/{wishId}/fulfil',
        'POST /v1/wishes/{wishId}/confirm',
        'POST /v1/wishes/{wishId}/cancel',
        'GET /v1/accounts/{accountId}/limits',
        'POST /v1/accounts/{accountId}/limits',
      ].sort(),
    )
    const transfer = doc.components.schemas.TransferRequest
    expect(transfer.additionalProperties).toBe(false)
    expect(transfer.properties.amount).toMatchObject({ type: 'string', pattern: expect.any(String) })
    expect(doc.paths['/v1/transfers'].post.responses['422']).toEqual({ $ref: '#/components/responses/Unprocessable' })
    expect(doc.components.responses.Unprocessable.content['application/json'].schema.$ref).toBe('#/components/schemas/Error')
  })

  it('serves the reference page and its assets from this server only', async () => {
    const page = await api.request('GET', '/docs')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(page.text).not.toMatch(/https?:\/\//)
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'")
    for (const src of page.text.match(/(?:src|href)="([^"]+)"/g) ?? []) {
      const path = src.replace(/^(src|href)="|"$/g, '')
      const asset = await fetch(`${api.url}${path}`)
      expect([path, asset.status]).toEqual([path, 200])
      await asset.arrayBuffer()
    }
    const init = await api.request('GET', '/docs/assets/init.js')
    expect(init.text).toContain("url: '/openapi.json'")
    expect((await api.request('GET', '/docs/assets/../../package.json')).status).toBe(404)
  })
})

describe('request ids and logs', () => {
  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const echoed = await api.request('GET', '/v1/tenant', { key: t.staff, headers: { 'x-request-id': 'abc-123' } })
    expect(echoed.headers.get('x-request-id')).toBe('abc-123')
    const replaced = await api.request('GET', '/v1/tenant', { key: t.staff, headers: { 'x-request-id': 'a b"c' } })
    expect(replaced.headers.get('x-request-id')).toMatch(/^req_[0-9a-f-]{36}$/)
  })

  it('handles a path that matches the catch-all twice once: one id, one log line', async () => {
    const before = api.logger.records.length
    const res = await api.request('GET', '/*', { headers: { 'x-request-id': 'star-1' } })
    expect([res.status, res.headers.get('x-request-id'), res.body.error.requestId]).toEqual([404, 'star-1', 'star-1'])
    expect(api.logger.records.slice(before)).toHaveLength(1)
  })

  it('logs one line per request with method, path, status, duration and ids, never keys, bodies or query strings', async () => {
    const before = api.logger.records.length
    await api.request('POST', '/v1/transfers?secret=q', {
      key: t.ana,
      json: { id: 'log-1', from: 'ana:hours', to: 'bo:hours', amount: '0.01', memo: 'private memo' },
      headers: { 'x-request-id': 'log-req-1' },
    })
    const lines = api.logger.records.slice(before)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toEqual({
      level: 'info',
      msg: 'request',
      requestId: 'log-req-1',
      method: 'POST',
      path: '/v1/transfers',
      status: 201,
      durationMs: expect.any(Number),
      tenantId: t.tenantId,
      keyId: t.keyIds.ana,
    })
    const text = JSON.stringify(api.logger.records)
    for (const secret of [t.ana, t.admin, t.staff, api.operatorKey, 'private memo', 'secret=q']) expect(text).not.toContain(secret)
  })
})

describe('authentication', () => {
  it('answers 401 with a Bearer challenge to a missing, malformed, unknown or non-bearer key', async () => {
    for (const authorization of [
      undefined,
      'Bearer',
      'Bearer ',
      'Basic YWxhZGRpbjpvcGVuc2VzYW1l',
      `Token ${t.admin}`,
      'Bearer tbk_unknown',
      `Bearer ${t.admin}x`,
    ]) {
      const res = await api.request('GET', '/v1/tenant', { headers: authorization ? { authorization } : {} })
      expect([authorization, res.status, res.body.error.code]).toEqual([authorization, 401, 'UNAUTHORIZED'])
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="timebank"/)
    }
    const lower = await api.request('GET', '/v1/tenant', { headers: { authorization: `bearer ${t.admin}` } })
    expect(lower.status).toBe(200)
  })

  it('answers 404 in the error shape for unknown routes and methods', async () => {
    for (const [method, path] of [
      ['GET', '/v1/nope'],
      ['PUT', '/v1/tenant'],
      ['GET', '/nope'],
    ] as const) {
      const res = await api.request(method, path, { key: t.admin })
      expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 404, 'NOT_FOUND'])
    }
  })
})

describe('request bodies', () => {
  const send = (body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    api.request('POST', '/v1/transfers', { key: t.admin, body, headers })

  it('refuses bodies over the limit, declared or streamed', async () => {
    const big = JSON.stringify({ id: 'big', from: 'ana:hours', to: 'bo:hours', amount: '1', memo: 'x'.repeat(70 * 1024) })
    const declared = await send(big)
    expect([declared.status, declared.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE'])
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big))
        controller.close()
      },
    })
    const res = await fetch(`${api.url}/v1/transfers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.admin}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit)
    const body = (await res.json()) as { error: { code: string } }
    expect([res.status, body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE'])
  })

  it('refuses bodies that are not JSON, or JSON in another charset', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await send('{"id":"x"}', { 'content-type': type })
      expect([type, res.status, res.body.error.code]).toEqual([type, 415, 'UNSUPPORTED_MEDIA_TYPE'])
    }
    const noType = await send('{"id":"x"}', {})
    expect([noType.status, noType.body.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE'])
    const vendor = await send('{}', { 'content-type': 'application/vnd.timebank+json; charset=UTF-8' })
    expect([vendor.status, vendor.body.error.code]).toEqual([400, 'VALIDATION'])
  })

  it('refuses malformed, ambiguous or unstorable JSON', async () => {
    const cases: [string, string | Uint8Array][] = [
      ['syntax', '{"id": "x",}'],
      ['not utf-8', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
      ['duplicate key', '{"id":"a","from":"ana:hours","to":"bo:hours","amount":"1","amount":"1000"}'],
      ['too deep', `{"metadata":${'['.repeat(100)}${']'.repeat(100)}}`],
      ['NUL', '{"id":"a","from":"ana:hours","to":"bo:hours","amount":"1","memo":"a\\u0000b"}'],
      ['lone surrogate', '{"id":"a","from":"ana:hours","to":"bo:hours","amount":"1","memo":"\\ud800"}'],
      ['__proto__', '{"id":"a","from":"ana:hours","to":"bo:hours","amount":"1","metadata":{"__proto__":{"x":1}}}'],
    ]
    for (const [name, body] of cases) {
      const res = await send(body)
      expect([name, res.status, res.body.error.code]).toEqual([name, 400, 'MALFORMED_JSON'])
    }
  })

  it('refuses wrong types, unknown fields and exotic amounts as a validation error', async () => {
    const base = { id: 'v', from: 'ana:hours', to: 'bo:hours' }
    for (const json of [
      [],
      'a string',
      { ...base, amount: 1.5 },
      { ...base, amount: '1e3' },
      { ...base, amount: '-1' },
      { ...base, amount: ' 1' },
      { ...base, amount: '0x10' },
      { ...base, amount: '1'.repeat(65) },
      { ...base, amount: '1', extra: true },
      { ...base, amount: '1', id: 'x'.repeat(129) },
      { ...base, amount: '1', from: "ana'; drop table tb_transfers; --" },
    ]) {
      const res = await send(JSON.stringify(json))
      expect([json, res.status, res.body.error.code]).toEqual([json, 400, 'VALIDATION'])
    }
    for (const amount of ['0', '0.001', '12345678901234567890']) {
      const res = await send(JSON.stringify({ ...base, id: `z${amount}`, amount }))
      expect([amount, res.status, res.body.error.code]).toEqual([amount, 422, 'INVALID_AMOUNT'])
    }
  })
})
