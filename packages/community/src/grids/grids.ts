/**
 * The grid tree (网格): community > grid > sub-grid > building > unit, any
 * depth. Creating a grid is idempotent by its id; moving one rewrites the path
 * of its whole subtree in one statement. Members' placements name grid ids, so
 * where a member was stays true whatever moves.
 *
 * @example
 * await createGrid(ctx, { tenantId, id: 'root', parentId: null, name: '枫林社区', level: 'community', actor: 'key_1' })
 * await createGrid(ctx, { tenantId, id: 'g1', parentId: 'root', name: '第一网格', level: 'grid', actor: 'key_1' })
 * const { grids } = await listGrids(ctx, { tenantId, under: 'g1' })
 */
import { Id } from '@timebank/ledger'
import { requestHash, rows } from '@timebank/ledger/kit'
import { and, eq, like, type SQL, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityError, CommunityErrorCode, notFound } from '../domain/errors.js'
import { GridLevel, childPath, depthOf, isWithin } from '../domain/grid.js'
import { CommunityId } from '../domain/ids.js'
import { parse } from '../domain/validate.js'
import { requireActiveMember } from '../storage/member-reads.js'
import { createRow } from '../storage/create-row.js'
import { grids } from '../storage/schema.js'
import { lockTree, requireGrid, subtreePattern } from './reads.js'

const Actor = z.string().min(1).max(200)

export const CreateGridInput = z.strictObject({
  tenantId: Id,
  /** The client's id for the grid: creating it again with the same content returns it. */
  id: CommunityId,
  /** The parent grid; null or absent for a root (the community itself). */
  parentId: CommunityId.nullable().optional(),
  name: z.string().trim().min(1).max(200),
  level: GridLevel,
  /** The grid leader (网格长), an active member. */
  leaderMemberId: CommunityId.optional(),
  actor: Actor,
})
export type CreateGridInput = z.input<typeof CreateGridInput>

export const MoveGridInput = z.strictObject({
  tenantId: Id,
  gridId: CommunityId,
  /** The new parent; null makes the grid a root. */
  parentId: CommunityId.nullable(),
  actor: Actor,
})
export type MoveGridInput = z.input<typeof MoveGridInput>

export const SetGridLeaderInput = z.strictObject({
  tenantId: Id,
  gridId: CommunityId,
  /** An active member, or null for none. */
  memberId: CommunityId.nullable(),
  actor: Actor,
})
export type SetGridLeaderInput = z.input<typeof SetGridLeaderInput>

export const GetGridInput = z.strictObject({ tenantId: Id, gridId: CommunityId })
export type GetGridInput = z.input<typeof GetGridInput>

export const ListGridsInput = z.strictObject({
  tenantId: Id,
  /** Only this grid's subtree (itself included); the whole tree when absent. */
  under: CommunityId.optional(),
  limit: z.number().int().min(1).max(5000).default(1000),
  /** The previous page's `nextAfter`. */
  after: z.string().max(10_000).optional(),
})
export type ListGridsInput = z.input<typeof ListGridsInput>

export const GridOutput = z.object({
  tenantId: z.string(),
  id: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  level: GridLevel,
  path: z.string().describe('Ids from the root down, each followed by "/": a subtree is every path starting with it.'),
  depth: z.number().int().describe('0 for a root.'),
  childCount: z.number().int().describe('Grids directly under it.'),
  leaderMemberId: z.string().nullable(),
  createdAt: z.date(),
})
export type Grid = z.output<typeof GridOutput>

export const GridPageOutput = z.object({
  grids: z.array(GridOutput).describe('Ordered by path: each grid before its subtree.'),
  nextAfter: z.string().nullable(),
})
export type GridPage = z.output<typeof GridPageOutput>

type GridRow = typeof grids.$inferSelect

const gridView = (g: GridRow, childCount: number): Grid => ({
  tenantId: g.tenantId,
  id: g.id,
  parentId: g.parentId,
  name: g.name,
  level: g.level as GridLevel,
  path: g.path,
  depth: depthOf(g.path),
  childCount,
  leaderMemberId: g.leaderMemberId,
  createdAt: g.createdAt,
})

type Db = CommunityContext['db']

async function childCount(db: Pick<Db, 'select'>, tenantId: string, gridId: string): Promise<number> {
  const [c] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(grids)
    .where(and(eq(grids.tenantId, tenantId), eq(grids.parentId, gridId)))
  return Number(c?.n ?? 0)
}

const withCount = async (db: Pick<Db, 'select'>, g: GridRow): Promise<Grid> => gridView(g, await childCount(db, g.tenantId, g.id))

