/**
 * What people do with a published wish: a volunteer claims it (认领; of many
 * claiming at once exactly one wins, by a conditional update), releases it or
 * marks it fulfilled; its poster (or staff) confirms it (落实: the reward paid
 * to the volunteer) or cancels it (the hold released); `expireWishes` closes
 * the wishes whose deadline passed. Each change is one conditional update:
 * it lands only from the state it was decided on, so a racing change makes it
 * answer as the wish now stands. Confirming, cancelling and expiring are
 * intents finished by their ledger step (steps.ts); asking again finishes one
 * a crash left, and a finished one answers as it is.
 *
 * `memberId` is the member acting (a member's own key); absent when staff act
 * on the community's behalf, who may do what the poster or volunteer may.
 *
 * @example
 * await claimWish(ctx, { tenantId, wishId: 'bag-for-lili', volunteerId: 'bo', actor: 'key_bo' })
 */
import { Id, Text, isLedgerError } from '@timebank/ledger'
import { type SQL, and, asc, eq, inArray, lte, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityError, CommunityErrorCode } from '../domain/errors.js'
import { CommunityId } from '../domain/ids.js'
import { parse } from '../domain/validate.js'
import { OPEN_WISH, type WishAction, type WishStatus, nextWishStatus, wishPartyRefusal, wishTransitionRefusal } from '../domain/wish.js'
import { enforceWishReward } from '../policy-check.js'
import { requireActiveMember } from '../storage/member-reads.js'
import { wishes } from '../storage/wishes-schema.js'
import { requireWish, viewOne } from './reads.js'
import { beforeDeadline, finishIntent, logWish } from './steps.js'
import type { Wish, WishRow } from './view.js'

const Actor = z.string().min(1).max(200)
const Ref = { tenantId: Id, wishId: CommunityId, actor: Actor }

export const ClaimWishInput = z.strictObject({ ...Ref, volunteerId: CommunityId })
export const FulfilWishInput = z.strictObject({ ...Ref, volunteerId: CommunityId, note: Text(0, 2000).optional() })
export const ReleaseWishInput = z.strictObject({ ...Ref, memberId: CommunityId.optional() })
export const ConfirmWishInput = z.strictObject({ ...Ref, memberId: CommunityId.optional() })
export const CancelWishInput = z.strictObject({ ...Ref, memberId: CommunityId.optional(), reason: Text(1, 2000).optional() })
export const ExpireWishesInput = z.strictObject({ tenantId: Id, actor: Actor, limit: z.number().int().min(1).max(10_000).default(1000) })

const refuse = (w: WishRow, action: WishAction, now: Date, member?: string) => {
  const refusal = wishPartyRefusal(w, action, now, member) ?? wishTransitionRefusal(w.status as WishStatus, action, w.id)
  if (refusal) throw refusal
}

const key = (w: WishRow, from: readonly string[]) =>
  and(eq(wishes.tenantId, w.tenantId), eq(wishes.id, w.id), inArray(wishes.status, [...from])) as SQL

/**
 * Change a wish from the state it was read in, conditionally; log the event in the same transaction.
 * Null when another change landed first (the caller reads it again and answers as it stands).
 */
async function change(
  ctx: CommunityContext,
  w: WishRow,
  action: WishAction,
  extra: SQL[],
  set: Partial<WishRow>,
  event: { action: string; actor: string; detail?: Record<string, unknown> } | null,
): Promise<WishRow | null> {
  const now = ctx.now()
  const to = nextWishStatus(w.status as WishStatus, action) as WishStatus
  return ctx.db.transaction(async (tx) => {
    const [changed] = await tx
      .update(wishes)
      .set({ ...set, status: to })
      .where(and(key(w, [w.status]), ...extra))
      .returning()
    if (changed && event) await logWish(tx, w, event.action, event.actor, now, event.detail)
    return changed ?? null
  })
}

