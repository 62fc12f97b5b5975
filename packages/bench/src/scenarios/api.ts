/**
 * Scenario 6, the HTTP API: POST /v1/transfers through the real app
 * (`createApp` from @timebank/api, served by its own `listen`, a staff API key,
 * its key lookup per request), against a bare Hono route on @hono/node-server
 * doing one `SELECT 1` on the same postgres.js pool, and (for reference) one
 * doing the hand-written SQL transfer. All on 127.0.0.1, loaded by autocannon
 * (10 connections) from a forked process.
 *
 * @example
 * const api = await setupApi(community, console.log, { reference: true })
 * if (!('skipped' in api)) { await measurePhase(api.contenders, options); await api.close() }
 */
import { type ChildProcess, fork } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { type Ledger, type LedgerDatabase, createLedger } from '@timebank/ledger'
import { Hono } from 'hono'
import type { Community } from '../fixtures/community.js'
import { TENANT } from '../fixtures/community.js'
import type { Contender } from '../figures.js'
import type { RunMessage, RunResult } from '../load/autocannon-child.js'
import type { RoundWork } from '../runner/closed-loop.js'
import { interactiveTransfer } from '../sql/transfer.js'
import { statementCounter } from '../runner/probes.js'

export const SCENARIO = '6. HTTP API'
const CONNECTIONS = 10
const POOL = 10

interface FetchApp {
  fetch(request: Request): Response | Promise<Response>
  request(path: string, init?: RequestInit): Response | Promise<Response>
}

/** The parts of @timebank/api the bench uses (imported at run time, so the bench type-checks on its own). */
interface ApiModules {
  createApp(o: { ledger: Ledger; keys: unknown }): FetchApp
  createKeyStore(db: LedgerDatabase): { create(i: { tenantId: string; name: string; role: 'staff' }): Promise<{ secret: string | null }> }
  migrateApi(db: LedgerDatabase): Promise<unknown>
  listen(
    app: FetchApp,
    o: { port: number; hostname: string },
  ): Promise<{ url: string; close(o?: { forceAfterMs?: number }): Promise<void> }>
}

const API_PACKAGE = '@timebank/api'
const NEEDED = ['createApp', 'createKeyStore', 'migrateApi', 'listen'] as const

/** The API's pieces, or why they cannot be loaded. */
async function loadApi(): Promise<ApiModules | string> {
  let mod: Record<string, unknown>
  try {
    mod = (await import(API_PACKAGE)) as Record<string, unknown>
  } catch (e) {
    return `cannot import ${API_PACKAGE}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`
  }
  const missing = NEEDED.filter((name) => typeof mod[name] !== 'function')
  if (missing.length > 0) return `${API_PACKAGE} does not export ${missing.join(', ')}`
  return mod as unknown as ApiModules
}

/** The route measured: the tenant comes from the API key, so it is not in the path or body. */
const TRANSFER_PATH = '/v1/transfers'

function serveBare(fetch: FetchApp['fetch']): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      })
    })
  })
}

/** The autocannon process, forked so load generation does not share the server's event loop. */
export function loadChild(): { child: ChildProcess; run(m: RunMessage): Promise<RunResult> } {
  const file = fileURLToPath(new URL('../load/autocannon-child.ts', import.meta.url))
  const child = fork(file, [], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  let pending: { resolve(r: RunResult): void; reject(e: Error): void } | null = null
  child.on('message', (r: RunResult) => {
    pending?.resolve(r)
    pending = null
  })
  child.on('exit', (code) => {
    pending?.reject(new Error(`autocannon process exited (${code})`))
    pending = null
  })
  return {
    child,
    run: (m) =>
      new Promise((resolve, reject) => {
        pending = { resolve, reject }
        child.send(m)
      }),
  }
}

export type Api = { contenders: Contender[]; close(): Promise<void> } | { skipped: string }

/** The real app on its own server over a pool of the bench database, with a staff key; or why it cannot run. */
export interface ApiServer {
  url: string
  /** Headers of an authenticated JSON request. */
  headers: Record<string, string>
  pool: ReturnType<Community['bench']['pool']>
  close(): Promise<void>
}

export async function startApiServer(c: Community): Promise<ApiServer | { skipped: string }> {
  const api = await loadApi()
  if (typeof api === 'string') return { skipped: api }
  const pool = c.bench.pool(POOL)
  try {
    await api.migrateApi(pool.db)
    const keys = api.createKeyStore(pool.db)
    const { secret } = await keys.create({ tenantId: TENANT, name: 'bench', role: 'staff' })
    if (!secret) throw new Error('the key store returned no secret')
    const ledger = createLedger({ db: pool.db })
    const app = api.createApp({ ledger, keys })
    const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }
    // One request by hand, so a wrong body shape is reported plainly rather than as 0 req/s.
    const probe = await app.request(TRANSFER_PATH, {
      method: 'POST',
      headers,
      body: JSON.stringify({ id: `api-probe-${process.pid}-${Date.now()}`, from: c.members[0], to: c.members[1], amount: '0.01' }),
    })
    if (probe.status >= 300) {
      await pool.end()
      return { skipped: `POST ${TRANSFER_PATH} answered ${probe.status}: ${(await probe.text()).slice(0, 200)}` }
    }
    const server = await api.listen(app, { port: 0, hostname: '127.0.0.1' })
    return {
      url: server.url,
      headers,
      pool,
      async close() {
        await server.close({ forceAfterMs: 1000 })
        await pool.end()
      },
    }
  } catch (e) {
    await pool.end()
    throw e
  }
}

