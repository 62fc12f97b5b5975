/**
 * The API end to end for tests: in-memory PGlite, the real app, a real HTTP
 * server on an ephemeral port, and a small request helper. The ledger's clock
 * can be moved forward (hold timeouts) without waiting.
 *
 * @example
 * const api = await startTestApi()
 * const res = await api.request('GET', '/v1/tenant', { key: api.operatorKey })
 * await api.close()
 */
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { type Community as CommunityUseCases, createCommunity } from '@timebank/community'
import { type Ledger, createLedger } from '@timebank/ledger'
import { type App, type AppOptions, createApp } from '../app.js'
import { bootstrap } from '../bootstrap.js'
import { type RunningServer, listen } from '../http-server.js'
import { type KeyStore, createKeyStore } from '../keys/store.js'
import { memoryLogger } from '../logger.js'
import { type Storage, openStorage } from '../storage.js'
import { type UserStore, createUserStore } from '../users/store.js'
import { migratedTemplate } from './pglite-template.js'

export const OPERATOR_KEY = 'tbk_test-operator-key-0123456789abcdefghijklmnop'

export interface TestResponse {
  status: number
  headers: Headers
  /** Parsed JSON, or undefined when the body is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are arbitrary JSON that the assertions read
  body: any
  text: string
}

export interface RequestOptions {
  key?: string
  json?: unknown
  /** A raw body (sent as is, with the content type from headers). */
  body?: string | Uint8Array
  headers?: Record<string, string>
}

export interface TestApi {
  url: string
  ledger: Ledger
  /** The community use cases the app runs (same database, ledger and clock). */
  community: CommunityUseCases
  keys: KeyStore
  /** Users, sessions and sign-in links, on the same clock as the ledger. */
  users: UserStore
  /** The operator tenant's first user (`admin`) and the link bootstrap made for it. */
  firstSignIn: { userId: string; token: string } | null
  storage: Storage
  /** The API app itself (its `fetch` answers in-process). */
  app: App
  server: RunningServer
  logger: ReturnType<typeof memoryLogger>
  operatorTenantId: string
  operatorKey: string
  /** Move the ledger's clock forward. */
  advanceClock(ms: number): void
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>
  close(): Promise<void>
}

export async function startTestApi(
  options: Partial<Pick<AppOptions, 'bodyLimit' | 'isDraining' | 'health' | 'signIn'>> & {
    ledger?: (real: Ledger) => Ledger
    /** A PostgreSQL server's URL with its `search_path` set: share that schema (kept on close) with other instances. */
    sharedDatabaseUrl?: string
    /** What the HTTP server answers with instead of the API alone (the web pages in front of it). */
    front?: (app: App, info: { operatorTenantId: string }) => { fetch: (request: Request) => Response | Promise<Response> }
  } = {},
): Promise<TestApi> {
  const storage = options.sharedDatabaseUrl
    ? await openStorage({ kind: 'postgres', url: options.sharedDatabaseUrl, poolSize: 10 })
    : await openTestStorage()
  let offset = 0
  const real = createLedger({ db: storage.db, clock: () => new Date(Date.now() + offset) })
  const ledger = options.ledger ? options.ledger(real) : real
  const keys = createKeyStore(storage.db)
  const users = createUserStore(storage.db, { clock: () => new Date(Date.now() + offset) })
  const boot = await bootstrap({
    ledger: createLedger({ db: storage.db }),
    keys,
    users,
    tenantId: 'main',
    tenantName: 'Operator',
    adminKey: OPERATOR_KEY,
  })
  const logger = memoryLogger()
  const community = createCommunity({ db: storage.db, ledger, clock: () => new Date(Date.now() + offset) })
  const app = createApp({
    ledger,
    community,
    keys,
    users,
    operatorTenantId: boot.operatorTenantId,
    logger,
    ...(options.signIn ? { signIn: options.signIn } : {}),
    health: options.health ?? { check: storage.check, storage: storage.kind },
    ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
    ...(options.isDraining ? { isDraining: options.isDraining } : {}),
  })
  const server = await listen(options.front ? options.front(app, { operatorTenantId: boot.operatorTenantId }) : app, {
    port: 0,
    hostname: '127.0.0.1',
  })
  // PGlite's start-up blocks the event loop for seconds; a keep-alive timeout longer than
  // any such pause keeps the server from closing a connection fetch is about to reuse.
  server.server.keepAliveTimeout = 120_000
  const url = server.url
  return {
    url,
    ledger: real,
    community,
    keys,
    users,
    firstSignIn: boot.signInLink,
    storage,
    app,
    server,
    logger,
    operatorTenantId: boot.operatorTenantId,
    operatorKey: OPERATOR_KEY,
    advanceClock(ms) {
      offset += ms
    },
    async request(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers }
      if (o.key !== undefined) headers.authorization = `Bearer ${o.key}`
      let body: string | Uint8Array | undefined = o.body
      if (o.json !== undefined) {
        body = JSON.stringify(o.json)
        headers['content-type'] ??= 'application/json'
      }
      const res = await fetch(`${url}${path}`, { method, headers, body: body as RequestInit['body'] })
      const text = await res.text()
      let parsed: unknown
      try {
        parsed = text === '' ? undefined : JSON.parse(text)
      } catch {
        parsed = undefined
      }
      return { status: res.status, headers: res.headers, body: parsed, text }
    },
    async close() {
      await server.close({ forceAfterMs: 1000 })
      await storage.close()
    },
  }
}

