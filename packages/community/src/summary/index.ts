/**
 * The staff summary, bound to a community context (see community.ts).
 *
 * @example
 * await community.summary({ tenantId, gridPath: 'root/g1/' })
 */
import type { CommunityContext, InputOf as Input } from '../context.js'
import { communitySummary } from './summary.js'

export { LOW_STOCK_UNITS, type Summary, SummaryInput, SummaryOutput } from './summary.js'

export function summaryUseCases(ctx: CommunityContext) {
  return {
    /**
     * A month's approved hours, points and activities, pending approvals, wishes and orders by status and low-stock
     * rewards, each counted by one aggregate query; `gridPath` narrows all but the rewards. Codes: VALIDATION, COMMUNITY_NOT_FOUND.
     */
    summary: (input: Input<typeof communitySummary>) => communitySummary(ctx, input),
  }
}
