/**
 * Every error code the API can answer with, produced end to end, with its
 * status and the one error shape.
 */
import { CommunityErrorCode } from '@timebank/community'
import { ErrorCode, LedgerError } from '@timebank/ledger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import './testing/no-console.js'
import { ApiErrorCode, STATUS } from './errors.js'
import { type CommunityFixture, type FixtureMember, setUpCommunity } from './testing/community-fixture.js'
import { type Community, type TestApi, type TestResponse, seedCommunity, startTestApi } from './testing/harness.js'
import { rawRequest } from './testing/raw-http.js'

let api: TestApi
let t: Community
let broken: TestApi

beforeAll(async () => {
  api = await startTestApi({ bodyLimit: 4096 })
  t = await seedCommunity(api)
  fx = await setUpCommunity(api)
  ana = await fx.member()
  // Same storage and keys, but a ledger that fails in the ways only storage can.
  broken = await startTestApi({
    ledger: (real) => ({
      ...real,
      getTransfer: async () => {
        throw new LedgerError(ErrorCode.CONTENTION, 'storage stayed busy; retry the same request')
      },
      totals: async () => {
        throw new Error('connection to 10.0.0.7 failed: password=hunter2')
      },
    }),
    health: { check: async () => Promise.reject(new Error('down')), storage: 'pglite' },
  })
})
afterAll(async () => {
  await api.close()
  await broken.close()
})

const evidence = { activity: 'visit', reviewer: 'li' }
const post = (path: string, json: unknown, key = t.admin) => api.request('POST', path, { key, json })

let n = 0
const uid = (p: string) => `${p}-${++n}`

