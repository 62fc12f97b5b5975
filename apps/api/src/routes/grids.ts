/**
 * The grid tree (网格): community > grid > sub-grid > building > unit. Anyone
 * with a key of the tenant reads it; admin and staff change it, and a staff key
 * limited to a grid (a grid leader's) only within that grid's subtree: it
 * creates grids under it, moves grids within it and names their leaders, and a
 * grid outside it answers GRID_NOT_FOUND like a missing one.
 *
 * - `POST /v1/grids` (admin, staff): create a grid under a parent, or a root.
 * - `GET /v1/grids` (`under`, `limit`, `after`), `GET /v1/grids/{gridId}`.
 * - `POST /v1/grids/{gridId}/move` `{ parentId }`: the grid and its subtree move together.
 * - `PUT /v1/grids/{gridId}/leader` `{ memberId }`: name the grid leader (网格长), or clear it with null.
 *
 * `authorizeGrid` (permissions.ts) is the scope check for anything placed in a grid the request names (a new grid's
 * parent, a registration's or placement's grid); the member routes use it too.
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
 *   -d '{"id":"g1","parentId":"root","name":"第一网格","level":"grid"}' http://127.0.0.1:3000/v1/grids
 */
import { createRoute, z } from '@hono/zod-openapi'
import { CommunityId, CreateGridInput, GridOutput, ListGridsInput, MoveGridInput, SetGridLeaderInput } from '@timebank/community'
import type { Context } from 'hono'
import type { AppEnv, Deps } from '../context.js'
import { markReplayed, writeId } from '../idempotency.js'
import { type Action, authorize, authorizeGrid } from '../permissions.js'
import { ID_OR_HEADER, WRITE_ERRORS, errors, json } from '../schemas.js'
import { bearer, idempotent, jsonRequest, replayable, router } from './common.js'

const tags = ['Grids']

const GridSchema = GridOutput.extend({}).openapi('Grid')
const GridPageSchema = z
  .object({
    grids: z.array(GridSchema).openapi({ description: 'Ordered by path: each grid before its subtree.' }),
    nextAfter: z.string().nullable().openapi({ description: 'Pass as `after` for the next page; null on the last.' }),
  })
  .openapi('GridPage')
const GridMoveSchema = z
  .object({
    grid: GridSchema,
    moved: z
      .number()
      .int()
      .openapi({ description: 'How many grids changed path: the grid and its subtree; 0 when the parent is the same.' }),
  })
  .openapi('GridMove')

const CreateGridBody = CreateGridInput.omit({ tenantId: true, actor: true })
  .extend({
    id: CreateGridInput.shape.id.optional().openapi({
      description: `Your id for the grid, also the idempotency key. ${ID_OR_HEADER}`,
      example: 'g1',
    }),
  })
  .openapi('CreateGridRequest')
const MoveGridBody = MoveGridInput.omit({ tenantId: true, gridId: true, actor: true }).openapi('MoveGridRequest')
const GridLeaderBody = SetGridLeaderInput.omit({ tenantId: true, gridId: true, actor: true }).openapi('GridLeaderRequest')

export const GridParams = z.object({ gridId: CommunityId.clone().openapi({ param: { name: 'gridId', in: 'path' }, example: 'g1' }) })
const ListGridsQuery = z.object({
  under: ListGridsInput.shape.under.clone().openapi({ description: "Only this grid's subtree, itself included." }),
  limit: z
    .string()
    .regex(/^[1-9]\d{0,3}$/, 'limit is a whole number from 1 to 5000')
    .refine((s) => Number(s) <= 5000, 'limit is at most 5000')
    .optional()
    .openapi({ description: 'Page size, 1 to 5000 (default 1000).', example: '1000' }),
  after: ListGridsInput.shape.after.clone().openapi({ description: "The previous page's `nextAfter`." }),
})

