/**
 * A member's points account as the expiry plan reads it: every posted entry
 * of its ledger history (the ledger's public interface, in pages), with the
 * expiries posted before recognised by their ids and counterparty.
 *
 * @example
 * const { moves, available } = await pointsHistory(ctx, 'maple', 'ana')
 */
import type { Entry } from '@timebank/ledger'
import type { CommunityContext } from '../context.js'
import type { ExpiryMove } from '../domain/expiry.js'
import { ASSETS, COMMUNITY_ASSETS, expiryAccount, expiryStep, memberAccount } from '../domain/ids.js'
import { Decimal, toMinor } from '../domain/rounding.js'

/** The ledger's largest history page. */
const PAGE = 1000
const SCALE = (COMMUNITY_ASSETS.find((a) => a.code === ASSETS.points) as (typeof COMMUNITY_ASSETS)[number]).scale
const CUTOFF = /^\d{4}-\d{2}-\d{2}$/

/** A signed amount of the ledger's text (zero included), in minor units. */
export const signedPoints = (text: string): bigint => toMinor(new Decimal(text), SCALE)

/** The cutoff an entry expired, when it is one of this member's expiries. */
function expiredCutoff(memberId: string, entry: Entry): string | undefined {
  const prefix = expiryStep(memberId, '')
  if (entry.type !== 'redeem' || entry.counterparty !== expiryAccount(ASSETS.points) || !entry.transferId.startsWith(prefix))
    return undefined
  const cutoff = entry.transferId.slice(prefix.length)
  return CUTOFF.test(cutoff) ? cutoff : undefined
}

export interface PointsHistory {
  accountId: string
  moves: ExpiryMove[]
  /** Minor units available now: posted minus open holds. */
  available: bigint
}

/** Every entry of the member's points account, and what is available. Raises the ledger's ACCOUNT_NOT_FOUND. */
export async function pointsHistory(ctx: CommunityContext, tenantId: string, memberId: string): Promise<PointsHistory> {
  const accountId = memberAccount(memberId, ASSETS.points)
  // Two reads, no shared snapshot: a spend between them can make the plan ask too much, which the ledger refuses (the run reads again).
  const balance = await ctx.ledger.getBalance({ tenantId, accountId })
  const available = signedPoints(balance.available)
  // No points, nothing to expire or show (every group's share is bounded by the balance): no history to read.
  if (signedPoints(balance.posted) === 0n) return { accountId, moves: [], available }
  const moves: ExpiryMove[] = []
  let cursor: string | undefined
  do {
    const page = await ctx.ledger.getHistory({ tenantId, accountId, limit: PAGE, ...(cursor === undefined ? {} : { cursor }) })
    for (const e of page.entries) {
      const cutoff = expiredCutoff(memberId, e)
      moves.push({ at: e.createdAt, amount: signedPoints(e.amount), ...(cutoff === undefined ? {} : { expiredCutoff: cutoff }) })
    }
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
  return { accountId, moves, available }
}
