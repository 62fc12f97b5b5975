/**
 * PostgreSQL outages, through a TCP proxy in front of a real server
 * (API_TEST_DATABASE_URL, else DATABASE_URL, else a throwaway embedded one):
 * a stopped server (connections refused) and a partition (bytes vanish) answer
 * 503 UNAVAILABLE with Retry-After within the configured bounds, /healthz keeps
 * answering, and writes succeed again once the server is back, without a
 * restart. Also each bound alone: statement_timeout and the pool wait.
 */
import { randomBytes } from 'node:crypto'
import { createCommunity } from '@timebank/community'
import { createLedger } from '@timebank/ledger'
import { type TestPostgres, startTestPostgres } from '@timebank/ledger/testing'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import './testing/no-console.js'
import { createApp } from './app.js'
import { bootstrap } from './bootstrap.js'
import { storageUnavailable } from './errors.js'
import { type RunningServer, listen } from './http-server.js'
import { createKeyStore } from './keys/store.js'
import { createUserStore } from './users/store.js'
import { memoryLogger } from './logger.js'
import { type Storage, openStorage } from './storage.js'
import type { PostgresBounds } from './storage-bounds.js'
import { OPERATOR_KEY } from './testing/harness.js'
import { type TcpProxy, startTcpProxy } from './testing/tcp-proxy.js'

const BOUNDS: PostgresBounds = { connectTimeoutMs: 1000, statementTimeoutMs: 1000, poolTimeoutMs: 1000 }
const HEALTH_TIMEOUT_MS = 1000
/** The longest a request may wait on storage: a silent connection is cut after statement timeout + 1 s. */
const STORAGE_BOUND_MS = Math.max(BOUNDS.connectTimeoutMs, BOUNDS.poolTimeoutMs, BOUNDS.statementTimeoutMs + 1000)
/** Generous room for the machine being busy; the point is seconds, not the hang of a minute or more. */
const SLACK_MS = 2500

let server: TestPostgres | undefined
let baseUrl: string
let admin: postgres.Sql
const schemas: string[] = []

/** A URL of the server scoped to a fresh schema, optionally through the proxy. */
async function scopedUrl(via?: TcpProxy): Promise<string> {
  const schema = `tb_outage_${randomBytes(5).toString('hex')}`
  await admin.unsafe(`create schema ${schema}`)
  schemas.push(schema)
  const url = new URL(baseUrl)
  if (via) {
    url.hostname = via.host
    url.port = String(via.port)
  }
  url.searchParams.set('search_path', schema)
  return url.toString()
}

beforeAll(async () => {
  const fromEnv = process.env.API_TEST_DATABASE_URL
  if (!fromEnv) server = await startTestPostgres()
  baseUrl = fromEnv || (server as TestPostgres).url
  admin = postgres(baseUrl, { max: 1, onnotice: () => {} })
})
afterAll(async () => {
  for (const schema of schemas) await admin.unsafe(`drop schema if exists ${schema} cascade`)
  await admin?.end({ timeout: 5 })
  await server?.stop()
})

