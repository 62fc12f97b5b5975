/**
 * Members: residents and volunteers. Registration is an application that staff
 * review (or approve at once); approval opens the member's HOUR and POINT
 * accounts (theirs) and LIFETIME_HOUR (the community's). Staff limited to a
 * grid see and act on the members of their subtree only; a member key reads
 * only its own member. Lists are masked unless `view=full` is asked for.
 *
 * - `POST /v1/members` (admin, staff): register; `approve: true` approves at once.
 * - `GET /v1/members` (admin, staff): a page by status, grid subtree or search, masked by default.
 * - `GET /v1/members/{memberId}` (admin, staff, the member itself): the full record.
 * - `POST /v1/members/{memberId}/approve|reject|deactivate|reactivate` (admin, staff), `…/erase` (admin).
 * - `PUT /v1/members/{memberId}/grid` (admin, staff): place the member in a grid; `GET …/places`: where they lived.
 * - `GET|POST /v1/members/{memberId}/relatives`, `DELETE /v1/members/{memberId}/relatives/{relativeId}`.
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $STAFF" -H 'Content-Type: application/json' \
 *   -d '{"id":"ana","name":"张小明","phone":"138 1234 1234","gridId":"g1","approve":true}' http://127.0.0.1:3000/v1/members
 */
import { createRoute, z } from '@hono/zod-openapi'
import {
  AddRelativeInput,
  CommunityId,
  ListMembersInput,
  MemberOutput,
  MemberViewKind,
  PlaceMemberInput,
  PlaceOutput,
  PublicMemberOutput,
  RegisterMemberInput,
  RelativeOutput,
  ReviewMemberInput,
} from '@timebank/community'
import type { Context } from 'hono'
import type { AppEnv, Caller, Deps } from '../context.js'
import { markReplayed, writeId } from '../idempotency.js'
import { MemberNameField, memberNamesFor } from '../member-names.js'
import { authorize, authorizeGrid, scopeOf } from '../permissions.js'
import { ID_OR_HEADER, WRITE_ERRORS, errors, json } from '../schemas.js'
import { bearer, idempotent, jsonRequest, optionalJsonRequest, replayable, router } from './common.js'
import { memberHidden } from './grids.js'

const tags = ['Members']

const MemberSchema = MemberOutput.extend({}).openapi('Member')
const MaskedMemberSchema = PublicMemberOutput.extend({}).openapi('MaskedMember')
const nextAfter = z.string().nullable().openapi({ description: 'Pass as `after` for the next page; null on the last.' })
const MemberPageSchema = z
  .discriminatedUnion('view', [
    z.object({ view: z.literal('full'), members: z.array(MemberSchema), nextAfter }),
    z.object({ view: z.literal('masked'), members: z.array(MaskedMemberSchema), nextAfter }),
  ])
  .openapi('MemberPage')
const PlacementSchema = z
  .object({ member: MemberSchema, moved: z.boolean().openapi({ description: 'False when the member already lived there.' }) })
  .openapi('MemberPlacement')
const PlaceSchema = PlaceOutput.extend({}).openapi('Place')
const PlacesSchema = z.object({ places: z.array(PlaceSchema).openapi({ description: 'Oldest first.' }) }).openapi('MemberPlaces')
const RelativeSchema = RelativeOutput.extend({}).openapi('Relative')
const RelativesSchema = z
  .object({ relatives: z.array(RelativeSchema.extend({ relativeName: MemberNameField }).openapi('NamedRelative')) })
  .openapi('Relatives')
const RelativeLinkSchema = z
  .object({ relative: RelativeSchema, added: z.boolean().openapi({ description: 'False when the two were linked so already.' }) })
  .openapi('RelativeLink')
const RelativeRemovedSchema = z
  .object({ removed: z.boolean().openapi({ description: 'False when the two were not linked.' }) })
  .openapi('RelativeRemoved')

