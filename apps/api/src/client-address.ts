/**
 * The client's network address, for limits kept per address (failed sign-ins).
 * Over HTTP it is the socket's peer, never a header a client could write. A
 * caller in the same process (the console's pages, which call the API app's
 * `fetch` directly) passes the address of the browser it serves as
 * `env.clientAddress`; no remote request can set `env`. Behind a reverse proxy
 * every client shares the proxy's address.
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

/** The address, or undefined when unknown (an in-process call that gave none). */
export function clientAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: unknown; clientAddress?: unknown } | undefined
  if (env?.incoming instanceof IncomingMessage) return env.incoming.socket?.remoteAddress ?? undefined
  return typeof env?.clientAddress === 'string' && env.clientAddress !== '' ? env.clientAddress : undefined
}
