/**
 * API keys of the caller's tenant (admin only): create (the secret is in the
 * response once, and only its hash is stored), list, revoke.
 *
 * A creation with an `Idempotency-Key` header is retry-safe: the same key and
 * body answer 201 with `Idempotency-Replayed: true` and the original key, whose
 * `secret` is then null (it was never stored).
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
 *   -d '{"name":"ana phone","role":"member","owner":{"type":"member","id":"ana"}}' http://127.0.0.1:3000/v1/keys
 */
import { createRoute, z } from '@hono/zod-openapi'
import { requireRole } from '../auth.js'
import type { Deps } from '../context.js'
import { ApiError } from '../errors.js'
import { idempotencyHeader, markReplayed } from '../idempotency.js'
import { ApiKeySchema, CreateKeyBody, CreatedKeySchema, KeyParams, errors, json } from '../schemas.js'
import { bearer, idempotent, jsonRequest, replayable, router } from './common.js'

const createKey = createRoute({
  method: 'post',
  path: '/keys',
  operationId: 'createApiKey',
  tags: ['API keys'],
  summary: 'Create an API key (admin)',
  description:
    "Member keys need an `owner`: they read that owner's accounts and send only from them. Other roles take no owner. A staff key with a `gridId` sees and acts on that grid's subtree only (a grid leader).",
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(CreateKeyBody, {
      member: {
        summary: "A member's phone: reads and spends only their own accounts",
        value: { name: '张伟的手机', role: 'member', owner: { type: 'member', id: 'zhangwei' } },
      },
      gridLeader: {
        summary: "A grid leader's key, limited to grid g1's subtree",
        value: { name: '第一网格 网格长 李娜', role: 'staff', gridId: 'g1' },
      },
    }),
  },
  responses: { 201: replayable(json(CreatedKeySchema, 'The key and, this once, its secret')), ...errors(400, 401, 403, 409, 413, 415) },
})

const listKeys = createRoute({
  method: 'get',
  path: '/keys',
  operationId: 'listApiKeys',
  tags: ['API keys'],
  summary: "List the tenant's keys, revoked ones included (admin)",
  security: bearer,
  responses: { 200: json(z.object({ keys: z.array(ApiKeySchema) }), 'The keys'), ...errors(401, 403) },
})

const revokeKey = createRoute({
  method: 'delete',
  path: '/keys/{keyId}',
  operationId: 'revokeApiKey',
  tags: ['API keys'],
  summary: 'Revoke a key (admin)',
  description:
    'Takes effect at once in the API process that answers; other processes sharing the database refuse the key within KEY_CACHE_MS (default 5 s). Revoking a revoked key returns it unchanged. The last active admin key cannot be revoked (409 LAST_ADMIN_KEY).',
  security: bearer,
  request: { params: KeyParams },
  responses: { 200: json(ApiKeySchema, 'The revoked key'), ...errors(400, 401, 403, 404, 409) },
})

export function keyRoutes(deps: Deps) {
  const { keys } = deps
  return router()
    .openapi(createKey, async (c) => {
      const caller = requireRole(c, 'admin')
      const body = c.req.valid('json')
      if ((body.role === 'member') !== (body.owner !== undefined)) {
        throw new ApiError('VALIDATION', body.role === 'member' ? 'member keys need an owner' : `${body.role} keys take no owner`, {
          issues: [{ path: 'owner', message: body.role === 'member' ? 'required for member keys' : 'only for member keys' }],
        })
      }
      if (body.gridId !== undefined) {
        if (body.role !== 'staff') {
          throw new ApiError('VALIDATION', 'only staff keys can be limited to a grid', {
            issues: [{ path: 'gridId', message: 'only for staff keys' }],
          })
        }
        await deps.community.getGrid({ tenantId: caller.tenantId, gridId: body.gridId })
      }
      const idempotencyKey = idempotencyHeader(c)
      const result = await keys.create({
        tenantId: caller.tenantId,
        name: body.name,
        role: body.role,
        owner: body.owner ?? null,
        gridId: body.gridId ?? null,
        createdBy: caller.keyId,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      })
      markReplayed(c, result.replayed)
      return c.json({ key: result.key, secret: result.secret }, 201)
    })
    .openapi(listKeys, async (c) => {
      const caller = requireRole(c, 'admin')
      return c.json({ keys: await keys.list(caller.tenantId) }, 200)
    })
    .openapi(revokeKey, async (c) => {
      const caller = requireRole(c, 'admin')
      return c.json(await keys.revoke(caller.tenantId, c.req.valid('param').keyId), 200)
    })
}
