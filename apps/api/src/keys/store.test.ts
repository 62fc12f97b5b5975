/**
 * The key store's cache of authenticated keys, over real storage. Two stores on
 * one database stand for two API processes sharing it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type TestApi, startTestApi } from '../testing/harness.js'
import { KeyCache } from './cache.js'
import { type KeyStore, createKeyStore, generateSecret } from './store.js'

let api: TestApi

beforeAll(async () => {
  api = await startTestApi()
})
afterAll(() => api.close())

/** A store whose cache runs on a clock the test moves. */
function storeWithClock(ttlMs: number) {
  let now = 0
  const cache = new KeyCache({ ttlMs, now: () => now })
  const keys = createKeyStore(api.storage.db, { cache })
  return {
    keys,
    cache,
    advance: (ms: number) => {
      now += ms
    },
  }
}

async function staffKey(keys: KeyStore, name: string) {
  const made = await keys.create({ tenantId: api.operatorTenantId, name, role: 'staff' })
  return { id: made.key.id, secret: made.secret as string }
}

describe('key cache', () => {
  it('a revoked key is refused at once by the process that revoked it', async () => {
    const { keys, cache } = storeWithClock(60_000)
    const k = await staffKey(keys, 'revoked here')
    expect((await keys.authenticate(k.secret))?.id).toBe(k.id)
    expect(cache.size).toBe(1) // so the next answer would come from the cache
    await keys.revoke(api.operatorTenantId, k.id)
    expect(await keys.authenticate(k.secret)).toBeNull()
  })

  it('a key revoked by another process is accepted until the TTL passes, then refused', async () => {
    const here = storeWithClock(5000)
    const elsewhere = createKeyStore(api.storage.db, { cache: { ttlMs: 5000 } })
    const k = await staffKey(here.keys, 'revoked elsewhere')
    expect((await here.keys.authenticate(k.secret))?.id).toBe(k.id)
    await elsewhere.revoke(api.operatorTenantId, k.id)
    here.advance(4999)
    expect((await here.keys.authenticate(k.secret))?.id).toBe(k.id)
    here.advance(1)
    expect(await here.keys.authenticate(k.secret)).toBeNull()
  })

  it("a cache TTL of 0 sees another process's revocation at once", async () => {
    const here = storeWithClock(0)
    const elsewhere = createKeyStore(api.storage.db)
    const k = await staffKey(here.keys, 'uncached')
    expect((await here.keys.authenticate(k.secret))?.id).toBe(k.id)
    await elsewhere.revoke(api.operatorTenantId, k.id)
    expect(await here.keys.authenticate(k.secret)).toBeNull()
    expect(here.cache.size).toBe(0)
  })

  it('unknown and revoked keys are never cached, so a flood of random keys takes no memory', async () => {
    const { keys, cache } = storeWithClock(60_000)
    for (let i = 0; i < 200; i++) expect(await keys.authenticate(generateSecret())).toBeNull()
    const k = await staffKey(keys, 'revoked before use')
    await keys.revoke(api.operatorTenantId, k.id)
    expect(await keys.authenticate(k.secret)).toBeNull()
    expect(cache.size).toBe(0)
  })

  it('a key created after a refused attempt with its secret works at once', async () => {
    const { keys } = storeWithClock(60_000)
    const secret = generateSecret()
    expect(await keys.authenticate(secret)).toBeNull()
    const made = await keys.create({ tenantId: api.operatorTenantId, name: 'late', role: 'staff', secret })
    expect((await keys.authenticate(secret))?.id).toBe(made.key.id)
  })

  it('a cached key cannot be changed by whoever receives it', async () => {
    const { keys } = storeWithClock(60_000)
    const made = await keys.create({ tenantId: api.operatorTenantId, name: 'member', role: 'member', owner: { type: 'member', id: 'ana' } })
    const got = await keys.authenticate(made.secret as string)
    expect(() => {
      ;(got as { role: string }).role = 'admin'
    }).toThrow(TypeError)
    expect(() => {
      ;(got?.owner as { id: string }).id = 'bo'
    }).toThrow(TypeError)
    expect(await keys.authenticate(made.secret as string)).toMatchObject({ role: 'member', owner: { type: 'member', id: 'ana' } })
  })
})
