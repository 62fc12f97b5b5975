/**
 * The console's users: people who sign in with a login and a password or a
 * one-time link, with a role like an API key's. Admins manage every user;
 * staff only member users of members they may manage (a grid leader: of its
 * subtree), and any other user is as hidden to them as a missing one (404).
 *
 * - `POST /v1/users`: create (idempotent by id); `GET /v1/users`: a page; `GET /v1/users/{userId}`.
 * - `POST /v1/users/{userId}/disable`: they can no longer sign in; their sessions end at once.
 * - `POST /v1/users/{userId}/sign-in-links`: a one-time link (its token shown once), valid
 *   SIGN_IN_LINK_TTL_HOURS (72); the user's password stays as it is.
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
 *   -d '{"id":"lina","login":"li.na","name":"李娜","role":"staff","gridId":"g1"}' http://127.0.0.1:3000/v1/users
 */
import { createRoute, z } from '@hono/zod-openapi'
import { CommunityId, isCommunityError, isWithin } from '@timebank/community'
import { Id } from '@timebank/ledger'
import type { Context } from 'hono'
import { bearerSecret, requireRole } from '../auth.js'
import type { AppEnv, Caller, Deps } from '../context.js'
import { ApiError } from '../errors.js'
import { idempotencyHeader, markReplayed, writeId } from '../idempotency.js'
import { ROLES } from '../keys/types.js'
import { authorize, memberPath, scopeOf } from '../permissions.js'
import { ID_OR_HEADER, Login, Password, UserSchema, WRITE_ERRORS, errors, json } from '../schemas.js'
import { hashPassword } from '../users/password.js'
import type { User } from '../users/types.js'
import { memberHidden } from './grids.js'
import { bearer, idempotent, jsonRequest, replayable, router } from './common.js'

const tags = ['Users']

const CreateUserBody = z
  .strictObject({
    id: Id.optional().openapi({ description: `Your id for the user, also the idempotency key. ${ID_OR_HEADER}`, example: 'lina' }),
    login: Login,
    name: z.string().min(1).max(200).openapi({ description: 'The name the console shows.', example: '李娜' }),
    role: z.enum(ROLES),
    memberId: CommunityId.optional().openapi({ description: 'Required for member users: the member whose accounts they use.' }),
    gridId: CommunityId.optional().openapi({ description: "Staff users only: limit them to this grid's subtree (a grid leader)." }),
    password: Password.optional().openapi({
      description: 'Optional: without one the user signs in with a link first and sets one. Not part of the idempotency comparison.',
    }),
  })
  .openapi('CreateUserRequest')

const UserParams = z.object({ userId: Id.clone().openapi({ param: { name: 'userId', in: 'path' }, example: 'lina' }) })

const ListQuery = z.object({
  role: z.enum(ROLES).optional(),
  memberId: CommunityId.optional().openapi({ description: "Only this member's users." }),
  after: Id.optional().openapi({ description: "The previous page's `nextAfter`." }),
  limit: z
    .string()
    .regex(/^[1-9]\d{0,3}$/, 'limit is a whole number from 1 to 1000')
    .refine((s) => Number(s) <= 1000, 'limit is at most 1000')
    .optional()
    .openapi({ description: 'Page size, 1 to 1000 (default 100).', example: '100' }),
})

const UserPageSchema = z
  .object({
    users: z
      .array(UserSchema)
      .openapi({ description: 'By id. For a grid leader a page may hold fewer than `limit`: go on while `nextAfter` is set.' }),
    nextAfter: z.string().nullable().openapi({ description: 'Pass as `after` for the next page; null on the last.' }),
  })
  .openapi('UserPage')

