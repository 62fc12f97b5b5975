/**
 * The API's migrations on a database an older version left: what 0.1 recorded
 * in its own bookkeeping table is not applied again, and the key fingerprints
 * it stored in hex still make a retried creation a replay.
 */
import { createHash } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import { migrate } from '@timebank/ledger'
import { applyMigrations } from '@timebank/ledger/kit'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import { afterAll, expect, it } from 'vitest'
import { migrateApi } from './migrate.js'
import { API_MIGRATIONS } from './schema.js'
import { createKeyStore } from './store.js'

const client = new PGlite()
afterAll(() => client.close())

it('upgrades a 0.1 database: old keys keep replaying their creation', async () => {
  const db = drizzle(client)
  await migrate(db)
  // 0.1: its first migration, recorded in tb_api_migrations, and a key made with an Idempotency-Key.
  await applyMigrations(db, { scope: 'api-0.1', migrations: API_MIGRATIONS.slice(0, 1) })
  await db.execute(sql`create table tb_api_migrations (tag text primary key, applied_at timestamptz not null default now())`)
  await db.execute(sql`insert into tb_api_migrations (tag) values ('api_0000_keys')`)
  // 0.1's fingerprint: hex SHA-256 of the request's canonical JSON (keys sorted).
  const hex = createHash('sha256').update('{"name":"front desk","owner":null,"role":"staff"}').digest('hex')
  await db.execute(sql`insert into tb_api_keys (tenant_id, id, name, role, secret_hash, start, idempotency_key, request_hash)
                       values ('main', 'key_old', 'front desk', 'staff', 'h', 'tbk_', 'desk-1', ${hex})`)

  expect(await migrateApi(db)).toEqual([
    'api_0001_request_fingerprints',
    'api_0002_key_grid_scope',
    'api_0003_users_sessions_links',
    'api_0004_sign_in_link_replay',
  ])
  const keys = createKeyStore(db)
  const again = await keys.create({ tenantId: 'main', name: 'front desk', role: 'staff', idempotencyKey: 'desk-1' })
  expect(again).toMatchObject({ replayed: true, secret: null, key: { id: 'key_old' } })
  await expect(keys.create({ tenantId: 'main', name: 'back office', role: 'staff', idempotencyKey: 'desk-1' })).rejects.toMatchObject({
    code: 'IDEMPOTENCY_CONFLICT',
  })
})
