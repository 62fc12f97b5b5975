/**
 * A member's life: registration is an application (申请, `applied`) that
 * staff review (审核: approve or reject), or register-and-approve in one step;
 * an active member may be deactivated and reactivated; and anyone may be
 * erased, which removes the personal fields for good and keeps the pseudonym,
 * the ledger accounts and their history. Every change of status goes through
 * the state machine (domain/member.ts) and is conditional on the status it
 * was decided from, so a retry or a concurrent change never applies twice.
 *
 * Approval opens the member's ledger accounts first (idempotent in the
 * ledger), then marks the member active: a crash between the two leaves an
 * application that approving again finishes, opening nothing twice.
 *
 * @example
 * await registerMember(ctx, { tenantId, id: 'ana', name: '张小明', phone: '138 1234 1234', actor: 'key_1' })
 * await reviewMember(ctx, { tenantId, memberId: 'ana', decision: 'approve', actor: 'key_2' })
 * await eraseMember(ctx, { tenantId, memberId: 'ana', actor: 'key_2' })
 */
import { Id, Metadata } from '@timebank/ledger'
import { createOnce, requestHash } from '@timebank/ledger/kit'
import { and, eq, or } from 'drizzle-orm'
import { z } from 'zod'
import { forgetCertificateHolders } from '../certificates/erase.js'
import type { CommunityContext } from '../context.js'
import { cancelLiveSignUps } from '../activities/signups.js'
import { CommunityError, CommunityErrorCode } from '../domain/errors.js'
import { CommunityId } from '../domain/ids.js'
import {
  BirthDate,
  IdNumber,
  MEMBER_ACTION_TARGET,
  type MemberAction,
  type MemberStatus,
  Phone,
  memberTransition,
  pseudonym,
} from '../domain/member.js'
import { dateIn } from '../domain/periods.js'
import { derivedSecret } from '../domain/secrets.js'
import { parse } from '../domain/validate.js'
import { requireGrid } from '../grids/reads.js'
import { requireMember } from '../storage/member-reads.js'
import { memberPlaces, members, relatives } from '../storage/schema.js'
import { capNewMember } from '../policy-limits.js'
import { grantWelcome, openMemberAccounts } from './accounts.js'
import { type Member, type MemberRow, memberView } from './view.js'

const Actor = z.string().min(1).max(200)

export const RegisterMemberInput = z.strictObject({
  tenantId: Id,
  /** The client's id for the member: registering again with the same content returns them. */
  id: CommunityId,
  name: z.string().trim().min(1).max(100),
  /** Spaces, dashes and dots are removed; a Chinese mobile (+86 or not) is kept as its 11 digits. */
  phone: Phone.optional(),
  /** Identity card, residence permit or passport number: 6-32 letters and digits. */
  idNumber: IdNumber.optional(),
  /** YYYY-MM-DD, a real day, not after today in the community's time zone. */
  birthDate: BirthDate.optional(),
  /** Where the member lives: placed there from registration. */
  gridId: CommunityId.optional(),
  metadata: Metadata.optional(),
  /** Who registers (the staff key's id, or the applicant's own). */
  actor: Actor,
  /** Staff registering and approving in one step: the member ends active with their accounts open. */
  approve: z.boolean().default(false),
})
export type RegisterMemberInput = z.input<typeof RegisterMemberInput>

export const ReviewMemberInput = z.strictObject({
  tenantId: Id,
  memberId: CommunityId,
  decision: z.enum(['approve', 'reject']),
  note: z.string().max(2000).optional(),
  actor: Actor,
})
export type ReviewMemberInput = z.input<typeof ReviewMemberInput>

/** Deactivating, reactivating or erasing a member. */
export const MemberStatusInput = z.strictObject({ tenantId: Id, memberId: CommunityId, actor: Actor })
export const DeactivateMemberInput = MemberStatusInput
export const ReactivateMemberInput = MemberStatusInput
export const EraseMemberInput = MemberStatusInput
export type MemberStatusInput = z.input<typeof MemberStatusInput>

