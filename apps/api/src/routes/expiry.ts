/**
 * Points expiry (有效期): unspent points expire first in first out, a set
 * number of months after the day (month, year) they were credited in, as
 * the community's policy says (`pointsExpiry`). A run expires by that rule
 * only (a caller's own rule could take points the policy lets carry over);
 * what-expires-when may preview another.
 *
 * - `POST /v1/expiry-runs` (admin): expire what is due by `asOf` (default now)
 *   for every member, into the community's `expired:POINT`. Idempotent by
 *   construction (every expiry's ledger id is the member's and the group's), so
 *   no id is asked for: running it again, or late, posts nothing more than an
 *   on-time run would have.
 * - `GET /v1/members/{memberId}/expiring-points?months=12&group=day`: what
 *   expires when, soonest first (the member's own key, staff in scope).
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
 *   -d '{"rule":{"months":12}}' http://127.0.0.1:3000/v1/expiry-runs
 */
import { createRoute, z } from '@hono/zod-openapi'
import { ApiError } from '../errors.js'
import { CommunityId, ExpiringGroupOutput, ExpiringPointsOutput, ExpiryRule, ExpiryRunOutput } from '@timebank/community'
import type { Deps } from '../context.js'
import { authorize } from '../permissions.js'
import { Instant, WRITE_ERRORS, errors, json } from '../schemas.js'
import { bearer, jsonRequest, router } from './common.js'

const tags = ['Points expiry']

const RuleSchema = ExpiryRule.extend({}).openapi('ExpiryRule', {
  description:
    'Points credited on a local day (month, year) expire `months` after its end: `{ "months": 12 }` carries points over one year.',
})
const RunSchema = ExpiryRunOutput.extend({ rule: RuleSchema.nullable() }).openapi('ExpiryRun')
const GroupSchema = ExpiringGroupOutput.extend({}).openapi('ExpiringGroup')
const ExpiringSchema = ExpiringPointsOutput.extend({ rule: RuleSchema.nullable(), expiring: z.array(GroupSchema) }).openapi(
  'ExpiringPoints',
)

const RunBody = z
  .strictObject({
    asOf: Instant.optional().openapi({ description: 'Expire what fell due by this instant (default now; never in the future).' }),
  })
  .openapi('ExpiryRunRequest')
const MemberParams = z.object({ memberId: CommunityId.clone().openapi({ param: { name: 'memberId', in: 'path' }, example: 'ana' }) })
const RuleQuery = z.object({
  months: z
    .string()
    .regex(/^[1-9]\d{0,2}$/)
    .optional()
    .openapi({
      description:
        'Months points live after the end of the day (month, year) they were credited in, 1 to 120. Default: the policy in force’s rule.',
      example: '12',
    }),
  group: ExpiryRule.shape.group.unwrap().optional().openapi({ description: 'Credits grouped by local day (default), month or year.' }),
})

const run = createRoute({
  method: 'post',
  path: '/expiry-runs',
  operationId: 'runPointsExpiry',
  tags,
  summary: 'Expire every member’s points that fell due (admin)',
  description:
    'First in first out: what is left of the points credited before a group’s end goes when the group falls due, as a redeem into `expired:POINT` with the id `expire:<memberId>:<cutoff>`. A late run posts what an on-time run would have, except points the member spent after they fell due (those stay spent) and points an open hold reserved (they wait for a later run). Members the ledger refuses (a frozen account) are listed in `failed`.',
  security: bearer,
  request: {
    body: jsonRequest(RunBody, {
      policy: { summary: 'By the policy in force', value: {} },
    }),
  },
  responses: { 200: json(RunSchema, 'What the run expired'), ...errors(...WRITE_ERRORS) },
})

const expiring = createRoute({
  method: 'get',
  path: '/members/{memberId}/expiring-points',
  operationId: 'getExpiringPoints',
  tags,
  summary: 'What of a member’s points expires when',
  description:
    'Each group of credits with points left, soonest first, and what expires then if nothing more is spent. A member key reads its own; staff those of members in their scope.',
  security: bearer,
  request: { params: MemberParams, query: RuleQuery },
  responses: { 200: json(ExpiringSchema, 'What expires when'), ...errors(400, 401, 403, 404) },
})

export function expiryRoutes(deps: Deps) {
  const { community } = deps
  return router()
    .openapi(run, async (c) => {
      const caller = await authorize(c, deps, 'expiry.run')
      const body = c.req.valid('json')
      return c.json(
        await community.expiryRun({
          tenantId: caller.tenantId,
          ...(body.asOf ? { asOf: body.asOf } : {}),
        }),
        200,
      )
    })
    .openapi(expiring, async (c) => {
      const { memberId } = c.req.valid('param')
      const q = c.req.valid('query')
      const caller = await authorize(c, deps, 'expiry.read', {
        memberId,
        hidden: { code: 'MEMBER_NOT_FOUND', message: `member ${memberId} not found`, details: { memberId } },
      })
      if (q.group !== undefined && q.months === undefined) {
        throw new ApiError('VALIDATION', 'group names how to read a rule given by months; give months too', { group: q.group })
      }
      const rule = q.months === undefined ? undefined : { months: Number(q.months), ...(q.group ? { group: q.group } : {}) }
      return c.json(await community.expiringPoints({ tenantId: caller.tenantId, memberId, ...(rule ? { rule } : {}) }), 200)
    })
}
