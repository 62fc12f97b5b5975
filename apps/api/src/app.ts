/**
 * `createApp({ ledger, keys })`: the Hono app. It translates HTTP to ledger
 * calls and back; the rules live in the ledger. One `onError` renders every
 * failure as `{ error: { code, message, details, requestId } }`.
 *
 * @example
 * const app = createApp({ ledger, keys, operatorTenantId: 'main' })
 * serve({ fetch: app.fetch, port: 3000 })
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context, MiddlewareHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { type Community, isCommunityError } from '@timebank/community'
import { type Ledger, isLedgerError } from '@timebank/ledger'
import { authenticate } from './auth.js'
import type { AppEnv, Deps } from './context.js'
import { docsRoutes } from './docs.js'
import { ApiError, type AnyErrorCode, STATUS, errorBody, isApiError, storageUnavailable } from './errors.js'
import { storableUrl } from './storable-url.js'
import { jsonBody } from './json-body.js'
import { completeDocument, registerShared } from './openapi.js'
import type { KeyStore } from './keys/store.js'
import { type Logger, describeError, silentLogger } from './logger.js'
import { accountOwners } from './owners.js'
import { DEFAULT_BODY_LIMIT, limitBody } from './request-body.js'
import { requestContext } from './request-context.js'
import { accountRoutes } from './routes/accounts.js'
import { healthRoutes } from './routes/health.js'
import { activityRoutes } from './routes/activities.js'
import { certificateRoutes } from './routes/certificates.js'
import { communityRoutes } from './routes/community.js'
import { expiryRoutes } from './routes/expiry.js'
import { journalRoutes } from './routes/journal.js'
import { giftRoutes } from './routes/gifts.js'
import { gridRoutes } from './routes/grids.js'
import { keyRoutes } from './routes/keys.js'
import { memberRoutes } from './routes/members.js'
import { organisationRoutes } from './routes/organisations.js'
import { policyRoutes } from './routes/policies.js'
import { orderRoutes } from './routes/orders.js'
import { publicRoutes } from './routes/public.js'
import { summaryRoutes } from './routes/summary.js'
import { recognitionRoutes } from './routes/recognition.js'
import { recordRoutes } from './routes/records.js'
import { serviceRoutes } from './routes/services.js'
import { wishRoutes } from './routes/wishes.js'
import { redemptionRoutes } from './routes/redemptions.js'
import { rewardRoutes } from './routes/rewards.js'
import { tenantRoutes } from './routes/tenants.js'
import { transferRoutes } from './routes/transfers.js'
import { sessionRoutes } from './routes/sessions.js'
import { userRoutes } from './routes/users.js'
import { type SignInLimits, createSignIn } from './users/sign-in.js'
import type { UserStore } from './users/store.js'

export const API_VERSION = '0.1.0'

export { DEFAULT_BODY_LIMIT }

export interface AppOptions {
  ledger: Ledger
  /** The community over the same database and ledger (`createCommunity({ db, ledger })`). */
  community: Community
  keys: KeyStore
  /** Users, their sessions and sign-in links (`createUserStore(db)`). */
  users: UserStore
  /** Sign-in lockout and lifetimes (SIGN_IN_MAX_FAILURES, SIGN_IN_LOCK_MINUTES, SESSION_TTL_HOURS, SIGN_IN_LINK_TTL_HOURS). */
  signIn?: Partial<SignInLimits>
  /** The tenant whose admin keys may create tenants (set at bootstrap). */
  operatorTenantId?: string | null
  logger?: Logger
  /** Largest request body in bytes. */
  bodyLimit?: number
  /** Storage check for /healthz; resolves when storage answers. `timeoutMs` bounds it (HEALTH_TIMEOUT_MS). */
  health?: { check: () => Promise<void>; storage: string; timeoutMs?: number }
  /**
   * Called before every mutating /v1 request (POST, PUT, PATCH, DELETE); throws
   * ApiError UNAVAILABLE to refuse it while reads go on (`storage.guardWrites`:
   * embedded storage low on disk).
   */
  guardWrites?: () => void | Promise<void>
  /** True while shutting down: /healthz answers 503 and responses close their connections. */
  isDraining?: () => boolean
}

