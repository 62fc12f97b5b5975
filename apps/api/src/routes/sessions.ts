/**
 * Signing in and out, and who is calling. A session token (`tbs_…`) is sent
 * like an API key (`Authorization: Bearer …`) and acts with its user's role,
 * member and grid, as a key with them would.
 *
 * - `POST /v1/sessions` (no key): login and password → a new session. Wrong login or password: 401
 *   INVALID_CREDENTIALS; too many failures in a row (for a login, or from a client address): 429 SIGN_IN_LOCKED with Retry-After.
 * - `POST /v1/sessions/link` (no key): a one-time sign-in link's token → a new session.
 * - `GET /v1/me` (any key or session): the caller.
 * - `DELETE /v1/sessions/current`, `DELETE /v1/sessions` (a session): sign out here, or everywhere.
 * - `POST /v1/users/me/password` (a session): set a new password; the user's other sessions end.
 *
 * @example
 * curl -X POST -H 'Content-Type: application/json' -d '{"tenantId":"maple","login":"li.na","password":"…"}' http://127.0.0.1:3000/v1/sessions
 */
import { createRoute, z } from '@hono/zod-openapi'
import { Id } from '@timebank/ledger'
import { requireSession } from '../auth.js'
import { clientAddress } from '../client-address.js'
import type { Deps } from '../context.js'
import { ApiError } from '../errors.js'
import { ROLES } from '../keys/types.js'
import { Password, SessionSchema, SessionUserSchema, errors, json, sessionUser } from '../schemas.js'
import { PASSWORD_MAX, hashPassword } from '../users/password.js'
import { bearer, jsonRequest, noKey, router } from './common.js'

const tags = ['Sessions']

const SignInBody = z
  .strictObject({
    tenantId: Id.clone().openapi({ description: 'The community (tenant) to sign in to.', example: 'maple' }),
    // Checked only by matching: a malformed login is as wrong as an unknown one.
    login: z.string().min(1).max(200).openapi({ example: 'li.na' }),
    password: z.string().min(1).max(PASSWORD_MAX).openapi({ example: 'correct horse battery' }),
  })
  .openapi('SignInRequest')

const LinkBody = z
  .strictObject({
    tenantId: Id.clone().openapi({ example: 'maple' }),
    token: z.string().min(1).max(512).openapi({ description: "The link's token (`tbl_…`).", example: 'tbl_Xk2v…' }),
  })
  .openapi('SignInWithLinkRequest')

const LinkSessionSchema = SessionSchema.extend({
  mustSetPassword: z.boolean().openapi({ description: 'The user has no password yet: ask for one (`POST /v1/users/me/password`).' }),
}).openapi('LinkSession')

const MeSchema = z
  .object({
    tenantId: z.string(),
    role: z.enum(ROLES),
    memberId: z.string().nullable().openapi({ description: 'The member the caller acts as (member keys and users).' }),
    gridId: z.string().nullable().openapi({ description: 'The grid whose subtree a staff caller is limited to.' }),
    user: SessionUserSchema.nullable().openapi({ description: 'The user signed in; null for an API key.' }),
    session: z
      .object({ expiresAt: z.string().openapi({ format: 'date-time' }) })
      .nullable()
      .openapi({
        description: 'The session; null for an API key.',
      }),
  })
  .openapi('Me')

const ChangePasswordBody = z
  .strictObject({
    currentPassword: z.string().min(1).max(PASSWORD_MAX).optional().openapi({
      description: 'Required when the user has a password, unless this session was opened with a sign-in link (a reset).',
    }),
    newPassword: Password,
  })
  .openapi('ChangePasswordRequest')

const signIn = createRoute({
  method: 'post',
  path: '/sessions',
  operationId: 'signIn',
  tags,
  security: noKey,
  summary: 'Sign in with a login and password (no key)',
  description:
    'Opens a new session with a fresh token, whatever the client already holds. A wrong login and a wrong password get the same 401 INVALID_CREDENTIALS, as do a disabled user and a user without a password. After too many failures in a row (SIGN_IN_MAX_FAILURES, 5) the user is locked for SIGN_IN_LOCK_MINUTES (15): 429 SIGN_IN_LOCKED with `Retry-After` seconds, even for the right password; a login no user has is locked the same way, so a lock tells nothing about which logins exist. A success starts the count again. Past SIGN_IN_MAX_FAILURES_PER_ADDRESS (50) failures from one client address within SIGN_IN_LOCK_MINUTES, that address is refused with the same 429 SIGN_IN_LOCKED, whatever the login, until the window ends (counted in each API process).',
  request: {
    body: jsonRequest(SignInBody, {
      staff: { summary: 'A staff member signs in', value: { tenantId: 'maple', login: 'li.na', password: 'correct horse battery' } },
    }),
  },
  responses: { 201: json(SessionSchema, 'The session and its token, shown this once'), ...errors(400, 401, 429) },
})

