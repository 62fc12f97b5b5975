/**
 * Keeping wishes and the ledger in step without a shared transaction.
 * `reconcileWishes` compares every wish with what the ledger holds under the
 * ids derived from it (`wish:<id>:hold|settle|reward|release`) and lists each
 * disagreement; `healWishes` finishes every intent a crash left, which is
 * always safe: the ledger replays what it already has.
 *
 * @example
 * const problems = await reconcileWishes(ctx, { tenantId })   // [] when all agree
 * await healWishes(ctx, { tenantId, actor: 'reconcile' })
 */
import { Id, type Transfer, isLedgerError } from '@timebank/ledger'
import { and, asc, eq, gt, inArray } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { type WishStep, wishStep } from '../domain/ids.js'
import { parse } from '../domain/validate.js'
import { WISH_INTENTS, type WishStatus, isWishIntent } from '../domain/wish.js'
import { ledgerTransfers } from '../records/credit.js'
import { wishes } from '../storage/wishes-schema.js'
import { finishIntent } from './steps.js'
import type { WishRow } from './view.js'

/**
 * What can be wrong with a wish against the ledger:
 * - `unfinished`: in an intent (publishing, confirming, cancelling, expiring): `healWishes` finishes it;
 * - `hold-missing`: its reward should be held (open) or resolved (closed) but the ledger has no hold;
 * - `hold-state`: the ledger's hold is not in the state the wish needs (e.g. posted or voided while the wish is open);
 * - `amount-differs`: the ledger's hold or reward differs from the wish's points;
 * - `reward-missing`: confirmed, but the ledger lacks the settlement or the reward;
 * - `reward-unexpected`: not confirmed, but the ledger paid a reward (or settled the hold);
 * - `release-missing`: cancelled or expired, but the ledger lacks the release of the hold;
 * - `release-unexpected`: not cancelled or expired, but the ledger released the hold;
 * - `ledger-unexpected`: no reward, but the ledger holds a step under the wish's ids.
 */
export const WishProblemKind = z.enum([
  'unfinished',
  'hold-missing',
  'hold-state',
  'amount-differs',
  'reward-missing',
  'reward-unexpected',
  'release-missing',
  'release-unexpected',
  'ledger-unexpected',
])
export type WishProblemKind = z.infer<typeof WishProblemKind>

export interface WishProblem {
  wishId: string
  status: WishStatus
  kind: WishProblemKind
  /** The ledger id the problem is about. */
  transferId?: string
  detail?: string
}

export const ReconcileWishesInput = z.strictObject({ tenantId: Id })
export const HealWishesInput = z.strictObject({ tenantId: Id, actor: z.string().min(1).max(200) })

const PAGE = 500
const STEPS: WishStep[] = ['hold', 'settle', 'reward', 'release']

/** Every wish whose ledger state disagrees with its own, in id order. Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
export async function reconcileWishes(ctx: CommunityContext, input: z.input<typeof ReconcileWishesInput>): Promise<WishProblem[]> {
  const { tenantId } = parse(ReconcileWishesInput, input)
  await ctx.community(tenantId)
  const problems: WishProblem[] = []
  let after = ''
  for (;;) {
    const page = await ctx.db
      .select()
      .from(wishes)
      .where(and(eq(wishes.tenantId, tenantId), gt(wishes.id, after)))
      .orderBy(asc(wishes.id))
      .limit(PAGE)
    if (page.length === 0) return problems
    after = (page[page.length - 1] as WishRow).id
    const ledger = await ledgerTransfers(
      ctx,
      tenantId,
      page.flatMap((w) => STEPS.map((s) => wishStep(w.id, s))),
    )
    for (const w of page) problems.push(...problemsOf(w, ledger))
  }
}

/** What the ledger must hold for a wish in each settled state. */
function problemsOf(w: WishRow, ledger: Map<string, Transfer | null>): WishProblem[] {
  const status = w.status as WishStatus
  const out: WishProblem[] = []
  const add = (kind: WishProblemKind, step?: WishStep, detail?: string) =>
    out.push({ wishId: w.id, status, kind, ...(step ? { transferId: wishStep(w.id, step) } : {}), ...(detail ? { detail } : {}) })
  if (isWishIntent(status)) {
    add('unfinished')
    return out
  }
  const [hold, settle, reward, release] = STEPS.map((s) => ledger.get(wishStep(w.id, s)) ?? null)
  if (w.rewardPoints === null || status === 'refused') {
    STEPS.forEach((s, i) => {
      if ([hold, settle, reward, release][i]) add('ledger-unexpected', s)
    })
    return out
  }
  const points = w.rewardPoints.toString()
  if (!hold) add('hold-missing', 'hold')
  else {
    if (hold.amount !== points) add('amount-differs', 'hold', `wish ${points}, ledger ${hold.amount}`)
    const wanted = status === 'confirmed' ? 'posted' : status === 'cancelled' || status === 'expired' ? 'voided' : 'pending'
    if (hold.status !== wanted) add('hold-state', 'hold', `wish ${status} needs the hold ${wanted}, ledger has it ${hold.status}`)
  }
  if (status === 'confirmed') {
    if (!settle) add('reward-missing', 'settle')
    if (!reward) add('reward-missing', 'reward')
    else if (reward.amount !== points) add('amount-differs', 'reward', `wish ${points}, ledger ${reward.amount}`)
  } else {
    if (settle) add('reward-unexpected', 'settle')
    if (reward) add('reward-unexpected', 'reward')
  }
  const closedUnpaid = status === 'cancelled' || status === 'expired'
  if (closedUnpaid && !release) add('release-missing', 'release')
  if (!closedUnpaid && release) add('release-unexpected', 'release')
  return out
}

/**
 * Finish every intent of a community (after a crash): each step replays in the ledger and its mark lands.
 * Returns how many wishes each intent finished and how many the ledger refused. Codes: VALIDATION, COMMUNITY_NOT_FOUND.
 */
export async function healWishes(
  ctx: CommunityContext,
  input: z.input<typeof HealWishesInput>,
): Promise<{ finished: number; refused: number }> {
  const { tenantId, actor } = parse(HealWishesInput, input)
  await ctx.community(tenantId)
  const claimed = await ctx.db
    .select()
    .from(wishes)
    .where(and(eq(wishes.tenantId, tenantId), inArray(wishes.status, [...WISH_INTENTS])))
    .orderBy(asc(wishes.id))
  let finished = 0
  let refused = 0
  for (const w of claimed) {
    try {
      await finishIntent(ctx, w, actor)
      finished++
    } catch (e) {
      if (isLedgerError(e)) refused++
      else throw e
    }
  }
  return { finished, refused }
}
