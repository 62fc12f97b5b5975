/**
 * Making pending hour records: by hand (staff entering hours for a member;
 * marked manual, so someone else must approve them), or at check-out (the
 * attended time rounded by the community's rule and capped by the activity's
 * maximum). Both are idempotent by the record's id.
 *
 * @example
 * await createRecord(ctx, { tenantId, id: 'visit-17', memberId: 'ana', kind: 'elder-visit', startedAt, endedAt, actor: 'key_1' })
 */
import { Id, InstantText, formatAmount } from '@timebank/ledger'
import { createOnce, requestHash } from '@timebank/ledger/kit'
import { and, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityError, CommunityErrorCode } from '../domain/errors.js'
import { HOURS_SCALE, MAX_RECORD_HOURS, RecordHours, creditableHours, recordHours } from '../domain/hours.js'
import { CommunityId, attendanceRecordId } from '../domain/ids.js'
import { Conduct, Role, TaskKind } from '../domain/points.js'
import { parse } from '../domain/validate.js'
import { requireActiveMember } from '../storage/member-reads.js'
import { hourRecords, recordEvents } from '../storage/schema.js'
import { type HourRecord, type RecordRow, recordView } from './view.js'

const When = z.union([z.date(), InstantText.transform((s) => new Date(s))])

/** The fields of a manual record (the HTTP API builds its body from them); `CreateRecordInput` adds the checks across fields. */
export const CreateRecordFields = z.strictObject({
  tenantId: Id,
  /** The client's id for this record: creating it again with the same content returns it. */
  id: CommunityId,
  memberId: CommunityId,
  kind: TaskKind,
  role: Role.default('member'),
  conduct: Conduct.default('1'),
  startedAt: When,
  endedAt: When,
  /** Hours to credit, "0" to "24", e.g. "2" or "1.25"; by default the time between start and end, rounded by the community's rule. */
  hours: RecordHours.optional(),
  activityId: CommunityId.optional(),
  note: z.string().max(2000).optional(),
  /** Who enters it (the staff key's id). */
  actor: z.string().min(1).max(200),
})
export const CreateRecordInput = CreateRecordFields.refine((r) => r.endedAt.getTime() >= r.startedAt.getTime(), {
  message: 'endedAt is before startedAt',
  path: ['endedAt'],
})
export type CreateRecordInput = z.input<typeof CreateRecordInput>

const exists = (id: string) =>
  new CommunityError(CommunityErrorCode.RECORD_EXISTS, `record ${id} exists with other content`, { recordId: id })

export async function createRecord(ctx: CommunityContext, input: CreateRecordInput): Promise<{ record: HourRecord; replayed: boolean }> {
  const r = parse(CreateRecordInput, input)
  const { settings } = await ctx.community(r.tenantId)
  await requireActiveMember(ctx.db, r.tenantId, r.memberId)
  const hours =
    r.hours === undefined
      ? creditableHours({ from: r.startedAt, to: r.endedAt, rounding: settings.hoursRounding, maxHours: MAX_RECORD_HOURS })
      : recordHours(r.hours)
  const fields = {
    memberId: r.memberId,
    activityId: r.activityId ?? null,
    kind: r.kind,
    role: r.role,
    conduct: r.conduct,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    hours,
    note: r.note ?? null,
  }
  // Who enters it is part of the request: the same record entered by someone else is another request.
  const hash = requestHash({
    ...fields,
    startedAt: r.startedAt.toISOString(),
    endedAt: r.endedAt.toISOString(),
    hours: hours.toString(),
    createdBy: r.actor,
  })
  return insertRecord(ctx, r.tenantId, r.id, { ...fields, manual: true, createdBy: r.actor }, hash, exists)
}

/**
 * The pending record a check-out makes, at most one per member and activity. `manual` when staff checked the
 * member in or out by hand (the times are theirs): then `actor`, who did, may not approve it alone.
 */
export async function recordFromAttendance(
  ctx: CommunityContext,
  attendance: {
    tenantId: string
    activityId: string
    kind: string
    memberId: string
    role: string
    from: Date
    to: Date
    maxHours: bigint
    actor: string
    manual?: boolean
  },
): Promise<{ record: HourRecord; replayed: boolean }> {
  const { settings } = await ctx.community(attendance.tenantId)
  const hours = creditableHours({
    from: attendance.from,
    to: attendance.to,
    rounding: settings.hoursRounding,
    maxHours: attendance.maxHours,
  })
  const fields = {
    memberId: attendance.memberId,
    activityId: attendance.activityId,
    kind: attendance.kind,
    role: attendance.role,
    conduct: '1',
    startedAt: attendance.from,
    endedAt: attendance.to,
    hours,
    note: null,
  }
  const id = attendanceRecordId(attendance.activityId, attendance.memberId)
  // The attendance names the record; a second check-out finds the first one's record whatever it says.
  return insertRecord(
    ctx,
    attendance.tenantId,
    id,
    { ...fields, manual: attendance.manual ?? false, createdBy: attendance.actor },
    null,
    exists,
  )
}

async function insertRecord(
  ctx: CommunityContext,
  tenantId: string,
  id: string,
  fields: Omit<
    RecordRow,
    | 'tenantId'
    | 'id'
    | 'status'
    | 'points'
    | 'ruleVersion'
    | 'excessHours'
    | 'excessPoints'
    | 'decidedBy'
    | 'decidedAt'
    | 'adjustedBy'
    | 'reason'
    | 'postedAt'
    | 'postedPeriod'
    | 'reversedAt'
    | 'reversedPeriod'
    | 'requestHash'
    | 'createdAt'
  >,
  hash: string | null,
  conflict: (id: string) => CommunityError,
): Promise<{ record: HourRecord; replayed: boolean }> {
  const now = ctx.now()
  const { row, replayed } = await ctx.db.transaction((tx) =>
    createOnce<RecordRow>({
      hash: hash ?? '',
      insert: async () => {
        const [created] = await tx
          .insert(hourRecords)
          .values({ tenantId, id, ...fields, status: 'pending', requestHash: hash, createdAt: now })
          .onConflictDoNothing()
          .returning()
        if (created) {
          await tx.insert(recordEvents).values({
            tenantId,
            recordId: id,
            action: 'created',
            actor: fields.createdBy,
            at: now,
            detail: { hours: formatAmount(fields.hours, HOURS_SCALE), manual: fields.manual },
          })
        }
        return created
      },
      existing: async () => {
        const [prior] = await tx
          .select()
          .from(hourRecords)
          .where(and(eq(hourRecords.tenantId, tenantId), eq(hourRecords.id, id)))
        // Records made at check-out carry no fingerprint: the attendance itself names them, so they are found, never refused.
        return prior && { row: prior, requestHash: hash === null ? '' : prior.requestHash }
      },
      conflict: () => conflict(id),
    }),
  )
  return { record: recordView(row), replayed }
}
