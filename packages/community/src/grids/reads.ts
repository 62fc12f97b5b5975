/**
 * The few reads about grids other parts need (placing a member, an
 * activity's or organisation's grid, a roll-up's subtree, a grid-scoped key):
 * whether a grid exists, and its path; and LIKE patterns of a subtree.
 *
 * @example
 * const { path } = await requireGrid(ctx.db, 'maple', 'b7')   // 'root/g1/b7/'
 */
import { and, eq, sql } from 'drizzle-orm'
import type { CommunityContext } from '../context.js'
import { CommunityErrorCode, notFound } from '../domain/errors.js'
import { grids } from '../storage/schema.js'

type Reader = Pick<CommunityContext['db'], 'select'>
type Runner = Pick<CommunityContext['db'], 'execute'>

/** The grid's row; GRID_NOT_FOUND when there is none. */
export async function requireGrid(db: Reader, tenantId: string, gridId: string) {
  const [row] = await db
    .select()
    .from(grids)
    .where(and(eq(grids.tenantId, tenantId), eq(grids.id, gridId)))
  if (!row) throw notFound(CommunityErrorCode.GRID_NOT_FOUND, 'grid', gridId, 'gridId')
  return row
}

/** The grid's path (`root/g1/b7/`), the scope a grid-scoped key covers. Codes: GRID_NOT_FOUND. */
export async function gridPath(ctx: Pick<CommunityContext, 'db'>, tenantId: string, gridId: string): Promise<string> {
  return (await requireGrid(ctx.db, tenantId, gridId)).path
}

/** Text as a LIKE pattern that matches it literally: backslashes, '%' and '_' escaped by a backslash (LIKE's default escape). */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, '\\$&')

/** A LIKE pattern matching every path under `path` (itself included): '%' and '_' in ids are literal. */
export const subtreePattern = (path: string): string => `${escapeLike(path)}%`

/**
 * Serialise changes to a tenant's tree for the rest of the transaction: a grid created under a parent
 * that is moving, or two moves that would together make a cycle, wait for each other instead.
 */
export async function lockTree(tx: Runner, tenantId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`cm_grids/${tenantId}`}, 0))`)
}
