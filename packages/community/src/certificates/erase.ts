/**
 * Erasure and certificates: when a member is erased, the holder's part of
 * each of their certificates (full name and salt) is removed from the stored
 * document. The signed fields stay as issued (the pseudonym and the salted
 * name digest), so the signature still verifies; with the salt gone, nothing
 * can tell whether a guessed name is the one certified.
 *
 * @example
 * await ctx.db.transaction(async (tx) => forgetCertificateHolders(tx, tenantId, 'ana'))
 */
import { and, eq, sql } from 'drizzle-orm'
import type { CommunityContext } from '../context.js'
import { certificates } from '../storage/schema.js'

/** Remove the holder's name and salt from all the member's certificates, in the caller's transaction; how many had them. */
export async function forgetCertificateHolders(
  tx: Pick<CommunityContext['db'], 'update'>,
  tenantId: string,
  memberId: string,
): Promise<number> {
  const forgotten = await tx
    .update(certificates)
    .set({ document: sql`${certificates.document} - 'holder'` })
    .where(
      and(eq(certificates.tenantId, tenantId), eq(certificates.memberId, memberId), sql`${certificates.document} -> 'holder' is not null`),
    )
    .returning({ serial: certificates.serial })
  return forgotten.length
}
