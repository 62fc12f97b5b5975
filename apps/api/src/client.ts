/**
 * A typed client for integrators, generated from the app's routes by Hono's
 * `hc`: paths, bodies, query strings and responses are checked by TypeScript.
 *
 * @example
 * import { createClient } from '@timebank/api/client'
 * const tb = createClient('http://127.0.0.1:3000', process.env.TIMEBANK_KEY!)
 * const res = await tb.v1.transfers.$post({ json: { from: 'ana:hours', to: 'bo:hours', amount: '1.5' } },
 *   { headers: { 'Idempotency-Key': 'gift-17' } })
 * if (res.status === 201) console.log((await res.json()).transfer.id)
 */
import { hc } from 'hono/client'
import type { AppType } from './app.js'

export type { AppType } from './app.js'

export interface ClientOptions {
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch
  /** Headers sent with every request (besides Authorization). */
  headers?: Record<string, string>
}

/** A client for the API at `baseUrl`, authenticated with `key`. */
export function createClient(baseUrl: string, key: string, options: ClientOptions = {}) {
  return hc<AppType>(baseUrl.replace(/\/+$/, ''), {
    headers: { ...options.headers, Authorization: `Bearer ${key}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
}

export type Client = ReturnType<typeof createClient>
