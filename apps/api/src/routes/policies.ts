/**
 * The community's policy, versioned: every change a new version with its author, time and reason, and
 * every refusal (422 POLICY_VIOLATION) names the version and the rule.
 *
 * - `GET /v1/community/policy`: the policy in force (anyone of the community: residents see the rules that bind them).
 * - `GET /v1/community/policies`, `GET /v1/community/policies/{version}`: every version, one version.
 * - `POST /v1/community/policies` (admin): a new version, in force from now.
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
 *   -d '{"policy":{"storageCap":{"HOUR":{"limit":"1500","excess":"donate"}}},"reason":"Nanjing rule"}' \
 *   http://127.0.0.1:3000/v1/community/policies
 */
import { createRoute, z } from '@hono/zod-openapi'
import { Policy } from '@timebank/community'
import type { Deps } from '../context.js'
import { authorize } from '../permissions.js'
import { errors, json } from '../schemas.js'
import { bearer, jsonRequest, router } from './common.js'

const tags = ['Community']

const PolicySchema = Policy.extend({}).openapi('Policy')
const PolicyVersionSchema = z
  .object({
    tenantId: z.string(),
    version: z.number().int(),
    policy: PolicySchema,
    createdBy: z.string().nullable(),
    reason: z.string().nullable(),
    createdAt: z.date(),
  })
  .openapi('PolicyVersion')
const ChangeBody = z
  .strictObject({
    policy: Policy.extend({}).openapi({ description: 'The whole new policy: rules left out are off.' }),
    reason: z.string().min(1).max(500).optional(),
  })
  .openapi('ChangePolicyRequest')
const VersionParams = z.object({
  version: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .openapi({ param: { name: 'version', in: 'path' }, example: '2' }),
})

const current = createRoute({
  method: 'get',
  path: '/community/policy',
  operationId: 'getPolicyInForce',
  tags,
  summary: 'The policy in force',
  security: bearer,
  responses: { 200: json(PolicyVersionSchema, 'The newest version'), ...errors(401, 403, 404) },
})
const list = createRoute({
  method: 'get',
  path: '/community/policies',
  operationId: 'listPolicies',
  tags,
  summary: 'Every version of the policy, newest first',
  security: bearer,
  responses: { 200: json(z.object({ policies: z.array(PolicyVersionSchema) }), 'The versions'), ...errors(401, 403, 404) },
})
const get = createRoute({
  method: 'get',
  path: '/community/policies/{version}',
  operationId: 'getPolicy',
  tags,
  summary: 'One version of the policy',
  security: bearer,
  request: { params: VersionParams },
  responses: { 200: json(PolicyVersionSchema, 'The version'), ...errors(400, 401, 403, 404) },
})
const change = createRoute({
  method: 'post',
  path: '/community/policies',
  operationId: 'changePolicy',
  tags,
  summary: 'A new version of the policy, in force from now (admin)',
  description:
    'The whole policy is restated; rules left out are off. Other server processes see it within 5 seconds. A lowered storage cap reaches existing accounts: balances above it stay, further credits are refused.',
  security: bearer,
  request: {
    body: jsonRequest(ChangeBody, {
      nanjing: {
        summary: 'Nanjing: 1,500 h per member, the excess donated; group hours only donated',
        value: {
          policy: { storageCap: { HOUR: { limit: '1500', excess: 'donate' } }, groupHoursDonateOnly: true },
          reason: '南京市时间银行规则',
        },
      },
      supermarket: {
        summary: 'A points supermarket: 100 h before a first redemption, once a quarter, points kept a year',
        value: {
          policy: {
            minLifetimeHoursToRedeem: '100',
            redemptionFrequency: { times: 1, per: 'quarter' },
            pointsExpiry: { months: 12 },
            gifting: { recipients: 'direct-relatives' },
            welcomeGrant: { POINT: '5' },
            maxHoursPerActivity: '2',
          },
        },
      },
    }),
  },
  responses: { 201: json(PolicyVersionSchema, 'The new version'), ...errors(400, 401, 403, 404, 413, 415, 503) },
})

export function policyRoutes(deps: Deps) {
  const { community } = deps
  return router()
    .openapi(current, async (c) => {
      const caller = await authorize(c, deps, 'policies.read')
      return c.json(await community.getPolicy(caller.tenantId), 200)
    })
    .openapi(list, async (c) => {
      const caller = await authorize(c, deps, 'policies.read')
      return c.json({ policies: await community.listPolicies(caller.tenantId) }, 200)
    })
    .openapi(get, async (c) => {
      const caller = await authorize(c, deps, 'policies.read')
      return c.json(await community.getPolicy(caller.tenantId, Number(c.req.valid('param').version)), 200)
    })
    .openapi(change, async (c) => {
      const caller = await authorize(c, deps, 'policies.manage')
      const { policy, reason } = c.req.valid('json')
      return c.json(
        await community.changePolicy({ tenantId: caller.tenantId, policy, actor: caller.keyId, ...(reason ? { reason } : {}) }),
        201,
      )
    })
}
