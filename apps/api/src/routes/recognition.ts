/**
 * Recognition: the honour roll (好人榜) of a month, quarter or year, closing a
 * period (its totals frozen under a hash), roll-ups per grid, and a member's
 * statement from the ledger. Staff limited to a grid see their subtree: their
 * roll and roll-ups default to their grid and go no wider. Names on the roll
 * are masked.
 *
 * - `GET /v1/honour-roll?period=2026-03&by=hours|points&gridId=&limit=`.
 * - `GET /v1/periods/{period}`, `POST /v1/periods/{period}/close` (admin).
 * - `GET /v1/grids/{gridId}/rollup?period=`, `GET /v1/rollups?period=&under=`, `GET /v1/rollups/series?from=&to=&under=`.
 * - `GET /v1/members/{memberId}/statement?period=&asset=HOUR|POINT|LIFETIME_HOUR`.
 *
 * @example
 * curl -H "Authorization: Bearer $STAFF" 'http://127.0.0.1:3000/v1/honour-roll?period=2026-Q1&by=points&limit=10'
 */
import { createRoute, z } from '@hono/zod-openapi'
import {
  ClosePeriodOutput,
  CommunityId,
  GridRollupOutput,
  GridRollupResultOutput,
  GridRollupsOutput,
  HonourRollEntryOutput,
  HonourRollOutput,
  MAX_SERIES_MONTHS,
  Month,
  Period,
  PeriodStatusOutput,
  RankBy,
  RollupMonthOutput,
  RollupSeriesOutput,
  StatementAsset,
  StatementOutput,
} from '@timebank/community'
import type { Deps } from '../context.js'
import { authorize, authorizeGrid } from '../permissions.js'
import { EntrySchema, errors, json } from '../schemas.js'
import { bearer, router } from './common.js'

const tags = ['Recognition']

const HonourRollEntrySchema = HonourRollEntryOutput.extend({}).openapi('HonourRollEntry')
const HonourRollSchema = HonourRollOutput.extend({ entries: z.array(HonourRollEntrySchema) }).openapi('HonourRoll')
const PeriodStatusSchema = PeriodStatusOutput.extend({}).openapi('PeriodStatus')
const ClosedPeriodSchema = ClosePeriodOutput.extend({}).openapi('ClosedPeriod')
const GridRollupSchema = GridRollupOutput.extend({}).openapi('GridRollup')
const GridRollupResultSchema = GridRollupResultOutput.extend({}).openapi('GridRollupResult')
const GridRollupsSchema = GridRollupsOutput.extend({ grids: z.array(GridRollupSchema) }).openapi('GridRollups')
const RollupMonthSchema = RollupMonthOutput.extend({}).openapi('RollupMonth')
const RollupSeriesSchema = RollupSeriesOutput.extend({ months: z.array(RollupMonthSchema) }).openapi('RollupSeries')
const StatementSchema = StatementOutput.extend({ entries: z.array(EntrySchema) }).openapi('Statement')

const PeriodText = Period.clone().openapi({ description: 'A month (2026-03), a quarter (2026-Q1) or a year (2026).', example: '2026-03' })
const PeriodQuery = z.object({ period: PeriodText })
const PeriodParams = z.object({ period: Period.clone().openapi({ param: { name: 'period', in: 'path' }, example: '2026-03' }) })
const GridParams = z.object({ gridId: CommunityId.clone().openapi({ param: { name: 'gridId', in: 'path' }, example: 'g1' }) })
const MemberParams = z.object({ memberId: CommunityId.clone().openapi({ param: { name: 'memberId', in: 'path' }, example: 'ana' }) })
const RollQuery = z.object({
  period: PeriodText,
  by: RankBy.optional().openapi({ description: 'Rank by hours (the default) or points.' }),
  gridId: CommunityId.optional().openapi({
    description: "Only members living in this grid's subtree; a grid-limited key's own grid by default, and within it.",
  }),
  limit: z
    .string()
    .regex(/^[1-9]\d{0,2}$/)
    .refine((s) => Number(s) <= 500, 'limit is at most 500')
    .optional()
    .openapi({ description: 'How many, 1 to 500 (20 by default).', example: '20' }),
})
const RollupsQuery = z.object({
  period: PeriodText,
  under: CommunityId.optional().openapi({
    description: "Only this grid and its subtree; every grid by default (a grid-limited key: its own grid's subtree).",
  }),
})
const SeriesQuery = z.object({
  from: Month.clone().openapi({ description: 'The first month.', example: '2026-01' }),
  to: Month.clone().openapi({ description: `The last month, included (at most ${MAX_SERIES_MONTHS} months in all).`, example: '2026-12' }),
  under: CommunityId.optional().openapi({
    description: "Only this grid's subtree; the whole community by default (a grid-limited key: its own grid's subtree).",
  }),
})
const StatementQuery = z.object({
  period: PeriodText,
  asset: StatementAsset.optional().openapi({ description: 'HOUR (the default), POINT or LIFETIME_HOUR.' }),
})

const READ_ERRORS = [400, 401, 403, 404] as const

