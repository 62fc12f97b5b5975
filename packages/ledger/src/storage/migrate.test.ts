import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import { afterEach, describe, expect, it } from 'vitest'
import { createLedger } from '../ledger.js'
import { rows } from './driver.js'
import { applyMigrations, migrate, migrationsFolder, readMigrationFolder } from './migrate.js'

const clients: PGlite[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close()
})
const fresh = () => {
  const client = new PGlite()
  clients.push(client)
  return drizzle(client)
}
const bundled = readMigrationFolder(migrationsFolder())

describe('migrations', () => {
  it('applies every bundled migration once, however often it runs', async () => {
    const db = fresh()
    expect(await migrate(db)).toEqual(bundled.map((m) => m.tag))
    expect(await migrate(db)).toEqual([])
  })

  it('keeps each scope apart, so packages may reuse tag names', async () => {
    const db = fresh()
    await migrate(db)
    const other = [{ tag: bundled[0]?.tag as string, sql: 'create table other_things (id text primary key)' }]
    expect(await applyMigrations(db, { scope: 'other', migrations: other })).toEqual([other[0]?.tag])
    expect(await applyMigrations(db, { scope: 'other', migrations: other })).toEqual([])
  })

  it('upgrades a database migrated by the runner of 0.1 without applying its migrations again', async () => {
    const db = fresh()
    // What 0.1 left: its first four migrations applied and recorded in tb_migrations.
    const old = bundled.slice(0, 4)
    await db.execute(
      sql`create table tb_migrations (tag text primary key, hash text not null, applied_at timestamptz not null default now())`,
    )
    for (const m of old) {
      for (const s of m.sql.split('--> statement-breakpoint')) if (s.trim()) await db.execute(sql.raw(s))
      await db.execute(sql`insert into tb_migrations (tag, hash) values (${m.tag}, 'x')`)
    }
    await db.execute(sql`insert into tb_tenants (id, name, created_at) values ('old', 'Old community', now())`)

    expect(await migrate(db)).toEqual(bundled.slice(4).map((m) => m.tag))
    const recorded = await rows<{ tag: string }>(db, sql`select tag from tb_schema_migrations where scope = 'ledger' order by tag`)
    expect(recorded.map((r) => r.tag)).toEqual(bundled.map((m) => m.tag))
    const ledger = createLedger({ db })
    expect((await ledger.getTenant({ tenantId: 'old' })).name).toBe('Old community')
    // Rows made before fingerprints were kept match no request: a repeat is a conflict, never a guessed replay.
    await expect(ledger.createTenant({ id: 'old', name: 'Old community', assets: [] })).rejects.toMatchObject({ code: 'TENANT_EXISTS' })
  })
})
