/**
 * Who may open a page. The API decides what anyone may do; a page only needs to know who is
 * signed in (to choose the menu, and to send a signed-out reader to sign in first) and whether it
 * is the staff console or a resident's page.
 */
import type { Context } from 'hono'
import { ok } from './api.js'
import type { Me, WebEnv } from './env.js'

/** Thrown to answer with a 303 to `location` (a path on this site). */
export class Redirect extends Error {
  constructor(readonly location: string) {
    super(`redirect to ${location}`)
    this.name = 'Redirect'
  }
}

/** To the sign-in page, coming back here afterwards. */
export function signInAgain(c: Context<WebEnv>): Response {
  const url = new URL(c.req.url)
  const next = c.req.method === 'GET' ? `${url.pathname}${url.search}` : '/'
  return c.redirect(`/signin?next=${encodeURIComponent(next)}`, 303)
}

/** The signed-in user (asked of the API once per request), or off to sign in. */
export async function requireMe(c: Context<WebEnv>): Promise<Me> {
  if (c.var.me) return c.var.me
  if (!c.var.token) {
    const url = new URL(c.req.url)
    throw new Redirect(`/signin?next=${encodeURIComponent(c.req.method === 'GET' ? `${url.pathname}${url.search}` : '/')}`)
  }
  const me = (await ok(c.var.api.v1.me.$get())) as Me
  c.set('me', me)
  return me
}

/** Staff and admins: the console. A member is sent to their own pages. */
export async function requireStaff(c: Context<WebEnv>): Promise<Me> {
  const me = await requireMe(c)
  if (me.role === 'member') throw new Redirect('/me')
  return me
}

/** A member's own pages: a signed-in member; staff are sent to the console. */
export async function requireMember(c: Context<WebEnv>): Promise<Me & { memberId: string }> {
  const me = await requireMe(c)
  if (me.role !== 'member' || me.memberId === null) throw new Redirect('/staff')
  return me as Me & { memberId: string }
}

/** Where a signed-in user starts. */
export const homeOf = (me: Me): string => (me.role === 'member' ? '/me' : '/staff')
