/**
 * The members use cases, bound to a community context (see community.ts).
 *
 * @example
 * await community.registerMember({ tenantId, id: 'ana', name: '张小明', phone: '13812341234', actor: 'key_1', approve: true })
 */
import type { CommunityContext, InputOf as Input } from '../context.js'
import { deactivateMember, eraseMember, reactivateMember, registerMember, reviewMember } from './lifecycle.js'
import { gridOfMemberAt, memberPlacesOf, placeMember } from './places.js'
import { memberNames } from './names.js'
import { getMember, listMembers, memberGridPath } from './queries.js'
import { addRelative, listRelatives, removeRelative } from './relatives.js'

export { gridOfMemberAt }
export { relationBetween } from './relatives.js'

export function memberUseCases(ctx: CommunityContext) {
  return {
    /**
     * Register a member: an application (`applied`), or with `approve` an active member with their accounts open.
     * Idempotent by id: the same request replays; another under the id (`approve` included) is MEMBER_EXISTS. Codes: VALIDATION, COMMUNITY_NOT_FOUND, GRID_NOT_FOUND, MEMBER_EXISTS, and the ledger's when opening accounts.
     */
    registerMember: (input: Input<typeof registerMember>) => registerMember(ctx, input),
    /**
     * Approve (opens the member's HOUR, POINT and LIFETIME_HOUR accounts; an active member is answered as is) or reject an application.
     * Codes: VALIDATION, COMMUNITY_NOT_FOUND, MEMBER_NOT_FOUND, INVALID_TRANSITION, and the ledger's when opening accounts.
     */
    reviewMember: (input: Input<typeof reviewMember>) => reviewMember(ctx, input),
    /** Active to inactive (an inactive member is answered as is). Codes: VALIDATION, COMMUNITY_NOT_FOUND, MEMBER_NOT_FOUND, INVALID_TRANSITION. */
    deactivateMember: (input: Input<typeof deactivateMember>) => deactivateMember(ctx, input),
    /** Inactive to active (an active member is answered as is). Codes: VALIDATION, COMMUNITY_NOT_FOUND, MEMBER_NOT_FOUND, INVALID_TRANSITION. */
    reactivateMember: (input: Input<typeof reactivateMember>) => reactivateMember(ctx, input),
    /**
     * Remove a member's personal data for good; pseudonym, placements and ledger accounts and history stay. Idempotent.
     * Codes: VALIDATION, COMMUNITY_NOT_FOUND, MEMBER_NOT_FOUND.
     */
    eraseMember: (input: Input<typeof eraseMember>) => eraseMember(ctx, input),
    /** The full record (for staff). Codes: VALIDATION, MEMBER_NOT_FOUND. */
    getMember: (input: Input<typeof getMember>) => getMember(ctx, input),
    /** A page by id, by status, grid subtree or search; `view` full or masked (default). Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    listMembers: (input: Input<typeof listMembers>) => listMembers(ctx, input),
    /**
     * Link two members (stored both ways). Codes: VALIDATION (self, or already linked otherwise), COMMUNITY_NOT_FOUND,
     * MEMBER_NOT_FOUND, MEMBER_NOT_ACTIVE (erased).
     */
    addRelative: (input: Input<typeof addRelative>) => addRelative(ctx, input),
    /** Unlink two members, both ways. Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    removeRelative: (input: Input<typeof removeRelative>) => removeRelative(ctx, input),
    /** Codes: VALIDATION, MEMBER_NOT_FOUND. */
    listRelatives: (input: Input<typeof listRelatives>) => listRelatives(ctx, input),
    /** Place a member in a grid from now on, keeping the history. Codes: VALIDATION, COMMUNITY_NOT_FOUND, MEMBER_NOT_FOUND, MEMBER_NOT_ACTIVE (erased), GRID_NOT_FOUND. */
    placeMember: (input: Input<typeof placeMember>) => placeMember(ctx, input),
    /** Every placement, oldest first. Codes: VALIDATION, MEMBER_NOT_FOUND. */
    memberPlaces: (input: Input<typeof memberPlacesOf>) => memberPlacesOf(ctx, input),
    /** The path of the member's grid (null when unplaced), for scope checks. Codes: MEMBER_NOT_FOUND. */
    memberGridPath: (tenantId: string, memberId: string) => memberGridPath(ctx, tenantId, memberId),
    /** Own and public names of a page's members, with their grids' paths, by id (one query). Codes: VALIDATION. */
    memberNames: (input: Input<typeof memberNames>) => memberNames(ctx, input),
    /** The grid a member was placed in at an instant, or null. */
    gridOfMemberAt: (tenantId: string, memberId: string, at: Date) => gridOfMemberAt(ctx, tenantId, memberId, at),
  }
}
