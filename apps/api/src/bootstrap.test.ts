import { createLedger } from '@timebank/ledger'
import { afterEach, describe, expect, it } from 'vitest'
import './testing/no-console.js'
import { bootstrap } from './bootstrap.js'
import { createKeyStore } from './keys/store.js'
import { type Storage, openStorage } from './storage.js'
import { migratedTemplate } from './testing/pglite-template.js'
import { hashPassword } from './users/password.js'
import { createUserStore } from './users/store.js'

let storage: Storage | undefined
afterEach(async () => {
  await storage?.close()
})

let offset = 0
const open = async () => {
  storage = await openStorage({ kind: 'pglite-memory', loadDataDir: await migratedTemplate() })
  offset = 0
  const clock = () => new Date(Date.now() + offset)
  return { ledger: createLedger({ db: storage.db }), keys: createKeyStore(storage.db), users: createUserStore(storage.db, { clock }) }
}

describe('bootstrap', () => {
  it('creates the operator tenant and one generated admin key on first start only', async () => {
    const deps = await open()
    const first = await bootstrap({ ...deps, users: undefined, tenantId: 'main', tenantName: 'Timebank' })
    expect(first).toMatchObject({
      operatorTenantId: 'main',
      createdTenant: true,
      adminKey: { source: 'generated', secret: expect.stringMatching(/^tbk_/) },
    })
    expect((await deps.keys.authenticate(first.adminKey?.secret as string))?.role).toBe('admin')
    const again = await bootstrap({ ...deps, users: undefined, tenantId: 'other', tenantName: 'Other' })
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

  it('makes the first user `admin` and a one-time link for it, once; a new link only while it has no password and no usable link', async () => {
    const deps = await open()
    const first = await bootstrap({ ...deps, tenantId: 'main', tenantName: 'Timebank', linkTtlMs: 3_600_000 })
    expect(first.signInLink).toEqual({ userId: 'admin', token: expect.stringMatching(/^tbl_/), expiresAt: expect.any(Date) })
    expect(await deps.users.get('main', 'admin')).toMatchObject({ login: 'admin', role: 'admin', hasPassword: false, createdBy: null })
    // A restart while the link is usable: nothing new.
    expect((await bootstrap({ ...deps, tenantId: 'main', tenantName: 'Timebank' })).signInLink).toBeNull()
    // The link expired unused: the next start makes another, the old one stays dead.
    offset = 3_600_000 + 1000
    const relinked = (await bootstrap({ ...deps, tenantId: 'main', tenantName: 'Timebank', linkTtlMs: 3_600_000 })).signInLink
    expect(relinked?.token).toEqual(expect.stringMatching(/^tbl_/))
    expect(relinked?.token).not.toBe(first.signInLink?.token)
    expect(await deps.users.links.use('main', first.signInLink?.token as string)).toBeNull()
    expect(await deps.users.links.use('main', relinked?.token as string)).toEqual({ userId: 'admin' })
    // Once the user has a password, never again.
    await deps.users.setPassword('main', 'admin', await hashPassword('the first password'))
    expect((await bootstrap({ ...deps, tenantId: 'main', tenantName: 'Timebank' })).signInLink).toBeNull()
    expect((await deps.users.list({ tenantId: 'main', limit: 10 })).users.map((u) => u.id)).toEqual(['admin'])
  })
})
