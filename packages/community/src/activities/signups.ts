/**
 * Signing up for an activity: a place while any is free, else a turn on the
 * waitlist; cancelling frees the place and gives it, in the same transaction,
 * to the earliest waitlisted member still active (one deactivated or erased
 * since signing up keeps their turn but is passed over). Every step that
 * counts places first locks the activity row, so concurrent sign-ups never
 * take more places than there are.
 *
 * @example
 * const { signup } = await signUp(ctx, { tenantId, activityId: 'clean-0302', memberId: 'ana', actor: 'key_ana' })
 * signup.status // 'signed', or 'waitlisted' with its position
 * const { promoted } = await cancelSignUp(ctx, { tenantId, activityId: 'clean-0302', memberId: 'ana', actor: 'key_ana' })
 */
import { Id } from '@timebank/ledger'
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { type SignupStatus, isLive, promotable, seatFor } from '../domain/activity.js'
import { CommunityError, CommunityErrorCode } from '../domain/errors.js'
import { CommunityId } from '../domain/ids.js'
import { Role } from '../domain/points.js'
import { parse } from '../domain/validate.js'
import { requireActiveMember } from '../storage/member-reads.js'
import { activities, attendance, members, signups } from '../storage/schema.js'
import { Actor } from './activities.js'
import { countPlaces, readActivity, requireOpen, waitlistPosition } from './reads.js'
import { type ActivityRow, type Signup, type SignupList, type SignupRow, signupView } from './view.js'

type Tx = Parameters<Parameters<CommunityContext['db']['transaction']>[0]>[0]
type Reader = Pick<CommunityContext['db'], 'select'>

export const SignUpInput = z.strictObject({
  tenantId: Id,
  activityId: CommunityId,
  memberId: CommunityId,
  /** The role the member will have: its multiplier is the points rule's (who may choose leader or organiser is the API's call). */
  role: Role.default('member'),
  actor: Actor,
})
export type SignUpInput = z.input<typeof SignUpInput>

export const CancelSignUpInput = z.strictObject({ tenantId: Id, activityId: CommunityId, memberId: CommunityId, actor: Actor })
export type CancelSignUpInput = z.input<typeof CancelSignUpInput>

export const ListSignupsInput = z.strictObject({ tenantId: Id, activityId: CommunityId })
export type ListSignupsInput = z.input<typeof ListSignupsInput>

/** The member's sign-up for the activity, in any status, or undefined. */
export async function readSignup(
  db: Reader,
  tenantId: string,
  activityId: string,
  memberId: string,
  lock?: 'update',
): Promise<SignupRow | undefined> {
  const query = db
    .select()
    .from(signups)
    .where(and(eq(signups.tenantId, tenantId), eq(signups.activityId, activityId), eq(signups.memberId, memberId)))
  const [row] = lock ? await query.for(lock) : await query
  return row
}

/** A sign-up as shown, with its waitlist position when it has one. */
export async function shownSignup(db: Reader, row: SignupRow): Promise<Signup> {
  const position = row.status === 'waitlisted' ? await waitlistPosition(db, row.tenantId, row.activityId, row.seq) : null
  return signupView(row, position)
}

/**
 * Give the member a sign-up in `status`: a new row, or their cancelled one again, placed at the back of the
 * line (a new seq). The caller holds the activity's lock and has counted the places.
 */
