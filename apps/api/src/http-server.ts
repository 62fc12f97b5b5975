/**
 * Serve a Hono app over node:http with the API's error shape even for
 * requests Hono never sees: a bad path or Host header (node-server's request
 * errors) and headers too large or garbled (node's `clientError`). `close()`
 * drains: it stops accepting, lets in-flight requests finish, then resolves.
 *
 * @example
 * const running = await listen(app, { port: 0, hostname: '127.0.0.1' })
 * console.log(running.url)
 * await running.close()
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
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
   * Stop accepting connections, let in-flight requests finish (idle keep-alive
   * connections are closed), and resolve when all are done. After `forceAfterMs`
   * the remaining connections are cut.
   */
  close(options?: { forceAfterMs?: number }): Promise<void>
}

const STATUS_TEXT: Partial<Record<number, string>> = { 400: 'Bad Request', 431: 'Request Header Fields Too Large' }

/** Answer a request node could not parse, in the API's error shape, and close the socket. */
function rawError(socket: Socket, code: AnyErrorCode, message: string): void {
  const status = STATUS[code]
  const body = JSON.stringify(errorBody(code, message, undefined, requestIdFrom(undefined)))
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
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
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
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
    close({ forceAfterMs = 10_000 } = {}) {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), forceAfterMs)
        force.unref()
        server.close(() => {
          clearTimeout(force)
          resolve()
        })
        server.closeIdleConnections()
      })
      return closing
    },
  }
}
