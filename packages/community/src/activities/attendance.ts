/**
 * Checking in and out of an activity, by the member scanning the rotating
 * code or by staff by hand, within the activity's time widened by the
 * community's grace (both edges included). Check-out makes the pending hour
 * record (records/create.ts: the attended time rounded by the community's
 * rule, capped by the activity's maximum) and then marks the attendance with
 * it; the record's id is derived from the attendance, so a check-out that dies
 * between the two is finished by running it again. Only an active member's
 * attendance makes a record, and one checked in or out by hand makes a manual
 * record, entered by that staff member: someone else must approve it.
 *
 * Staff checking someone out by hand may name `at`, the time they left: not
 * in the future, not before they checked in, and no later than the end plus
 * the grace, but given at any time after (the day after, when staff forgot).
 * A member's check-out by code is always now.
 *
 * @example
 * await checkIn(ctx, { tenantId, activityId: 'clean-0302', memberId: 'ana', code: '492039', actor: 'key_ana' })
 * const { record } = await checkOut(ctx, { tenantId, activityId: 'clean-0302', memberId: 'ana', code: '118310', actor: 'key_ana' })
 * record.hours // '1.50' for 1 h 40 min, rounded down to the quarter hour
 */
import { activityHoursCap } from '../policy-check.js'
import { Id } from '@timebank/ledger'
import { BoundedCache, rows } from '@timebank/ledger/kit'
import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext, CommunityRecord } from '../context.js'
import { BY_CODE, type CheckInWindow, checkInWindow, enteredByHand, isOpenAt, seatFor } from '../domain/activity.js'
import { verifyCheckinCode } from '../domain/checkin-code.js'
import { CommunityError, CommunityErrorCode, isCommunityError } from '../domain/errors.js'
import { CommunityId, attendanceRecordId } from '../domain/ids.js'
import type { Role } from '../domain/points.js'
import type { CommunitySettings } from '../domain/settings.js'
import { parse } from '../domain/validate.js'
import { recordFromAttendance } from '../records/create.js'
import { getRecord } from '../records/queries.js'
import type { HourRecord } from '../records/view.js'
import { requireActiveMember } from '../storage/member-reads.js'
import { activities, attendance as attendanceTable, signups } from '../storage/schema.js'
import { Actor, When } from './activities.js'
import { countPlaces, readActivity, requireOpen } from './reads.js'
import { placeSignup, readSignup, shownSignup } from './signups.js'
import {
  type ActivityRow,
  type Attendance,
  type AttendanceEntry,
  type AttendanceRow,
  type Signup,
  type SignupRow,
  attendanceView,
  signupView,
} from './view.js'

type Reader = Pick<CommunityContext['db'], 'select'>

export { BY_CODE }

/** The code as scanned: checked by verification (a malformed one is simply wrong), not by the schema. */
const Code = z.string().min(1).max(32)
const notTheCodeMarker = { message: `"${BY_CODE}" marks a check by code; a staff actor needs another id`, path: ['actor'] }

export const CheckInInput = z
  .strictObject({
    tenantId: Id,
    activityId: CommunityId,
    memberId: CommunityId,
    /** The code the member scanned; without one it is staff checking the member in by hand. */
    code: Code.optional(),
    actor: Actor,
  })
  .refine((c) => c.code !== undefined || c.actor !== BY_CODE, notTheCodeMarker)
export type CheckInInput = z.input<typeof CheckInInput>

export const CheckOutInput = z
  .strictObject({
    tenantId: Id,
    activityId: CommunityId,
    memberId: CommunityId,
    /** The code the member scanned; without one it is staff checking the member out by hand. */
    code: Code.optional(),
    /** Staff only: when the member left, if not now (no later than the end plus the grace). */
    at: When.optional(),
    actor: Actor,
  })
  .refine((c) => c.code === undefined || c.at === undefined, { message: 'a check-out by code is now: at is for staff', path: ['at'] })
  .refine((c) => c.code !== undefined || c.actor !== BY_CODE, notTheCodeMarker)
