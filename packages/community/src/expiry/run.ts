/**
 * The expiry run: for every member of a community (in pages), post what the
 * expiry plan says is due by `asOf` and not expired yet, as ledger redeems
 * from the member's points into the community's breakage account, one per
 * group of credits, with ids from the member and the group's cutoff
 * (`expire:<memberId>:<cutoff>`). The expiries of one member go in one batch.
 * Running it again changes nothing; running it late posts what an on-time run
 * would have (see domain/expiry.ts for what a late run forgives).
 *
 * @example
 * const result = await expiryRun(ctx, { tenantId: 'maple', rule: { months: 12 } })
 * // { members: 120, expiredMembers: 7, expirations: 9, amount: '85', failed: [] }
 */
import { Id, InstantText, formatAmount, isLedgerError } from '@timebank/ledger'
import { and, asc, eq, gt } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityError, CommunityErrorCode } from '../domain/errors.js'
import { ExpiryRule, expiryPlan } from '../domain/expiry.js'
import { ASSETS, COMMUNITY_ASSETS, expiryAccount, expiryStep } from '../domain/ids.js'
import { parse } from '../domain/validate.js'
import { members } from '../storage/schema.js'
import { openExpiryAccount } from './account.js'
import { pointsHistory } from './history.js'

const When = z.union([z.date(), InstantText.transform((s) => new Date(s))])

export const ExpiryRunInput = z.strictObject({
  tenantId: Id,
  /** Expire what falls due by this instant; now when absent, never later than now. */
  asOf: When.optional(),
  /** The rule to expire by; the policy in force's `pointsExpiry` when absent (none: nothing expires). */
  rule: ExpiryRule.optional(),
})
export type ExpiryRunInput = z.input<typeof ExpiryRunInput>

export const ExpiryRunOutput = z.object({
  tenantId: z.string(),
  asOf: z.date().describe('Groups of credits due by this instant were expired.'),
  rule: ExpiryRule.nullable().describe('The rule expired by; null when the policy lets points carry over (nothing expired).'),
  members: z.number().int().describe('Members looked at (those with a points account).'),
  expiredMembers: z.number().int().describe('Members who had points expired by this run.'),
  expirations: z.number().int().describe('Expiries posted by this run (one per member and group of credits).'),
  amount: z.string().describe('Points expired by this run, decimal text.'),
  heldMembers: z.number().int().describe('Members whose due points wait for their open holds to be posted or released.'),
  failed: z
    .array(z.object({ memberId: z.string(), code: z.string() }))
    .describe('Members whose expiries the ledger refused (e.g. a frozen account); a later run retries them.'),
})
export type ExpiryRunResult = z.output<typeof ExpiryRunOutput>

/** Members read per page. */
const PAGE = 500
/** A member's expiries are planned again this many times when a spend races the run. */
const ATTEMPTS = 3
const SCALE = (COMMUNITY_ASSETS.find((a) => a.code === ASSETS.points) as (typeof COMMUNITY_ASSETS)[number]).scale
/** Codes that mean the account moved between the plan and the post: plan again. */
const RACES = new Set<string>(['INSUFFICIENT_FUNDS', 'IDEMPOTENCY_CONFLICT'])

export async function expiryRun(ctx: CommunityContext, input: ExpiryRunInput): Promise<ExpiryRunResult> {
  const q = parse(ExpiryRunInput, input)
  const { settings } = await ctx.community(q.tenantId)
  const now = ctx.now()
  const asOf = q.asOf ?? now
  if (asOf.getTime() > now.getTime()) {
    throw new CommunityError(CommunityErrorCode.VALIDATION, 'asOf may not be in the future: points expire when they fall due', {
      asOf: asOf.toISOString(),
    })
  }
  const rule = q.rule ?? (await ctx.policy(q.tenantId)).policy.pointsExpiry
  const result: ExpiryRunResult = {
    tenantId: q.tenantId,
    asOf,
    rule,
    members: 0,
    expiredMembers: 0,
    expirations: 0,
    amount: '0',
    heldMembers: 0,
    failed: [],
  }
  if (rule === null) return result
  await openExpiryAccount(ctx, q.tenantId)
  let total = 0n
  let after: string | undefined
  for (;;) {
    const page = await ctx.db
      .select({ id: members.id })
      .from(members)
      .where(and(eq(members.tenantId, q.tenantId), ...(after === undefined ? [] : [gt(members.id, after)])))
      .orderBy(asc(members.id))
      .limit(PAGE)
    for (const { id } of page) {
      const outcome = await expireMember(ctx, q.tenantId, id, rule, settings.timeZone, asOf)
      if (outcome.kind === 'no-account') continue
      result.members++
      if (outcome.kind === 'refused') result.failed.push({ memberId: id, code: outcome.code })
      else if (outcome.held) result.heldMembers++
      if (outcome.kind === 'posted' && outcome.count > 0) {
        result.expiredMembers++
        result.expirations += outcome.count
        total += outcome.amount
      }
    }
    if (page.length < PAGE) break
    after = (page[page.length - 1] as { id: string }).id
  }
  result.amount = formatAmount(total, SCALE)
  return result
}

type Outcome = { kind: 'posted'; count: number; amount: bigint; held: boolean } | { kind: 'no-account' } | { kind: 'refused'; code: string }

/** Post one member's due expiries: what this call posted (replays not counted), or why nothing. */
async function expireMember(
  ctx: CommunityContext,
  tenantId: string,
  memberId: string,
  rule: ExpiryRule,
  timeZone: string,
  asOf: Date,
): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    let read: Awaited<ReturnType<typeof pointsHistory>>
    try {
      read = await pointsHistory(ctx, tenantId, memberId)
    } catch (e) {
      // Applied or rejected members have no accounts: nothing of theirs can expire.
      if (isLedgerError(e) && e.code === 'ACCOUNT_NOT_FOUND') return { kind: 'no-account' }
      throw e
    }
    const plan = expiryPlan(read.moves, rule, timeZone, asOf, read.available)
    const held = plan.some((g) => g.held && g.amount > 0n)
    const due = plan.filter((g) => g.due && !g.posted && !g.held && g.amount > 0n)
    if (due.length === 0) return { kind: 'posted', count: 0, amount: 0n, held }
    const { committed, results } = await ctx.ledger.batch({
      tenantId,
      operations: due.map((g) => ({
        type: 'redeem' as const,
        id: expiryStep(memberId, g.cutoff),
        from: read.accountId,
        to: expiryAccount(ASSETS.points),
        amount: formatAmount(g.amount, SCALE),
        item: { ref: 'expiry' },
        metadata: { cutoff: g.cutoff, cutoffAt: g.cutoffAt.toISOString(), dueAt: g.dueAt.toISOString(), rule },
      })),
    })
    if (committed) {
      let count = 0
      let amount = 0n
      for (const [i, r] of results.entries()) {
        if (r.ok && !r.replayed) {
          count++
          amount += (due[i] as (typeof due)[number]).amount
        }
      }
      return { kind: 'posted', count, amount, held }
    }
    const refusal = results.find((r) => !r.ok && r.error.code !== 'LINKED_EVENT_FAILED')
    const code = refusal && !refusal.ok ? refusal.error.code : 'LINKED_EVENT_FAILED'
    if (!RACES.has(code) || attempt >= ATTEMPTS) return { kind: 'refused', code }
  }
}
