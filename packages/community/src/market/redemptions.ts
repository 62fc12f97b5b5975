/**
 * Redemptions at the points supermarket. `redeem` writes the row first
 * (`reserving`, with the unit price and the points fixed), then holds the
 * member's points and the reward's units in ONE ledger batch, then marks it
 * `reserved`; `handOver` posts both holds in one batch, `cancel` and the
 * expiry sweep void both in one batch. Each step's ledger ids derive from the
 * redemption (domain/redemption.ts), so a step run again replays; the ledger
 * posts or voids a hold once, so when two steps race (a hand-over and a
 * cancellation) the ledger decides and the row follows it (`settle`).
 *
 * Eligibility (minimum lifetime hours, once a quarter, age…) is the policy
 * module's: `redeem` takes one `check`, run before anything is written.
 *
 * @example
 * const { redemption } = await redeem(ctx, { tenantId, id: 'rd-1', rewardId: 'rice-5kg', memberId: 'ana', actor: 'key_ana' })
 * await handOver(ctx, { tenantId, redemptionId: 'rd-1', actor: 'key_staff' })
 */
import { afterCursor } from '../storage/keyset.js'
import { enforceRedemption, enforceRedemptionSlot } from '../policy-check.js'
import { type BatchResult, Id, LedgerError, type Operation, type Transfer, isLedgerError } from '@timebank/ledger'
import { requestHash } from '@timebank/ledger/kit'
import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { PageCursor, pageCursor, readCursor } from '../domain/cursor.js'
import { CommunityError, CommunityErrorCode, isCommunityError, notFound } from '../domain/errors.js'
import { CommunityId } from '../domain/ids.js'
import {
  type RedemptionAction,
  RedemptionStatus,
  handOverOps,
  holdOps,
  redemptionHold,
  redemptionRefusal,
  redemptionResolution,
  releaseOps,
  statusFromLedger,
} from '../domain/redemption.js'
import { RedemptionUnits } from '../domain/reward.js'
import { parse } from '../domain/validate.js'
import { createRow } from '../storage/create-row.js'
import { redemptions } from '../storage/market-schema.js'
import { requireActiveMember } from '../storage/member-reads.js'
import { outOfStock, requireReward } from './rewards.js'
import { type Redemption, type RedemptionRow, type RewardRow, redemptionView } from './view.js'

const Actor = z.string().min(1).max(200)
const DAY_MS = 24 * 60 * 60 * 1000

export const RedeemInput = z.strictObject({
  tenantId: Id,
  /** The client's id for this redemption: asking again with the same content returns it. */
  id: CommunityId,
  rewardId: CommunityId,
  memberId: CommunityId,
  quantity: RedemptionUnits.default('1'),
  /** Who asks: the member's own key, or staff redeeming for them. */
  actor: Actor,
})
export const HandOverInput = z.strictObject({ tenantId: Id, redemptionId: CommunityId, actor: Actor })
export const CancelInput = HandOverInput.extend({ reason: z.string().min(1).max(2000).optional() })
export const ExpireInput = z.strictObject({ tenantId: Id, limit: z.number().int().min(1).max(5000).default(500) })
export const ListRedemptionsInput = z.strictObject({
  tenantId: Id,
  memberId: CommunityId.optional(),
  rewardId: CommunityId.optional(),
  status: RedemptionStatus.optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  /** The previous page's `nextCursor`. */
  cursor: PageCursor.optional(),
})

/**
 * The one eligibility check a redemption passes before anything is written: the policy's (policy-check.ts
 * `enforceRedemption`: minimum lifetime hours, how often). It throws a CommunityError to refuse. Not run again
 * for a redemption already requested (a retry answers what was decided).
 */
export type RedemptionCheck = (
  ctx: CommunityContext,
  request: { tenantId: string; memberId: string; reward: RewardRow; quantity: bigint; points: bigint; at: Date },
) => Promise<void>

const key = (tenantId: string, id: string) => and(eq(redemptions.tenantId, tenantId), eq(redemptions.id, id))

async function readRow(ctx: CommunityContext, tenantId: string, id: string): Promise<RedemptionRow | undefined> {
  return (await ctx.db.select().from(redemptions).where(key(tenantId, id)))[0]
}

async function requireRow(ctx: CommunityContext, tenantId: string, id: string): Promise<RedemptionRow> {
  const row = await readRow(ctx, tenantId, id)
  if (!row) throw notFound(CommunityErrorCode.REDEMPTION_NOT_FOUND, 'redemption', id, 'redemptionId')
  return row
}