export type CheckOutInput = z.input<typeof CheckOutInput>

export const AttendanceInput = z.strictObject({ tenantId: Id, activityId: CommunityId })
export type AttendanceInput = z.input<typeof AttendanceInput>

export async function readAttendance(
  db: Reader,
  tenantId: string,
  activityId: string,
  memberId: string,
): Promise<AttendanceRow | undefined> {
  const [row] = await db
    .select()
    .from(attendanceTable)
    .where(and(eq(attendanceTable.tenantId, tenantId), eq(attendanceTable.activityId, activityId), eq(attendanceTable.memberId, memberId)))
  return row
}

function requireWindow(activity: ActivityRow, settings: CommunitySettings, at: Date): CheckInWindow {
  const window = checkInWindow(activity, settings.checkInGraceMinutes)
  if (!isOpenAt(window, at)) {
    throw new CommunityError(
      CommunityErrorCode.CHECKIN_CLOSED,
      `checking in and out of activity ${activity.id} is closed at ${at.toISOString()}`,
      {
        activityId: activity.id,
        at: at.toISOString(),
        opensAt: window.opensAt.toISOString(),
        closesAt: window.closesAt.toISOString(),
      },
    )
  }
  return window
}

function requireCode(activity: ActivityRow, settings: CommunitySettings, code: string, at: Date): void {
  if (!verifyCheckinCode(code, activity.codeSecret, at, settings.codeStepSeconds)) {
    throw new CommunityError(CommunityErrorCode.CHECKIN_CODE_INVALID, 'the check-in code is wrong or no longer current', {
      activityId: activity.id,
    })
  }
}

const alreadyIn = (row: AttendanceRow) =>
  new CommunityError(CommunityErrorCode.ALREADY_CHECKED_IN, `member ${row.memberId} has already checked in to activity ${row.activityId}`, {
    activityId: row.activityId,
    memberId: row.memberId,
    checkedInAt: row.checkedInAt.toISOString(),
  })

const alreadyOut = (row: AttendanceRow) =>
  new CommunityError(
    CommunityErrorCode.ALREADY_CHECKED_OUT,
    `member ${row.memberId} has already checked out of activity ${row.activityId}`,
    {
      activityId: row.activityId,
      memberId: row.memberId,
      recordId: row.recordId,
      checkedOutAt: row.checkedOutAt?.toISOString() ?? null,
    },
  )

const notSignedUp = (activityId: string, memberId: string, details: Record<string, unknown>) =>
  new CommunityError(CommunityErrorCode.NOT_SIGNED_UP, `member ${memberId} holds no place in activity ${activityId}`, {
    activityId,
    memberId,
    ...details,
  })

/** What a check-in by code needs of an activity that never changes: remembered per context, never its status. */
type ActivityFacts = Pick<ActivityRow, 'id' | 'codeSecret' | 'startsAt' | 'endsAt'>
const factsByContext = new WeakMap<CommunityContext, BoundedCache<string, ActivityFacts>>()

async function activityFacts(ctx: CommunityContext, tenantId: string, activityId: string): Promise<ActivityFacts | undefined> {
  let cache = factsByContext.get(ctx)
  if (!cache) {
    cache = new BoundedCache({ maxEntries: 10_000 })
    factsByContext.set(ctx, cache)
  }
  const key = `${tenantId}\u0000${activityId}`
  const known = cache.get(key)
  if (known) return known
  const [row] = await ctx.db
    .select({ id: activities.id, codeSecret: activities.codeSecret, startsAt: activities.startsAt, endsAt: activities.endsAt })
    .from(activities)
    .where(and(eq(activities.tenantId, tenantId), eq(activities.id, activityId)))
  if (row) cache.set(key, row)
  return row
}

