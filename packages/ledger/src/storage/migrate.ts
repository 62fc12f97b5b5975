/**
 * Apply the bundled drizzle-kit migrations, on PGlite or PostgreSQL alike.
 *
 * Idempotent and safe to run from several processes at once: an advisory
 * lock serialises runners and each migration is recorded once.
 *
 * @example
 * await migrate(db)
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { type LedgerDatabase, rows } from './driver.js'

interface Journal {
  entries: { idx: number; tag: string }[]
}

/** Where the SQL migrations are: `drizzle/` at the package root, found from this module in src/ or dist/. */
export function migrationsFolder(): string {
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url))
  let dir = here
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'drizzle')
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate
    dir = dirname(dir)
  }
  throw new Error(`@timebank/ledger: bundled migrations not found above ${here}`)
}

// Arbitrary constant: the advisory lock key for migration runners.
const MIGRATION_LOCK = 7_310_482_226

/** Apply every bundled migration that has not run yet. Returns the tags it applied. */
export async function migrate(db: LedgerDatabase): Promise<string[]> {
  const folder = migrationsFolder()
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as Journal
  const applied: string[] = []
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`)
    await tx.execute(
      sql`create table if not exists tb_migrations (tag text primary key, hash text not null, applied_at timestamptz not null default now())`,
    )
    const done = new Set((await rows<{ tag: string }>(tx, sql`select tag from tb_migrations`)).map((r) => r.tag))
    for (const entry of [...journal.entries].sort((a, b) => a.idx - b.idx)) {
      if (done.has(entry.tag)) continue
      const text = readFileSync(join(folder, `${entry.tag}.sql`), 'utf8')
      for (const statement of text.split('--> statement-breakpoint')) {
        if (statement.trim()) await tx.execute(sql.raw(statement))
      }
      const hash = createHash('sha256').update(text).digest('hex')
      await tx.execute(sql`insert into tb_migrations (tag, hash) values (${entry.tag}, ${hash})`)
      applied.push(entry.tag)
    }
  })
  return applied
}
