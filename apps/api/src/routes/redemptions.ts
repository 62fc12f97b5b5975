/**
 * Redemptions at the points supermarket (积分超市). A member redeems for
 * themselves, staff for a member in their scope: the member's points and the
 * reward's units are held together in one ledger batch. At the desk staff hand
 * it over (both posted); the member may cancel it before that, staff at any
 * time before (both voided). Past its pickup deadline a sweep releases it.
 * (`POST /v1/redemptions` is the ledger's raw redeem; these live under
 * `/v1/reward-redemptions`.)
 *
 * - `POST /v1/reward-redemptions`, `GET /v1/reward-redemptions`, `GET /v1/reward-redemptions/{redemptionId}`.
 * - `POST /v1/reward-redemptions/{redemptionId}/hand-over`, `…/cancel`.
 * - `GET /v1/reward-redemptions-reconciliation`, `POST /v1/reward-redemptions-expiry` (admin).
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $MEMBER" -H 'Content-Type: application/json' \
 *   -d '{"id":"rd-0301-ana","rewardId":"rice-5kg"}' http://127.0.0.1:3000/v1/reward-redemptions
 */
import { createRoute, z } from '@hono/zod-openapi'
import { CommunityId, ListRedemptionsInput, RedeemInput, RedemptionOutput, RedemptionStatus } from '@timebank/community'
import type { Context } from 'hono'
import type { AppEnv, Deps } from '../context.js'
import { ApiError } from '../errors.js'
import { markReplayed, writeId } from '../idempotency.js'
import { MemberNameField, memberNamesFor } from '../member-names.js'
import { authorize, scopeOf, selfOf } from '../permissions.js'
import { ID_OR_HEADER, WRITE_ERRORS, errors, json } from '../schemas.js'
import { bearer, idempotent, jsonRequest, optionalJsonRequest, replayable, router } from './common.js'

const RedemptionSchema = RedemptionOutput.extend({}).openapi('RewardRedemption')
const NamedRedemptionSchema = RedemptionSchema.extend({ memberName: MemberNameField }).openapi('NamedRewardRedemption')
const PageSchema = z
  .object({ redemptions: z.array(NamedRedemptionSchema), nextCursor: z.string().nullable() })
  .openapi('RewardRedemptionPage')
const ProblemSchema = z
  .object({
    kind: z.enum(['unfinished', 'hold-missing', 'status-differs', 'amount-differs', 'stock-differs']),
    redemptionId: z.string().optional(),
    rewardId: z.string().optional(),
    status: RedemptionStatus.optional(),
    transferId: z.string().optional(),
    detail: z.string().optional(),
  })
  .openapi('RedemptionProblem')
const ReconciliationSchema = z.object({ problems: z.array(ProblemSchema) }).openapi('RedemptionReconciliation')
const ExpirySchema = z.object({ expired: z.number().int() }).openapi('RedemptionExpiry')
const Params = z.object({
  redemptionId: CommunityId.clone().openapi({ param: { name: 'redemptionId', in: 'path' }, example: 'rd-0301-ana' }),
})

const RedeemBody = RedeemInput.omit({ tenantId: true, actor: true })
  .extend({
    id: RedeemInput.shape.id
      .optional()
      .openapi({ description: `Client-chosen id, also the idempotency key. ${ID_OR_HEADER}`, example: 'rd-0301-ana' }),
    memberId: RedeemInput.shape.memberId.optional().openapi({ description: "Who redeems; a member key's own member when absent." }),
  })
  .openapi('RedeemRewardRequest')
const CancelBody = z.strictObject({ reason: z.string().min(1).max(2000).optional() }).openapi('CancelRedemptionRequest')
const ListQuery = z.object({
  memberId: ListRedemptionsInput.shape.memberId,
  rewardId: ListRedemptionsInput.shape.rewardId,
  status: ListRedemptionsInput.shape.status,
  limit: z
    .string()
    .regex(/^[1-9]\d{0,3}$/)
    .optional()
    .openapi({ description: 'Page size, 1 to 1000.', example: '100' }),
  cursor: ListRedemptionsInput.shape.cursor.clone().openapi({ description: "The previous page's `nextCursor`." }),
})

const tags = ['Points supermarket']
const hidden = (redemptionId: string) => ({
  code: 'REDEMPTION_NOT_FOUND' as const,
  message: `redemption ${redemptionId} not found`,
  details: { redemptionId },
})
const hiddenMember = (memberId: string) => ({
  code: 'MEMBER_NOT_FOUND' as const,
  message: `member ${memberId} not found`,
  details: { memberId },
})

