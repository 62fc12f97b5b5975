/**
 * The recognition use cases, bound to a community context (see community.ts):
 * honour rolls, closing periods, roll-ups per grid, members' statements and
 * the public disclosure.
 */
import type { CommunityContext, InputOf as Input } from '../context.js'
import { closePeriod, periodStatus } from './close.js'
import { disclosure } from './disclosure.js'
import { honourRoll } from './roll.js'
import { gridRollup, gridRollups, rollupSeries } from './rollup.js'
import { statement } from './statement.js'

export function recognitionUseCases(ctx: CommunityContext) {
  return {
    /**
     * Members ranked by hours or points in a month, quarter or year (competition ranking: ties share a rank),
     * optionally within a grid's subtree; a closed period reads its frozen snapshot.
     * Codes: VALIDATION, COMMUNITY_NOT_FOUND, GRID_NOT_FOUND.
     */
    honourRoll: (input: Input<typeof honourRoll>) => honourRoll(ctx, input),
    /**
     * Freeze a period that has ended (and the quarters and months inside it still open) with a hashed snapshot.
     * Codes: VALIDATION, COMMUNITY_NOT_FOUND, PERIOD_NOT_ENDED, PERIOD_CLOSED (closed before: not replayed).
     */
    closePeriod: (input: Input<typeof closePeriod>) => closePeriod(ctx, input),
    /** Open or closed, with who closed it and the snapshot's hash. Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    periodStatus: (input: Input<typeof periodStatus>) => periodStatus(ctx, input),
    /** One grid's subtree for a period: members, active volunteers, hours, points, activities. Codes: VALIDATION, COMMUNITY_NOT_FOUND, GRID_NOT_FOUND. */
    gridRollup: (input: Input<typeof gridRollup>) => gridRollup(ctx, input),
    /** Every grid of a subtree (or of the community) rolled up, in one query. Codes: VALIDATION, COMMUNITY_NOT_FOUND, GRID_NOT_FOUND. */
    gridRollups: (input: Input<typeof gridRollups>) => gridRollups(ctx, input),
    /**
     * Hours, points, active volunteers and activities month by month over a range (at most 36 months): each month as
     * that month's roll-ups count it, for a grid's subtree or the whole community. Codes: VALIDATION, COMMUNITY_NOT_FOUND, GRID_NOT_FOUND.
     */
    rollupSeries: (input: Input<typeof rollupSeries>) => rollupSeries(ctx, input),
    /**
     * A member's statement of hours, points or lifetime hours for a period, from the ledger: opening, entries, closing.
     * Codes: VALIDATION, COMMUNITY_NOT_FOUND, MEMBER_NOT_FOUND, and the ledger's ACCOUNT_NOT_FOUND (accounts not opened yet).
     */
    statement: (input: Input<typeof statement>) => statement(ctx, input),
    /** Approved records credited in the last N days, newest first, names masked (公示). Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    disclosure: (input: Input<typeof disclosure>) => disclosure(ctx, input),
  }
}
