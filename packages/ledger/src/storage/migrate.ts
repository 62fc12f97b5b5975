/**
 * The one migration runner, for the ledger's migrations and for those of every
 * package that keeps its tables in the same database (the API's keys, the
 * community's records). Idempotent and safe to run from several processes at
 * once: an advisory lock serialises runners, and each migration is recorded
 * once per scope in `tb_schema_migrations`.
 *
 * @example
 * await migrate(db)                                            // the ledger's tables
 * await applyMigrations(db, { scope: 'api', migrations })      // a package's own, after the ledger's
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { type LedgerDatabase, rows } from './driver.js'

/** One migration: statements separated by drizzle-kit's `--> statement-breakpoint`. */
export interface Migration {
  tag: string
  sql: string
}

export interface MigrationSet {
  /** Whose migrations these are (e.g. `ledger`, `api`): tags need only be unique within a scope. */
  scope: string
  /** In the order they apply. */
  migrations: readonly Migration[]
  /** A bookkeeping table of an older runner (one column `tag`): tags listed there count as applied. */
  adopt?: string
}

const BREAKPOINT = '--> statement-breakpoint'

/** The migrations drizzle-kit wrote to a folder (`meta/_journal.json` and one `<tag>.sql` each), in order. */
export function readMigrationFolder(folder: string): Migration[] {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] }
  return [...journal.entries]
    .sort((a, b) => a.idx - b.idx)
    .map((e) => ({ tag: e.tag, sql: readFileSync(join(folder, `${e.tag}.sql`), 'utf8') }))
}

/** Where the ledger's SQL migrations are: `drizzle/` at the package root, found from this module in src/ or dist/. */
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

// Arbitrary constant: the advisory lock key every migration runner takes.
const MIGRATION_LOCK = 7_310_482_226

/** Apply every migration of the set not applied yet, in one transaction. Returns the tags it applied. */
export async function applyMigrations(db: LedgerDatabase, set: MigrationSet): Promise<string[]> {
  const applied: string[] = []
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`)
    await tx.execute(
      sql`create table if not exists tb_schema_migrations (
            scope text not null, tag text not null, hash text not null, applied_at timestamptz not null default now(),
            primary key (scope, tag))`,
    )
    const done = new Set(
      (await rows<{ tag: string }>(tx, sql`select tag from tb_schema_migrations where scope = ${set.scope}`)).map((r) => r.tag),
    )
    const adopted = new Set<string>()
    if (set.adopt !== undefined && done.size === 0) {
      const [legacy] = await rows<{ found: string | null }>(tx, sql`select to_regclass(${set.adopt})::text as found`)
      if (legacy?.found) {
        for (const r of await rows<{ tag: string }>(tx, sql`select tag from ${sql.identifier(set.adopt)}`)) adopted.add(r.tag)
      }
    }
    for (const m of set.migrations) {
      if (done.has(m.tag)) continue
      if (!adopted.has(m.tag)) {
        for (const statement of m.sql.split(BREAKPOINT)) {
          if (statement.trim()) await tx.execute(sql.raw(statement))
        }
        applied.push(m.tag)
      }
      const hash = createHash('sha256').update(m.sql).digest('hex')
      await tx.execute(sql`insert into tb_schema_migrations (scope, tag, hash) values (${set.scope}, ${m.tag}, ${hash})`)
    }
  })
  return applied
}

/** Apply every bundled ledger migration that has not run yet. Returns the tags it applied. */
export function migrate(db: LedgerDatabase): Promise<string[]> {
  // Before 0.2 the ledger recorded its migrations in tb_migrations.
  return applyMigrations(db, { scope: 'ledger', migrations: readMigrationFolder(migrationsFolder()), adopt: 'tb_migrations' })
}