/**
 * In-memory PGlite by default. With API_TEST_DATABASE_URL set, a fresh schema of
 * that PostgreSQL server instead (dropped on close), so CI runs the same suite on both.
 */
async function openTestStorage(): Promise<Storage> {
  const url = process.env.API_TEST_DATABASE_URL
  if (!url) return openStorage({ kind: 'pglite-memory', loadDataDir: await migratedTemplate() })
  const schema = `tb_api_test_${randomBytes(6).toString('hex')}`
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create schema ${schema}`)
  const scoped = new URL(url)
  scoped.searchParams.set('search_path', schema)
  const storage = await openStorage({ kind: 'postgres', url: scoped.toString(), poolSize: 10 })
  return {
    ...storage,
    async close() {
      await storage.close()
      await admin.unsafe(`drop schema if exists ${schema} cascade`)
      await admin.end({ timeout: 5 })
    },
  }
}

/** A tenant with keys of every role and a few funded accounts. */
export interface Community {
  tenantId: string
  admin: string
  staff: string
  /** Member key of owner member:ana. */
  ana: string
  /** Member key of owner member:bo. */
  bo: string
  keyIds: { admin: string; staff: string; ana: string; bo: string }
}

let seq = 0

/**
 * Create a tenant through the API with keys of every role, and accounts:
 * `ana:hours` (10.00), `ana:points` (100), `bo:hours` (5.00), `bo:points`, and
 * the redemption sink `shop:points`.
 */
export async function seedCommunity(api: TestApi, tenantId = `t${++seq}`): Promise<Community> {
  const must = async (method: string, path: string, o: RequestOptions, status = 201) => {
    const res = await api.request(method, path, o)
    if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}: ${res.text}`)
    return res.body
  }
  const created = await must('POST', '/v1/tenants', { key: api.operatorKey, json: { id: tenantId, name: `Community ${tenantId}` } })
  const admin = created.adminKey.secret as string
  const key = async (json: unknown) => must('POST', '/v1/keys', { key: admin, json })
  const staff = await key({ name: 'staff', role: 'staff' })
  const ana = await key({ name: 'ana', role: 'member', owner: { type: 'member', id: 'ana' } })
  const bo = await key({ name: 'bo', role: 'member', owner: { type: 'member', id: 'bo' } })
  const open = (id: string, asset: string, owner: string, kind = 'member') =>
    must('POST', '/v1/accounts', {
      key: admin,
      json: { id, asset, owner: { type: kind === 'redemption' ? 'organisation' : 'member', id: owner }, kind },
    })
  await open('ana:hours', 'HOUR', 'ana')
  await open('ana:points', 'POINT', 'ana')
  await open('bo:hours', 'HOUR', 'bo')
  await open('bo:points', 'POINT', 'bo')
  await open('shop:points', 'POINT', 'shop', 'redemption')
  const earn = (id: string, to: string, amount: string) =>
    must('POST', '/v1/earnings', { key: admin, json: { id, to, amount, evidence: { activity: 'seed', reviewer: 'test' } } })
  await earn('seed-ana-hours', 'ana:hours', '10')
  await earn('seed-ana-points', 'ana:points', '100')
  await earn('seed-bo-hours', 'bo:hours', '5')
  return {
    tenantId,
    admin,
    staff: staff.secret,
    ana: ana.secret,
    bo: bo.secret,
    keyIds: { admin: created.adminKey.key.id, staff: staff.key.id, ana: ana.key.id, bo: bo.key.id },
  }
}

/** Totals and every account's balance of a tenant, read through the ledger, for before/after comparisons. */
export async function snapshot(ledger: Ledger, tenantId: string) {
  const totals = await ledger.totals({ tenantId })
  const accounts = await ledger.listAccounts({ tenantId, limit: 500 })
  const balances: Record<string, unknown> = {}
  for (const a of accounts) {
    const { at: _at, ...b } = await ledger.getBalance({ tenantId, accountId: a.id })
    balances[a.id] = { ...b, status: a.status }
  }
  return { totals, balances }
}
