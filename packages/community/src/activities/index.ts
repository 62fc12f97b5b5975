/**
 * The activities use cases, bound to a community context (see community.ts):
 * activities, sign-ups with a waitlist, the rotating check-in code, and
 * check-in / check-out turning attendance into pending hour records.
 */
import type { CommunityContext, InputOf as Input } from '../context.js'
import { cancelActivity, createActivity, currentCode, getActivity, listActivities } from './activities.js'
import { attendance, checkIn, checkOut } from './attendance.js'
import { closeActivity } from './close.js'
import { memberSignups } from './member-signups.js'
import { cancelSignUp, listSignups, signUp } from './signups.js'

export function activityUseCases(ctx: CommunityContext) {
  return {
    /**
     * Create an open activity, idempotently by its id. Codes: VALIDATION, COMMUNITY_NOT_FOUND, GRID_NOT_FOUND,
     * MEMBER_NOT_FOUND, MEMBER_NOT_ACTIVE (a member organiser), ORGANISATION_NOT_FOUND, ACTIVITY_EXISTS.
     */
    createActivity: (input: Input<typeof createActivity>) => createActivity(ctx, input),
    /** One activity with how its places are taken (never its code secret). Codes: VALIDATION, ACTIVITY_NOT_FOUND. */
    getActivity: (input: Input<typeof getActivity>) => getActivity(ctx, input),
    /** By start, running in [from, to), in a grid subtree, by status; paged. Codes: VALIDATION. */
    listActivities: (input: Input<typeof listActivities>) => listActivities(ctx, input),
    /** Cancel an activity (again: answers it). Codes: VALIDATION, ACTIVITY_NOT_FOUND, ACTIVITY_CLOSED. */
    cancelActivity: (input: Input<typeof cancelActivity>) => cancelActivity(ctx, input),
    /**
     * Close an activity that has ended: no more sign-ups, check-ins or check-outs (ACTIVITY_CLOSED); whoever is still
     * checked in is checked out at its end by the closer, making their pending record (manual). Again: answers it and
     * checks out anyone still in. Codes: VALIDATION, COMMUNITY_NOT_FOUND, ACTIVITY_NOT_FOUND, ACTIVITY_CANCELLED, ACTIVITY_NOT_ENDED.
     */
    closeActivity: (input: Input<typeof closeActivity>) => closeActivity(ctx, input),
    /** A member's sign-ups across activities, newest first, each with the activity, the attendance and its state. Codes: VALIDATION, MEMBER_NOT_FOUND. */
    memberSignups: (input: Input<typeof memberSignups>) => memberSignups(ctx, input),
    /** The check-in code to show now, until when, and the url for its QR code. Codes: VALIDATION, COMMUNITY_NOT_FOUND, ACTIVITY_NOT_FOUND, ACTIVITY_CANCELLED, ACTIVITY_CLOSED. */
    currentCode: (input: Input<typeof currentCode>) => currentCode(ctx, input),
    /**
     * Sign a member up: a place while one is free, else the waitlist (with its position); again: the same sign-up.
     * Codes: VALIDATION, COMMUNITY_NOT_FOUND, ACTIVITY_NOT_FOUND, ACTIVITY_CANCELLED, ACTIVITY_CLOSED, ACTIVITY_ENDED, MEMBER_NOT_FOUND, MEMBER_NOT_ACTIVE.
     */
    signUp: (input: Input<typeof signUp>) => signUp(ctx, input),
    /** Cancel a sign-up; a freed place goes to the earliest waitlisted member still active. Codes: VALIDATION, ACTIVITY_NOT_FOUND, NOT_SIGNED_UP, ALREADY_CHECKED_IN. */
    cancelSignUp: (input: Input<typeof cancelSignUp>) => cancelSignUp(ctx, input),
    /** Every sign-up in order, with counts. Codes: VALIDATION, ACTIVITY_NOT_FOUND. */
    listSignups: (input: Input<typeof listSignups>) => listSignups(ctx, input),
    /**
     * Check in by code (the member) or by hand (staff; a walk-in gets a free place). Codes: VALIDATION, COMMUNITY_NOT_FOUND,
     * ACTIVITY_NOT_FOUND, ACTIVITY_CANCELLED, ACTIVITY_CLOSED, ALREADY_CHECKED_IN, CHECKIN_CLOSED, CHECKIN_CODE_INVALID, MEMBER_NOT_FOUND,
     * MEMBER_NOT_ACTIVE, NOT_SIGNED_UP.
     */
    checkIn: (input: Input<typeof checkIn>) => checkIn(ctx, input),
    /**
     * Check out by code or by hand (staff may name `at`), making the pending hour record (manual, entered by the staff member, when
     * the check-in or the check-out was by hand). Codes: VALIDATION, COMMUNITY_NOT_FOUND, ACTIVITY_NOT_FOUND, ACTIVITY_CANCELLED, ACTIVITY_CLOSED,
     * NOT_CHECKED_IN, ALREADY_CHECKED_OUT (details.recordId), CHECKIN_CLOSED, CHECKIN_CODE_INVALID, MEMBER_NOT_ACTIVE.
     */
    checkOut: (input: Input<typeof checkOut>) => checkOut(ctx, input),
    /** Who checked in and out, when, and the records made, with counts. Codes: VALIDATION, ACTIVITY_NOT_FOUND. */
    attendance: (input: Input<typeof attendance>) => attendance(ctx, input),
  }
}
