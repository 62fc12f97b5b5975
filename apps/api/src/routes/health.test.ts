/**
 * /healthz keeps answering whatever storage does: a hung storage answers 503
 * within the health bound, a failing one 503 with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { ApiError } from '../errors.js'
import { type TestApi, startTestApi } from '../testing/harness.js'

let check: () => Promise<void> = async () => {}
let api: TestApi
let defaults: TestApi

beforeAll(async () => {
  api = await startTestApi({ health: { check: () => check(), storage: 'postgres', timeoutMs: 300 } })
  defaults = await startTestApi({ health: { check: () => new Promise<void>(() => {}), storage: 'postgres' } })
})
afterAll(async () => {
  await api.close()
  await defaults.close()
})

async function timed(target: TestApi) {
  const started = performance.now()
  const res = await target.request('GET', '/healthz')
  return { res, ms: performance.now() - started }
}

describe('GET /healthz', () => {
  it('answers 200 while storage answers', async () => {
    check = async () => {}
    const { res } = await timed(api)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: 'ok', storage: 'postgres' })
  })

  it('answers 503 within its bound when the storage check hangs', async () => {
    check = () => new Promise<void>(() => {})
    const { res, ms } = await timed(api)
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(res.body.error.code).toBe('UNAVAILABLE')
    expect(res.body.error.message).toMatch(/did not answer within 300 ms/)
    expect(ms).toBeLessThan(2000)
  })

  it('answers 503 within its bound when the check answers too late, and 200 once storage answers again', async () => {
    check = () => new Promise<void>((_, reject) => setTimeout(() => reject(new Error('late')), 700))
    const { res, ms } = await timed(api)
    expect(res.status).toBe(503)
    expect(res.body.error.message).toMatch(/did not answer within 300 ms/)
    expect(ms).toBeLessThan(700)
    // The late failure lands after the answer: it must not surface as an unhandled rejection.
    await new Promise((r) => setTimeout(r, 600))
    check = async () => {}
    expect((await timed(api)).res.status).toBe(200)
  })

  it('bounds the check at 2 s when no bound is given', async () => {
    const { res, ms } = await timed(defaults)
    expect(res.status).toBe(503)
    expect(res.body.error.message).toMatch(/within 2000 ms/)
    expect(ms).toBeLessThan(5000)
  })

  it('answers 503 with the reason when storage is down', async () => {
    check = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
    }
    const { res } = await timed(api)
    expect(res.status).toBe(503)
    expect(res.body.error.message).toMatch(/storage does not answer: .*ECONNREFUSED/)
  })

  it("passes on storage's own reason for refusing, e.g. a nearly full disk", async () => {
    check = async () => {
      throw new ApiError('UNAVAILABLE', "the data directory's disk is nearly full")
    }
    const { res } = await timed(api)
    expect(res.status).toBe(503)
    expect(res.body.error.message).toBe("the data directory's disk is nearly full")
  })
})
