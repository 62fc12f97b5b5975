/**
 * Structured logs: one JSON object per line. The request log never holds
 * keys, bodies or query strings; errors keep their stack frames, not their
 * messages' parameters.
 *
 * @example
 * const logger = jsonLogger(process.stdout)
 * logger.info('listening', { url: 'http://127.0.0.1:3000' })
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal'

export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

/** A Logger over one `log` function. */
export function makeLogger(log: Logger['log']): Logger {
  return {
    log,
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
  }
}

/** Lines gathered before a write at most (a busy server writes once per turn of the event loop below it). */
const BATCH_CHARS = 64 * 1024

export interface JsonLoggerOptions {
  /**
   * Gather lines and write them together once per turn of the event loop, not one write (a
   * system call, synchronous for files and pipes) per line. Errors and fatal lines are written at
   * once with what is waiting, and what is left is written when the process exits.
   */
  buffered?: boolean
}

/** Writes `{"time","level","msg",...fields}` lines to a stream (stdout by default). */
export function jsonLogger(out: { write(chunk: string): unknown } = process.stdout, options: JsonLoggerOptions = {}): Logger {
  const line = (level: LogLevel, msg: string, fields: Record<string, unknown> | undefined) =>
    `${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`
  if (!options.buffered) return makeLogger((level, msg, fields) => out.write(line(level, msg, fields)))
  let pending = ''
  let scheduled = false
  const flush = () => {
    scheduled = false
    if (pending === '') return
    const chunk = pending
    pending = ''
    out.write(chunk)
  }
  process.once('exit', flush)
  return makeLogger((level, msg, fields) => {
    pending += line(level, msg, fields)
    if (level === 'error' || level === 'fatal' || pending.length >= BATCH_CHARS) flush()
    else if (!scheduled) {
      scheduled = true
      setImmediate(flush).unref()
    }
  })
}

/** Discards everything. */
export const silentLogger: Logger = makeLogger(() => {})

/** A logger that keeps records in memory, for tests. */
export function memoryLogger(): Logger & { records: { level: LogLevel; msg: string; [k: string]: unknown }[] } {
  const records: { level: LogLevel; msg: string; [k: string]: unknown }[] = []
  return Object.assign(
    makeLogger((level, msg, fields) => {
      records.push({ ...fields, level, msg })
    }),
    { records },
  )
}

/**
 * What an unexpected error may put in a log: name, the first line of its message
 * without driver parameters (drizzle appends the query's values, which can hold
 * request data), SQLSTATE codes down the cause chain, and stack frames.
 */
export function describeError(e: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  let cur: unknown = e
  const causes: Record<string, unknown>[] = []
  for (let depth = 0; depth < 4 && cur !== undefined && cur !== null; depth++) {
    if (cur instanceof Error) {
      const firstLine = (cur.message.split('\n')[0] ?? '').replace(/\s+params:.*$/s, '').slice(0, 300)
      const code = (cur as { code?: unknown }).code
      causes.push({ name: cur.name, message: firstLine, ...(typeof code === 'string' ? { code } : {}) })
      if (depth === 0 && cur.stack) {
        out.stack = cur.stack
          .split('\n')
          .filter((l) => l.trimStart().startsWith('at '))
          .slice(0, 15)
          .map((l) => l.trim())
      }
      cur = (cur as { cause?: unknown }).cause
    } else {
      causes.push({ value: typeof cur })
      break
    }
  }
  out.error = causes[0]
  if (causes.length > 1) out.causes = causes.slice(1)
  return out
}
