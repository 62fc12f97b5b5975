/**
 * Talking to the API: a refusal the command cannot get past is `Stop`
 * (exit 2); `answer` unwraps a 2xx body; `attempt` keeps a refusal as a value
 * (an import reports it against its row and goes on).
 *
 * @example
 * const tenant = await answer<{ id: string }>(client.v1.tenant.$get())
 */

/** A refusal or failure the command reports with exit status 2. */
export class Stop extends Error {}

/** The API's error body. */
export interface ApiRefusal {
  status: number
  code: string
  message: string
}

interface ErrorBody {
  error?: { code?: string; message?: string }
}

type Pending = Promise<{ ok: boolean; status: number; headers: Headers; json(): Promise<unknown> }>

/** The body of a 2xx answer, or Stop with the API's code and message. */
export async function answer<T>(response: Pending): Promise<T> {
  const a = await attempt<T>(response)
  if (!a.ok) throw new Stop(`the API answered ${a.status} ${a.code}: ${a.message}`)
  return a.body
}

/** The outcome of one write: its body and whether it was a replay, or the API's refusal. */
export type Attempt<T> = { ok: true; body: T; replayed: boolean } | ({ ok: false } & ApiRefusal)

/**
 * The answer of one request as a value. A refusal of the request itself (4xx) is a value; the API
 * unreachable or failing (5xx) is Stop: retrying later is safe, every write being idempotent.
 */
export async function attempt<T>(response: Pending): Promise<Attempt<T>> {
  let res: Awaited<Pending>
  try {
    res = await response
  } catch (e) {
    throw new Stop(`cannot reach the API: ${e instanceof Error ? e.message : String(e)}`)
  }
  const body = (await res.json().catch(() => ({}))) as T & ErrorBody
  if (res.ok) return { ok: true, body, replayed: res.headers.get('idempotency-replayed') === 'true' }
  const refusal = { status: res.status, code: body.error?.code ?? `HTTP_${res.status}`, message: body.error?.message ?? 'no message' }
  if (res.status >= 500) throw new Stop(`the API answered ${refusal.status} ${refusal.code}: ${refusal.message}`)
  return { ok: false, ...refusal }
}
