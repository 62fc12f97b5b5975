/**
 * Apply the API's migrations (its key and settings tables). Idempotent and
 * safe from several processes: an advisory lock serialises runners.
 *
 * @example
 * await migrate(db)     // the ledger's tables
 * await migrateApi(db)  // the API's tables
 */
import { sql } from 'drizzle-orm'
import type { LedgerDatabase } from '@timebank/ledger'
import { API_MIGRATIONS } from './schema.js'

// Arbitrary constant, distinct from the ledger's migration lock.
const API_MIGRATION_LOCK = 7_310_482_227

type Rows<T> = T[] | { rows?: T[] }
const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? (r as T[]) : ((r as Rows<T> & { rows?: T[] }).rows ?? []))

/** Apply every API migration not applied yet; returns the tags applied. */
export async function migrateApi(db: LedgerDatabase): Promise<string[]> {
  const applied: string[] = []
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${API_MIGRATION_LOCK})`)
    await tx.execute(
      sql`create table if not exists tb_api_migrations (tag text primary key, applied_at timestamptz not null default now())`,
    )
    const done = new Set(rowsOf<{ tag: string }>(await tx.execute(sql`select tag from tb_api_migrations`)).map((r) => r.tag))
    for (const m of API_MIGRATIONS) {
      if (done.has(m.tag)) continue
      for (const statement of m.sql.split(';')) {
        if (statement.trim()) await tx.execute(sql.raw(statement))
      }
      await tx.execute(sql`insert into tb_api_migrations (tag) values (${m.tag})`)
      applied.push(m.tag)
    }
  })
  return applied
}
