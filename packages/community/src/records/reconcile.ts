/**
 * Keeping hour records and the ledger in step without a shared transaction.
 * `reconcile` compares every record with what the ledger holds under the ids
 * derived from it and lists each disagreement; `heal` finishes every claimed
 * intent (a crash between a ledger step and the record's own update leaves
 * one), which is always safe: the ledger replays what it already has.
 *
 * @example
 * const problems = await reconcile(ctx, { tenantId })   // [] when all agree
 * await heal(ctx, { tenantId, actor: 'reconcile' })
 */
import { Id, type Transfer } from '@timebank/ledger'
import { rows } from '@timebank/ledger/kit'
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { RECORD_STEPS, recordReversal, recordStep } from '../domain/ids.js'
import { CREDITED, type RecordStatus } from '../domain/record.js'
import { parse } from '../domain/validate.js'
import { hourRecords } from '../storage/schema.js'
import { approvalOps, finishApprovals, finishReversals, ledgerTransfers } from './credit.js'
import type { RecordRow } from './view.js'

export type ProblemKind =
  /** Claimed for approval or reversal and not finished: `heal` finishes it. */
  | 'unfinished'
  /** Approved (or reversed) but the ledger lacks a credit it should hold. */
  | 'credit-missing'
  /** Not approved (pending or rejected) but the ledger holds a credit under its id. */
  | 'credit-unexpected'
  /** The ledger's credit differs from the record's amount. */
  | 'amount-differs'
  /** Reversed, but the ledger lacks the reversal. */
  | 'reversal-missing'
  /** Approved, but the ledger holds a reversal of it. */
  | 'reversal-unexpected'

export interface Problem {
  recordId: string
  status: RecordStatus
  kind: ProblemKind
  /** The ledger id the problem is about. */
  transferId?: string
  detail?: string
}

export const ReconcileInput = z.strictObject({ tenantId: Id })
export const HealInput = z.strictObject({ tenantId: Id, actor: z.string().min(1).max(200) })

const PAGE = 500

const STEPS = RECORD_STEPS

/** Every record whose ledger state disagrees with its own, in id order. */
export async function reconcile(ctx: CommunityContext, input: z.input<typeof ReconcileInput>): Promise<Problem[]> {
  const { tenantId } = parse(ReconcileInput, input)
  await ctx.community(tenantId)
  const problems: Problem[] = []
  let after = ''
  for (;;) {
    const page = await ctx.db
      .select()
      .from(hourRecords)
      .where(and(eq(hourRecords.tenantId, tenantId), gt(hourRecords.id, after)))
      .orderBy(asc(hourRecords.id))
      .limit(PAGE)
    if (page.length === 0) return problems
    after = (page[page.length - 1] as RecordRow).id
    const ids = page.flatMap((r) => STEPS.flatMap((s) => [recordStep(r.id, s), recordReversal(r.id, s)]))
    const ledger = await ledgerTransfers(ctx, tenantId, ids)
    for (const r of page) problems.push(...problemsOf(r, ledger))
  }
}

function problemsOf(r: RecordRow, ledger: Map<string, Transfer | null>): Problem[] {
  const status = r.status as RecordStatus
  const out: Problem[] = []
  const add = (kind: ProblemKind, transferId?: string, detail?: string) =>
    out.push({ recordId: r.id, status, kind, ...(transferId ? { transferId } : {}), ...(detail ? { detail } : {}) })
  if (status === 'approving' || status === 'reversing') {
    add('unfinished')
    return out
  }
  const expected = new Map(approvalOps(r).map((op) => [op.id, op.type === 'earn' ? op.amount : '']))
  for (const step of STEPS) {
    const id = recordStep(r.id, step)
    const credit = ledger.get(id) ?? null
    const reversal = ledger.get(recordReversal(r.id, step)) ?? null
    const wanted = CREDITED.includes(status) ? expected.get(id) : undefined
    if (wanted === undefined && credit) add('credit-unexpected', id)
    if (wanted !== undefined && !credit) add('credit-missing', id)
    if (wanted !== undefined && credit && credit.amount !== wanted) add('amount-differs', id, `record ${wanted}, ledger ${credit.amount}`)
    if (status === 'reversed' && wanted !== undefined && !reversal) add('reversal-missing', recordReversal(r.id, step))
    if (status !== 'reversed' && reversal) add('reversal-unexpected', recordReversal(r.id, step))
  }
  return out
}

/**
 * Records a refused step put back (pending, or approved) while the ledger holds that step: another caller's
 * identical step went through and that caller stopped before marking. Only records with a refusal in their
 * history can be such, so only those are looked up in the ledger.
 */
async function putBackButPosted(ctx: CommunityContext, tenantId: string): Promise<{ approvals: RecordRow[]; reversals: RecordRow[] }> {
  const candidates = await rows<{ id: string }>(
    ctx.db,
    sql`select r.id from cm_hour_records r
        where r.tenant_id = ${tenantId} and r.status in ('pending', 'approved')
          and exists (select 1 from cm_record_events e
                      where e.tenant_id = r.tenant_id and e.record_id = r.id and e.action in ('approval-refused', 'reversal-refused'))
        order by r.id`,
  )
  if (candidates.length === 0) return { approvals: [], reversals: [] }
  const found = await ctx.db
    .select()
    .from(hourRecords)
    .where(
      and(
        eq(hourRecords.tenantId, tenantId),
        inArray(
          hourRecords.id,
          candidates.map((c) => c.id),
        ),
      ),
    )
  // Any of its steps will do (a record over a cap may credit the pool alone): a batch posts all of a claim's or none.
  const stepsOf = (r: RecordRow) => STEPS.map((s) => (r.status === 'pending' ? recordStep(r.id, s) : recordReversal(r.id, s)))
  const ledger = await ledgerTransfers(ctx, tenantId, found.flatMap(stepsOf))
  const posted = found.filter((r) => stepsOf(r).some((id) => ledger.get(id)))
  return { approvals: posted.filter((r) => r.status === 'pending'), reversals: posted.filter((r) => r.status === 'approved') }
}

/**
 * Finish every claimed intent of a community, and every step a refusal put back while the ledger holds it
 * (finishing replays or adopts what the ledger has); returns how many records each kind finished and how
 * many the ledger refused.
 */
export async function heal(
  ctx: CommunityContext,
  input: z.input<typeof HealInput>,
): Promise<{ approved: number; reversed: number; refused: number }> {
  const { tenantId, actor } = parse(HealInput, input)
  await ctx.community(tenantId)
  const claimed = await ctx.db
    .select()
    .from(hourRecords)
    .where(and(eq(hourRecords.tenantId, tenantId), inArray(hourRecords.status, ['approving', 'reversing'])))
    .orderBy(asc(hourRecords.id))
  const putBack = await putBackButPosted(ctx, tenantId)
  const approvals = await finishApprovals(ctx, tenantId, [...claimed.filter((r) => r.status === 'approving'), ...putBack.approvals], actor)
  const reversals = await finishReversals(ctx, tenantId, [...claimed.filter((r) => r.status === 'reversing'), ...putBack.reversals], actor)
  return {
    approved: approvals.marked.size,
    reversed: reversals.marked.size,
    refused: approvals.failed.length + reversals.failed.length,
  }
}