const RegisterBody = RegisterMemberInput.omit({ tenantId: true, actor: true })
  .extend({
    id: RegisterMemberInput.shape.id.optional().openapi({
      description: `Your id for the member, also the idempotency key. ${ID_OR_HEADER}`,
      example: 'ana',
    }),
    phone: RegisterMemberInput.shape.phone.clone().openapi({
      description: 'Spaces, dashes and dots are removed; a Chinese mobile (+86 or not) is kept as its 11 digits.',
      example: '138 1234 1234',
    }),
    idNumber: RegisterMemberInput.shape.idNumber.clone().openapi({ description: 'Identity card, residence permit or passport number.' }),
    birthDate: RegisterMemberInput.shape.birthDate.clone().openapi({
      description: "YYYY-MM-DD, a real day, not after today in the community's time zone.",
      example: '1990-03-07',
    }),
    gridId: RegisterMemberInput.shape.gridId.clone().openapi({
      description: 'Where the member lives: placed there from registration. Required of a key limited to a grid.',
      example: 'g1',
    }),
    approve: RegisterMemberInput.shape.approve.clone().openapi({
      description: 'Approve at once: the member ends active with their accounts open.',
    }),
  })
  .openapi('RegisterMemberRequest')
const RejectBody = ReviewMemberInput.omit({ tenantId: true, memberId: true, decision: true, actor: true }).openapi('RejectMemberRequest')
const PlaceBody = PlaceMemberInput.omit({ tenantId: true, memberId: true, actor: true }).openapi('PlaceMemberRequest')
// AddRelativeInput carries a refinement (no self-links), which zod will not omit fields from; the community checks it.
const AddRelativeBody = z
  .strictObject({
    relativeId: AddRelativeInput.shape.relativeId,
    relation: AddRelativeInput.shape.relation.clone().openapi({
      description: "What the relative is to the member: `child` makes the relative the member's child.",
    }),
  })
  .openapi('AddRelativeRequest')

const MemberParams = z.object({ memberId: CommunityId.clone().openapi({ param: { name: 'memberId', in: 'path' }, example: 'ana' }) })
const RelativeParams = MemberParams.extend({
  relativeId: CommunityId.clone().openapi({ param: { name: 'relativeId', in: 'path' }, example: 'bo' }),
})
const ListQuery = z.object({
  status: ListMembersInput.shape.status,
  gridId: CommunityId.optional().openapi({
    description: "Only members placed in this grid's subtree. A key limited to a grid lists its subtree without it.",
  }),
  search: ListMembersInput.shape.search.clone().openapi({ description: 'Part of a name, part of a phone number, or the start of an id.' }),
  limit: z
    .string()
    .regex(/^[1-9]\d{0,3}$/, 'limit is a whole number from 1 to 1000')
    .refine((s) => Number(s) <= 1000, 'limit is at most 1000')
    .optional()
    .openapi({ description: 'Page size, 1 to 1000 (default 100).', example: '100' }),
  after: ListMembersInput.shape.after.clone().openapi({ description: "The previous page's `nextAfter`." }),
  view: MemberViewKind.optional().openapi({ description: '`masked` (the default) or `full` personal data.' }),
})

const member = (description: string) => ({ 200: json(MemberSchema, description), ...errors(...WRITE_ERRORS) })

