/**
 * The load generator for HTTP figures, in its own process so it does not share
 * the server's event loop. Forked by scenarios/api.ts; takes one `run` message
 * at a time and answers with what autocannon counted.
 *
 * @example
 * child.send({ type: 'run', url, method: 'GET', connections: 10, durationMs: 3000 })
 */
import autocannon from 'autocannon'

export interface RunMessage {
  type: 'run'
  url: string
  method: 'GET' | 'POST'
  connections: number
  durationMs: number
  headers: Record<string, string>
  /** For POST: a transfer body per request, unique id and two random members. */
  transfer?: { members: string[]; idPrefix: string }
}

export interface RunResult {
  type: 'result'
  ok: number
  non2xx: number
  errors: number
  elapsedMs: number
  firstStatus?: number
  sample?: string
}

let n = 0
const pickTwo = (list: string[]): [string, string] => {
  const i = Math.floor(Math.random() * list.length)
  let j = Math.floor(Math.random() * (list.length - 1))
  if (j >= i) j++
  return [list[i] as string, list[j] as string]
}

async function run(m: RunMessage): Promise<RunResult> {
  const t = m.transfer
  const start = performance.now()
  let firstStatus: number | undefined
  let sample: string | undefined
  const instance = autocannon({
    url: m.url,
    connections: m.connections,
    duration: m.durationMs / 1000,
    method: m.method,
    headers: m.headers,
    requests: [
      {
        method: m.method,
        setupRequest: (req) => {
          if (!t) return req
          const [from, to] = pickTwo(t.members)
          return { ...req, body: JSON.stringify({ id: `${t.idPrefix}-${++n}`, from, to, amount: '0.01' }) }
        },
        onResponse: (status, body) => {
          if (status >= 300 && firstStatus === undefined) {
            firstStatus = status
            sample = String(body).slice(0, 300)
          }
        },
      },
    ],
  })
  const r = await instance
  const out: RunResult = {
    type: 'result',
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    elapsedMs: performance.now() - start,
  }
  if (firstStatus !== undefined) out.firstStatus = firstStatus
  if (sample !== undefined) out.sample = sample
  return out
}

process.on('message', (m: RunMessage) => {
  if (m?.type !== 'run') return
  run(m).then(
    (r) => process.send?.(r),
    (e) => process.send?.({ type: 'result', ok: 0, non2xx: 0, errors: 1, elapsedMs: 0, sample: String(e) } satisfies RunResult),
  )
})
process.on('disconnect', () => process.exit(0))
