/**
 * The URL of the ledger-postgres project's server, for its test files: set by
 * postgres-global-setup.ts, which provides the reason instead when the server
 * could not start, so that only these suites fail, each with that reason.
 *
 * @example
 * const database = await connectIsolated(testDatabaseUrl())
 */
import { inject } from 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Empty when there is no server; `databaseError` then says why. */
    databaseUrl: string
    databaseError: string
  }
}

/** The server's URL; throws the reason there is none. */
export function testDatabaseUrl(): string {
  const url = inject('databaseUrl')
  if (url) return url
  throw new Error(
    inject('databaseError') || 'no PostgreSQL server: run this file in the ledger-postgres project, whose global setup starts one',
  )
}
