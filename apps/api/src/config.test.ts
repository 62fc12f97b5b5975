import { describe, expect, it } from 'vitest'
import './testing/no-console.js'
import { ConfigError, readConfig, resolveDataDir } from './config.js'
import { KeyCache } from './keys/cache.js'

describe('configuration', () => {
  it('defaults to embedded storage in ./data of the directory pnpm was run from', () => {
    const c = readConfig({ INIT_CWD: '/home/me/timebank' }, '/home/me/timebank/apps/api')
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      storage: { kind: 'pglite', dataDir: '/home/me/timebank/data' },
      tenantId: 'main',
      expireIntervalMs: 30_000,
      checkpointIntervalMs: 3_600_000,
      maintenanceIntervalMs: 600_000,
      deadlineIntervalMs: 60_000,
    })
    expect(resolveDataDir({}, '/srv')).toBe('/srv/data')
    expect(resolveDataDir({ DATA_DIR: '/var/lib/tb', INIT_CWD: '/x' })).toBe('/var/lib/tb')
    expect(resolveDataDir({ DATA_DIR: 'store', INIT_CWD: '/x' })).toBe('/x/store')
  })

  it('uses PostgreSQL with a pool when DATABASE_URL is set', () => {
    const c = readConfig({ DATABASE_URL: 'postgres://u:p@db/tb', DATABASE_POOL_SIZE: '25' })
    expect(c.storage).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@db/tb',
      poolSize: 25,
      bounds: { connectTimeoutMs: 5000, statementTimeoutMs: 15_000, poolTimeoutMs: 5000 },
    })
  })

  it('bounds every storage wait: connect, statement, pool and health timeouts from the environment', () => {
    const c = readConfig({
      DATABASE_URL: 'postgres://db/tb',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_STATEMENT_TIMEOUT_MS: '2000',
      DATABASE_POOL_TIMEOUT_MS: '3000',
      HEALTH_TIMEOUT_MS: '500',
    })
    expect(c.storage).toMatchObject({ bounds: { connectTimeoutMs: 1000, statementTimeoutMs: 2000, poolTimeoutMs: 3000 } })
    expect(c.healthTimeoutMs).toBe(500)
    expect(readConfig({}).healthTimeoutMs).toBe(2000)
    for (const name of ['DATABASE_CONNECT_TIMEOUT_MS', 'DATABASE_STATEMENT_TIMEOUT_MS', 'DATABASE_POOL_TIMEOUT_MS', 'HEALTH_TIMEOUT_MS']) {
      for (const bad of ['0', '5s', '-1']) expect(() => readConfig({ [name]: bad })).toThrow(new RegExp(name))
    }
  })

  it('DATA_DIR_MIN_FREE_MB sets the free disk below which embedded storage refuses writes: 64 MiB by default, 0 never', () => {
    expect(readConfig({}).storage).toMatchObject({ kind: 'pglite', minFreeBytes: 64 * 2 ** 20 })
    expect(readConfig({ DATA_DIR_MIN_FREE_MB: '256' }).storage).toMatchObject({ minFreeBytes: 256 * 2 ** 20 })
    expect(readConfig({ DATA_DIR_MIN_FREE_MB: '0' }).storage).toMatchObject({ minFreeBytes: 0 })
    for (const bad of ['-1', 'lots', '64MB']) expect(() => readConfig({ DATA_DIR_MIN_FREE_MB: bad })).toThrow(/DATA_DIR_MIN_FREE_MB/)
  })

  it('KEY_CACHE_MS sets how long keys are cached: 5 s by default, 0 disables the cache, bad values stop the start', () => {
    expect(readConfig({}).keyCacheMs).toBe(5000)
    expect(readConfig({ KEY_CACHE_MS: '250' }).keyCacheMs).toBe(250)
    expect(readConfig({ KEY_CACHE_MS: '0' }).keyCacheMs).toBe(0)
    expect(new KeyCache({ ttlMs: readConfig({ KEY_CACHE_MS: '0' }).keyCacheMs }).enabled).toBe(false)
    for (const bad of ['-1', '5s', '300001']) expect(() => readConfig({ KEY_CACHE_MS: bad })).toThrow(/KEY_CACHE_MS/)
  })

  it('sign-in limits: 5 failures lock for 15 min, 50 from one address refuse it, sessions live 168 h, links 72 h, unless the environment says otherwise', () => {
    expect(readConfig({}).signIn).toEqual({
      maxFailures: 5,
      maxFailuresPerAddress: 50,
      lockMs: 15 * 60_000,
      sessionTtlMs: 168 * 3_600_000,
      linkTtlMs: 72 * 3_600_000,
      trustProxyHops: 0,
    })
    expect(
      readConfig({
        SIGN_IN_MAX_FAILURES: '3',
        SIGN_IN_MAX_FAILURES_PER_ADDRESS: '20',
        SIGN_IN_LOCK_MINUTES: '60',
        SESSION_TTL_HOURS: '8',
        SIGN_IN_LINK_TTL_HOURS: '24',
        TRUST_PROXY_HOPS: '1',
      }).signIn,
    ).toEqual({
      maxFailures: 3,
      maxFailuresPerAddress: 20,
      lockMs: 3_600_000,
      sessionTtlMs: 8 * 3_600_000,
      linkTtlMs: 24 * 3_600_000,
      trustProxyHops: 1,
    })
    for (const bad of ['-1', 'one', '11']) expect(() => readConfig({ TRUST_PROXY_HOPS: bad })).toThrow(/TRUST_PROXY_HOPS/)
    for (const name of [
      'SIGN_IN_MAX_FAILURES',
      'SIGN_IN_MAX_FAILURES_PER_ADDRESS',
      'SIGN_IN_LOCK_MINUTES',
      'SESSION_TTL_HOURS',
      'SIGN_IN_LINK_TTL_HOURS',
    ]) {
      for (const bad of ['0', '1h', '-5', '999999']) expect(() => readConfig({ [name]: bad })).toThrow(new RegExp(name))
    }
    expect(readConfig({ TIMEBANK_CONSOLE_URL: 'https://console.example.org/' }).consoleUrl).toBe('https://console.example.org')
    expect(readConfig({}).consoleUrl).toBeUndefined()
    expect(() => readConfig({ TIMEBANK_CONSOLE_URL: 'console.example.org' })).toThrow(/TIMEBANK_CONSOLE_URL/)
  })

  it('WRITE_CONCURRENCY sets how many single writes go to storage at once, else the ledger decides', () => {
    expect(readConfig({}).writeConcurrency).toBeUndefined()
    expect(readConfig({ WRITE_CONCURRENCY: '16' }).writeConcurrency).toBe(16)
    for (const bad of ['0', 'many', '1001']) expect(() => readConfig({ WRITE_CONCURRENCY: bad })).toThrow(/WRITE_CONCURRENCY/)
  })

  it('stops on bad values with every problem named', () => {
    const bad = () =>
      readConfig({
        PORT: 'eighty',
        DATABASE_POOL_SIZE: '0',
        TIMEBANK_ADMIN_KEY: 'short',
        DATABASE_URL: 'mysql://x',
        TIMEBANK_TENANT_ID: 'no spaces',
      })
    expect(bad).toThrow(ConfigError)
    expect(bad).toThrow(/PORT.*DATABASE_POOL_SIZE.*TIMEBANK_ADMIN_KEY.*TIMEBANK_TENANT_ID.*DATABASE_URL/)
  })
})