export async function placeSignup(
  tx: Tx,
  s: { tenantId: string; activityId: string; memberId: string; status: 'signed' | 'waitlisted'; role: Role; at: Date },
  prior: SignupRow | undefined,
): Promise<SignupRow> {
  if (prior) {
    // seq is generated (drizzle will not set it): `default` draws the next, so a returning member queues behind everyone waiting.
    await tx.execute(sql`
      update cm_signups set status = ${s.status}, role = ${s.role}, signed_at = ${s.at.toISOString()}::timestamptz, seq = default
      where tenant_id = ${s.tenantId} and activity_id = ${s.activityId} and member_id = ${s.memberId}`)
    const row = await readSignup(tx, s.tenantId, s.activityId, s.memberId)
    if (!row) throw new Error(`sign-up of ${s.memberId} to ${s.activityId} vanished under the activity's lock`)
    return row
  }
  const [row] = await tx
    .insert(signups)
    .values({ tenantId: s.tenantId, activityId: s.activityId, memberId: s.memberId, status: s.status, role: s.role, signedAt: s.at })
    .returning()
  if (!row) throw new Error(`sign-up of ${s.memberId} to ${s.activityId} was not stored`)
  return row
}

/**
 * Let in as many of the earliest waitlisted as there are free places, members still active only (one deactivated or
 * erased since could neither check in nor be credited); they are returned. The caller holds the lock.
 */
async function promote(tx: Tx, activity: ActivityRow): Promise<SignupRow[]> {
  const places = await countPlaces(tx, activity.tenantId, activity.id)
  const n = promotable({ ...places, capacity: activity.capacity })
  if (n === 0) return []
  const next = await tx
    .select({ memberId: signups.memberId })
    .from(signups)
    .innerJoin(members, and(eq(members.tenantId, signups.tenantId), eq(members.id, signups.memberId)))
    .where(
      and(
        eq(signups.tenantId, activity.tenantId),
        eq(signups.activityId, activity.id),
        eq(signups.status, 'waitlisted'),
        eq(members.status, 'active'),
      ),
    )
    .orderBy(asc(signups.seq))
    .limit(n)
  if (next.length === 0) return []
  const promoted = await tx
    .update(signups)
    .set({ status: 'signed' })
    .where(
      and(
        eq(signups.tenantId, activity.tenantId),
        eq(signups.activityId, activity.id),
        inArray(
          signups.memberId,
          next.map((x) => x.memberId),
        ),
      ),
    )
    .returning()
  return promoted.sort((a, b) => (a.seq < b.seq ? -1 : 1))
}

/**
 * Sign a member up: a place while one is free, else the waitlist. Signing up again while signed or waitlisted
 * answers that sign-up as it is (`replayed`, its role unchanged); after a cancellation it is a new sign-up.
 */
export async function signUp(ctx: CommunityContext, input: SignUpInput): Promise<{ signup: Signup; replayed: boolean }> {
  const s = parse(SignUpInput, input)
  await ctx.community(s.tenantId)
  const now = ctx.now()
  return ctx.db.transaction(async (tx) => {
    // The lock makes the count below the one the insert acts on: concurrent sign-ups queue here.
    const activity = await readActivity(tx, s.tenantId, s.activityId, 'update')
    requireOpen(activity)
    if (now.getTime() >= activity.endsAt.getTime()) {
      throw new CommunityError(CommunityErrorCode.ACTIVITY_ENDED, `activity ${activity.id} has ended`, {
        activityId: activity.id,
        endsAt: activity.endsAt.toISOString(),
      })
    }
    await requireActiveMember(tx, s.tenantId, s.memberId)
    const prior = await readSignup(tx, s.tenantId, s.activityId, s.memberId)
    if (prior && isLive(prior.status as SignupStatus)) return { signup: await shownSignup(tx, prior), replayed: true }
    const { signed } = await countPlaces(tx, s.tenantId, s.activityId)
    const status = seatFor({ signed, capacity: activity.capacity })
    const row = await placeSignup(tx, { ...s, status, at: now }, prior)
    return { signup: await shownSignup(tx, row), replayed: false }
  })
}

/**
 * Cancel a sign-up. A freed place goes at once to the earliest waitlisted member still active (returned in
 * `promoted`). Cancelling a cancelled sign-up answers it as it is; once the member has checked in, the sign-up stands.
 */