describe('a PostgreSQL outage seen through the API', () => {
  let proxy: TcpProxy
  let storage: Storage
  let running: RunningServer
  const logger = memoryLogger()
  let tenantAdmin: string

  beforeAll(async () => {
    const target = new URL(baseUrl)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    storage = await openStorage({ kind: 'postgres', url: await scopedUrl(proxy), poolSize: 3, bounds: BOUNDS })
    const ledger = createLedger({ db: storage.db })
    const keys = createKeyStore(storage.db, { cache: { ttlMs: 0 } })
    const boot = await bootstrap({ ledger, keys, tenantId: 'main', tenantName: 'Operator', adminKey: OPERATOR_KEY })
    const app = createApp({
      ledger,
      community: createCommunity({ db: storage.db, ledger }),
      keys,
      users: createUserStore(storage.db),
      operatorTenantId: boot.operatorTenantId,
      logger,
      health: { check: storage.check, storage: storage.kind, timeoutMs: HEALTH_TIMEOUT_MS },
    })
    running = await listen(app, { port: 0, hostname: '127.0.0.1' })
    const tenant = await call('POST', '/v1/tenants', { key: OPERATOR_KEY, json: { id: 'hall', name: 'Hall' } })
    expect(tenant.status).toBe(201)
    tenantAdmin = tenant.body.adminKey.secret
    const account = { id: 'ana:hours', asset: 'HOUR', owner: { type: 'member', id: 'ana' }, kind: 'member' }
    expect((await call('POST', '/v1/accounts', { key: tenantAdmin, json: account })).status).toBe(201)
  })
  // Each test starts with the server reachable, whatever the one before left.
  afterEach(() => proxy.restore())
  afterAll(async () => {
    await proxy?.restore()
    await running?.close({ forceAfterMs: 1000 })
    await storage?.close()
    await proxy?.close()
  })

  /** One request, given up after 20 s so that a hang fails the test instead of stalling it. */
  async function call(method: string, path: string, o: { key?: string; json?: unknown } = {}) {
    const started = performance.now()
    const res = await fetch(`${running.url}${path}`, {
      method,
      headers: {
        ...(o.key ? { authorization: `Bearer ${o.key}` } : {}),
        ...(o.json ? { 'content-type': 'application/json' } : {}),
      },
      ...(o.json ? { body: JSON.stringify(o.json) } : {}),
      signal: AbortSignal.timeout(20_000),
    })
    const text = await res.text()
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined, ms: performance.now() - started }
  }

  const earn = (id: string) =>
    call('POST', '/v1/earnings', {
      key: tenantAdmin,
      json: { id, to: 'ana:hours', amount: '1', evidence: { activity: 'outage drill', reviewer: 'test' } },
    })

  /** Retry a write as a client would on 503, for up to a few seconds. */
  async function earnOnceBack(id: string) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const res = await earn(id)
      if (res.status !== 503) return res
      await new Promise((r) => setTimeout(r, 250))
    }
    throw new Error('storage did not come back')
  }

  async function expectUnavailableWithin(res: Awaited<ReturnType<typeof call>>, boundMs: number) {
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(res.body.error.code).toBe('UNAVAILABLE')
    expect(res.ms).toBeLessThan(boundMs + SLACK_MS)
  }

  it('answers 503 with Retry-After while the server refuses connections, and writes again once it is back', async () => {
    expect((await earn('before-stop')).status).toBe(201)
    await proxy.refuse()

    await expectUnavailableWithin(await earn('during-stop'), STORAGE_BOUND_MS)
    await expectUnavailableWithin(await call('GET', '/healthz'), HEALTH_TIMEOUT_MS)

    await proxy.restore()
    expect((await earnOnceBack('during-stop')).status).toBe(201)
    expect((await call('GET', '/healthz')).status).toBe(200)
  })

  it('answers 503 within the bounds while bytes vanish (a partition), instead of hanging', async () => {
    expect((await earn('before-partition')).status).toBe(201)
    proxy.blackhole()

    await expectUnavailableWithin(await earn('during-partition'), STORAGE_BOUND_MS)
    await expectUnavailableWithin(await call('GET', '/healthz'), HEALTH_TIMEOUT_MS)
    // A second write meets connections that are being opened (connect timeout) rather than silent ones.
    await expectUnavailableWithin(await earn('during-partition'), STORAGE_BOUND_MS)

    await proxy.restore()
    expect((await earnOnceBack('during-partition')).status).toBe(201)
    expect((await call('GET', '/healthz')).status).toBe(200)
  })

  it('applies each write retried through the outage once, and logs outages as warnings, never as unhandled errors', async () => {
    const balance = await call('GET', '/v1/accounts/ana:hours/balance', { key: tenantAdmin })
    expect(balance.status).toBe(200)
    // before-stop, during-stop, before-partition, during-partition: one hour each, however often retried.
    expect(Number(balance.body.posted)).toBe(4)
    expect(logger.records.filter((r) => r.msg === 'unhandled error')).toEqual([])
    expect(logger.records.some((r) => r.level === 'warn' && r.msg === 'storage unavailable')).toBe(true)
  })
})

describe('each storage bound alone', () => {
  it('cuts a statement at statement_timeout, which counts as an outage', async () => {
    const storage = await openStorage({ kind: 'postgres', url: await scopedUrl(), poolSize: 1, bounds: BOUNDS })
    try {
      const started = performance.now()
      const error = await storage.db.execute(sql`select pg_sleep(5)`).then(
        () => null,
        (e: unknown) => e,
      )
      expect(storageUnavailable(error)).toMatch(/57014/)
      expect(performance.now() - started).toBeLessThan(BOUNDS.statementTimeoutMs + SLACK_MS)
    } finally {
      await storage.close()
    }
  })

  it('migrates at start-up whatever the statement timeout, and a statement cut short cannot end the process', async () => {
    // postgres.js drops the promise of the array-types query it runs on each new connection: were that
    // query cut by statement_timeout, its rejection would be unhandled, which ends the server.
    const unhandled: unknown[] = []
    const collect = (e: unknown) => unhandled.push(e)
    process.on('unhandledRejection', collect)
    const storage = await openStorage({
      kind: 'postgres',
      url: await scopedUrl(),
      poolSize: 1,
      bounds: { ...BOUNDS, statementTimeoutMs: 1 },
    })
    try {
      const error = await storage.db.execute(sql`select pg_sleep(0.05)`).then(
        () => null,
        (e: unknown) => e,
      )
      expect(storageUnavailable(error)).toMatch(/57014/)
      await new Promise((r) => setTimeout(r, 100))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', collect)
      await storage.close()
    }
  })

  it('gives up waiting for a pool connection after the pool timeout; a transaction given up never runs', async () => {
    const storage = await openStorage({ kind: 'postgres', url: await scopedUrl(), poolSize: 1, bounds: BOUNDS })
    try {
      const client = (storage.db as unknown as { $client: postgres.Sql }).$client
      let release = () => {}
      const held = client.begin(async () => new Promise<void>((r) => (release = r)))
      await new Promise((r) => setTimeout(r, 100))

      let started = performance.now()
      const queued = await storage.db.execute(sql`select 1`).then(
        () => null,
        (e: unknown) => e,
      )
      expect(storageUnavailable(queued)).toMatch(/POOL_TIMEOUT/)
      expect(performance.now() - started).toBeLessThan(BOUNDS.poolTimeoutMs + SLACK_MS)

      let ran = false
      started = performance.now()
      const transaction = await client
        .begin(async () => {
          ran = true
        })
        .then(
          () => null,
          (e: unknown) => e,
        )
      expect(storageUnavailable(transaction)).toMatch(/POOL_TIMEOUT/)
      expect(performance.now() - started).toBeLessThan(BOUNDS.poolTimeoutMs + SLACK_MS)

      release()
      await held
      await storage.check()
      expect(ran).toBe(false)
    } finally {
      await storage.close()
    }
  })
})
