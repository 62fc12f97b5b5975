/**
 * Family links between members, stored in both directions (ana's child bo is
 * bo's parent ana) in one statement, so either side lists them and gifting
 * can ask whether two members are direct relatives.
 *
 * @example
 * await addRelative(ctx, { tenantId, memberId: 'ana', relativeId: 'bo', relation: 'child' })
 * await listRelatives(ctx, { tenantId, memberId: 'bo' })   // [{ relativeId: 'ana', relation: 'parent', … }]
 */
import { Id } from '@timebank/ledger'
import { and, asc, eq, or } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityError, CommunityErrorCode } from '../domain/errors.js'
import { CommunityId } from '../domain/ids.js'
import { Relation, inverseRelation } from '../domain/member.js'
import { parse } from '../domain/validate.js'
import { requireMember, requireNotErased } from '../storage/member-reads.js'
import { relatives } from '../storage/schema.js'

export const AddRelativeInput = z
  .strictObject({
    tenantId: Id,
    memberId: CommunityId,
    relativeId: CommunityId,
    /** What the relative is to the member: `child` means relativeId is memberId's child. */
    relation: Relation,
  })
  .refine((r) => r.memberId !== r.relativeId, { message: 'a member is not their own relative', path: ['relativeId'] })
export type AddRelativeInput = z.input<typeof AddRelativeInput>

export const RemoveRelativeInput = z.strictObject({ tenantId: Id, memberId: CommunityId, relativeId: CommunityId })
export type RemoveRelativeInput = z.input<typeof RemoveRelativeInput>

export const ListRelativesInput = z.strictObject({ tenantId: Id, memberId: CommunityId })
export type ListRelativesInput = z.input<typeof ListRelativesInput>

export const RelativeOutput = z.object({
  memberId: z.string(),
  relativeId: z.string(),
  relation: Relation.describe('What the relative is to the member.'),
  since: z.date(),
})
export type RelativeLink = z.output<typeof RelativeOutput>

type Row = typeof relatives.$inferSelect
const linkView = (r: Row): RelativeLink => ({
  memberId: r.memberId,
  relativeId: r.relativeId,
  relation: r.relation as Relation,
  since: r.createdAt,
})

const pair = (tenantId: string, a: string, b: string) =>
  or(
    and(eq(relatives.tenantId, tenantId), eq(relatives.memberId, a), eq(relatives.relativeId, b)),
    and(eq(relatives.tenantId, tenantId), eq(relatives.memberId, b), eq(relatives.relativeId, a)),
  )

/**
 * Link two members, both directions at once. The same link again changes nothing (`added: false`); a
 * link the two already have under another relation is refused (remove it first).
 */
export async function addRelative(ctx: CommunityContext, input: AddRelativeInput): Promise<{ relative: RelativeLink; added: boolean }> {
  const r = parse(AddRelativeInput, input)
  await ctx.community(r.tenantId)
  const now = ctx.now()
  const result = await ctx.db.transaction(async (tx) => {
    // Both members locked, in id order (two links of the same pair never wait on each other in a cycle): an erasure
    // under way is waited for and then refuses the link, rather than the link being written beside it and outliving it.
    for (const id of [r.memberId, r.relativeId].sort()) await requireNotErased(tx, r.tenantId, id, 'update')
    const both = [
      { tenantId: r.tenantId, memberId: r.memberId, relativeId: r.relativeId, relation: r.relation, createdAt: now },
      { tenantId: r.tenantId, memberId: r.relativeId, relativeId: r.memberId, relation: inverseRelation(r.relation), createdAt: now },
    ].sort((a, b) => (a.memberId < b.memberId ? -1 : 1))
    // One statement, rows in id order: two requests linking the same pair wait for each other, never deadlock.
    const inserted = await tx.insert(relatives).values(both).onConflictDoNothing().returning()
    const stored = await tx
      .select()
      .from(relatives)
      .where(pair(r.tenantId, r.memberId, r.relativeId))
    const mine = stored.find((s) => s.memberId === r.memberId)
    const theirs = stored.find((s) => s.memberId === r.relativeId)
    if (!mine || mine.relation !== r.relation || theirs?.relation !== inverseRelation(r.relation)) {
      throw new CommunityError(
        CommunityErrorCode.VALIDATION,
        `relativeId: ${r.relativeId} is already linked to ${r.memberId} as ${mine?.relation ?? theirs?.relation}`,
        { issues: [{ path: 'relativeId', message: `already linked as ${mine?.relation}` }], relation: mine?.relation ?? null },
      )
    }
    return { relative: linkView(mine), added: inserted.length > 0 }
  })
  forgetPair(ctx, r.tenantId, r.memberId, r.relativeId)
  return result
}

/** Both members' remembered relatives are stale once their link changed. */
function forgetPair(ctx: CommunityContext, tenantId: string, a: string, b: string): void {
  ctx.forgetRelatives(tenantId, a)
  ctx.forgetRelatives(tenantId, b)
}

/** Unlink two members, both directions. */
export async function removeRelative(ctx: CommunityContext, input: RemoveRelativeInput): Promise<{ removed: boolean }> {
  const r = parse(RemoveRelativeInput, input)
  await ctx.community(r.tenantId)
  const gone = await ctx.db
    .delete(relatives)
    .where(pair(r.tenantId, r.memberId, r.relativeId))
    .returning()
  forgetPair(ctx, r.tenantId, r.memberId, r.relativeId)
  return { removed: gone.length > 0 }
}

/** The member's relatives, each with what they are to the member. */
export async function listRelatives(ctx: CommunityContext, input: ListRelativesInput): Promise<RelativeLink[]> {
  const r = parse(ListRelativesInput, input)
  await requireMember(ctx.db, r.tenantId, r.memberId)
  const found = await ctx.db
    .select()
    .from(relatives)
    .where(and(eq(relatives.tenantId, r.tenantId), eq(relatives.memberId, r.memberId)))
    .orderBy(asc(relatives.relativeId))
  return found.map(linkView)
}

/** What `otherId` is to `memberId` (`parent`, `spouse`…), or null when they are not linked: for gifting rules. */
export async function relationBetween(
  ctx: Pick<CommunityContext, 'db'>,
  tenantId: string,
  memberId: string,
  otherId: string,
): Promise<Relation | null> {
  const [row] = await ctx.db
    .select({ relation: relatives.relation })
    .from(relatives)
    .where(and(eq(relatives.tenantId, tenantId), eq(relatives.memberId, memberId), eq(relatives.relativeId, otherId)))
  return (row?.relation as Relation | undefined) ?? null
}
