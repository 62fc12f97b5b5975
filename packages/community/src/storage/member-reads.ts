/**
 * The few reads about members other workflows need, without the member use
 * cases themselves: whether a member exists and is active.
 */
import { and, eq } from 'drizzle-orm'
import type { CommunityContext } from '../context.js'
import { CommunityError, CommunityErrorCode, notFound } from '../domain/errors.js'
import { members } from './schema.js'

type Reader = Pick<CommunityContext['db'], 'select'>

/** The member's row; MEMBER_NOT_FOUND when there is none. */
export async function requireMember(db: Reader, tenantId: string, memberId: string) {
  const [row] = await db
    .select()
    .from(members)
    .where(and(eq(members.tenantId, tenantId), eq(members.id, memberId)))
  if (!row) throw notFound(CommunityErrorCode.MEMBER_NOT_FOUND, 'member', memberId, 'memberId')
  return row
}

/** The member's row if active; MEMBER_NOT_FOUND or MEMBER_NOT_ACTIVE otherwise. */
export async function requireActiveMember(db: Reader, tenantId: string, memberId: string) {
  const row = await requireMember(db, tenantId, memberId)
  if (row.status !== 'active') {
    throw new CommunityError(CommunityErrorCode.MEMBER_NOT_ACTIVE, `member ${memberId} is ${row.status}, not active`, {
      memberId,
      status: row.status,
    })
  }
  return row
}
