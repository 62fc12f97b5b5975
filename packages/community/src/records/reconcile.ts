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
import { Id, type Transfer, isLedgerError } from '@timebank/ledger'
import { and, asc, eq, gt, inArray } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { type RecordStep, recordReversal, recordStep } from '../domain/ids.js'
import { CREDITED, type RecordStatus } from '../domain/record.js'
import { parse } from '../domain/validate.js'
import { hourRecords } from '../storage/schema.js'
import { approvalOps, finishApprovals, finishReversals } from './credit.js'
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
/** Ledger reads in flight at once. */
const PARALLEL = 16

async function lookUp(ctx: CommunityContext, tenantId: string, ids: string[]): Promise<Map<string, Transfer | null>> {
  const out = new Map<string, Transfer | null>()
  for (let i = 0; i < ids.length; i += PARALLEL) {
    await Promise.all(
      ids.slice(i, i + PARALLEL).map(async (transferId) => {
        try {
          out.set(transferId, await ctx.ledger.getTransfer({ tenantId, transferId }))
        } catch (e) {
          if (isLedgerError(e) && e.code === 'TRANSFER_NOT_FOUND') out.set(transferId, null)
          else throw e
        }
      }),
    )
  }
  return out
}

const STEPS: RecordStep[] = ['hours', 'points', 'lifetime']

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
    const ledger = await lookUp(ctx, tenantId, ids)
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

/** Finish every claimed intent of a community; returns how many records each kind finished and how many the ledger refused. */
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
  const approvals = await finishApprovals(
    ctx,
    tenantId,
    claimed.filter((r) => r.status === 'approving'),
    actor,
  )
  const reversals = await finishReversals(
    ctx,
    tenantId,
    claimed.filter((r) => r.status === 'reversing'),
    actor,
  )
  return {
    approved: approvals.marked.size,
    reversed: reversals.marked.size,
    refused: approvals.failed.length + reversals.failed.length,
  }
}
