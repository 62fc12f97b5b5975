/**
 * Activities: created idempotently by the client's id, each with a secret of
 * its own for the rotating check-in code (never shown, never part of the
 * request's fingerprint); read, listed by time, grid subtree or status, and
 * cancelled. Staff show the current code as a QR code of `currentCode`'s url.
 *
 * @example
 * const { activity } = await createActivity(ctx, {
 *   tenantId, id: 'clean-0302', title: 'Spring clean-up', kind: 'clean-up', place: 'Block 3 yard', gridId: 'g1',
 *   startsAt: '2026-03-07T01:00:00Z', endsAt: '2026-03-07T03:00:00Z', capacity: 20, maxHours: '2', actor: 'key_staff',
 * })
 * const { code, url } = await currentCode(ctx, { tenantId, activityId: 'clean-0302' })
 */
import { afterCursor } from '../storage/keyset.js'
import { Id, InstantText, parseAmount } from '@timebank/ledger'
import { requestHash } from '@timebank/ledger/kit'
import { and, asc, eq, gt, like, lt, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { ActivityStatus, MAX_CAPACITY, MaxHours, OrganiserType } from '../domain/activity.js'
import { checkinCode, newCodeSecret, stepEnd } from '../domain/checkin-code.js'
import { PageCursor, pageCursor, readCursor } from '../domain/cursor.js'
import { CommunityError, CommunityErrorCode, notFound } from '../domain/errors.js'
import { HOURS_SCALE } from '../domain/hours.js'
import { CommunityId } from '../domain/ids.js'
import { TaskKind } from '../domain/points.js'
import { parse } from '../domain/validate.js'
import { requireGrid, subtreePattern } from '../grids/reads.js'
import { requireActiveMember } from '../storage/member-reads.js'
import { createRow } from '../storage/create-row.js'
import { activities, grids, organisations } from '../storage/schema.js'
import { countPlaces, countPlacesOf, readActivity, requireOpen } from './reads.js'
import { type Activity, type ActivityPageOutput, type CheckinCodeView, activityView } from './view.js'

/** An instant as a Date or ISO text with an offset. */
export const When = z.union([z.date(), InstantText.transform((s) => new Date(s))])
/** Who makes the request (a staff key's id, or the member's). */
export const Actor = z.string().min(1).max(200)

export const CreateActivityInput = z
  .strictObject({
    tenantId: Id,
    /** The client's id: creating it again with the same content returns it. */
    id: CommunityId,
    title: z.string().trim().min(1).max(200),
    kind: TaskKind,
    place: z.string().trim().min(1).max(200),
    gridId: CommunityId,
    organiser: z.strictObject({ type: OrganiserType, id: CommunityId }).optional(),
    startsAt: When,
    endsAt: When,
    capacity: z.number().int().min(1).max(MAX_CAPACITY),
    /** Most hours one attendance credits, e.g. "2" (the points supermarkets' usual cap). */
    maxHours: MaxHours,
    actor: Actor,
  })
  .refine((a) => a.endsAt.getTime() > a.startsAt.getTime(), { message: 'endsAt must be after startsAt', path: ['endsAt'] })
export type CreateActivityInput = z.input<typeof CreateActivityInput>

export const GetActivityInput = z.strictObject({ tenantId: Id, activityId: CommunityId })
export type GetActivityInput = z.input<typeof GetActivityInput>

export const ListActivitiesInput = z.strictObject({
  tenantId: Id,
  /** Only activities still running at or after this instant (they end after it). */
  from: When.optional(),
  /** Only activities starting before this instant. */
  to: When.optional(),
  /** Only activities in this grid's subtree (path prefix, e.g. `root/g1/`). */
  gridPath: z.string().max(2000).optional(),
  status: ActivityStatus.optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  /** The previous page's `nextCursor`. */
  cursor: PageCursor.optional(),
})
export type ListActivitiesInput = z.input<typeof ListActivitiesInput>

export const CancelActivityInput = z.strictObject({ tenantId: Id, activityId: CommunityId, actor: Actor })
export type CancelActivityInput = z.input<typeof CancelActivityInput>

export const CurrentCodeInput = GetActivityInput
export type CurrentCodeInput = z.input<typeof CurrentCodeInput>

export type ActivityPage = z.output<typeof ActivityPageOutput>

async function requireOrganiser(ctx: CommunityContext, tenantId: string, organiser: { type: OrganiserType; id: string }): Promise<void> {
  if (organiser.type === 'member') {
    await requireActiveMember(ctx.db, tenantId, organiser.id)
    return
  }
  const [row] = await ctx.db
    .select({ id: organisations.id })
    .from(organisations)
    .where(and(eq(organisations.tenantId, tenantId), eq(organisations.id, organiser.id)))
  if (!row) throw notFound(CommunityErrorCode.ORGANISATION_NOT_FOUND, 'organisation', organiser.id, 'organisationId')
}

/** A new open activity, or the one this id already names when the request is the same. */
export async function createActivity(
  ctx: CommunityContext,
  input: CreateActivityInput,
): Promise<{ activity: Activity; replayed: boolean }> {
  const a = parse(CreateActivityInput, input)
  await ctx.community(a.tenantId)
  await requireGrid(ctx.db, a.tenantId, a.gridId)
  if (a.organiser) await requireOrganiser(ctx, a.tenantId, a.organiser)
  const fields = {
    title: a.title,
    kind: a.kind,
    place: a.place,
    gridId: a.gridId,
    organiserType: a.organiser?.type ?? null,
    organiserId: a.organiser?.id ?? null,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    capacity: a.capacity,
    maxHours: parseAmount(a.maxHours, HOURS_SCALE),
  }
  // Normalized: "2" and "2.00" are the same cap, instants compared as instants; the secret is ours, not the request's.
  const hash = requestHash({
    ...fields,
    startsAt: a.startsAt.toISOString(),
    endsAt: a.endsAt.toISOString(),
    maxHours: fields.maxHours.toString(),
  })
  const now = ctx.now()
  const { row, replayed } = await ctx.db.transaction((tx) =>
    createRow(
      tx,
      activities,
      {
        tenantId: a.tenantId,
        id: a.id,
        ...fields,
        status: 'open',
        codeSecret: newCodeSecret(),
        createdBy: a.actor,
        requestHash: hash,
        createdAt: now,
      },
      () => new CommunityError(CommunityErrorCode.ACTIVITY_EXISTS, `activity ${a.id} exists with other content`, { activityId: a.id }),
    ),
  )
  return { activity: activityView(row, await countPlaces(ctx.db, a.tenantId, a.id)), replayed }
}

export async function getActivity(ctx: CommunityContext, input: GetActivityInput): Promise<Activity> {
  const { tenantId, activityId } = parse(GetActivityInput, input)
  const row = await readActivity(ctx.db, tenantId, activityId)
  return activityView(row, await countPlaces(ctx.db, tenantId, activityId))
}

/** By start (then id); the cursor is the last activity's start and id. */
export async function listActivities(ctx: CommunityContext, input: ListActivitiesInput): Promise<ActivityPage> {
  const q = parse(ListActivitiesInput, input)
  const where: SQL[] = [eq(activities.tenantId, q.tenantId)]
  if (q.from) where.push(gt(activities.endsAt, q.from))
  if (q.to) where.push(lt(activities.startsAt, q.to))
  if (q.status) where.push(eq(activities.status, q.status))
  if (q.cursor) {
    where.push(afterCursor(activities.startsAt, activities.id, readCursor(q.cursor), 'asc'))
  }
  const base = ctx.db.select({ a: activities }).from(activities)
  const scoped =
    q.gridPath === undefined ? base : base.innerJoin(grids, and(eq(grids.tenantId, activities.tenantId), eq(grids.id, activities.gridId)))
  if (q.gridPath !== undefined) where.push(like(grids.path, subtreePattern(q.gridPath)))
  const found = await scoped
    .where(and(...where))
    .orderBy(asc(activities.startsAt), asc(activities.id))
    .limit(q.limit + 1)
  const page = found.slice(0, q.limit).map((x) => x.a)
  const places = await countPlacesOf(
    ctx.db,
    q.tenantId,
    page.map((a) => a.id),
  )
  const last = page[page.length - 1]
  return {
    activities: page.map((a) => activityView(a, places.get(a.id) ?? { signed: 0, waitlisted: 0 })),
    nextCursor: found.length > q.limit && last ? pageCursor(last.startsAt, last.id) : null,
  }
}

/**
 * Cancel an activity: it takes no more sign-ups, check-ins or check-outs. Sign-ups and attendance stay as
 * they were; records already made at check-out stay pending for staff to decide. Cancelling again answers
 * the cancelled activity; a closed one (held and finished) is not cancelled (ACTIVITY_CLOSED).
 */
export async function cancelActivity(ctx: CommunityContext, input: CancelActivityInput): Promise<Activity> {
  const { tenantId, activityId } = parse(CancelActivityInput, input)
  const row = await ctx.db.transaction(async (tx) => {
    const current = await readActivity(tx, tenantId, activityId, 'update')
    if (current.status === 'cancelled') return current
    // It was held and is finished: its attendance and records stand as they are.
    requireOpen(current)
    const [updated] = await tx
      .update(activities)
      .set({ status: 'cancelled' })
      .where(and(eq(activities.tenantId, tenantId), eq(activities.id, activityId)))
      .returning()
    return updated ?? current
  })
  return activityView(row, await countPlaces(ctx.db, tenantId, activityId))
}

/** The code staff show now, until when, and the url its QR code encodes. */
export async function currentCode(ctx: CommunityContext, input: CurrentCodeInput): Promise<CheckinCodeView> {
  const { tenantId, activityId } = parse(CurrentCodeInput, input)
  const { settings } = await ctx.community(tenantId)
  const row = await readActivity(ctx.db, tenantId, activityId)
  requireOpen(row)
  const now = ctx.now()
  const code = checkinCode(row.codeSecret, now, settings.codeStepSeconds)
  const base = settings.publicBaseUrl.replace(/\/+$/, '')
  return {
    code,
    validUntil: stepEnd(now, settings.codeStepSeconds),
    url: `${base}/checkin/${encodeURIComponent(tenantId)}/${encodeURIComponent(activityId)}?code=${code}`,
  }
}
