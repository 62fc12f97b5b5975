/**
 * Bounds on every wait for PostgreSQL, so an outage answers 503 within seconds
 * instead of hanging requests (postgres.js waits forever by default, and backs
 * off up to 20 s between reconnects).
 *
 * - connecting: `connect_timeout` (up to the server's first ReadyForQuery);
 * - running: `statement_timeout`, set on every connection at start-up;
 * - a silent link: a connection that was sent a request and has heard nothing
 *   for statement timeout + 1 s is cut (the server would have answered, if
 *   only with the statement_timeout error), failing what waits on it;
 * - a free connection: a query or transaction not handed to a connection
 *   within `poolTimeoutMs` fails with POOL_TIMEOUT. A transaction given up this
 *   way never runs its body; a single statement may still run later, which is
 *   safe because every write is idempotent by its client id.
 *
 * All of these failures are classified as outages by `storageUnavailable`.
 *
 * @example
 * const sql = boundPoolWait(postgres(url, { ...postgresBounds(bounds) }), bounds.poolTimeoutMs)
 */
import { connect } from 'node:net'

export interface PostgresBounds {
  /** DATABASE_CONNECT_TIMEOUT_MS: opening a connection, up to the server being ready. */
  connectTimeoutMs: number
  /** DATABASE_STATEMENT_TIMEOUT_MS: one statement on the server. */
  statementTimeoutMs: number
  /** DATABASE_POOL_TIMEOUT_MS: waiting for a connection of the pool. */
  poolTimeoutMs: number
}

export const DEFAULT_POSTGRES_BOUNDS: PostgresBounds = { connectTimeoutMs: 5000, statementTimeoutMs: 15_000, poolTimeoutMs: 5000 }

/** How long past the statement timeout a silent connection is given before it is cut. */
const SILENCE_GRACE_MS = 1000

/** An error whose `code` marks it as an outage for `storageUnavailable`. */
function outage(code: string, message: string): Error {
  return Object.assign(new Error(message), { code })
}

// postgres.js's own reconnect backoff, capped at 1 s: a query handed to a connection that backs off waits for it.
const backoff = (retries: number) => (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 1)

/** postgres.js options that bound connecting, statements, reconnect backoff and silent links. */
export function postgresBounds(bounds: PostgresBounds) {
  return {
    connect_timeout: bounds.connectTimeoutMs / 1000,
    connection: { statement_timeout: bounds.statementTimeoutMs },
    backoff,
    socket: silenceBoundedSocket(bounds.statementTimeoutMs + SILENCE_GRACE_MS),
  }
}

interface SocketOptions {
  host: string[]
  port: number[]
  path?: string | false
  ssl?: unknown
}

/**
 * postgres.js's `socket` option: a TCP socket cut with ETIMEDOUT once it has
 * been written to and has received nothing for `silenceMs`. Idle connections
 * (nothing written) are left alone. Over TLS the bytes written go round
 * `write`, so the bound is off there and the other bounds remain.
 */
export function silenceBoundedSocket(silenceMs: number) {
  let next = 0
  return (options: SocketOptions) => {
    const i = next++ % Math.max(1, options.host.length)
    const socket = options.path
      ? connect(options.path)
      : connect(options.port[i] ?? options.port[0] ?? 5432, options.host[i] ?? 'localhost')
    if (options.ssl) return socket
    let timer: ReturnType<typeof setTimeout> | null = null
    const stop = () => {
      if (timer) clearTimeout(timer)
      timer = null
    }
    const write = socket.write
    socket.write = function (this: typeof socket, ...args: Parameters<typeof socket.write>) {
      timer ??= setTimeout(() => socket.destroy(outage('ETIMEDOUT', `no answer from the database server for ${silenceMs} ms`)), silenceMs)
      return write.apply(this, args)
    } as typeof socket.write
    socket.on('data', stop)
    socket.on('close', stop)
    return socket
  }
}

/** What is bounded of a postgres.js client. */
interface PoolClient {
  // biome-ignore lint/suspicious/noExplicitAny: passed through to postgres.js as given
  unsafe(...args: any[]): Promise<unknown>
  // biome-ignore lint/suspicious/noExplicitAny: passed through to postgres.js as given
  begin(...args: any[]): Promise<unknown>
}

/**
 * The client with a bound on waiting for a pool connection: `unsafe` (every
 * statement drizzle and the ledger send) and `begin` (every transaction). The
 * rest passes through unchanged.
 */
export function boundPoolWait<T extends PoolClient>(sql: T, timeoutMs: number): T {
  const late = () => outage('POOL_TIMEOUT', `no database connection became free within ${timeoutMs} ms`)
  return new Proxy(sql, {
    get(target, prop) {
      if (prop === 'unsafe') {
        return (...args: unknown[]) => boundQuery(target.unsafe(...args), timeoutMs, late)
      }
      if (prop === 'begin') {
        return (...args: unknown[]) => boundBegin(target, args, timeoutMs, late)
      }
      return Reflect.get(target, prop)
    },
  })
}

/** The query, but awaiting it fails with `late()` when it is still queued (not on a connection) after `timeoutMs`. */
function boundQuery<Q extends Promise<unknown>>(query: Q, timeoutMs: number, late: () => Error): Q {
  return new Proxy(query, {
    get(target, prop) {
      if (prop !== 'then') return Reflect.get(target, prop)
      return (onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) =>
        new Promise((resolve, reject) => {
          // postgres.js sets `state` when it hands the query to a connection.
          const timer = setTimeout(() => {
            if ((target as unknown as { state: unknown }).state == null) reject(late())
          }, timeoutMs)
          target.then(
            (v) => {
              clearTimeout(timer)
              resolve(v)
            },
            (e) => {
              clearTimeout(timer)
              reject(e)
            },
          )
        }).then(onFulfilled, onRejected)
    },
  })
}

/** `sql.begin(options?, fn)`, failing with `late()` when the transaction has not begun after `timeoutMs`; its body then never runs. */
function boundBegin(sql: PoolClient, args: unknown[], timeoutMs: number, late: () => Error): Promise<unknown> {
  const fn = args[args.length - 1] as (tx: unknown) => Promise<unknown>
  let begun = false
  let abandoned = false
  const body = async (tx: unknown) => {
    if (abandoned) throw late()
    begun = true
    return fn(tx)
  }
  const run = args.length > 1 ? sql.begin(args[0], body) : sql.begin(body)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      if (begun) return
      abandoned = true
      reject(late())
    }, timeoutMs)
    run.then(resolve, reject).finally(() => clearTimeout(timer))
  })
}

interface TypedClient {
  options: {
    parsers: Record<string, unknown>
    serializers: Record<string, unknown>
    shared: { typeArrayMap: Record<string, number> }
  }
}

/**
 * Give `to` (made with `fetch_types: false`) the array types `from` fetched on
 * connecting. postgres.js fetches them on every new connection and drops that
 * query's promise, so when it fails (cut by statement_timeout, a silent link,
 * a server shutting down) the rejection is unhandled and ends the process
 * (porsager/postgres#1192, #1205, #1223, open in 3.4.9). The pool fetches
 * nothing; the types come from the migrations' connection, made for it anyway.
 */
export function copyArrayTypes(from: unknown, to: unknown): void {
  const source = (from as TypedClient).options
  const target = (to as TypedClient).options
  for (const [oid, typarray] of Object.entries(source.shared.typeArrayMap)) {
    target.shared.typeArrayMap[oid] = typarray
    if (source.parsers[typarray]) target.parsers[typarray] = source.parsers[typarray]
    if (source.serializers[typarray]) target.serializers[typarray] = source.serializers[typarray]
  }
}
