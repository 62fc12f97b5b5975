/**
 * Serve a Hono app over node:http with the API's error shape even for
 * requests Hono never sees: a bad path or Host header (node-server's request
 * errors) and headers too large or garbled (node's `clientError`). `close()`
 * drains: it stops accepting, lets in-flight requests finish, answers requests
 * arriving on open keep-alive connections during a grace period with
 * `Connection: close`, then closes the idle ones and resolves.
 *
 * @example
 * const running = await listen(app, { port: 0, hostname: '127.0.0.1' })
 * console.log(running.url)
 * await running.close({ graceMs: DRAIN_GRACE_MS })
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import { type AddressInfo, Server as NetServer, type Socket } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { type AnyErrorCode, STATUS, errorBody, errorResponse } from './errors.js'
import { requestIdFrom } from './request-context.js'

export interface ListenOptions {
  port: number
  hostname: string
}

export interface RunningServer {
  server: Server
  /** Base URL, e.g. http://127.0.0.1:3000 */
  url: string
  port: number
  /**
   * Stop accepting connections, let in-flight requests finish, and resolve when
   * every connection is closed. Every response from now on says `Connection: close`,
   * so a connection closes after its next answer. Idle keep-alive connections stay
   * open for `graceMs` (default 0), since a client may be sending a request on one
   * right now: closing it would reset that request. After `forceAfterMs` (default
   * 10 s) the remaining connections are cut.
   */
  close(options?: { forceAfterMs?: number; graceMs?: number }): Promise<void>
}

/** How long a shutting-down server keeps answering on idle keep-alive connections (the server process uses it). */
export const DRAIN_GRACE_MS = 2_000

const STATUS_TEXT: Partial<Record<number, string>> = { 400: 'Bad Request', 431: 'Request Header Fields Too Large' }

/** Answer a request node could not parse, in the API's error shape, and close the socket. */
function rawError(socket: Socket, code: AnyErrorCode, message: string): void {
  const status = STATUS[code]
  // The headers could not be read, so the id is always a new one; it still goes in the header, as on every answer.
  const requestId = requestIdFrom(undefined)
  const body = JSON.stringify(errorBody(code, message, undefined, requestId))
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  )
}

export async function listen(
  app: { fetch: (request: Request, env?: unknown) => Response | Promise<Response> },
  options: ListenOptions,
): Promise<RunningServer> {
  const listener = getRequestListener((req, env) => app.fetch(req, env), {
    hostname: options.hostname,
    errorHandler: (e) =>
      errorResponse(
        (e as { name?: unknown }).name === 'RequestError' ? 'BAD_REQUEST' : 'INTERNAL',
        (e as { name?: unknown }).name === 'RequestError' ? `bad request: ${(e as Error).message}` : 'internal error',
        requestIdFrom(undefined),
      ),
  })
  let draining = false
  /** Responses not yet finished, to mark those whose headers are still unsent when draining starts. */
  const open = new Set<ServerResponse>()
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (draining) res.setHeader('Connection', 'close')
    else {
      open.add(res)
      res.once('close', () => open.delete(res))
    }
    void listener(req, res)
  })
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy()
      return
    }
    if (err.code === 'HPE_HEADER_OVERFLOW') rawError(socket, 'HEADERS_TOO_LARGE', 'request headers are too large')
    else rawError(socket, 'BAD_REQUEST', 'malformed HTTP request')
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.hostname, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  let closing: Promise<void> | null = null
  return {
    server,
    port: address.port,
    url: `http://${host}:${address.port}`,
    close({ forceAfterMs = 10_000, graceMs = 0 } = {}) {
      closing ??= new Promise<void>((resolve) => {
        draining = true
        for (const res of open) if (!res.headersSent) res.setHeader('Connection', 'close')
        const force = setTimeout(() => server.closeAllConnections(), forceAfterMs)
        const grace = setTimeout(() => server.closeIdleConnections(), Math.min(graceMs, forceAfterMs))
        force.unref()
        grace.unref()
        if (graceMs <= 0) server.closeIdleConnections()
        // net's close, not http's: http's also destroys idle keep-alive connections at once, which
        // resets a request a client sends on one just now. Resolves once every connection is closed.
        NetServer.prototype.close.call(server, () => {
          clearTimeout(force)
          clearTimeout(grace)
          resolve()
        })
      })
      return closing
    },
  }
}
