/**
 * Server settings from the environment, checked up front so a typo stops the
 * start with a clear message instead of surfacing later.
 *
 * | variable | default | meaning |
 * | --- | --- | --- |
 * | PORT | 3000 | TCP port (0 picks a free one) |
 * | HOST | 127.0.0.1 | interface to listen on (0.0.0.0 for all) |
 * | DATA_DIR | ./data | embedded storage directory; relative paths resolve against the directory `pnpm` was run from (INIT_CWD), else the working directory |
 * | DATABASE_URL | | use this PostgreSQL server instead of embedded storage |
 * | DATABASE_POOL_SIZE | 10 | connections in the PostgreSQL pool |
 * | TIMEBANK_ADMIN_KEY | | admin key of the operator tenant (at least 32 characters) instead of a generated one |
 * | TIMEBANK_TENANT_ID / TIMEBANK_TENANT_NAME | main / Timebank | the operator tenant created at first start |
 * | EXPIRE_INTERVAL_MS | 30000 | how often expired holds are released (0: never) |
 * | CHECKPOINT_INTERVAL_MS | 3600000 | how often every community's books get a signed checkpoint (0: never) |
 * | MAINTENANCE_INTERVAL_MS | 600000 | embedded storage: how often statistics are refreshed and dead rows reclaimed (`VACUUM (ANALYZE)`, as autovacuum does on a server; also once at start; 0: never) |
 * | DEADLINE_INTERVAL_MS | 60000 | how often wishes, orders and redemptions past their deadlines move on; points the policy says are due expire about hourly (0: never) |
 * | BODY_LIMIT_BYTES | 2097152 | largest request body |
 * | SHUTDOWN_TIMEOUT_MS | 10000 | how long shutdown waits for in-flight requests |
 * | KEY_CACHE_MS | 5000 | how long an authenticated API key or session is trusted without asking storage (0: never cached) |
 * | WRITE_CONCURRENCY | 4 (PGlite: 1) | single earns/transfers/redeems sent to storage at once; more concurrent ones share one statement and commit |
 * | DATABASE_CONNECT_TIMEOUT_MS | 5000 | PostgreSQL: opening a connection; past it, 503 |
 * | DATABASE_STATEMENT_TIMEOUT_MS | 15000 | PostgreSQL: one statement (`statement_timeout`); a connection silent for this + 1 s is cut |
 * | DATABASE_POOL_TIMEOUT_MS | 5000 | PostgreSQL: waiting for a free connection of the pool |
 * | HEALTH_TIMEOUT_MS | 2000 | /healthz answers 503 when storage has not answered within this |
 * | DATA_DIR_MIN_FREE_MB | 64 | embedded storage: writes answer 503 while the data directory's disk has less free (0: never) |
 * | SIGN_IN_MAX_FAILURES | 5 | failed sign-ins in a row that lock a user |
 * | SIGN_IN_LOCK_MINUTES | 15 | how long such a lock lasts |
 * | SIGN_IN_MAX_FAILURES_PER_ADDRESS | 50 | failed sign-ins from one client address within SIGN_IN_LOCK_MINUTES that refuse the address for the rest of that time (counted in each process's memory) |
 * | TRUST_PROXY_HOPS | 0 | reverse proxies of your own in front of the server: a client's address (for the per-address limit) is then the X-Forwarded-For entry the outermost one added, not the proxy's; leave 0 when clients connect directly, or anyone could write the header |
 * | SESSION_TTL_HOURS | 168 | how long a session (console sign-in) lives |
 * | SIGN_IN_LINK_TTL_HOURS | 72 | how long a one-time sign-in link stays usable |
 * | TIMEBANK_CONSOLE_URL | the API's URL | where the console is served, for the first start's sign-in link |
 */
import { isAbsolute, resolve } from 'node:path'
import { Id } from '@timebank/ledger'
import { DEFAULT_BODY_LIMIT } from './app.js'
import { DEFAULT_KEY_CACHE_MS } from './keys/cache.js'
import { DEFAULT_MIN_FREE_BYTES } from './disk-guard.js'
import { DEFAULT_HEALTH_TIMEOUT_MS } from './routes/health.js'
import type { StorageConfig } from './storage.js'
import { DEFAULT_POSTGRES_BOUNDS } from './storage-bounds.js'
import { DEFAULT_SIGN_IN_LIMITS, type SignInLimits } from './users/sign-in.js'