const SignInLinkSchema = z
  .object({
    token: z.string().nullable().openapi({
      description:
        'Hand it to the user (the console serves `/signin/link?tenant=<tenantId>&token=<token>`). Shown to its maker only; storage keeps its hash (and, under an Idempotency-Key, the token sealed under the maker’s credential). Null on a replay by another credential.',
      example: 'tbl_Xk2vQ9…',
    }),
    expiresAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('SignInLink')

const createUser = createRoute({
  method: 'post',
  path: '/users',
  operationId: 'createUser',
  tags,
  summary: 'Create a user (admin; staff: member users in scope)',
  description:
    'Member users need a `memberId` (the member must exist) and act as a member key bound to that member would; staff users may be limited to a grid (`gridId`). Staff create member users only, for members they may manage (403 for other roles; a member outside their subtree answers 404 MEMBER_NOT_FOUND). Logins are unique per tenant whatever their case (409 LOGIN_TAKEN). The same id and request again answer the user (`Idempotency-Replayed: true`); the same id with another request is 409 IDEMPOTENCY_CONFLICT.',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(CreateUserBody, {
      staff: {
        summary: 'A grid leader, who signs in with a link first',
        value: { id: 'lina', login: 'li.na', name: '李娜', role: 'staff', gridId: 'g1' },
      },
      member: {
        summary: "A resident's own sign-in",
        value: {
          id: 'zhangwei-user',
          login: '13812341234',
          name: '张伟',
          role: 'member',
          memberId: 'zhangwei',
          password: 'correct horse battery',
        },
      },
    }),
  },
  responses: { 201: replayable(json(UserSchema, 'The user')), ...errors(...WRITE_ERRORS) },
})

const listUsers = createRoute({
  method: 'get',
  path: '/users',
  operationId: 'listUsers',
  tags,
  summary: 'A page of users (admin; staff: member users in scope)',
  security: bearer,
  request: { query: ListQuery },
  responses: { 200: json(UserPageSchema, 'The page'), ...errors(400, 401, 403) },
})

const getUser = createRoute({
  method: 'get',
  path: '/users/{userId}',
  operationId: 'getUser',
  tags,
  summary: 'A user (admin; staff: member users in scope)',
  security: bearer,
  request: { params: UserParams },
  responses: { 200: json(UserSchema, 'The user'), ...errors(400, 401, 403, 404) },
})

const disableUser = createRoute({
  method: 'post',
  path: '/users/{userId}/disable',
  operationId: 'disableUser',
  tags,
  summary: 'Disable a user (admin; staff: member users in scope)',
  description:
    'They can no longer sign in, and every session of theirs ends: at once in the API process that answers, within KEY_CACHE_MS in others. Disabling again returns the user as it is.',
  security: bearer,
  request: { params: UserParams },
  responses: { 200: json(UserSchema, 'The disabled user'), ...errors(400, 401, 403, 404, 413, 415) },
})

const createSignInLink = createRoute({
  method: 'post',
  path: '/users/{userId}/sign-in-links',
  operationId: 'createSignInLink',
  tags,
  summary: 'A one-time sign-in link for a user (admin; staff: member users in scope)',
  description:
    "Signs the user in once (`POST /v1/sessions/link`) within SIGN_IN_LINK_TTL_HOURS (72); the session it opens may set a new password without the old one, so a link is also how a forgotten password is reset. The user's password and other links stay as they are. Without an `Idempotency-Key` each call makes a new link. A disabled user's link does not sign in. With an `Idempotency-Key` the link is made once: the same key again answers the same link (`Idempotency-Replayed: true`), its token included when the same key or session asks, so a double submit never leaves two valid links; the key for another user is 409 IDEMPOTENCY_CONFLICT.",
  security: bearer,
  ...idempotent,
  request: { params: UserParams },
  responses: { 201: replayable(json(SignInLinkSchema, 'The link')), ...errors(400, 401, 403, 404, 409, 413, 415) },
})

const userHidden = (userId: string) => ({ code: 'NOT_FOUND' as const, message: `user ${userId} not found`, details: { userId } })

/**
 * The user, if the caller may `action` it: admins any; staff member users of members in their scope.
 * Any other answers the same 404 as a missing user; a member caller 403.
 */
async function userFor(
  c: Context<AppEnv>,
  deps: Deps,
  action: 'users.read' | 'users.manage',
  userId: string,
): Promise<{ caller: Caller; user: User }> {
  const user = await deps.users.get(c.get('caller').tenantId, userId)
  const hidden = userHidden(userId)
  const caller = await authorize(c, deps, action, user?.memberId ? { memberId: user.memberId, hidden } : { hidden })
  if (!user || (caller.role !== 'admin' && user.memberId === null)) throw new ApiError(hidden.code, hidden.message, hidden.details)
  return { caller, user }
}

/** Within the grid path `scope` (a grid leader's): a member user whose member lives there. */
async function inScope(deps: Deps, tenantId: string, user: User, scope: string): Promise<boolean> {
  if (user.memberId === null) return false
  try {
    const path = await memberPath(deps, tenantId, user.memberId)
    return path !== null && isWithin(path, scope)
  } catch (e) {
    if (isCommunityError(e) && e.code === 'MEMBER_NOT_FOUND') return false
    throw e
  }
}

/** A grid leader's page reads at most this many pages of users to fill itself. */
const MAX_SCAN_ROUNDS = 10

export function userRoutes(deps: Deps) {
  const { users } = deps
  return router()
    .openapi(createUser, async (c) => {
      const body = c.req.valid('json')
      if ((body.role === 'member') !== (body.memberId !== undefined)) {
        throw new ApiError('VALIDATION', body.role === 'member' ? 'member users need a memberId' : `${body.role} users take no memberId`, {
          issues: [{ path: 'json.memberId', message: body.role === 'member' ? 'required for member users' : 'only for member users' }],
        })
      }
      if (body.gridId !== undefined && body.role !== 'staff') {
        throw new ApiError('VALIDATION', 'only staff users can be limited to a grid', {
          issues: [{ path: 'json.gridId', message: 'only for staff users' }],
        })
      }
      const id = writeId(c, body.id)
      let caller: Caller
      if (body.memberId !== undefined) {
        caller = await authorize(c, deps, 'users.manage', { memberId: body.memberId, hidden: memberHidden(body.memberId) })
        await memberPath(deps, caller.tenantId, body.memberId) // MEMBER_NOT_FOUND when there is none
      } else {
        // Admin and staff users are the admin's to make.
        caller = requireRole(c, 'admin')
        if (body.gridId !== undefined) await deps.community.getGrid({ tenantId: caller.tenantId, gridId: body.gridId })
      }
      const result = await users.create({
        tenantId: caller.tenantId,
        id,
        login: body.login,
        name: body.name,
        role: body.role,
        memberId: body.memberId ?? null,
        gridId: body.gridId ?? null,
        passwordHash: body.password === undefined ? null : await hashPassword(body.password),
        createdBy: caller.keyId,
      })
      markReplayed(c, result.replayed)
      return c.json(result.user, 201)
    })
    .openapi(listUsers, async (c) => {
      const q = c.req.valid('query')
      const scope = await scopeOf(c, deps)
      const caller = await authorize(c, deps, 'users.read', scope === undefined ? undefined : { gridPath: scope })
      const limit = q.limit === undefined ? 100 : Number(q.limit)
      const base = { tenantId: caller.tenantId, ...(q.memberId !== undefined ? { memberId: q.memberId } : {}) }
      if (caller.role === 'admin') {
        return c.json(await users.list({ ...base, ...(q.role !== undefined ? { role: q.role } : {}), after: q.after, limit }), 200)
      }
      // Staff see member users only; a grid leader those of its subtree, read page by page until this one is full.
      if (q.role !== undefined && q.role !== 'member') return c.json({ users: [], nextAfter: null }, 200)
      const picked: User[] = []
      let cursor = q.after
      let exhausted = false
      for (let round = 0; round < MAX_SCAN_ROUNDS && !exhausted && picked.length < limit; round++) {
        const page = await users.list({ ...base, role: 'member', after: cursor, limit })
        let read = 0
        for (const user of page.users) {
          read++
          cursor = user.id
          if (scope === undefined || (await inScope(deps, caller.tenantId, user, scope))) picked.push(user)
          if (picked.length === limit) break
        }
        exhausted = page.nextAfter === null && read === page.users.length
      }
      return c.json({ users: picked, nextAfter: exhausted ? null : (cursor ?? null) }, 200)
    })
    .openapi(getUser, async (c) => {
      const { user } = await userFor(c, deps, 'users.read', c.req.valid('param').userId)
      return c.json(user, 200)
    })
    .openapi(disableUser, async (c) => {
      const { caller, user } = await userFor(c, deps, 'users.manage', c.req.valid('param').userId)
      const disabled = await users.disable(caller.tenantId, user.id)
      if (!disabled) throw new ApiError('NOT_FOUND', `user ${user.id} not found`, { userId: user.id })
      return c.json(disabled, 200)
    })
    .openapi(createSignInLink, async (c) => {
      const { caller, user } = await userFor(c, deps, 'users.manage', c.req.valid('param').userId)
      const key = idempotencyHeader(c)
      const link = await users.links.create({
        tenantId: caller.tenantId,
        userId: user.id,
        createdBy: caller.keyId,
        ttlMs: deps.signIn.limits.linkTtlMs,
        ...(key === undefined ? {} : { replay: { key, secret: bearerSecret(c) } }),
      })
      markReplayed(c, link.replayed)
      c.header('Cache-Control', 'no-store')
      return c.json({ token: link.token, expiresAt: link.expiresAt.toISOString() }, 201)
    })
}
