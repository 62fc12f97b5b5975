/**
 * Volunteer activities: created in a grid, signed up for (a place, else the
 * waitlist), checked in and out by scanning the rotating code staff show (or
 * by staff by hand), each check-out making a pending hour record. An
 * activity's scope is its grid: staff limited to a grid manage and host only
 * the activities of their subtree; a member key signs up, checks in and out
 * only itself.
 *
 * - `POST /v1/activities`, `GET /v1/activities`, `GET /v1/activities/{activityId}`, `POST …/cancel`, `POST …/close`.
 * - `GET …/checkin-code` (JSON) and `GET …/checkin-qr.svg` (the QR code of its url, for a projector).
 * - `POST|DELETE …/signups/{memberId}`, `GET …/signups`.
 * - `POST …/checkins`, `POST …/checkouts` (`code` from the member's phone, or by hand by staff), `GET …/attendance`.
 * - `GET /v1/members/{memberId}/signups`: a member's own sign-ups across activities, with their state.
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $ANA" -H 'Content-Type: application/json' \
 *   -d '{"code":"492039"}' http://127.0.0.1:3000/v1/activities/clean-0302/checkins
 */
import { createRoute, z } from '@hono/zod-openapi'
import {
  ActivityOutput,
  AttendanceEntryOutput,
  AttendanceOutput,
  CancelSignUpOutput,
  CheckInInput,
  CheckInOutput,
  CheckOutInput,
  CheckOutOutput,
  CheckinCodeOutput,
  CloseActivityOutput,
  CommunityId,
  CreateActivityInput,
  CreateActivityOutput,
  ListActivitiesInput,
  MemberSignupOutput,
  MemberSignupsOutput,
  Role,
  SignUpOutput,
  SignupListOutput,
  SignupOutput,
  isWithin,
  PageCursor,
} from '@timebank/community'
import type { Context } from 'hono'
import type { AppEnv, Deps } from '../context.js'
import { ApiError } from '../errors.js'
import { markReplayed, writeId } from '../idempotency.js'
import { MemberNameField, memberNamesFor } from '../member-names.js'
import { type Action, type Target, authorize, authorizeGrid, hiddenGrid, scopeOf, selfOf } from '../permissions.js'
import { qrSvg } from '../qr.js'
import { ID_OR_HEADER, Instant, WRITE_ERRORS, errors, json } from '../schemas.js'
import { bearer, idempotent, jsonRequest, optionalJsonRequest, replayable, router } from './common.js'

const tags = ['Activities']

const ActivitySchema = ActivityOutput.extend({}).openapi('Activity')
const SignupSchema = SignupOutput.extend({}).openapi('Signup')
const AttendanceEntrySchema = AttendanceEntryOutput.extend({}).openapi('AttendanceEntry')
const CreatedActivitySchema = CreateActivityOutput.extend({ activity: ActivitySchema }).openapi('CreatedActivity')
const ActivityPageSchema = z.object({ activities: z.array(ActivitySchema), nextCursor: z.string().nullable() }).openapi('ActivityPage')
const CheckinCodeSchema = CheckinCodeOutput.extend({}).openapi('CheckinCode')
const SignUpSchema = SignUpOutput.extend({ signup: SignupSchema }).openapi('SignUpResult')
const CancelSignUpSchema = CancelSignUpOutput.extend({ signup: SignupSchema, promoted: z.array(SignupSchema) }).openapi(
  'CancelSignUpResult',
)
const SignupListSchema = SignupListOutput.extend({
  signups: z.array(SignupSchema.extend({ memberName: MemberNameField }).openapi('NamedSignup')),
}).openapi('SignupList')
const AttendanceSchema = AttendanceOutput.extend({
  entries: z.array(AttendanceEntrySchema.extend({ memberName: MemberNameField }).openapi('NamedAttendanceEntry')),
}).openapi('Attendance')
const CheckInSchema = CheckInOutput.extend({ attendance: AttendanceEntrySchema, signup: SignupSchema }).openapi('CheckInResult')
const CheckOutSchema = CheckOutOutput.extend({ attendance: AttendanceEntrySchema }).openapi('CheckOutResult')
const ClosedActivitySchema = CloseActivityOutput.extend({ activity: ActivitySchema, checkedOut: z.array(AttendanceEntrySchema) }).openapi(
  'ClosedActivity',
)
const MemberSignupSchema = MemberSignupOutput.extend({
  activity: ActivitySchema,
  signup: SignupSchema,
  attendance: AttendanceEntrySchema.nullable(),
}).openapi('MemberSignup')
const MemberSignupPageSchema = MemberSignupsOutput.extend({ signups: z.array(MemberSignupSchema) }).openapi('MemberSignupPage')

