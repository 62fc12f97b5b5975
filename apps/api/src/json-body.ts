/**
 * Strict JSON request bodies. Beyond `JSON.parse`, a body is refused when it
 * is not UTF-8, has a key twice in one object (parsers disagree on which one
 * wins), nests deeper than `maxDepth`, or holds strings PostgreSQL cannot store
 * (NUL characters, unpaired surrogates). A `__proto__` key is refused too.
 *
 * @example
 * app.use('/v1/*', jsonBody())
 */
import type { MiddlewareHandler } from 'hono'
import { ApiError } from './errors.js'
import { DEFAULT_BODY_LIMIT, readBody } from './request-body.js'

export interface StrictJsonOptions {
  /** Deepest nesting of objects and arrays. */
  maxDepth?: number
}

export type StrictJsonResult = { ok: true; value: unknown } | { ok: false; message: string }

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Why a decoded string cannot be stored, or null when it can. */
export function unstorableString(s: string): string | null {
  if (s.includes('\u0000')) return 'strings must not contain NUL (\\u0000) characters'
  if (LONE_SURROGATE.test(s)) return 'strings must not contain unpaired UTF-16 surrogates'
  return null
}

/** Parse JSON text with the rules above. Iterative, so deep input cannot overflow the stack. */
export function parseStrictJson(text: string, options: StrictJsonOptions = {}): StrictJsonResult {
  const maxDepth = options.maxDepth ?? 32
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return { ok: false, message: `body is not valid JSON: ${e instanceof Error ? e.message.slice(0, 200) : 'syntax error'}` }
  }
  // The text is valid JSON, so a light scan can find keys and strings.
  const stack: (Set<string> | null)[] = []
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      stack.push(ch === 0x7b ? new Set() : null)
      if (stack.length > maxDepth) return { ok: false, message: `JSON nests deeper than ${maxDepth} levels` }
      expectKey = ch === 0x7b
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      stack.pop()
      expectKey = false
    } else if (ch === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] instanceof Set
    } else if (ch === 0x22 /* " */) {
      let j = i + 1
      let escaped = false
      for (; j < text.length; j++) {
        const c = text.charCodeAt(j)
        if (c === 0x5c /* \ */) {
          escaped = true
          j++
        } else if (c === 0x22) break
      }
      const s = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j)
      const bad = unstorableString(s)
      if (bad) return { ok: false, message: bad }
      const keys = stack[stack.length - 1]
      if (expectKey && keys) {
        if (s === '__proto__') return { ok: false, message: 'the key "__proto__" is not allowed' }
        if (keys.has(s)) return { ok: false, message: `duplicate key ${JSON.stringify(s.slice(0, 64))} in an object` }
        keys.add(s)
        expectKey = false
      }
      i = j
    }
  }
  return { ok: true, value }
}

const JSON_MEDIA = /^application\/(?:[\w.-]+\+)?json$/i

/** True when a Content-Type header names JSON in UTF-8 (the only charset accepted). */
export function isJsonContentType(header: string): boolean {
  const [media, ...params] = header.split(';')
  if (!media || !JSON_MEDIA.test(media.trim())) return false
  for (const p of params) {
    const [name, raw] = p.split('=')
    if (!name || name.trim() === '') continue
    if (name.trim().toLowerCase() === 'charset') {
      const charset = (raw ?? '')
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase()
      if (charset !== 'utf-8' && charset !== 'utf8') return false
    }
  }
  return true
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Read, check and parse the body of every request that may carry one, before
 * route validators run; they then see the parsed value. An empty body reads as `{}`.
 */
export function jsonBody(options: StrictJsonOptions & { /** Largest body in bytes. */ maxSize?: number } = {}): MiddlewareHandler {
  const maxSize = options.maxSize ?? DEFAULT_BODY_LIMIT
  return async (c, next) => {
    const method = c.req.method
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next()
    const bytes = await readBody(c, maxSize)
    let text = '{}'
    let value: unknown = {}
    if (bytes.byteLength > 0) {
      const type = c.req.header('content-type')
      if (!type || !isJsonContentType(type)) {
        throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'request bodies must be JSON: send Content-Type: application/json', {
          contentType: type?.slice(0, 100) ?? null,
        })
      }
      try {
        text = decoder.decode(bytes)
      } catch {
        throw new ApiError('MALFORMED_JSON', 'body is not valid UTF-8')
      }
      const parsed = parseStrictJson(text, options)
      if (!parsed.ok) throw new ApiError('MALFORMED_JSON', parsed.message)
      value = parsed.value
    }
    // Hono caches body reads as promises (its type says string); validators then read this text.
    ;(c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text)
    // The first `c.req.json()` (the route's validator) gets the value parsed above instead of parsing
    // the text again; any later one parses afresh, so no reader sees another's changes.
    const req = c.req as { json: () => Promise<unknown> }
    const parseAgain = req.json.bind(c.req)
    let first = true
    req.json = () => {
      if (!first) return parseAgain()
      first = false
      return Promise.resolve(value)
    }
    return next()
  }
}
