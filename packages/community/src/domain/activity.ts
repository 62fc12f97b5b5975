/**
 * The rules of an activity, free of storage: its states and its sign-ups',
 * when checking in and out is open (the activity's time widened by the
 * community's grace on both sides, both ends included), who gets a place and
 * who waits, the cap on the hours one attendance may credit, and who entered
 * an attendance by hand, when a closed activity checks out whoever is
 * still in, and how a member's sign-up reads to them.
 *
 *   activity: open ──cancel──▶ cancelled
 *             open ──close (once it has ended)──▶ closed
 *   sign-up:  (none | cancelled) ──sign up──▶ signed, or waitlisted when every place is taken
 *             waitlisted ──a place frees──▶ signed (earliest first, of members still active)
 *             signed | waitlisted ──cancel──▶ cancelled
 *
 * @example
 * const w = checkInWindow({ startsAt, endsAt }, 30)
 * isOpenAt(w, now)                    // true from 30 min before the start to 30 min after the end
 * seatFor({ signed: 10, capacity: 10 }) // 'waitlisted'
 */
import { z } from 'zod'
import { HOURS_SCALE } from './hours.js'
import { Decimal, DecimalText } from './rounding.js'

/** open takes sign-ups and check-ins; cancelled and closed take neither (closed: it was held, and is finished). */
export const ActivityStatus = z.enum(['open', 'cancelled', 'closed'])
export type ActivityStatus = z.infer<typeof ActivityStatus>

export const SignupStatus = z.enum(['signed', 'waitlisted', 'cancelled'])
export type SignupStatus = z.infer<typeof SignupStatus>

/** Who organises an activity. */
export const OrganiserType = z.enum(['member', 'organisation'])
export type OrganiserType = z.infer<typeof OrganiserType>

/** Most places an activity may offer. */
export const MAX_CAPACITY = 10_000

/** The most hours one attendance may credit, e.g. "2" or "1.5": above zero, at most two decimals (hundredths). */
export const MaxHours = DecimalText.pipe(
  // Piped: the checks below run only on decimal text (a refine beside the regex would see "abc" too, and Decimal throws).
  z
    .string()
    .refine((s) => new Decimal(s).gt(0), 'maxHours must be greater than zero')
    .refine((s) => new Decimal(s).decimalPlaces() <= HOURS_SCALE, `maxHours may have at most ${HOURS_SCALE} decimal places`),
)

/** When checking in and out is open: [opensAt, closesAt], both included. */
export interface CheckInWindow {
  opensAt: Date
  closesAt: Date
}

const MS_PER_MINUTE = 60_000

export function checkInWindow(activity: { startsAt: Date; endsAt: Date }, graceMinutes: number): CheckInWindow {
  return {
    opensAt: new Date(activity.startsAt.getTime() - graceMinutes * MS_PER_MINUTE),
    closesAt: new Date(activity.endsAt.getTime() + graceMinutes * MS_PER_MINUTE),
  }
}

/** True when `at` is inside the window; exactly at either edge counts as inside. */
export const isOpenAt = (window: CheckInWindow, at: Date): boolean =>
  at.getTime() >= window.opensAt.getTime() && at.getTime() <= window.closesAt.getTime()

/** A new sign-up's status: a place while any is free, else the waitlist. */
export const seatFor = (places: { signed: number; capacity: number }): 'signed' | 'waitlisted' =>
  places.signed < places.capacity ? 'signed' : 'waitlisted'

/** How many waitlisted sign-ups the free places let in: at most that many, the earliest of members still active. */
export const promotable = (places: { signed: number; capacity: number; waitlisted: number }): number =>
  Math.max(0, Math.min(places.capacity - places.signed, places.waitlisted))

/** Whether a sign-up holds a place or a turn: a cancelled one (or none) can sign up again, a live one answers as it is. */
export const isLive = (status: SignupStatus | null): status is 'signed' | 'waitlisted' => status === 'signed' || status === 'waitlisted'

/** What an attendance's `checkedInBy` / `checkedOutBy` say when the member scanned the code; otherwise they name the staff actor. */
export const BY_CODE = 'code'

/**
 * Who entered an attendance by hand, if anyone did: the staff who checked the member out by hand (they chose when,
 * so the hours), else the staff who checked them in by hand; null when the member scanned the code both times. The
 * record made of it is manual, entered by that person, so someone else must approve it.
 */
export function enteredByHand(a: { checkedInBy: string; checkedOutBy: string }): string | null {
  if (a.checkedOutBy !== BY_CODE) return a.checkedOutBy
  if (a.checkedInBy !== BY_CODE) return a.checkedInBy
  return null
}

/**
 * When closing an activity checks out someone still checked in: at its scheduled end (what they would most likely have
 * scanned, had they not forgotten), never before they checked in (one who came in the grace after the end gets no time).
 */
export const closingCheckOutAt = (a: { endsAt: Date }, checkedInAt: Date): Date =>
  new Date(Math.max(a.endsAt.getTime(), checkedInAt.getTime()))

/** How a member's sign-up stands for them: its own status, or how far they got at the activity. */
export const SignupState = z.enum(['signed', 'waitlisted', 'cancelled', 'checkedIn', 'checkedOut'])
export type SignupState = z.infer<typeof SignupState>

/** A sign-up's state: having come overrides the sign-up (a walk-in's place is signed), checked out over checked in. */
export function signupState(status: SignupStatus, attendance: { checkedOutAt: Date | null } | null): SignupState {
  if (attendance) return attendance.checkedOutAt === null ? 'checkedIn' : 'checkedOut'
  return status
}