const redeem = createRoute({
  method: 'post',
  path: '/reward-redemptions',
  operationId: 'redeemReward',
  tags,
  summary: 'Redeem points for a reward: points and units held together (member for self; admin, staff)',
  description:
    'Points (price × quantity) and units are held in one ledger batch until handed over, cancelled or past the pickup deadline. Too few units: OUT_OF_STOCK; too few points: INSUFFICIENT_FUNDS. The id (body or Idempotency-Key) makes retries safe: a retry answers what was decided.',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(RedeemBody, {
      self: { summary: 'A member redeems a bag of rice', value: { id: 'rd-0301-ana', rewardId: 'rice-5kg' } },
      staff: {
        summary: 'Staff redeem two for a member at the desk',
        value: { id: 'rd-0301-bo', rewardId: 'soap', memberId: 'bo', quantity: '2' },
      },
    }),
  },
  responses: { 201: replayable(json(RedemptionSchema, 'The reserved redemption')), ...errors(...WRITE_ERRORS) },
})
const list = createRoute({
  method: 'get',
  path: '/reward-redemptions',
  operationId: 'listRewardRedemptions',
  tags,
  summary: 'Redemptions, newest first',
  description:
    "A member key sees its own; a staff key limited to a grid names a member in its subtree. Each carries the member's name as the caller may see it (`memberName`).",
  security: bearer,
  request: { query: ListQuery },
  responses: { 200: json(PageSchema, 'A page'), ...errors(400, 401, 403, 404) },
})
const get = createRoute({
  method: 'get',
  path: '/reward-redemptions/{redemptionId}',
  operationId: 'getRewardRedemption',
  tags,
  summary: 'A redemption',
  description:
    "With the member's name as the caller may see it (`memberName`); `view=masked` masks it whoever asks (a screen at the desk).",
  security: bearer,
  request: {
    params: Params,
    query: z.object({
      view: z.enum(['masked']).optional().openapi({ description: '`masked`: the member’s name masked (张*明) whoever asks.' }),
    }),
  },
  responses: {
    200: json(NamedRedemptionSchema, 'The redemption, with its member’s name as the caller may see it'),
    ...errors(400, 401, 403, 404),
  },
})
const handOver = createRoute({
  method: 'post',
  path: '/reward-redemptions/{redemptionId}/hand-over',
  operationId: 'handOverRewardRedemption',
  tags,
  summary: 'Hand the reward over: points and units posted in one batch (admin, staff)',
  description: 'Again answers as it is. Cancelled, expired or past its pickup deadline: INVALID_TRANSITION.',
  security: bearer,
  request: { params: Params },
  responses: { 200: json(RedemptionSchema, 'The redemption, handed over'), ...errors(...WRITE_ERRORS) },
})
const cancel = createRoute({
  method: 'post',
  path: '/reward-redemptions/{redemptionId}/cancel',
  operationId: 'cancelRewardRedemption',
  tags,
  summary: 'Cancel before hand-over: points and units released in one batch (member for self; admin, staff)',
  description: 'Again answers as it is. Handed over or expired: INVALID_TRANSITION.',
  security: bearer,
  request: {
    params: Params,
    body: optionalJsonRequest(CancelBody, { reason: { summary: 'The member changed their mind', value: { reason: '不需要了' } } }),
  },
  responses: { 200: json(RedemptionSchema, 'The redemption, cancelled'), ...errors(...WRITE_ERRORS) },
})
const reconciliation = createRoute({
  method: 'get',
  path: '/reward-redemptions-reconciliation',
  operationId: 'reconcileRewardRedemptions',
  tags,
  summary: 'Every redemption and reward stock that disagrees with the ledger (admin)',
  security: bearer,
  responses: { 200: json(ReconciliationSchema, 'The disagreements; none when all agree'), ...errors(401, 403) },
})
const expiry = createRoute({
  method: 'post',
  path: '/reward-redemptions-expiry',
  operationId: 'expireRewardRedemptions',
  tags,
  summary: 'Release reservations past their pickup deadline (admin)',
  description: 'Idempotent: settles unfinished redemptions first, then voids both holds of each one past its deadline.',
  security: bearer,
  responses: { 200: json(ExpirySchema, 'How many it expired'), ...errors(401, 403, 503) },
})