/** Render any thrown value as the error shape; unknown errors are logged and hidden. */
function renderError(err: unknown, c: Context<AppEnv>, logger: Logger): Response {
  const requestId = c.get('requestId') ?? 'unknown'
  let code: AnyErrorCode
  let message: string
  let details: Record<string, unknown> | undefined
  let status: number
  const outage = storageUnavailable(err)
  if (isLedgerError(err) || isCommunityError(err)) {
    code = err.code
    message = err.message
    details = err.details
    status = STATUS[code]
  } else if (isApiError(err)) {
    code = err.code
    message = err.message
    details = err.details
    status = err.status ?? STATUS[code]
  } else if (err instanceof HTTPException && err.status < 500) {
    const byStatus: Record<number, AnyErrorCode> = {
      401: 'UNAUTHORIZED',
      404: 'NOT_FOUND',
      413: 'PAYLOAD_TOO_LARGE',
      415: 'UNSUPPORTED_MEDIA_TYPE',
    }
    code = byStatus[err.status] ?? (/json/i.test(err.message) ? 'MALFORMED_JSON' : 'BAD_REQUEST')
    message = err.message || code
    status = STATUS[code]
  } else if (outage !== null) {
    // An outage, not a bug: the client retries later (writes are idempotent by id).
    logger.warn('storage unavailable', { requestId, method: c.req.method, path: c.req.path.slice(0, 512), ...describeError(err) })
    code = 'UNAVAILABLE'
    message = `storage is unavailable: ${outage}; retry later`
    status = STATUS.UNAVAILABLE
  } else {
    logger.error('unhandled error', { requestId, method: c.req.method, path: c.req.path.slice(0, 512), ...describeError(err) })
    code = 'INTERNAL'
    message = `internal error; quote request id ${requestId} when reporting it`
    status = STATUS.INTERNAL
  }
  if (code === 'CONTENTION' || code === 'UNAVAILABLE') c.header('Retry-After', '1')
  if (code === 'SIGN_IN_LOCKED' && typeof details?.retryAfterSeconds === 'number')
    c.header('Retry-After', String(details.retryAfterSeconds))
  return c.json(errorBody(code, message, details, requestId), status as 400)
}