/** Move a row on, only from one of `from` (a conditional write: whoever got there first stands). */
async function mark(
  ctx: CommunityContext,
  row: RedemptionRow,
  from: RedemptionStatus[],
  set: Partial<RedemptionRow>,
): Promise<RedemptionRow | undefined> {
  const [updated] = await ctx.db
    .update(redemptions)
    .set(set)
    .where(and(key(row.tenantId, row.id), inArray(redemptions.status, from)))
    .returning()
  return updated
}

/** The ledger's transfer under an id, or null. */
async function transferOf(ctx: CommunityContext, tenantId: string, transferId: string): Promise<Transfer | null> {
  try {
    return await ctx.ledger.getTransfer({ tenantId, transferId })
  } catch (e) {
    if (isLedgerError(e) && e.code === 'TRANSFER_NOT_FOUND') return null
    throw e
  }
}

/** A refused batch's first refused item, as the ledger's error. */
function refusalOf(result: BatchResult, ops: Operation[]): LedgerError {
  const index = result.results.findIndex((item) => !item.ok && item.error.code !== 'LINKED_EVENT_FAILED')
  const item = result.results[index]
  if (!item || item.ok) throw new Error('a refused ledger batch named no failing operation')
  return new LedgerError(item.error.code as LedgerError['code'], item.error.message, { ...item.error.details, operationId: ops[index]?.id })
}

/** Run a redemption's batch; the ledger's refusal of it, or null when it committed (or replayed). */
async function run(ctx: CommunityContext, tenantId: string, operations: Operation[]): Promise<LedgerError | null> {
  const result = await ctx.ledger.batch({ tenantId, operations })
  return result.committed ? null : refusalOf(result, operations)
}

/** What a redemption's first committed operation says about when the ledger did it. */
async function ledgerAt(ctx: CommunityContext, tenantId: string, transferId: string): Promise<Date> {
  return (await transferOf(ctx, tenantId, transferId))?.createdAt ?? ctx.now()
}

/**
 * Bring a row in line with the ledger: a row still `reserving` runs its hold batch (again); a row the
 * ledger has moved on from (its holds posted or voided by a step that stopped before marking) takes the
 * ledger's outcome. Returns the row as it now stands. `actor` is recorded for what this call finishes.
 */
export async function settle(ctx: CommunityContext, row: RedemptionRow, actor: string): Promise<RedemptionRow> {
  if (row.status === 'reserving') return finishReservation(ctx, row)
  if (row.status !== 'reserved') return row
  const hold = await transferOf(ctx, row.tenantId, redemptionHold(row.id, 'points'))
  const cancelled = (await transferOf(ctx, row.tenantId, redemptionResolution(row.id, 'points', 'cancel'))) !== null
  const status = statusFromLedger(hold, cancelled)
  if (status === null || status === 'reserved') return row
  const by = status === 'handed_over' ? 'handover' : status === 'cancelled' ? 'cancel' : 'expire'
  const at = await ledgerAt(ctx, row.tenantId, redemptionResolution(row.id, 'points', by))
  const updated = await mark(ctx, row, ['reserved'], { status, decidedBy: actor, decidedAt: at })
  return updated ?? requireRow(ctx, row.tenantId, row.id)
}

/** Hold points and units together, then mark the row reserved (or refused, with the ledger's refusal). */
async function finishReservation(ctx: CommunityContext, row: RedemptionRow): Promise<RedemptionRow> {
  const refusal = await run(ctx, row.tenantId, holdOps(row))
  if (refusal === null) {
    return (await mark(ctx, row, ['reserving'], { status: 'reserved' })) ?? requireRow(ctx, row.tenantId, row.id)
  }
  if (refusal.code === 'IDEMPOTENCY_CONFLICT') {
    throw new Error(`the ledger holds redemption ${row.id}'s hold with other terms`, { cause: refusal })
  }
  const told = outOfStock(refusal, row.rewardId) as CommunityError | LedgerError
  const stored = { code: told.code, message: told.message, ...(told.details === undefined ? {} : { details: told.details }) }
  return (await mark(ctx, row, ['reserving'], { status: 'refused', refusal: stored })) ?? requireRow(ctx, row.tenantId, row.id)
}

/** A refused redemption's refusal, as it was first told. */
function refusalError(row: RedemptionRow): Error {
  const r = (row.refusal ?? {}) as { code?: string; message?: string; details?: Record<string, unknown> }
  const details = { ...r.details, redemptionId: row.id }
  const code = r.code ?? 'INSUFFICIENT_FUNDS'
  if ((Object.values(CommunityErrorCode) as string[]).includes(code)) {
    return new CommunityError(code as CommunityErrorCode, r.message ?? 'refused', details)
  }
  return new LedgerError(code as LedgerError['code'], r.message ?? 'refused', details)
}

