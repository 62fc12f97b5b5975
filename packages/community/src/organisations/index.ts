/**
 * The organisations use cases, bound to a community context (see community.ts).
 *
 * @example
 * await community.createOrganisation({ tenantId, id: 'team-1', kind: 'team', name: '银龄志愿队', actor: 'key_1' })
 */
import type { CommunityContext, InputOf as Input } from '../context.js'
import {
  addOrganisationMember,
  createOrganisation,
  getOrganisation,
  listOrganisationMembers,
  listOrganisations,
  organisationsOfMember,
  removeOrganisationMember,
} from './organisations.js'

export function organisationUseCases(ctx: CommunityContext) {
  return {
    /**
     * Create a partner unit or a volunteer team with its HOUR and POINT accounts; idempotent by id.
     * Codes: VALIDATION, COMMUNITY_NOT_FOUND, GRID_NOT_FOUND, ORGANISATION_EXISTS, and the ledger's when opening accounts.
     */
    createOrganisation: (input: Input<typeof createOrganisation>) => createOrganisation(ctx, input),
    /** The organisation in full. Codes: VALIDATION, ORGANISATION_NOT_FOUND. */
    getOrganisation: (input: Input<typeof getOrganisation>) => getOrganisation(ctx, input),
    /** A page by id, of one kind or all; `view` full or masked (default: the contact person masked). Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    listOrganisations: (input: Input<typeof listOrganisations>) => listOrganisations(ctx, input),
    /**
     * Add an active member (or change their role). Codes: VALIDATION, COMMUNITY_NOT_FOUND, ORGANISATION_NOT_FOUND,
     * MEMBER_NOT_FOUND, MEMBER_NOT_ACTIVE.
     */
    addOrganisationMember: (input: Input<typeof addOrganisationMember>) => addOrganisationMember(ctx, input),
    /** Codes: VALIDATION, COMMUNITY_NOT_FOUND. */
    removeOrganisationMember: (input: Input<typeof removeOrganisationMember>) => removeOrganisationMember(ctx, input),
    /** Leaders first. Codes: VALIDATION, ORGANISATION_NOT_FOUND. */
    listOrganisationMembers: (input: Input<typeof listOrganisationMembers>) => listOrganisationMembers(ctx, input),
    /** Codes: VALIDATION, MEMBER_NOT_FOUND. */
    organisationsOfMember: (input: Input<typeof organisationsOfMember>) => organisationsOfMember(ctx, input),
  }
}