/** code → a request that must produce it. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are arbitrary JSON that the assertions read
const scenarios: Record<string, () => Promise<TestResponse | { status: number; body: any; headers: Headers }>> = {
  VALIDATION: () => post('/v1/transfers', { id: uid('v'), from: 'ana:hours', to: 'bo:hours', amount: 12 }),
  INVALID_AMOUNT: () => post('/v1/transfers', { id: uid('ia'), from: 'ana:hours', to: 'bo:hours', amount: '0.001' }),
  TENANT_EXISTS: () => api.request('POST', '/v1/tenants', { key: api.operatorKey, json: { id: t.tenantId, name: 'other name' } }),
  ASSET_NOT_FOUND: () => post('/v1/accounts', { id: uid('acc'), asset: 'GOLD', owner: { type: 'member', id: 'x' } }),
  ASSET_EXISTS: () => post('/v1/tenant/assets', { code: 'HOUR', scale: 0 }),
  ACCOUNT_NOT_FOUND: () => post('/v1/transfers', { id: uid('anf'), from: 'ana:hours', to: 'ghost', amount: '1' }),
  ACCOUNT_EXISTS: () => post('/v1/accounts', { id: 'ana:hours', asset: 'POINT', owner: { type: 'member', id: 'ana' } }),
  ASSET_MISMATCH: () => post('/v1/transfers', { id: uid('am'), from: 'ana:hours', to: 'bo:points', amount: '1' }),
  ACCOUNT_KIND_NOT_ALLOWED: () =>
    post('/v1/redemptions', { id: uid('kind'), from: 'ana:points', to: 'bo:points', amount: '1', item: { ref: 'x' } }),
  INSUFFICIENT_FUNDS: () => post('/v1/transfers', { id: uid('if'), from: 'bo:hours', to: 'ana:hours', amount: '1000' }),
  CEILING_EXCEEDED: async () => {
    const id = uid('capped')
    await post('/v1/accounts', { id, asset: 'HOUR', owner: { type: 'member', id: 'cap' }, ceiling: '1' })
    return post('/v1/earnings', { id: uid('ce'), to: id, amount: '2', evidence })
  },
  BALANCE_OVERFLOW: async () => {
    const id = uid('big')
    await post('/v1/accounts', { id, asset: 'POINT', owner: { type: 'member', id: 'big' } })
    let res: TestResponse | undefined
    for (let i = 0; i < 12; i++) {
      res = await post('/v1/earnings', { id: uid('bo'), to: id, amount: '999999999999999999', evidence })
      if (res.status !== 201) break
    }
    return res as TestResponse
  },
  ACCOUNT_FROZEN: async () => {
    const id = uid('frozen')
    await post('/v1/accounts', { id, asset: 'HOUR', owner: { type: 'member', id: 'fz' } })
    await post(`/v1/accounts/${id}/freeze`, undefined)
    return post('/v1/earnings', { id: uid('fz'), to: id, amount: '1', evidence })
  },
  ACCOUNT_CLOSED: async () => {
    const id = uid('closed')
    await post('/v1/accounts', { id, asset: 'HOUR', owner: { type: 'member', id: 'cl' } })
    await post(`/v1/accounts/${id}/close`, undefined)
    return post('/v1/earnings', { id: uid('cl'), to: id, amount: '1', evidence })
  },
  ACCOUNT_NOT_EMPTY: () => post('/v1/accounts/ana:points/close', undefined),
  ACCOUNT_UNBOUNDED: async () => {
    const id = uid('unbounded')
    await post('/v1/accounts', { id, asset: 'HOUR', owner: { type: 'member', id: 'ub' }, floor: null })
    return post(`/v1/accounts/${id}/limits`, { id: uid('lim'), ceiling: '10' })
  },
  IDEMPOTENCY_CONFLICT: async () => {
    const id = uid('ic')
    await post('/v1/transfers', { id, from: 'ana:hours', to: 'bo:hours', amount: '0.01' })
    return post('/v1/transfers', { id, from: 'ana:hours', to: 'bo:hours', amount: '0.02' })
  },
  TRANSFER_NOT_FOUND: () => api.request('GET', '/v1/transfers/never', { key: t.staff }),
  PENDING_NOT_FOUND: () => post('/v1/transfers/seed-ana-hours/void', { id: uid('pnf') }),
  PENDING_ALREADY_RESOLVED: async () => {
    const id = uid('hold')
    await post('/v1/transfers', { id, from: 'ana:hours', to: 'bo:hours', amount: '0.01', pending: true })
    await post(`/v1/transfers/${id}/void`, { id: uid('void') })
    return post(`/v1/transfers/${id}/post`, { id: uid('post') })
  },
  PENDING_EXPIRED: async () => {
    const id = uid('hold')
    await post('/v1/transfers', { id, from: 'ana:hours', to: 'bo:hours', amount: '0.01', pending: true, timeoutSeconds: 5 })
    api.advanceClock(6_000)
    return post(`/v1/transfers/${id}/post`, { id: uid('post') })
  },
  PENDING_AMOUNT_EXCEEDED: async () => {
    const id = uid('hold')
    await post('/v1/transfers', { id, from: 'ana:hours', to: 'bo:hours', amount: '0.01', pending: true })
    return post(`/v1/transfers/${id}/post`, { id: uid('post'), amount: '5' })
  },
  NOT_REVERSIBLE: async () => {
    const id = uid('hold')
    await post('/v1/transfers', { id, from: 'ana:hours', to: 'bo:hours', amount: '0.01', pending: true })
    return post(`/v1/transfers/${id}/reverse`, { id: uid('rev'), reason: 'oops' })
  },
  REVERSAL_EXCEEDS_ORIGINAL: () => post('/v1/transfers/seed-bo-hours/reverse', { id: uid('rev'), amount: '6', reason: 'too much' }),
  CONTENTION: () => broken.request('GET', '/v1/transfers/x', { key: broken.operatorKey }),
  UNAUTHORIZED: () => api.request('GET', '/v1/tenant', { key: 'tbk_not-a-key' }),
  FORBIDDEN: () => post('/v1/earnings', { id: uid('f'), to: 'ana:hours', amount: '1', evidence }, t.ana),
  NOT_FOUND: () => api.request('GET', '/v1/nothing-here', { key: t.admin }),
  PAYLOAD_TOO_LARGE: () => post('/v1/transfers', { id: uid('big'), memo: 'x'.repeat(5000) }),
  MALFORMED_JSON: () =>
    api.request('POST', '/v1/transfers', { key: t.admin, body: '{"id":', headers: { 'content-type': 'application/json' } }),
  UNSUPPORTED_MEDIA_TYPE: () =>
    api.request('POST', '/v1/transfers', { key: t.admin, body: 'id=1', headers: { 'content-type': 'text/plain' } }),
  IDEMPOTENCY_KEY_REQUIRED: () => post('/v1/transfers', { from: 'ana:hours', to: 'bo:hours', amount: '1' }),
  IDEMPOTENCY_KEY_MISMATCH: () =>
    api.request('POST', '/v1/transfers', {
      key: t.admin,
      json: { id: 'a', from: 'ana:hours', to: 'bo:hours', amount: '1' },
      headers: { 'idempotency-key': 'b' },
    }),
  LAST_ADMIN_KEY: () => api.request('DELETE', `/v1/keys/${t.keyIds.admin}`, { key: t.admin }),
  INVALID_CREDENTIALS: () => api.request('POST', '/v1/sessions', { json: { tenantId: t.tenantId, login: 'nobody', password: 'whatever' } }),
  SIGN_IN_LOCKED: async () => {
    const login = uid('locked')
    await post('/v1/users', { id: login, login, name: 'x', role: 'staff', password: 'the right password' })
    const attempt = (password: string) => api.request('POST', '/v1/sessions', { json: { tenantId: t.tenantId, login, password } })
    for (let i = 0; i < 5; i++) await attempt('a wrong password')
    return attempt('the right password')
  },
  SIGN_IN_LINK_INVALID: () => api.request('POST', '/v1/sessions/link', { json: { tenantId: t.tenantId, token: 'tbl_made-up' } }),
  LOGIN_TAKEN: async () => {
    await post('/v1/users', { id: uid('taken'), login: 'Taken', name: 'x', role: 'admin' })
    return post('/v1/users', { id: uid('taken'), login: 'TAKEN', name: 'y', role: 'admin' })
  },
  BAD_REQUEST: async () => {
    const raw = await rawRequest(api.url, 'GET /v1\\tenant HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    return { status: raw.status, body: JSON.parse(raw.body), headers: new Headers(raw.headers) }
  },
  HEADERS_TOO_LARGE: async () => {
    const raw = await rawRequest(
      api.url,
      `GET /v1/tenant HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
    )
    return { status: raw.status, body: JSON.parse(raw.body), headers: new Headers(raw.headers) }
  },
  UNAVAILABLE: () => broken.request('GET', '/healthz'),
  INTERNAL: () => broken.request('GET', '/v1/tenant/totals', { key: broken.operatorKey }),
}

const HOUR_MS = 3_600_000
/** A community (its own tenant, set up in beforeAll) for the community's codes. */
let fx: CommunityFixture
let ana: FixtureMember
const cpost = (path: string, json?: unknown, key = fx.admin) => api.request('POST', path, { key, ...(json === undefined ? {} : { json }) })
const cget = (path: string, key = fx.admin) => api.request('GET', path, { key })
/** An activity of the community from `startsIn` ms from now, for `hours`. */
async function activity(startsIn = -10 * 60_000, hours = 2): Promise<string> {
  const id = uid('act')
  const startsAt = new Date(Date.now() + startsIn)
  const res = await cpost('/v1/activities', {
    id,
    title: 'Clean-up',
    kind: 'clean-up',
    place: 'yard',
    gridId: 'g1',
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + hours * HOUR_MS).toISOString(),
    capacity: 10,
    maxHours: '2',
  })
  if (res.status !== 201) throw new Error(`activity: ${res.status} ${res.text}`)
  return id
}
const code = async (activityId: string) => (await cget(`/v1/activities/${activityId}/checkin-code`)).body.code as string
async function signedIn(): Promise<{ activityId: string; member: FixtureMember }> {
  const activityId = await activity()
  const member = await fx.member()
  await cpost(`/v1/activities/${activityId}/signups/${member.id}`, undefined, member.key)
  await cpost(`/v1/activities/${activityId}/checkins`, { code: await code(activityId) }, member.key)
  return { activityId, member }
}
async function manualRecord(memberId: string, key = fx.staff): Promise<string> {
  const id = uid('rec')
  await cpost('/v1/hour-records', { id, memberId, kind: 'visit', startedAt: '2026-03-01T01:00:00Z', endedAt: '2026-03-01T02:00:00Z' }, key)
  return id
}

