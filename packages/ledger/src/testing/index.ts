/**
 * `@timebank/ledger/testing`: helpers for suites and benchmarks that need a
 * real PostgreSQL server or an isolated schema on one.
 */
export { startTestPostgres, type TestPostgres } from './pg-server.js'
export { connectIsolated, type IsolatedDatabase } from './pg-isolated.js'
export { auditLedger } from './audit.js'
export { testDatabaseUrl } from './database-url.js'
