/**
 * Apply the API's migrations (its key and settings tables) with the ledger's
 * migration runner, after the ledger's own. Idempotent and safe from several
 * processes.
 *
 * @example
 * await migrate(db)     // the ledger's tables
 * await migrateApi(db)  // the API's tables
 */
import type { LedgerDatabase } from '@timebank/ledger'
import { applyMigrations } from '@timebank/ledger/kit'
import { API_MIGRATIONS } from './schema.js'

/** Apply every API migration not applied yet; returns the tags applied. */
export function migrateApi(db: LedgerDatabase): Promise<string[]> {
  // Before 0.2 the API recorded its migrations in tb_api_migrations.
  return applyMigrations(db, { scope: 'api', migrations: API_MIGRATIONS, adopt: 'tb_api_migrations' })
}