/** The community's codes: code → a request that must produce it. */
const communityScenarios: typeof scenarios = {
  COMMUNITY_NOT_FOUND: () => api.request('GET', '/v1/community', { key: t.admin }),
  MEMBER_NOT_FOUND: () => cget('/v1/members/nobody'),
  MEMBER_EXISTS: () => cpost('/v1/members', { id: ana.id, name: '另一个人' }),
  MEMBER_NOT_ACTIVE: async () => {
    const applicant = await fx.member({ applied: true })
    return cpost(`/v1/activities/${await activity()}/signups/${applicant.id}`, undefined, fx.staff)
  },
  GRID_NOT_FOUND: () => cget('/v1/grids/nowhere'),
  GRID_EXISTS: () => cpost('/v1/grids', { id: 'g1', parentId: 'root', name: 'Another name', level: 'grid' }),
  GRID_CYCLE: () => cpost('/v1/grids/root/move', { parentId: 'g1' }),
  ORGANISATION_NOT_FOUND: () => cget('/v1/organisations/nobody'),
  ORGANISATION_EXISTS: async () => {
    const id = uid('org')
    await cpost('/v1/organisations', { id, kind: 'partner', name: 'School' })
    return cpost('/v1/organisations', { id, kind: 'partner', name: 'Another school' })
  },
  ACTIVITY_NOT_FOUND: () => cget('/v1/activities/nothing'),
  ACTIVITY_EXISTS: async () => {
    const id = await activity()
    const res = await cpost('/v1/activities', {
      id,
      title: 'Another',
      kind: 'clean-up',
      place: 'yard',
      gridId: 'g1',
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + HOUR_MS).toISOString(),
      capacity: 3,
      maxHours: '1',
    })
    return res
  },
  ACTIVITY_CANCELLED: async () => {
    const id = await activity()
    await cpost(`/v1/activities/${id}/cancel`)
    return cpost(`/v1/activities/${id}/signups/${ana.id}`, undefined, ana.key)
  },
  // service orders
  SERVICE_NOT_FOUND: () => cget('/v1/services/no-such-service', fx.staff),
  SERVICE_EXISTS: async () => {
    await cpost('/v1/services', { id: 'svc-twice', name: 'Once', hours: '1' }, fx.staff)
    return cpost('/v1/services', { id: 'svc-twice', name: 'Twice', hours: '2' }, fx.staff)
  },
  SERVICE_INACTIVE: async () => {
    await cpost('/v1/services', { id: 'svc-off', name: 'Off', hours: '1', active: false }, fx.staff)
    return cpost('/v1/orders', { id: uid('ord'), serviceId: 'svc-off' }, ana.key)
  },
  ORDER_NOT_FOUND: () => cget('/v1/orders/no-such-order', fx.staff),
  ORDER_EXISTS: async () => {
    await cpost('/v1/services', { id: 'svc-on', name: 'On', hours: '1' }, fx.staff)
    const id = uid('ord')
    await cpost('/v1/orders', { id, serviceId: 'svc-on' }, ana.key)
    return cpost('/v1/orders', { id, serviceId: 'svc-on', note: 'other' }, ana.key)
  },
  ORDER_NOT_ALLOWED: async () => {
    await cpost('/v1/services', { id: 'svc-on', name: 'On', hours: '1' }, fx.staff)
    return cpost('/v1/orders', { id: uid('ord'), serviceId: 'svc-on', payer: 'pool' }, ana.key)
  },
  PROVIDER_IS_RESIDENT: async () => {
    await cpost('/v1/services', { id: 'svc-on', name: 'On', hours: '1' }, fx.staff)
    const id = uid('ord')
    await cpost('/v1/orders', { id, serviceId: 'svc-on' }, ana.key)
    return cpost(`/v1/orders/${id}/dispatch`, { provider: { type: 'member', id: ana.id } }, fx.staff)
  },
  ACTIVITY_ENDED: async () => cpost(`/v1/activities/${await activity(-5 * HOUR_MS, 1)}/signups/${ana.id}`, undefined, ana.key),
  ACTIVITY_CLOSED: async () => {
    const id = await activity(-5 * HOUR_MS, 1)
    await cpost(`/v1/activities/${id}/close`)
    return cpost(`/v1/activities/${id}/checkins`, { memberId: ana.id })
  },
  ACTIVITY_NOT_ENDED: async () => cpost(`/v1/activities/${await activity()}/close`),
  POLICY_NOT_FOUND: () => cget('/v1/community/policies/4242'),
  POLICY_VIOLATION: async () => {
    const other = await fx.member()
    await cpost('/v1/community/policies', { policy: { gifting: { recipients: 'none' } } })
    const res = await cpost('/v1/gifts', { id: uid('gift'), to: other.id, asset: 'POINT', amount: '1' }, ana.key)
    await cpost('/v1/community/policies', { policy: {} })
    return res
  },
  NOT_SIGNED_UP: async () => {
    const id = await activity()
    return cpost(`/v1/activities/${id}/checkins`, { code: await code(id) }, ana.key)
  },
  ALREADY_CHECKED_IN: async () => {
    const { activityId, member } = await signedIn()
    return cpost(`/v1/activities/${activityId}/checkins`, { code: await code(activityId) }, member.key)
  },
  NOT_CHECKED_IN: async () => {
    const id = await activity()
    await cpost(`/v1/activities/${id}/signups/${ana.id}`, undefined, ana.key)
    return cpost(`/v1/activities/${id}/checkouts`, { code: await code(id) }, ana.key)
  },
  ALREADY_CHECKED_OUT: async () => {
    const { activityId, member } = await signedIn()
    await cpost(`/v1/activities/${activityId}/checkouts`, { code: await code(activityId) }, member.key)
    return cpost(`/v1/activities/${activityId}/checkouts`, { code: await code(activityId) }, member.key)
  },
  CHECKIN_CODE_INVALID: async () => {
    const id = await activity()
    await cpost(`/v1/activities/${id}/signups/${ana.id}`, undefined, ana.key)
    const right = await code(id)
    return cpost(`/v1/activities/${id}/checkins`, { code: right === '000000' ? '111111' : '000000' }, ana.key)
  },
  CHECKIN_CLOSED: async () => cpost(`/v1/activities/${await activity(24 * HOUR_MS)}/checkins`, { memberId: ana.id }, fx.staff),
  RECORD_NOT_FOUND: () => cget('/v1/hour-records/nothing'),
  RECORD_EXISTS: async () => {
    const id = await manualRecord(ana.id)
    return cpost('/v1/hour-records', {
      id,
      memberId: ana.id,
      kind: 'other',
      startedAt: '2026-03-01T01:00:00Z',
      endedAt: '2026-03-01T02:00:00Z',
    })
  },
  INVALID_TRANSITION: async () => {
    const id = await manualRecord(ana.id)
    await cpost(`/v1/hour-records/${id}/reject`, { reason: 'no' })
    return cpost(`/v1/hour-records/${id}/approve`)
  },
  SECOND_APPROVER_REQUIRED: async () => cpost(`/v1/hour-records/${await manualRecord(ana.id)}/approve`, undefined, fx.staff),
  RULE_NOT_FOUND: () => cget('/v1/community/points-rules/99', fx.staff),
  PERIOD_NOT_ENDED: () => cpost('/v1/periods/2099-01/close'),
  PERIOD_CLOSED: async () => {
    await cpost('/v1/periods/2020-01/close')
    return cpost('/v1/periods/2020-01/close')
  },
  CERTIFICATE_NOT_FOUND: () => cget('/v1/certificates/999'),
  NOTHING_TO_CERTIFY: async () => cpost('/v1/certificates', { requestId: uid('cert'), memberId: (await fx.member()).id, period: '2026' }),
  // Micro-wishes.
  WISH_NOT_FOUND: () => cget('/v1/wishes/nothing'),
  WISH_EXISTS: async () => {
    const id = await wishOf(ana)
    return cpost('/v1/wishes', { id, title: 'another', description: '' }, ana.key)
  },
  WISH_ALREADY_CLAIMED: async () => {
    const id = await wishOf(ana)
    await cpost(`/v1/wishes/${id}/claim`, undefined, (await fx.member()).key)
    return cpost(`/v1/wishes/${id}/claim`, undefined, (await fx.member()).key)
  },
  WISH_OWN: async () => cpost(`/v1/wishes/${await wishOf(ana)}/claim`, undefined, ana.key),
  WISH_NOT_CLAIMANT: async () => cpost(`/v1/wishes/${await wishOf(ana)}/release`, undefined, (await fx.member()).key),
  WISH_NOT_POSTER: async () => cpost(`/v1/wishes/${await wishOf(ana)}/cancel`, undefined, (await fx.member()).key),
  WISH_PAST_DEADLINE: async () => {
    const id = await wishOf(ana, { deadline: new Date(Date.now() + 20_000).toISOString() })
    api.advanceClock(21_000)
    return cpost(`/v1/wishes/${id}/claim`, undefined, (await fx.member()).key)
  },
  REWARD_NOT_FOUND: () => cget('/v1/rewards/nothing'),
  REWARD_EXISTS: async () => {
    const id = await reward()
    return cpost('/v1/rewards', { id, name: 'Other', price: '1' })
  },
  REWARD_INACTIVE: async () => {
    const id = await reward()
    await api.request('PATCH', `/v1/rewards/${id}`, { key: fx.admin, json: { active: false } })
    return cpost('/v1/reward-redemptions', { id: uid('rd'), rewardId: id }, ana.key)
  },
  OUT_OF_STOCK: async () => cpost('/v1/reward-redemptions', { id: uid('rd'), rewardId: await reward() }, ana.key),
  REDEMPTION_NOT_FOUND: () => cget('/v1/reward-redemptions/nothing'),
  REDEMPTION_EXISTS: async () => {
    const id = uid('rd')
    await cpost('/v1/reward-redemptions', { id, rewardId: await reward() }, ana.key)
    return cpost('/v1/reward-redemptions', { id, rewardId: await reward() }, ana.key)
  },
}

