/**
 * Statement counting without touching the driver: wrappers that count each
 * `execute` (drizzle), `unsafe`/`query` (the raw client, which the ledger may
 * use through `db.$client`) or `query` (hand-written SQL), plus BEGIN and
 * COMMIT for each transaction, in `statementCounter`.
 * (postgres.js's own `debug` hook would do, but it captures a stack per query,
 * which costs CPU inside the timed rounds.)
 *
 * @example
 * const ledger = createLedger({ db: countStatements(drizzle(client)) })
 */
import type { LedgerDatabase } from '@timebank/ledger'
import { statementCounter } from '../runner/probes.js'
import type { Conn, Tx } from '../sql/conn.js'

type Executes = { execute(...args: unknown[]): unknown }

function countExecute<T extends object>(target: T): T {
  return new Proxy(target, {
    get(t, p) {
      const v = Reflect.get(t, p, t) as unknown
      if (p === 'execute' && typeof v === 'function') {
        return (...args: unknown[]) => {
          statementCounter.count++
          return (v as Executes['execute']).apply(t, args)
        }
      }
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v
    },
  })
}

type Fn = (...args: unknown[]) => unknown

/**
 * The raw driver client behind drizzle (`db.$client`: a postgres.js `Sql` or a
 * PGlite), counting `unsafe`/`query` and tagged-template calls, and BEGIN and
 * COMMIT for `begin`/`transaction`; a transaction's own client is counted too.
 */
function countClient<T extends object>(client: T): T {
  return new Proxy(client, {
    apply(t, self, args) {
      statementCounter.count++
      return Reflect.apply(t as Fn, self, args)
    },
    get(t, p) {
      const v = Reflect.get(t, p, t) as unknown
      if (typeof v !== 'function') return v
      if (p === 'unsafe' || p === 'query') {
        return (...args: unknown[]) => {
          statementCounter.count++
          return (v as Fn).apply(t, args)
        }
      }
      if (p === 'begin' || p === 'transaction') {
        return (...args: unknown[]) => {
          statementCounter.count += 2
          const i = args.findIndex((a) => typeof a === 'function')
          if (i >= 0) {
            const fn = args[i] as Fn
            args[i] = (tx: object) => fn(countClient(tx))
          }
          return (v as Fn).apply(t, args)
        }
      }
      return (v as Fn).bind(t)
    },
  })
}

/** The ledger's database, counting every statement and BEGIN/COMMIT, through drizzle or its `$client`. */
export function countStatements(db: LedgerDatabase): LedgerDatabase {
  const counted = countExecute(db)
  return new Proxy(counted, {
    get(t, p) {
      if (p === '$client') {
        const raw = Reflect.get(db, p, db) as unknown
        return raw !== null && (typeof raw === 'object' || typeof raw === 'function') ? countClient(raw) : raw
      }
      if (p === 'transaction') {
        return (fn: (tx: unknown) => Promise<unknown>, config?: unknown) => {
          statementCounter.count += 2
          return db.transaction((tx) => fn(countExecute(tx)), config as never)
        }
      }
      return Reflect.get(t, p, t)
    },
  })
}

/** A hand-written SQL connection, counting the same way. */
export function countConn(conn: Conn): Conn {
  const tx = (inner: Tx): Tx => ({
    query: (text, params) => {
      statementCounter.count++
      return inner.query(text, params)
    },
  })
  return {
    ...tx(conn),
    begin: (fn) => {
      statementCounter.count += 2
      return conn.begin((t) => fn(tx(t)))
    },
  }
}