/** Build the app. `AppType` (its type) drives the typed client. */
export function createApp(options: AppOptions) {
  const logger = options.logger ?? silentLogger
  const deps: Deps = {
    ledger: options.ledger,
    community: options.community,
    keys: options.keys,
    logger,
    operatorTenantId: options.operatorTenantId ?? null,
    owners: accountOwners(options.ledger),
    users: options.users,
    signIn: createSignIn(options.users, options.signIn),
  }
  const maxSize = options.bodyLimit ?? DEFAULT_BODY_LIMIT

  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return
      const issues = result.error.issues.slice(0, 20).map((i) => ({
        path: [result.target, ...i.path.map(String)].join('.'),
        message: i.message,
      }))
      const first = issues[0]
      throw new ApiError('VALIDATION', first ? `${first.path}: ${first.message}` : `invalid ${result.target}`, { issues })
    },
  })

  app.use('*', requestContext({ logger, ...(options.isDraining ? { isDraining: options.isDraining } : {}) }))
  app.use('*', limitBody(maxSize))
  // Public community pages (disclosure, certificate verification) and signing in need no key; everything else under /v1 does.
  const auth = authenticate(deps)
  const open = (c: Context<AppEnv>) =>
    c.req.path.startsWith('/v1/public/') ||
    (c.req.method === 'POST' && (c.req.path === '/v1/sessions' || c.req.path === '/v1/sessions/link'))
  const keyUnlessPublic: MiddlewareHandler<AppEnv> = (c, next) => (open(c) ? next() : auth(c, next))
  app.use('/v1/*', keyUnlessPublic)
  const guardWrites = options.guardWrites
  if (guardWrites) {
    app.use('/v1/*', async (c, next) => {
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.req.method !== 'OPTIONS') await guardWrites()
      await next()
    })
  }
  app.use('/v1/*', storableUrl())
  app.use('/v1/*', jsonBody({ maxSize }))
  app.onError((err, c) => renderError(err, c, logger))
  app.notFound((c) =>
    c.json(
      errorBody('NOT_FOUND', `no route for ${c.req.method} ${c.req.path.slice(0, 200)}`, undefined, c.get('requestId') ?? 'unknown'),
      404,
    ),
  )

  registerShared(app.openAPIRegistry)

  const v1 = new OpenAPIHono<AppEnv>()
    .route('/', tenantRoutes(deps))
    .route('/', accountRoutes(deps))
    .route('/', transferRoutes(deps))
    .route('/', keyRoutes(deps))
    .route('/', sessionRoutes(deps))
    .route('/', userRoutes(deps))
    .route('/', communityRoutes(deps))
    .route('/', policyRoutes(deps))
    .route('/', journalRoutes(deps))
    .route('/', memberRoutes(deps))
    .route('/', gridRoutes(deps))
    .route('/', organisationRoutes(deps))
    .route('/', activityRoutes(deps))
    .route('/', recordRoutes(deps))
    .route('/', wishRoutes(deps))
    .route('/', rewardRoutes(deps))
    .route('/', redemptionRoutes(deps))
    .route('/', recognitionRoutes(deps))
    .route('/', certificateRoutes(deps))
    .route('/', giftRoutes(deps))
    .route('/', expiryRoutes(deps))
    .route('/', serviceRoutes(deps))
    .route('/', orderRoutes(deps))
    .route('/', publicRoutes(deps))
    .route('/', summaryRoutes(deps))

  const health = options.health ?? { check: async () => {}, storage: 'unknown' }
  const routed = app
    .route('/v1', v1)
    .route('/', healthRoutes({ ...health, ...(options.isDraining ? { isDraining: options.isDraining } : {}) }))

  const config = {
    openapi: '3.1.0',
    info: {
      title: 'timebank API',
      version: API_VERSION,
      license: { name: 'MIT', identifier: 'MIT' },
      description:
        'Volunteer time-bank and points ledger. Authenticate with `Authorization: Bearer <key>`: an API key (`tbk_…`) or a session token from `POST /v1/sessions` (`tbs_…`). Amounts are decimal strings, instants ISO 8601 UTC. Every write that creates something takes an id, in the body or the `Idempotency-Key` header (one of the two is required): retries with it are safe, and a replay answers `Idempotency-Replayed: true`. Responses carry `X-Request-Id` (all but a 431, answered before any route). Errors are `{ "error": { "code", "message", "details", "requestId" } }`.',
    },
    // Relative: the host that served this document, whatever name or proxy it was reached through. Built from
    // the request's Host it would echo a header anyone can set into a document caches keep.
    servers: [{ url: '/', description: 'The server that served this document' }],
    tags: [
      { name: 'Tenants', description: 'Communities, their assets and totals' },
      { name: 'Accounts', description: 'Wallets, balances and history' },
      { name: 'Transfers', description: 'Earning, transferring, redeeming, holds and reversals' },
      { name: 'API keys', description: 'Who may call the API' },
      { name: 'Sessions', description: 'Signing in with a login and password or a one-time link; who is calling; signing out' },
      { name: 'Users', description: 'The people who sign in to the console: their logins, roles, sign-in links' },
      { name: 'Community', description: 'A community on the tenant: settings, points rules, policies, reconciliation' },
      { name: 'Members', description: 'Residents and volunteers: registration, review, grids, relatives, erasure' },
      { name: 'Grids', description: 'The grid tree (网格) and its leaders' },
      { name: 'Organisations', description: 'Partner units (共建单位) and volunteer teams' },
      { name: 'Activities', description: 'Volunteer activities: sign-up, check-in by QR code, check-out' },
      { name: 'Hour records', description: 'Hours to approve, reject, adjust or complain about; credited through the ledger' },
      { name: 'Recognition', description: 'Honour rolls (好人榜), closed periods, grid roll-ups, statements' },
      { name: 'Services', description: 'The service catalogue (居民点单) with the agreed hours per order' },
      { name: 'Orders', description: 'Service orders: ordered, dispatched, accepted (hours held), completed, confirmed (hours posted)' },
      { name: 'Certificates', description: 'Signed volunteer service certificates (志愿服务证明)' },
      { name: 'Gifts', description: 'Gifting (转赠) between members and donations to the community pool, as the policy allows' },
      { name: 'Public', description: 'What anyone may see: the disclosure list (公示), certificate verification' },
      { name: 'Operations', description: 'Health' },
    ],
  }
  // Built once, on first request: every route is registered by then.
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined
  app.get('/openapi.json', (c) => {
    document ??= completeDocument(app.getOpenAPI31Document(config))
    return c.json(document)
  })
  app.route('/', docsRoutes())
  app.get('/', (c) => c.json({ name: 'timebank API', version: API_VERSION, docs: '/docs', openapi: '/openapi.json' }))

  return routed
}

/** The app's type, for `hc<AppType>()`. */
export type AppType = ReturnType<typeof createApp>
export type App = AppType
