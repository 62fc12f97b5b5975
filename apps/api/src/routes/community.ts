/**
 * The community on the key's tenant: setting it up and its settings, the
 * versioned points rules, and keeping hour records and the ledger in step.
 *
 * - `PUT /v1/community` (admin): set the community up (idempotent) or change settings.
 * - `GET /v1/community`: its settings and the public key that verifies its certificates.
 * - `GET|POST /v1/community/points-rules`, `GET /v1/community/points-rules/{version}`.
 * - `GET /v1/community/reconciliation`, `POST /v1/community/reconciliation/heal` (admin).
 *
 * @example
 * curl -X PUT -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
 *   -d '{"name":"Maple Street","settings":{"timeZone":"Asia/Shanghai"}}' http://127.0.0.1:3000/v1/community
 */
import { createRoute, z } from '@hono/zod-openapi'
import { CommunitySettings, PointsRule } from '@timebank/community'
import type { Deps } from '../context.js'
import { authorize } from '../permissions.js'
import { errors, json } from '../schemas.js'
import { bearer, jsonRequest, router } from './common.js'

const tags = ['Community']

const SettingsSchema = CommunitySettings.extend({}).openapi('CommunitySettings')
const CommunitySchema = z
  .object({
    tenantId: z.string(),
    name: z.string(),
    settings: SettingsSchema,
    publicKey: z.string().openapi({ description: 'Ed25519 public key (SPKI DER, base64) that verifies the community’s certificates.' }),
    createdAt: z.date(),
  })
  .openapi('Community')
const SetUpBody = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(200)
      .openapi({ description: 'The community’s name, for a tenant the ledger does not have yet.', example: 'Maple Street' }),
    settings: CommunitySettings.partial().optional(),
  })
  .openapi('CommunitySetUpRequest')
const RuleSchema = z
  .object({
    tenantId: z.string(),
    version: z.number().int(),
    rule: PointsRule.extend({}),
    createdBy: z.string().nullable(),
    createdAt: z.date(),
  })
  .openapi('PointsRuleVersion')
const RuleBody = PointsRule.extend({}).openapi('PointsRule')
const VersionParams = z.object({
  version: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .openapi({ param: { name: 'version', in: 'path' }, example: '2' }),
})
const ProblemSchema = z
  .object({
    recordId: z.string(),
    status: z.string(),
    kind: z.enum(['unfinished', 'credit-missing', 'credit-unexpected', 'amount-differs', 'reversal-missing', 'reversal-unexpected']),
    transferId: z.string().optional(),
    detail: z.string().optional(),
  })
  .openapi('ReconciliationProblem')

