/**
 * Organisations: partner units (共建单位, kind `partner`) and volunteer teams
 * (`team`), each with its own HOUR and POINT accounts, and their members
 * (leaders and members, who must be active). Admin and staff keys manage and
 * read them; the contact person is masked in lists unless `view=full`.
 *
 * - `POST /v1/organisations`, `GET /v1/organisations` (`kind`, `view`), `GET /v1/organisations/{organisationId}`.
 * - `GET|POST /v1/organisations/{organisationId}/members`, `DELETE /v1/organisations/{organisationId}/members/{memberId}`.
 * - `GET /v1/members/{memberId}/organisations` (admin, staff, the member itself): the organisations a member belongs to.
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $STAFF" -H 'Content-Type: application/json' \
 *   -d '{"id":"team-1","kind":"team","name":"银龄志愿队"}' http://127.0.0.1:3000/v1/organisations
 */
import { createRoute, z } from '@hono/zod-openapi'
import {
  AddOrganisationMemberInput,
  CommunityId,
  CreateOrganisationInput,
  ListOrganisationsInput,
  MemberOrganisationOutput,
  OrganisationMemberOutput,
  OrganisationOutput,
} from '@timebank/community'
import type { Deps } from '../context.js'
import { markReplayed, writeId } from '../idempotency.js'
import { authorize } from '../permissions.js'
import { ID_OR_HEADER, WRITE_ERRORS, errors, json } from '../schemas.js'
import { bearer, idempotent, jsonRequest, replayable, router } from './common.js'
import { memberHidden } from './grids.js'

const tags = ['Organisations']

const OrganisationSchema = OrganisationOutput.extend({}).openapi('Organisation')
const OrganisationPageSchema = z
  .object({
    organisations: z.array(OrganisationSchema).openapi({ description: 'By id; the contact person masked unless `view=full`.' }),
    nextAfter: z.string().nullable().openapi({ description: 'Pass as `after` for the next page; null on the last.' }),
  })
  .openapi('OrganisationPage')
const OrganisationMemberSchema = OrganisationMemberOutput.extend({}).openapi('OrganisationMember')
const OrganisationMembersSchema = z
  .object({ members: z.array(OrganisationMemberSchema).openapi({ description: 'Leaders first, then by member id.' }) })
  .openapi('OrganisationMembers')
const OrganisationMemberRemovedSchema = z
  .object({ removed: z.boolean().openapi({ description: 'False when the member did not belong to it.' }) })
  .openapi('OrganisationMemberRemoved')
const MemberOrganisationSchema = MemberOrganisationOutput.extend({}).openapi('MemberOrganisation')
const MemberOrganisationsSchema = z.object({ organisations: z.array(MemberOrganisationSchema) }).openapi('MemberOrganisations')

const CreateOrganisationBody = CreateOrganisationInput.omit({ tenantId: true, actor: true })
  .extend({
    id: CreateOrganisationInput.shape.id.optional().openapi({
      description: `Your id for the organisation, also the idempotency key. ${ID_OR_HEADER}`,
      example: 'team-1',
    }),
  })
  .openapi('CreateOrganisationRequest')
const AddMemberBody = AddOrganisationMemberInput.omit({ tenantId: true, organisationId: true }).openapi('AddOrganisationMemberRequest')

const OrganisationParams = z.object({
  organisationId: CommunityId.clone().openapi({ param: { name: 'organisationId', in: 'path' }, example: 'team-1' }),
})
const OrganisationMemberParams = OrganisationParams.extend({
  memberId: CommunityId.clone().openapi({ param: { name: 'memberId', in: 'path' }, example: 'ana' }),
})
const MemberParams = z.object({ memberId: CommunityId.clone().openapi({ param: { name: 'memberId', in: 'path' }, example: 'ana' }) })
const ListQuery = z.object({
  kind: ListOrganisationsInput.shape.kind,
  limit: z
    .string()
    .regex(/^[1-9]\d{0,3}$/, 'limit is a whole number from 1 to 1000')
    .refine((s) => Number(s) <= 1000, 'limit is at most 1000')
    .optional()
    .openapi({ description: 'Page size, 1 to 1000 (default 100).', example: '100' }),
  after: ListOrganisationsInput.shape.after.clone().openapi({ description: "The previous page's `nextAfter`." }),
  view: z.enum(['full', 'masked']).optional().openapi({ description: '`masked` (the default) or `full` contact person.' }),
})