const register = createRoute({
  method: 'post',
  path: '/members',
  operationId: 'registerMember',
  tags,
  summary: 'Register a member (admin, staff)',
  description:
    'An application (`applied`) to review, or with `approve: true` an active member whose accounts are open. Idempotent by id: the same registration again answers the member (`Idempotency-Replayed: true`); other content under the same id, `approve` included, is 409 MEMBER_EXISTS. A staff key limited to a grid registers only into its subtree and must give a `gridId`; its replay of a member who has moved out of the subtree since is 404 MEMBER_NOT_FOUND.',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(RegisterBody, {
      approved: {
        summary: 'A resident of building 3, approved at once',
        value: { id: 'zhangwei', name: '张伟', phone: '138 1234 1234', birthDate: '1958-04-12', gridId: 'g1-b3', approve: true },
      },
      application: {
        summary: 'An application for staff to review',
        value: { id: 'wangfang', name: '王芳', phone: '139 8765 4321', gridId: 'g1-b3' },
      },
    }),
  },
  responses: { 201: replayable(json(MemberSchema, 'The member')), ...errors(...WRITE_ERRORS) },
})
const list = createRoute({
  method: 'get',
  path: '/members',
  operationId: 'listMembers',
  tags,
  summary: 'Members by id, masked unless view=full (admin, staff)',
  description:
    "A staff key limited to a grid lists only its subtree's members; a `gridId` outside it is 404 GRID_NOT_FOUND. Masked names keep their first and last character, phones their first three and last four digits; an age band stands for the birth date.",
  security: bearer,
  request: { query: ListQuery },
  responses: { 200: json(MemberPageSchema, 'A page'), ...errors(400, 401, 403, 404) },
})
const get = createRoute({
  method: 'get',
  path: '/members/{memberId}',
  operationId: 'getMember',
  tags,
  summary: "A member's full record (admin, staff, the member itself)",
  description: 'Another member, or one outside the subtree of a key limited to a grid, is 404 MEMBER_NOT_FOUND.',
  security: bearer,
  request: { params: MemberParams },
  responses: { 200: json(MemberSchema, 'The member'), ...errors(400, 401, 403, 404) },
})
const approve = createRoute({
  method: 'post',
  path: '/members/{memberId}/approve',
  operationId: 'approveMember',
  tags,
  summary: "Approve an application: the member's accounts are opened (admin, staff)",
  description: 'An active member is answered as is; any other status is 409 INVALID_TRANSITION.',
  security: bearer,
  request: { params: MemberParams },
  responses: member('The active member'),
})
const reject = createRoute({
  method: 'post',
  path: '/members/{memberId}/reject',
  operationId: 'rejectMember',
  tags,
  summary: 'Reject an application, with an optional note (admin, staff)',
  security: bearer,
  request: {
    params: MemberParams,
    body: optionalJsonRequest(RejectBody, {
      note: { summary: 'Why', value: { note: '不在本社区居住，请到居住地社区登记' } },
    }),
  },
  responses: member('The rejected member'),
})
const deactivate = createRoute({
  method: 'post',
  path: '/members/{memberId}/deactivate',
  operationId: 'deactivateMember',
  tags,
  summary: 'An active member stops taking part; accounts and history stay (admin, staff)',
  security: bearer,
  request: { params: MemberParams },
  responses: member('The inactive member'),
})
const reactivate = createRoute({
  method: 'post',
  path: '/members/{memberId}/reactivate',
  operationId: 'reactivateMember',
  tags,
  summary: 'An inactive member takes part again (admin, staff)',
  security: bearer,
  request: { params: MemberParams },
  responses: member('The active member'),
})
const erase = createRoute({
  method: 'post',
  path: '/members/{memberId}/erase',
  operationId: 'eraseMember',
  tags,
  summary: "Remove a member's personal data for good (admin)",
  description:
    'Name, phone, ID number, birth date, metadata, review note and family links are removed, and the member keys bound to the member revoked; the pseudonym, placements, ledger accounts and their history stay under the member id. Erasing again answers the member as is.',
  security: bearer,
  request: { params: MemberParams },
  responses: member('The erased member'),
})
const place = createRoute({
  method: 'put',
  path: '/members/{memberId}/grid',
  operationId: 'placeMember',
  tags,
  summary: 'Place a member in a grid from now on (admin, staff)',
  description: 'The placement history is kept. A staff key limited to a grid moves its members only within its subtree.',
  security: bearer,
  request: {
    params: MemberParams,
    body: jsonRequest(PlaceBody, {
      moved: { summary: 'Moved to building 7', value: { gridId: 'g2-b7' } },
    }),
  },
  responses: { 200: json(PlacementSchema, 'The member, where they live now'), ...errors(...WRITE_ERRORS) },
})
const places = createRoute({
  method: 'get',
  path: '/members/{memberId}/places',
  operationId: 'listMemberPlaces',
  tags,
  summary: 'Where a member has lived (admin, staff, the member itself)',
  security: bearer,
  request: { params: MemberParams },
  responses: { 200: json(PlacesSchema, 'Every placement'), ...errors(400, 401, 403, 404) },
})
const relatives = createRoute({
  method: 'get',
  path: '/members/{memberId}/relatives',
  operationId: 'listMemberRelatives',
  tags,
  summary: "A member's relatives (admin, staff, the member itself)",
  description:
    "Each link says what the relative is to the member, and names the relative as the caller may see them (`relativeName`): in full for staff within their scope, masked (张*明) for a member reading its own relatives, as for anyone else's record.",
  security: bearer,
  request: { params: MemberParams },
  responses: { 200: json(RelativesSchema, 'The links'), ...errors(400, 401, 403, 404) },
})
const link = createRoute({
  method: 'post',
  path: '/members/{memberId}/relatives',
  operationId: 'addMemberRelative',
  tags,
  summary: 'Link two members as relatives, both ways (admin, staff)',
  description:
    "`relation` is what the relative is to the member: `child` makes the relative the member's child and the member the relative's parent. The same link again answers 200; the two linked otherwise is 400 VALIDATION (remove it first). Erased members take no links (422 MEMBER_NOT_ACTIVE).",
  security: bearer,
  request: {
    params: MemberParams,
    body: jsonRequest(AddRelativeBody, {
      son: { summary: 'The relative is the member’s son', value: { relativeId: 'zhangxiaoming', relation: 'child' } },
    }),
  },
  responses: { 201: json(RelativeLinkSchema, 'Linked'), 200: json(RelativeLinkSchema, 'Linked so already'), ...errors(...WRITE_ERRORS) },
})
const unlink = createRoute({
  method: 'delete',
  path: '/members/{memberId}/relatives/{relativeId}',
  operationId: 'removeMemberRelative',
  tags,
  summary: 'Unlink two relatives, both ways (admin, staff)',
  security: bearer,
  request: { params: RelativeParams },
  responses: { 200: json(RelativeRemovedSchema, 'Unlinked'), ...errors(...WRITE_ERRORS) },
})