/**
 * Claim a published wish for a volunteer (exactly one of many concurrent claims wins; the others get
 * WISH_ALREADY_CLAIMED); the volunteer's claim again answers the wish as it is. A volunteer the points cap leaves no
 * room for the reward is refused (POLICY_VIOLATION) while nothing is done yet: the claim would keep the wish from
 * volunteers who can be paid, for work its confirmation would then refuse to reward. They may make room and claim again.
 */
export async function claimWish(ctx: CommunityContext, input: z.input<typeof ClaimWishInput>): Promise<Wish> {
  const q = parse(ClaimWishInput, input)
  await ctx.community(q.tenantId)
  await requireActiveMember(ctx.db, q.tenantId, q.volunteerId)
  for (;;) {
    const w = await requireWish(ctx.db, q.tenantId, q.wishId)
    if (w.claimantId === q.volunteerId && (w.status === 'claimed' || w.status === 'fulfilled')) return viewOne(ctx, w)
    const now = ctx.now()
    if (w.claimantId !== null && (w.status === 'claimed' || w.status === 'fulfilled')) {
      throw new CommunityError(CommunityErrorCode.WISH_ALREADY_CLAIMED, `wish ${w.id} is claimed by another volunteer`, { wishId: w.id })
    }
    refuse(w, 'claim', now, q.volunteerId)
    if (w.rewardPoints !== null) await enforceWishReward(ctx, { tenantId: q.tenantId, volunteerId: q.volunteerId, points: w.rewardPoints })
    const claimed = await change(
      ctx,
      w,
      'claim',
      [beforeDeadline(now), sql`${wishes.claimantId} is null`],
      { claimantId: q.volunteerId, claimedAt: now },
      { action: 'claimed', actor: q.actor, detail: { volunteer: q.volunteerId } },
    )
    if (claimed) return viewOne(ctx, claimed)
  }
}

/** Give a claimed (or fulfilled) wish back: published again, the hold kept. Among members only its volunteer may. */
export async function releaseWish(ctx: CommunityContext, input: z.input<typeof ReleaseWishInput>): Promise<Wish> {
  const q = parse(ReleaseWishInput, input)
  await ctx.community(q.tenantId)
  for (;;) {
    const w = await requireWish(ctx.db, q.tenantId, q.wishId)
    refuse(w, 'release', ctx.now(), q.memberId)
    const released = await change(
      ctx,
      w,
      'release',
      [eq(wishes.claimantId, w.claimantId as string)],
      { claimantId: null, claimedAt: null, fulfilledAt: null, fulfilNote: null },
      { action: 'released', actor: q.actor, detail: { volunteer: w.claimantId } },
    )
    if (released) return viewOne(ctx, released)
  }
}

/** The volunteer marks a claimed wish fulfilled; marking it again answers it as it is. */
export async function fulfilWish(ctx: CommunityContext, input: z.input<typeof FulfilWishInput>): Promise<Wish> {
  const q = parse(FulfilWishInput, input)
  await ctx.community(q.tenantId)
  for (;;) {
    const w = await requireWish(ctx.db, q.tenantId, q.wishId)
    if (w.claimantId === q.volunteerId && w.status === 'fulfilled') return viewOne(ctx, w)
    const now = ctx.now()
    refuse(w, 'fulfil', now, q.volunteerId)
    const fulfilled = await change(
      ctx,
      w,
      'fulfil',
      [beforeDeadline(now), eq(wishes.claimantId, q.volunteerId)],
      { fulfilledAt: now, fulfilNote: q.note ?? null },
      { action: 'fulfilled', actor: q.actor, detail: { volunteer: q.volunteerId } },
    )
    if (fulfilled) return viewOne(ctx, fulfilled)
  }
}

/** Claim an intent from an open state (its ledger step then runs in finishIntent). */
async function claimIntent(
  ctx: CommunityContext,
  w: WishRow,
  action: 'confirm' | 'cancel' | 'expire',
  actor: string,
  extra: SQL[],
  reason?: string,
) {
  return change(ctx, w, action, extra, { resumeStatus: w.status, closedBy: actor, reason: reason ?? null }, null)
}

