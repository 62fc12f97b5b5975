/**
 * Reading hour records: one, a page by status, member, activity or grid
 * subtree (newest first), and a record's history of events.
 *
 * @example
 * const page = await listRecords(ctx, { tenantId, status: 'pending', limit: 100 })
 */
import { afterCursor } from '../storage/keyset.js'
import { Id } from '@timebank/ledger'
import { and, asc, desc, eq, inArray, like, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { PageCursor, pageCursor, readCursor } from '../domain/cursor.js'
import { CommunityErrorCode, notFound } from '../domain/errors.js'
import { GridPath } from '../domain/grid.js'
import { CommunityId, RecordId } from '../domain/ids.js'
import { RecordStatus } from '../domain/record.js'
import { parse } from '../domain/validate.js'
import { subtreePattern } from '../grids/reads.js'
import { grids, hourRecords, members, recordEvents } from '../storage/schema.js'
import { type HourRecord, recordView } from './view.js'

export const ListRecordsInput = z.strictObject({
  tenantId: Id,
  status: RecordStatus.optional(),
  memberId: CommunityId.optional(),
  activityId: CommunityId.optional(),
  /** Only members placed in this grid's subtree (its path, e.g. `root/g1/`). */
  gridPath: GridPath.optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  /** The previous page's `nextCursor`. */
  cursor: PageCursor.optional(),
})

export interface RecordPage {
  records: HourRecord[]
  nextCursor: string | null
}

export async function getRecord(ctx: CommunityContext, tenantId: string, recordId: string): Promise<HourRecord> {
  const id = parse(RecordId, recordId)
  const [r] = await ctx.db
    .select()
    .from(hourRecords)
    .where(and(eq(hourRecords.tenantId, tenantId), eq(hourRecords.id, id)))
  if (!r) throw notFound(CommunityErrorCode.RECORD_NOT_FOUND, 'record', id, 'recordId')
  return recordView(r)
}

/** Newest first; the cursor is the last record's creation instant and id. */
export async function listRecords(ctx: CommunityContext, input: z.input<typeof ListRecordsInput>): Promise<RecordPage> {
  const q = parse(ListRecordsInput, input)
  const where: SQL[] = [eq(hourRecords.tenantId, q.tenantId)]
  if (q.status) where.push(eq(hourRecords.status, q.status))
  if (q.memberId) where.push(eq(hourRecords.memberId, q.memberId))
  if (q.activityId) where.push(eq(hourRecords.activityId, q.activityId))
  if (q.cursor) {
    where.push(afterCursor(hourRecords.createdAt, hourRecords.id, readCursor(q.cursor), 'desc'))
  }
  const base = ctx.db.select({ r: hourRecords }).from(hourRecords)
  const scoped =
    q.gridPath === undefined
      ? base
      : base
          .innerJoin(members, and(eq(members.tenantId, hourRecords.tenantId), eq(members.id, hourRecords.memberId)))
          .innerJoin(grids, and(eq(grids.tenantId, members.tenantId), eq(grids.id, members.gridId)))
  if (q.gridPath !== undefined) where.push(like(grids.path, subtreePattern(q.gridPath)))
  const found = await scoped
    .where(and(...where))
    .orderBy(desc(hourRecords.createdAt), desc(hourRecords.id))
    .limit(q.limit + 1)
  const page = found.slice(0, q.limit).map((x) => recordView(x.r))
  const last = page[page.length - 1]
  return { records: page, nextCursor: found.length > q.limit && last ? pageCursor(last.createdAt, last.id) : null }
}

export interface RecordEventView {
  action: string
  actor: string
  at: Date
  detail: Record<string, unknown>
}

/** What happened to a record, oldest first. */
export async function recordHistory(ctx: CommunityContext, tenantId: string, recordId: string): Promise<RecordEventView[]> {
  await getRecord(ctx, tenantId, recordId)
  const found = await ctx.db
    .select()
    .from(recordEvents)
    .where(and(eq(recordEvents.tenantId, tenantId), eq(recordEvents.recordId, recordId)))
    .orderBy(asc(recordEvents.seq))
  return found.map((e) => ({ action: e.action, actor: e.actor, at: e.at, detail: e.detail as Record<string, unknown> }))
}

/** For scope checks: each record's member and the path of that member's grid (null when unplaced); absent ids are left out. */
export async function recordScopes(
  ctx: CommunityContext,
  tenantId: string,
  recordIds: string[],
): Promise<Map<string, { memberId: string; gridPath: string | null }>> {
  if (recordIds.length === 0) return new Map()
  const found = await ctx.db
    .select({ id: hourRecords.id, memberId: hourRecords.memberId, path: grids.path })
    .from(hourRecords)
    .innerJoin(members, and(eq(members.tenantId, hourRecords.tenantId), eq(members.id, hourRecords.memberId)))
    .leftJoin(grids, and(eq(grids.tenantId, members.tenantId), eq(grids.id, members.gridId)))
    .where(and(eq(hourRecords.tenantId, tenantId), inArray(hourRecords.id, recordIds)))
  return new Map(found.map((r) => [r.id, { memberId: r.memberId, gridPath: r.path ?? null }]))
}
