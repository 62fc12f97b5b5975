/**
 * `@timebank/ledger/kit`: building blocks for packages that keep their own
 * tables in the ledger's database (the API's keys, the community's records),
 * so they follow the ledger's rules instead of copies of them: one migration
 * runner, one idempotent-create rule, one bounded cache, and the two helpers
 * raw SQL needs on both drivers.
 *
 * @example
 * import { applyMigrations, createOnce, requestHash } from '@timebank/ledger/kit'
 * await applyMigrations(db, { scope: 'community', migrations })
 */
export { type CreateOnceStep, createOnce } from './storage/create-once.js'
export { type Executor, pgArray, rows, sqlState } from './storage/driver.js'
export { type Migration, type MigrationSet, applyMigrations, readMigrationFolder } from './storage/migrate.js'
export { BoundedCache, type BoundedCacheOptions } from './support/bounded-cache.js'
export { requestHash, sameRequest } from './domain/idempotency.js'
export { canonicalJson } from './domain/canonical.js'
export { describeIssues, type ValidationIssues } from './domain/issues.js'
