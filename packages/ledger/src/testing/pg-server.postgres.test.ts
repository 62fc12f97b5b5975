import { sql } from 'drizzle-orm'
import { expect, it } from 'vitest'
import { rows } from '../storage/driver.js'
import { testDatabaseUrl } from './database-url.js'
import { connectIsolated } from './pg-isolated.js'

it('connects to a migrated schema of its own on a real server', async () => {
  const { db, schema, close } = await connectIsolated(testDatabaseUrl())
  try {
    const [r] = await rows<{ schema: string; tables: string }>(
      db,
      sql`select current_schema() as schema, (select count(*) from information_schema.tables where table_schema = current_schema())::text as tables`,
    )
    expect(r?.schema).toBe(schema)
    expect(Number(r?.tables)).toBeGreaterThanOrEqual(7)
  } finally {
    await close()
  }
})