/** A wish of `member`'s, posted by her own key. */
async function wishOf(member: FixtureMember, over: Record<string, unknown> = {}): Promise<string> {
  const id = uid('wish')
  const res = await cpost('/v1/wishes', { id, title: '书包', description: '', ...over }, member.key)
  if (res.status !== 201) throw new Error(`wish: ${res.status} ${res.text}`)
  return id
}

/** A reward on the catalogue with nothing on its shelf. */
async function reward(): Promise<string> {
  const id = uid('reward')
  await cpost('/v1/rewards', { id, name: 'Soap', price: '5' })
  return id
}

/** Codes no request can produce, and why. */
const UNREACHABLE: Record<string, string> = {
  TENANT_NOT_FOUND: "the tenant is always the key's own, which exists",
  LINKED_EVENT_FAILED: "only appears inside a refused batch's details.results (see the batch tests)",
}

describe('error catalogue', () => {
  for (const [code, run] of Object.entries({ ...scenarios, ...communityScenarios })) {
    it(`answers ${code} with status ${STATUS[code as keyof typeof STATUS]} and the error shape`, async () => {
      const res = await run()
      expect(res.body?.error?.code).toBe(code)
      expect(res.status).toBe(STATUS[code as keyof typeof STATUS])
      expect(res.body).toEqual({
        error: { code, message: expect.any(String), details: res.body.error.details, requestId: expect.stringMatching(/^req_/) },
      })
      expect(res.body.error.details === null || typeof res.body.error.details === 'object').toBe(true)
      if (res.headers.get('x-request-id')) expect(res.headers.get('x-request-id')).toBe(res.body.error.requestId)
    })
  }

  it('covers every code of the status table', () => {
    const all = [...new Set([...Object.values(ErrorCode), ...Object.values(CommunityErrorCode), ...Object.values(ApiErrorCode)])]
    expect(all.filter((c) => !(c in scenarios) && !(c in communityScenarios) && !(c in UNREACHABLE))).toEqual([])
    expect(Object.keys(STATUS).sort()).toEqual([...all].sort())
  })

  it('asks for a retry on contention', async () => {
    const res = await broken.request('GET', '/v1/transfers/x', { key: broken.operatorKey })
    expect(res.headers.get('retry-after')).toBe('1')
  })

  it('hides an unexpected error behind a generic 500 and logs it under the request id', async () => {
    const res = await broken.request('GET', '/v1/tenant/totals', { key: broken.operatorKey, headers: { 'x-request-id': 'trace-123' } })
    expect(res.body.error).toEqual({
      code: 'INTERNAL',
      message: 'internal error; quote request id trace-123 when reporting it',
      details: null,
      requestId: 'trace-123',
    })
    expect(res.text).not.toContain('hunter2')
    const logged = broken.logger.records.find((r) => r.msg === 'unhandled error' && r.requestId === 'trace-123')
    expect(logged?.error).toMatchObject({ name: 'Error', message: expect.stringContaining('connection to 10.0.0.7 failed') })
  })
})
