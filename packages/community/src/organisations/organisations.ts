/**
 * Partner units (共建单位, kind `partner`) and volunteer teams (`team`): made
 * once by id with their ledger accounts (hours and points, owned by the
 * organisation), and their members (leaders and members, who must be active).
 * The contact person is personal data: masked in the public view like a
 * member's.
 *
 * @example
 * await createOrganisation(ctx, { tenantId, id: 'school-3', kind: 'partner', name: '第三小学', contactPhone: '13812341234', actor: 'key_1' })
 * await addOrganisationMember(ctx, { tenantId, organisationId: 'team-1', memberId: 'ana', role: 'leader' })
 */
import { Id } from '@timebank/ledger'
import { requestHash } from '@timebank/ledger/kit'
import { type SQL, and, asc, eq, gt, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityError, CommunityErrorCode, notFound } from '../domain/errors.js'
import { CommunityId } from '../domain/ids.js'
import { maskName, maskPhone } from '../domain/mask.js'
import { Phone } from '../domain/member.js'
import { parse } from '../domain/validate.js'
import { requireGrid } from '../grids/reads.js'
import { openOrganisationAccounts } from '../members/accounts.js'
import { requireActiveMember, requireMember } from '../storage/member-reads.js'
import { createRow } from '../storage/create-row.js'
import { organisationMembers, organisations } from '../storage/schema.js'

export const OrganisationKind = z.enum(['partner', 'team'])
export type OrganisationKind = z.infer<typeof OrganisationKind>
export const OrganisationRole = z.enum(['leader', 'member'])
export type OrganisationRole = z.infer<typeof OrganisationRole>

export const CreateOrganisationInput = z.strictObject({
  tenantId: Id,
  /** The client's id for the organisation: creating it again with the same content returns it. */
  id: CommunityId,
  kind: OrganisationKind,
  name: z.string().trim().min(1).max(200),
  contactName: z.string().trim().min(1).max(100).optional(),
  contactPhone: Phone.optional(),
  /** The grid it belongs to or serves. */
  gridId: CommunityId.optional(),
  actor: z.string().min(1).max(200),
})
export type CreateOrganisationInput = z.input<typeof CreateOrganisationInput>

export const GetOrganisationInput = z.strictObject({ tenantId: Id, organisationId: CommunityId })
export type GetOrganisationInput = z.input<typeof GetOrganisationInput>

export const ListOrganisationsInput = z.strictObject({
  tenantId: Id,
  kind: OrganisationKind.optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  /** The previous page's `nextAfter` (an organisation id). */
  after: CommunityId.optional(),
  /** `full` for staff; `masked` (the default) hides the contact person. */
  view: z.enum(['full', 'masked']).default('masked'),
})
export type ListOrganisationsInput = z.input<typeof ListOrganisationsInput>

export const AddOrganisationMemberInput = z.strictObject({
  tenantId: Id,
  organisationId: CommunityId,
  memberId: CommunityId,
  role: OrganisationRole.default('member'),
})
export type AddOrganisationMemberInput = z.input<typeof AddOrganisationMemberInput>

export const RemoveOrganisationMemberInput = z.strictObject({ tenantId: Id, organisationId: CommunityId, memberId: CommunityId })
export type RemoveOrganisationMemberInput = z.input<typeof RemoveOrganisationMemberInput>

export const ListOrganisationMembersInput = z.strictObject({ tenantId: Id, organisationId: CommunityId })
export type ListOrganisationMembersInput = z.input<typeof ListOrganisationMembersInput>

export const OrganisationsOfMemberInput = z.strictObject({ tenantId: Id, memberId: CommunityId })
export type OrganisationsOfMemberInput = z.input<typeof OrganisationsOfMemberInput>