const roll = createRoute({
  method: 'get',
  path: '/honour-roll',
  operationId: 'getHonourRoll',
  tags,
  summary: 'The honour roll of a period: members ranked by hours or points (admin, staff)',
  description:
    'Ties share a rank (1, 1, 3). Names are masked. A closed period is read from its frozen snapshot. Staff limited to a grid get their subtree.',
  security: bearer,
  request: { query: RollQuery },
  responses: { 200: json(HonourRollSchema, 'The roll'), ...errors(...READ_ERRORS) },
})
const status = createRoute({
  method: 'get',
  path: '/periods/{period}',
  operationId: 'getPeriod',
  tags,
  summary: 'Whether a period is open or closed, and its bounds',
  security: bearer,
  request: { params: PeriodParams },
  responses: { 200: json(PeriodStatusSchema, 'The period'), ...errors(...READ_ERRORS) },
})
const close = createRoute({
  method: 'post',
  path: '/periods/{period}/close',
  operationId: 'closePeriod',
  tags,
  summary: 'Close a period that has ended, freezing its totals (admin)',
  description:
    'Closes the quarters and months inside it too. Credits posted later count in the month they are posted. Refused before the period ends (PERIOD_NOT_ENDED) and when closed already (PERIOD_CLOSED).',
  security: bearer,
  request: { params: PeriodParams },
  responses: { 200: json(ClosedPeriodSchema, 'The closed period'), ...errors(...READ_ERRORS, 409, 422) },
})
const rollup = createRoute({
  method: 'get',
  path: '/grids/{gridId}/rollup',
  operationId: 'getGridRollup',
  tags,
  summary: "One grid's subtree in a period: members, active volunteers, hours, points, activities (admin, staff)",
  security: bearer,
  request: { params: GridParams, query: PeriodQuery },
  responses: { 200: json(GridRollupResultSchema, 'The roll-up'), ...errors(...READ_ERRORS) },
})
const rollups = createRoute({
  method: 'get',
  path: '/rollups',
  operationId: 'listGridRollups',
  tags,
  summary: 'Every grid of a subtree rolled up for a period (admin, staff)',
  description: 'Ordered by path, a parent before its children.',
  security: bearer,
  request: { query: RollupsQuery },
  responses: { 200: json(GridRollupsSchema, 'The roll-ups'), ...errors(...READ_ERRORS) },
})
const series = createRoute({
  method: 'get',
  path: '/rollups/series',
  operationId: 'getRollupSeries',
  tags,
  summary: 'Hours, points, active volunteers and activities month by month over a range (admin, staff)',
  description:
    "Each month exactly as `GET /v1/rollups` of that month counts it (a closed month from its snapshot): the `under` grid's subtree, or for the whole community the sum of its top grids, each member counted once. Hours and points are exact decimal text. Staff limited to a grid get their subtree.",
  security: bearer,
  request: { query: SeriesQuery },
  responses: { 200: json(RollupSeriesSchema, 'The series'), ...errors(...READ_ERRORS) },
})
const statement = createRoute({
  method: 'get',
  path: '/members/{memberId}/statement',
  operationId: 'getMemberStatement',
  tags,
  summary: "A member's statement for a period: opening balance, every entry, closing balance",
  description: 'From the ledger alone. A member key reads its own; staff those of members in their scope.',
  security: bearer,
  request: { params: MemberParams, query: StatementQuery },
  responses: { 200: json(StatementSchema, 'The statement'), ...errors(...READ_ERRORS) },
})

export function recognitionRoutes(deps: Deps) {
  const { community } = deps

  return router()
    .openapi(roll, async (c) => {
      const q = c.req.valid('query')
      // A grid-limited key's roll is its subtree unless it names a grid inside it.
      const gridId = q.gridId ?? c.get('caller').gridId ?? undefined
      const { caller } = await authorizeGrid(c, deps, 'recognition.read', gridId, 'a grid is named')
      const found = await community.honourRoll({
        tenantId: caller.tenantId,
        period: q.period,
        ...(q.by !== undefined ? { by: q.by } : {}),
        ...(gridId !== undefined ? { gridId } : {}),
        ...(q.limit !== undefined ? { limit: Number(q.limit) } : {}),
      })
      return c.json(found, 200)
    })
    .openapi(status, async (c) => {
      const caller = await authorize(c, deps, 'community.read')
      return c.json(await community.periodStatus({ tenantId: caller.tenantId, period: c.req.valid('param').period }), 200)
    })
    .openapi(close, async (c) => {
      const caller = await authorize(c, deps, 'periods.close')
      return c.json(
        await community.closePeriod({ tenantId: caller.tenantId, period: c.req.valid('param').period, actor: caller.keyId }),
        200,
      )
    })
    .openapi(rollup, async (c) => {
      const { gridId } = c.req.valid('param')
      const { caller } = await authorizeGrid(c, deps, 'recognition.read', gridId, 'a grid is named')
      return c.json(await community.gridRollup({ tenantId: caller.tenantId, gridId, period: c.req.valid('query').period }), 200)
    })
    .openapi(rollups, async (c) => {
      const q = c.req.valid('query')
      const under = q.under ?? c.get('caller').gridId ?? undefined
      const { caller } = await authorizeGrid(c, deps, 'recognition.read', under, 'a grid is named')
      return c.json(
        await community.gridRollups({ tenantId: caller.tenantId, period: q.period, ...(under !== undefined ? { under } : {}) }),
        200,
      )
    })
    .openapi(series, async (c) => {
      const q = c.req.valid('query')
      const under = q.under ?? c.get('caller').gridId ?? undefined
      const { caller } = await authorizeGrid(c, deps, 'recognition.read', under, 'a grid is named')
      return c.json(
        await community.rollupSeries({ tenantId: caller.tenantId, from: q.from, to: q.to, ...(under !== undefined ? { under } : {}) }),
        200,
      )
    })
    .openapi(statement, async (c) => {
      const { memberId } = c.req.valid('param')
      const q = c.req.valid('query')
      const caller = await authorize(c, deps, 'statements.read', {
        memberId,
        hidden: { code: 'MEMBER_NOT_FOUND', message: `member ${memberId} not found`, details: { memberId } },
      })
      return c.json(
        await community.statement({
          tenantId: caller.tenantId,
          memberId,
          period: q.period,
          ...(q.asset !== undefined ? { asset: q.asset } : {}),
        }),
        200,
      )
    })
}
