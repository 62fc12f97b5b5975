/**
 * Members' display names for the lists a page shows (records, sign-ups,
 * attendance, redemptions), read once per page. Never more than the caller
 * could read through `GET /v1/members/{memberId}`: the full name where the
 * `members.read` grant lets it read the member (staff within their scope, a
 * member itself), the masked one (张*明) otherwise; the pseudonym once erased.
 *
 * @example
 * const nameOf = await memberNamesFor(c, deps, page.records.map((r) => r.memberId))
 * page.records.map((r) => ({ ...r, memberName: nameOf(r.memberId) }))
 */
import { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv, Deps } from './context.js'
import { ApiError } from './errors.js'
import { authorize } from './permissions.js'

/** The field each named list item carries. */
export const MemberNameField = z.string().nullable().openapi({
  description:
    "The member's name: in full where the caller may read the member (`GET /v1/members/{memberId}`), masked (张*明) otherwise, the pseudonym once erased; null for a member no longer on record.",
  example: '张*明',
})

/** A function from member id to the name this caller may see, for the given ids. */
export async function memberNamesFor(
  c: Context<AppEnv>,
  deps: Pick<Deps, 'community'>,
  memberIds: Iterable<string>,
  /** `masked`: masked whoever asks (a screen others may see, as the desk's). */
  view: 'as-permitted' | 'masked' = 'as-permitted',
): Promise<(memberId: string) => string | null> {
  const caller = c.get('caller')
  const names = await deps.community.memberNames({ tenantId: caller.tenantId, memberIds: [...new Set(memberIds)] })
  const shown = new Map<string, string>()
  for (const [id, n] of names) {
    let full = view === 'as-permitted'
    if (full)
      try {
        await authorize(c, deps, 'members.read', { memberId: id, gridPath: n.gridPath })
      } catch (e) {
        if (!(e instanceof ApiError)) throw e
        full = false
      }
    shown.set(id, full ? n.name : n.masked)
  }
  return (memberId) => shown.get(memberId) ?? null
}
