/**
 * Reading wishes: one, a page by status, grid subtree, poster or volunteer
 * (newest first, the community's one page cursor), what a scope check needs,
 * and how many wishes were posted, claimed, fulfilled, confirmed, cancelled
 * and expired in a month, quarter or year of the community's time zone.
 *
 * @example
 * const page = await listWishes(ctx, { tenantId, status: 'published', gridPath: 'root/g1/' })
 * const counts = await wishCounts(ctx, { tenantId, period: '2026-Q1' })
 */
import { afterCursor } from '../storage/keyset.js'
import { Id } from '@timebank/ledger'
import { rows } from '@timebank/ledger/kit'
import { type SQL, and, desc, eq, inArray, like, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { PageCursor, pageCursor, readCursor } from '../domain/cursor.js'
import { CommunityErrorCode, notFound } from '../domain/errors.js'
import { GridPath } from '../domain/grid.js'
import { CommunityId } from '../domain/ids.js'
import { Period, bounds } from '../domain/periods.js'
import { parse } from '../domain/validate.js'
import { WishStatus } from '../domain/wish.js'
import { subtreePattern } from '../grids/reads.js'
import { grids, members } from '../storage/schema.js'
import { wishes } from '../storage/wishes-schema.js'
import { type Wish, type WishRow, wishView } from './view.js'

/** The full views of rows, with their posters and volunteers read in one query. */
export async function viewAll(ctx: CommunityContext, found: WishRow[]): Promise<Wish[]> {
  if (found.length === 0) return []
  const tenantId = (found[0] as WishRow).tenantId
  const ids = [...new Set(found.flatMap((w) => (w.claimantId === null ? [w.posterId] : [w.posterId, w.claimantId])))]
  const people = await ctx.db
    .select()
    .from(members)
    .where(and(eq(members.tenantId, tenantId), inArray(members.id, ids)))
  const byId = new Map(people.map((m) => [m.id, m]))
  return found.map((w) => wishView(w, byId.get(w.posterId), w.claimantId === null ? undefined : byId.get(w.claimantId)))
}

export const viewOne = async (ctx: CommunityContext, w: WishRow): Promise<Wish> => (await viewAll(ctx, [w]))[0] as Wish

/** The wish's row; WISH_NOT_FOUND when there is none. */
export async function requireWish(db: Pick<CommunityContext['db'], 'select'>, tenantId: string, wishId: string): Promise<WishRow> {
  const [row] = await db
    .select()
    .from(wishes)
    .where(and(eq(wishes.tenantId, tenantId), eq(wishes.id, wishId)))
  if (!row) throw notFound(CommunityErrorCode.WISH_NOT_FOUND, 'wish', wishId, 'wishId')
  return row
}

export const GetWishInput = z.strictObject({ tenantId: Id, wishId: CommunityId })

export async function getWish(ctx: CommunityContext, input: z.input<typeof GetWishInput>): Promise<Wish> {
  const q = parse(GetWishInput, input)
  return viewOne(ctx, await requireWish(ctx.db, q.tenantId, q.wishId))
}

export const ListWishesInput = z.strictObject({
  tenantId: Id,
  status: WishStatus.optional(),
  /** Only wishes in this grid's subtree (its path, e.g. `root/g1/`). */
  gridPath: GridPath.optional(),
  posterId: CommunityId.optional(),
  claimantId: CommunityId.optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  /** The previous page's `nextCursor`. */
  cursor: PageCursor.optional(),
})

export interface WishPage {
  wishes: Wish[]
  nextCursor: string | null
}

/** Newest first; the cursor is the last wish's creation instant and id. */
export async function listWishes(ctx: CommunityContext, input: z.input<typeof ListWishesInput>): Promise<WishPage> {
  const q = parse(ListWishesInput, input)
  const where: SQL[] = [eq(wishes.tenantId, q.tenantId)]
  if (q.status) where.push(eq(wishes.status, q.status))
  if (q.posterId) where.push(eq(wishes.posterId, q.posterId))
  if (q.claimantId) where.push(eq(wishes.claimantId, q.claimantId))
  if (q.cursor) {
    where.push(afterCursor(wishes.createdAt, wishes.id, readCursor(q.cursor), 'desc'))
  }
  const base = ctx.db.select({ w: wishes }).from(wishes)
  const scoped =
    q.gridPath === undefined ? base : base.innerJoin(grids, and(eq(grids.tenantId, wishes.tenantId), eq(grids.id, wishes.gridId)))
  if (q.gridPath !== undefined) where.push(like(grids.path, subtreePattern(q.gridPath)))
  const found = await scoped
    .where(and(...where))
    .orderBy(desc(wishes.createdAt), desc(wishes.id))
    .limit(q.limit + 1)
  const page = await viewAll(
    ctx,
    found.slice(0, q.limit).map((x) => x.w),
  )
  const last = page[page.length - 1]
  return { wishes: page, nextCursor: found.length > q.limit && last ? pageCursor(last.createdAt, last.id) : null }
}

/** For scope checks: the wish's poster, volunteer and grid path (null when it has no grid); null for no such wish. */
export async function wishScope(
  ctx: CommunityContext,
  tenantId: string,
  wishId: string,
): Promise<{ posterId: string; claimantId: string | null; gridPath: string | null } | null> {
  if (!CommunityId.safeParse(wishId).success) return null
  const [found] = await ctx.db
    .select({ posterId: wishes.posterId, claimantId: wishes.claimantId, path: grids.path })
    .from(wishes)
    .leftJoin(grids, and(eq(grids.tenantId, wishes.tenantId), eq(grids.id, wishes.gridId)))
    .where(and(eq(wishes.tenantId, tenantId), eq(wishes.id, wishId)))
  return found ? { posterId: found.posterId, claimantId: found.claimantId, gridPath: found.path ?? null } : null
}

export const WishCountsInput = z.strictObject({ tenantId: Id, period: Period, gridPath: GridPath.optional() })

export const WishCountsOutput = z.object({
  period: Period,
  posted: z.number().int().describe('Wishes published in the period.'),
  claimed: z.number().int().describe('Wishes claimed (认领) in the period, each once however often it was released and claimed again.'),
  fulfilled: z.number().int().describe('Wishes their volunteer marked fulfilled in the period.'),
  confirmed: z.number().int().describe('Wishes confirmed (落实) in the period: the reward paid.'),
  cancelled: z.number().int(),
  expired: z.number().int(),
})
export type WishCounts = z.output<typeof WishCountsOutput>

const COUNTED = ['published', 'claimed', 'fulfilled', 'confirmed', 'cancelled', 'expired'] as const

/** Counts of the period, in the community's time zone, from the wishes' event log. Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
export async function wishCounts(ctx: CommunityContext, input: z.input<typeof WishCountsInput>): Promise<WishCounts> {
  const q = parse(WishCountsInput, input)
  const { settings } = await ctx.community(q.tenantId)
  const { from, to } = bounds(q.period, settings.timeZone)
  const scoped =
    q.gridPath === undefined
      ? sql``
      : sql`and exists (select 1 from cm_wishes w join cm_grids g on g.tenant_id = w.tenant_id and g.id = w.grid_id
                         where w.tenant_id = e.tenant_id and w.id = e.wish_id and g.path like ${subtreePattern(q.gridPath)})`
  const found = await rows<{ action: string; n: string }>(
    ctx.db,
    sql`select e.action, count(distinct e.wish_id)::text as n from cm_wish_events e
        where e.tenant_id = ${q.tenantId} and e.action in ('published', 'claimed', 'fulfilled', 'confirmed', 'cancelled', 'expired')
          and e.at >= ${from.toISOString()}::timestamptz and e.at < ${to.toISOString()}::timestamptz ${scoped}
        group by e.action`,
  )
  const n = new Map(found.map((r) => [r.action, Number(r.n)]))
  const get = (a: (typeof COUNTED)[number]) => n.get(a) ?? 0
  return {
    period: q.period,
    posted: get('published'),
    claimed: get('claimed'),
    fulfilled: get('fulfilled'),
    confirmed: get('confirmed'),
    cancelled: get('cancelled'),
    expired: get('expired'),
  }
}
