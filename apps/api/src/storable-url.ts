/**
 * Query strings and paths held to the same rule as JSON bodies: a decoded value
 * PostgreSQL cannot store (a NUL, an unpaired surrogate) is refused with 400
 * VALIDATION before any route reads it, so no query parameter can reach the
 * database as something it refuses with an internal error.
 *
 * @example
 * app.use('/v1/*', storableUrl())
 */
import type { MiddlewareHandler } from 'hono'
import { ApiError } from './errors.js'
import { unstorableString } from './json-body.js'

function refuse(path: string, why: string): never {
  throw new ApiError('VALIDATION', `${path}: ${why}`, { issues: [{ path, message: why }] })
}

export function storableUrl(): MiddlewareHandler {
  return async (c, next) => {
    // Decoding only turns %-escapes into characters, and URL parsing makes none that the raw text
    // lacks: a URL without '%' whose raw text is storable decodes to storable text. Most requests.
    const raw = c.req.url
    if (!raw.includes('%') && unstorableString(raw) === null) return next()
    const url = new URL(raw)
    let path: string
    try {
      path = decodeURIComponent(url.pathname)
    } catch {
      return refuse('path', 'the path is not valid percent-encoded UTF-8')
    }
    const bad = unstorableString(path)
    if (bad) refuse('path', bad)
    for (const [name, value] of url.searchParams) {
      const why = unstorableString(name) ?? unstorableString(value)
      if (why) refuse(`query.${name.replace(/[^\x21-\x7e]/g, '?').slice(0, 50)}`, why)
    }
    return next()
  }
}
