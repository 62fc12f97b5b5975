/**
 * Tenants (communities) and their assets.
 *
 * - `POST /v1/tenants`: operator admins create a tenant and receive its first admin key.
 * - `GET /v1/tenant`, `GET /v1/tenant/assets`: the key's own tenant (any role).
 * - `POST /v1/tenant/assets`: admins define an asset.
 * - `GET /v1/tenant/totals`: admins and staff see per-asset totals (always zero in a sound ledger).
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
 *   -d '{"id":"maple","name":"Maple Street"}' http://127.0.0.1:3000/v1/tenants
 */
import { createRoute, z } from '@hono/zod-openapi'
import { ledgerCaller, requireRole } from '../auth.js'
import type { Deps } from '../context.js'
import { ApiError } from '../errors.js'
import { markReplayed, writeId } from '../idempotency.js'
import {
  AssetSchema,
  CreateTenantBody,
  CreatedTenantSchema,
  DefineAssetBody,
  TenantSchema,
  TotalsSchema,
  errors,
  json,
} from '../schemas.js'
import { bearer, idempotent, jsonRequest, replayable, router } from './common.js'

/** Idempotency key of the first admin key made with a tenant: a retried creation returns it, or makes it if the first try stopped short. */
const FIRST_ADMIN_KEY = 'tenant-first-admin-key'

const createTenant = createRoute({
  method: 'post',
  path: '/tenants',
  operationId: 'createTenant',
  tags: ['Tenants'],
  summary: 'Create a tenant and its first admin key (operator admins only)',
  description:
    'Creates a community with its assets (HOUR at 2 decimals and POINT whole, unless given) and returns an admin key for it, shown once. A retry with the same id and definition answers 201 with `Idempotency-Replayed: true` and the key without its secret.',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(CreateTenantBody, {
      default: {
        summary: '枫林社区 with the default assets (HOUR at 2 decimals, POINT whole)',
        value: { id: 'fenglin', name: '枫林社区' },
      },
      assets: {
        summary: 'Named assets',
        value: {
          id: 'fenglin',
          name: '枫林社区',
          assets: [
            { code: 'HOUR', scale: 2, name: '服务时长' },
            { code: 'POINT', scale: 0, name: '积分' },
          ],
        },
      },
    }),
  },
  responses: { 201: replayable(json(CreatedTenantSchema, 'The tenant and its first admin key')), ...errors(400, 401, 403, 409, 413, 415) },
})

const getTenant = createRoute({
  method: 'get',
  path: '/tenant',
  operationId: 'getTenant',
  tags: ['Tenants'],
  summary: 'The tenant of this key, with its assets',
  security: bearer,
  responses: { 200: json(TenantSchema, 'The tenant'), ...errors(401) },
})

const listAssets = createRoute({
  method: 'get',
  path: '/tenant/assets',
  operationId: 'listAssets',
  tags: ['Tenants'],
  summary: "Assets of this key's tenant",
  security: bearer,
  responses: { 200: json(z.object({ assets: z.array(AssetSchema) }), 'The assets'), ...errors(401) },
})

const defineAsset = createRoute({
  method: 'post',
  path: '/tenant/assets',
  operationId: 'defineAsset',
  tags: ['Tenants'],
  summary: 'Define an asset (admin)',
  description:
    'Adds an asset with a fixed scale and its issuance account. The same code and definition again answers 201 with `Idempotency-Replayed: true`.',
  security: bearer,
  request: {
    body: jsonRequest(DefineAssetBody, {
      careHours: { summary: 'Hours of elder care, to 2 decimals', value: { code: 'CARE_HOUR', scale: 2, name: '助老服务时长' } },
    }),
  },
  responses: { 201: replayable(json(AssetSchema, 'The asset')), ...errors(400, 401, 403, 409, 413, 415) },
})

const totals = createRoute({
  method: 'get',
  path: '/tenant/totals',
  operationId: 'getTenantTotals',
  tags: ['Tenants'],
  summary: 'Per-asset totals (admin, staff)',
  description: 'The sum of every balance per asset (always "0" in a sound ledger), by account kind, and open holds.',
  security: bearer,
  responses: { 200: json(TotalsSchema, 'Totals per asset'), ...errors(401, 403) },
})

export function tenantRoutes(deps: Deps) {
  const { ledger, keys } = deps
  return router()
    .openapi(createTenant, async (c) => {
      const caller = c.get('caller')
      if (!caller.operator) {
        throw new ApiError('FORBIDDEN', 'only admin keys of the operator tenant may create tenants', { role: caller.role })
      }
      const body = c.req.valid('json')
      const id = writeId(c, body.id)
      const { tenant, replayed } = await ledger.createTenant({ ...body, id })
      const adminKey = await keys.create({
        tenantId: id,
        name: 'first admin key',
        role: 'admin',
        createdBy: caller.keyId,
        idempotencyKey: FIRST_ADMIN_KEY,
      })
      markReplayed(c, replayed && adminKey.replayed)
      c.header('Location', '/v1/tenant')
      return c.json({ tenant, adminKey: { key: adminKey.key, secret: adminKey.secret } }, 201)
    })
    .openapi(getTenant, async (c) => c.json(await ledger.getTenant({ tenantId: c.get('caller').tenantId }), 200))
    .openapi(listAssets, async (c) => {
      const tenant = await ledger.getTenant({ tenantId: c.get('caller').tenantId })
      return c.json({ assets: tenant.assets }, 200)
    })
    .openapi(defineAsset, async (c) => {
      const caller = requireRole(c, 'admin')
      const body = c.req.valid('json')
      const { asset, replayed } = await ledger.defineAsset({ ...body, tenantId: caller.tenantId })
      markReplayed(c, replayed)
      return c.json(asset, 201)
    })
    .openapi(totals, async (c) => {
      const caller = ledgerCaller(c, 'admin', 'staff')
      return c.json({ totals: await ledger.totals({ tenantId: caller.tenantId }) }, 200)
    })
}
