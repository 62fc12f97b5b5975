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
    })
    expect(resolveDataDir({}, '/srv')).toBe('/srv/data')
    expect(resolveDataDir({ DATA_DIR: '/var/lib/tb', INIT_CWD: '/x' })).toBe('/var/lib/tb')
    expect(resolveDataDir({ DATA_DIR: 'store', INIT_CWD: '/x' })).toBe('/x/store')
  })

  it('uses PostgreSQL with a pool when DATABASE_URL is set', () => {
    const c = readConfig({ DATABASE_URL: 'postgres://u:p@db/tb', DATABASE_POOL_SIZE: '25' })
    expect(c.storage).toEqual({ kind: 'postgres', url: 'postgres://u:p@db/tb', poolSize: 25 })
  })

  it('KEY_CACHE_MS sets how long keys are cached: 5 s by default, 0 disables the cache, bad values stop the start', () => {
    expect(readConfig({}).keyCacheMs).toBe(5000)
    expect(readConfig({ KEY_CACHE_MS: '250' }).keyCacheMs).toBe(250)
    expect(readConfig({ KEY_CACHE_MS: '0' }).keyCacheMs).toBe(0)
    expect(new KeyCache({ ttlMs: readConfig({ KEY_CACHE_MS: '0' }).keyCacheMs }).enabled).toBe(false)
    for (const bad of ['-1', '5s', '300001']) expect(() => readConfig({ KEY_CACHE_MS: bad })).toThrow(/KEY_CACHE_MS/)
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
