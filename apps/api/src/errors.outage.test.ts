/**
 * Storage outages, told apart from bugs in one place (`storageUnavailable`):
 * each class of failure, and what a request that meets one answers and logs.
 */
import { DrizzleQueryError } from 'drizzle-orm'
import { ErrorCode, LedgerError } from '@timebank/ledger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import './testing/no-console.js'
import { storageUnavailable } from './errors.js'
import { type TestApi, startTestApi } from './testing/harness.js'

/** An error as a driver raises it: a message and a code. */
const failure = (code: string, message = `failed: ${code}`) => Object.assign(new Error(message), { code })

describe('storageUnavailable', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'])('calls a %s socket error an outage', (code) => {
    expect(storageUnavailable(failure(code))).toMatch(/unreachable/)
  })

  it.each([
    'CONNECT_TIMEOUT',
    'CONNECTION_CLOSED',
    'CONNECTION_ENDED',
    'CONNECTION_DESTROYED',
  ])("calls postgres.js's %s an outage", (code) => {
    expect(storageUnavailable(failure(code))).toMatch(code)
  })

  it('calls a pool connection not free in time (POOL_TIMEOUT) an outage', () => {
    expect(storageUnavailable(failure('POOL_TIMEOUT'))).toMatch(/POOL_TIMEOUT/)
  })

  it.each(['08000', '08001', '08003', '08006', '08P01'])('calls SQLSTATE %s (connection exception) an outage', (code) => {
    expect(storageUnavailable(failure(code))).toMatch(/connection/)
  })

  it.each(['53000', '53100', '53200', '53300'])('calls SQLSTATE %s (insufficient resources, 53100 disk full) an outage', (code) => {
    expect(storageUnavailable(failure(code))).toMatch(/out of resources/)
  })

  it.each(['57P01', '57P02', '57P03'])('calls SQLSTATE %s (shutdown, cannot connect now) an outage', (code) => {
    expect(storageUnavailable(failure(code))).toMatch(code)
  })

  it('calls SQLSTATE 57014 (statement_timeout) an outage', () => {
    expect(storageUnavailable(failure('57014', 'canceling statement due to statement timeout'))).toMatch(/time limit/)
  })

  it('finds the code under the errors drizzle and the ledger wrap it in', () => {
    const wrapped = new DrizzleQueryError('select 1', [], failure('ECONNREFUSED'))
    expect(storageUnavailable(wrapped)).toMatch(/ECONNREFUSED/)
    expect(storageUnavailable(new Error('outer', { cause: new Error('middle', { cause: failure('53100') }) }))).toMatch(/53100/)
  })

  it('leaves bugs and refusals alone: constraint violations, conflicts, plain errors, ledger errors', () => {
    for (const code of ['23505', '23503', '40001', '42P01', '22P02', 'ENOENT']) expect(storageUnavailable(failure(code))).toBeNull()
    expect(storageUnavailable(new TypeError('x is undefined'))).toBeNull()
    expect(storageUnavailable(new LedgerError(ErrorCode.ACCOUNT_NOT_FOUND, 'no such account'))).toBeNull()
    expect(storageUnavailable('ECONNREFUSED')).toBeNull()
    expect(storageUnavailable(null)).toBeNull()
  })
})

describe('a request that meets a storage outage', () => {
  let api: TestApi
  beforeAll(async () => {
    api = await startTestApi({
      ledger: (real) => ({
        ...real,
        totals: async () => {
          throw new DrizzleQueryError('select …', [], failure('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.7:5432'))
        },
        getTransfer: async () => {
          throw failure('53100', 'could not extend file: No space left on device')
        },
      }),
    })
  })
  afterAll(() => api.close())

  it('answers 503 UNAVAILABLE with Retry-After and logs a warning, not an unhandled error', async () => {
    const res = await api.request('GET', '/v1/tenant/totals', { key: api.operatorKey, headers: { 'x-request-id': 'outage-1' } })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(res.body.error).toMatchObject({ code: 'UNAVAILABLE', requestId: 'outage-1' })
    expect(res.body.error.message).toMatch(/storage is unavailable.*ECONNREFUSED.*retry later/)
    expect(res.text).not.toContain('10.0.0.7')
    const logged = api.logger.records.filter((r) => r.requestId === 'outage-1' && r.level !== 'info')
    expect(logged.map((r) => [r.level, r.msg])).toEqual([['warn', 'storage unavailable']])
  })

  it('answers a full disk (53100) the same way', async () => {
    const res = await api.request('GET', '/v1/transfers/t-1', { key: api.operatorKey })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(res.body.error.code).toBe('UNAVAILABLE')
    expect(res.body.error.message).toMatch(/53100/)
    expect(api.logger.records.some((r) => r.msg === 'unhandled error')).toBe(false)
  })
})
