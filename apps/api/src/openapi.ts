/**
 * The OpenAPI document's shared parts: the components every operation refers
 * to (the Error schema and its code enum, one response per error status, the
 * `X-Request-Id`, `Idempotency-Replayed` and `Retry-After` headers, the
 * `Idempotency-Key` parameter), and `completeDocument`, which adds to every
 * operation what the server answers on every route (see GLOBAL_STATUSES), so
 * no route repeats it.
 *
 * @example
 * registerShared(app.openAPIRegistry)
 * const doc = completeDocument(app.getOpenAPI31Document(config))
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import { Id } from '@timebank/ledger'
import { type AnyErrorCode, STATUS } from './errors.js'
import { IDEMPOTENCY_HEADER, REPLAYED_HEADER } from './idempotency.js'
import { DEFAULT_BODY_LIMIT } from './request-body.js'
import { REQUEST_ID_HEADER } from './request-context.js'
import { ErrorCodeSchema, ErrorSchema } from './schemas.js'

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` })

export const HEADER_REFS = {
  requestId: ref('headers', REQUEST_ID_HEADER),
  replayed: ref('headers', REPLAYED_HEADER),
  retryAfter: ref('headers', 'Retry-After'),
}

/** The `Idempotency-Key` request header, for the writes that read it. */
export const IDEMPOTENCY_KEY_REF = ref('parameters', 'IdempotencyKey')

const HEADERS = {
  [REQUEST_ID_HEADER]: {
    description:
      "The request's id: the client's own `X-Request-Id` when it is 1-128 letters, digits or `. _ : @ -`, else a new one. Error bodies carry it as `error.requestId`; quote it when reporting a problem.",
    required: true,
    schema: { type: 'string' as const, example: 'req_0b6c1e9e-2f43-4a5e-9d55-6f1f3c7f0a12' },
  },
  [REPLAYED_HEADER]: {
    description:
      'Present, as `true`, when this answer replays an earlier request with the same id (nothing was done again); absent the first time.',
    required: false,
    schema: { type: 'string' as const, enum: ['true'] },
  },
  'Retry-After': {
    description: 'Seconds to wait before sending the same request again.',
    required: true,
    schema: { type: 'integer' as const, minimum: 0, example: 1 },
  },
}

const IdempotencyKey = Id.optional().openapi({
  param: { name: IDEMPOTENCY_HEADER, in: 'header' },
  description:
    "The write's id, which makes retries safe, in place of the body's (`id`; `requestId` for certificates). One of the two is required: neither is 400 IDEMPOTENCY_KEY_REQUIRED; both must be equal (400 IDEMPOTENCY_KEY_MISMATCH). The same id and request again answer the original result with `Idempotency-Replayed: true`; the same id with another request is IDEMPOTENCY_CONFLICT (409; 422 as a batch's refusal). In a batch, an operation without an id gets `<Idempotency-Key>:<index>`; for an API key it is the only idempotency key.",
  example: 'gift-2026-03-01-zhang',
})

/** Every code of one HTTP status, from the one table of statuses. */
const codesOf = (status: number) =>
  (Object.keys(STATUS) as AnyErrorCode[])
    .filter((code) => STATUS[code] === status)
    .map((code) => `\`${code}\``)
    .join(', ')