export function memberRoutes(deps: Deps) {
  const { community } = deps

  /** The caller, if it may `action` the member; otherwise MEMBER_NOT_FOUND, as for a missing member. */
  const guard = (c: Context<AppEnv>, action: 'members.manage' | 'members.read' | 'members.erase', memberId: string): Promise<Caller> =>
    authorize(c, deps, action, { memberId, hidden: memberHidden(memberId) })

  return router()
    .openapi(register, async (c) => {
      const body = c.req.valid('json')
      const { caller } = await authorizeGrid(
        c,
        deps,
        'members.manage',
        body.gridId,
        'a key limited to a grid registers members only within its subtree: give a gridId there',
      )
      const { member: made, replayed } = await community.registerMember({
        ...body,
        id: writeId(c, body.id),
        tenantId: caller.tenantId,
        actor: caller.keyId,
      })
      // The check above is of the grid the body names; a replay answers the member as they stand, who may have moved
      // out of a limited key's subtree since: then it is 404, as for any member the key may not see.
      if (replayed) await guard(c, 'members.manage', made.id)
      markReplayed(c, replayed)
      c.header('Location', `/v1/members/${encodeURIComponent(made.id)}`)
      return c.json(made, 201)
    })
    .openapi(list, async (c) => {
      const q = c.req.valid('query')
      let caller: Caller
      let gridPath: string | undefined
      if (q.gridId === undefined) {
        // A key limited to a grid lists its subtree; every other key the whole community.
        gridPath = await scopeOf(c, deps)
        caller = await authorize(c, deps, 'members.list', gridPath === undefined ? undefined : { gridPath })
      } else {
        ;({ caller, path: gridPath } = await authorizeGrid(c, deps, 'members.list', q.gridId, 'a grid is named'))
      }
      const page = await community.listMembers({
        tenantId: caller.tenantId,
        ...(q.status !== undefined ? { status: q.status } : {}),
        ...(gridPath !== undefined ? { gridPath } : {}),
        ...(q.search !== undefined ? { search: q.search } : {}),
        ...(q.limit !== undefined ? { limit: Number(q.limit) } : {}),
        ...(q.after !== undefined ? { after: q.after } : {}),
        view: q.view ?? 'masked',
      })
      return c.json(page, 200)
    })
    .openapi(get, async (c) => {
      const { memberId } = c.req.valid('param')
      const caller = await guard(c, 'members.read', memberId)
      return c.json(await community.getMember({ tenantId: caller.tenantId, memberId }), 200)
    })
    .openapi(approve, async (c) => {
      const { memberId } = c.req.valid('param')
      const caller = await guard(c, 'members.manage', memberId)
      return c.json(await community.reviewMember({ tenantId: caller.tenantId, memberId, decision: 'approve', actor: caller.keyId }), 200)
    })
    .openapi(reject, async (c) => {
      const { memberId } = c.req.valid('param')
      const { note } = c.req.valid('json')
      const caller = await guard(c, 'members.manage', memberId)
      return c.json(
        await community.reviewMember({
          tenantId: caller.tenantId,
          memberId,
          decision: 'reject',
          ...(note !== undefined ? { note } : {}),
          actor: caller.keyId,
        }),
        200,
      )
    })
    .openapi(deactivate, async (c) => {
      const { memberId } = c.req.valid('param')
      const caller = await guard(c, 'members.manage', memberId)
      return c.json(await community.deactivateMember({ tenantId: caller.tenantId, memberId, actor: caller.keyId }), 200)
    })
    .openapi(reactivate, async (c) => {
      const { memberId } = c.req.valid('param')
      const caller = await guard(c, 'members.manage', memberId)
      return c.json(await community.reactivateMember({ tenantId: caller.tenantId, memberId, actor: caller.keyId }), 200)
    })
    .openapi(erase, async (c) => {
      const { memberId } = c.req.valid('param')
      const caller = await guard(c, 'members.erase', memberId)
      const erased = await community.eraseMember({ tenantId: caller.tenantId, memberId, actor: caller.keyId })
      // An erased member signs in no more: the keys bound to them are revoked, their users disabled and
      // stripped of login, name and password (again harmlessly on a retry).
      for (const key of await deps.keys.list(caller.tenantId)) {
        if (key.revokedAt === null && key.owner?.type === 'member' && key.owner.id === memberId)
          await deps.keys.revoke(caller.tenantId, key.id)
      }
      await deps.users.eraseMember(caller.tenantId, memberId)
      return c.json(erased, 200)
    })
    .openapi(place, async (c) => {
      const { memberId } = c.req.valid('param')
      const { gridId } = c.req.valid('json')
      const caller = await guard(c, 'members.manage', memberId)
      await authorizeGrid(c, deps, 'members.manage', gridId, 'a grid is named')
      return c.json(await community.placeMember({ tenantId: caller.tenantId, memberId, gridId, actor: caller.keyId }), 200)
    })
    .openapi(places, async (c) => {
      const { memberId } = c.req.valid('param')
      const caller = await guard(c, 'members.read', memberId)
      return c.json({ places: await community.memberPlaces({ tenantId: caller.tenantId, memberId }) }, 200)
    })
    .openapi(relatives, async (c) => {
      const { memberId } = c.req.valid('param')
      const caller = await guard(c, 'members.read', memberId)
      const links = await community.listRelatives({ tenantId: caller.tenantId, memberId })
      const nameOf = await memberNamesFor(
        c,
        deps,
        links.map((r) => r.relativeId),
      )
      return c.json({ relatives: links.map((r) => ({ ...r, relativeName: nameOf(r.relativeId) })) }, 200)
    })
    .openapi(link, async (c) => {
      const { memberId } = c.req.valid('param')
      const { relativeId, relation } = c.req.valid('json')
      const caller = await guard(c, 'members.manage', memberId)
      await guard(c, 'members.manage', relativeId)
      const linked = await community.addRelative({ tenantId: caller.tenantId, memberId, relativeId, relation })
      if (!linked.added) return c.json(linked, 200)
      c.header('Location', `/v1/members/${encodeURIComponent(memberId)}/relatives/${encodeURIComponent(relativeId)}`)
      return c.json(linked, 201)
    })
    .openapi(unlink, async (c) => {
      const { memberId, relativeId } = c.req.valid('param')
      const caller = await guard(c, 'members.manage', memberId)
      await guard(c, 'members.manage', relativeId)
      // Missing members answer 404, not `removed: false`.
      await community.memberGridPath(caller.tenantId, memberId)
      await community.memberGridPath(caller.tenantId, relativeId)
      return c.json(await community.removeRelative({ tenantId: caller.tenantId, memberId, relativeId }), 200)
    })
}
