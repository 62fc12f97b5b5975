import { createLedger } from '@timebank/ledger'
import { afterEach, describe, expect, it } from 'vitest'
import './testing/no-console.js'
import { bootstrap } from './bootstrap.js'
import { createKeyStore } from './keys/store.js'
import { type Storage, openStorage } from './storage.js'
import { migratedTemplate } from './testing/pglite-template.js'

let storage: Storage | undefined
afterEach(async () => {
  await storage?.close()
})

const open = async () => {
  storage = await openStorage({ kind: 'pglite-memory', loadDataDir: await migratedTemplate() })
  return { ledger: createLedger({ db: storage.db }), keys: createKeyStore(storage.db) }
}

describe('bootstrap', () => {
  it('creates the operator tenant and one generated admin key on first start only', async () => {
    const deps = await open()
    const first = await bootstrap({ ...deps, tenantId: 'main', tenantName: 'Timebank' })
    expect(first).toMatchObject({
      operatorTenantId: 'main',
      createdTenant: true,
      adminKey: { source: 'generated', secret: expect.stringMatching(/^tbk_/) },
    })
    expect((await deps.keys.authenticate(first.adminKey?.secret as string))?.role).toBe('admin')
    const again = await bootstrap({ ...deps, tenantId: 'other', tenantName: 'Other' })
    expect(again).toEqual({ operatorTenantId: 'main', createdTenant: false, adminKey: null, signInLink: null, warnings: [] })
  })

  it('uses TIMEBANK_ADMIN_KEY instead, adds it back when unknown, and warns when it was revoked', async () => {
    const deps = await open()
    const key = 'env-admin-key-0123456789abcdefghijklmnop'
    const first = await bootstrap({ ...deps, tenantId: 'main', tenantName: 'Timebank', adminKey: key })
    expect(first.adminKey).toMatchObject({ source: 'environment', secret: null })
    expect((await deps.keys.list('main')).length).toBe(1)
    expect((await bootstrap({ ...deps, tenantId: 'main', tenantName: 'Timebank', adminKey: key })).adminKey).toBeNull()
    const other = await deps.keys.create({ tenantId: 'main', name: 'second', role: 'admin' })
    await deps.keys.revoke('main', first.adminKey?.id as string)
    const revoked = await bootstrap({ ...deps, tenantId: 'main', tenantName: 'Timebank', adminKey: key })
    expect(revoked.warnings[0]).toMatch(/revoked/)
    expect(await deps.keys.authenticate(key)).toBeNull()
    expect(other.secret).toBeTruthy()
  })
})