// The community's inputs carry refinements (zod refuses .omit on them): the body takes their fields, and the
// community's own parse still applies every rule (endsAt after startsAt, code or `at`) to what is sent.
const { tenantId: _tenant, actor: _actor, ...activityFields } = CreateActivityInput.shape
const CreateActivityBody = z
  .strictObject({
    ...activityFields,
    // The wire's text alone: the community's schema also takes a Date, which JSON never carries.
    startsAt: Instant,
    endsAt: Instant,
    id: activityFields.id
      .clone()
      .optional()
      .openapi({
        description: `Client-chosen id, also the idempotency key. ${ID_OR_HEADER}`,
        example: 'clean-0302',
      }),
  })
  .openapi('CreateActivityRequest')
const SignUpBody = z
  .strictObject({
    role: Role.optional().openapi({
      description: 'member by default; leader or organiser (their points multiplier) only by admin or staff.',
    }),
  })
  .openapi('SignUpRequest')
const CheckInBody = z
  .strictObject({
    memberId: CheckInInput.shape.memberId.optional().openapi({ description: 'Whom to check in; a member key: itself (the default).' }),
    code: CheckInInput.shape.code.clone().openapi({
      description: 'The code the member scanned (a member key must send it); without one it is staff checking someone in by hand.',
      example: '492039',
    }),
  })
  .openapi('CheckInRequest')
const CheckOutBody = z
  .strictObject({
    memberId: CheckOutInput.shape.memberId.optional().openapi({ description: 'Whom to check out; a member key: itself (the default).' }),
    code: CheckOutInput.shape.code.clone().openapi({ description: 'The code the member scanned; without one it is staff by hand.' }),
    at: Instant.optional().openapi({
      description: 'Staff by hand only: when the member left, if not now (not in the future, no later than the end plus the grace).',
    }),
  })
  .openapi('CheckOutRequest')

const ActivityId = CommunityId.clone().openapi({ param: { name: 'activityId', in: 'path' }, example: 'clean-0302' })
const ActivityParams = z.object({ activityId: ActivityId })
const SignupParams = z.object({
  activityId: ActivityId,
  memberId: CommunityId.clone().openapi({ param: { name: 'memberId', in: 'path' }, example: 'ana' }),
})
const MemberParams = z.object({
  memberId: CommunityId.clone().openapi({ param: { name: 'memberId', in: 'path' }, example: 'ana' }),
})
const MemberSignupsQuery = z.object({
  limit: z
    .string()
    .regex(/^[1-9]\d{0,2}$/)
    .refine((s) => Number(s) <= 200, 'limit is at most 200')
    .optional()
    .openapi({ description: 'Page size, 1 to 200 (50 by default).', example: '20' }),
  cursor: PageCursor.clone().optional().openapi({ description: "The previous page's `nextCursor`." }),
})
const ListQuery = z.object({
  from: Instant.optional().openapi({ description: 'Activities still running at or after this instant (they end after it).' }),
  to: Instant.optional().openapi({ description: 'Activities starting before this instant.' }),
  gridId: CommunityId.optional().openapi({ description: "Only this grid's subtree (for a grid-limited key: within its own)." }),
  status: ListActivitiesInput.shape.status,
  limit: z
    .string()
    .regex(/^[1-9]\d{0,3}$/)
    .refine((s) => Number(s) <= 1000, 'limit is at most 1000')
    .optional()
    .openapi({ description: 'Page size, 1 to 1000.', example: '100' }),
  cursor: PageCursor.clone().optional().openapi({ description: "The previous page's `nextCursor`." }),
})

const READ_ERRORS = [400, 401, 403, 404] as const

