/**
 * The ledger steps of a wish and the finishing of the intents that name them.
 *
 * Why an escrow: a ledger hold names its credited account when it is made,
 * and nobody has claimed a wish when it is published, while the reward must
 * be reserved from then on. So publishing holds the reward from the sponsor
 * to the wishes' escrow (`wish:<id>:hold`, pending, no timeout); confirming
 * posts that hold (`wish:<id>:settle`) and pays the volunteer from the escrow
 * (`wish:<id>:reward`) in one atomic batch, so the escrow holds nothing at
 * rest and a reward is paid wholly or not at all; cancelling and expiring void
 * it (`wish:<id>:release`, one id for both, so the hold resolves once).
 * Claims and releases never touch the ledger: the hold stays as it is.
 *
 * The hold has no timeout on purpose: the ledger's `expirePending` would
 * release it on its own, behind the wish's back. A wish's deadline is
 * enforced by `expireWishes`, which voids the hold as a step of the wish.
 *
 * Each intent (publishing, confirming, cancelling, expiring) is claimed on the
 * wish's row before its step runs and marked done after: running it again at
 * any time replays the ledger's step and lands the mark, so a crash between
 * the two writes heals by re-running. A refused step puts the wish back (a
 * refused hold leaves the wish `refused`, holding nothing; posting it again tries again).
 *
 * @example
 * const row = await finishIntent(ctx, claimedRow, 'key_1')
 */
import { type Operation, formatAmount, LedgerError, isLedgerError, type ErrorCode } from '@timebank/ledger'
import { and, eq, sql } from 'drizzle-orm'
import type { CommunityContext } from '../context.js'
import { ASSETS, memberAccount, wishEscrowAccount, wishStep } from '../domain/ids.js'
import { type WishIntent, type WishStatus, isWishIntent, nextWishStatus } from '../domain/wish.js'
import { wishEvents, wishes } from '../storage/wishes-schema.js'
import type { WishRow } from './view.js'

const reward = (w: WishRow) => formatAmount(w.rewardPoints as bigint, 0)

/** The hold of a wish's reward: sponsor to escrow, pending, with no timeout (see above). */
export function holdOp(w: WishRow): Operation {
  return {
    type: 'transfer',
    id: wishStep(w.id, 'hold'),
    from: w.sponsorAccount as string,
    to: wishEscrowAccount(ASSETS.points),
    amount: reward(w),
    pending: true,
    memo: `reward of wish ${w.id}`,
    metadata: { wishId: w.id },
  }
}

/** The ledger operations of each intent; none for a wish without a reward. Deterministic from the row, so a retry replays them. */
export function intentOps(w: WishRow, intent: WishIntent): Operation[] {
  if (w.rewardPoints === null) return []
  const hold = wishStep(w.id, 'hold')
  switch (intent) {
    case 'publishing':
      return [holdOp(w)]
    case 'confirming':
      return [
        { type: 'post', id: wishStep(w.id, 'settle'), pendingId: hold, metadata: { wishId: w.id } },
        {
          type: 'transfer',
          id: wishStep(w.id, 'reward'),
          from: wishEscrowAccount(ASSETS.points),
          to: memberAccount(w.claimantId as string, ASSETS.points),
          amount: reward(w),
          memo: `reward of wish ${w.id}`,
          metadata: { wishId: w.id },
        },
      ]
    case 'cancelling':
    case 'expiring':
      return [{ type: 'void', id: wishStep(w.id, 'release'), pendingId: hold, metadata: { wishId: w.id } }]
  }
}

/** Run operations as one batch; the ledger's refusal of an item, or null when it committed (or replayed). */
async function runOps(ctx: CommunityContext, tenantId: string, operations: Operation[]): Promise<LedgerError | null> {
  if (operations.length === 0) return null
  let result: Awaited<ReturnType<CommunityContext['ledger']['batch']>>
  try {
    result = await ctx.ledger.batch({ tenantId, operations })
  } catch (e) {
    // A malformed batch is a bug of ours; contention and outages go to the caller, the intent stays to re-run.
    if (isLedgerError(e) && e.code === 'VALIDATION') throw new Error(`wish batch refused: ${e.message}`, { cause: e })
    throw e
  }
  if (result.committed) return null
  const item = result.results.find((r) => !r.ok && r.error.code !== 'LINKED_EVENT_FAILED') ?? result.results.find((r) => !r.ok)
  if (!item || item.ok) throw new Error('the ledger refused a wish batch without naming an item')
  return new LedgerError(item.error.code as ErrorCode, item.error.message, { ...item.error.details })
}

/** Log events of a wish in the same transaction as its change. */
export async function logWish(
  tx: Pick<CommunityContext['db'], 'insert'>,
  w: { tenantId: string; id: string },
  action: string,
  actor: string,
  at: Date,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await tx.insert(wishEvents).values({ tenantId: w.tenantId, wishId: w.id, action, actor, at, detail })
}

const EVENT: Record<WishIntent, string> = {
  publishing: 'published',
  confirming: 'confirmed',
  cancelling: 'cancelled',
  expiring: 'expired',
}

/**
 * Finish a wish claimed for an intent: run its ledger step, then mark it done (conditional on the intent,
 * so of two finishers only one marks and logs). A refusal puts the wish back where the intent was claimed
 * from (a refused hold leaves it `refused`) and is thrown. Returns the row as it now stands;
 * a wish not in an intent is returned as it is.
 */
export async function finishIntent(ctx: CommunityContext, w: WishRow, actor: string): Promise<WishRow> {
  const intent = w.status as WishStatus
  if (!isWishIntent(intent)) return w
  const refusal = await runOps(ctx, w.tenantId, intentOps(w, intent))
  const key = and(eq(wishes.tenantId, w.tenantId), eq(wishes.id, w.id), eq(wishes.status, intent))
  const now = ctx.now()
  if (refusal) {
    await ctx.db.transaction(async (tx) => {
      const [back] = await tx
        .update(wishes)
        .set({
          status: intent === 'publishing' ? 'refused' : (w.resumeStatus ?? 'published'),
          resumeStatus: null,
          closedBy: null,
          reason: null,
        })
        .where(key)
        .returning()
      if (back) await logWish(tx, w, 'refused', actor, now, { intent, ledger: refusal.toJSON() })
    })
    throw refusal
  }
  const done = nextWishStatus(intent, 'finish') as WishStatus
  await ctx.db.transaction(async (tx) => {
    const [marked] = await tx
      .update(wishes)
      .set({ status: done, resumeStatus: null, ...(intent === 'publishing' ? {} : { closedAt: now }) })
      .where(key)
      .returning()
    if (marked) {
      await logWish(tx, w, EVENT[intent], w.closedBy ?? actor, now, {
        ...(w.rewardPoints === null ? {} : { points: reward(w) }),
        ...(intent === 'confirming' ? { volunteer: w.claimantId } : {}),
      })
    }
  })
  const [row] = await ctx.db
    .select()
    .from(wishes)
    .where(and(eq(wishes.tenantId, w.tenantId), eq(wishes.id, w.id)))
  if (!row) throw new Error(`wish ${w.id} vanished while finishing`)
  return row
}

/** `deadline is null or deadline > now`: the wish may still be claimed, fulfilled, confirmed. */
export const beforeDeadline = (now: Date) => sql`(${wishes.deadline} is null or ${wishes.deadline} > ${now.toISOString()}::timestamptz)`
