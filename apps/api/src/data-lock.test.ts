import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import './testing/no-console.js'
import { DataDirInUseError, LOCK_FILE, acquireDataLock } from './data-lock.js'

const dirs: string[] = []
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'timebank-lock-'))
  dirs.push(d)
  return d
}
const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const SRC = dirname(fileURLToPath(import.meta.url))

/**
 * A process that, once it reads a line on stdin, tries to lock the directory given as argument,
 * prints `won` or the error's name, and holds what it got until its stdin ends.
 */
function contender(dir: string): { proc: ChildProcess; ready: Promise<void>; result: Promise<string> } {
  const script = `
    import { acquireDataLock } from ${JSON.stringify(join(SRC, 'data-lock.ts'))}
    process.stdin.once('data', () => {
      let result = 'won'
      try { acquireDataLock(process.argv[1]) } catch (e) { result = e.name }
      process.stdout.write(result + '\\n')
      process.stdin.on('end', () => process.exit(0)).resume()
    })
    process.stdout.write('ready\\n')`
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], {
    cwd: dirname(SRC),
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  children.push(proc)
  const lines: string[] = []
  const waiters: ((line: string) => void)[] = []
  let buffered = ''
  proc.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8')
    const parts = buffered.split('\n')
    buffered = parts.pop() ?? ''
    for (const line of parts) {
      const w = waiters.shift()
      if (w) w(line)
      else lines.push(line)
    }
  })
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const line = lines.shift()
      if (line !== undefined) resolve(line)
      else waiters.push(resolve)
      proc.once('exit', (code) => reject(new Error(`contender exited with ${code}`)))
    })
  const ready = nextLine().then((l) => expect(l).toBe('ready'))
  return { proc, ready, result: ready.then(nextLine) }
}

/** A pid that surely ran and exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid as number

describe('data directory lock', () => {
  it('writes our pid and removes the file on release', () => {
    const dir = fresh()
    const lock = acquireDataLock(dir)
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, hostname: hostname() })
    expect(lock.tookOverStale).toBeNull()
    lock.release()
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
  })

  it('refuses a directory held by a live process, naming it', () => {
    const dir = fresh()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, hostname: hostname(), startedAt: '' }))
    expect(() => acquireDataLock(dir)).toThrow(DataDirInUseError)
    expect(() => acquireDataLock(dir)).toThrow(`is in use by process ${process.ppid}`)
  })

  it('takes over a stale lock whose process is gone', () => {
    const dir = fresh()
    const pid = deadPid()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, hostname: hostname(), startedAt: '' }))
    const lock = acquireDataLock(dir)
    expect(lock.tookOverStale).toEqual({ pid })
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid)
    lock.release()
  })

  it('takes over a lock holding our own pid (a previous process with the same pid, e.g. pid 1 in a container)', () => {
    const dir = fresh()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: '' }))
    const lock = acquireDataLock(dir)
    expect(lock.tookOverStale).toEqual({ pid: process.pid })
    lock.release()
  })

  it('refuses a lock from another host, whose process it cannot check', () => {
    const dir = fresh()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), hostname: 'elsewhere', startedAt: '' }))
    expect(() => acquireDataLock(dir)).toThrow(DataDirInUseError)
  })

  it('lets only one of two lockers win', () => {
    const dir = fresh()
    const first = acquireDataLock(dir)
    expect(() => acquireDataLock(dir)).toThrow(DataDirInUseError)
    first.release()
    acquireDataLock(dir).release()
  })
  it('lets exactly one of 8 processes starting at once take over a stale lock', async () => {
    const dir = fresh()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), hostname: hostname(), startedAt: '' }))
    const racers = Array.from({ length: 8 }, () => contender(dir))
    await Promise.all(racers.map((r) => r.ready))
    for (const r of racers) r.proc.stdin?.write('go\n')
    const results = await Promise.all(racers.map((r) => r.result))
    expect(results.filter((r) => r === 'won')).toHaveLength(1)
    expect(results.filter((r) => r !== 'won').every((r) => r === 'DataDirInUseError')).toBe(true)
    const winner = racers[results.indexOf('won')]
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(winner?.proc.pid)
    for (const r of racers) r.proc.stdin?.end()
    await Promise.all(
      racers.map((r) => new Promise((resolve) => (r.proc.exitCode !== null ? resolve(null) : r.proc.once('exit', resolve)))),
    )
    // The winner exited without releasing (as a crash would): only its lock is left, no claim or temporary file.
    expect(readdirSync(dir)).toEqual([LOCK_FILE])
  }, 30_000)
})
