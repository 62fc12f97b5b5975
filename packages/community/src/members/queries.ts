/**
 * Reading members: one in full (for staff), and pages by status, grid subtree
 * or a search, keyset by id, in the full view or masked (the default: the API
 * chooses by caller).
 *
 * @example
 * const member = await getMember(ctx, { tenantId, memberId: 'ana' })
 * const page = await listMembers(ctx, { tenantId, gridPath: 'root/g1/', status: 'active' })   // masked
 */
import { Id } from '@timebank/ledger'
import { type SQL, and, asc, eq, gt, ilike, like, or } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { GridPath } from '../domain/grid.js'
import { CommunityErrorCode, notFound } from '../domain/errors.js'
import { CommunityId } from '../domain/ids.js'
import { MemberStatus } from '../domain/member.js'
import { dateIn } from '../domain/periods.js'
import { parse } from '../domain/validate.js'
import { escapeLike, subtreePattern } from '../grids/reads.js'
import { requireMember } from '../storage/member-reads.js'
import { grids, members } from '../storage/schema.js'
import { type Member, MemberOutput, type PublicMember, PublicMemberOutput, memberView, publicMemberView } from './view.js'

export const GetMemberInput = z.strictObject({ tenantId: Id, memberId: CommunityId })
export type GetMemberInput = z.input<typeof GetMemberInput>

export const MemberViewKind = z.enum(['full', 'masked'])

export const ListMembersInput = z.strictObject({
  tenantId: Id,
  status: MemberStatus.optional(),
  /** Only members placed in this grid's subtree (its path, e.g. `root/g1/`). */
  gridPath: GridPath.optional(),
  /** Part of a name, part of a phone number, or the start of an id. */
  search: z.string().trim().min(1).max(100).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  /** The previous page's `nextAfter` (a member id). */
  after: CommunityId.optional(),
  /** `full` for staff who may see personal data; `masked` otherwise. */
  view: MemberViewKind.default('masked'),
})
export type ListMembersInput = z.input<typeof ListMembersInput>

export const MemberPageOutput = z.discriminatedUnion('view', [
  z.object({ view: z.literal('full'), members: z.array(MemberOutput), nextAfter: z.string().nullable() }),
  z.object({ view: z.literal('masked'), members: z.array(PublicMemberOutput), nextAfter: z.string().nullable() }),
])
export type MemberPage =
  | { view: 'full'; members: Member[]; nextAfter: string | null }
  | { view: 'masked'; members: PublicMember[]; nextAfter: string | null }

/** The member's full record. */
export async function getMember(ctx: CommunityContext, input: GetMemberInput): Promise<Member> {
  const { tenantId, memberId } = parse(GetMemberInput, input)
  return memberView(await requireMember(ctx.db, tenantId, memberId))
}

/** A page of members ordered by id. */
export async function listMembers(ctx: CommunityContext, input: ListMembersInput): Promise<MemberPage> {
  const q = parse(ListMembersInput, input)
  const { settings } = await ctx.community(q.tenantId)
  const where: SQL[] = [eq(members.tenantId, q.tenantId)]
  if (q.status) where.push(eq(members.status, q.status))
  if (q.after) where.push(gt(members.id, q.after))
  if (q.search) {
    const text = escapeLike(q.search)
    const digits = q.search.replace(/[\s.-]/g, '')
    const found = [ilike(members.name, `%${text}%`), like(members.id, `${text}%`)]
    if (/^\+?\d{3,}$/.test(digits)) found.push(like(members.phone, `%${escapeLike(digits)}%`))
    where.push(or(...found) as SQL)
  }
  const base = ctx.db.select({ m: members }).from(members)
  const scoped =
    q.gridPath === undefined ? base : base.innerJoin(grids, and(eq(grids.tenantId, members.tenantId), eq(grids.id, members.gridId)))
  if (q.gridPath !== undefined) where.push(like(grids.path, subtreePattern(q.gridPath)))
  const found = await scoped
    .where(and(...where))
    .orderBy(asc(members.id))
    .limit(q.limit + 1)
  const rows = found.slice(0, q.limit).map((x) => x.m)
  const last = rows[rows.length - 1]
  const nextAfter = found.length > q.limit && last ? last.id : null
  if (q.view === 'full') return { view: 'full', members: rows.map(memberView), nextAfter }
  const today = dateIn(ctx.now(), settings.timeZone)
  return { view: 'masked', members: rows.map((m) => publicMemberView(m, today)), nextAfter }
}

/** The path of the grid a member is placed in (null when unplaced); MEMBER_NOT_FOUND when there is no such member. For scope checks. */
export async function memberGridPath(ctx: CommunityContext, tenantId: string, memberId: string): Promise<string | null> {
  const [row] = await ctx.db
    .select({ path: grids.path })
    .from(members)
    .leftJoin(grids, and(eq(grids.tenantId, members.tenantId), eq(grids.id, members.gridId)))
    .where(and(eq(members.tenantId, tenantId), eq(members.id, memberId)))
  if (!row) throw notFound(CommunityErrorCode.MEMBER_NOT_FOUND, 'member', memberId, 'memberId')
  return row.path ?? null
}
