/**
 * Members' names for lists of records, sign-ups, attendance and redemptions,
 * read in one query for a page: each member's own name and public name (the
 * rules of domain/member.ts: masked 张*明, the pseudonym once erased), with
 * the path of their grid, so the caller can tell whom it may name in full.
 *
 * @example
 * const names = await memberNames(ctx, { tenantId, memberIds: ['ana', 'bo'] })
 * names.get('ana') // { name: '张小明', masked: '张*明', gridPath: 'root/g1/' }
 */
import { Id } from '@timebank/ledger'
import { and, eq, inArray } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityId } from '../domain/ids.js'
import { ownName, publicName } from '../domain/member.js'
import { parse } from '../domain/validate.js'
import { grids, members } from '../storage/schema.js'

export const MemberNamesInput = z.strictObject({
  tenantId: Id,
  /** A page's members; repeats are read once. */
  memberIds: z.array(CommunityId).max(5000),
})

export interface MemberName {
  /** Their own name; the pseudonym once erased. */
  name: string
  /** As shown in public: masked; the pseudonym once erased. */
  masked: string
  /** Their grid's path (null when unplaced), for scope checks. */
  gridPath: string | null
}

/** Names of the members that exist, by id; unknown ids are left out. */
export async function memberNames(ctx: CommunityContext, input: z.input<typeof MemberNamesInput>): Promise<Map<string, MemberName>> {
  const q = parse(MemberNamesInput, input)
  const ids = [...new Set(q.memberIds)]
  if (ids.length === 0) return new Map()
  const found = await ctx.db
    .select({ id: members.id, name: members.name, status: members.status, pseudonym: members.pseudonym, path: grids.path })
    .from(members)
    .leftJoin(grids, and(eq(grids.tenantId, members.tenantId), eq(grids.id, members.gridId)))
    .where(and(eq(members.tenantId, q.tenantId), inArray(members.id, ids)))
  return new Map(found.map((m) => [m.id, { name: ownName(m), masked: publicName(m), gridPath: m.path ?? null }]))
}
