/**
 * The few things the ledger needs from a drizzle database, the same on PGlite
 * and postgres.js: run a statement, get plain rows, open a transaction.
 */
import type { SQL } from 'drizzle-orm'
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core'

/** A drizzle PostgreSQL database: `drizzle(pglite)` or `drizzle(postgres(url))`. */
// biome-ignore lint/suspicious/noExplicitAny: any schema is accepted, the ledger uses raw SQL.
export type LedgerDatabase = PgDatabase<PgQueryResultHKT, any, any>

/** Anything that can execute a statement: the database or an open transaction. */
export interface Executor {
  execute(query: SQL): Promise<unknown>
}

/** Run a statement and return its rows, whichever driver is underneath. */
export async function rows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = await db.execute(query)
  if (Array.isArray(result)) return result as T[]
  return ((result as { rows?: T[] }).rows ?? []) as T[]
}

/** Format a JS array as a PostgreSQL array literal, so both drivers pass it as one text parameter. */
export function pgArray(values: readonly (string | number | bigint | boolean | null)[]): string {
  let out = '{'
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ','
    const v = values[i]
    if (v === null || v === undefined) out += 'NULL'
    else if (typeof v === 'string') out += `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
    else out += String(v)
  }
  return `${out}}`
}

/** The PostgreSQL error code (SQLSTATE) of an error or of anything in its cause chain. */
export function sqlState(e: unknown): string | undefined {
  let cur: unknown = e
  for (let depth = 0; depth < 5 && cur && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code
    cur = (cur as { cause?: unknown }).cause
  }
  return undefined
}

/** The constraint named by a PostgreSQL error, if any. */
export function constraintOf(e: unknown): string | undefined {
  let cur: unknown = e
  for (let depth = 0; depth < 5 && cur && typeof cur === 'object'; depth++) {
    const c =
      (cur as { constraint?: unknown; constraint_name?: unknown }).constraint ?? (cur as { constraint_name?: unknown }).constraint_name
    if (typeof c === 'string') return c
    cur = (cur as { cause?: unknown }).cause
  }
  return undefined
}

/** An Executor that can also open a transaction. */
export interface Runner extends Executor {
  transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T>
  /** False when the driver runs one transaction at a time (PGlite): nothing to spread writers over. */
  concurrent: boolean
}

interface PostgresJsLike {
  unsafe(query: string, params: unknown[], options: { prepare: boolean }): Promise<unknown[]>
  begin<T>(fn: (tx: PostgresJsLike) => Promise<T>): Promise<T>
}

interface PGliteLike {
  query(query: string, params: unknown[]): Promise<{ rows: unknown[] }>
  transaction<T>(fn: (tx: PGliteLike) => Promise<T>): Promise<T>
}

const dialect = new PgDialect()

/**
 * Run the ledger's statements on the driver under a drizzle database. On
 * postgres.js they run as named prepared statements, so PostgreSQL plans each
 * statement shape once per connection instead of on every call (drizzle's raw
 * `execute` does not prepare). Pass `prepare: false` behind a pooler in
 * transaction mode. PGlite and other drivers go through drizzle's own API.
 */
export function runnerFor(db: LedgerDatabase, options: { prepare?: boolean } = {}): Runner {
  const client = (db as { $client?: unknown }).$client
  const prepare = options.prepare ?? true
  if (isPostgresJs(client)) {
    const on = (c: PostgresJsLike): Executor => ({
      execute: (query) => {
        const q = dialect.sqlToQuery(query)
        return c.unsafe(q.sql, q.params, { prepare })
      },
    })
    return { ...on(client), concurrent: true, transaction: (fn) => client.begin((tx) => fn(on(tx))) }
  }
  if (isPGlite(client)) {
    const on = (c: PGliteLike): Executor => ({
      execute: async (query) => {
        const q = dialect.sqlToQuery(query)
        return (await c.query(q.sql, q.params)).rows
      },
    })
    return { ...on(client), concurrent: false, transaction: (fn) => client.transaction((tx) => fn(on(tx))) }
  }
  return { execute: (query) => db.execute(query), concurrent: true, transaction: (fn) => db.transaction((tx) => fn(tx)) }
}

function isPostgresJs(c: unknown): c is PostgresJsLike {
  return (
    typeof c === 'function' &&
    typeof (c as Partial<PostgresJsLike>).unsafe === 'function' &&
    typeof (c as Partial<PostgresJsLike>).begin === 'function'
  )
}

function isPGlite(c: unknown): c is PGliteLike {
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof (c as Partial<PGliteLike>).query === 'function' &&
    typeof (c as Partial<PGliteLike>).transaction === 'function'
  )
}