const create = createRoute({
  method: 'post',
  path: '/activities',
  operationId: 'createActivity',
  tags,
  summary: 'Create an activity in a grid (admin, staff)',
  description:
    'Open for sign-ups at once. The id (body or Idempotency-Key) makes retries safe: the same content again answers the activity with `replayed: true`.',
  security: bearer,
  ...idempotent,
  request: {
    body: jsonRequest(CreateActivityBody, {
      cleaning: {
        summary: 'Two hours of stairwell cleaning on a Monday morning, Beijing time',
        value: {
          id: 'clean-2026-03-02',
          title: '3号楼楼道清洁',
          kind: 'cleaning',
          place: '3号楼 1-6层',
          gridId: 'g1-b3',
          startsAt: '2026-03-02T09:00:00+08:00',
          endsAt: '2026-03-02T11:00:00+08:00',
          capacity: 20,
          maxHours: '2',
        },
      },
    }),
  },
  responses: { 201: replayable(json(CreatedActivitySchema, 'The activity')), ...errors(...WRITE_ERRORS) },
})
const list = createRoute({
  method: 'get',
  path: '/activities',
  operationId: 'listActivities',
  tags,
  summary: 'Activities by start time',
  description: "Staff limited to a grid see their subtree's activities.",
  security: bearer,
  request: { query: ListQuery },
  responses: { 200: json(ActivityPageSchema, 'A page'), ...errors(...READ_ERRORS) },
})
const get = createRoute({
  method: 'get',
  path: '/activities/{activityId}',
  operationId: 'getActivity',
  tags,
  summary: 'An activity, with its places taken',
  security: bearer,
  request: { params: ActivityParams },
  responses: { 200: json(ActivitySchema, 'The activity'), ...errors(...READ_ERRORS) },
})
const cancel = createRoute({
  method: 'post',
  path: '/activities/{activityId}/cancel',
  operationId: 'cancelActivity',
  tags,
  summary: 'Cancel an activity (admin, staff)',
  description: 'It takes no more sign-ups, check-ins or check-outs; records made at check-out stay pending for staff to decide.',
  security: bearer,
  request: { params: ActivityParams },
  responses: { 200: json(ActivitySchema, 'The cancelled activity'), ...errors(...WRITE_ERRORS) },
})
const close = createRoute({
  method: 'post',
  path: '/activities/{activityId}/close',
  operationId: 'closeActivity',
  tags,
  summary: 'Close an activity that has been held (admin, staff)',
  description:
    'Once it has ended (before that ACTIVITY_NOT_ENDED: cancel it instead). It then takes no more sign-ups, check-ins or check-outs (ACTIVITY_CLOSED). Whoever is still checked in is checked out at the scheduled end (never before they checked in) by whoever closes it: their pending hour record is made as a check-out by hand makes it, manual, so someone else approves it, and staff can adjust or reject it. A member no longer active gets no record; their attendance is closed all the same. Closing again answers the closed activity and checks out anyone still in (`checkedOut` lists only those this call checked out). A cancelled activity is not closed (ACTIVITY_CANCELLED).',
  security: bearer,
  request: { params: ActivityParams },
  responses: { 200: json(ClosedActivitySchema, 'The closed activity and whom closing checked out'), ...errors(...WRITE_ERRORS) },
})
const memberSignups = createRoute({
  method: 'get',
  path: '/members/{memberId}/signups',
  operationId: 'listMemberSignups',
  tags,
  summary: "A member's sign-ups across activities, newest first, with their state (a member: its own; staff: members in scope)",
  description:
    'Each with the activity, the sign-up, the attendance once the member came, and `state`: signed, waitlisted, cancelled, checkedIn or checkedOut.',
  security: bearer,
  request: { params: MemberParams, query: MemberSignupsQuery },
  responses: { 200: json(MemberSignupPageSchema, 'A page of sign-ups'), ...errors(...READ_ERRORS) },
})
const code = createRoute({
  method: 'get',
  path: '/activities/{activityId}/checkin-code',
  operationId: 'getCheckinCode',
  tags,
  summary: 'The check-in code to show now (admin, staff)',
  description:
    'Six digits that change every `codeStepSeconds` (the previous one is still accepted), and the url a QR code of it encodes: the page a phone opens to check in.',
  security: bearer,
  request: { params: ActivityParams },
  responses: { 200: json(CheckinCodeSchema, 'The current code'), ...errors(...READ_ERRORS, 422) },
})
const qr = createRoute({
  method: 'get',
  path: '/activities/{activityId}/checkin-qr.svg',
  operationId: 'getCheckinQrCode',
  tags,
  summary: 'The QR code of the current check-in url, as SVG (admin, staff)',
  description: 'For a projector or a tablet at the door: reload it as the code changes. Never cached.',
  security: bearer,
  request: { params: ActivityParams },
  responses: {
    200: { description: 'An SVG image', content: { 'image/svg+xml': { schema: z.string().openapi({ example: '<svg xmlns=…' }) } } },
    ...errors(...READ_ERRORS, 422),
  },
})
const signUp = createRoute({
  method: 'post',
  path: '/activities/{activityId}/signups/{memberId}',
  operationId: 'signUpForActivity',
  tags,
  summary: 'Sign a member up: a place while one is free, else the waitlist',
  description: 'A member key signs up itself; staff anyone for an activity in their scope. Again: the same sign-up, `replayed: true`.',
  security: bearer,
  request: {
    params: SignupParams,
    body: optionalJsonRequest(SignUpBody, {
      member: { summary: 'Sign up as a volunteer (the default)', value: {} },
      leader: { summary: 'Sign up as its leader (admin or staff only)', value: { role: 'leader' } },
    }),
  },
  responses: { 201: replayable(json(SignUpSchema, 'The sign-up')), ...errors(...WRITE_ERRORS) },
})
const cancelSignUp = createRoute({
  method: 'delete',
  path: '/activities/{activityId}/signups/{memberId}',
  operationId: 'cancelSignUp',
  tags,
  summary: 'Cancel a sign-up; the freed place goes to the earliest waitlisted',
  security: bearer,
  request: { params: SignupParams },
  responses: { 200: json(CancelSignUpSchema, 'The cancelled sign-up and whom it promoted'), ...errors(...WRITE_ERRORS) },
})
const signups = createRoute({
  method: 'get',
  path: '/activities/{activityId}/signups',
  operationId: 'listSignups',
  tags,
  summary: 'Every sign-up in order, with counts (admin, staff)',
  security: bearer,
  request: { params: ActivityParams },
  responses: { 200: json(SignupListSchema, 'The sign-ups'), ...errors(...READ_ERRORS) },
})
const checkIn = createRoute({
  method: 'post',
  path: '/activities/{activityId}/checkins',
  operationId: 'checkIn',
  tags,
  summary: 'Check in: a member with the code it scanned, or staff by hand',
  description:
    'A member key checks in itself and must send the current `code`. Staff send `memberId` and no code; a member without a place gets a free one as a walk-in.',
  security: bearer,
  request: {
    params: ActivityParams,
    body: optionalJsonRequest(CheckInBody, {
      scanned: { summary: 'A member key, with the code it scanned', value: { code: '492039' } },
      byHand: { summary: 'Staff checking a member in by hand', value: { memberId: 'zhangwei' } },
    }),
  },
  responses: { 201: json(CheckInSchema, 'The attendance'), ...errors(...WRITE_ERRORS) },
})
const checkOut = createRoute({
  method: 'post',
  path: '/activities/{activityId}/checkouts',
  operationId: 'checkOut',
  tags,
  summary: 'Check out, making the pending hour record',
  description:
    'Like check-in: a member key with the current code, staff by hand (optionally with `at`). The record (Location) holds the attended time rounded by the community rule, capped by the activity; staff approve it. When the check-in or the check-out was by hand, the record is manual: whoever did it by hand may not approve it alone (SECOND_APPROVER_REQUIRED). A member no longer active is refused (MEMBER_NOT_ACTIVE).',
  security: bearer,
  request: {
    params: ActivityParams,
    body: optionalJsonRequest(CheckOutBody, {
      scanned: { summary: 'A member key, with the code it scanned', value: { code: '492039' } },
      byHand: {
        summary: 'Staff checking a member out by hand, at 10:45 Beijing time',
        value: { memberId: 'zhangwei', at: '2026-03-02T10:45:00+08:00' },
      },
    }),
  },
  responses: { 201: json(CheckOutSchema, 'The attendance and its pending record'), ...errors(...WRITE_ERRORS) },
})
const attendance = createRoute({
  method: 'get',
  path: '/activities/{activityId}/attendance',
  operationId: 'getAttendance',
  tags,
  summary: 'Who checked in and out, when, and the records made (admin, staff; a member: their own entry only)',
  description:
    "Staff see every entry. A member key sees the counts and only its own member's entry (none when not checked in), so a phone can tell whether the next scan is the check-out.",
  security: bearer,
  request: { params: ActivityParams },
  responses: { 200: json(AttendanceSchema, 'The attendance'), ...errors(...READ_ERRORS) },
})