const setUp = createRoute({
  method: 'put',
  path: '/community',
  operationId: 'setUpCommunity',
  tags,
  summary: 'Set the community up on this tenant, or change its settings (admin)',
  description:
    'The first call makes the community: the LIFETIME_HOUR asset beside HOUR and POINT, its settings, a key pair for certificates and points rule version 1. Later calls change the settings given and leave the others.',
  security: bearer,
  request: {
    body: jsonRequest(SetUpBody, {
      setUp: {
        summary: 'Set 枫林社区 up: Beijing time, hours rounded down to the half hour, a week of disclosure',
        value: {
          name: '枫林社区',
          settings: {
            timeZone: 'Asia/Shanghai',
            hoursRounding: { step: '0.5', mode: 'down' },
            disclosureDays: 7,
            issuer: '枫林社区居民委员会',
          },
        },
      },
    }),
  },
  responses: { 200: json(CommunitySchema, 'The community'), ...errors(400, 401, 403, 409, 413, 415, 503) },
})
const get = createRoute({
  method: 'get',
  path: '/community',
  operationId: 'getCommunity',
  tags,
  summary: 'The community of this key’s tenant',
  security: bearer,
  responses: { 200: json(CommunitySchema, 'The community'), ...errors(401, 404) },
})
const listRules = createRoute({
  method: 'get',
  path: '/community/points-rules',
  operationId: 'listPointsRules',
  tags,
  summary: 'Every version of the points rule, newest first (admin, staff)',
  security: bearer,
  responses: { 200: json(z.object({ rules: z.array(RuleSchema) }), 'The versions'), ...errors(401, 403, 404) },
})
const getRule = createRoute({
  method: 'get',
  path: '/community/points-rules/{version}',
  operationId: 'getPointsRule',
  tags,
  summary: 'One version of the points rule (admin, staff)',
  security: bearer,
  request: { params: VersionParams },
  responses: { 200: json(RuleSchema, 'The version'), ...errors(400, 401, 403, 404) },
})
const addRule = createRoute({
  method: 'post',
  path: '/community/points-rules',
  operationId: 'addPointsRule',
  tags,
  summary: 'A new version of the points rule, in force from now (admin)',
  description: 'Records approved before keep the version they were credited under.',
  security: bearer,
  request: {
    body: jsonRequest(RuleBody, {
      tenPerHour: {
        summary: 'Ten points an hour; leaders 1.2 and organisers 1.5 times that',
        value: { pointsPerHour: '10', roleMultipliers: { member: '1', leader: '1.2', organiser: '1.5' }, rounding: 'half-up' },
      },
    }),
  },
  responses: { 201: json(RuleSchema, 'The new version'), ...errors(400, 401, 403, 404, 413, 415) },
})
const reconcile = createRoute({
  method: 'get',
  path: '/community/reconciliation',
  operationId: 'getReconciliation',
  tags,
  summary: 'Every hour record whose ledger state disagrees with its own (admin)',
  security: bearer,
  responses: {
    200: json(z.object({ problems: z.array(ProblemSchema) }), 'The disagreements; none when all agree'),
    ...errors(401, 403, 404),
  },
})
const heal = createRoute({
  method: 'post',
  path: '/community/reconciliation/heal',
  operationId: 'healReconciliation',
  tags,
  summary: 'Finish every approval and reversal a crash left claimed (admin)',
  security: bearer,
  responses: {
    200: json(z.object({ approved: z.number().int(), reversed: z.number().int(), refused: z.number().int() }), 'How many each finished'),
    ...errors(401, 403, 404, 503),
  },
})

export function communityRoutes(deps: Deps) {
  const { community } = deps
  return router()
    .openapi(setUp, async (c) => {
      const caller = await authorize(c, deps, 'community.manage')
      const { name, settings } = c.req.valid('json')
      const { community: made, replayed } = await community.setUp({ tenantId: caller.tenantId, name, ...(settings ? { settings } : {}) })
      if (!replayed || !settings) return c.json(made, 200)
      return c.json(await community.updateSettings({ tenantId: caller.tenantId, settings }), 200)
    })
    .openapi(get, async (c) => {
      const caller = await authorize(c, deps, 'community.read')
      return c.json(await community.getCommunity(caller.tenantId), 200)
    })
    .openapi(listRules, async (c) => {
      const caller = await authorize(c, deps, 'rules.read')
      return c.json({ rules: await community.listRules(caller.tenantId) }, 200)
    })
    .openapi(getRule, async (c) => {
      const caller = await authorize(c, deps, 'rules.read')
      return c.json(await community.getRule(caller.tenantId, Number(c.req.valid('param').version)), 200)
    })
    .openapi(addRule, async (c) => {
      const caller = await authorize(c, deps, 'rules.manage')
      return c.json(await community.addRule({ tenantId: caller.tenantId, rule: c.req.valid('json'), actor: caller.keyId }), 201)
    })
    .openapi(reconcile, async (c) => {
      const caller = await authorize(c, deps, 'records.reconcile')
      return c.json({ problems: await community.reconcile({ tenantId: caller.tenantId }) }, 200)
    })
    .openapi(heal, async (c) => {
      const caller = await authorize(c, deps, 'records.reconcile')
      return c.json(await community.heal({ tenantId: caller.tenantId, actor: caller.keyId }), 200)
    })
}
