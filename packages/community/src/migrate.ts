/**
 * One call migrates everything a community needs: the ledger's tables, then
 * the community's own (drizzle-kit migrations in `drizzle/`), by the ledger's
 * one migration runner. Idempotent and safe from several processes at once.
 *
 * @example
 * await migrate(db)
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type LedgerDatabase, migrate as migrateLedger } from '@timebank/ledger'
import { applyMigrations, readMigrationFolder } from '@timebank/ledger/kit'

/** The community's migrations: `drizzle/` at the package root, found from this module in src/ or dist/. */
export function communityMigrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'drizzle')
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate
    dir = dirname(dir)
  }
  throw new Error('@timebank/community: bundled migrations not found')
}

/** Apply the ledger's migrations, then the community's. Returns the tags applied, by scope. */
export async function migrate(db: LedgerDatabase): Promise<{ ledger: string[]; community: string[] }> {
  const ledger = await migrateLedger(db)
  const community = await applyMigrations(db, { scope: 'community', migrations: readMigrationFolder(communityMigrationsFolder()) })
  return { ledger, community }
}