type Hidden = NonNullable<Target['hidden']>
const hiddenActivity = (activityId: string): Hidden => ({
  code: 'ACTIVITY_NOT_FOUND',
  message: `activity ${activityId} not found`,
  details: { activityId },
})
const hiddenMember = (memberId: string | undefined): Hidden => ({
  code: 'MEMBER_NOT_FOUND',
  message: `member ${memberId ?? ''} not found`,
  details: { memberId: memberId ?? null },
})

export function activityRoutes(deps: Deps) {
  const { community } = deps

  /** Attendance entries with their members' names, as the caller may see them. */
  const named = async <E extends { memberId: string }>(c: Context<AppEnv>, entries: E[]) => {
    const nameOf = await memberNamesFor(
      c,
      deps,
      entries.map((e) => e.memberId),
    )
    return entries.map((e) => ({ ...e, memberName: nameOf(e.memberId) }))
  }

  /**
   * Refuse unless the caller may do `action` on the activity (and, for self grants, the member). Its grid's path is
   * looked up only for a key limited to a grid: every other key's scope is the whole tenant.
   */
  const guard = async (c: Context<AppEnv>, action: Action, activityId: string, memberId?: string) => {
    const caller = c.get('caller')
    const self = selfOf(caller)
    const target: Target = {
      ...(memberId !== undefined ? { memberId } : {}),
      hidden: self !== undefined && memberId !== self ? hiddenMember(memberId) : hiddenActivity(activityId),
    }
    if ((await scopeOf(c, deps)) !== undefined) {
      const activity = await community.getActivity({ tenantId: caller.tenantId, activityId })
      target.gridPath = (await community.getGrid({ tenantId: caller.tenantId, gridId: activity.gridId })).path
    }
    return authorize(c, deps, action, target)
  }

  return router()
    .openapi(create, async (c) => {
      const body = c.req.valid('json')
      const { caller } = await authorizeGrid(c, deps, 'activities.manage', body.gridId, 'a grid is named')
      const { activity, replayed } = await community.createActivity({
        ...body,
        id: writeId(c, body.id),
        tenantId: caller.tenantId,
        actor: caller.keyId,
      })
      markReplayed(c, replayed)
      c.header('Location', `/v1/activities/${encodeURIComponent(activity.id)}`)
      return c.json({ activity, replayed }, 201)
    })
    .openapi(list, async (c) => {
      const q = c.req.valid('query')
      const caller = await authorize(c, deps, 'activities.read')
      const scope = await scopeOf(c, deps)
      let gridPath = scope
      if (q.gridId !== undefined) {
        const path = (await community.getGrid({ tenantId: caller.tenantId, gridId: q.gridId })).path
        const hidden = hiddenGrid(q.gridId)
        if (scope !== undefined && !isWithin(path, scope)) throw new ApiError(hidden.code, hidden.message, hidden.details)
        gridPath = path
      }
      const page = await community.listActivities({
        tenantId: caller.tenantId,
        ...(q.from !== undefined ? { from: q.from } : {}),
        ...(q.to !== undefined ? { to: q.to } : {}),
        ...(q.status !== undefined ? { status: q.status } : {}),
        ...(gridPath !== undefined ? { gridPath } : {}),
        ...(q.limit !== undefined ? { limit: Number(q.limit) } : {}),
        ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      })
      return c.json(page, 200)
    })
    .openapi(get, async (c) => {
      const { activityId } = c.req.valid('param')
      // Every key of the tenant may read any activity (a grid-limited one lists only its subtree's).
      const caller = await authorize(c, deps, 'activities.read')
      return c.json(await community.getActivity({ tenantId: caller.tenantId, activityId }), 200)
    })
    .openapi(cancel, async (c) => {
      const { activityId } = c.req.valid('param')
      const caller = await guard(c, 'activities.manage', activityId)
      return c.json(await community.cancelActivity({ tenantId: caller.tenantId, activityId, actor: caller.keyId }), 200)
    })
    .openapi(close, async (c) => {
      const { activityId } = c.req.valid('param')
      const caller = await guard(c, 'activities.manage', activityId)
      return c.json(await community.closeActivity({ tenantId: caller.tenantId, activityId, actor: caller.keyId }), 200)
    })
    .openapi(memberSignups, async (c) => {
      const { memberId } = c.req.valid('param')
      const q = c.req.valid('query')
      const caller = await authorize(c, deps, 'signups.read', { memberId, hidden: hiddenMember(memberId) })
      const page = await community.memberSignups({
        tenantId: caller.tenantId,
        memberId,
        ...(q.limit !== undefined ? { limit: Number(q.limit) } : {}),
        ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      })
      return c.json(page, 200)
    })
    .openapi(code, async (c) => {
      const { activityId } = c.req.valid('param')
      const caller = await guard(c, 'activities.host', activityId)
      c.header('Cache-Control', 'no-store')
      return c.json(await community.currentCode({ tenantId: caller.tenantId, activityId }), 200)
    })
    .openapi(qr, async (c) => {
      const { activityId } = c.req.valid('param')
      const caller = await guard(c, 'activities.host', activityId)
      const { url } = await community.currentCode({ tenantId: caller.tenantId, activityId })
      return c.body(await qrSvg(url), 200, {
        'Content-Type': 'image/svg+xml',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      })
    })
    .openapi(signUp, async (c) => {
      const { activityId, memberId } = c.req.valid('param')
      const { role } = c.req.valid('json')
      const caller = await guard(c, 'signups.manage', activityId, memberId)
      if (role !== undefined && role !== 'member') await guard(c, 'signups.role', activityId)
      const { signup, replayed } = await community.signUp({
        tenantId: caller.tenantId,
        activityId,
        memberId,
        ...(role !== undefined ? { role } : {}),
        actor: caller.keyId,
      })
      markReplayed(c, replayed)
      return c.json({ signup, replayed }, 201)
    })
    .openapi(cancelSignUp, async (c) => {
      const { activityId, memberId } = c.req.valid('param')
      const caller = await guard(c, 'signups.manage', activityId, memberId)
      return c.json(await community.cancelSignUp({ tenantId: caller.tenantId, activityId, memberId, actor: caller.keyId }), 200)
    })
    .openapi(signups, async (c) => {
      const { activityId } = c.req.valid('param')
      const caller = await guard(c, 'activities.host', activityId)
      const list = await community.listSignups({ tenantId: caller.tenantId, activityId })
      const nameOf = await memberNamesFor(
        c,
        deps,
        list.signups.map((s) => s.memberId),
      )
      return c.json({ ...list, signups: list.signups.map((s) => ({ ...s, memberName: nameOf(s.memberId) })) }, 200)
    })
    .openapi(checkIn, async (c) => {
      const { activityId } = c.req.valid('param')
      const body = c.req.valid('json')
      const memberId = body.memberId ?? selfOf(c.get('caller'))
      // By code: the member itself, having scanned it; without: someone checked in by hand.
      const caller = await guard(c, body.code === undefined ? 'attendance.manage' : 'attendance.self', activityId, memberId)
      const done = await community.checkIn({
        tenantId: caller.tenantId,
        activityId,
        memberId: required(memberId),
        ...(body.code !== undefined ? { code: body.code } : {}),
        actor: caller.keyId,
      })
      return c.json(done, 201)
    })
    .openapi(checkOut, async (c) => {
      const { activityId } = c.req.valid('param')
      const body = c.req.valid('json')
      const memberId = body.memberId ?? selfOf(c.get('caller'))
      const caller = await guard(c, body.code === undefined ? 'attendance.manage' : 'attendance.self', activityId, memberId)
      const done = await community.checkOut({
        tenantId: caller.tenantId,
        activityId,
        memberId: required(memberId),
        ...(body.code !== undefined ? { code: body.code } : {}),
        ...(body.at !== undefined ? { at: body.at } : {}),
        actor: caller.keyId,
      })
      c.header('Location', `/v1/hour-records/${encodeURIComponent(done.record.id)}`)
      return c.json(done, 201)
    })
    .openapi(attendance, async (c) => {
      const { activityId } = c.req.valid('param')
      if (c.get('caller').role === 'member') {
        const caller = await authorize(c, deps, 'activities.read')
        const all = await community.attendance({ tenantId: caller.tenantId, activityId })
        return c.json(
          {
            ...all,
            entries: await named(
              c,
              all.entries.filter((e) => e.memberId === caller.owner?.id),
            ),
          },
          200,
        )
      }
      const caller = await guard(c, 'activities.host', activityId)
      const all = await community.attendance({ tenantId: caller.tenantId, activityId })
      return c.json({ ...all, entries: await named(c, all.entries) }, 200)
    })
}

/** The member to check in or out: staff must name one. */
function required(memberId: string | undefined): string {
  if (memberId !== undefined) return memberId
  throw new ApiError('VALIDATION', 'json.memberId: required to check someone in or out by hand', {
    issues: [{ path: 'json.memberId', message: 'required to check someone in or out by hand' }],
  })
}