const exists = (id: string) =>
  new CommunityError(CommunityErrorCode.MEMBER_EXISTS, `member ${id} exists with other content`, { memberId: id })

/** Register a member: an application, or (with `approve`) an approved member with their accounts open. */
export async function registerMember(ctx: CommunityContext, input: RegisterMemberInput): Promise<{ member: Member; replayed: boolean }> {
  const r = parse(RegisterMemberInput, input)
  const { settings, privateKey } = await ctx.community(r.tenantId)
  const now = ctx.now()
  if (r.birthDate !== undefined && r.birthDate > dateIn(now, settings.timeZone)) {
    throw new CommunityError(CommunityErrorCode.VALIDATION, 'birthDate: a birth date cannot be in the future', {
      issues: [{ path: 'birthDate', message: 'a birth date cannot be in the future' }],
    })
  }
  const personal = {
    name: r.name,
    phone: r.phone ?? null,
    idNumber: r.idNumber ?? null,
    birthDate: r.birthDate ?? null,
    gridId: r.gridId ?? null,
    metadata: r.metadata ?? {},
  }
  // `approve` is part of the request: an application sent again asking for approval is another request (MEMBER_EXISTS),
  // not a replay that approves it. Added only when asked, so an application's fingerprint is what it always was.
  const hash = requestHash(r.approve ? { ...personal, approve: true } : personal)
  const { row, replayed } = await ctx.db.transaction(async (tx) => {
    if (r.gridId !== undefined) await requireGrid(tx, r.tenantId, r.gridId)
    return createOnce<MemberRow>({
      hash,
      insert: async () => {
        const [created] = await tx
          .insert(members)
          .values({
            tenantId: r.tenantId,
            id: r.id,
            ...personal,
            status: 'applied',
            pseudonym: pseudonym(derivedSecret(privateKey, 'pseudonym'), r.tenantId, r.id),
            appliedAt: now,
            createdBy: r.actor,
            requestHash: hash,
          })
          .onConflictDoNothing()
          .returning()
        if (created && r.gridId !== undefined) {
          await tx.insert(memberPlaces).values({ tenantId: r.tenantId, memberId: r.id, since: now, gridId: r.gridId, placedBy: r.actor })
        }
        return created
      },
      existing: async () => {
        const [prior] = await tx
          .select()
          .from(members)
          .where(and(eq(members.tenantId, r.tenantId), eq(members.id, r.id)))
        return prior && { row: prior, requestHash: prior.requestHash }
      },
      conflict: () => exists(r.id),
    })
  })
  // Approval asked for, by this request or by the identical first one it replays (approve is in the fingerprint): a
  // member still applied is approved now (the first died after the insert, or opening the accounts failed). A member
  // whose status moved on since (approved, rejected, deactivated) is answered as they stand, never changed.
  if (r.approve && row.status === 'applied') {
    return { member: memberView(await changeStatus(ctx, r.tenantId, r.id, 'approve', r.actor)), replayed }
  }
  return { member: memberView(row), replayed }
}

/** Approve (the member's accounts are opened, then the member is active) or reject an application. */
export async function reviewMember(ctx: CommunityContext, input: ReviewMemberInput): Promise<Member> {
  const r = parse(ReviewMemberInput, input)
  await ctx.community(r.tenantId)
  return memberView(await changeStatus(ctx, r.tenantId, r.memberId, r.decision, r.actor, r.note ?? null))
}

/**
 * An active member stops taking part (no sign-ups, no credits): their places in activities not yet ended
 * are given up, to whoever waits; their accounts and history stay.
 */
