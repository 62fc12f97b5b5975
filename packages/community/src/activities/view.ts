/**
 * Activities, sign-ups and attendance as the community shows them: hours as
 * the ledger's decimal text, instants as Dates, and never an activity's
 * check-in secret.
 *
 * @example
 * const shown: Activity = activityView(row, { signed: 7, waitlisted: 0 })
 */
import { formatAmount } from '@timebank/ledger'
import { z } from 'zod'
import { ActivityStatus, OrganiserType, SignupStatus } from '../domain/activity.js'
import { HOURS_SCALE } from '../domain/hours.js'
import { Role } from '../domain/points.js'
import { HourRecordOutput } from '../records/view.js'
import type { activities, attendance, signups } from '../storage/schema.js'

export const ActivityOutput = z.object({
  tenantId: z.string(),
  id: z.string(),
  title: z.string(),
  kind: z.string().describe('The task kind, e.g. clean-up: points rules may give it fixed points.'),
  place: z.string(),
  gridId: z.string(),
  organiser: z.object({ type: OrganiserType, id: z.string() }).nullable(),
  startsAt: z.date(),
  endsAt: z.date(),
  capacity: z.number().int(),
  maxHours: z.string().describe('Most hours one attendance credits, e.g. "2.00".'),
  status: ActivityStatus,
  signed: z.number().int().describe('Sign-ups holding a place.'),
  waitlisted: z.number().int().describe('Sign-ups waiting for a place.'),
  createdBy: z.string().nullable(),
  createdAt: z.date(),
})
export type Activity = z.output<typeof ActivityOutput>

export const SignupOutput = z.object({
  tenantId: z.string(),
  activityId: z.string(),
  memberId: z.string(),
  status: SignupStatus,
  role: Role,
  /** Place in the waitlist, 1 for the next to get a place; null unless waitlisted. */
  position: z.number().int().nullable().describe('Place in the waitlist (1 = next); null unless waitlisted.'),
  signedAt: z.date().describe('When the member signed up (last, after a cancellation).'),
})
export type Signup = z.output<typeof SignupOutput>

export const SignupListOutput = z.object({
  signups: z.array(SignupOutput).describe('In sign-up order, cancelled ones included.'),
  counts: z.object({ signed: z.number().int(), waitlisted: z.number().int(), cancelled: z.number().int() }),
})
export type SignupList = z.output<typeof SignupListOutput>

export const AttendanceEntryOutput = z.object({
  memberId: z.string(),
  role: Role.describe('The role of the sign-up: the record made at check-out has it.'),
  checkedInAt: z.date(),
  checkedInBy: z.string().describe('"code" when the member scanned it, else the staff actor who checked them in by hand.'),
  checkedOutAt: z.date().nullable(),
  checkedOutBy: z.string().nullable(),
  recordId: z.string().nullable().describe('The pending hour record made at check-out.'),
})
export type AttendanceEntry = z.output<typeof AttendanceEntryOutput>

export const AttendanceOutput = z.object({
  activityId: z.string(),
  entries: z.array(AttendanceEntryOutput).describe('In check-in order.'),
  counts: z.object({
    signed: z.number().int().describe('Sign-ups holding a place.'),
    checkedIn: z.number().int().describe('Everyone who checked in, out since or not.'),
    checkedOut: z.number().int(),
  }),
})
export type Attendance = z.output<typeof AttendanceOutput>

export const CheckinCodeOutput = z.object({
  code: z.string().describe('Six digits.'),
  validUntil: z.date().describe('When the next code replaces it; it is still accepted for one more step after that.'),
  url: z.string().describe('What the QR code encodes: the page a phone opens to check in.'),
})
export type CheckinCodeView = z.output<typeof CheckinCodeOutput>

/** What the writes answer, for the HTTP API's response schemas. */
export const CreateActivityOutput = z.object({ activity: ActivityOutput, replayed: z.boolean() })
export const ActivityPageOutput = z.object({ activities: z.array(ActivityOutput), nextCursor: z.string().nullable() })
export const SignUpOutput = z.object({ signup: SignupOutput, replayed: z.boolean().describe('The member had signed up already.') })
export const CancelSignUpOutput = z.object({
  signup: SignupOutput,
  promoted: z.array(SignupOutput).describe('Waitlisted members given the freed place.'),
})
export const CheckInOutput = z.object({
  attendance: AttendanceEntryOutput,
  signup: SignupOutput,
  walkIn: z.boolean().describe('Staff gave the member a free place at the door.'),
})
export const CheckOutOutput = z.object({ attendance: AttendanceEntryOutput, record: HourRecordOutput })

export type ActivityRow = typeof activities.$inferSelect
export type SignupRow = typeof signups.$inferSelect
export type AttendanceRow = typeof attendance.$inferSelect

export const activityView = (r: ActivityRow, counts: { signed: number; waitlisted: number }): Activity => ({
  tenantId: r.tenantId,
  id: r.id,
  title: r.title,
  kind: r.kind,
  place: r.place,
  gridId: r.gridId,
  organiser: r.organiserType === null || r.organiserId === null ? null : { type: r.organiserType as OrganiserType, id: r.organiserId },
  startsAt: r.startsAt,
  endsAt: r.endsAt,
  capacity: r.capacity,
  maxHours: formatAmount(r.maxHours, HOURS_SCALE),
  status: r.status as ActivityStatus,
  signed: counts.signed,
  waitlisted: counts.waitlisted,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
})

export const signupView = (r: SignupRow, position: number | null): Signup => ({
  tenantId: r.tenantId,
  activityId: r.activityId,
  memberId: r.memberId,
  status: r.status as SignupStatus,
  role: r.role as Role,
  position: r.status === 'waitlisted' ? position : null,
  signedAt: r.signedAt,
})

export const attendanceView = (r: AttendanceRow, role: string): AttendanceEntry => ({
  memberId: r.memberId,
  role: role as Role,
  checkedInAt: r.checkedInAt,
  checkedInBy: r.checkedInBy,
  checkedOutAt: r.checkedOutAt,
  checkedOutBy: r.checkedOutBy,
  recordId: r.recordId,
})
