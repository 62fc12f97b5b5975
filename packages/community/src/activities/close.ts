/**
 * Closing an activity that has been held: staff say it is finished, so it
 * takes no more sign-ups, check-ins or check-outs (ACTIVITY_CLOSED), unlike
 * cancelling, which says it did not happen. Whoever is still checked in is
 * checked out at the activity's scheduled end (domain/activity.ts,
 * `closingCheckOutAt`), by the staff member closing it: their pending record
 * is made as a check-out by hand would make it (manual, entered by the closer,
 * so someone else approves it), and staff can still adjust or reject it. A
 * member no longer active gets no record (as at any check-out): their
 * attendance is closed without one.
 *
 * Closing again answers the closed activity and checks out anyone still in
 * (a check-in by code that landed at the same moment, or the rest of a close
 * that died halfway): the records' ids are derived from the attendance, so
 * nothing is made twice.
 *
 * @example
 * const { activity, checkedOut } = await closeActivity(ctx, { tenantId, activityId: 'clean-0302', actor: 'key_staff' })
 */
import { Id } from '@timebank/ledger'
import { and, asc, eq, isNull } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { closingCheckOutAt, enteredByHand } from '../domain/activity.js'
import { CommunityError, CommunityErrorCode, isCommunityError } from '../domain/errors.js'
import { CommunityId, attendanceRecordId } from '../domain/ids.js'
import type { Role } from '../domain/points.js'
import { parse } from '../domain/validate.js'
import { activityHoursCap } from '../policy-check.js'
import type { HourRecord } from '../records/view.js'
import { activities, attendance as attendanceTable, signups } from '../storage/schema.js'
import { Actor } from './activities.js'
import { madeRecord, recordOfAttendance } from './attendance.js'
import { countPlaces, readActivity, requireOpen } from './reads.js'
import { ActivityOutput, type AttendanceEntry, AttendanceEntryOutput, type AttendanceRow, activityView, attendanceView } from './view.js'

export const CloseActivityInput = z.strictObject({ tenantId: Id, activityId: CommunityId, actor: Actor })
export type CloseActivityInput = z.input<typeof CloseActivityInput>

export const CloseActivityOutput = z.object({
  activity: ActivityOutput,
  checkedOut: z
    .array(AttendanceEntryOutput)
    .describe('Whoever was still checked in, checked out at the end by this call (none when closed again).'),
})
export type ClosedActivity = z.output<typeof CloseActivityOutput>

/** Close an activity that has ended; check out at its end whoever is still in. */
export async function closeActivity(ctx: CommunityContext, input: CloseActivityInput): Promise<ClosedActivity> {
  const c = parse(CloseActivityInput, input)
  const community = await ctx.community(c.tenantId)
  const now = ctx.now()
  const row = await ctx.db.transaction(async (tx) => {
    const current = await readActivity(tx, c.tenantId, c.activityId, 'update')
    if (current.status === 'closed') return current
    requireOpen(current)
    if (now.getTime() < current.endsAt.getTime()) {
      throw new CommunityError(CommunityErrorCode.ACTIVITY_NOT_ENDED, `activity ${current.id} has not ended yet: cancel it instead`, {
        activityId: current.id,
        endsAt: current.endsAt.toISOString(),
      })
    }
    const [updated] = await tx
      .update(activities)
      .set({ status: 'closed' })
      .where(and(eq(activities.tenantId, c.tenantId), eq(activities.id, c.activityId)))
      .returning()
    return updated ?? current
  })
  // After the status has committed: a check-in by code sees it closed from here on (and one that slipped in
  // meanwhile is checked out by closing again).
  const stillIn = await ctx.db
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
    .where(
      and(eq(attendanceTable.tenantId, c.tenantId), eq(attendanceTable.activityId, c.activityId), isNull(attendanceTable.checkedOutAt)),
    )
    .orderBy(asc(attendanceTable.checkedInAt), asc(attendanceTable.memberId))
  const maxHours = stillIn.length === 0 ? 0n : await activityHoursCap(ctx, c.tenantId, row.maxHours)
  const checkedOut: AttendanceEntry[] = []
  for (const { a, role } of stillIn) {
    const at = closingCheckOutAt(row, a.checkedInAt)
    let record: HourRecord | undefined = await madeRecord(ctx, c.tenantId, attendanceRecordId(c.activityId, a.memberId))
    if (!record) {
      try {
        record = await recordOfAttendance(
          ctx,
          community,
          {
            tenantId: c.tenantId,
            activityId: c.activityId,
            kind: row.kind,
            memberId: a.memberId,
            role: (role ?? 'member') as Role,
            from: a.checkedInAt,
            to: at,
            maxHours,
            actor: c.actor,
          },
          enteredByHand({ checkedInBy: a.checkedInBy, checkedOutBy: c.actor }),
        )
      } catch (e) {
        // No longer active (deactivated, erased): no record, as at a check-out; the attendance is closed all the same.
        if (!(isCommunityError(e) && e.code === CommunityErrorCode.MEMBER_NOT_ACTIVE)) throw e
      }
    }
    const marked = await markOut(ctx, a, { at: record?.endedAt ?? at, by: c.actor, recordId: record?.id ?? null })
    if (marked) checkedOut.push(attendanceView(marked, role ?? 'member'))
  }
  return { activity: activityView(row, await countPlaces(ctx.db, c.tenantId, c.activityId)), checkedOut }
}

/** Mark the attendance checked out unless someone did meanwhile (then undefined: their check-out stands). */
async function markOut(
  ctx: CommunityContext,
  a: AttendanceRow,
  out: { at: Date; by: string; recordId: string | null },
): Promise<AttendanceRow | undefined> {
  const [marked] = await ctx.db
    .update(attendanceTable)
    .set({ checkedOutAt: out.at, checkedOutBy: out.by, recordId: out.recordId })
    .where(
      and(
        eq(attendanceTable.tenantId, a.tenantId),
        eq(attendanceTable.activityId, a.activityId),
        eq(attendanceTable.memberId, a.memberId),
        isNull(attendanceTable.checkedOutAt),
      ),
    )
    .returning()
  return marked
}