export async function deactivateMember(ctx: CommunityContext, input: MemberStatusInput): Promise<Member> {
  const r = parse(DeactivateMemberInput, input)
  await ctx.community(r.tenantId)
  const row = await changeStatus(ctx, r.tenantId, r.memberId, 'deactivate', r.actor)
  // After the status, so no new sign-up can slip in; run on every call, so a retry finishes what a crash left.
  await cancelLiveSignUps(ctx, r.tenantId, r.memberId, r.actor)
  return memberView(row)
}

export async function reactivateMember(ctx: CommunityContext, input: MemberStatusInput): Promise<Member> {
  const r = parse(ReactivateMemberInput, input)
  await ctx.community(r.tenantId)
  return memberView(await changeStatus(ctx, r.tenantId, r.memberId, 'reactivate', r.actor))
}

/**
 * Erase a member's personal data, for good: name, phone, ID number, birth date, metadata, the review
 * note, the request fingerprint (a hash of those fields), the family links and the full name (and its
 * salt) kept on their certificates are removed, and their places in activities not yet ended given up;
 * the pseudonym, the placements, the ledger accounts and their whole history stay, under the member's id,
 * and their certificates still verify.
 */
export async function eraseMember(ctx: CommunityContext, input: MemberStatusInput): Promise<Member> {
  const r = parse(EraseMemberInput, input)
  await ctx.community(r.tenantId)
  // With the certificates' holder names and salts, in one transaction; erasing again finishes both.
  const erased = await ctx.db.transaction(async (tx) => {
    const row = await changeStatus({ ...ctx, db: tx }, r.tenantId, r.memberId, 'erase', r.actor)
    await forgetCertificateHolders(tx, r.tenantId, r.memberId)
    return row
  })
  ctx.forgetRelatives(r.tenantId, r.memberId)
  await cancelLiveSignUps(ctx, r.tenantId, r.memberId, r.actor)
  return memberView(erased)
}

/** What each action writes besides the status. */
function changes(action: MemberAction, actor: string, now: Date, note: string | null): Partial<MemberRow> {
  switch (action) {
    case 'approve':
    case 'reject':
      return { reviewedBy: actor, reviewedAt: now, reviewNote: note }
    case 'erase':
      return { name: null, phone: null, idNumber: null, birthDate: null, metadata: {}, reviewNote: null, requestHash: null }
    default:
      return {}
  }
}

/**
 * Move a member by `action`: one already where it leads is answered as is; one the action may not
 * follow is INVALID_TRANSITION. The update is conditional on the status read, so a concurrent change
 * makes this read again and decide anew.
 */
async function changeStatus(
  ctx: CommunityContext,
  tenantId: string,
  memberId: string,
  action: MemberAction,
  actor: string,
  note: string | null = null,
): Promise<MemberRow> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const row = await requireMember(ctx.db, tenantId, memberId)
    const status = row.status as MemberStatus
    if (status === MEMBER_ACTION_TARGET[action]) return row
    const next = memberTransition(status, action, memberId)
    // The ledger step first: opening is idempotent, so a crash after it is finished by approving again.
    if (action === 'approve') {
      await openMemberAccounts(ctx, tenantId, memberId)
      // The caps in force on the new accounts, before the welcome grant credits them.
      await capNewMember(ctx, tenantId, memberId)
      await grantWelcome(ctx, tenantId, memberId, actor)
    }
    const updated = await ctx.db.transaction(async (tx) => {
      const [u] = await tx
        .update(members)
        .set({ status: next, ...changes(action, actor, ctx.now(), note) })
        .where(and(eq(members.tenantId, tenantId), eq(members.id, memberId), eq(members.status, status)))
        .returning()
      if (u && action === 'erase') {
        await tx
          .delete(relatives)
          .where(and(eq(relatives.tenantId, tenantId), or(eq(relatives.memberId, memberId), eq(relatives.relativeId, memberId))))
      }
      return u
    })
    if (updated) return updated
  }
  throw new Error(`member ${memberId} kept changing status (action: ${action})`)
}
