/**
 * A drizzle database on a fresh schema of a PostgreSQL server, so suites and
 * benchmarks sharing one server never see each other's rows. `close` drops it.
 */
import { randomBytes } from 'node:crypto'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { migrate } from '../storage/migrate.js'
import type { LedgerDatabase } from '../storage/driver.js'

export interface IsolatedDatabase {
  db: LedgerDatabase
  schema: string
  client: postgres.Sql
  close(): Promise<void>
}

export async function connectIsolated(
  url: string,
  options: { max?: number; prefix?: string; onQuery?: (query: string) => void } = {},
): Promise<IsolatedDatabase> {
  const schema = `${options.prefix ?? 'tb_test'}_${randomBytes(6).toString('hex')}`
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create schema ${schema}`)
  await admin.end()
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { search_path: schema },
    ...(options.onQuery ? { debug: (_connection: number, query: string) => options.onQuery?.(query) } : {}),
  })
  const db = drizzle(client) as unknown as LedgerDatabase
  await migrate(db)
  return {
    db,
    schema,
    client,
    async close() {
      await client.end({ timeout: 5 })
      const dropper = postgres(url, { max: 1, onnotice: () => {} })
      await dropper.unsafe(`drop schema if exists ${schema} cascade`)
      await dropper.end()
    },
  }
}
