/**
 * Keeping redemptions and the ledger in step without a shared transaction.
 * `reconcileRedemptions` compares each redemption with the holds and
 * resolutions the ledger has under its ids, and each reward's stock with its
 * rows, listing every disagreement; `healRedemptions` settles every
 * unfinished one (a reservation the ledger has not yet held, or a hand-over or
 * cancellation the ledger did and the row missed), which is always safe: the
 * ledger replays what it has and decides what it has not.
 *
 * @example
 * const problems = await reconcileRedemptions(ctx, { tenantId })   // [] when all agree
 */
import { Id, type Transfer } from '@timebank/ledger'
import { and, asc, eq, gt, inArray } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { type RedemptionLeg, type RedemptionStatus, redemptionHold, redemptionResolution } from '../domain/redemption.js'
import { parse } from '../domain/validate.js'
import { ledgerTransfers } from '../records/credit.js'
import { redemptions } from '../storage/market-schema.js'
import { settle } from './redemptions.js'
import { stockReport } from './report.js'
import type { RedemptionRow } from './view.js'

export type RedemptionProblemKind =
  /** Still `reserving`: `healRedemptions` runs its hold. */
  | 'unfinished'
  /** The ledger lacks a hold (or its post or void) the row's status needs. */
  | 'hold-missing'
  /** The ledger holds something for a redemption whose status says it should not (refused), or resolved it otherwise. */
  | 'status-differs'
  /** A hold's amount differs from the row's units or points. */
  | 'amount-differs'
  /** A reward's ledger stock or takings differ from its rows (see the stock report). */
  | 'stock-differs'

export interface RedemptionProblem {
  kind: RedemptionProblemKind
  redemptionId?: string
  rewardId?: string
  status?: RedemptionStatus
  /** The ledger id the problem is about. */
  transferId?: string
  detail?: string
}

export const ReconcileRedemptionsInput = z.strictObject({ tenantId: Id })
export const HealRedemptionsInput = z.strictObject({ tenantId: Id, actor: z.string().min(1).max(200) })

const PAGE = 500
const LEGS: RedemptionLeg[] = ['stock', 'points']
const OUTCOMES = ['handover', 'cancel', 'expire'] as const
/** The resolution each final status needs the ledger to hold. */
const NEEDED: Partial<Record<RedemptionStatus, (typeof OUTCOMES)[number]>> = {
  handed_over: 'handover',
  cancelled: 'cancel',
  expired: 'expire',
}

function problemsOf(r: RedemptionRow, ledger: Map<string, Transfer | null>): RedemptionProblem[] {
  const status = r.status as RedemptionStatus
  const out: RedemptionProblem[] = []
  const add = (kind: RedemptionProblemKind, transferId?: string, detail?: string) =>
    out.push({
      kind,
      redemptionId: r.id,
      rewardId: r.rewardId,
      status,
      ...(transferId ? { transferId } : {}),
      ...(detail ? { detail } : {}),
    })
  if (status === 'reserving') {
    add('unfinished')
    return out
  }
  for (const leg of LEGS) {
    const holdId = redemptionHold(r.id, leg)
    const hold = ledger.get(holdId) ?? null
    if (status === 'refused') {
      if (hold) add('status-differs', holdId, 'refused, but the ledger holds it')
      continue
    }
    if (!hold) {
      add('hold-missing', holdId)
      continue
    }
    const wanted = (leg === 'points' ? r.points : r.quantity).toString()
    if (hold.amount !== wanted) add('amount-differs', holdId, `row ${wanted}, ledger ${hold.amount}`)
    const needed = NEEDED[status]
    for (const outcome of OUTCOMES) {
      const id = redemptionResolution(r.id, leg, outcome)
      const has = (ledger.get(id) ?? null) !== null
      if (outcome === needed && !has) add('hold-missing', id)
      if (outcome !== needed && has) add('status-differs', id, `${status}, but the ledger holds its ${outcome}`)
    }
  }
  return out
}

/** Every redemption, and every reward's stock, that disagrees with the ledger. */
export async function reconcileRedemptions(
  ctx: CommunityContext,
  input: z.input<typeof ReconcileRedemptionsInput>,
): Promise<RedemptionProblem[]> {
  const { tenantId } = parse(ReconcileRedemptionsInput, input)
  await ctx.community(tenantId)
  const problems: RedemptionProblem[] = []
  let after = ''
  for (;;) {
    const page = await ctx.db
      .select()
      .from(redemptions)
      .where(and(eq(redemptions.tenantId, tenantId), gt(redemptions.id, after)))
      .orderBy(asc(redemptions.id))
      .limit(PAGE)
    if (page.length === 0) break
    after = (page[page.length - 1] as RedemptionRow).id
    const ids = page.flatMap((r) =>
      LEGS.flatMap((leg) => [redemptionHold(r.id, leg), ...OUTCOMES.map((o) => redemptionResolution(r.id, leg, o))]),
    )
    const ledger = await ledgerTransfers(ctx, tenantId, ids)
    for (const r of page) problems.push(...problemsOf(r, ledger))
  }
  for (const s of (await stockReport(ctx, { tenantId })).rewards) {
    if (!s.matches) {
      problems.push({
        kind: 'stock-differs',
        rewardId: s.rewardId,
        detail: `ledger: handed out ${s.handedOut}, reserved ${s.reserved}, points ${s.pointsReceived} (+${s.pointsReserved} held), restocked ${s.restocked}; rows: handed out ${s.rows.handedOut}, reserved ${s.rows.reserved}, points ${s.rows.points} (+${s.rows.pointsReserved} held)`,
      })
    }
  }
  return problems
}

/** Settle every redemption not in a final state with the ledger. Returns how many changed status. */
export async function healRedemptions(ctx: CommunityContext, input: z.input<typeof HealRedemptionsInput>): Promise<{ settled: number }> {
  const { tenantId, actor } = parse(HealRedemptionsInput, input)
  await ctx.community(tenantId)
  const open = await ctx.db
    .select()
    .from(redemptions)
    .where(and(eq(redemptions.tenantId, tenantId), inArray(redemptions.status, ['reserving', 'reserved'])))
    .orderBy(asc(redemptions.id))
  let settled = 0
  for (const row of open) if ((await settle(ctx, row, actor)).status !== row.status) settled++
  return { settled }
}
