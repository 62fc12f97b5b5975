/**
 * @timebank/ledger: a double-entry ledger for volunteer hours and points.
 *
 * @example
 * import { createLedger, migrate } from '@timebank/ledger'
 */
export * from './domain/index.js'
export { createLedger, DEFAULT_ASSETS, parseInput, type Ledger, type LedgerOptions } from './ledger.js'
export { migrate, migrationsFolder } from './storage/migrate.js'
export { pgArray, type LedgerDatabase } from './storage/driver.js'
