/**
 * First middleware of every request: a request id (the client's `X-Request-Id`
 * when it is a sane token, else a new one), echoed on the response, and one
 * JSON log line per request with method, path, status, duration and ids.
 * Never the query string, headers, keys or bodies.
 *
 * @example
 * app.use('*', requestContext({ logger }))
 */
import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from './context.js'
import type { Logger } from './logger.js'

export const REQUEST_ID_HEADER = 'X-Request-Id'
const SANE_ID = /^[A-Za-z0-9._:@-]{1,128}$/

/** The client's request id when it is short and printable, else a fresh one. */
export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && SANE_ID.test(header) ? header : `req_${randomUUID()}`
}

export interface RequestContextOptions {
  logger: Logger
  /** True while the server drains for shutdown: responses then close their connection. */
  isDraining?: () => boolean
}

export function requestContext(options: RequestContextOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // Some paths (e.g. a literal "/*") match the catch-all twice; handle each request once.
    if (c.get('requestId') !== undefined) return next()
    const started = performance.now()
    const requestId = requestIdFrom(c.req.header(REQUEST_ID_HEADER))
    c.set('requestId', requestId)
    await next()
    c.res.headers.set(REQUEST_ID_HEADER, requestId)
    if (options.isDraining?.()) c.res.headers.set('Connection', 'close')
    const caller = c.get('caller')
    options.logger.info('request', {
      requestId,
      method: c.req.method,
      path: c.req.path.slice(0, 512),
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...(caller ? { tenantId: caller.tenantId, keyId: caller.keyId } : {}),
    })
  }
}
