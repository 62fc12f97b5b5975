/**
 * The reads the activity use cases share: an activity (locked or not), how
 * its places are taken, and a waitlisted sign-up's position. Every write that
 * counts places locks the activity row first (`for update`), so the count it
 * acts on cannot change under it. A check-in by code counts no places and, on
 * its fast path (attendance.ts), takes no activity lock at all: one statement
 * locks only the member's sign-up (as cancelling that sign-up does) and reads
 * the activity's status as committed then, so a check-in can land just after
 * the activity is cancelled (cancelling does not wait for it; its check-out
 * is then refused, so no record comes of it). Only its fallback, which gives
 * the precise refusal, takes the activity row `for share`.
 *
 * @example
 * const row = await readActivity(tx, tenantId, activityId, 'update')
 * const { signed } = await countPlaces(tx, tenantId, activityId)
 */
import { and, count, eq, inArray, lte } from 'drizzle-orm'
import type { CommunityContext } from '../context.js'
import { CommunityError, CommunityErrorCode, notFound } from '../domain/errors.js'
import { activities, signups } from '../storage/schema.js'
import type { ActivityRow } from './view.js'

type Reader = Pick<CommunityContext['db'], 'select'>

/** The activity's row, locked as asked; ACTIVITY_NOT_FOUND when there is none. */
export async function readActivity(db: Reader, tenantId: string, activityId: string, lock?: 'update' | 'share'): Promise<ActivityRow> {
  const query = db
    .select()
    .from(activities)
    .where(and(eq(activities.tenantId, tenantId), eq(activities.id, activityId)))
  const [row] = lock === undefined ? await query : await query.for(lock)
  if (!row) throw notFound(CommunityErrorCode.ACTIVITY_NOT_FOUND, 'activity', activityId, 'activityId')
  return row
}

/** ACTIVITY_CANCELLED or ACTIVITY_CLOSED unless the activity is open. */
export function requireOpen(row: ActivityRow): void {
  if (row.status === 'closed') {
    throw new CommunityError(CommunityErrorCode.ACTIVITY_CLOSED, `activity ${row.id} is closed`, { activityId: row.id })
  }
  if (row.status !== 'open') {
    throw new CommunityError(CommunityErrorCode.ACTIVITY_CANCELLED, `activity ${row.id} is cancelled`, { activityId: row.id })
  }
}

export interface Places {
  signed: number
  waitlisted: number
  cancelled: number
}

/** How an activity's sign-ups stand, for one activity. */
export async function countPlaces(db: Reader, tenantId: string, activityId: string): Promise<Places> {
  return (await countPlacesOf(db, tenantId, [activityId])).get(activityId) ?? { signed: 0, waitlisted: 0, cancelled: 0 }
}

/** How the sign-ups of several activities stand, in one query. */
export async function countPlacesOf(db: Reader, tenantId: string, activityIds: string[]): Promise<Map<string, Places>> {
  const out = new Map<string, Places>()
  if (activityIds.length === 0) return out
  const found = await db
    .select({ activityId: signups.activityId, status: signups.status, n: count() })
    .from(signups)
    .where(and(eq(signups.tenantId, tenantId), inArray(signups.activityId, activityIds)))
    .groupBy(signups.activityId, signups.status)
  for (const f of found) {
    const places = out.get(f.activityId) ?? { signed: 0, waitlisted: 0, cancelled: 0 }
    if (f.status === 'signed' || f.status === 'waitlisted' || f.status === 'cancelled') places[f.status] = f.n
    out.set(f.activityId, places)
  }
  return out
}

/** A waitlisted sign-up's place in the line: 1 + how many waitlisted signed up before it. */
export async function waitlistPosition(db: Reader, tenantId: string, activityId: string, seq: bigint): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(signups)
    .where(and(eq(signups.tenantId, tenantId), eq(signups.activityId, activityId), eq(signups.status, 'waitlisted'), lte(signups.seq, seq)))
  return row?.n ?? 0
}
