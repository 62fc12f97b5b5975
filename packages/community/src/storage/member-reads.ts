/**
 * The few reads about members other workflows need, without the member use
 * cases themselves: whether a member exists, is active or not erased (each
 * read may lock the member's row, so a change of status waits for the work
 * that relied on it), and which placement says where a member lived at an
 * instant.
 */
import { type SQL, and, eq, gt, isNull, lte, or } from 'drizzle-orm'
import type { CommunityContext } from '../context.js'
import { CommunityError, CommunityErrorCode, notFound } from '../domain/errors.js'
import { memberPlaces, members } from './schema.js'

type Reader = Pick<CommunityContext['db'], 'select'>
/** `update` or `share`: the row stays as read until the transaction ends, a change of status waits. */
type Lock = 'update' | 'share'

/** The member's row; MEMBER_NOT_FOUND when there is none. */
export async function requireMember(db: Reader, tenantId: string, memberId: string, lock?: Lock) {
  const query = db
    .select()
    .from(members)
    .where(and(eq(members.tenantId, tenantId), eq(members.id, memberId)))
  const [row] = lock === undefined ? await query : await query.for(lock)
  if (!row) throw notFound(CommunityErrorCode.MEMBER_NOT_FOUND, 'member', memberId, 'memberId')
  return row
}

/** The member's row if active; MEMBER_NOT_FOUND or MEMBER_NOT_ACTIVE otherwise. */
export async function requireActiveMember(db: Reader, tenantId: string, memberId: string, lock?: Lock) {
  const row = await requireMember(db, tenantId, memberId, lock)
  if (row.status !== 'active') {
    throw new CommunityError(CommunityErrorCode.MEMBER_NOT_ACTIVE, `member ${memberId} is ${row.status}, not active`, {
      memberId,
      status: row.status,
    })
  }
  return row
}

/**
 * The member's row unless erased: an erased member takes nothing new (no placement, no family link).
 * MEMBER_NOT_FOUND, or MEMBER_NOT_ACTIVE for an erased member.
 */
export async function requireNotErased(db: Reader, tenantId: string, memberId: string, lock?: Lock) {
  const row = await requireMember(db, tenantId, memberId, lock)
  if (row.status === 'erased') {
    throw new CommunityError(CommunityErrorCode.MEMBER_NOT_ACTIVE, `member ${memberId} is erased`, { memberId, status: row.status })
  }
  return row
}

/**
 * True (as SQL over cm_member_places, unaliased) for the placement in force at `at`: a placement counts
 * from `since`, up to but not at `until`. The one rule for where a member lived at an instant.
 */
export const placementAt = (at: Date): SQL =>
  and(lte(memberPlaces.since, at), or(isNull(memberPlaces.until), gt(memberPlaces.until, at))) as SQL
