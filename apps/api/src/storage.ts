/**
 * Storage for the server: embedded PGlite in a data directory (the default),
 * or a PostgreSQL server when DATABASE_URL is set. Both are migrated (the
 * ledger's and the community's tables by the community's `migrate`, then the
 * API's) before use.
 *
 * PGlite runs in this process with fsync off: a crash of the process keeps
 * committed data, but a power loss or OS crash can lose the latest commits.
 * One process per data directory, enforced by a lock file. Use PostgreSQL for
 * production and for more than one API process.
 *
 * Outages answer 503 within bounds: on PostgreSQL every wait is bounded
 * (storage-bounds.ts); on PGlite writes are refused while the disk is nearly
 * full (disk-guard.ts), since PGlite cannot recover from a full disk.
 *
 * @example
 * const storage = await openStorage({ kind: 'pglite', dataDir: './data' })
 * const ledger = createLedger({ db: storage.db })
 * await storage.close()
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { migrate } from '@timebank/community'
import type { LedgerDatabase } from '@timebank/ledger'
import { type DataLock, acquireDataLock } from './data-lock.js'
import { DEFAULT_MIN_FREE_BYTES, diskGuard } from './disk-guard.js'
import { migrateApi } from './keys/migrate.js'
import { DEFAULT_POSTGRES_BOUNDS, type PostgresBounds, boundPoolWait, copyArrayTypes, postgresBounds } from './storage-bounds.js'

export type StorageConfig =
  | {
      kind: 'pglite'
      dataDir: string
      /** DATA_DIR_MIN_FREE_MB in bytes: writes are refused below it (disk-guard.ts). */
      minFreeBytes?: number
      /** Free bytes of the data directory's file system (tests inject their own). */
      freeBytes?: (dir: string) => Promise<number>
    }
  | { kind: 'pglite-memory' /** A data directory tarball to start from (tests). */; loadDataDir?: Blob }
  | { kind: 'postgres'; url: string; poolSize: number; bounds?: PostgresBounds }

export interface Storage {
  db: LedgerDatabase
  kind: 'pglite' | 'postgres'
  /** Where the data lives, for logs (never the URL's password). */
  location: string
  /** The stale lock taken over at start, if any. */
  tookOverStaleLock: { pid: number } | null
  /** Resolves when storage answers a query and can take writes. */
  check(): Promise<void>
  /**
   * Throws ApiError UNAVAILABLE while writes must be refused (embedded storage
   * low on disk); call before a write. Resolves at once on PostgreSQL.
   */
  guardWrites(): Promise<void>
  /**
   * What autovacuum does on a PostgreSQL server, which embedded PGlite lacks: `VACUUM (ANALYZE)`, so the
   * planner has statistics (never-analysed tables made a roll-up 5-7x slower at a year's size) and dead rows
   * are reclaimed. Blocks PGlite's one connection while it runs (~0.25 s at a community-year's size).
   * Nothing to do on PostgreSQL.
   */
  maintain(): Promise<void>
  /** Close cleanly: PGlite checkpoints and closes; the pool ends; the lock is released. */
  close(): Promise<void>
}

/** A URL safe to log: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'postgres://(unparsable url)'
  }
}

export async function openStorage(config: StorageConfig): Promise<Storage> {
  if (config.kind === 'postgres') {
    const bounds = config.bounds ?? DEFAULT_POSTGRES_BOUNDS
    // Migrations may rightly run long (an index over a big table): their own connection, without the statement bound.
    const migrator = postgres(config.url, { max: 1, onnotice: () => {}, connect_timeout: bounds.connectTimeoutMs / 1000 })
    const pool = postgres(config.url, { max: config.poolSize, onnotice: () => {}, fetch_types: false, ...postgresBounds(bounds) })
    try {
      // drizzle sets its parsers before the first query, so the array types fetched are built on them, as the pool's would be.
      const migrating = drizzlePostgres(migrator) as unknown as LedgerDatabase
      await migrate(migrating)
      await migrateApi(migrating)
      copyArrayTypes(migrator, pool)
    } catch (e) {
      await pool.end({ timeout: 5 })
      throw e
    } finally {
      await migrator.end({ timeout: 5 })
    }
    const client = boundPoolWait(pool, bounds.poolTimeoutMs)
    const db = drizzlePostgres(client) as unknown as LedgerDatabase
    return {
      db,
      kind: 'postgres',
      location: redactUrl(config.url),
      tookOverStaleLock: null,
      check: async () => {
        await db.execute(sql`select 1`)
      },
      guardWrites: async () => {},
      maintain: async () => {},
      close: () => client.end({ timeout: 5 }),
    }
  }

  let lock: DataLock | null = null
  let pg: PGlite
  let location = 'memory'
  if (config.kind === 'pglite') {
    mkdirSync(config.dataDir, { recursive: true })
    lock = acquireDataLock(config.dataDir)
    location = join(config.dataDir, 'pglite')
    try {
      pg = new PGlite(location)
      await pg.waitReady
    } catch (e) {
      lock.release()
      throw e
    }
  } else {
    pg = new PGlite(config.loadDataDir ? { loadDataDir: config.loadDataDir } : {})
    await pg.waitReady
  }
  const db = drizzlePglite(pg) as unknown as LedgerDatabase
  try {
    await migrate(db)
    await migrateApi(db)
  } catch (e) {
    await pg.close().catch(() => {})
    lock?.release()
    throw e
  }
  const guard =
    config.kind === 'pglite'
      ? diskGuard({
          dir: config.dataDir,
          minFreeBytes: config.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES,
          ...(config.freeBytes ? { freeBytes: config.freeBytes } : {}),
        })
      : { check: async () => {} }
  let closed = false
  return {
    db,
    kind: 'pglite',
    location,
    tookOverStaleLock: lock?.tookOverStale ?? null,
    check: async () => {
      await pg.query('select 1')
      await guard.check()
    },
    guardWrites: () => guard.check(),
    maintain: async () => {
      await pg.exec('vacuum (analyze)')
    },
    async close() {
      if (closed) return
      closed = true
      try {
        await pg.close()
      } finally {
        lock?.release()
      }
    },
  }
}