export interface Config {
  port: number
  host: string
  storage: StorageConfig
  adminKey: string | undefined
  tenantId: string
  tenantName: string
  expireIntervalMs: number
  checkpointIntervalMs: number
  /** Embedded storage's upkeep (`Storage.maintain`), ms between runs; 0: never. */
  maintenanceIntervalMs: number
  deadlineIntervalMs: number
  bodyLimit: number
  shutdownTimeoutMs: number
  /** KEY_CACHE_MS: how long a key is trusted without asking storage; 0 disables the cache. */
  keyCacheMs: number
  /** WRITE_CONCURRENCY: the ledger's `writeConcurrency`; undefined for its default. */
  writeConcurrency: number | undefined
  /** HEALTH_TIMEOUT_MS: /healthz's bound on the storage check. */
  healthTimeoutMs: number
  /** SIGN_IN_MAX_FAILURES, SIGN_IN_MAX_FAILURES_PER_ADDRESS, SIGN_IN_LOCK_MINUTES, SESSION_TTL_HOURS, SIGN_IN_LINK_TTL_HOURS, TRUST_PROXY_HOPS. */
  signIn: SignInLimits
  /** TIMEBANK_CONSOLE_URL (no trailing slash); undefined: the API's own URL. */
  consoleUrl: string | undefined
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

type Env = Record<string, string | undefined>

function integer(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return fallback
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw.slice(0, 40))})`)
    return fallback
  }
  return Number(raw)
}

/** Where DATA_DIR points: relative paths resolve against INIT_CWD (set by pnpm/npm) or the working directory. */
export function resolveDataDir(env: Env, cwd: string = process.cwd()): string {
  const base = env.INIT_CWD && isAbsolute(env.INIT_CWD) ? env.INIT_CWD : cwd
  const dir = env.DATA_DIR && env.DATA_DIR.trim() !== '' ? env.DATA_DIR : 'data'
  return resolve(base, dir)
}

export function readConfig(env: Env, cwd: string = process.cwd()): Config {
  const problems: string[] = []
  const port = integer(env, 'PORT', 3000, 0, 65535, problems)
  const poolSize = integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000, problems)
  const expireIntervalMs = integer(env, 'EXPIRE_INTERVAL_MS', 30_000, 0, 86_400_000, problems)
  const checkpointIntervalMs = integer(env, 'CHECKPOINT_INTERVAL_MS', 3_600_000, 0, 7 * 86_400_000, problems)
  const deadlineIntervalMs = integer(env, 'DEADLINE_INTERVAL_MS', 60_000, 0, 86_400_000, problems)
  const maintenanceIntervalMs = integer(env, 'MAINTENANCE_INTERVAL_MS', 600_000, 0, 7 * 86_400_000, problems)
  const bodyLimit = integer(env, 'BODY_LIMIT_BYTES', DEFAULT_BODY_LIMIT, 1024, 1024 * 1024 * 1024, problems)
  const shutdownTimeoutMs = integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 3_600_000, problems)
  // Capped: it is also how long another process may keep accepting a key revoked elsewhere.
  const keyCacheMs = integer(env, 'KEY_CACHE_MS', DEFAULT_KEY_CACHE_MS, 0, 300_000, problems)
  const writeConcurrency = env.WRITE_CONCURRENCY?.trim() ? integer(env, 'WRITE_CONCURRENCY', 4, 1, 1000, problems) : undefined
  const bounds = {
    connectTimeoutMs: integer(env, 'DATABASE_CONNECT_TIMEOUT_MS', DEFAULT_POSTGRES_BOUNDS.connectTimeoutMs, 100, 600_000, problems),
    statementTimeoutMs: integer(env, 'DATABASE_STATEMENT_TIMEOUT_MS', DEFAULT_POSTGRES_BOUNDS.statementTimeoutMs, 100, 3_600_000, problems),
    poolTimeoutMs: integer(env, 'DATABASE_POOL_TIMEOUT_MS', DEFAULT_POSTGRES_BOUNDS.poolTimeoutMs, 100, 600_000, problems),
  }
  const healthTimeoutMs = integer(env, 'HEALTH_TIMEOUT_MS', DEFAULT_HEALTH_TIMEOUT_MS, 100, 60_000, problems)
  const minFreeMb = integer(env, 'DATA_DIR_MIN_FREE_MB', DEFAULT_MIN_FREE_BYTES / 2 ** 20, 0, 1_048_576, problems)
  const minute = 60_000
  const hour = 60 * minute
  const signIn: SignInLimits = {
    maxFailures: integer(env, 'SIGN_IN_MAX_FAILURES', DEFAULT_SIGN_IN_LIMITS.maxFailures, 1, 1000, problems),
    maxFailuresPerAddress: integer(
      env,
      'SIGN_IN_MAX_FAILURES_PER_ADDRESS',
      DEFAULT_SIGN_IN_LIMITS.maxFailuresPerAddress,
      1,
      100_000,
      problems,
    ),
    lockMs: integer(env, 'SIGN_IN_LOCK_MINUTES', DEFAULT_SIGN_IN_LIMITS.lockMs / minute, 1, 7 * 24 * 60, problems) * minute,
    sessionTtlMs: integer(env, 'SESSION_TTL_HOURS', DEFAULT_SIGN_IN_LIMITS.sessionTtlMs / hour, 1, 366 * 24, problems) * hour,
    linkTtlMs: integer(env, 'SIGN_IN_LINK_TTL_HOURS', DEFAULT_SIGN_IN_LIMITS.linkTtlMs / hour, 1, 30 * 24, problems) * hour,
    trustProxyHops: integer(env, 'TRUST_PROXY_HOPS', DEFAULT_SIGN_IN_LIMITS.trustProxyHops, 0, 10, problems),
  }
  const consoleUrl = env.TIMEBANK_CONSOLE_URL?.trim() ? env.TIMEBANK_CONSOLE_URL.trim().replace(/\/+$/, '') : undefined
  if (consoleUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(consoleUrl))
    problems.push('TIMEBANK_CONSOLE_URL must be an http:// or https:// URL')
  const adminKey = env.TIMEBANK_ADMIN_KEY && env.TIMEBANK_ADMIN_KEY !== '' ? env.TIMEBANK_ADMIN_KEY : undefined
  if (adminKey !== undefined && !/^[\x21-\x7e]{32,512}$/.test(adminKey)) {
    problems.push('TIMEBANK_ADMIN_KEY must be 32 to 512 printable characters without spaces (e.g. `openssl rand -base64 32`)')
  }
  const tenantId = env.TIMEBANK_TENANT_ID || 'main'
  if (!Id.safeParse(tenantId).success) problems.push('TIMEBANK_TENANT_ID must be 1-128 characters of letters, digits and . _ : @ -')
  const tenantName = env.TIMEBANK_TENANT_NAME || 'Timebank'
  if (tenantName.length > 200) problems.push('TIMEBANK_TENANT_NAME is at most 200 characters')
  const url = env.DATABASE_URL && env.DATABASE_URL.trim() !== '' ? env.DATABASE_URL.trim() : undefined
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) problems.push('DATABASE_URL must start with postgres:// or postgresql://')
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`)
  return {
    port,
    host: env.HOST && env.HOST.trim() !== '' ? env.HOST.trim() : '127.0.0.1',
    storage:
      url !== undefined
        ? { kind: 'postgres', url, poolSize, bounds }
        : { kind: 'pglite', dataDir: resolveDataDir(env, cwd), minFreeBytes: minFreeMb * 2 ** 20 },
    adminKey,
    tenantId,
    tenantName,
    expireIntervalMs,
    checkpointIntervalMs,
    deadlineIntervalMs,
    maintenanceIntervalMs,
    bodyLimit,
    shutdownTimeoutMs,
    keyCacheMs,
    writeConcurrency,
    healthTimeoutMs,
    signIn,
    consoleUrl,
  }
}
