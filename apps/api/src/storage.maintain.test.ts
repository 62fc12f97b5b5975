/**
 * Embedded storage's upkeep: PGlite has no autovacuum, so without `maintain` its tables are never
 * analysed and the planner guesses (a roll-up at a year's size ran 5-7x slower).
 */
import { sql } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { type Storage, openStorage } from './storage.js'
import { migratedTemplate } from './testing/pglite-template.js'

let storage: Storage | undefined
afterEach(async () => {
  await storage?.close()
  storage = undefined
})

/** What the planner believes `tb_tenants` holds: -1 until the table is first analysed. */
async function believedRows(s: Storage): Promise<number> {
  const result = (await s.db.execute(sql`select reltuples::int as n from pg_class where relname = 'tb_tenants'`)) as unknown as {
    rows: { n: number }[]
  }
  return Number(result.rows[0]?.n)
}

describe('maintaining embedded storage', () => {
  it('gives the planner statistics it never gets otherwise', async () => {
    storage = await openStorage({ kind: 'pglite-memory', loadDataDir: await migratedTemplate() })
    await storage.db.execute(
      sql`insert into tb_tenants (id, name, created_at) select 't' || i, 'T', now() from generate_series(1, 50) as i`,
    )
    expect(await believedRows(storage)).toBe(-1)
    await storage.maintain()
    expect(await believedRows(storage)).toBe(50)
  })
})