/**
 * A check-in by code in one statement, no transaction: the member's place is locked (as a cancellation
 * locks it before looking for an attendance), and the attendance is inserted only while the activity is
 * open, the member active and the place signed. Members scanning at once touch only their own rows. Any
 * other outcome (null) goes to the full path, which gives the precise answer.
 */
async function checkInByCode(
  ctx: CommunityContext,
  c: { tenantId: string; activityId: string; memberId: string; code: string },
  settings: CommunitySettings,
  now: Date,
): Promise<{ attendance: AttendanceEntry; signup: Signup; walkIn: boolean } | null> {
  const facts = await activityFacts(ctx, c.tenantId, c.activityId)
  if (!facts || !isOpenAt(checkInWindow(facts, settings.checkInGraceMinutes), now)) return null
  if (!verifyCheckinCode(c.code, facts.codeSecret, now, settings.codeStepSeconds)) return null
  const [r] = await rows<{ checked_in_at: Date | string | null; role: string | null; seq: string | null; signed_at: Date | string | null }>(
    ctx.db,
    sql`with s as (
          select role, seq, signed_at from cm_signups
          where tenant_id = ${c.tenantId} and activity_id = ${c.activityId} and member_id = ${c.memberId} and status = 'signed'
          for update),
        ins as (
          insert into cm_attendance (tenant_id, activity_id, member_id, checked_in_at, checked_in_by)
          select ${c.tenantId}, ${c.activityId}, ${c.memberId}, ${now.toISOString()}::timestamptz, ${BY_CODE} from s
          where exists (select 1 from cm_activities a where a.tenant_id = ${c.tenantId} and a.id = ${c.activityId} and a.status = 'open')
            and exists (select 1 from cm_members m where m.tenant_id = ${c.tenantId} and m.id = ${c.memberId} and m.status = 'active')
          on conflict do nothing
          returning checked_in_at)
        select (select checked_in_at from ins) as checked_in_at, s.role, s.seq::text as seq, s.signed_at from s`,
  )
  if (!r || r.checked_in_at === null || r.role === null) return null
  const at = (v: Date | string) => (v instanceof Date ? v : new Date(v))
  const attendance: AttendanceRow = {
    tenantId: c.tenantId,
    activityId: c.activityId,
    memberId: c.memberId,
    checkedInAt: at(r.checked_in_at),
    checkedInBy: BY_CODE,
    checkedOutAt: null,
    checkedOutBy: null,
    recordId: null,
  }
  const signup: SignupRow = {
    tenantId: c.tenantId,
    activityId: c.activityId,
    memberId: c.memberId,
    status: 'signed',
    role: r.role,
    seq: BigInt(r.seq ?? '0'),
    signedAt: at(r.signed_at ?? now),
  }
  return { attendance: attendanceView(attendance, r.role), signup: signupView(signup, null), walkIn: false }
}

/**
 * Check a member in. With `code` the member scanned it; without, staff check them in by hand, and a member
 * without a place (none, cancelled or waitlisted) is given one as a walk-in while one is free.
 */
