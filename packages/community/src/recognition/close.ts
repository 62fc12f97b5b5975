/**
 * Closing a period freezes its honour roll: once a month, quarter or year has
 * ended (in the community's time zone), every member's totals for it are
 * stored with the grid they lived in at its end, and the canonical JSON of
 * that snapshot hashed (SHA-256). Closing a quarter or a year closes the
 * quarters and months inside it that are still open, each with a snapshot of
 * its own, so every closed month reads frozen. Postings that finish later
 * count in the month they are made (records/credit.ts), never in a closed one.
 *
 * Closing twice is refused (PERIOD_CLOSED, with the first closing in the
 * details), not replayed: a closing is a decision made once, by one person.
 *
 * @example
 * await closePeriod(ctx, { tenantId, period: '2026-03', actor: 'key_staff' })
 * await periodStatus(ctx, { tenantId, period: '2026-03' }) // { status: 'closed', snapshotHash: '…', … }
 */
import { Id } from '@timebank/ledger'
import { rows } from '@timebank/ledger/kit'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { canonicalHash } from '../domain/certificate.js'
import { periodLockKey } from '../storage/events.js'
import { CommunityError, CommunityErrorCode } from '../domain/errors.js'
import { Period, bounds, monthsOf } from '../domain/periods.js'
import { parse } from '../domain/validate.js'
import { closedPeriod, takeSnapshot } from './totals.js'

export const ClosePeriodInput = z.strictObject({ tenantId: Id, period: Period, actor: z.string().min(1).max(200) })
export type ClosePeriodInput = z.input<typeof ClosePeriodInput>

export const PeriodStatusInput = z.strictObject({ tenantId: Id, period: Period })
export type PeriodStatusInput = z.input<typeof PeriodStatusInput>

export const PeriodStatusOutput = z.object({
  period: z.string(),
  status: z.enum(['open', 'closed']),
  from: z.date().describe('Where the period starts in the community time zone (inclusive).'),
  to: z.date().describe('Where it ends (exclusive).'),
  ended: z.boolean().describe('True once `to` has passed: only then may it be closed.'),
  closedAt: z.date().nullable(),
  closedBy: z.string().nullable(),
  snapshotHash: z.string().nullable().describe('SHA-256 (hex) of the canonical JSON of the frozen snapshot.'),
})
export type PeriodStatus = z.output<typeof PeriodStatusOutput>

export const ClosePeriodOutput = PeriodStatusOutput.extend({
  alsoClosed: z.array(z.string()).describe('Quarters and months inside the period closed with it (those still open).'),
})
export type ClosePeriodResult = z.output<typeof ClosePeriodOutput>

/** The period, then the quarters and months inside it: what closing it closes. */
function covered(period: string): string[] {
  const quarters = period.length === 4 ? [1, 2, 3, 4].map((q) => `${period}-Q${q}`) : []
  const months = period.length === 7 && period[5] !== 'Q' ? [] : monthsOf(period)
  return [period, ...quarters, ...months]
}

export async function periodStatus(ctx: CommunityContext, input: PeriodStatusInput): Promise<PeriodStatus> {
  const { tenantId, period } = parse(PeriodStatusInput, input)
  const { settings } = await ctx.community(tenantId)
  const { from, to } = bounds(period, settings.timeZone)
  const closed = await closedPeriod(ctx.db, tenantId, period)
  return {
    period,
    status: closed ? 'closed' : 'open',
    from,
    to,
    ended: ctx.now().getTime() >= to.getTime(),
    closedAt: closed?.closedAt ?? null,
    closedBy: closed?.closedBy ?? null,
    snapshotHash: closed?.snapshotHash ?? null,
  }
}

export async function closePeriod(ctx: CommunityContext, input: ClosePeriodInput): Promise<ClosePeriodResult> {
  const { tenantId, period, actor } = parse(ClosePeriodInput, input)
  const { settings } = await ctx.community(tenantId)
  const now = ctx.now()
  const { to } = bounds(period, settings.timeZone)
  if (now.getTime() < to.getTime()) {
    throw new CommunityError(CommunityErrorCode.PERIOD_NOT_ENDED, `period ${period} ends at ${to.toISOString()}`, {
      period,
      endsAt: to.toISOString(),
    })
  }
  const alsoClosed = await ctx.db.transaction(async (tx) => {
    // Exclusive: no posting is being counted into a month while its period closes (records/credit.ts).
    await tx.execute(sql`select pg_advisory_xact_lock(${periodLockKey(tenantId)})`)
    const closedHere: string[] = []
    for (const p of covered(period)) {
      const snapshot = await takeSnapshot(tx, tenantId, p, bounds(p, settings.timeZone))
      const inserted = await rows<{ period: string }>(
        tx,
        sql`insert into cm_closed_periods (tenant_id, period, closed_at, closed_by, snapshot, snapshot_hash)
            values (${tenantId}, ${p}, ${now.toISOString()}::timestamptz, ${actor}, ${JSON.stringify(snapshot)}::jsonb, ${canonicalHash(snapshot)})
            on conflict (tenant_id, period) do nothing
            returning period`,
      )
      if (p === period && inserted.length === 0) {
        const first = await closedPeriod(tx, tenantId, period)
        throw new CommunityError(CommunityErrorCode.PERIOD_CLOSED, `period ${period} is already closed`, {
          period,
          closedAt: first?.closedAt.toISOString(),
          closedBy: first?.closedBy,
          snapshotHash: first?.snapshotHash,
        })
      }
      // A quarter or month closed before keeps its own snapshot.
      if (p !== period && inserted.length > 0) closedHere.push(p)
    }
    return closedHere
  })
  return { ...(await periodStatus(ctx, { tenantId, period })), alsoClosed }
}