export const OrganisationOutput = z.object({
  tenantId: z.string(),
  id: z.string(),
  kind: OrganisationKind,
  name: z.string(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  gridId: z.string().nullable(),
  status: z.enum(['active', 'inactive']),
  createdAt: z.date(),
})
export type Organisation = z.output<typeof OrganisationOutput>

/** The public view: the contact person masked (张*明, 138****1234). */
export const PublicOrganisationOutput = OrganisationOutput
export type PublicOrganisation = Organisation

export const OrganisationPageOutput = z.object({ organisations: z.array(OrganisationOutput), nextAfter: z.string().nullable() })
export type OrganisationPage = z.output<typeof OrganisationPageOutput>

export const OrganisationMemberOutput = z.object({
  organisationId: z.string(),
  memberId: z.string(),
  role: OrganisationRole,
  joinedAt: z.date(),
})
export type OrganisationMember = z.output<typeof OrganisationMemberOutput>

export const MemberOrganisationOutput = z.object({
  organisationId: z.string(),
  kind: OrganisationKind,
  name: z.string(),
  role: OrganisationRole,
  joinedAt: z.date(),
})
export type MemberOrganisation = z.output<typeof MemberOrganisationOutput>

type OrganisationRow = typeof organisations.$inferSelect

export const organisationView = (o: OrganisationRow): Organisation => ({
  tenantId: o.tenantId,
  id: o.id,
  kind: o.kind as OrganisationKind,
  name: o.name,
  contactName: o.contactName,
  contactPhone: o.contactPhone,
  gridId: o.gridId,
  status: o.status as Organisation['status'],
  createdAt: o.createdAt,
})

export const publicOrganisationView = (o: OrganisationRow): PublicOrganisation => ({
  ...organisationView(o),
  contactName: o.contactName === null ? null : maskName(o.contactName),
  contactPhone: o.contactPhone === null ? null : maskPhone(o.contactPhone),
})

const membershipView = (m: typeof organisationMembers.$inferSelect): OrganisationMember => ({
  organisationId: m.organisationId,
  memberId: m.memberId,
  role: m.role as OrganisationRole,
  joinedAt: m.joinedAt,
})

type Reader = Pick<CommunityContext['db'], 'select'>

export async function requireOrganisation(db: Reader, tenantId: string, organisationId: string): Promise<OrganisationRow> {
  const [row] = await db
    .select()
    .from(organisations)
    .where(and(eq(organisations.tenantId, tenantId), eq(organisations.id, organisationId)))
  if (!row) throw notFound(CommunityErrorCode.ORGANISATION_NOT_FOUND, 'organisation', organisationId, 'organisationId')
  return row
}

/**
 * Create an organisation, then open its accounts. A replay opens them again (the ledger answers the
 * same accounts), so a creation cut short between the two is finished by repeating it.
 */
export async function createOrganisation(
  ctx: CommunityContext,
  input: CreateOrganisationInput,
): Promise<{ organisation: Organisation; replayed: boolean }> {
  const o = parse(CreateOrganisationInput, input)
  await ctx.community(o.tenantId)
  const fields = {
    kind: o.kind,
    name: o.name,
    contactName: o.contactName ?? null,
    contactPhone: o.contactPhone ?? null,
    gridId: o.gridId ?? null,
  }
  const hash = requestHash(fields)
  const now = ctx.now()
  const { row, replayed } = await ctx.db.transaction(async (tx) => {
    if (o.gridId !== undefined) await requireGrid(tx, o.tenantId, o.gridId)
    return createRow(
      tx,
      organisations,
      { tenantId: o.tenantId, id: o.id, ...fields, status: 'active', requestHash: hash, createdAt: now },
      () =>
        new CommunityError(CommunityErrorCode.ORGANISATION_EXISTS, `organisation ${o.id} exists with other content`, {
          organisationId: o.id,
        }),
    )
  })
  await openOrganisationAccounts(ctx, o.tenantId, o.id)
  return { organisation: organisationView(row), replayed }
}

/** The organisation in full (for staff). */
export async function getOrganisation(ctx: CommunityContext, input: GetOrganisationInput): Promise<Organisation> {
  const q = parse(GetOrganisationInput, input)
  return organisationView(await requireOrganisation(ctx.db, q.tenantId, q.organisationId))
}

/** A page of organisations by id, of one kind or all. */
export async function listOrganisations(ctx: CommunityContext, input: ListOrganisationsInput): Promise<OrganisationPage> {
  const q = parse(ListOrganisationsInput, input)
  await ctx.community(q.tenantId)
  const where: SQL[] = [eq(organisations.tenantId, q.tenantId)]
  if (q.kind) where.push(eq(organisations.kind, q.kind))
  if (q.after) where.push(gt(organisations.id, q.after))
  const found = await ctx.db
    .select()
    .from(organisations)
    .where(and(...where))
    .orderBy(asc(organisations.id))
    .limit(q.limit + 1)
  const page = found.slice(0, q.limit)
  const last = page[page.length - 1]
  return {
    organisations: page.map(q.view === 'full' ? organisationView : publicOrganisationView),
    nextAfter: found.length > q.limit && last ? last.id : null,
  }
}

/** Add an active member to an organisation, or change their role there (joinedAt stays). */
export async function addOrganisationMember(ctx: CommunityContext, input: AddOrganisationMemberInput): Promise<OrganisationMember> {
  const a = parse(AddOrganisationMemberInput, input)
  await ctx.community(a.tenantId)
  await requireOrganisation(ctx.db, a.tenantId, a.organisationId)
  await requireActiveMember(ctx.db, a.tenantId, a.memberId)
  const [row] = await ctx.db
    .insert(organisationMembers)
    .values({ tenantId: a.tenantId, organisationId: a.organisationId, memberId: a.memberId, role: a.role, joinedAt: ctx.now() })
    .onConflictDoUpdate({
      target: [organisationMembers.tenantId, organisationMembers.organisationId, organisationMembers.memberId],
      set: { role: sql`excluded.role` },
    })
    .returning()
  if (!row) throw new Error(`membership of ${a.memberId} in ${a.organisationId} vanished`)
  return membershipView(row)
}

export async function removeOrganisationMember(ctx: CommunityContext, input: RemoveOrganisationMemberInput): Promise<{ removed: boolean }> {
  const r = parse(RemoveOrganisationMemberInput, input)
  await ctx.community(r.tenantId)
  const gone = await ctx.db
    .delete(organisationMembers)
    .where(
      and(
        eq(organisationMembers.tenantId, r.tenantId),
        eq(organisationMembers.organisationId, r.organisationId),
        eq(organisationMembers.memberId, r.memberId),
      ),
    )
    .returning()
  return { removed: gone.length > 0 }
}

/** The organisation's members: leaders first, then by member id. */
export async function listOrganisationMembers(ctx: CommunityContext, input: ListOrganisationMembersInput): Promise<OrganisationMember[]> {
  const q = parse(ListOrganisationMembersInput, input)
  await requireOrganisation(ctx.db, q.tenantId, q.organisationId)
  const found = await ctx.db
    .select()
    .from(organisationMembers)
    .where(and(eq(organisationMembers.tenantId, q.tenantId), eq(organisationMembers.organisationId, q.organisationId)))
    .orderBy(sql`${organisationMembers.role} = 'leader' desc`, asc(organisationMembers.memberId))
  return found.map(membershipView)
}

/** The organisations a member belongs to, by organisation id. */
export async function organisationsOfMember(ctx: CommunityContext, input: OrganisationsOfMemberInput): Promise<MemberOrganisation[]> {
  const q = parse(OrganisationsOfMemberInput, input)
  await requireMember(ctx.db, q.tenantId, q.memberId)
  const found = await ctx.db
    .select({ m: organisationMembers, o: organisations })
    .from(organisationMembers)
    .innerJoin(
      organisations,
      and(eq(organisations.tenantId, organisationMembers.tenantId), eq(organisations.id, organisationMembers.organisationId)),
    )
    .where(and(eq(organisationMembers.tenantId, q.tenantId), eq(organisationMembers.memberId, q.memberId)))
    .orderBy(asc(organisations.id))
  return found.map(({ m, o }) => ({
    organisationId: o.id,
    kind: o.kind as OrganisationKind,
    name: o.name,
    role: m.role as OrganisationRole,
    joinedAt: m.joinedAt,
  }))
}