/**
 * Confirm a fulfilled wish (落实): the hold posted and the reward paid to the volunteer in one ledger batch.
 * Among members only the poster may (never the volunteer). Asking again finishes a confirmation a crash left.
 * The volunteer must have room for the reward under the points cap now (balances move after a claim): otherwise
 * POLICY_VIOLATION before anything is claimed or posted, and the wish stays fulfilled. A confirmation already
 * claimed is finished without asking again: its reward may be in the ledger already.
 */
export async function confirmWish(ctx: CommunityContext, input: z.input<typeof ConfirmWishInput>): Promise<Wish> {
  const q = parse(ConfirmWishInput, input)
  await ctx.community(q.tenantId)
  for (;;) {
    const w = await requireWish(ctx.db, q.tenantId, q.wishId)
    const now = ctx.now()
    if (w.status === 'confirmed' || w.status === 'confirming') {
      const party = wishPartyRefusal({ ...w, deadline: null }, 'confirm', now, q.memberId)
      if (party) throw party
      return viewOne(ctx, await finishIntent(ctx, w, q.actor))
    }
    refuse(w, 'confirm', now, q.memberId)
    if (w.rewardPoints !== null && w.claimantId !== null) {
      await enforceWishReward(ctx, { tenantId: q.tenantId, volunteerId: w.claimantId, points: w.rewardPoints })
    }
    const claimed = await claimIntent(ctx, w, 'confirm', q.actor, [beforeDeadline(now)])
    if (claimed) return viewOne(ctx, await finishIntent(ctx, claimed, q.actor))
  }
}

/** Cancel an open wish (the hold voided). Among members only the poster may. Asking again finishes a cancellation a crash left. */
export async function cancelWish(ctx: CommunityContext, input: z.input<typeof CancelWishInput>): Promise<Wish> {
  const q = parse(CancelWishInput, input)
  await ctx.community(q.tenantId)
  for (;;) {
    const w = await requireWish(ctx.db, q.tenantId, q.wishId)
    const now = ctx.now()
    if (w.status === 'cancelled' || w.status === 'cancelling') {
      const party = wishPartyRefusal(w, 'cancel', now, q.memberId)
      if (party) throw party
      return viewOne(ctx, await finishIntent(ctx, w, q.actor))
    }
    refuse(w, 'cancel', now, q.memberId)
    const claimed = await claimIntent(ctx, w, 'cancel', q.actor, [], q.reason)
    if (claimed) return viewOne(ctx, await finishIntent(ctx, claimed, q.actor))
  }
}

/**
 * Close every open wish whose deadline has passed (its hold voided), and finish every expiry a crash left.
 * Idempotent: a wish expires once; running again finds nothing more to do. Returns how many this run closed
 * and how many the ledger refused (those stay open, to be tried by the next run).
 */
export async function expireWishes(
  ctx: CommunityContext,
  input: z.input<typeof ExpireWishesInput>,
): Promise<{ expired: number; refused: number }> {
  const q = parse(ExpireWishesInput, input)
  await ctx.community(q.tenantId)
  const now = ctx.now()
  const due = await ctx.db
    .select()
    .from(wishes)
    .where(and(eq(wishes.tenantId, q.tenantId), inArray(wishes.status, [...OPEN_WISH, 'expiring']), lte(wishes.deadline, now)))
    .orderBy(asc(wishes.deadline), asc(wishes.id))
    .limit(q.limit)
  let expired = 0
  let refused = 0
  for (const w of due) {
    const claimed =
      w.status === 'expiring' ? w : await claimIntent(ctx, w, 'expire', q.actor, [lte(wishes.deadline, now)], 'the deadline passed')
    // Changed meanwhile (claimed, confirmed, cancelled): the next run sees it as it is then.
    if (!claimed) continue
    try {
      const done = await finishIntent(ctx, claimed, q.actor)
      if (done.status === 'expired') expired++
    } catch (e) {
      if (isLedgerError(e)) refused++
      else throw e
    }
  }
  return { expired, refused }
}
