/**
 * `@timebank/ledger`: a double-entry ledger for volunteer hours and points.
 * This file is the declared public surface: the factory and its options,
 * `migrate`, errors and their codes, exact amounts, and the zod schemas of
 * every input and output with their types. Planner internals and SQL stay
 * private; packages that keep tables beside the ledger use `@timebank/ledger/kit`.
 * `surface.test.ts` fails when an export appears or disappears without a line
 * in CHANGELOG.md.
 *
 * @example
 * import { createLedger, migrate, isLedgerError } from '@timebank/ledger'
 */
export { createLedger, DEFAULT_ASSETS, type Ledger, type LedgerOptions, moveSealed } from './ledger.js'
export { migrate, migrationsFolder } from './storage/migrate.js'
export type { LedgerDatabase } from './storage/driver.js'
export { ErrorCode, LedgerError, isLedgerError } from './domain/errors.js'
export { formatAmount, parseAmount, MAX_SCALE, MAX_SIGNIFICANT_DIGITS } from './domain/amount.js'
export * from './domain/schemas.js'
export { sealedEarnBody, sealedTransferBody, sealedRedeemBody, type SealedMoveBodies } from './domain/sealed.js'
export * from './domain/outputs.js'
export * from './domain/journal.js'
export type * from './domain/types.js'
