/**
 * The service catalogue (居民点单: what residents may order) with the agreed
 * hours per order. Unlimited staff and admins manage it; every key reads it.
 *
 * - `POST /v1/services`, `PATCH /v1/services/{serviceId}` (admin, staff not limited to a grid).
 * - `GET /v1/services`, `GET /v1/services/{serviceId}`.
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $STAFF" -H 'Content-Type: application/json' \
 *   -d '{"id":"haircut","name":"上门理发","hours":"1.50"}' http://127.0.0.1:3000/v1/services
 */
import { createRoute, z } from '@hono/zod-openapi'
import { CommunityId, CreateServiceInput, ServiceOutput, ServicePageOutput, UpdateServiceFields } from '@timebank/community'
import type { Deps } from '../context.js'
import { markReplayed, writeId } from '../idempotency.js'
import { authorize } from '../permissions.js'
import { ID_OR_HEADER, WRITE_ERRORS, errors, json } from '../schemas.js'
import { bearer, idempotent, jsonRequest, replayable, router } from './common.js'

const ServiceSchema = ServiceOutput.extend({}).openapi('Service')
const ServicePageSchema = ServicePageOutput.extend({ services: z.array(ServiceSchema) }).openapi('ServicePage')
const Params = z.object({ serviceId: CommunityId.clone().openapi({ param: { name: 'serviceId', in: 'path' }, example: 'haircut' }) })
const CreateBody = CreateServiceInput.omit({ tenantId: true, actor: true })
  .extend({ id: CreateServiceInput.shape.id.optional().openapi({ description: `Client-chosen id. ${ID_OR_HEADER}`, example: 'haircut' }) })
  .openapi('CreateServiceRequest')
const UpdateBody = UpdateServiceFields.omit({ tenantId: true, serviceId: true, actor: true }).openapi('UpdateServiceRequest')
const ListQuery = z.object({
  active: z.enum(['true', 'false']).optional().openapi({ description: 'Only active (or inactive) services.' }),
  after: CommunityId.optional().openapi({ description: "The previous page's `nextAfter`." }),
})
const tags = ['Services']

const create = createRoute({
  method: 'post',
  path: '/services',
  operationId: 'createService',
  tags,
  summary: 'Add a service to the catalogue (admin, staff)',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(CreateBody, {
      haircut: {
        summary: 'A home haircut, an hour and a half',
        value: { id: 'haircut', name: '上门理发', description: '为行动不便的老人上门理发', hours: '1.50' },
      },
    }),
  },
  responses: { 201: replayable(json(ServiceSchema, 'The service')), ...errors(...WRITE_ERRORS) },
})
const update = createRoute({
  method: 'patch',
  path: '/services/{serviceId}',
  operationId: 'updateService',
  tags,
  summary: 'Change a service; orders placed keep their hours (admin, staff)',
  security: bearer,
  request: { params: Params, body: jsonRequest(UpdateBody, { withdraw: { summary: 'Take no more orders', value: { active: false } } }) },
  responses: { 200: json(ServiceSchema, 'The service'), ...errors(...WRITE_ERRORS) },
})
const list = createRoute({
  method: 'get',
  path: '/services',
  operationId: 'listServices',
  tags,
  summary: 'The catalogue, by id',
  security: bearer,
  request: { query: ListQuery },
  responses: { 200: json(ServicePageSchema, 'A page'), ...errors(400, 401, 403) },
})
const get = createRoute({
  method: 'get',
  path: '/services/{serviceId}',
  operationId: 'getService',
  tags,
  summary: 'A service',
  security: bearer,
  request: { params: Params },
  responses: { 200: json(ServiceSchema, 'The service'), ...errors(400, 401, 403, 404) },
})

export function serviceRoutes(deps: Deps) {
  const { community } = deps
  return router()
    .openapi(create, async (c) => {
      const caller = await authorize(c, deps, 'services.manage')
      const body = c.req.valid('json')
      const { service, replayed } = await community.createService({
        ...body,
        id: writeId(c, body.id),
        tenantId: caller.tenantId,
        actor: caller.keyId,
      })
      markReplayed(c, replayed)
      c.header('Location', `/v1/services/${encodeURIComponent(service.id)}`)
      return c.json(service, 201)
    })
    .openapi(update, async (c) => {
      const caller = await authorize(c, deps, 'services.manage')
      const { serviceId } = c.req.valid('param')
      return c.json(
        await community.updateService({ ...c.req.valid('json'), tenantId: caller.tenantId, serviceId, actor: caller.keyId }),
        200,
      )
    })
    .openapi(list, async (c) => {
      const caller = await authorize(c, deps, 'services.read')
      const q = c.req.valid('query')
      const page = await community.listServices({
        tenantId: caller.tenantId,
        ...(q.active ? { active: q.active === 'true' } : {}),
        ...(q.after ? { after: q.after } : {}),
      })
      return c.json(page, 200)
    })
    .openapi(get, async (c) => {
      const caller = await authorize(c, deps, 'services.read')
      return c.json(await community.getService({ tenantId: caller.tenantId, serviceId: c.req.valid('param').serviceId }), 200)
    })
}
