/**
 * A member's statement for a period, from the ledger alone: the opening
 * balance, every entry of the period (oldest first) and the closing balance,
 * of spendable hours, points or lifetime hours. The ledger is the record of
 * value; the community's own totals play no part, so a statement is also a
 * check on them.
 *
 * The ledger's balance `at` an instant includes entries made at that very
 * instant, while its history `from` includes them too and `to` excludes them;
 * so the opening is the balance just before the period starts and the closing
 * the balance just before it ends (the ledger's instants are milliseconds).
 *
 * @example
 * const s = await statement(ctx, { tenantId, memberId: 'ana', period: '2026-03', asset: 'HOUR' })
 * // s.opening + Σ s.entries[].amount = s.closing
 */
import { type Entry, EntryOutput, Id, formatAmount } from '@timebank/ledger'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { COMMUNITY_ASSETS, CommunityId, memberAccount } from '../domain/ids.js'
import { Period, bounds } from '../domain/periods.js'
import { Decimal, toMinor } from '../domain/rounding.js'
import { parse } from '../domain/validate.js'
import { requireMember } from '../storage/member-reads.js'

export const StatementAsset = z.enum(COMMUNITY_ASSETS.map((a) => a.code) as ['HOUR', 'POINT', 'LIFETIME_HOUR'])
export type StatementAsset = z.infer<typeof StatementAsset>

export const StatementInput = z.strictObject({ tenantId: Id, memberId: CommunityId, period: Period, asset: StatementAsset.default('HOUR') })
export type StatementInput = z.input<typeof StatementInput>

export const StatementOutput = z.object({
  memberId: z.string(),
  accountId: z.string(),
  asset: StatementAsset,
  period: z.string(),
  from: z.date().describe('Where the period starts (inclusive).'),
  to: z.date().describe('Where it ends (exclusive).'),
  closingAt: z.date().describe('The instant the closing balance is for: the end, or now while the period runs.'),
  opening: z.string().describe('Posted balance before the period, decimal text.'),
  closing: z.string().describe('Posted balance at its end (or now): opening plus the entries.'),
  entries: z.array(EntryOutput).describe('Every ledger entry of the period, oldest first.'),
})
export type Statement = z.output<typeof StatementOutput>

/** History page size: the ledger's largest. */
const PAGE = 1000
/** Just before an instant, at the ledger's precision. */
const before = (at: Date) => new Date(at.getTime() - 1)

/** Reads of a running period race with postings (two reads, no shared snapshot): read again this many times. */
const ATTEMPTS = 3

export async function statement(ctx: CommunityContext, input: StatementInput): Promise<Statement> {
  const q = parse(StatementInput, input)
  const { settings } = await ctx.community(q.tenantId)
  await requireMember(ctx.db, q.tenantId, q.memberId)
  const scale = (COMMUNITY_ASSETS.find((a) => a.code === q.asset) as (typeof COMMUNITY_ASSETS)[number]).scale
  const accountId = memberAccount(q.memberId, q.asset)
  const { from, to } = bounds(q.period, settings.timeZone)
  for (let attempt = 1; ; attempt++) {
    const ended = ctx.now().getTime() >= to.getTime()
    const opening = await ctx.ledger.getBalance({ tenantId: q.tenantId, accountId, at: before(from) })
    const entries = await history(ctx, q.tenantId, accountId, from, ended ? to : undefined)
    const closing = await ctx.ledger.getBalance({ tenantId: q.tenantId, accountId, ...(ended ? { at: before(to) } : {}) })
    const sum = entries.reduce((s, e) => s + parseSigned(e.amount, scale), 0n)
    if (parseSigned(opening.posted, scale) + sum === parseSigned(closing.posted, scale)) {
      return {
        memberId: q.memberId,
        accountId,
        asset: q.asset,
        period: q.period,
        from,
        to,
        closingAt: ended ? to : closing.at,
        opening: opening.posted,
        closing: closing.posted,
        entries,
      }
    }
    // A posting committed between the reads explains one mismatch; the same one every time is the ledger's.
    if (attempt >= ATTEMPTS) {
      throw new Error(
        `ledger statement of ${accountId} for ${q.period} does not add up: ${opening.posted} + ${formatAmount(sum, scale)} != ${closing.posted}`,
      )
    }
  }
}

/** Every entry of the account from `from` (inclusive) to `to` (exclusive, or up to now), oldest first. */
async function history(ctx: CommunityContext, tenantId: string, accountId: string, from: Date, to: Date | undefined): Promise<Entry[]> {
  const entries: Entry[] = []
  let cursor: string | undefined
  do {
    const page = await ctx.ledger.getHistory({
      tenantId,
      accountId,
      from,
      ...(to === undefined ? {} : { to }),
      limit: PAGE,
      ...(cursor === undefined ? {} : { cursor }),
    })
    entries.push(...page.entries)
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
  // The ledger pages newest first; a statement reads oldest first.
  return entries.reverse()
}

/** A signed decimal amount (the ledger's text, zero included) as minor units. */
const parseSigned = (amount: string, scale: number): bigint => toMinor(new Decimal(amount), scale)
