/**
 * The tamper-evident books with the community's key: the ledger chains every
 * entry; a checkpoint signed with the key the community signs certificates
 * with commits to every chain's head, so rewriting a whole chain (which its own
 * hashes cannot reveal) is found against it.
 *
 * @example
 * await community.checkpointJournal({ tenantId: 'maple' })          // e.g. hourly, see checkpointAllJournals
 * const verdict = await community.verifyJournal({ tenantId: 'maple' }) // { ok, checked, firstBroken?, checkpoint }
 */
import type { Checkpoint, JournalVerdict } from '@timebank/ledger'
import type { CommunityContext } from './context.js'
import { CommunityErrorCode, isCommunityError } from './domain/errors.js'
import { communities } from './storage/schema.js'

/** Sign a checkpoint of the tenant's books with the community's key. Codes: COMMUNITY_NOT_FOUND. */
export async function checkpointJournal(ctx: CommunityContext, input: { tenantId: string }): Promise<Checkpoint> {
  const { privateKey } = await ctx.community(input.tenantId)
  return ctx.ledger.checkpoint({ tenantId: input.tenantId, privateKey })
}

/**
 * Recompute every chain of the tenant's books and, when a community is set up on it, check them
 * against its latest signed checkpoint. A tenant without a community (the ledger alone) has no key:
 * its chains are checked, `checkpoint` is absent. Codes: TENANT_NOT_FOUND.
 */
export async function verifyJournal(ctx: CommunityContext, input: { tenantId: string }): Promise<JournalVerdict> {
  const publicKey = await ctx.community(input.tenantId).then(
    (c) => c.publicKey,
    (e: unknown) => {
      if (isCommunityError(e) && e.code === CommunityErrorCode.COMMUNITY_NOT_FOUND) return undefined
      throw e
    },
  )
  return ctx.ledger.verifyJournal({ tenantId: input.tenantId, ...(publicKey ? { publicKey } : {}) })
}

/**
 * A checkpoint of every community's books: what a periodic job runs. One community failing does not
 * stop the others; each outcome is returned.
 */
export async function checkpointAllJournals(
  ctx: CommunityContext,
): Promise<{ tenantId: string; checkpoint?: Checkpoint; error?: unknown }[]> {
  const rows = await ctx.db.select({ tenantId: communities.tenantId }).from(communities).orderBy(communities.tenantId)
  const outcomes: { tenantId: string; checkpoint?: Checkpoint; error?: unknown }[] = []
  for (const { tenantId } of rows) {
    try {
      outcomes.push({ tenantId, checkpoint: await checkpointJournal(ctx, { tenantId }) })
    } catch (error) {
      outcomes.push({ tenantId, error })
    }
  }
  return outcomes
}

export function journalUseCases(ctx: CommunityContext) {
  return {
    /** Sign a checkpoint of the books with the community's key. Codes: COMMUNITY_NOT_FOUND. */
    checkpointJournal: (input: { tenantId: string }) => checkpointJournal(ctx, input),
    /** Recompute every entry chain, against the latest checkpoint when there is a community. Codes: TENANT_NOT_FOUND. */
    verifyJournal: (input: { tenantId: string }) => verifyJournal(ctx, input),
    /** A checkpoint of every community's books (a periodic job); each outcome, failures included. */
    checkpointAllJournals: () => checkpointAllJournals(ctx),
  }
}
