/**
 * The record event log: what happened to each hour record, who did it, when
 * and why. Written in one statement however many records a step touches.
 */
import { pgArray, rows } from '@timebank/ledger/kit'
import { sql } from 'drizzle-orm'
import type { CommunityContext } from '../context.js'

export interface RecordEvent {
  recordId: string
  action: string
  detail: Record<string, unknown>
}

export async function logEvents(
  tx: Pick<CommunityContext['db'], 'execute'>,
  tenantId: string,
  actor: string,
  at: Date,
  events: RecordEvent[],
): Promise<void> {
  if (events.length === 0) return
  await tx.execute(sql`
    insert into cm_record_events (tenant_id, record_id, action, actor, at, detail)
    select ${tenantId}, u.record_id, u.action, ${actor}, ${at.toISOString()}::timestamptz, u.detail
    from unnest(${pgArray(events.map((e) => e.recordId))}::text[], ${pgArray(events.map((e) => e.action))}::text[],
                ${pgArray(events.map((e) => JSON.stringify(e.detail)))}::jsonb[]) as u(record_id, action, detail)`)
}

/**
 * Lock hour records in id order, the one order every writer of records takes, so two bulk steps
 * over overlapping records never wait on each other in a cycle. Returns the ids locked (those in one of `statuses`).
 */
export async function lockRecords(
  tx: Pick<CommunityContext['db'], 'execute'>,
  tenantId: string,
  ids: string[],
  statuses: string | readonly string[],
): Promise<string[]> {
  if (ids.length === 0) return []
  const wanted = typeof statuses === 'string' ? [statuses] : statuses
  const locked = await rows<{ id: string }>(
    tx,
    sql`select id from cm_hour_records where tenant_id = ${tenantId} and id = any(${pgArray(ids)}::text[])
          and status = any(${pgArray(wanted)}::text[])
        order by id collate "C" for update`,
  )
  return locked.map((r) => r.id)
}

/**
 * The advisory lock between closing a period (taken exclusively) and counting postings in months
 * (taken shared): a period never closes between a count's read of the closed months and its write.
 */
export const periodLockKey = (tenantId: string) => sql`hashtext(${`cm_periods:${tenantId}`})`
