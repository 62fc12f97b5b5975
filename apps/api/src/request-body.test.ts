/**
 * Body limits and reads, on the node server (bodies read from node's request)
 * and through `app.request` (bodies read from a fetch Request): the same answers.
 */
import { request as httpRequest } from 'node:http'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import './testing/no-console.js'
import { STATUS, isApiError } from './errors.js'
import { type RunningServer, listen } from './http-server.js'
import { jsonBody } from './json-body.js'
import { limitBody } from './request-body.js'

const LIMIT = 1000
const failures: unknown[] = []
/** Resolves each time a request reaches the app (before its body is read). */
let arrived: () => void = () => {}

const app = new Hono()
  .use('*', async (_, next) => {
    arrived()
    await next()
  })
  .use('*', limitBody(LIMIT))
  .use('*', jsonBody({ maxSize: LIMIT }))
  .post('/echo', async (c) => c.json({ got: await c.req.json() }))
  .onError((e, c) => {
    failures.push(e)
    return isApiError(e) ? c.json({ code: e.code }, STATUS[e.code] as 400) : c.json({ code: 'INTERNAL' }, 500)
  })

let server: RunningServer
beforeAll(async () => {
  server = await listen(app, { port: 0, hostname: '127.0.0.1' })
})
afterAll(() => server.close({ forceAfterMs: 100 }))

const small = { memo: 'x'.repeat(100) }
const big = { memo: 'x'.repeat(LIMIT + 1) }
const streamOf = (text: string) =>
  new ReadableStream({
    start(controller) {
      const bytes = new TextEncoder().encode(text)
      // Two chunks, so the read has to put them together.
      controller.enqueue(bytes.subarray(0, 10))
      controller.enqueue(bytes.subarray(10))
      controller.close()
    },
  })

type Send = (body: unknown, streamed: boolean) => Promise<{ status: number; body: unknown }>

/** Send a JSON body to /echo, whole or as a stream, through `fetcher`. */
const sender =
  (fetcher: (path: string, init: RequestInit) => Response | Promise<Response>): Send =>
  async (body, streamed) => {
    const text = JSON.stringify(body)
    const res = await fetcher('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: streamed ? streamOf(text) : text,
      ...(streamed ? { duplex: 'half' } : {}),
    } as RequestInit)
    return { status: res.status, body: await res.json() }
  }

const overHttp: Send = sender((path, init) => fetch(`${server.url}${path}`, init))
const inProcess: Send = sender((path, init) => app.request(path, init))

describe.each([
  ['on the node server', overHttp],
  ['through app.request', inProcess],
])('request bodies %s', (_, send) => {
  it('reads a body under the limit, with a Content-Length or streamed in chunks', async () => {
    expect(await send(small, false)).toEqual({ status: 200, body: { got: small } })
    expect(await send(small, true)).toEqual({ status: 200, body: { got: small } })
  })

  it('refuses a body over the limit with 413, with a Content-Length or streamed in chunks', async () => {
    expect(await send(big, false)).toEqual({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } })
    expect(await send(big, true)).toEqual({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } })
  })
})

describe('request bodies cut short', () => {
  it('fail the request when the client goes away mid-body, and the server keeps serving', async () => {
    failures.length = 0
    const reached = new Promise<void>((resolve) => {
      arrived = resolve
    })
    const req = httpRequest(`${server.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '500' },
    })
    const gone = new Promise<void>((resolve) => req.on('error', () => resolve()))
    req.write('{"memo":"')
    await reached
    req.destroy()
    await gone
    arrived = () => {}
    // The handler saw the read fail rather than waiting for bytes that never come.
    await expect.poll(() => failures.length, { timeout: 2000 }).toBe(1)
    expect(await overHttp(small, false)).toEqual({ status: 200, body: { got: small } })
  })
})