export async function checkIn(
  ctx: CommunityContext,
  input: CheckInInput,
): Promise<{ attendance: AttendanceEntry; signup: Signup; walkIn: boolean }> {
  const c = parse(CheckInInput, input)
  const { settings } = await ctx.community(c.tenantId)
  const now = ctx.now()
  if (c.code !== undefined) {
    const fast = await checkInByCode(ctx, { ...c, code: c.code }, settings, now)
    if (fast) return fast
  }
  return ctx.db.transaction(async (tx) => {
    // By code: a shared lock, so members scanning at once do not wait on each other, yet no sign-up moves under them.
    // By hand: the walk-in may take a place, so the lock sign-ups take.
    const activity = await readActivity(tx, c.tenantId, c.activityId, c.code === undefined ? 'update' : 'share')
    requireOpen(activity)
    const present = await readAttendance(tx, c.tenantId, c.activityId, c.memberId)
    if (present) throw alreadyIn(present)
    requireWindow(activity, settings, now)
    if (c.code !== undefined) requireCode(activity, settings, c.code, now)
    await requireActiveMember(tx, c.tenantId, c.memberId)
    let signup = await readSignup(tx, c.tenantId, c.activityId, c.memberId)
    let walkIn = false
    if (signup?.status !== 'signed') {
      if (c.code !== undefined) throw notSignedUp(c.activityId, c.memberId, { status: signup?.status ?? null })
      const { signed } = await countPlaces(tx, c.tenantId, c.activityId)
      if (seatFor({ signed, capacity: activity.capacity }) !== 'signed') {
        throw notSignedUp(c.activityId, c.memberId, { status: signup?.status ?? null, full: true })
      }
      // A waitlisted member keeps the role they signed up with; anyone else walks in as a member.
      const role = (signup?.status === 'waitlisted' ? signup.role : 'member') as Role
      signup = await placeSignup(tx, { ...c, status: 'signed', role, at: now }, signup)
      walkIn = true
    }
    const [row] = await tx
      .insert(attendanceTable)
      .values({
        tenantId: c.tenantId,
        activityId: c.activityId,
        memberId: c.memberId,
        checkedInAt: now,
        checkedInBy: c.code === undefined ? c.actor : BY_CODE,
      })
      .onConflictDoNothing()
      .returning()
    if (!row) {
      // Checked in by a concurrent request since the read above.
      const other = await readAttendance(tx, c.tenantId, c.activityId, c.memberId)
      throw other ? alreadyIn(other) : new Error(`attendance of ${c.memberId} at ${c.activityId} is neither stored nor found`)
    }
    return { attendance: attendanceView(row, signup.role), signup: await shownSignup(tx, signup), walkIn }
  })
}

/** The record a check-out made, if one did (it may have died before marking the attendance). */
export async function madeRecord(ctx: CommunityContext, tenantId: string, recordId: string): Promise<HourRecord | undefined> {
  try {
    return await getRecord(ctx, tenantId, recordId)
  } catch (e) {
    if (isCommunityError(e) && e.code === CommunityErrorCode.RECORD_NOT_FOUND) return undefined
    throw e
  }
}

/**
 * The pending record of an attendance, made (or found) in one transaction with the member locked and active: a
 * deactivation or an erasure waits for it, or has committed and refuses it. When staff checked the member in or out
 * by hand (`enteredBy`, as `enteredByHand` says), the record is manual and entered by them: they may not approve it alone.
 */
export async function recordOfAttendance(
  ctx: CommunityContext,
  community: CommunityRecord,
  attendance: Omit<Parameters<typeof recordFromAttendance>[1], 'manual'>,
  enteredBy: string | null,
): Promise<HourRecord> {
  return ctx.db.transaction(async (tx) => {
    await requireActiveMember(tx, attendance.tenantId, attendance.memberId, 'share')
    // The record's own transaction is a savepoint of this one; the community as read, so nothing reads outside it.
    const inside: CommunityContext = { ...ctx, db: tx, community: async () => community }
    const made = await recordFromAttendance(inside, { ...attendance, actor: enteredBy ?? attendance.actor, manual: enteredBy !== null })
    return made.record
  })
}

/**
 * Check a member out: the pending hour record for the time from check-in to now (or staff's `at`) is made,
 * then the attendance closed with it. A second check-out is ALREADY_CHECKED_OUT (the record id in details);
 * one whose record was made but not marked (a crash between the two) is finished, whatever the time now.
 * The member must still be active; an attendance checked in or out by hand makes a manual record.
 */
