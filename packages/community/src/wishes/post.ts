/**
 * Posting a wish: for the resident themselves or by staff on their behalf,
 * in the resident's grid unless another is named, with an optional deadline
 * and an optional points reward held from its sponsor (an organisation or the
 * community pool) until the wish is confirmed, cancelled or expired. A hold
 * the ledger refuses leaves the wish `refused`; the same post again retries.
 * Idempotent by the wish's id: the same wish again is a replay, another under
 * the same id is refused.
 *
 * @example
 * await postWish(ctx, { tenantId, id: 'bag-for-lili', posterId: 'lili', title: '一个新书包', description: '…',
 *   reward: { points: '20', sponsor: { type: 'pool' } }, actor: 'key_1' })
 */
import { Id, InstantText, Text } from '@timebank/ledger'
import { createOnce, requestHash } from '@timebank/ledger/kit'
import { and, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityError, CommunityErrorCode, notFound } from '../domain/errors.js'
import { ASSETS, COMMUNITY_OWNER, CommunityId, organisationAccount, poolAccount, wishEscrowAccount } from '../domain/ids.js'
import { parse } from '../domain/validate.js'
import { requireGrid } from '../grids/reads.js'
import { requireActiveMember } from '../storage/member-reads.js'
import { organisations } from '../storage/schema.js'
import { wishes } from '../storage/wishes-schema.js'
import { finishIntent } from './steps.js'
import type { Wish, WishRow } from './view.js'
import { viewOne } from './reads.js'

const When = z.union([z.date(), InstantText.transform((s) => new Date(s))])

/** Whole points (the POINT asset has no decimals): "1" to "999999999999"; "1.5" or "10.0" is refused, never rounded. */
export const WishPoints = z.string().regex(/^[1-9]\d{0,11}$/, 'reward points are whole points from "1" to "999999999999"')

export const WishSponsorInput = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('organisation'), id: CommunityId }),
  z.strictObject({ type: z.literal('pool') }),
])

export const PostWishInput = z.strictObject({
  tenantId: Id,
  /** The client's id for the wish: posting it again with the same content returns it. */
  id: CommunityId,
  /** The resident the wish is for. */
  posterId: CommunityId,
  title: Text(1, 200),
  description: Text(0, 4000),
  /** Where the wish is; the poster's grid by default. */
  gridId: CommunityId.optional(),
  /** After this instant it can no longer be claimed, fulfilled or confirmed; `expireWishes` closes it. */
  deadline: When.optional(),
  /** Points paid to the volunteer on confirmation, held from the sponsor from now on. */
  reward: z.strictObject({ points: WishPoints, sponsor: WishSponsorInput }).optional(),
  /** Who posts it (the key's id). */
  actor: z.string().min(1).max(200),
})
export type PostWishInput = z.input<typeof PostWishInput>

/** The sponsor's ledger account; ORGANISATION_NOT_FOUND for an organisation missing or inactive. */
async function sponsorOf(ctx: CommunityContext, tenantId: string, sponsor: z.output<typeof WishSponsorInput>) {
  if (sponsor.type === 'pool') return { type: 'pool', id: null, account: poolAccount(ASSETS.points) }
  const [org] = await ctx.db
    .select()
    .from(organisations)
    .where(and(eq(organisations.tenantId, tenantId), eq(organisations.id, sponsor.id)))
  if (!org || org.status !== 'active')
    throw notFound(CommunityErrorCode.ORGANISATION_NOT_FOUND, 'organisation', sponsor.id, 'organisationId')
  return { type: 'organisation', id: org.id, account: organisationAccount(org.id, ASSETS.points) }
}

/**
 * Post a wish; with a reward, the sponsor's points are held at once (the ledger's refusal, e.g.
 * INSUFFICIENT_FUNDS, is thrown; the wish stays `refused`, holding nothing, until posted again).
 */
export async function postWish(ctx: CommunityContext, input: PostWishInput): Promise<{ wish: Wish; replayed: boolean }> {
  const w = parse(PostWishInput, input)
  await ctx.community(w.tenantId)
  const now = ctx.now()
  if (w.deadline !== undefined && w.deadline.getTime() <= now.getTime()) {
    throw new CommunityError(CommunityErrorCode.VALIDATION, 'the deadline has already passed', {
      issues: [{ path: 'deadline', message: 'the deadline has already passed' }],
    })
  }
  const poster = await requireActiveMember(ctx.db, w.tenantId, w.posterId)
  const gridId = w.gridId ?? poster.gridId
  if (w.gridId !== undefined) await requireGrid(ctx.db, w.tenantId, w.gridId)
  const sponsor = w.reward ? await sponsorOf(ctx, w.tenantId, w.reward.sponsor) : null
  if (sponsor) {
    // Idempotent in the ledger; opened here rather than at set-up so communities set up before wishes get it too.
    await ctx.ledger.openAccount({
      tenantId: w.tenantId,
      id: wishEscrowAccount(ASSETS.points),
      asset: ASSETS.points,
      owner: COMMUNITY_OWNER,
      kind: 'escrow',
    })
  }
  const fields = {
    posterId: w.posterId,
    title: w.title,
    description: w.description,
    gridId,
    deadline: w.deadline ?? null,
    rewardPoints: w.reward ? BigInt(w.reward.points) : null,
    sponsorAccount: sponsor?.account ?? null,
    sponsorType: sponsor?.type ?? null,
    sponsorId: sponsor?.id ?? null,
    createdBy: w.actor,
  }
  const hash = requestHash({
    ...fields,
    deadline: fields.deadline?.toISOString() ?? null,
    rewardPoints: fields.rewardPoints?.toString() ?? null,
  })
  const { row, replayed } = await ctx.db.transaction((tx) =>
    createOnce<WishRow>({
      hash,
      insert: async () => {
        const [created] = await tx
          .insert(wishes)
          .values({ tenantId: w.tenantId, id: w.id, ...fields, status: 'publishing', requestHash: hash, createdAt: now })
          .onConflictDoNothing()
          .returning()
        return created
      },
      existing: async () => {
        const [prior] = await tx
          .select()
          .from(wishes)
          .where(and(eq(wishes.tenantId, w.tenantId), eq(wishes.id, w.id)))
        return prior && { row: prior, requestHash: prior.requestHash }
      },
      conflict: () => new CommunityError(CommunityErrorCode.WISH_EXISTS, `wish ${w.id} exists with other content`, { wishId: w.id }),
    }),
  )
  // The same wish refused before (its sponsor lacked the points) is tried again.
  let current = row
  let again = false
  if (replayed && row.status === 'refused') {
    const [reopened] = await ctx.db
      .update(wishes)
      .set({ status: 'publishing' })
      .where(and(eq(wishes.tenantId, w.tenantId), eq(wishes.id, w.id), eq(wishes.status, 'refused')))
      .returning()
    if (reopened) {
      current = reopened
      again = true
    }
  }
  // A replay of a wish still publishing (its poster crashed, or is racing us) finishes it: the hold replays.
  const published = await finishIntent(ctx, current, w.actor)
  return { wish: await viewOne(ctx, published), replayed: replayed && !again }
}