const create = createRoute({
  method: 'post',
  path: '/organisations',
  operationId: 'createOrganisation',
  tags,
  summary: 'Create a partner unit or a volunteer team, with its HOUR and POINT accounts (admin, staff)',
  description:
    'Idempotent by id: the same organisation again answers it (`Idempotency-Replayed: true`); other content under the same id is 409 ORGANISATION_EXISTS. Its accounts are `org:<id>:HOUR` and `org:<id>:POINT`.',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(CreateOrganisationBody, {
      team: {
        summary: 'A volunteer team of retired residents',
        value: { id: 'team-silver', kind: 'team', name: '银龄志愿队', contactName: '王芳', contactPhone: '139 8765 4321', gridId: 'g1' },
      },
      partner: { summary: 'A partner unit (共建单位)', value: { id: 'partner-pharmacy', kind: 'partner', name: '枫林大药房' } },
    }),
  },
  responses: { 201: replayable(json(OrganisationSchema, 'The organisation')), ...errors(...WRITE_ERRORS) },
})
const list = createRoute({
  method: 'get',
  path: '/organisations',
  operationId: 'listOrganisations',
  tags,
  summary: 'Organisations by id, of one kind or all (admin, staff)',
  security: bearer,
  request: { query: ListQuery },
  responses: { 200: json(OrganisationPageSchema, 'A page'), ...errors(400, 401, 403, 404) },
})
const get = createRoute({
  method: 'get',
  path: '/organisations/{organisationId}',
  operationId: 'getOrganisation',
  tags,
  summary: 'An organisation in full (admin, staff)',
  security: bearer,
  request: { params: OrganisationParams },
  responses: { 200: json(OrganisationSchema, 'The organisation'), ...errors(400, 401, 403, 404) },
})
const members = createRoute({
  method: 'get',
  path: '/organisations/{organisationId}/members',
  operationId: 'listOrganisationMembers',
  tags,
  summary: "An organisation's members (admin, staff)",
  security: bearer,
  request: { params: OrganisationParams },
  responses: { 200: json(OrganisationMembersSchema, 'Its members'), ...errors(400, 401, 403, 404) },
})
const addMember = createRoute({
  method: 'post',
  path: '/organisations/{organisationId}/members',
  operationId: 'addOrganisationMember',
  tags,
  summary: 'Add an active member to an organisation, or change their role there (admin, staff)',
  description: 'The role defaults to `member`; adding a member again changes only the role. A member not active is 422 MEMBER_NOT_ACTIVE.',
  security: bearer,
  request: {
    params: OrganisationParams,
    body: jsonRequest(AddMemberBody, {
      leader: { summary: 'Make a member the team leader', value: { memberId: 'zhangwei', role: 'leader' } },
    }),
  },
  responses: { 200: json(OrganisationMemberSchema, 'The membership'), ...errors(...WRITE_ERRORS) },
})
const removeMember = createRoute({
  method: 'delete',
  path: '/organisations/{organisationId}/members/{memberId}',
  operationId: 'removeOrganisationMember',
  tags,
  summary: 'Remove a member from an organisation (admin, staff)',
  security: bearer,
  request: { params: OrganisationMemberParams },
  responses: { 200: json(OrganisationMemberRemovedSchema, 'Removed'), ...errors(...WRITE_ERRORS) },
})
const ofMember = createRoute({
  method: 'get',
  path: '/members/{memberId}/organisations',
  operationId: 'listMemberOrganisations',
  tags: ['Organisations', 'Members'],
  summary: 'The organisations a member belongs to (admin, staff, the member itself)',
  description: 'Another member, or one outside the subtree of a key limited to a grid, is 404 MEMBER_NOT_FOUND.',
  security: bearer,
  request: { params: MemberParams },
  responses: { 200: json(MemberOrganisationsSchema, 'By organisation id'), ...errors(400, 401, 403, 404) },
})

export function organisationRoutes(deps: Deps) {
  const { community } = deps
  return router()
    .openapi(create, async (c) => {
      const caller = await authorize(c, deps, 'organisations.manage')
      const body = c.req.valid('json')
      const { organisation, replayed } = await community.createOrganisation({
        ...body,
        id: writeId(c, body.id),
        tenantId: caller.tenantId,
        actor: caller.keyId,
      })
      markReplayed(c, replayed)
      c.header('Location', `/v1/organisations/${encodeURIComponent(organisation.id)}`)
      return c.json(organisation, 201)
    })
    .openapi(list, async (c) => {
      const caller = await authorize(c, deps, 'organisations.read')
      const q = c.req.valid('query')
      const page = await community.listOrganisations({
        tenantId: caller.tenantId,
        ...(q.kind !== undefined ? { kind: q.kind } : {}),
        ...(q.limit !== undefined ? { limit: Number(q.limit) } : {}),
        ...(q.after !== undefined ? { after: q.after } : {}),
        view: q.view ?? 'masked',
      })
      return c.json(page, 200)
    })
    .openapi(get, async (c) => {
      const caller = await authorize(c, deps, 'organisations.read')
      return c.json(
        await community.getOrganisation({ tenantId: caller.tenantId, organisationId: c.req.valid('param').organisationId }),
        200,
      )
    })
    .openapi(members, async (c) => {
      const caller = await authorize(c, deps, 'organisations.read')
      const { organisationId } = c.req.valid('param')
      return c.json({ members: await community.listOrganisationMembers({ tenantId: caller.tenantId, organisationId }) }, 200)
    })
    .openapi(addMember, async (c) => {
      const caller = await authorize(c, deps, 'organisations.manage')
      const { organisationId } = c.req.valid('param')
      return c.json(await community.addOrganisationMember({ ...c.req.valid('json'), tenantId: caller.tenantId, organisationId }), 200)
    })
    .openapi(removeMember, async (c) => {
      const caller = await authorize(c, deps, 'organisations.manage')
      const { organisationId, memberId } = c.req.valid('param')
      // A missing organisation answers 404, not `removed: false`.
      await community.getOrganisation({ tenantId: caller.tenantId, organisationId })
      return c.json(await community.removeOrganisationMember({ tenantId: caller.tenantId, organisationId, memberId }), 200)
    })
    .openapi(ofMember, async (c) => {
      const { memberId } = c.req.valid('param')
      const caller = await authorize(c, deps, 'members.read', { memberId, hidden: memberHidden(memberId) })
      return c.json({ organisations: await community.organisationsOfMember({ tenantId: caller.tenantId, memberId }) }, 200)
    })
}
