/**
 * The reward catalogue and its stock: creating a reward defines its units'
 * ledger asset and opens its accounts (idempotently, so a retry after a crash
 * finishes them); restocking earns units into the shelf with evidence; a
 * write-off redeems units out of the shelf into the written-off sink with a
 * reason. Restocks and write-offs are named by the client's id, from which
 * their ledger ids derive, so a retry replays.
 *
 * @example
 * await createReward(ctx, { tenantId, id: 'rice-5kg', name: 'Rice 5 kg', price: '120', actor: 'key_staff' })
 * await restock(ctx, { tenantId, rewardId: 'rice-5kg', id: 'delivery-1', quantity: '20', reason: 'donated by Li Ji', actor: 'key_staff' })
 */
import { Id, type Transfer, isLedgerError } from '@timebank/ledger'
import { requestHash } from '@timebank/ledger/kit'
import { and, asc, eq, gt } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityError, CommunityErrorCode, notFound } from '../domain/errors.js'
import { ASSETS, COMMUNITY_OWNER, CommunityId } from '../domain/ids.js'
import { PointsPrice, Units, restockId, rewardAccounts, rewardAsset, writeOffId } from '../domain/reward.js'
import { parse } from '../domain/validate.js'
import { createRow } from '../storage/create-row.js'
import { rewards } from '../storage/market-schema.js'
import { type Reward, type RewardRow, rewardView } from './view.js'

const Actor = z.string().min(1).max(200)
const PickupDays = z.number().int().min(1).max(366)

export const CreateRewardInput = z.strictObject({
  tenantId: Id,
  /** The client's id for the reward: creating it again with the same content returns it. */
  id: CommunityId,
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  price: PointsPrice,
  active: z.boolean().default(true),
  /** Days a reservation waits for pickup; none for no deadline. */
  pickupDays: PickupDays.optional(),
  actor: Actor,
})
export const UpdateRewardInput = z.strictObject({
  tenantId: Id,
  rewardId: CommunityId,
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(2000).nullable().optional(),
  /** A new price counts for redemptions requested from now; those made keep theirs. */
  price: PointsPrice.optional(),
  active: z.boolean().optional(),
  pickupDays: PickupDays.nullable().optional(),
})
export const ListRewardsInput = z.strictObject({
  tenantId: Id,
  active: z.boolean().optional(),
  limit: z.number().int().min(1).max(500).default(100),
  /** Rewards with ids after this one. */
  after: CommunityId.optional(),
})
const StockMove = z.strictObject({
  tenantId: Id,
  rewardId: CommunityId,
  /** The client's id for this move: the same move again replays. */
  id: CommunityId,
  quantity: Units,
  reason: z.string().min(1).max(2000),
  actor: Actor,
})
export const RestockInput = StockMove
export const WriteOffInput = StockMove

/** A restock or write-off as the ledger recorded it. */
export interface StockMoveResult {
  rewardId: string
  transferId: string
  quantity: string
  at: Date
  replayed: boolean
}

/** The reward's row; REWARD_NOT_FOUND when there is none. */
export async function requireReward(ctx: CommunityContext, tenantId: string, rewardId: string): Promise<RewardRow> {
  const [row] = await ctx.db
    .select()
    .from(rewards)
    .where(and(eq(rewards.tenantId, tenantId), eq(rewards.id, rewardId)))
  if (!row) throw notFound(CommunityErrorCode.REWARD_NOT_FOUND, 'reward', rewardId, 'rewardId')
  return row
}

/** The reward's asset and accounts in the ledger; each call is idempotent there. */
async function openBooks(ctx: CommunityContext, tenantId: string, rewardId: string, asset: string): Promise<void> {
  try {
    await ctx.ledger.defineAsset({ tenantId, code: asset, scale: 0, name: `Reward ${rewardId}` })
  } catch (e) {
    // Hash-derived codes of two ids meeting would be refused here rather than share units.
    if (isLedgerError(e) && e.code === 'ASSET_EXISTS') {
      throw new Error(`reward ${rewardId}'s asset ${asset} exists with another definition`, { cause: e })
    }
    throw e
  }
  const a = rewardAccounts(rewardId)
  const open = (id: string, code: string, kind: 'organisation' | 'redemption') =>
    ctx.ledger.openAccount({ tenantId, id, asset: code, owner: COMMUNITY_OWNER, kind })
  await open(a.shelf, asset, 'organisation')
  await open(a.handedOut, asset, 'redemption')
  await open(a.writtenOff, asset, 'redemption')
  await open(a.takings, ASSETS.points, 'redemption')
}

/** Add a reward to the catalogue with its books in the ledger (none on the shelf yet). */
export async function createReward(
  ctx: CommunityContext,
  input: z.input<typeof CreateRewardInput>,
): Promise<{ reward: Reward; replayed: boolean }> {
  const r = parse(CreateRewardInput, input)
  await ctx.community(r.tenantId)
  const fields = {
    name: r.name,
    description: r.description ?? null,
    price: BigInt(r.price),
    active: r.active,
    pickupDays: r.pickupDays ?? null,
    asset: rewardAsset(r.id),
  }
  const hash = requestHash({ ...fields, price: r.price, createdBy: r.actor })
  const now = ctx.now()
  const { row, replayed } = await createRow(
    ctx.db,
    rewards,
    { tenantId: r.tenantId, id: r.id, ...fields, createdBy: r.actor, requestHash: hash, createdAt: now, updatedAt: now },
    () => new CommunityError(CommunityErrorCode.REWARD_EXISTS, `reward ${r.id} exists with other content`, { rewardId: r.id }),
  )
  // After the row, every time: a crash between the two is finished by creating it again.
  await openBooks(ctx, r.tenantId, r.id, row.asset)
  return { reward: rewardView(row), replayed }
}

