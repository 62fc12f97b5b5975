/**
 * The public disclosure (公示): approved hour records credited in the last N
 * days (the community's `disclosureDays`, 7 by default), newest first, so
 * residents can check them. Each shows only what the notice board needs: the
 * member's masked name (an erased member's pseudonym), what was done (the
 * activity's title, or the task kind), the local date it was done, hours and
 * points. A record reversed after a complaint leaves the list.
 *
 * Nothing in it comes from an id a client chose: no member id, and no record
 * id (a check-out's record is named after its member). Records credited at
 * the same instant are ordered, and paged, by a keyed hash of their id (key
 * derived from the community's private key), so the cursor is opaque too.
 *
 * @example
 * const { records } = await disclosure(ctx, { tenantId })            // the last 7 days
 * const page2 = await disclosure(ctx, { tenantId, cursor: first.nextCursor })
 */
import { Id, formatAmount } from '@timebank/ledger'
import { rows } from '@timebank/ledger/kit'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { HOURS_SCALE } from '../domain/hours.js'
import { PageCursor, pageCursor, readCursor } from '../domain/cursor.js'
import { dateIn } from '../domain/periods.js'
import { derivedSecret } from '../domain/secrets.js'
import { parse } from '../domain/validate.js'
import { publicName } from './names.js'

const DAY_MS = 24 * 60 * 60 * 1000

/** The key of the cursor's tie-breaker: secret (from the community's private key), its own purpose. */

export const DisclosureInput = z.strictObject({
  tenantId: Id,
  /** How many past days; the community's `disclosureDays` by default. */
  days: z.number().int().min(1).max(366).optional(),
  limit: z.number().int().min(1).max(1000).default(200),
  /** The previous page's `nextCursor`. */
  cursor: PageCursor.optional(),
})
export type DisclosureInput = z.input<typeof DisclosureInput>

export const DisclosedRecordOutput = z.object({
  name: z.string().describe('The member, masked (张*明); an erased member shows their pseudonym.'),
  title: z.string().describe("The activity's title, or the task kind of a record without an activity."),
  date: z.string().describe('The local date (community time zone) the service started, YYYY-MM-DD.'),
  hours: z.string(),
  points: z.string(),
})
export type DisclosedRecord = z.output<typeof DisclosedRecordOutput>

export const DisclosureOutput = z.object({
  days: z.number().int(),
  from: z.date().describe('Records credited at or after this instant are listed.'),
  records: z.array(DisclosedRecordOutput).describe('Newest credit first.'),
  nextCursor: z.string().nullable(),
})
export type Disclosure = z.output<typeof DisclosureOutput>

export async function disclosure(ctx: CommunityContext, input: DisclosureInput): Promise<Disclosure> {
  const q = parse(DisclosureInput, input)
  const { settings, privateKey } = await ctx.community(q.tenantId)
  const days = q.days ?? settings.disclosureDays
  const now = ctx.now()
  const from = new Date(now.getTime() - days * DAY_MS)
  const after = q.cursor === undefined ? null : readCursor(q.cursor)
  // The tie-breaker between records credited at the same instant: a keyed hash of the record id, hex.
  const tie = sql`encode(sha256(convert_to(${derivedSecret(privateKey, 'disclosure-cursor')}::text || r.id, 'UTF8')), 'hex') collate "C"`
  const found = await rows<{
    tie: string
    kind: string
    started_at: Date | string
    posted_at: Date | string
    hours: string
    points: string | null
    title: string | null
    name: string | null
    status: string | null
    pseudonym: string | null
  }>(
    ctx.db,
    sql`select ${tie} as tie, r.kind, r.started_at, r.posted_at, r.hours::text as hours, r.points::text as points, a.title, m.name, m.status, m.pseudonym
        from cm_hour_records r
        left join cm_activities a on a.tenant_id = r.tenant_id and a.id = r.activity_id
        left join cm_members m on m.tenant_id = r.tenant_id and m.id = r.member_id
        where r.tenant_id = ${q.tenantId} and r.status = 'approved'
          and r.posted_at >= ${from.toISOString()}::timestamptz and r.posted_at <= ${now.toISOString()}::timestamptz
          ${after === null ? sql`` : sql`and (r.posted_at, ${tie}) < (${after.at.toISOString()}::timestamptz, ${after.id}::text collate "C")`}
        order by r.posted_at desc, tie desc
        limit ${q.limit + 1}`,
  )
  const page = found.slice(0, q.limit)
  const last = page[page.length - 1]
  return {
    days,
    from,
    records: page.map((r) => ({
      name: r.pseudonym === null ? '' : publicName({ name: r.name, status: r.status ?? '', pseudonym: r.pseudonym }),
      title: r.title ?? r.kind,
      date: dateIn(new Date(r.started_at), settings.timeZone),
      hours: formatAmount(BigInt(r.hours), HOURS_SCALE),
      points: r.points ?? '0',
    })),
    nextCursor: found.length > q.limit && last ? pageCursor(new Date(last.posted_at), last.tie) : null,
  }
}
