/**
 * The real server process on a temporary PGlite data directory, started as
 * `pnpm start` starts it (the node arguments of the package's start script): durability across
 * a SIGTERM in the middle of concurrent writes and a restart, and one process
 * per data directory.
 *
 * Not through the `tsx` CLI: it runs the script in a child process and, when
 * that child does not acknowledge a signal within 30 ms (a busy event loop),
 * SIGKILLs it, which defeats a graceful shutdown.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import './testing/no-console.js'

const API_DIR = dirname(dirname(fileURLToPath(import.meta.url)))
/** The start script's arguments after `node`, so the test runs the server exactly as `pnpm start` does. */
const SERVER = (JSON.parse(readFileSync(join(API_DIR, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(' ')
  .slice(1)
const ADMIN_KEY = 'process-test-admin-key-0123456789abcdef'

interface Running {
  proc: ChildProcess
  url: string
  stdout: string[]
  stderr: string[]
  exited: Promise<number | null>
}

const started: Running[] = []
const dirs: string[] = []

function start(dataDir: string): Promise<Running> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    TIMEBANK_ADMIN_KEY: ADMIN_KEY,
    EXPIRE_INTERVAL_MS: '100',
  }
  delete env.INIT_CWD
  delete env.DATABASE_URL
  const proc = spawn(process.execPath, SERVER, { cwd: API_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const stdout: string[] = []
  const stderr: string[] = []
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    let buffered = ''
    proc.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8')
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        stdout.push(line)
        const record = JSON.parse(line) as { msg: string; url?: string }
        if (record.msg === 'listening' && record.url) {
          const running = { proc, url: record.url, stdout, stderr, exited }
          started.push(running)
          resolve(running)
        }
      }
    })
    proc.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')))
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening: ${stderr.join('')}`)))
  })
}

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'timebank-api-proc-'))
  dirs.push(dir)
  return dir
}

afterAll(async () => {
  for (const r of started) if (r.proc.exitCode === null) r.proc.kill('SIGKILL')
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

async function call(url: string, method: string, path: string, json?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  })
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are arbitrary JSON that the assertions read
  return { status: res.status, body: (await res.json()) as any }
}

const ACCOUNTS = ['a0', 'a1', 'a2', 'a3', 'a4']

describe('the server process', () => {
  it('keeps every acknowledged transfer across a SIGTERM under load and a restart', async () => {
    const dir = await tempDir()
    const first = await start(dir)
    // The console's first sign-in: a link printed once; it signs `admin` in, who sets a password.
    const printed = first.stdout.filter((l) => l.includes('sign in to the console at'))
    expect(printed).toHaveLength(1)
    const record = JSON.parse(printed[0] as string) as { msg: string; signInUrl: string }
    expect(record.msg).toBe(`first start: sign in to the console at ${record.signInUrl}`)
    const link = new URL(record.signInUrl)
    expect([link.origin, link.pathname, link.searchParams.get('tenant')]).toEqual([first.url, '/signin/link', 'main'])
    const signed = await call(first.url, 'POST', '/v1/sessions/link', { tenantId: 'main', token: link.searchParams.get('token') })
    expect([signed.status, signed.body.mustSetPassword]).toEqual([201, true])
    const set = await fetch(`${first.url}/v1/users/me/password`, {
      method: 'POST',
      headers: { authorization: `Bearer ${signed.body.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ newPassword: 'the first password' }),
    })
    expect(set.status).toBe(204)
    for (const id of ACCOUNTS) {
      expect((await call(first.url, 'POST', '/v1/accounts', { id, asset: 'HOUR', owner: { type: 'member', id } })).status).toBe(201)
      expect(
        (
          await call(first.url, 'POST', '/v1/earnings', {
            id: `fund-${id}`,
            to: id,
            amount: '50',
            evidence: { activity: 'seed', reviewer: 't' },
          })
        ).status,
      ).toBe(201)
    }

    const acked = new Map<string, { from: string; to: string; amount: string }>()
    const unanswered = new Map<string, { from: string; to: string; amount: string }>()
    let signalled = false
    let ackedAfterSignal = 0
    let reachedLoad!: () => void
    const loaded = new Promise<void>((r) => {
      reachedLoad = r
    })
    const worker = async (w: number) => {
      for (let i = 0; ; i++) {
        const from = ACCOUNTS[(w + i) % ACCOUNTS.length] as string
        const to = ACCOUNTS[(w + i + 1 + (i % 3)) % ACCOUNTS.length] as string
        const body = { from, to, amount: `${(i % 9) + 1}.${w}${i % 10}` }
        const id = `w${w}-${i}`
        try {
          const res = await call(first.url, 'POST', '/v1/transfers', body, { 'idempotency-key': id })
          if (res.status === 201) {
            acked.set(id, body)
            if (signalled) ackedAfterSignal++
          }
          if (acked.size >= 40) reachedLoad()
        } catch {
          // Connection refused or reset: the server is going away; this one may or may not have landed.
          unanswered.set(id, body)
          if (signalled) return
        }
      }
    }
    const workers = Promise.all([0, 1, 2, 3, 4, 5].map(worker))
    await loaded
    signalled = true
    first.proc.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    await workers
    // Requests in flight when the signal came were finished, not dropped.
    expect(ackedAfterSignal).toBeGreaterThan(0)
    expect(first.stdout.some((l) => l.includes('"msg":"shutting down: draining in-flight requests"'))).toBe(true)
    expect(first.stdout.at(-1)).toContain('"msg":"stopped cleanly"')
    expect(existsSync(join(dir, 'timebank.lock'))).toBe(false)

    const second = await start(dir)
    expect(second.stdout.some((l) => l.includes('adminKey'))).toBe(false)
    expect(second.stdout.some((l) => l.includes('sign in to the console'))).toBe(false)
    const again = await call(second.url, 'POST', '/v1/sessions', { tenantId: 'main', login: 'admin', password: 'the first password' })
    expect([again.status, again.body.user.role]).toEqual([201, 'admin'])
    for (const [id, body] of acked) {
      const res = await call(second.url, 'GET', `/v1/transfers/${id}`)
      expect([id, res.status, res.body.from, res.body.to, res.body.amount]).toEqual([id, 200, body.from, body.to, body.amount])
    }
    // A request that got no answer is safe to retry: applied once, or refused, never a conflict.
    for (const [id, body] of unanswered) {
      const res = await call(second.url, 'POST', '/v1/transfers', body, { 'idempotency-key': id })
      expect([id, res.status === 201 || res.status === 422]).toEqual([id, true])
    }
    const totals = await call(second.url, 'GET', '/v1/tenant/totals')
    for (const t of totals.body.totals) expect([t.asset, Number(t.total)]).toEqual([t.asset, 0])
    for (const id of ACCOUNTS) {
      const balance = await call(second.url, 'GET', `/v1/accounts/${id}/balance`)
      let sum = 0n
      let cursor: string | null = null
      do {
        const page: { body: { entries: { amount: string }[]; nextCursor: string | null } } = await call(
          second.url,
          'GET',
          `/v1/accounts/${id}/history?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
        )
        for (const e of page.body.entries) sum += BigInt(e.amount.replace('.', ''))
        cursor = page.body.nextCursor
      } while (cursor)
      expect([id, sum]).toEqual([id, BigInt(balance.body.posted.replace('.', ''))])
    }
    second.proc.kill('SIGTERM')
    expect(await second.exited).toBe(0)
  }, 180_000)

  it('refuses a second process on the same data directory with a clear message', async () => {
    const dir = await tempDir()
    const running = await start(dir)
    const second = spawn(process.execPath, SERVER, {
      cwd: API_DIR,
      env: { ...process.env, PORT: '0', DATA_DIR: dir, TIMEBANK_ADMIN_KEY: ADMIN_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    second.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString('utf8')
    })
    const code = await new Promise<number | null>((resolve) => second.on('exit', resolve))
    expect(code).toBe(1)
    const fatal = JSON.parse(stderr.trim().split('\n').at(-1) as string)
    expect(fatal.level).toBe('fatal')
    expect(fatal.msg).toContain(`data directory ${dir} is in use by process ${running.proc.pid} (lock file ${join(dir, 'timebank.lock')})`)
    expect(fatal.msg).toContain('one process per data directory')
    expect((await call(running.url, 'GET', '/healthz')).status).toBe(200)
    running.proc.kill('SIGTERM')
    expect(await running.exited).toBe(0)
  }, 120_000)
})
