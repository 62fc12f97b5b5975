/**
 * Request bodies: the size limit and the read. Served by @hono/node-server (as
 * `listen` does), both work on node's IncomingMessage directly. Going through
 * the WHATWG Request instead (`c.req.raw.body`, `c.req.arrayBuffer()`) makes
 * node-server build an undici Request, an AbortController and two web streams
 * per request: about a fifth of the CPU of a small POST. Anywhere else (e.g.
 * `app.request()` in tests) the Request is used, with the same rules.
 *
 * The rules are Hono's `bodyLimit`: a declared Content-Length over the limit is
 * refused before anything is read; a body without one (chunked) is read up to
 * the limit before the request goes on, and refused past it.
 *
 * @example
 * app.use('*', limitBody(2 * 1024 * 1024))
 * const bytes = await readBody(c, 2 * 1024 * 1024)
 */
import { IncomingMessage } from 'node:http'
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { ApiError } from './errors.js'

/** Default largest request body: room for a batch of a few thousand operations. */
export const DEFAULT_BODY_LIMIT = 2 * 1024 * 1024

export function tooLarge(maxSize: number): ApiError {
  return new ApiError('PAYLOAD_TOO_LARGE', `request bodies are at most ${maxSize} bytes`, { limit: maxSize })
}

/** Hono keeps body reads here; ours go in as `arrayBuffer` so every later reader sees them. */
type BodyCache = { arrayBuffer?: Promise<ArrayBuffer> }

/** The node request behind `c`, while nothing has read its body yet. */
function unreadIncoming(c: Context): IncomingMessage | undefined {
  if ((c.req.bodyCache as BodyCache).arrayBuffer !== undefined) return undefined
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming
  // readableDidRead: something (e.g. node-server's own Request) already started on it.
  return incoming instanceof IncomingMessage && !incoming.readableDidRead ? incoming : undefined
}

/** All of a node request's body, or null past `limit` bytes (the rest is left for node-server to drain). */
function readIncoming(incoming: IncomingMessage, limit: number): Promise<Buffer | null> {
  if (incoming.destroyed) return Promise.reject(incoming.errored ?? new Error('the request was aborted'))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const stop = () => {
      incoming.off('data', onData)
      incoming.off('end', onEnd)
      incoming.off('error', onError)
      incoming.off('close', onClose)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        stop()
        incoming.pause()
        resolve(null)
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      stop()
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size))
    }
    const onError = (e: Error) => {
      stop()
      reject(e)
    }
    // Closed before the end: the client went away mid-body.
    const onClose = () => onError(new Error('the request was aborted'))
    incoming.on('data', onData)
    incoming.on('end', onEnd)
    incoming.on('error', onError)
    incoming.on('close', onClose)
  })
}

/** Refuse bodies over `maxSize` with 413 PAYLOAD_TOO_LARGE, as Hono's `bodyLimit` does. */
export function limitBody(maxSize: number): MiddlewareHandler {
  const viaRequest = bodyLimit({
    maxSize,
    onError: () => {
      throw tooLarge(maxSize)
    },
  })
  return async (c, next) => {
    const incoming = unreadIncoming(c)
    if (!incoming) return viaRequest(c, next)
    // node-server gives these no body (its Request's `body` is null), so neither does bodyLimit.
    const method = incoming.method
    if (method === 'GET' || method === 'HEAD' || method === 'TRACE') return next()
    const length = incoming.headers['content-length']
    if (length !== undefined && incoming.headers['transfer-encoding'] === undefined) {
      if (Number.parseInt(length || '0', 10) > maxSize) throw tooLarge(maxSize)
      return next()
    }
    const bytes = await readIncoming(incoming, maxSize)
    if (bytes === null) throw tooLarge(maxSize)
    // A copy: small Buffers share a pooled ArrayBuffer.
    const copy = new Uint8Array(bytes)
    ;(c.req.bodyCache as BodyCache).arrayBuffer = Promise.resolve(copy.buffer)
    return next()
  }
}

/** The request body's bytes (read once); 413 past `maxSize` when read from node directly. */
export async function readBody(c: Context, maxSize: number): Promise<Uint8Array> {
  const incoming = unreadIncoming(c)
  if (!incoming) return new Uint8Array(await c.req.arrayBuffer())
  const bytes = await readIncoming(incoming, maxSize)
  if (bytes === null) throw tooLarge(maxSize)
  return bytes
}
