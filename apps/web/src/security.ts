/**
 * Cookies and forms: the session cookie (the API's session token, httpOnly, SameSite=Lax), the
 * CSRF token every form carries, and where a page may send the reader back to.
 *
 * - Signed in, a form's token is derived from the session token (which scripts cannot read), so a
 *   page of another site cannot know it. Signed out (the sign-in form), it is a random cookie
 *   repeated in the form (double submit).
 * - `next` after sign-in is a path on this site only: "//evil.example" or "https://…" go home.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'

export const SESSION_COOKIE = 'tb_session'
export const CSRF_COOKIE = 'tb_csrf'
export const LANG_COOKIE = 'tb_lang'
export const CSRF_FIELD = '_csrf'

const secure = (c: Context) => new URL(c.req.url).protocol === 'https:'

export function sessionToken(c: Context): string | null {
  const value = getCookie(c, SESSION_COOKIE)
  return value && /^tbs_[\w-]{16,200}$/.test(value) ? value : null
}

export function setSession(c: Context, token: string, expiresAt: string): void {
  const maxAge = Math.max(0, Math.floor((Date.parse(expiresAt) - Date.now()) / 1000))
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: secure(c), path: '/', maxAge })
}

export function clearSession(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secure(c) })
}

/** The form token of this page: from the session, or the signed-out double-submit cookie (set when missing). */
export function csrfToken(c: Context, token: string | null): string {
  if (token) return createHash('sha256').update(`csrf\0${token}`).digest('base64url').slice(0, 32)
  const existing = getCookie(c, CSRF_COOKIE)
  if (existing && /^[\w-]{32}$/.test(existing)) return existing
  const fresh = randomBytes(24).toString('base64url')
  setCookie(c, CSRF_COOKIE, fresh, { httpOnly: true, sameSite: 'Strict', secure: secure(c), path: '/' })
  return fresh
}

/** True when the form's token is this reader's. */
export function csrfMatches(expected: string, sent: unknown): boolean {
  if (typeof sent !== 'string' || sent.length !== expected.length) return false
  return timingSafeEqual(Buffer.from(sent), Buffer.from(expected))
}

/** A path on this site to go to after signing in, or `fallback`. */
export function safeNext(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length > 500) return fallback
  // One leading slash, then not a second one or a backslash (both mean another host to browsers).
  if (!/^\/(?![/\\])[^\s]*$/.test(value)) return fallback
  return value
}