/** One response component per error status: its name and what it means. */
const ERROR_RESPONSES: Record<number, { name: string; description: string; headers?: Record<string, { $ref: string }> }> = {
  400: {
    name: 'BadRequest',
    description: `Malformed request: ${codesOf(400)}. VALIDATION's \`details.issues\` name each bad field (\`json.…\`, \`query.…\`, \`path\`, \`header.…\`).`,
  },
  401: {
    name: 'Unauthorized',
    description: `No \`Authorization: Bearer\` key or session token, or an unknown, revoked or expired one (\`UNAUTHORIZED\`); a refused sign-in: \`INVALID_CREDENTIALS\`, \`SIGN_IN_LINK_INVALID\`.`,
  },
  403: { name: 'Forbidden', description: `The key may not do this: ${codesOf(403)}.` },
  404: { name: 'NotFound', description: `Not found, also for anything this key may not see: ${codesOf(404)}.` },
  409: { name: 'Conflict', description: `Conflict with what exists: ${codesOf(409)}.` },
  413: {
    name: 'PayloadTooLarge',
    description: `The body is larger than the server accepts (${DEFAULT_BODY_LIMIT / 1024 / 1024} MiB unless configured): \`PAYLOAD_TOO_LARGE\`.`,
  },
  415: { name: 'UnsupportedMediaType', description: 'A body that is not `application/json` (UTF-8): `UNSUPPORTED_MEDIA_TYPE`.' },
  422: {
    name: 'Unprocessable',
    description: `Refused by a rule: ${codesOf(422)}. A refused batch answers 422 with its failing operation's code, whatever that code's own status.`,
  },
  429: {
    name: 'TooManyRequests',
    description: `Refused for a while: ${codesOf(429)}. Send the request again after \`Retry-After\` seconds.`,
    headers: { 'Retry-After': HEADER_REFS.retryAfter },
  },
  431: {
    name: 'HeadersTooLarge',
    description:
      'The request headers are larger than the server reads: `HEADERS_TOO_LARGE`. Answered before any route (with a new `X-Request-Id`, since the request’s own could not be read), and the connection is closed.',
  },
  500: {
    name: 'Internal',
    description: '`INTERNAL`: a bug. Details are only in the server log, under the `requestId`.',
  },
  503: {
    name: 'Unavailable',
    description: `Retry the same request after \`Retry-After\` seconds: ${codesOf(503)}.`,
    headers: { 'Retry-After': HEADER_REFS.retryAfter },
  },
}

/** Register the shared components on the app's registry. */
export function registerShared(registry: OpenAPIHono['openAPIRegistry']): void {
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (`Authorization: Bearer tbk_…`) or a session token from `POST /v1/sessions` (`Authorization: Bearer tbs_…`).',
  })
  registry.register('ErrorCode', ErrorCodeSchema)
  registry.register('Error', ErrorSchema)
  for (const [name, header] of Object.entries(HEADERS)) registry.registerComponent('headers', name, header)
  registry.registerParameter('IdempotencyKey', IdempotencyKey)
  for (const r of Object.values(ERROR_RESPONSES)) {
    registry.registerComponent('responses', r.name, {
      description: r.description,
      headers: { [REQUEST_ID_HEADER]: HEADER_REFS.requestId, ...r.headers },
      content: { 'application/json': { schema: ref('schemas', 'Error') } },
    })
  }
}

interface Operation {
  security?: Record<string, string[]>[]
  responses: Record<string, Record<string, unknown>>
}

/**
 * Statuses the server answers on routes it never names, and why. Each is checked against the
 * running server in openapi.test.ts.
 */
const GLOBAL_STATUSES: { statuses: number[]; applies: (method: string, op: Operation) => boolean }[] = [
  // http-server.ts answers a request node cannot parse (400) or whose headers are too large (431) before any
  // route; app.ts's onError answers a bug with 500; storableUrl and every validator answer 400.
  { statuses: [400, 431, 500], applies: () => true },
  // authenticate, for every operation that takes a key.
  { statuses: [401], applies: (_m, op) => (op.security ?? []).some((s) => 'bearer' in s) },
  // limitBody and jsonBody read the body of every request but GET and HEAD.
  { statuses: [413, 415], applies: (method) => method !== 'get' && method !== 'head' },
  // app.ts answers a storage outage on any route (storageUnavailable), and a draining server every request, with 503.
  { statuses: [503], applies: () => true },
]

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'])

/**
 * The generated document, completed: every error status's response is the shared component
 * (the routes declare theirs inline so the typed client knows their bodies), every other
 * response names `X-Request-Id`, and each operation lists the GLOBAL_STATUSES that apply to it.
 */
export function completeDocument<D extends { paths?: object }>(doc: D): D {
  for (const item of Object.values((doc.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const [method, value] of Object.entries(item)) {
      if (!METHODS.has(method)) continue
      const op = value as Operation
      const statuses = new Set(Object.keys(op.responses).map(Number))
      for (const rule of GLOBAL_STATUSES) if (rule.applies(method, op)) for (const s of rule.statuses) statuses.add(s)
      const responses: Operation['responses'] = {}
      for (const status of [...statuses].sort((a, b) => a - b)) {
        if (status >= 400) {
          const shared = ERROR_RESPONSES[status]
          if (!shared) throw new Error(`no shared response for status ${status}`)
          responses[status] = ref('responses', shared.name)
        } else {
          const own = op.responses[status] as { headers?: Record<string, unknown> }
          responses[status] = { ...own, headers: { [REQUEST_ID_HEADER]: HEADER_REFS.requestId, ...own.headers } }
        }
      }
      op.responses = responses
    }
  }
  return doc
}
