/**
 * The smallest connection interface hand-written SQL needs, over postgres.js
 * (named prepared statements) or PGlite, so one baseline runs on both.
 *
 * @example
 * const conn = postgresConn(client)
 * await conn.begin(async (tx) => tx.query('select 1'))
 */
import type { PGlite } from '@electric-sql/pglite'
import type postgres from 'postgres'

export interface Tx {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>
}

export interface Conn extends Tx {
  /** Run `fn` in BEGIN ... COMMIT (ROLLBACK when it throws). */
  begin<T>(fn: (tx: Tx) => Promise<T>): Promise<T>
}

type Params = postgres.ParameterOrJSON<never>[]

export function postgresConn(client: postgres.Sql): Conn {
  const on =
    (s: postgres.Sql | postgres.TransactionSql) =>
    async <T>(text: string, params: unknown[] = []): Promise<T[]> =>
      (await s.unsafe(text, params as Params, { prepare: true })) as unknown as T[]
  return {
    query: on(client),
    begin: <T>(fn: (tx: Tx) => Promise<T>) => client.begin((tx) => fn({ query: on(tx) })) as Promise<T>,
  }
}

export function pgliteConn(pg: PGlite): Conn {
  return {
    query: async <T>(text: string, params: unknown[] = []) => (await pg.query<T>(text, params)).rows,
    begin: <T>(fn: (tx: Tx) => Promise<T>) =>
      pg.transaction((tx) => fn({ query: async <R>(text: string, params: unknown[] = []) => (await tx.query<R>(text, params)).rows })),
  }
}

/** A PostgreSQL array literal, passed as one text parameter and cast (`$1::text[]`): the ledger's own. */
export { pgArray } from '@timebank/ledger/kit'
