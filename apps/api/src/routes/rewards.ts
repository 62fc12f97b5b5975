/**
 * The points supermarket's catalogue and stock (积分超市). A reward's units are
 * a ledger asset of its own: restocking earns units onto its shelf with the
 * reason as evidence, a write-off redeems them out with a reason, and the
 * stock report reads the ledger beside the redemptions (账物相符). Members see
 * the rewards on the catalogue; admins and unlimited staff keep it.
 *
 * - `POST /v1/rewards`, `GET /v1/rewards`, `GET /v1/rewards/{rewardId}`, `PATCH /v1/rewards/{rewardId}`.
 * - `POST /v1/rewards/{rewardId}/restocks`, `POST /v1/rewards/{rewardId}/write-offs`.
 * - `GET /v1/reward-stock`: the stock report, of one reward (`?rewardId=`) or of all.
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $STAFF" -H 'Content-Type: application/json' \
 *   -d '{"id":"delivery-0301","quantity":"20","reason":"donated by the supermarket on Block 3"}' \
 *   http://127.0.0.1:3000/v1/rewards/rice-5kg/restocks
 */
import { createRoute, z } from '@hono/zod-openapi'
import { CommunityId, CreateRewardInput, RestockInput, RewardOutput, RewardStockOutput, UpdateRewardInput } from '@timebank/community'
import type { Deps } from '../context.js'
import { ApiError } from '../errors.js'
import { markReplayed, writeId } from '../idempotency.js'
import { authorize } from '../permissions.js'
import { ID_OR_HEADER, WRITE_ERRORS, errors, json } from '../schemas.js'
import { bearer, idempotent, jsonRequest, replayable, router } from './common.js'

const RewardSchema = RewardOutput.extend({}).openapi('Reward')
const StockSchema = RewardStockOutput.extend({}).openapi('RewardStock')
const StockReportSchema = z.object({ rewards: z.array(StockSchema) }).openapi('RewardStockReport')
const InStock = z.boolean().openapi({
  description:
    'At least one unit is free on the shelf now. All a member sees of the stock: the counts (the stock report) are the goods register, for staff.',
})
const ListedRewardSchema = RewardSchema.extend({ inStock: InStock }).openapi('ListedReward')
const RewardPageSchema = z.object({ rewards: z.array(ListedRewardSchema), nextAfter: z.string().nullable() }).openapi('RewardPage')
const StockMoveSchema = z
  .object({
    rewardId: z.string(),
    transferId: z.string().describe('The ledger transfer of the move.'),
    quantity: z.string(),
    at: z.date(),
    replayed: z.boolean(),
  })
  .openapi('RewardStockMove')
const RewardParams = z.object({
  rewardId: CommunityId.clone().openapi({ param: { name: 'rewardId', in: 'path' }, example: 'rice-5kg' }),
})

const CreateBody = CreateRewardInput.omit({ tenantId: true, actor: true })
  .extend({
    id: CreateRewardInput.shape.id
      .optional()
      .openapi({ description: `Client-chosen id, also the idempotency key. ${ID_OR_HEADER}`, example: 'rice-5kg' }),
  })
  .openapi('CreateRewardRequest')
const UpdateBody = UpdateRewardInput.omit({ tenantId: true, rewardId: true }).openapi('UpdateRewardRequest')
const MoveBody = RestockInput.omit({ tenantId: true, rewardId: true, actor: true })
  .extend({
    id: RestockInput.shape.id
      .optional()
      .openapi({ description: `Client-chosen id of the move. ${ID_OR_HEADER}`, example: 'delivery-0301' }),
  })
  .openapi('RewardStockMoveRequest')
const ListQuery = z.object({
  active: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: 'Only rewards on (or off) the catalogue; members see only those on it.' }),
  limit: z
    .string()
    .regex(/^[1-9]\d{0,2}$/)
    .optional()
    .openapi({ description: 'Page size, 1 to 500.', example: '100' }),
  after: CommunityId.optional().openapi({ description: "The previous page's `nextAfter`." }),
})
const StockQuery = z.object({ rewardId: CommunityId.optional().openapi({ description: 'One reward; all when absent.' }) })

const tags = ['Points supermarket']

const create = createRoute({
  method: 'post',
  path: '/rewards',
  operationId: 'createReward',
  tags,
  summary: 'Add a reward to the catalogue (admin, unlimited staff)',
  description:
    'Its units become a ledger asset with a shelf, none on it yet: restock it. The id (body or Idempotency-Key) makes retries safe.',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(CreateBody, {
      rice: {
        summary: 'A bag of rice for 120 points, picked up within a week',
        value: { id: 'rice-5kg', name: '东北大米 5kg', price: '120', pickupDays: 7 },
      },
    }),
  },
  responses: { 201: replayable(json(RewardSchema, 'The reward')), ...errors(...WRITE_ERRORS) },
})
const list = createRoute({
  method: 'get',
  path: '/rewards',
  operationId: 'listRewards',
  tags,
  summary: 'The catalogue, by id, each saying whether it is in stock',
  security: bearer,
  request: { query: ListQuery },
  responses: { 200: json(RewardPageSchema, 'A page'), ...errors(400, 401, 403) },
})
const get = createRoute({
  method: 'get',
  path: '/rewards/{rewardId}',
  operationId: 'getReward',
  tags,
  summary: 'A reward',
  security: bearer,
  request: { params: RewardParams },
  responses: { 200: json(RewardSchema, 'The reward'), ...errors(400, 401, 403, 404) },
})
const update = createRoute({
  method: 'patch',
  path: '/rewards/{rewardId}',
  operationId: 'updateReward',
  tags,
  summary: 'Change a reward, or take it off (or back on) the catalogue (admin, unlimited staff)',
  description: 'A new price counts for redemptions requested from now; those already made keep theirs.',
  security: bearer,
  request: {
    params: RewardParams,
    body: jsonRequest(UpdateBody, { price: { summary: 'Cheaper from now', value: { price: '100' } } }),
  },
  responses: { 200: json(RewardSchema, 'The reward'), ...errors(...WRITE_ERRORS) },
})
const move = <P extends string>(path: P, operationId: string, summary: string, description: string, reason: string) =>
  createRoute({
    method: 'post',
    path,
    operationId,
    tags,
    summary,
    description,
    security: bearer,
    ...idempotent,
    request: {
      params: RewardParams,
      body: jsonRequest(MoveBody, { move: { summary: reason, value: { id: 'move-0301', quantity: '5', reason } } }),
    },
    responses: { 201: replayable(json(StockMoveSchema, 'The move as the ledger recorded it')), ...errors(...WRITE_ERRORS) },
  })
