/**
 * The staff dashboard's figures in one call: a month's approved hours,
 * points and activities, the records waiting for a decision, wishes and
 * orders by status and the rewards running low, each counted by the database.
 * A staff key limited to a grid gets its subtree's figures (the rewards are
 * the whole community's, as the stock report is).
 *
 * - `GET /v1/community/summary?period=YYYY-MM&lowStock=5` (admin, staff).
 *
 * @example
 * curl -H "Authorization: Bearer $STAFF" 'http://127.0.0.1:3000/v1/community/summary?period=2026-03'
 */
import { createRoute, z } from '@hono/zod-openapi'
import { SummaryInput, SummaryOutput } from '@timebank/community'
import type { Deps } from '../context.js'
import { authorize, scopeOf } from '../permissions.js'
import { errors, json } from '../schemas.js'
import { bearer, router } from './common.js'

const SummarySchema = SummaryOutput.extend({}).openapi('CommunitySummary')
const SummaryQuery = z.object({
  period: SummaryInput.shape.period
    .clone()
    .openapi({ description: "A month; this month in the community's time zone by default.", example: '2026-03' }),
  lowStock: z
    .string()
    .regex(/^\d{1,6}$/, 'lowStock is a whole number from 0 to 999999')
    .optional()
    .openapi({ description: 'Rewards with at most this many units free on the shelf are listed as low (default 5).', example: '5' }),
})

const summary = createRoute({
  method: 'get',
  path: '/community/summary',
  operationId: 'getCommunitySummary',
  tags: ['Community'],
  summary: "The dashboard's figures for a month (admin, staff)",
  description:
    "Approved hours and points counted in the month (as the honour roll counts them), activities starting in it, hour records waiting for a decision, wishes and orders by status, and rewards on the catalogue running low. A staff key limited to a grid gets its subtree's figures: members, wishes and activities placed there; the rewards are the whole community's.",
  security: bearer,
  request: { query: SummaryQuery },
  responses: { 200: json(SummarySchema, 'The figures'), ...errors(400, 401, 403, 404) },
})

export function summaryRoutes(deps: Deps) {
  return router().openapi(summary, async (c) => {
    const q = c.req.valid('query')
    const scope = await scopeOf(c, deps)
    const caller = await authorize(c, deps, 'summary.read', scope === undefined ? undefined : { gridPath: scope })
    return c.json(
      await deps.community.summary({
        tenantId: caller.tenantId,
        ...(q.period === undefined ? {} : { period: q.period }),
        ...(q.lowStock === undefined ? {} : { lowStock: Number(q.lowStock) }),
        ...(scope === undefined ? {} : { gridPath: scope }),
      }),
      200,
    )
  })
}