export async function checkOut(ctx: CommunityContext, input: CheckOutInput): Promise<{ attendance: AttendanceEntry; record: HourRecord }> {
  const c = parse(CheckOutInput, input)
  const community = await ctx.community(c.tenantId)
  const { settings } = community
  const now = ctx.now()
  const activity = await readActivity(ctx.db, c.tenantId, c.activityId)
  const present = await readAttendance(ctx.db, c.tenantId, c.activityId, c.memberId)
  if (!present) {
    requireOpen(activity)
    throw new CommunityError(CommunityErrorCode.NOT_CHECKED_IN, `member ${c.memberId} has not checked in to activity ${c.activityId}`, {
      activityId: c.activityId,
      memberId: c.memberId,
    })
  }
  if (present.checkedOutAt !== null) throw alreadyOut(present)
  const checkedOutBy = c.code === undefined ? c.actor : BY_CODE
  const role = ((await readSignup(ctx.db, c.tenantId, c.activityId, c.memberId))?.role ?? 'member') as Role
  let record = await madeRecord(ctx, c.tenantId, attendanceRecordId(c.activityId, c.memberId))
  if (!record) {
    requireOpen(activity)
    const at = c.at ?? now
    if (at.getTime() > now.getTime()) {
      throw new CommunityError(CommunityErrorCode.VALIDATION, 'at is in the future', { at: at.toISOString(), now: now.toISOString() })
    }
    if (at.getTime() < present.checkedInAt.getTime()) {
      throw new CommunityError(CommunityErrorCode.VALIDATION, 'at is before the member checked in', {
        at: at.toISOString(),
        checkedInAt: present.checkedInAt.toISOString(),
      })
    }
    requireWindow(activity, settings, at)
    if (c.code !== undefined) requireCode(activity, settings, c.code, now)
    // The record first: its id is derived from the attendance, so a retry after a crash finds it and only marks.
    record = await recordOfAttendance(
      ctx,
      community,
      {
        tenantId: c.tenantId,
        activityId: c.activityId,
        kind: activity.kind,
        memberId: c.memberId,
        role,
        from: present.checkedInAt,
        to: at,
        maxHours: await activityHoursCap(ctx, c.tenantId, activity.maxHours),
        actor: c.actor,
      },
      enteredByHand({ checkedInBy: present.checkedInBy, checkedOutBy }),
    )
  }
  const [marked] = await ctx.db
    .update(attendanceTable)
    .set({ checkedOutAt: record.endedAt, checkedOutBy, recordId: record.id })
    .where(
      and(
        eq(attendanceTable.tenantId, c.tenantId),
        eq(attendanceTable.activityId, c.activityId),
        eq(attendanceTable.memberId, c.memberId),
        isNull(attendanceTable.checkedOutAt),
      ),
    )
    .returning()
  if (!marked) {
    // A concurrent check-out marked it first (with the same record).
    const other = await readAttendance(ctx.db, c.tenantId, c.activityId, c.memberId)
    throw other ? alreadyOut(other) : new Error(`attendance of ${c.memberId} at ${c.activityId} vanished`)
  }
  return { attendance: attendanceView(marked, role), record }
}

/** Who checked in and out of an activity and when, with the records made, in check-in order. */
export async function attendance(ctx: CommunityContext, input: AttendanceInput): Promise<Attendance> {
  const { tenantId, activityId } = parse(AttendanceInput, input)
  await readActivity(ctx.db, tenantId, activityId)
  const found = await ctx.db
    .select({ a: attendanceTable, role: signups.role })
    .from(attendanceTable)
    .leftJoin(
      signups,
      and(
        eq(signups.tenantId, attendanceTable.tenantId),
        eq(signups.activityId, attendanceTable.activityId),
        eq(signups.memberId, attendanceTable.memberId),
      ),
    )
    .where(and(eq(attendanceTable.tenantId, tenantId), eq(attendanceTable.activityId, activityId)))
    .orderBy(asc(attendanceTable.checkedInAt), asc(attendanceTable.memberId))
  const entries = found.map((f) => attendanceView(f.a, f.role ?? 'member'))
  const { signed } = await countPlaces(ctx.db, tenantId, activityId)
  return {
    activityId,
    entries,
    counts: { signed, checkedIn: entries.length, checkedOut: entries.filter((e) => e.checkedOutAt !== null).length },
  }
}