const restock = move(
  '/rewards/{rewardId}/restocks',
  'restockReward',
  'Units onto the shelf (admin, unlimited staff)',
  'A ledger earn into the shelf, the reason its evidence.',
  '社区超市捐赠',
)
const writeOff = move(
  '/rewards/{rewardId}/write-offs',
  'writeOffReward',
  'Units off the shelf for good, with the reason (admin, unlimited staff)',
  'Never more than are on the shelf and not reserved: OUT_OF_STOCK.',
  '受潮损坏',
)
const stock = createRoute({
  method: 'get',
  path: '/reward-stock',
  operationId: 'getRewardStock',
  tags,
  summary: 'The stock report: per reward, the ledger beside the redemptions (admin, staff)',
  description:
    'On shelf, reserved, handed out, written off and restocked units, points received and held, read from the ledger; the handed-out units and their points at the price of each redemption, from the redemptions; `matches` when they agree.',
  security: bearer,
  request: { query: StockQuery },
  responses: { 200: json(StockReportSchema, 'The report'), ...errors(400, 401, 403, 404) },
})

export function rewardRoutes(deps: Deps) {
  const { community } = deps
  return router()
    .openapi(create, async (c) => {
      const caller = await authorize(c, deps, 'rewards.manage')
      const body = c.req.valid('json')
      const { reward, replayed } = await community.createReward({
        ...body,
        id: writeId(c, body.id),
        tenantId: caller.tenantId,
        actor: caller.keyId,
      })
      markReplayed(c, replayed)
      c.header('Location', `/v1/rewards/${encodeURIComponent(reward.id)}`)
      return c.json(reward, 201)
    })
    .openapi(list, async (c) => {
      const caller = await authorize(c, deps, 'rewards.read')
      const q = c.req.valid('query')
      // Members see the catalogue, not what was taken off it.
      const active = caller.role === 'member' ? true : q.active === undefined ? undefined : q.active === 'true'
      const page = await community.listRewards({
        tenantId: caller.tenantId,
        ...(active === undefined ? {} : { active }),
        ...(q.limit ? { limit: Number(q.limit) } : {}),
        ...(q.after ? { after: q.after } : {}),
      })
      const inStock = await community.rewardsInStock(
        caller.tenantId,
        page.rewards.map((r) => r.id),
      )
      return c.json({ ...page, rewards: page.rewards.map((r) => ({ ...r, inStock: inStock.get(r.id) ?? false })) }, 200)
    })
    .openapi(get, async (c) => {
      const caller = await authorize(c, deps, 'rewards.read')
      const { rewardId } = c.req.valid('param')
      const reward = await community.getReward(caller.tenantId, rewardId)
      if (caller.role === 'member' && !reward.active) throw new ApiError('REWARD_NOT_FOUND', `reward ${rewardId} not found`, { rewardId })
      return c.json(reward, 200)
    })
    .openapi(update, async (c) => {
      const caller = await authorize(c, deps, 'rewards.manage')
      const { rewardId } = c.req.valid('param')
      return c.json(await community.updateReward({ ...c.req.valid('json'), tenantId: caller.tenantId, rewardId }), 200)
    })
    .openapi(restock, async (c) => {
      const caller = await authorize(c, deps, 'rewards.manage')
      const { rewardId } = c.req.valid('param')
      const body = c.req.valid('json')
      const moved = await community.restock({ ...body, id: writeId(c, body.id), tenantId: caller.tenantId, rewardId, actor: caller.keyId })
      markReplayed(c, moved.replayed)
      return c.json(moved, 201)
    })
    .openapi(writeOff, async (c) => {
      const caller = await authorize(c, deps, 'rewards.manage')
      const { rewardId } = c.req.valid('param')
      const body = c.req.valid('json')
      const moved = await community.writeOff({ ...body, id: writeId(c, body.id), tenantId: caller.tenantId, rewardId, actor: caller.keyId })
      markReplayed(c, moved.replayed)
      return c.json(moved, 201)
    })
    .openapi(stock, async (c) => {
      const caller = await authorize(c, deps, 'rewards.report')
      const { rewardId } = c.req.valid('query')
      return c.json(await community.stockReport({ tenantId: caller.tenantId, ...(rewardId ? { rewardId } : {}) }), 200)
    })
}
