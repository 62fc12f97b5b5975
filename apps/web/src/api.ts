/**
 * The API as a page reaches it: the typed client over the API app's own `fetch`, in-process (no
 * network hop), as the signed-in user. Every rule, permission and validation stays in the API;
 * a page only reads `ok` bodies and turns the error shape into an `ApiRefusal`.
 */
import { type Client, createClient } from '@timebank/api/client'

/** Answers a Request in-process: the API app's `fetch`; `env` carries what the API cannot read off a socket (the browser's address). */
export type ApiFetch = (request: Request, env?: { clientAddress?: string }) => Response | Promise<Response>

/** The API's error shape, thrown by `ok` for any answer that is not a success. */
export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | undefined,
    readonly requestId: string | undefined,
  ) {
    super(message)
    this.name = 'ApiRefusal'
  }
}

// The host is never reached: requests go to the app's fetch. It only makes the URLs absolute.
const IN_PROCESS = 'http://timebank.internal'

/** The typed client as `token` (a session token), or anonymous when null; `clientAddress` is the browser's, for the API's per-address limits. */
export function apiClient(
  fetchApi: ApiFetch,
  token: string | null,
  forwarded: Record<string, string> = {},
  clientAddress?: string,
): Client {
  const env = clientAddress === undefined ? undefined : { clientAddress }
  const fetch = ((input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit) =>
    fetchApi(new Request(input, init), env)) as typeof globalThis.fetch
  // createClient always sends a bearer; anonymous calls (signing in) go to routes that need none.
  return createClient(IN_PROCESS, token ?? '', { fetch, headers: forwarded })
}

type Success<R> = R extends { ok: true; json(): Promise<infer B> } ? B : never

/** The body of a successful answer; anything else thrown as an ApiRefusal. */
export async function ok<R extends { ok: boolean; status: number; json(): Promise<unknown> }>(
  pending: Promise<R> | R,
): Promise<Success<R>> {
  const res = await pending
  if (res.ok) return (res.status === 204 ? undefined : await res.json()) as Success<R>
  let body: unknown
  try {
    body = await res.json()
  } catch {
    body = undefined
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown; requestId?: unknown } } | undefined)?.error
  throw new ApiRefusal(
    res.status,
    typeof error?.code === 'string' ? error.code : 'INTERNAL',
    typeof error?.message === 'string' ? error.message : `the API answered ${res.status}`,
    (error?.details as Record<string, unknown> | undefined) ?? undefined,
    typeof error?.requestId === 'string' ? error.requestId : undefined,
  )
}

export const isApiRefusal = (e: unknown): e is ApiRefusal => e instanceof ApiRefusal