export async function cancelSignUp(ctx: CommunityContext, input: CancelSignUpInput): Promise<{ signup: Signup; promoted: Signup[] }> {
  const { tenantId, activityId, memberId } = parse(CancelSignUpInput, input)
  return ctx.db.transaction(async (tx) => {
    const activity = await readActivity(tx, tenantId, activityId, 'update')
    // The place locked before looking for an attendance: a check-in by code locks it too (attendance.ts).
    const prior = await readSignup(tx, tenantId, activityId, memberId, 'update')
    if (!prior) {
      throw new CommunityError(CommunityErrorCode.NOT_SIGNED_UP, `member ${memberId} has not signed up for activity ${activityId}`, {
        activityId,
        memberId,
      })
    }
    if (prior.status === 'cancelled') return { signup: signupView(prior, null), promoted: [] }
    const [present] = await tx
      .select({ at: attendance.checkedInAt })
      .from(attendance)
      .where(and(eq(attendance.tenantId, tenantId), eq(attendance.activityId, activityId), eq(attendance.memberId, memberId)))
    if (present) {
      throw new CommunityError(CommunityErrorCode.ALREADY_CHECKED_IN, `member ${memberId} has checked in: the sign-up stands`, {
        activityId,
        memberId,
        checkedInAt: present.at.toISOString(),
      })
    }
    const [cancelled] = await tx
      .update(signups)
      .set({ status: 'cancelled' })
      .where(and(eq(signups.tenantId, tenantId), eq(signups.activityId, activityId), eq(signups.memberId, memberId)))
      .returning()
    const promoted = prior.status === 'signed' && activity.status === 'open' ? await promote(tx, activity) : []
    return { signup: signupView(cancelled ?? prior, null), promoted: promoted.map((p) => signupView(p, null)) }
  })
}

/**
 * Cancel a member's live sign-ups (signed or waitlisted) to open activities not yet ended, each through
 * cancelSignUp, so every freed place goes to the earliest active member waiting. For a member who stops
 * taking part (deactivated, erased). One already checked in keeps it: that attendance cannot make a
 * record any more (check-out refuses an inactive member). Safe to run again. Returns how many it cancelled.
 */
export async function cancelLiveSignUps(ctx: CommunityContext, tenantId: string, memberId: string, actor: string): Promise<number> {
  const live = await ctx.db
    .select({ activityId: signups.activityId })
    .from(signups)
    .innerJoin(activities, and(eq(activities.tenantId, signups.tenantId), eq(activities.id, signups.activityId)))
    .where(
      and(
        eq(signups.tenantId, tenantId),
        eq(signups.memberId, memberId),
        inArray(signups.status, ['signed', 'waitlisted']),
        eq(activities.status, 'open'),
        gt(activities.endsAt, ctx.now()),
      ),
    )
    .orderBy(asc(signups.activityId))
  let cancelled = 0
  for (const { activityId } of live) {
    try {
      await cancelSignUp(ctx, { tenantId, activityId, memberId, actor })
      cancelled++
    } catch (e) {
      if (!(e instanceof CommunityError && e.code === CommunityErrorCode.ALREADY_CHECKED_IN)) throw e
    }
  }
  return cancelled
}

/** Every sign-up of an activity in sign-up order, cancelled ones too, with how many hold a place and how many wait. */
export async function listSignups(ctx: CommunityContext, input: ListSignupsInput): Promise<SignupList> {
  const { tenantId, activityId } = parse(ListSignupsInput, input)
  await readActivity(ctx.db, tenantId, activityId)
  const found = await ctx.db
    .select()
    .from(signups)
    .where(and(eq(signups.tenantId, tenantId), eq(signups.activityId, activityId)))
    .orderBy(asc(signups.seq))
  const counts = { signed: 0, waitlisted: 0, cancelled: 0 }
  const shown = found.map((r) => {
    const status = r.status as keyof typeof counts
    counts[status] += 1
    return signupView(r, status === 'waitlisted' ? counts.waitlisted : null)
  })
  return { signups: shown, counts }
}
