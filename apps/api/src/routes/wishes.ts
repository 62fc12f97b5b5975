/**
 * Micro-wishes (微心愿): a resident posts a wish (a member key for itself,
 * staff on a resident's behalf), optionally with a points reward held from an
 * organisation or the community pool; a volunteer claims it (认领), marks it
 * fulfilled, and its poster or staff confirm it (落实: the reward paid) or
 * cancel it. Members browse every wish, the poster's and volunteer's names
 * and phone masked unless the wish is their own; staff limited to a grid see
 * and act on the wishes of their subtree only.
 *
 * - `POST /v1/wishes`, `GET /v1/wishes`, `GET /v1/wishes/{wishId}`, `GET /v1/wishes/counts?period=`.
 * - `POST /v1/wishes/{wishId}/claim|release|fulfil|confirm|cancel`.
 * - `GET /v1/wishes/reconciliation`, `POST /v1/wishes/reconciliation/heal` (admin).
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $MEMBER" -H 'Content-Type: application/json' \
 *   -d '{"id":"bag-lili","title":"一个新书包","description":"孩子开学需要","reward":{"points":"20","sponsor":{"type":"pool"}}}' \
 *   http://127.0.0.1:3000/v1/wishes
 */
import { createRoute, z } from '@hono/zod-openapi'
import {
  CancelWishInput,
  FulfilWishInput,
  ListWishesInput,
  Period,
  PostWishInput,
  type Wish,
  WishCountsOutput,
  WishOutput,
  WishProblemKind,
  WishStatus,
  maskedWish,
} from '@timebank/community'
import type { Context } from 'hono'
import type { AppEnv, Caller, Deps } from '../context.js'
import { ApiError } from '../errors.js'
import { markReplayed, writeId } from '../idempotency.js'
import { type Action, authorize, scopeOf, selfOf } from '../permissions.js'
import { ID_OR_HEADER, Instant, WRITE_ERRORS, errors, json } from '../schemas.js'
import { bearer, idempotent, jsonRequest, optionalJsonRequest, replayable, router } from './common.js'

const tags = ['Wishes']
const WishSchema = WishOutput.extend({}).openapi('Wish')
const WishPageSchema = z.object({ wishes: z.array(WishSchema), nextCursor: z.string().nullable() }).openapi('WishPage')
const CountsSchema = WishCountsOutput.extend({}).openapi('WishCounts')
const ProblemsSchema = z
  .object({
    problems: z.array(
      z.object({
        wishId: z.string(),
        status: WishStatus,
        kind: WishProblemKind,
        transferId: z.string().optional(),
        detail: z.string().optional(),
      }),
    ),
  })
  .openapi('WishProblems')
const HealSchema = z.object({ finished: z.number().int(), refused: z.number().int() }).openapi('WishHeal')
const WishParams = z.object({
  wishId: PostWishInput.shape.id.clone().openapi({ param: { name: 'wishId', in: 'path' }, example: 'bag-lili' }),
})

const PostBody = PostWishInput.omit({ tenantId: true, actor: true })
  .extend({
    id: PostWishInput.shape.id.optional().openapi({ description: `Client-chosen id, also the idempotency key. ${ID_OR_HEADER}` }),
    posterId: PostWishInput.shape.posterId
      .optional()
      .openapi({ description: "The resident the wish is for: a member key's own member by default (and only)." }),
    deadline: Instant.optional(),
  })
  .openapi('PostWishRequest')
const VolunteerBody = z
  .strictObject({
    volunteerId: FulfilWishInput.shape.volunteerId.optional().openapi({
      description: "Staff acting for a volunteer; a member key acts as its own member. For fulfil: the wish's volunteer by default.",
    }),
    note: FulfilWishInput.shape.note,
  })
  .openapi('WishVolunteerRequest')
const CancelBody = z.strictObject({ reason: CancelWishInput.shape.reason }).openapi('CancelWishRequest')
const ListQuery = z.object({
  status: WishStatus.optional(),
  gridId: z.string().optional().openapi({ description: "Only wishes in this grid's subtree." }),
  posterId: ListWishesInput.shape.posterId,
  claimantId: ListWishesInput.shape.claimantId,
  limit: z
    .string()
    .regex(/^[1-9]\d{0,3}$/)
    .optional()
    .openapi({ description: 'Page size, 1 to 1000.', example: '100' }),
  cursor: ListWishesInput.shape.cursor.clone().openapi({ description: "The previous page's `nextCursor`." }),
})
const CountsQuery = z.object({
  period: Period.clone().openapi({ description: 'A month (2026-03), a quarter (2026-Q1) or a year (2026).', example: '2026-Q1' }),
  gridId: z.string().optional().openapi({ description: "Only wishes in this grid's subtree." }),
})