const create = createRoute({
  method: 'post',
  path: '/grids',
  operationId: 'createGrid',
  tags,
  summary: 'Create a grid under a parent, or a root (admin, staff)',
  description:
    'Idempotent by id: the same grid again answers it (`Idempotency-Replayed: true`); other content under the same id is 409 GRID_EXISTS. A staff key limited to a grid creates grids only within its subtree (a parent outside it is 404 GRID_NOT_FOUND, no parent 403). A leader must be an active member.',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(CreateGridBody, {
      building: { summary: 'Building 3 in the first grid', value: { id: 'g1-b3', parentId: 'g1', name: '3号楼', level: 'building' } },
      root: { summary: 'The community itself, a root', value: { id: 'fenglin', parentId: null, name: '枫林社区', level: 'community' } },
    }),
  },
  responses: { 201: replayable(json(GridSchema, 'The grid')), ...errors(...WRITE_ERRORS) },
})
const list = createRoute({
  method: 'get',
  path: '/grids',
  operationId: 'listGrids',
  tags,
  summary: 'The grid tree, or one subtree, in path order',
  description: 'Every key of the tenant may read the tree. Each grid carries its depth and how many grids are directly under it.',
  security: bearer,
  request: { query: ListGridsQuery },
  responses: { 200: json(GridPageSchema, 'A page'), ...errors(400, 401, 403, 404) },
})
const get = createRoute({
  method: 'get',
  path: '/grids/{gridId}',
  operationId: 'getGrid',
  tags,
  summary: 'A grid',
  security: bearer,
  request: { params: GridParams },
  responses: { 200: json(GridSchema, 'The grid'), ...errors(400, 401, 403, 404) },
})
const move = createRoute({
  method: 'post',
  path: '/grids/{gridId}/move',
  operationId: 'moveGrid',
  tags,
  summary: 'Move a grid and its subtree under another parent (admin, staff)',
  description:
    "`parentId: null` makes it a root. A parent inside the grid's own subtree is 422 GRID_CYCLE. Members stay placed in the grids they were in. A staff key limited to a grid moves grids only within its subtree.",
  security: bearer,
  request: {
    params: GridParams,
    body: jsonRequest(MoveGridBody, {
      move: { summary: 'Building 3 moves to the second grid', value: { parentId: 'g2' } },
    }),
  },
  responses: { 200: json(GridMoveSchema, 'The grid where it is now'), ...errors(...WRITE_ERRORS) },
})
const leader = createRoute({
  method: 'put',
  path: '/grids/{gridId}/leader',
  operationId: 'setGridLeader',
  tags,
  summary: "Name a grid's leader, or clear it (admin, staff)",
  description: 'The leader is an active member (422 MEMBER_NOT_ACTIVE otherwise); `memberId: null` clears it.',
  security: bearer,
  request: {
    params: GridParams,
    body: jsonRequest(GridLeaderBody, {
      name: { summary: 'Name the grid leader', value: { memberId: 'lina' } },
      clear: { summary: 'No leader for now', value: { memberId: null } },
    }),
  },
  responses: { 200: json(GridSchema, 'The grid'), ...errors(...WRITE_ERRORS) },
})

/** The answer for a member the caller may not see: the same as for a missing one. */
export const memberHidden = (memberId: string) => ({
  code: 'MEMBER_NOT_FOUND' as const,
  message: `member ${memberId} not found`,
  details: { memberId },
})

export function gridRoutes(deps: Deps) {
  const { community } = deps

  /** The grid, if the caller may `action` it; a grid outside a limited key's subtree answers GRID_NOT_FOUND. */
  const guard = (c: Context<AppEnv>, action: Action, gridId: string) =>
    authorizeGrid(c, deps, action, gridId, 'a grid is named').then(({ caller }) => caller)

  /** A leader named by a limited key lives within its subtree. */
  const leaderInScope = async (c: Context<AppEnv>, memberId: string | null | undefined) => {
    if (memberId !== null && memberId !== undefined)
      await authorize(c, deps, 'members.manage', { memberId, hidden: memberHidden(memberId) })
  }

  return router()
    .openapi(create, async (c) => {
      const body = c.req.valid('json')
      const { caller } = await authorizeGrid(
        c,
        deps,
        'grids.manage',
        body.parentId,
        'a key limited to a grid creates grids only within its subtree: give a parentId there',
      )
      await leaderInScope(c, body.leaderMemberId)
      const { grid, replayed } = await community.createGrid({
        ...body,
        id: writeId(c, body.id),
        tenantId: caller.tenantId,
        actor: caller.keyId,
      })
      markReplayed(c, replayed)
      c.header('Location', `/v1/grids/${encodeURIComponent(grid.id)}`)
      return c.json(grid, 201)
    })
    .openapi(list, async (c) => {
      const caller = await authorize(c, deps, 'grids.read')
      const q = c.req.valid('query')
      const page = await community.listGrids({
        tenantId: caller.tenantId,
        ...(q.under !== undefined ? { under: q.under } : {}),
        ...(q.after !== undefined ? { after: q.after } : {}),
        ...(q.limit !== undefined ? { limit: Number(q.limit) } : {}),
      })
      return c.json(page, 200)
    })
    .openapi(get, async (c) => {
      const caller = await authorize(c, deps, 'grids.read')
      return c.json(await community.getGrid({ tenantId: caller.tenantId, gridId: c.req.valid('param').gridId }), 200)
    })
    .openapi(move, async (c) => {
      const { gridId } = c.req.valid('param')
      const { parentId } = c.req.valid('json')
      const caller = await guard(c, 'grids.manage', gridId)
      await authorizeGrid(
        c,
        deps,
        'grids.manage',
        parentId,
        'a key limited to a grid cannot make a root: give a parentId within its subtree',
      )
      return c.json(await community.moveGrid({ tenantId: caller.tenantId, gridId, parentId, actor: caller.keyId }), 200)
    })
    .openapi(leader, async (c) => {
      const { gridId } = c.req.valid('param')
      const { memberId } = c.req.valid('json')
      const caller = await guard(c, 'grids.manage', gridId)
      await leaderInScope(c, memberId)
      return c.json(await community.setGridLeader({ tenantId: caller.tenantId, gridId, memberId, actor: caller.keyId }), 200)
    })
}
