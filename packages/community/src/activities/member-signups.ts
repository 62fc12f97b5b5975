/**
 * A member's own sign-ups across activities, newest activity first: each with
 * the activity (and how its places are taken), the sign-up (with its waitlist
 * position), the attendance when the member came, and the state that sums
 * them up for the member (signed, waitlisted, cancelled, checked in, checked
 * out: domain/activity.ts, `signupState`). What a resident's phone shows as
 * "my sign-ups", in one read.
 *
 * @example
 * const { signups, nextCursor } = await memberSignups(ctx, { tenantId, memberId: 'ana', limit: 20 })
 * signups[0].state // 'checkedOut'
 */
import { Id } from '@timebank/ledger'
import { and, desc, eq, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { SignupState, signupState } from '../domain/activity.js'
import { PageCursor, pageCursor, readCursor } from '../domain/cursor.js'
import { CommunityId } from '../domain/ids.js'
import { parse } from '../domain/validate.js'
import { afterCursor } from '../storage/keyset.js'
import { requireMember } from '../storage/member-reads.js'
import { activities, attendance, signups } from '../storage/schema.js'
import { countPlacesOf } from './reads.js'
import { shownSignup } from './signups.js'
import { ActivityOutput, AttendanceEntryOutput, SignupOutput, activityView, attendanceView } from './view.js'

export const MemberSignupsInput = z.strictObject({
  tenantId: Id,
  memberId: CommunityId,
  limit: z.number().int().min(1).max(200).default(50),
  /** The previous page's `nextCursor`. */
  cursor: PageCursor.optional(),
})
export type MemberSignupsInput = z.input<typeof MemberSignupsInput>

export const MemberSignupOutput = z.object({
  activity: ActivityOutput,
  signup: SignupOutput,
  attendance: AttendanceEntryOutput.nullable().describe('When the member checked in and out; null until they come.'),
  state: SignupState.describe('signed, waitlisted or cancelled as signed up; checkedIn or checkedOut once they came.'),
})
export type MemberSignup = z.output<typeof MemberSignupOutput>

export const MemberSignupsOutput = z.object({
  signups: z.array(MemberSignupOutput).describe('Newest activity first (by start), cancelled sign-ups included.'),
  nextCursor: z.string().nullable(),
})
export type MemberSignups = z.output<typeof MemberSignupsOutput>

/** The member's sign-ups, by the activity's start, newest first; the cursor is the last activity's start and id. */
export async function memberSignups(ctx: CommunityContext, input: MemberSignupsInput): Promise<MemberSignups> {
  const q = parse(MemberSignupsInput, input)
  await requireMember(ctx.db, q.tenantId, q.memberId)
  const where: SQL[] = [eq(signups.tenantId, q.tenantId), eq(signups.memberId, q.memberId)]
  if (q.cursor) where.push(afterCursor(activities.startsAt, activities.id, readCursor(q.cursor), 'desc'))
  const found = await ctx.db
    .select({ s: signups, a: activities, at: attendance })
    .from(signups)
    .innerJoin(activities, and(eq(activities.tenantId, signups.tenantId), eq(activities.id, signups.activityId)))
    .leftJoin(
      attendance,
      and(
        eq(attendance.tenantId, signups.tenantId),
        eq(attendance.activityId, signups.activityId),
        eq(attendance.memberId, signups.memberId),
      ),
    )
    .where(and(...where))
    .orderBy(desc(activities.startsAt), desc(activities.id))
    .limit(q.limit + 1)
  const page = found.slice(0, q.limit)
  const places = await countPlacesOf(
    ctx.db,
    q.tenantId,
    page.map((f) => f.a.id),
  )
  const last = page[page.length - 1]
  return {
    signups: await Promise.all(
      page.map(async (f) => ({
        activity: activityView(f.a, places.get(f.a.id) ?? { signed: 0, waitlisted: 0 }),
        signup: await shownSignup(ctx.db, f.s),
        attendance: f.at ? attendanceView(f.at, f.s.role) : null,
        state: signupState(f.s.status as 'signed' | 'waitlisted' | 'cancelled', f.at),
      })),
    ),
    nextCursor: found.length > q.limit && last ? pageCursor(last.a.startsAt, last.a.id) : null,
  }
}