/** The answer to a redemption request: the row, or its refusal. */
function answer(row: RedemptionRow, replayed: boolean): { redemption: Redemption; replayed: boolean } {
  if (row.status === 'refused') throw refusalError(row)
  return { redemption: redemptionView(row), replayed }
}

/**
 * Redeem points for a reward: the member's points (price × quantity) and the units held together until
 * handed over, cancelled or expired. A retry with the same id and content answers what was decided.
 */
export async function redeem(
  ctx: CommunityContext,
  input: z.input<typeof RedeemInput>,
  check: RedemptionCheck = enforceRedemption,
): Promise<{ redemption: Redemption; replayed: boolean }> {
  const r = parse(RedeemInput, input)
  await ctx.community(r.tenantId)
  const quantity = BigInt(r.quantity)
  const hash = requestHash({ rewardId: r.rewardId, memberId: r.memberId, quantity: r.quantity, requestedBy: r.actor })
  const conflict = () =>
    new CommunityError(CommunityErrorCode.REDEMPTION_EXISTS, `redemption ${r.id} exists with other content`, { redemptionId: r.id })
  const prior = await readRow(ctx, r.tenantId, r.id)
  if (prior) {
    if (prior.requestHash !== hash) throw conflict()
    return answer(await settle(ctx, prior, r.actor), true)
  }
  const reward = await requireReward(ctx, r.tenantId, r.rewardId)
  if (!reward.active) {
    throw new CommunityError(CommunityErrorCode.REWARD_INACTIVE, `reward ${r.rewardId} is not on the catalogue`, { rewardId: r.rewardId })
  }
  await requireActiveMember(ctx.db, r.tenantId, r.memberId)
  const now = ctx.now()
  const points = reward.price * quantity
  // The policy module's eligibility rules, before anything is written or held.
  await check(ctx, { tenantId: r.tenantId, memberId: r.memberId, reward, quantity, points, at: now })
  const values = {
    tenantId: r.tenantId,
    id: r.id,
    rewardId: r.rewardId,
    memberId: r.memberId,
    quantity,
    price: reward.price,
    points,
    status: 'reserving',
    expiresAt: reward.pickupDays === null ? null : new Date(now.getTime() + reward.pickupDays * DAY_MS),
    requestedBy: r.actor,
    requestHash: hash,
    createdAt: now,
  }
  const policy = await ctx.policy(r.tenantId)
  const { settings } = await ctx.community(r.tenantId)
  // Under a frequency rule the count and the insert hold the member's lock, so racing redemptions cannot all pass it.
  const { row, replayed } = policy.policy.redemptionFrequency
    ? await ctx.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`cm_redeem:${r.tenantId}:${r.memberId}`}, 0))`)
        await enforceRedemptionSlot(tx, policy, settings.timeZone, { tenantId: r.tenantId, memberId: r.memberId, id: r.id, at: now })
        return createRow(tx, redemptions, values, conflict)
      })
    : await createRow(ctx.db, redemptions, values, conflict)
  return answer(await settle(ctx, row, r.actor), replayed)
}

/**
 * Post both holds (one batch) and mark the redemption handed over; handed over already answers as it is.
 * Past its pickup deadline it is expired instead, and refused.
 */
export async function handOver(ctx: CommunityContext, input: z.input<typeof HandOverInput>): Promise<Redemption> {
  const h = parse(HandOverInput, input)
  await ctx.community(h.tenantId)
  return resolve(ctx, h.tenantId, h.redemptionId, h.actor, 'hand_over')
}

/** Void both holds (one batch) and mark the redemption cancelled; cancelled already answers as it is. */
export async function cancel(ctx: CommunityContext, input: z.input<typeof CancelInput>): Promise<Redemption> {
  const c = parse(CancelInput, input)
  await ctx.community(c.tenantId)
  return resolve(ctx, c.tenantId, c.redemptionId, c.actor, 'cancel', c.reason)
}

const OUTCOME = { hand_over: 'handed_over', cancel: 'cancelled', expire: 'expired' } as const

async function resolve(
  ctx: CommunityContext,
  tenantId: string,
  id: string,
  actor: string,
  action: Exclude<RedemptionAction, 'hold' | 'refuse'>,
  reason?: string,
): Promise<Redemption> {
  let row = await settle(ctx, await requireRow(ctx, tenantId, id), actor)
  if (row.status === OUTCOME[action]) return redemptionView(row)
  if (action === 'hand_over' && row.status === 'reserved' && row.expiresAt !== null && row.expiresAt.getTime() <= ctx.now().getTime()) {
    // The deadline is the workflow's: a late hand-over releases the reservation rather than slipping past it.
    row = await release(ctx, row, 'expire', 'expiry')
  }
  const refusal = redemptionRefusal(row.status as RedemptionStatus, action, id)
  if (refusal) throw refusal
  const done = action === 'hand_over' ? await post(ctx, row, actor) : await release(ctx, row, action, actor, reason)
  if (done.status !== OUTCOME[action]) throw redemptionRefusal(done.status as RedemptionStatus, action, id) as CommunityError
  return redemptionView(done)
}

/** The step that lost a race to another one: the row takes what the ledger did instead. */
const lostRace = (e: LedgerError) => e.code === 'PENDING_ALREADY_RESOLVED' || e.code === 'PENDING_EXPIRED'

async function post(ctx: CommunityContext, row: RedemptionRow, actor: string): Promise<RedemptionRow> {
  const refusal = await run(ctx, row.tenantId, handOverOps(row.id))
  if (refusal && lostRace(refusal)) return settle(ctx, row, actor)
  if (refusal) throw refusal
  const at = await ledgerAt(ctx, row.tenantId, redemptionResolution(row.id, 'points', 'handover'))
  return (
    (await mark(ctx, row, ['reserved'], { status: 'handed_over', decidedBy: actor, decidedAt: at })) ??
    settle(ctx, await requireRow(ctx, row.tenantId, row.id), actor)
  )
}

async function release(
  ctx: CommunityContext,
  row: RedemptionRow,
  outcome: 'cancel' | 'expire',
  actor: string,
  reason?: string,
): Promise<RedemptionRow> {
  const refusal = await run(ctx, row.tenantId, releaseOps(row.id, outcome))
  if (refusal && lostRace(refusal)) return settle(ctx, row, actor)
  if (refusal) throw refusal
  const at = await ledgerAt(ctx, row.tenantId, redemptionResolution(row.id, 'points', outcome))
  const status = outcome === 'cancel' ? 'cancelled' : 'expired'
  return (
    (await mark(ctx, row, ['reserved'], { status, decidedBy: actor, decidedAt: at, reason: reason ?? null })) ??
    settle(ctx, await requireRow(ctx, row.tenantId, row.id), actor)
  )
}

/**
 * The pickup-deadline sweep: every reserved redemption past its deadline has both holds voided (one batch
 * each) and is marked expired. Idempotent: one already released is only marked. Returns how many it expired.
 */
export async function expireRedemptions(ctx: CommunityContext, input: z.input<typeof ExpireInput>): Promise<{ expired: number }> {
  const e = parse(ExpireInput, input)
  await ctx.community(e.tenantId)
  const due = await ctx.db
    .select()
    .from(redemptions)
    .where(and(eq(redemptions.tenantId, e.tenantId), eq(redemptions.status, 'reserved'), lte(redemptions.expiresAt, ctx.now())))
    .orderBy(asc(redemptions.expiresAt), asc(redemptions.id))
    .limit(e.limit)
  let expired = 0
  for (const row of due) {
    try {
      if ((await release(ctx, row, 'expire', 'expiry')).status === 'expired') expired++
    } catch (err) {
      // One redemption the ledger refuses (a frozen account) does not stop the sweep; reconcile lists it.
      if (!isLedgerError(err) && !isCommunityError(err)) throw err
    }
  }
  return { expired }
}

export async function getRedemption(ctx: CommunityContext, tenantId: string, redemptionId: string): Promise<Redemption> {
  return redemptionView(await requireRow(ctx, tenantId, redemptionId))
}

/** Newest first, by member, reward or status; the cursor is the last one's creation instant and id. */
export async function listRedemptions(
  ctx: CommunityContext,
  input: z.input<typeof ListRedemptionsInput>,
): Promise<{ redemptions: Redemption[]; nextCursor: string | null }> {
  const q = parse(ListRedemptionsInput, input)
  const at = q.cursor === undefined ? undefined : readCursor(q.cursor)
  const found = await ctx.db
    .select()
    .from(redemptions)
    .where(
      and(
        eq(redemptions.tenantId, q.tenantId),
        q.memberId === undefined ? undefined : eq(redemptions.memberId, q.memberId),
        q.rewardId === undefined ? undefined : eq(redemptions.rewardId, q.rewardId),
        q.status === undefined ? undefined : eq(redemptions.status, q.status),
        at === undefined ? undefined : afterCursor(redemptions.createdAt, redemptions.id, at, 'desc'),
      ),
    )
    .orderBy(desc(redemptions.createdAt), desc(redemptions.id))
    .limit(q.limit + 1)
  const page = found.slice(0, q.limit)
  const last = page[page.length - 1]
  return {
    redemptions: page.map(redemptionView),
    nextCursor: found.length > q.limit && last ? pageCursor(last.createdAt, last.id) : null,
  }
}
