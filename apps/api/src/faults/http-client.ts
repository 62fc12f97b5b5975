/**
 * Requests for fault tests, over a node:http agent (keep-alive or not) so a
 * test sees what fetch hides: a reset from a refusal, and a request on a
 * kept-alive connection from one on a new connection.
 *
 * @example
 * const agent = new Agent({ keepAlive: true })
 * const { status, headers } = await send(agent, url, 'GET', '/v1/tenant/totals')
 */
import { type Agent, type IncomingHttpHeaders, request } from 'node:http'

/** The operator's admin key the fault tests start servers with. */
export const ADMIN_KEY = 'fault-test-admin-key-0123456789abcdef'

export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are arbitrary JSON that the assertions read
  body: any
  /** Whether the request went out on a kept-alive connection. */
  reusedSocket: boolean
}

/** A failed request: the socket error's code (ECONNRESET, ECONNREFUSED) and whether the connection was a kept-alive one. */
export class NoAnswer extends Error {
  override readonly name = 'NoAnswer'
  constructor(
    readonly code: string,
    readonly reusedSocket: boolean,
  ) {
    super(`no answer: ${code}${reusedSocket ? ' on a reused connection' : ''}`)
  }
}

/** One request with the admin key over `agent`; rejects with NoAnswer when no full response came. */
export function send(
  agent: Agent,
  url: string,
  method: string,
  path: string,
  json?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const body = json === undefined ? undefined : JSON.stringify(json)
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, {
      method,
      agent,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    })
    req.on('error', (e: NodeJS.ErrnoException) => reject(new NoAnswer(e.code ?? e.message, req.reusedSocket)))
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', (e: NodeJS.ErrnoException) => reject(new NoAnswer(e.code ?? e.message, req.reusedSocket)))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text === '' ? undefined : JSON.parse(text),
          reusedSocket: req.reusedSocket,
        })
      })
    })
    req.end(body)
  })
}