const post = createRoute({
  method: 'post',
  path: '/wishes',
  operationId: 'postWish',
  tags,
  summary: 'Post a wish, optionally with a points reward held from its sponsor (a member for itself; admin, staff for a resident)',
  description:
    'The reward is held from the sponsor at once (INSUFFICIENT_FUNDS leaves the wish `refused`; posting it again retries). The id (body or Idempotency-Key) makes retries safe.',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(PostBody, {
      pool: {
        summary: 'A school bag, 20 points from the community pool',
        value: {
          id: 'bag-lili',
          title: '一个新书包',
          description: '孩子九月开学，需要一个书包',
          deadline: '2026-08-31T16:00:00Z',
          reward: { points: '20', sponsor: { type: 'pool' } },
        },
      },
      staff: {
        summary: 'Staff posting for a resident, sponsored by a partner unit',
        value: {
          id: 'repair-wang',
          posterId: 'wangfang',
          title: '修理厨房水龙头',
          description: '独居老人家中水龙头漏水',
          reward: { points: '30', sponsor: { type: 'organisation', id: 'acme' } },
        },
      },
    }),
  },
  responses: { 201: replayable(json(WishSchema, 'The published wish')), ...errors(...WRITE_ERRORS) },
})
const list = createRoute({
  method: 'get',
  path: '/wishes',
  operationId: 'listWishes',
  tags,
  summary: 'Wishes, newest first, by status and grid',
  description: "Members see every wish (others' masked); staff limited to a grid see their subtree's.",
  security: bearer,
  request: { query: ListQuery },
  responses: { 200: json(WishPageSchema, 'A page'), ...errors(400, 401, 403, 404) },
})
const counts = createRoute({
  method: 'get',
  path: '/wishes/counts',
  operationId: 'countWishes',
  tags,
  summary: 'Wishes posted, claimed, fulfilled, confirmed, cancelled and expired in a period (admin, staff)',
  security: bearer,
  request: { query: CountsQuery },
  responses: { 200: json(CountsSchema, 'The counts'), ...errors(400, 401, 403, 404) },
})
const get = createRoute({
  method: 'get',
  path: '/wishes/{wishId}',
  operationId: 'getWish',
  tags,
  summary: 'A wish',
  security: bearer,
  request: { params: WishParams },
  responses: { 200: json(WishSchema, 'The wish'), ...errors(400, 401, 403, 404) },
})
const step = <P extends string, R extends object>(path: P, operationId: string, summary: string, description: string, request: R) =>
  createRoute({
    method: 'post',
    path,
    operationId,
    tags,
    summary,
    description,
    security: bearer,
    request,
    responses: { 200: json(WishSchema, 'The wish'), ...errors(...WRITE_ERRORS) },
  })
const volunteerBody = optionalJsonRequest(VolunteerBody, {
  member: { summary: 'A member key, for itself', value: {} },
  staff: { summary: 'Staff, for a volunteer', value: { volunteerId: 'zhangwei' } },
})
const claim = step(
  '/wishes/{wishId}/claim',
  'claimWish',
  'Claim a published wish (认领)',
  'Of volunteers claiming at once exactly one wins; the others get WISH_ALREADY_CLAIMED. The poster cannot claim their own wish.',
  { params: WishParams, body: volunteerBody },
)
const release = step(
  '/wishes/{wishId}/release',
  'releaseWish',
  'Give a claimed wish back: published again, the reward still held',
  'Its volunteer (a member key) or staff.',
  { params: WishParams },
)
const fulfil = step(
  '/wishes/{wishId}/fulfil',
  'fulfilWish',
  'Mark a claimed wish fulfilled (its volunteer, or staff for them)',
  'The poster or staff then confirm it.',
  {
    params: WishParams,
    body: optionalJsonRequest(VolunteerBody, {
      member: { summary: 'The volunteer, with a note', value: { note: '书包已送到家中' } },
    }),
  },
)
const confirm = step(
  '/wishes/{wishId}/confirm',
  'confirmWish',
  'Confirm a fulfilled wish (落实): the reward paid to the volunteer',
  'Its poster (a member key) or staff; never the volunteer. Confirming again answers the wish as it is.',
  { params: WishParams },
)
const cancel = step(
  '/wishes/{wishId}/cancel',
  'cancelWish',
  'Cancel an open wish: the held reward released',
  'Its poster (a member key) or staff, before it is confirmed.',
  {
    params: WishParams,
    body: optionalJsonRequest(CancelBody, { noLonger: { summary: 'No longer needed', value: { reason: '已由家人解决' } } }),
  },
)

