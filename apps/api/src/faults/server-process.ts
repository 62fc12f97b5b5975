/**
 * The API server as a child process, for fault tests: started as `pnpm start`
 * starts it, on a temporary PGlite data directory (a copy of the migrated
 * template, so the child skips initdb) or on a fresh schema of a PostgreSQL
 * server. Talk to it with `send` (./http-client.ts).
 *
 * Not through the `tsx` CLI: it SIGKILLs a child that does not acknowledge a
 * signal within 30 ms, which defeats a graceful shutdown.
 *
 * @example
 * const fleet = serverFleet()
 * afterAll(() => fleet.cleanup())
 * const server = await fleet.start(await fleet.pgliteStorage())
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { cp, mkdtemp, rename, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import postgres from 'postgres'
import { migratedTemplate } from '../testing/pglite-template.js'
import { ADMIN_KEY } from './http-client.js'

const API_DIR = dirname(dirname(dirname(fileURLToPath(import.meta.url))))
/** The start script's arguments after `node`. */
const SERVER = (JSON.parse(readFileSync(join(API_DIR, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(' ')
  .slice(1)

/** Where a server process keeps its data: the environment it is started with. */
export type ServerStorage = { DATA_DIR: string } | { DATABASE_URL: string }

export interface ServerProcess {
  proc: ChildProcess
  url: string
  stdout: string[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Resolves when the server logs a line with this `msg`. */
  logged(msg: string): Promise<Record<string, unknown>>
}

export interface ServerFleet {
  /** A temporary data directory holding a migrated, empty PGlite database. */
  pgliteStorage(): Promise<ServerStorage>
  /** A fresh schema on the PostgreSQL server at `url`, dropped by cleanup. */
  postgresStorage(url: string): Promise<ServerStorage>
  start(storage: ServerStorage): Promise<ServerProcess>
  /** Kill every process still running, wait for them, remove directories and schemas. */
  cleanup(): Promise<void>
}

export function serverFleet(): ServerFleet {
  const running: Omit<ServerProcess, 'url'>[] = []
  const dirs: string[] = []
  const schemas: { url: string; schema: string }[] = []
  return {
    async pgliteStorage() {
      const dir = await mkdtemp(join(tmpdir(), 'timebank-fault-'))
      dirs.push(dir)
      await cp(await templateDataDir(), join(dir, 'pglite'), { recursive: true })
      return { DATA_DIR: dir }
    },
    async postgresStorage(url) {
      const schema = `tb_fault_${randomBytes(6).toString('hex')}`
      const admin = postgres(url, { max: 1, onnotice: () => {} })
      try {
        await admin.unsafe(`create schema ${schema}`)
      } finally {
        await admin.end({ timeout: 5 })
      }
      schemas.push({ url, schema })
      const scoped = new URL(url)
      scoped.searchParams.set('search_path', schema)
      return { DATABASE_URL: scoped.toString() }
    },
    start(storage) {
      const { server, listening } = spawnServer(storage)
      // Tracked before it listens, so cleanup kills it even when the test fails while it starts.
      running.push(server)
      return listening
    },
    async cleanup() {
      for (const s of running) if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGKILL')
      await Promise.all(running.map((s) => s.exited))
      for (const d of dirs) await rm(d, { recursive: true, force: true })
      for (const { url, schema } of schemas) {
        const admin = postgres(url, { max: 1, onnotice: () => {} })
        await admin.unsafe(`drop schema if exists ${schema} cascade`).finally(() => admin.end({ timeout: 5 }))
      }
    },
  }
}

/**
 * The migrated template as a PGlite data directory on disk, made once per machine and template
 * (loading the tarball into PGlite takes seconds; copying the directory a fraction of one).
 */
async function templateDataDir(): Promise<string> {
  const template = await migratedTemplate()
  const hash = createHash('sha256')
    .update(new Uint8Array(await template.arrayBuffer()))
    .digest('hex')
    .slice(0, 16)
  const dir = join(tmpdir(), `timebank-fault-pglite-${hash}`)
  if (existsSync(join(dir, 'PG_VERSION'))) return dir
  // Several test files may race: each makes its own and renames; a loser removes its copy.
  const mine = `${dir}.${randomBytes(4).toString('hex')}`
  const pg = new PGlite(mine, { loadDataDir: template })
  await pg.waitReady
  await pg.close()
  try {
    await rename(mine, dir)
  } catch {
    await rm(mine, { recursive: true, force: true })
  }
  return dir
}

function spawnServer(storage: ServerStorage): { server: Omit<ServerProcess, 'url'>; listening: Promise<ServerProcess> } {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', TIMEBANK_ADMIN_KEY: ADMIN_KEY, ...storage }
  delete env.INIT_CWD
  if (!('DATABASE_URL' in storage)) delete env.DATABASE_URL
  const proc = spawn(process.execPath, SERVER, { cwd: API_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const stdout: string[] = []
  const stderr: string[] = []
  const watchers: { msg: string; resolve: (record: Record<string, unknown>) => void }[] = []
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  )
  const logged = (msg: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = stdout.map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r.msg === msg)
      if (seen) resolve(seen)
      else watchers.push({ msg, resolve })
      void exited.then(() => reject(new Error(`server exited before logging ${JSON.stringify(msg)}: ${stderr.join('')}`)))
    })
  let buffered = ''
  proc.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8')
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    for (const line of lines) {
      stdout.push(line)
      const record = JSON.parse(line) as Record<string, unknown>
      for (const w of watchers.filter((w) => w.msg === record.msg)) {
        watchers.splice(watchers.indexOf(w), 1)
        w.resolve(record)
      }
    }
  })
  proc.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')))
  const server: Omit<ServerProcess, 'url'> = { proc, stdout, exited, logged }
  return { server, listening: logged('listening').then((record) => ({ ...server, url: String(record.url) })) }
}