export async function setupApi(c: Community, log: (s: string) => void, o: { reference: boolean }): Promise<Api> {
  const started = await startApiServer(c)
  if ('skipped' in started) return started
  const { pool, headers } = started
  const apiServer = started
  try {
    const bare = new Hono()
      .get('/select1', async (ctx) => {
        statementCounter.count++
        await pool.client`select 1`
        return ctx.json({ ok: true })
      })
      .post('/transfer', async (ctx) => {
        const b = (await ctx.req.json()) as { id: string; from: string; to: string }
        await interactiveTransfer(pool.conn, { tenantId: TENANT, id: b.id, from: b.from, to: b.to, amount: 1n })
        return ctx.json({ ok: true }, 201)
      })
    const bareServer = await serveBare(bare.fetch)
    const load = loadChild()
    log(
      `  API: POST ${TRANSFER_PATH} on ${apiServer.url} (staff key); bare: GET /select1 on ${bareServer.url}; autocannon ${CONNECTIONS} connections in pid ${load.child.pid}`,
    )
    const round =
      (m: Omit<RunMessage, 'type' | 'durationMs'>) =>
      async (ms: number): Promise<RoundWork> => {
        const r = await load.run({ type: 'run', durationMs: ms, ...m })
        const out: RoundWork = { work: r.ok, elapsedMs: r.elapsedMs, errors: r.non2xx + r.errors }
        if (r.firstStatus !== undefined || r.sample) out.firstError = `HTTP ${r.firstStatus ?? '?'}: ${r.sample ?? ''}`
        return out
      }
    const memoryNote = 'RSS of the server process; autocannon runs in a child'
    const all: Contender[] = [
      {
        id: 'http.select1',
        scenario: SCENARIO,
        label: 'bare Hono route, one SELECT 1',
        callers: CONNECTIONS,
        unit: 'req/s',
        kind: 'rate',
        memoryNote,
        round: round({ url: `${bareServer.url}/select1`, method: 'GET', connections: CONNECTIONS, headers: {} }),
      },
      {
        id: 'http.sql-transfer',
        scenario: SCENARIO,
        label: 'bare Hono route, hand-written SQL transfer (7 statements)',
        callers: CONNECTIONS,
        unit: 'req/s',
        kind: 'rate',
        baseline: 'http.select1',
        note: 'for reference: a transfer over HTTP without the ledger or the app',
        memoryNote,
        round: round({
          url: `${bareServer.url}/transfer`,
          method: 'POST',
          connections: CONNECTIONS,
          headers: { 'content-type': 'application/json' },
          transfer: { members: c.members, idPrefix: `sql-api-${process.pid}-${Date.now()}` },
        }),
      },
      {
        id: 'http.transfer',
        scenario: SCENARIO,
        label: `POST ${TRANSFER_PATH} (real app and server)`,
        callers: CONNECTIONS,
        unit: 'req/s',
        kind: 'rate',
        baseline: 'http.select1',
        targets: [
          { text: '>= 0.5x bare Hono + SELECT 1', min: 0.5 },
          { text: 'for reference: vs bare Hono + hand-written SQL transfer', vs: 'http.sql-transfer' },
        ],
        memoryNote,
        round: round({
          url: `${apiServer.url}${TRANSFER_PATH}`,
          method: 'POST',
          connections: CONNECTIONS,
          headers,
          transfer: { members: c.members, idPrefix: `api-${process.pid}-${Date.now()}` },
        }),
      },
    ]
    const contenders = o.reference ? all : all.filter((x) => x.id !== 'http.sql-transfer')
    return {
      contenders,
      async close() {
        load.child.disconnect()
        await bareServer.close()
        await apiServer.close()
      },
    }
  } catch (e) {
    await apiServer.close()
    throw e
  }
}