export function redemptionRoutes(deps: Deps) {
  const { community } = deps

  /** The redemption, if the caller may `action` it (a member its own); otherwise REDEMPTION_NOT_FOUND. */
  const guard = async (
    c: Context<AppEnv>,
    redemptionId: string,
    action: 'redemptions.read' | 'redemptions.manage' | 'redemptions.self',
  ) => {
    const tenantId = c.get('caller').tenantId
    const found = await community.getRedemption(tenantId, redemptionId).catch(() => undefined)
    const caller = await authorize(
      c,
      deps,
      action,
      found ? { memberId: found.memberId, hidden: hidden(redemptionId) } : { hidden: hidden(redemptionId) },
    )
    if (!found) throw new ApiError('REDEMPTION_NOT_FOUND', `redemption ${redemptionId} not found`, { redemptionId })
    return caller
  }

  return router()
    .openapi(redeem, async (c) => {
      const body = c.req.valid('json')
      const caller = c.get('caller')
      const self = selfOf(caller)
      const memberId = body.memberId ?? self
      if (memberId === undefined) throw new ApiError('VALIDATION', 'name the member who redeems (memberId)', { field: 'memberId' })
      await authorize(c, deps, self === undefined ? 'redemptions.manage' : 'redemptions.self', { memberId, hidden: hiddenMember(memberId) })
      const { redemption, replayed } = await community.redeem({
        ...body,
        id: writeId(c, body.id),
        memberId,
        tenantId: caller.tenantId,
        actor: caller.keyId,
      })
      markReplayed(c, replayed)
      c.header('Location', `/v1/reward-redemptions/${encodeURIComponent(redemption.id)}`)
      return c.json(redemption, 201)
    })
    .openapi(list, async (c) => {
      const q = c.req.valid('query')
      const caller = c.get('caller')
      const self = selfOf(caller)
      const memberId = self ?? q.memberId
      if (memberId !== undefined) await authorize(c, deps, 'redemptions.read', { memberId, hidden: hiddenMember(memberId) })
      else {
        const scope = await scopeOf(c, deps)
        if (scope !== undefined)
          throw new ApiError('FORBIDDEN', 'a staff key limited to a grid lists the redemptions of one member: name it (memberId)')
        await authorize(c, deps, 'redemptions.read')
      }
      const page = await community.listRedemptions({
        tenantId: caller.tenantId,
        ...(memberId ? { memberId } : {}),
        ...(q.rewardId ? { rewardId: q.rewardId } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
        ...(q.limit ? { limit: Number(q.limit) } : {}),
      })
      const nameOf = await memberNamesFor(
        c,
        deps,
        page.redemptions.map((r) => r.memberId),
      )
      return c.json({ ...page, redemptions: page.redemptions.map((r) => ({ ...r, memberName: nameOf(r.memberId) })) }, 200)
    })
    .openapi(get, async (c) => {
      const { redemptionId } = c.req.valid('param')
      const caller = await guard(c, redemptionId, 'redemptions.read')
      const redemption = await community.getRedemption(caller.tenantId, redemptionId)
      const nameOf = await memberNamesFor(
        c,
        deps,
        [redemption.memberId],
        c.req.valid('query').view === 'masked' ? 'masked' : 'as-permitted',
      )
      return c.json({ ...redemption, memberName: nameOf(redemption.memberId) }, 200)
    })
    .openapi(handOver, async (c) => {
      const { redemptionId } = c.req.valid('param')
      const caller = await authorize(c, deps, 'redemptions.handOver')
      return c.json(await community.handOver({ tenantId: caller.tenantId, redemptionId, actor: caller.keyId }), 200)
    })
    .openapi(cancel, async (c) => {
      const { redemptionId } = c.req.valid('param')
      const caller = await guard(c, redemptionId, selfOf(c.get('caller')) === undefined ? 'redemptions.manage' : 'redemptions.self')
      const body = c.req.valid('json') ?? {}
      return c.json(
        await community.cancelRedemption({
          tenantId: caller.tenantId,
          redemptionId,
          actor: caller.keyId,
          ...(body.reason === undefined ? {} : { reason: body.reason }),
        }),
        200,
      )
    })
    .openapi(reconciliation, async (c) => {
      const caller = await authorize(c, deps, 'redemptions.reconcile')
      return c.json({ problems: await community.reconcileRedemptions({ tenantId: caller.tenantId }) }, 200)
    })
    .openapi(expiry, async (c) => {
      const caller = await authorize(c, deps, 'redemptions.reconcile')
      await community.healRedemptions({ tenantId: caller.tenantId, actor: caller.keyId })
      return c.json(await community.expireRedemptions({ tenantId: caller.tenantId }), 200)
    })
}
