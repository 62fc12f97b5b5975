/**
 * The client's network address, for limits kept per address (failed sign-ins).
 * Over HTTP it is the socket's peer, never a header a client could write. A
 * caller in the same process (the console's pages, which call the API app's
 * `fetch` directly) passes the address of the browser it serves as
 * `env.clientAddress`; no remote request can set `env`. Behind reverse proxies
 * of the operator's own (TRUST_PROXY_HOPS), the address the outermost of them
 * recorded in X-Forwarded-For; otherwise every client would share the proxy's
 * address, and fifty wrong passwords from anyone would lock everyone out.
 *
 * @example
 * app.fetch(request, { clientAddress: '203.0.113.7' }) // in process
 * clientAddress(c)                                      // '203.0.113.7'
 */
import { IncomingMessage } from 'node:http'
import type { Context } from 'hono'

/** What an in-process caller may pass as the app's `env`. */
export interface InProcessEnv {
  clientAddress?: string
}

/**
 * The address of the client of a request the server received, or undefined when it did not come over a
 * socket: the socket's peer, or, behind `trustProxyHops` proxies, the entry of X-Forwarded-For the outermost
 * of them appended. Each proxy appends the address it was connected from, so entries left of that one were
 * written by the client and are never read. A header with fewer entries than proxies did not come through
 * them all: the peer's address stands.
 */
export function peerAddress(env: unknown, headers: Headers, trustProxyHops = 0): string | undefined {
  const incoming = (env as { incoming?: unknown } | undefined)?.incoming
  if (!(incoming instanceof IncomingMessage)) return undefined
  const peer = incoming.socket?.remoteAddress ?? undefined
  if (trustProxyHops <= 0) return peer
  const chain = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '')
  return chain.length >= trustProxyHops ? chain[chain.length - trustProxyHops] : peer
}

/** The address, or undefined when unknown (an in-process call that gave none). */
export function clientAddress(c: Context, trustProxyHops = 0): string | undefined {
  const env = c.env as { incoming?: unknown; clientAddress?: unknown } | undefined
  if (env?.incoming instanceof IncomingMessage) return peerAddress(env, c.req.raw.headers, trustProxyHops)
  return typeof env?.clientAddress === 'string' && env.clientAddress !== '' ? env.clientAddress : undefined
}
