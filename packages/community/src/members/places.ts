/**
 * Where members live, over time: placing a member closes their open
 * placement and opens a new one, and sets their current grid; the history
 * answers where a member was at any instant (`gridOfMemberAt`; closing a
 * period places its members by the same rule, `placementAt`, inside its own
 * query). Placements name grid ids, so moving a grid rewrites nothing here.
 *
 * @example
 * await placeMember(ctx, { tenantId, memberId: 'ana', gridId: 'b7', actor: 'key_1' })
 * await gridOfMemberAt(ctx, tenantId, 'ana', new Date('2026-01-15T00:00:00Z'))   // 'b3', say
 */
import { Id } from '@timebank/ledger'
import { and, asc, desc, eq, isNull } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityId } from '../domain/ids.js'
import { parse } from '../domain/validate.js'
import { requireGrid } from '../grids/reads.js'
import { placementAt, requireMember, requireNotErased } from '../storage/member-reads.js'
import { memberPlaces, members } from '../storage/schema.js'
import { type Member, memberView } from './view.js'

export const PlaceMemberInput = z.strictObject({
  tenantId: Id,
  memberId: CommunityId,
  gridId: CommunityId,
  actor: z.string().min(1).max(200),
})
export type PlaceMemberInput = z.input<typeof PlaceMemberInput>

export const MemberPlacesInput = z.strictObject({ tenantId: Id, memberId: CommunityId })
export type MemberPlacesInput = z.input<typeof MemberPlacesInput>

export const PlaceOutput = z.object({
  gridId: z.string(),
  since: z.date(),
  until: z.date().nullable().describe('Null for where the member lives now.'),
  placedBy: z.string().nullable(),
})
export type Place = z.output<typeof PlaceOutput>

/** Place a member in a grid from now on. The grid they are in already changes nothing (`moved: false`). */
export async function placeMember(ctx: CommunityContext, input: PlaceMemberInput): Promise<{ member: Member; moved: boolean }> {
  const p = parse(PlaceMemberInput, input)
  await ctx.community(p.tenantId)
  const now = ctx.now()
  return ctx.db.transaction(async (tx) => {
    // Locked: an erasure waits for the placement, or the placement sees the member erased.
    const m = await requireNotErased(tx, p.tenantId, p.memberId, 'update')
    await requireGrid(tx, p.tenantId, p.gridId)
    const [open] = await tx
      .select()
      .from(memberPlaces)
      .where(and(eq(memberPlaces.tenantId, p.tenantId), eq(memberPlaces.memberId, p.memberId), isNull(memberPlaces.until)))
      .orderBy(desc(memberPlaces.since))
      .limit(1)
    if (open?.gridId === p.gridId && m.gridId === p.gridId) return { member: memberView(m), moved: false }
    const thisOpen =
      open && and(eq(memberPlaces.tenantId, p.tenantId), eq(memberPlaces.memberId, p.memberId), eq(memberPlaces.since, open.since))
    if (open && thisOpen && open.since.getTime() >= now.getTime()) {
      // Placed again at the same instant: the first placement lasted no time, so it is replaced, not kept.
      await tx.update(memberPlaces).set({ gridId: p.gridId, placedBy: p.actor }).where(thisOpen)
    } else {
      if (thisOpen) await tx.update(memberPlaces).set({ until: now }).where(thisOpen)
      await tx.insert(memberPlaces).values({ tenantId: p.tenantId, memberId: p.memberId, since: now, gridId: p.gridId, placedBy: p.actor })
    }
    const [updated] = await tx
      .update(members)
      .set({ gridId: p.gridId })
      .where(and(eq(members.tenantId, p.tenantId), eq(members.id, p.memberId)))
      .returning()
    return { member: memberView(updated ?? m), moved: true }
  })
}

/** Every placement of the member, oldest first. */
export async function memberPlacesOf(ctx: CommunityContext, input: MemberPlacesInput): Promise<Place[]> {
  const q = parse(MemberPlacesInput, input)
  await requireMember(ctx.db, q.tenantId, q.memberId)
  const found = await ctx.db
    .select()
    .from(memberPlaces)
    .where(and(eq(memberPlaces.tenantId, q.tenantId), eq(memberPlaces.memberId, q.memberId)))
    .orderBy(asc(memberPlaces.since))
  return found.map((r) => ({ gridId: r.gridId, since: r.since, until: r.until, placedBy: r.placedBy }))
}

/** The grid a member was placed in at an instant (a placement counts from `since`, up to but not at `until`), or null. */
export async function gridOfMemberAt(
  ctx: Pick<CommunityContext, 'db'>,
  tenantId: string,
  memberId: string,
  at: Date,
): Promise<string | null> {
  const [row] = await ctx.db
    .select({ gridId: memberPlaces.gridId })
    .from(memberPlaces)
    .where(and(eq(memberPlaces.tenantId, tenantId), eq(memberPlaces.memberId, memberId), placementAt(at)))
    .orderBy(desc(memberPlaces.since))
    .limit(1)
  return row?.gridId ?? null
}
