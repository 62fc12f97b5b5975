/**
 * The few things the ledger needs from a drizzle database, the same on PGlite
 * and postgres.js: run a statement, get plain rows, open a transaction.
 */
import type { SQL } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'

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
    const c = (cur as { constraint?: unknown; constraint_name?: unknown }).constraint ?? (cur as { constraint_name?: unknown }).constraint_name
    if (typeof c === 'string') return c
    cur = (cur as { cause?: unknown }).cause
  }
  return undefined
}
