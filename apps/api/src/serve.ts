/**
 * The server: environment → storage → ledger → HTTP. `serve()` runs it; `pnpm start` (from the
 * repository root) runs it with the web pages in front (apps/web), `tsx src/server.ts` the API alone.
 *
 * Logs are JSON lines on stdout (fatal start-up errors on stderr). SIGINT or
 * SIGTERM drains: no new connections, in-flight requests finish, requests
 * arriving on open keep-alive connections within DRAIN_GRACE_MS are still
 * answered (with `Connection: close`), the expiry sweep stops, storage closes
 * cleanly, and the process exits 0.
 *
 * @example
 * PORT=8080 DATA_DIR=/srv/timebank pnpm start
 * DATABASE_URL=postgres://app@db/timebank DATABASE_POOL_SIZE=20 pnpm start
 */
import { createCommunity } from '@timebank/community'
import { createLedger } from '@timebank/ledger'
import { type App, createApp } from './app.js'
import { bootstrap, signInUrl } from './bootstrap.js'
import { ConfigError, readConfig } from './config.js'
import { DataDirInUseError } from './data-lock.js'
import { startCheckpointer, startDeadlineSweeper, startExpirer, startMaintenance } from './periodic.js'
import { DRAIN_GRACE_MS, listen } from './http-server.js'
import { createKeyStore } from './keys/store.js'
import { type Logger, describeError, jsonLogger } from './logger.js'
import { type Storage, openStorage } from './storage.js'
import { createUserStore } from './users/store.js'

// Request lines go out together once per event-loop turn; the fatal log below writes at once.
const logger = jsonLogger(process.stdout, { buffered: true })
const fatalLog = jsonLogger(process.stderr)

function fatal(msg: string, fields: Record<string, unknown> = {}): never {
  fatalLog.log('fatal', msg, fields)
  process.exit(1)
}

/** What answers the server's requests when it is not the API alone (the web pages in front of it); `env` holds the socket. */
export type Front = (
  api: App,
  info: { operatorTenantId: string; logger: Logger; trustProxyHops: number },
) => { fetch: (request: Request, env?: unknown) => Response | Promise<Response> }

export interface ServeOptions {
  front?: Front
}