/** Change a reward's name, description, price, pickup deadline, or take it off (or back on) the catalogue. */
export async function updateReward(ctx: CommunityContext, input: z.input<typeof UpdateRewardInput>): Promise<Reward> {
  const u = parse(UpdateRewardInput, input)
  await ctx.community(u.tenantId)
  const changes = {
    ...(u.name === undefined ? {} : { name: u.name }),
    ...(u.description === undefined ? {} : { description: u.description }),
    ...(u.price === undefined ? {} : { price: BigInt(u.price) }),
    ...(u.active === undefined ? {} : { active: u.active }),
    ...(u.pickupDays === undefined ? {} : { pickupDays: u.pickupDays }),
  }
  const [row] = await ctx.db
    .update(rewards)
    .set({ ...changes, updatedAt: ctx.now() })
    .where(and(eq(rewards.tenantId, u.tenantId), eq(rewards.id, u.rewardId)))
    .returning()
  if (!row) throw notFound(CommunityErrorCode.REWARD_NOT_FOUND, 'reward', u.rewardId, 'rewardId')
  return rewardView(row)
}

export async function getReward(ctx: CommunityContext, tenantId: string, rewardId: string): Promise<Reward> {
  return rewardView(await requireReward(ctx, tenantId, rewardId))
}

/** By id; `nextAfter` is the last id of a full page. */
export async function listRewards(
  ctx: CommunityContext,
  input: z.input<typeof ListRewardsInput>,
): Promise<{ rewards: Reward[]; nextAfter: string | null }> {
  const q = parse(ListRewardsInput, input)
  const found = await ctx.db
    .select()
    .from(rewards)
    .where(
      and(
        eq(rewards.tenantId, q.tenantId),
        q.active === undefined ? undefined : eq(rewards.active, q.active),
        q.after === undefined ? undefined : gt(rewards.id, q.after),
      ),
    )
    .orderBy(asc(rewards.id))
    .limit(q.limit + 1)
  const page = found.slice(0, q.limit)
  const last = page[page.length - 1]
  return { rewards: page.map(rewardView), nextAfter: found.length > q.limit && last ? last.id : null }
}

const moved = (rewardId: string, t: Transfer, replayed: boolean): StockMoveResult => ({
  rewardId,
  transferId: t.id,
  quantity: t.amount,
  at: t.createdAt,
  replayed,
})

/** The ledger's refusal of a move out of a shelf, as the community tells it. */
export function outOfStock(e: unknown, rewardId: string): unknown {
  if (!isLedgerError(e) || e.code !== 'INSUFFICIENT_FUNDS' || e.details?.accountId !== rewardAccounts(rewardId).shelf) return e
  return new CommunityError(
    CommunityErrorCode.OUT_OF_STOCK,
    `reward ${rewardId} has ${String(e.details?.available ?? 'too few')} units on the shelf`,
    {
      rewardId,
      available: e.details?.available,
    },
    { cause: e },
  )
}

/** Units into the shelf: a ledger earn with the reason as its evidence. */
export async function restock(ctx: CommunityContext, input: z.input<typeof RestockInput>): Promise<StockMoveResult> {
  const m = parse(RestockInput, input)
  await ctx.community(m.tenantId)
  await requireReward(ctx, m.tenantId, m.rewardId)
  const { transfer, replayed } = await ctx.ledger.earn({
    tenantId: m.tenantId,
    id: restockId(m.rewardId, m.id),
    to: rewardAccounts(m.rewardId).shelf,
    amount: m.quantity,
    evidence: { activity: 'restock', reviewer: m.actor, note: m.reason },
    metadata: { rewardId: m.rewardId },
  })
  return moved(m.rewardId, transfer, replayed)
}

/** Units off the shelf for good (broken, spoiled, lost), with the reason; never more than is free on the shelf (OUT_OF_STOCK). */
export async function writeOff(ctx: CommunityContext, input: z.input<typeof WriteOffInput>): Promise<StockMoveResult> {
  const m = parse(WriteOffInput, input)
  await ctx.community(m.tenantId)
  await requireReward(ctx, m.tenantId, m.rewardId)
  const a = rewardAccounts(m.rewardId)
  try {
    const { transfer, replayed } = await ctx.ledger.redeem({
      tenantId: m.tenantId,
      id: writeOffId(m.rewardId, m.id),
      from: a.shelf,
      to: a.writtenOff,
      amount: m.quantity,
      item: { ref: m.rewardId, quantity: Number(m.quantity) },
      metadata: { rewardId: m.rewardId, reason: m.reason, by: m.actor },
    })
    return moved(m.rewardId, transfer, replayed)
  } catch (e) {
    throw outOfStock(e, m.rewardId)
  }
}
