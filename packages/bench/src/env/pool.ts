/**
 * A bench database on PostgreSQL: a fresh, migrated schema (via
 * `connectIsolated`) and a postgres.js pool on it whose statements are counted.
 * The ledger gets the drizzle wrapper; hand-written SQL uses the same pool.
 * Both count their statements (see counting.ts).
 *
 * @example
 * const bench = await openBenchDatabase(url, { max: 32, prefix: 'tb_bench_w' })
 * const ledger = createLedger({ db: bench.db })
 * await bench.close() // drops the schema
 */
import type { LedgerDatabase } from '@timebank/ledger'
import { connectIsolated } from '@timebank/ledger/testing'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { countConn, countStatements } from './counting.js'
import { type Conn, postgresConn } from '../sql/conn.js'

export interface BenchDatabase {
  schema: string
  client: postgres.Sql
  db: LedgerDatabase
  conn: Conn
  /** Another pool on the same schema (e.g. for the HTTP server). */
  pool(max: number): { client: postgres.Sql; db: LedgerDatabase; conn: Conn; end(): Promise<void> }
  close(): Promise<void>
}

function open(url: string, schema: string, max: number) {
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connection: { search_path: schema },
  })
  const db = countStatements(drizzle(client) as unknown as LedgerDatabase)
  return { client, db, conn: countConn(postgresConn(client)), end: () => client.end({ timeout: 5 }) }
}

export async function openBenchDatabase(url: string, options: { max: number; prefix: string }): Promise<BenchDatabase> {
  const isolated = await connectIsolated(url, { max: 1, prefix: options.prefix })
  const main = open(url, isolated.schema, options.max)
  const extra: { end(): Promise<void> }[] = []
  return {
    schema: isolated.schema,
    client: main.client,
    db: main.db,
    conn: main.conn,
    pool(max) {
      const p = open(url, isolated.schema, max)
      extra.push(p)
      return p
    },
    async close() {
      for (const p of extra) await p.end()
      await main.end()
      await isolated.close()
    },
  }
}