/** Start the server from the environment; it runs until SIGINT or SIGTERM. */
export async function serve(options: ServeOptions = {}): Promise<void> {
  process.on('unhandledRejection', (e) => fatal('unhandled rejection', describeError(e)))
  process.on('uncaughtException', (e) => fatal('uncaught exception', describeError(e)))

  let config: ReturnType<typeof readConfig>
  try {
    config = readConfig(process.env)
  } catch (e) {
    if (e instanceof ConfigError) fatal(e.message)
    throw e
  }

  let storage: Storage
  try {
    storage = await openStorage(config.storage)
  } catch (e) {
    if (e instanceof DataDirInUseError) fatal(e.message, { dataDir: e.dir, pid: e.pid, lockFile: e.lockPath })
    fatal('storage failed to open', describeError(e))
  }
  if (storage.tookOverStaleLock) {
    logger.warn('took over a stale lock: its process is gone', { pid: storage.tookOverStaleLock.pid })
  }
  if (storage.kind === 'pglite') {
    logger.warn(
      'embedded storage (PGlite): fsync is off and only this process may use the data directory. ' +
        'A process crash keeps committed data; a power loss or OS crash can lose the latest commits. ' +
        'Set DATABASE_URL to use PostgreSQL in production.',
      { dataDir: storage.location },
    )
  } else {
    logger.info('storage: PostgreSQL', { url: storage.location })
  }

  const ledger = createLedger({
    db: storage.db,
    ...(config.writeConcurrency !== undefined ? { writeConcurrency: config.writeConcurrency } : {}),
  })
  const keys = createKeyStore(storage.db, { cache: { ttlMs: config.keyCacheMs } })
  const users = createUserStore(storage.db, { cache: { ttlMs: config.keyCacheMs } })
  const boot = await bootstrap({
    ledger,
    keys,
    users,
    tenantId: config.tenantId,
    tenantName: config.tenantName,
    adminKey: config.adminKey,
    linkTtlMs: config.signIn.linkTtlMs,
  })
  for (const warning of boot.warnings) logger.warn(warning)
  if (boot.createdTenant) logger.info('first start: created the operator tenant', { tenantId: boot.operatorTenantId })
  if (boot.adminKey?.source === 'environment') {
    logger.info('TIMEBANK_ADMIN_KEY added as an admin key of the operator tenant', { keyId: boot.adminKey.id })
  }

  let draining = false
  const community = createCommunity({ db: storage.db, ledger })
  const app = createApp({
    ledger,
    community,
    keys,
    users,
    signIn: config.signIn,
    operatorTenantId: boot.operatorTenantId,
    logger,
    bodyLimit: config.bodyLimit,
    health: { check: storage.check, storage: storage.kind, timeoutMs: config.healthTimeoutMs },
    guardWrites: storage.guardWrites,
    isDraining: () => draining,
  })

  let running: Awaited<ReturnType<typeof listen>>
  try {
    const front = options.front
      ? options.front(app, { operatorTenantId: boot.operatorTenantId, logger, trustProxyHops: config.signIn.trustProxyHops })
      : app
    running = await listen(front, { port: config.port, hostname: config.host })
  } catch (e) {
    await storage.close()
    const code = (e as NodeJS.ErrnoException).code
    fatal(
      code === 'EADDRINUSE' ? `port ${config.port} on ${config.host} is already in use: set PORT` : 'could not listen',
      describeError(e),
    )
  }
  const shown = config.host === '0.0.0.0' || config.host === '::' ? `http://localhost:${running.port}` : running.url
  if (boot.adminKey?.source === 'generated' && boot.adminKey.secret) {
    logger.warn('first start: an admin key for the operator tenant was generated. It is shown this once: store it now.', {
      tenantId: boot.operatorTenantId,
      keyId: boot.adminKey.id,
      adminKey: boot.adminKey.secret,
    })
  }
  if (boot.signInLink) {
    const url = signInUrl(config.consoleUrl ?? shown, boot.operatorTenantId, boot.signInLink.token)
    logger.warn(`${boot.createdTenant ? 'first start: ' : ''}sign in to the console at ${url}`, {
      tenantId: boot.operatorTenantId,
      userId: boot.signInLink.userId,
      signInUrl: url,
      expiresAt: boot.signInLink.expiresAt.toISOString(),
    })
  }
  logger.info('listening', { url: shown, docs: `${shown}/docs`, openapi: `${shown}/openapi.json`, storage: storage.kind })

  // The sweep writes too: on a nearly full disk it waits like any other write.
  const sweep = {
    expirePending: async () => {
      await storage.guardWrites()
      return ledger.expirePending()
    },
  }
  const expirer = startExpirer({ ledger: sweep, intervalMs: config.expireIntervalMs, logger })
  const signing = {
    checkpointAllJournals: async () => {
      await storage.guardWrites()
      return community.checkpointAllJournals()
    },
  }
  const checkpointer = startCheckpointer({ community: signing, intervalMs: config.checkpointIntervalMs, logger })
  const deadlines = startDeadlineSweeper({
    community: {
      sweepAllDeadlines: async (options) => {
        await storage.guardWrites()
        return community.sweepAllDeadlines(options)
      },
    },
    intervalMs: config.deadlineIntervalMs,
    // Points expire by the day: about once an hour is plenty.
    pointsEvery: config.deadlineIntervalMs > 0 ? Math.max(1, Math.round(3_600_000 / config.deadlineIntervalMs)) : 1,
    logger,
  })

  // Embedded storage has no autovacuum: its upkeep runs once now (the data may never have been analysed) and then on the interval.
  const maintenance = startMaintenance({
    maintain: storage.maintain,
    intervalMs: storage.kind === 'pglite' ? config.maintenanceIntervalMs : 0,
    logger,
  })
  if (storage.kind === 'pglite' && config.maintenanceIntervalMs > 0) void maintenance.runOnce()

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn('already shutting down; waiting for in-flight requests', { signal })
      return
    }
    stopping = true
    draining = true
    logger.info('shutting down: draining in-flight requests', { signal })
    try {
      await Promise.all([
        expirer.stop(),
        checkpointer.stop(),
        deadlines.stop(),
        maintenance.stop(),
        running.close({ forceAfterMs: config.shutdownTimeoutMs, graceMs: DRAIN_GRACE_MS }),
      ])
      await storage.close()
    } catch (e) {
      fatal('shutdown failed', describeError(e))
    }
    logger.info('stopped cleanly')
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}
