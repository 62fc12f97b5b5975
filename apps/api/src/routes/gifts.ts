/**
 * Gifting (转赠) and donation, as the community's policy allows: a refusal is 422 POLICY_VIOLATION naming
 * the rule and the version.
 *
 * - `POST /v1/gifts`: hours or points from a member to another member (a member key gives its own; staff within scope).
 * - `POST /v1/donations`: to the community pool, from a member, or from an organisation (admin, unlimited staff).
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $MEMBER" -H 'Content-Type: application/json' \
 *   -d '{"id":"gift-2026-05-01","to":"li-xiuying","asset":"HOUR","amount":"2"}' http://127.0.0.1:3000/v1/gifts
 */
import { createRoute } from '@hono/zod-openapi'
import { CommunityId, DonateInput, GiftInput } from '@timebank/community'
import type { Deps } from '../context.js'
import { markReplayed, writeId } from '../idempotency.js'
import { authorize, selfOf } from '../permissions.js'
import { ID_OR_HEADER, OperationResultSchema, WRITE_ERRORS, errors, json } from '../schemas.js'
import { bearer, idempotent, jsonRequest, replayable, router } from './common.js'

const tags = ['Gifts']

const OptionalId = CommunityId.optional().openapi({ description: `Client-chosen id, also the idempotency key. ${ID_OR_HEADER}` })
const GiftBody = GiftInput.omit({ tenantId: true, actor: true, from: true })
  .extend({
    id: OptionalId,
    from: CommunityId.optional().openapi({ description: 'The giving member; a member key gives its own (and may leave it out).' }),
  })
  .openapi('GiftRequest')
const DonateBody = DonateInput.omit({ tenantId: true, actor: true, from: true })
  .extend({
    id: OptionalId,
    from: DonateInput.shape.from
      .optional()
      .openapi({ description: '`{ "memberId" }` or `{ "organisationId" }`; a member key donates its own (and may leave it out).' }),
  })
  .openapi('DonationRequest')

const gift = createRoute({
  method: 'post',
  path: '/gifts',
  operationId: 'giveGift',
  tags,
  summary: 'Give hours or points to another member',
  description:
    'One ledger transfer (`gift:<id>`) from the giver’s account of the asset to the recipient’s, as the policy allows: who may receive (anyone, relatives, direct relatives), which assets, the recipient’s storage cap. A retry with the same id answers the gift as made, even after the policy changed.',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(GiftBody, {
      toDaughter: {
        summary: 'Two hours to a daughter',
        value: { id: 'gift-2026-05-01-wang', to: 'wang-xiaomei', asset: 'HOUR', amount: '2' },
      },
    }),
  },
  responses: { 201: replayable(json(OperationResultSchema, 'The transfer')), ...errors(...WRITE_ERRORS) },
})
const donate = createRoute({
  method: 'post',
  path: '/donations',
  operationId: 'donate',
  tags,
  summary: 'Donate hours or points to the community pool',
  description: 'One ledger transfer (`donation:<id>`) into `pool:<asset>`, as the policy allows.',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(DonateBody, {
      member: { summary: 'A member donates 10 points', value: { id: 'donation-2026-05-01-li', asset: 'POINT', amount: '10' } },
      team: {
        summary: 'A volunteer team donates its group hours',
        value: { id: 'donation-team-q2', from: { organisationId: 'red-vests' }, asset: 'HOUR', amount: '40' },
      },
    }),
  },
  responses: { 201: replayable(json(OperationResultSchema, 'The transfer')), ...errors(...WRITE_ERRORS) },
})

const missing = (memberId: string) => ({
  code: 'MEMBER_NOT_FOUND' as const,
  message: `member ${memberId} not found`,
  details: { memberId },
})

export function giftRoutes(deps: Deps) {
  const { community } = deps
  return router()
    .openapi(gift, async (c) => {
      const body = c.req.valid('json')
      const from = body.from ?? selfOf(c.get('caller')) ?? ''
      const caller = await authorize(c, deps, 'gifts.make', { memberId: from, hidden: missing(from) })
      const result = await community.gift({ ...body, from, id: writeId(c, body.id), tenantId: caller.tenantId, actor: caller.keyId })
      markReplayed(c, result.replayed)
      return c.json(result, 201)
    })
    .openapi(donate, async (c) => {
      const body = c.req.valid('json')
      const self = selfOf(c.get('caller'))
      const from = body.from ?? (self ? { memberId: self } : { memberId: '' })
      const caller =
        'memberId' in from
          ? await authorize(c, deps, 'donations.make', { memberId: from.memberId, hidden: missing(from.memberId) })
          : await authorize(c, deps, 'donations.organisation')
      const result = await community.donate({ ...body, from, id: writeId(c, body.id), tenantId: caller.tenantId, actor: caller.keyId })
      markReplayed(c, result.replayed)
      return c.json(result, 201)
    })
}