/** Create a grid under a parent (or a root): its path is the parent's and its own id. */
export async function createGrid(ctx: CommunityContext, input: CreateGridInput): Promise<{ grid: Grid; replayed: boolean }> {
  const g = parse(CreateGridInput, input)
  await ctx.community(g.tenantId)
  const parentId = g.parentId ?? null
  const leaderMemberId = g.leaderMemberId ?? null
  if (leaderMemberId !== null) await requireActiveMember(ctx.db, g.tenantId, leaderMemberId)
  const hash = requestHash({ parentId, name: g.name, level: g.level, leaderMemberId })
  const now = ctx.now()
  return ctx.db.transaction(async (tx) => {
    await lockTree(tx, g.tenantId)
    const parentPath = parentId === null ? null : (await requireGrid(tx, g.tenantId, parentId)).path
    const { row, replayed } = await createRow(
      tx,
      grids,
      {
        tenantId: g.tenantId,
        id: g.id,
        parentId,
        name: g.name,
        level: g.level,
        path: childPath(parentPath, g.id),
        leaderMemberId,
        requestHash: hash,
        createdAt: now,
      },
      () => new CommunityError(CommunityErrorCode.GRID_EXISTS, `grid ${g.id} exists with other content`, { gridId: g.id }),
    )
    return { grid: await withCount(tx, row), replayed }
  })
}

/**
 * Move a grid (and its subtree) under another parent, or make it a root: every path in the subtree is
 * rewritten in one statement. `moved` counts the grids whose path changed (0 when the parent is the same).
 */
export async function moveGrid(ctx: CommunityContext, input: MoveGridInput): Promise<{ grid: Grid; moved: number }> {
  const m = parse(MoveGridInput, input)
  await ctx.community(m.tenantId)
  return ctx.db.transaction(async (tx) => {
    await lockTree(tx, m.tenantId)
    const grid = await requireGrid(tx, m.tenantId, m.gridId)
    const parent = m.parentId === null ? null : await requireGrid(tx, m.tenantId, m.parentId)
    if (parent && isWithin(parent.path, grid.path)) {
      throw new CommunityError(CommunityErrorCode.GRID_CYCLE, `grid ${m.parentId} is ${m.gridId} or lies under it`, {
        gridId: m.gridId,
        parentId: m.parentId,
      })
    }
    if (grid.parentId === m.parentId) return { grid: await withCount(tx, grid), moved: 0 }
    const newPath = childPath(parent?.path ?? null, grid.id)
    // rebase(path, grid.path, newPath) (domain/grid.ts, property-tested) for the whole subtree in one statement.
    const changed = await rows<{ id: string }>(
      tx,
      sql`update cm_grids
          set path = ${newPath} || substr(path, ${grid.path.length + 1}),
              parent_id = case when id = ${grid.id} then ${m.parentId}::text else parent_id end
          where tenant_id = ${m.tenantId} and path like ${subtreePattern(grid.path)}
          returning id`,
    )
    return { grid: await withCount(tx, await requireGrid(tx, m.tenantId, m.gridId)), moved: changed.length }
  })
}

/** Name a grid's leader (an active member), or clear it. */
export async function setGridLeader(ctx: CommunityContext, input: SetGridLeaderInput): Promise<Grid> {
  const s = parse(SetGridLeaderInput, input)
  await ctx.community(s.tenantId)
  if (s.memberId !== null) await requireActiveMember(ctx.db, s.tenantId, s.memberId)
  const [row] = await ctx.db
    .update(grids)
    .set({ leaderMemberId: s.memberId })
    .where(and(eq(grids.tenantId, s.tenantId), eq(grids.id, s.gridId)))
    .returning()
  if (!row) throw notFound(CommunityErrorCode.GRID_NOT_FOUND, 'grid', s.gridId, 'gridId')
  return withCount(ctx.db, row)
}

export async function getGrid(ctx: CommunityContext, input: GetGridInput): Promise<Grid> {
  const { tenantId, gridId } = parse(GetGridInput, input)
  return withCount(ctx.db, await requireGrid(ctx.db, tenantId, gridId))
}

/** A subtree (or the whole tree), each grid before its own subtree, with its depth and child count. */
export async function listGrids(ctx: CommunityContext, input: ListGridsInput): Promise<GridPage> {
  const q = parse(ListGridsInput, input)
  await ctx.community(q.tenantId)
  const scope: SQL[] = [eq(grids.tenantId, q.tenantId)]
  if (q.under !== undefined) scope.push(like(grids.path, subtreePattern((await requireGrid(ctx.db, q.tenantId, q.under)).path)))
  // A subtree holds the children of its grids, so counting within the scope counts them all.
  const counts = ctx.db
    .select({ parentId: grids.parentId, n: sql<number>`count(*)::int`.as('n') })
    .from(grids)
    .where(and(...scope))
    .groupBy(grids.parentId)
    .as('counts')
  // Byte order ("C"), so a subtree is contiguous and follows its root whatever the database's collation.
  const byPath = sql`${grids.path} collate "C"`
  const where = q.after === undefined ? and(...scope) : and(...scope, sql`${byPath} > ${q.after}`)
  const found = await ctx.db
    .select({ g: grids, n: counts.n })
    .from(grids)
    .leftJoin(counts, eq(counts.parentId, grids.id))
    .where(where)
    .orderBy(byPath)
    .limit(q.limit + 1)
  const page = found.slice(0, q.limit).map((x) => gridView(x.g, Number(x.n ?? 0)))
  const last = page[page.length - 1]
  return { grids: page, nextAfter: found.length > q.limit && last ? last.path : null }
}
