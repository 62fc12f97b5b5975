/**
 * Active members for tests of other parts, made without the member use cases:
 * a row in cm_members and the member's ledger accounts, as approval leaves them.
 */
import type { Community } from '../community.js'
import type { CommunityContext } from '../context.js'
import { openMemberAccounts } from '../members/accounts.js'
import { members } from '../storage/schema.js'
import type { TestCommunity } from './pglite.js'

export async function activeMembers(
  t: Pick<TestCommunity, 'db' | 'ledger' | 'tenantId' | 'clock'>,
  ids: string[],
  gridId: string | null = null,
) {
  const ctx = { ledger: t.ledger } as CommunityContext
  for (const id of ids) {
    await t.db
      .insert(members)
      .values({ tenantId: t.tenantId, id, name: `Member ${id}`, status: 'active', gridId, pseudonym: `V-${id}`, appliedAt: t.clock.now })
      .onConflictDoNothing()
    await openMemberAccounts(ctx, t.tenantId, id)
  }
}

/** A member's posted balance of an asset, as the ledger says. */
export async function posted(t: { ledger: TestCommunity['ledger']; tenantId: string }, memberId: string, asset: string): Promise<string> {
  return (await t.ledger.getBalance({ tenantId: t.tenantId, accountId: `member:${memberId}:${asset}` })).posted
}

export type { Community }