const signInWithLink = createRoute({
  method: 'post',
  path: '/sessions/link',
  operationId: 'signInWithLink',
  tags,
  security: noKey,
  summary: 'Sign in with a one-time sign-in link (no key)',
  description:
    "A link signs in once: a second use, even at the same moment, is 401 SIGN_IN_LINK_INVALID, as are an expired link and a disabled user's. It ends a lock. `mustSetPassword` says the user has no password yet; a session opened with a link may set a new one without the current one.",
  request: {
    body: jsonRequest(LinkBody, {
      link: { summary: 'The token from /signin/link?tenant=…&token=…', value: { tenantId: 'maple', token: 'tbl_Xk2vQ9' } },
    }),
  },
  responses: { 201: json(LinkSessionSchema, 'The session and its token, shown this once'), ...errors(400, 401) },
})

const getMe = createRoute({
  method: 'get',
  path: '/me',
  operationId: 'getMe',
  tags,
  security: bearer,
  summary: 'Who is calling (any key or session)',
  responses: { 200: json(MeSchema, 'The caller'), ...errors(401) },
})

const signOut = createRoute({
  method: 'delete',
  path: '/sessions/current',
  operationId: 'signOut',
  tags,
  security: bearer,
  summary: 'Sign this session out (a session)',
  description: 'The token is refused at once by the API process that answers; other processes refuse it within KEY_CACHE_MS.',
  responses: { 204: { description: 'Signed out' }, ...errors(401, 403) },
})

const signOutEverywhere = createRoute({
  method: 'delete',
  path: '/sessions',
  operationId: 'signOutEverywhere',
  tags,
  security: bearer,
  summary: "Sign every one of the user's sessions out (a session)",
  responses: { 204: { description: 'Every session of the user signed out, this one included' }, ...errors(401, 403) },
})

const changeMyPassword = createRoute({
  method: 'post',
  path: '/users/me/password',
  operationId: 'changeMyPassword',
  tags,
  security: bearer,
  summary: 'Set a new password (a session)',
  description:
    '`currentPassword` is required when the user has a password, unless this session was opened with a sign-in link; a wrong one counts toward the lockout like a failed sign-in (401 INVALID_CREDENTIALS, 429 SIGN_IN_LOCKED). Every other session of the user ends; this one goes on.',
  request: {
    body: jsonRequest(ChangePasswordBody, {
      change: { summary: 'Change a password', value: { currentPassword: 'correct horse battery', newPassword: 'battery staple horse' } },
      first: { summary: 'The first password, after signing in with a link', value: { newPassword: 'correct horse battery' } },
    }),
  },
  responses: { 204: { description: 'The password is set' }, ...errors(400, 401, 403, 429) },
})

export function sessionRoutes(deps: Deps) {
  const { users, signIn: signing } = deps
  return router()
    .openapi(signIn, async (c) => {
      const signed = await signing.withPassword({ ...c.req.valid('json'), address: clientAddress(c, signing.limits.trustProxyHops) })
      c.header('Cache-Control', 'no-store')
      return c.json({ token: signed.token, expiresAt: signed.expiresAt.toISOString(), user: sessionUser(signed.user) }, 201)
    })
    .openapi(signInWithLink, async (c) => {
      const signed = await signing.withLink(c.req.valid('json'))
      c.header('Cache-Control', 'no-store')
      return c.json(
        {
          token: signed.token,
          expiresAt: signed.expiresAt.toISOString(),
          user: sessionUser(signed.user),
          mustSetPassword: signed.mustSetPassword,
        },
        201,
      )
    })
    .openapi(getMe, (c) => {
      const caller = c.get('caller')
      const session = c.get('session')
      return c.json(
        {
          tenantId: caller.tenantId,
          role: caller.role,
          memberId: caller.owner?.type === 'member' ? caller.owner.id : null,
          gridId: caller.gridId,
          user: session ? sessionUser(session.user) : null,
          session: session ? { expiresAt: session.expiresAt.toISOString() } : null,
        },
        200,
      )
    })
    .openapi(signOut, async (c) => {
      const { caller } = requireSession(c)
      await users.sessions.revoke(caller.tenantId, caller.sessionId)
      return c.body(null, 204)
    })
    .openapi(signOutEverywhere, async (c) => {
      const { caller } = requireSession(c)
      await users.sessions.revokeAll(caller.tenantId, caller.userId)
      return c.body(null, 204)
    })
    .openapi(changeMyPassword, async (c) => {
      const { caller, session } = requireSession(c)
      const body = c.req.valid('json')
      const user = await users.get(caller.tenantId, caller.userId)
      // A live session's user exists; this only guards a user removed under it.
      if (!user) throw new ApiError('UNAUTHORIZED', 'the session is unknown, expired or signed out: sign in again')
      if (user.hasPassword) {
        if (body.currentPassword !== undefined) await signing.checkPassword(user, body.currentPassword)
        else if (!session.viaLink) {
          throw new ApiError('VALIDATION', 'json.currentPassword: required to change a password', {
            issues: [{ path: 'json.currentPassword', message: 'required when the user has a password' }],
          })
        }
      }
      await users.setPassword(caller.tenantId, caller.userId, await hashPassword(body.newPassword), caller.sessionId)
      return c.body(null, 204)
    })
}
