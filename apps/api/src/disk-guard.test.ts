/**
 * Embedded storage refuses writes while its disk is nearly full (PGlite wedges
 * when it cannot write its next WAL segment); reads and the server go on.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCommunity } from '@timebank/community'
import { createLedger } from '@timebank/ledger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import './testing/no-console.js'
import { createApp } from './app.js'
import { bootstrap } from './bootstrap.js'
import { diskGuard } from './disk-guard.js'
import { isApiError } from './errors.js'
import { createKeyStore } from './keys/store.js'
import { createUserStore } from './users/store.js'
import { memoryLogger } from './logger.js'
import { type Storage, openStorage } from './storage.js'
import { OPERATOR_KEY } from './testing/harness.js'

const MiB = 2 ** 20

describe('diskGuard', () => {
  it('lets writes through with room to spare and refuses them below the threshold with UNAVAILABLE', async () => {
    let free = 100 * MiB
    const guard = diskGuard({ dir: '/data', minFreeBytes: 64 * MiB, freeBytes: async () => free, cacheMs: 0 })
    await expect(guard.check()).resolves.toBeUndefined()
    free = 8 * MiB
    const refused = await guard.check().catch((e: unknown) => e)
    expect(isApiError(refused) && refused.code).toBe('UNAVAILABLE')
    expect((refused as Error).message).toMatch(/nearly full \(8 MiB free, writes need 64 MiB\)/)
  })

  it('asks the file system at most once per cache period, so a check costs nothing per request', async () => {
    let asked = 0
    const probe = async () => {
      asked++
      return 10 * MiB
    }
    const guard = diskGuard({ dir: '/data', minFreeBytes: MiB, freeBytes: probe, cacheMs: 200 })
    await Promise.all([guard.check(), guard.check(), guard.check()])
    await guard.check()
    expect(asked).toBe(1)
    await new Promise((r) => setTimeout(r, 250))
    await guard.check()
    expect(asked).toBe(2)
  })

  it('is off at threshold 0, and lets writes through when the file system cannot say', async () => {
    let asked = 0
    const probe = async () => {
      asked++
      return 0
    }
    await diskGuard({ dir: '/data', minFreeBytes: 0, freeBytes: probe }).check()
    expect(asked).toBe(0)
    const blind = diskGuard({ dir: '/data', minFreeBytes: MiB, freeBytes: () => Promise.reject(new Error('ENOSYS')) })
    await expect(blind.check()).resolves.toBeUndefined()
  })

  it('measures a real directory with statfs', async () => {
    await expect(diskGuard({ dir: tmpdir(), minFreeBytes: 1 }).check()).resolves.toBeUndefined()
    const impossible = diskGuard({ dir: tmpdir(), minFreeBytes: Number.MAX_SAFE_INTEGER })
    await expect(impossible.check()).rejects.toThrow(/nearly full/)
  })
})

describe('embedded storage with a nearly full disk', () => {
  let dir: string
  let storage: Storage
  let free = 10 * 2 ** 30
  let app: ReturnType<typeof createApp>
  const logger = memoryLogger()

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'timebank-disk-guard-'))
    storage = await openStorage({ kind: 'pglite', dataDir: dir, minFreeBytes: 64 * MiB, freeBytes: async () => free })
    const ledger = createLedger({ db: storage.db })
    const keys = createKeyStore(storage.db)
    const boot = await bootstrap({ ledger, keys, tenantId: 'main', tenantName: 'Operator', adminKey: OPERATOR_KEY })
    app = createApp({
      ledger,
      community: createCommunity({ db: storage.db, ledger }),
      keys,
      users: createUserStore(storage.db),
      operatorTenantId: boot.operatorTenantId,
      logger,
      health: { check: storage.check, storage: storage.kind },
      guardWrites: storage.guardWrites,
    })
  })
  afterAll(async () => {
    await storage?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const call = async (method: string, path: string, json?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${OPERATOR_KEY}`, ...(json ? { 'content-type': 'application/json' } : {}) },
      ...(json ? { body: JSON.stringify(json) } : {}),
    })
    return { status: res.status, headers: res.headers, body: (await res.json()) as { error?: { code: string; message: string } } }
  }
  // The guard measures at most once a second.
  const setFree = async (bytes: number) => {
    free = bytes
    await new Promise((r) => setTimeout(r, 1100))
  }

  it('refuses writes with 503 UNAVAILABLE and Retry-After, keeps reads, and /healthz says why; all resume once space is freed', async () => {
    expect((await call('POST', '/v1/tenants', { id: 'before', name: 'Before' })).status).toBe(201)

    await setFree(8 * MiB)
    const refused = await call('POST', '/v1/tenants', { id: 'during', name: 'During' })
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(refused.body.error?.code).toBe('UNAVAILABLE')
    expect(refused.body.error?.message).toMatch(/disk is nearly full/)
    expect((await call('GET', '/v1/tenant')).status).toBe(200)
    const health = await call('GET', '/healthz')
    expect(health.status).toBe(503)
    expect(health.body.error?.message).toMatch(/disk is nearly full/)

    await setFree(10 * 2 ** 30)
    expect((await call('POST', '/v1/tenants', { id: 'during', name: 'During' })).status).toBe(201)
    expect((await call('GET', '/healthz')).status).toBe(200)
    expect(logger.records.some((r) => r.msg === 'unhandled error')).toBe(false)
  })
})