const reconciliation = createRoute({
  method: 'get',
  path: '/wishes/reconciliation',
  operationId: 'reconcileWishes',
  tags,
  summary: 'Every wish whose ledger state disagrees with its own (admin)',
  security: bearer,
  responses: { 200: json(ProblemsSchema, 'The disagreements; none when all agree'), ...errors(401, 403, 404) },
})
const heal = createRoute({
  method: 'post',
  path: '/wishes/reconciliation/heal',
  operationId: 'healWishes',
  tags,
  summary: 'Finish every publication, confirmation, cancellation and expiry a crash left claimed (admin)',
  description: 'Each step replays in the ledger and its mark lands; a step the ledger refuses puts its wish back and is counted.',
  security: bearer,
  responses: { 200: json(HealSchema, 'How many it finished and how many the ledger refused'), ...errors(401, 403, 404, 503) },
})

const hidden = (wishId: string) => ({ code: 'WISH_NOT_FOUND' as const, message: `wish ${wishId} not found`, details: { wishId } })

/** A member key sees others' wishes masked; its own, and staff, in full. */
const shown = (caller: Caller, w: Wish): Wish => {
  const self = selfOf(caller)
  return self === undefined || self === w.poster.id ? w : maskedWish(w)
}

export function wishRoutes(deps: Deps) {
  const { community } = deps

  /** The path of a grid named in a query, for a filter (GRID_NOT_FOUND for a missing one). */
  const gridFilter = async (tenantId: string, gridId: string | undefined) =>
    gridId === undefined ? undefined : (await community.getGrid({ tenantId, gridId })).path

  /** The caller, if it may `action` the wish: members as `member` (themselves), staff within the wish's grid. */
  const guard = async (c: Context<AppEnv>, action: Action, wishId: string, member?: string) => {
    const tenantId = c.get('caller').tenantId
    const scope = await community.wishScope(tenantId, wishId)
    if (!scope) {
      await authorize(c, deps, action, { memberId: member, gridPath: null, hidden: hidden(wishId) })
      throw new ApiError('WISH_NOT_FOUND', `wish ${wishId} not found`, { wishId })
    }
    const caller = await authorize(c, deps, action, { memberId: member, gridPath: scope.gridPath, hidden: hidden(wishId) })
    return { caller, scope }
  }

  return (
    router()
      .openapi(post, async (c) => {
        const body = c.req.valid('json')
        const posterId = body.posterId ?? selfOf(c.get('caller'))
        if (posterId === undefined) {
          throw new ApiError('VALIDATION', 'name the resident the wish is for', { issues: [{ path: 'posterId', message: 'required' }] })
        }
        const caller = await authorize(c, deps, 'wishes.post', {
          memberId: posterId,
          hidden: { code: 'MEMBER_NOT_FOUND', message: `member ${posterId} not found`, details: { memberId: posterId } },
        })
        // Who commits someone's points to a reward: never a resident, and an organisation's only as its donations.
        if (body.reward) {
          await authorize(c, deps, body.reward.sponsor.type === 'organisation' ? 'wishes.rewardOrganisation' : 'wishes.reward')
        }
        const scope = await scopeOf(c, deps)
        if (scope !== undefined && body.gridId !== undefined) {
          const path = await gridFilter(caller.tenantId, body.gridId)
          await authorize(c, deps, 'wishes.post', {
            gridPath: path,
            hidden: { code: 'GRID_NOT_FOUND', message: `grid ${body.gridId} not found`, details: { gridId: body.gridId } },
          })
        }
        const { wish, replayed } = await community.postWish({
          ...body,
          id: writeId(c, body.id),
          posterId,
          tenantId: caller.tenantId,
          actor: caller.keyId,
        })
        markReplayed(c, replayed)
        c.header('Location', `/v1/wishes/${encodeURIComponent(wish.id)}`)
        return c.json(shown(caller, wish), 201)
      })
      .openapi(list, async (c) => {
        const q = c.req.valid('query')
        const scope = await scopeOf(c, deps)
        const caller = await authorize(c, deps, 'wishes.read', scope === undefined ? undefined : { gridPath: scope })
        const filter = await gridFilter(caller.tenantId, q.gridId)
        if (scope !== undefined && filter !== undefined) {
          await authorize(c, deps, 'wishes.read', {
            gridPath: filter,
            hidden: { code: 'GRID_NOT_FOUND', message: `grid ${q.gridId} not found`, details: { gridId: q.gridId } },
          })
        }
        const page = await community.listWishes({
          tenantId: caller.tenantId,
          ...(q.status ? { status: q.status } : {}),
          ...(q.posterId ? { posterId: q.posterId } : {}),
          ...(q.claimantId ? { claimantId: q.claimantId } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
          ...(q.limit ? { limit: Number(q.limit) } : {}),
          ...((filter ?? scope) === undefined ? {} : { gridPath: filter ?? scope }),
        })
        return c.json({ ...page, wishes: page.wishes.map((w) => shown(caller, w)) }, 200)
      })
      .openapi(counts, async (c) => {
        const q = c.req.valid('query')
        const scope = await scopeOf(c, deps)
        const caller = await authorize(c, deps, 'wishes.counts', scope === undefined ? undefined : { gridPath: scope })
        const filter = await gridFilter(caller.tenantId, q.gridId)
        if (scope !== undefined && filter !== undefined) {
          await authorize(c, deps, 'wishes.counts', {
            gridPath: filter,
            hidden: { code: 'GRID_NOT_FOUND', message: `grid ${q.gridId} not found`, details: { gridId: q.gridId } },
          })
        }
        const gridPath = filter ?? scope
        return c.json(
          await community.wishCounts({ tenantId: caller.tenantId, period: q.period, ...(gridPath === undefined ? {} : { gridPath }) }),
          200,
        )
      })
      .openapi(reconciliation, async (c) => {
        const caller = await authorize(c, deps, 'wishes.reconcile')
        return c.json({ problems: await community.reconcileWishes({ tenantId: caller.tenantId }) }, 200)
      })
      .openapi(heal, async (c) => {
        const caller = await authorize(c, deps, 'wishes.reconcile')
        return c.json(await community.healWishes({ tenantId: caller.tenantId, actor: caller.keyId }), 200)
      })
      // Before /wishes/{wishId}, so `reconciliation` is not taken for a wish id.
      .openapi(get, async (c) => {
        const { wishId } = c.req.valid('param')
        const { caller } = await guard(c, 'wishes.read', wishId)
        return c.json(shown(caller, await community.getWish({ tenantId: caller.tenantId, wishId })), 200)
      })
      .openapi(claim, async (c) => {
        const { wishId } = c.req.valid('param')
        const body = c.req.valid('json') ?? {}
        const volunteerId = selfOf(c.get('caller')) ?? body.volunteerId
        if (volunteerId === undefined) {
          throw new ApiError('VALIDATION', 'name the volunteer claiming the wish', {
            issues: [{ path: 'volunteerId', message: 'required' }],
          })
        }
        const { caller } = await guard(c, 'wishes.volunteer', wishId, volunteerId)
        return c.json(
          shown(caller, await community.claimWish({ tenantId: caller.tenantId, wishId, volunteerId, actor: caller.keyId })),
          200,
        )
      })
      .openapi(release, async (c) => {
        const { wishId } = c.req.valid('param')
        const self = selfOf(c.get('caller'))
        const { caller } = await guard(c, 'wishes.volunteer', wishId, self)
        return c.json(
          shown(
            caller,
            await community.releaseWish({ tenantId: caller.tenantId, wishId, actor: caller.keyId, ...(self ? { memberId: self } : {}) }),
          ),
          200,
        )
      })
      .openapi(fulfil, async (c) => {
        const { wishId } = c.req.valid('param')
        const body = c.req.valid('json') ?? {}
        const self = selfOf(c.get('caller'))
        const { caller, scope } = await guard(c, 'wishes.volunteer', wishId, self)
        const volunteerId = self ?? body.volunteerId ?? scope.claimantId
        if (volunteerId === null) throw new ApiError('INVALID_TRANSITION', `wish ${wishId} has no volunteer to fulfil it`, { wishId })
        const done = await community.fulfilWish({
          tenantId: caller.tenantId,
          wishId,
          volunteerId,
          actor: caller.keyId,
          ...(body.note === undefined ? {} : { note: body.note }),
        })
        return c.json(shown(caller, done), 200)
      })
      .openapi(confirm, async (c) => {
        const { wishId } = c.req.valid('param')
        const self = selfOf(c.get('caller'))
        const { caller } = await guard(c, 'wishes.close', wishId, self)
        const done = await community.confirmWish({
          tenantId: caller.tenantId,
          wishId,
          actor: caller.keyId,
          ...(self ? { memberId: self } : {}),
        })
        return c.json(shown(caller, done), 200)
      })
      .openapi(cancel, async (c) => {
        const { wishId } = c.req.valid('param')
        const body = c.req.valid('json') ?? {}
        const self = selfOf(c.get('caller'))
        const { caller } = await guard(c, 'wishes.close', wishId, self)
        const done = await community.cancelWish({
          tenantId: caller.tenantId,
          wishId,
          actor: caller.keyId,
          ...(self ? { memberId: self } : {}),
          ...(body.reason === undefined ? {} : { reason: body.reason }),
        })
        return c.json(shown(caller, done), 200)
      })
  )
}
