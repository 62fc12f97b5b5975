/**
 * A second "process" for PostgreSQL tests: its own connection pool on the same isolated schema, and
 * communities over it with their own ledgers and caches, as another API process would have.
 *
 * @example
 * const second = secondProcess(database)
 * const other = second.community(() => t.clock.now)
 * await second.close()
 */
import { type LedgerDatabase, createLedger } from '@timebank/ledger'
import { type IsolatedDatabase, testDatabaseUrl } from '@timebank/ledger/testing'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { type Community, createCommunity } from '../community.js'

export interface SecondProcess {
  db: LedgerDatabase
  /** A community of this process; each call a new one, its caches empty, as a process started now. */
  community(clock?: () => Date): Community
  close(): Promise<void>
}

export function secondProcess(database: IsolatedDatabase, max = 16): SecondProcess {
  const client = postgres(testDatabaseUrl(), { max, onnotice: () => {}, connection: { search_path: database.schema } })
  const db = drizzle(client) as unknown as LedgerDatabase
  return {
    db,
    community: (clock) => createCommunity({ db, ledger: createLedger({ db }), ...(clock ? { clock } : {}) }),
    close: () => client.end({ timeout: 5 }),
  }
}
