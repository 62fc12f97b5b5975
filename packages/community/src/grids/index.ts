/**
 * The grids use cases, bound to a community context (see community.ts).
 *
 * @example
 * const { grid } = await community.createGrid({ tenantId, id: 'g1', parentId: 'root', name: '第一网格', level: 'grid', actor })
 */
import type { CommunityContext, InputOf as Input } from '../context.js'
import { createGrid, getGrid, listGrids, moveGrid, setGridLeader } from './grids.js'

export { gridPath, requireGrid } from './reads.js'

export function gridUseCases(ctx: CommunityContext) {
  return {
    /**
     * Create a grid under a parent, or a root; idempotent by id.
     * Codes: VALIDATION, COMMUNITY_NOT_FOUND, GRID_NOT_FOUND (the parent), GRID_EXISTS, MEMBER_NOT_FOUND, MEMBER_NOT_ACTIVE (the leader).
     */
    createGrid: (input: Input<typeof createGrid>) => createGrid(ctx, input),
    /** Move a grid and its subtree under another parent (null: a root). Codes: VALIDATION, COMMUNITY_NOT_FOUND, GRID_NOT_FOUND, GRID_CYCLE. */
    moveGrid: (input: Input<typeof moveGrid>) => moveGrid(ctx, input),
    /** Name a grid's leader or clear it. Codes: VALIDATION, COMMUNITY_NOT_FOUND, GRID_NOT_FOUND, MEMBER_NOT_FOUND, MEMBER_NOT_ACTIVE. */
    setGridLeader: (input: Input<typeof setGridLeader>) => setGridLeader(ctx, input),
    /** Codes: VALIDATION, GRID_NOT_FOUND. */
    getGrid: (input: Input<typeof getGrid>) => getGrid(ctx, input),
    /** A subtree (or the whole tree) ordered by path, with depths and child counts. Codes: VALIDATION, COMMUNITY_NOT_FOUND, GRID_NOT_FOUND. */
    listGrids: (input: Input<typeof listGrids>) => listGrids(ctx, input),
  }
}
