/**
 * The certificate use cases, bound to a community context (see community.ts):
 * issuing signed volunteer service certificates and checking them.
 */
import type { CommunityContext, InputOf as Input } from '../context.js'
import { issueCertificate } from './issue.js'
import { getCertificate, listCertificates, verifyBySerial } from './queries.js'

export function certificateUseCases(ctx: CommunityContext) {
  return {
    /**
     * Certify a member's approved hours of a period or an activity, signed, under the next gap-free serial; the same
     * requestId again returns the same certificate. Codes: VALIDATION, COMMUNITY_NOT_FOUND, MEMBER_NOT_FOUND,
     * ACTIVITY_NOT_FOUND, NOTHING_TO_CERTIFY, IDEMPOTENCY_CONFLICT.
     */
    issueCertificate: (input: Input<typeof issueCertificate>) => issueCertificate(ctx, input),
    /** The holder's copy (full name and salt until the member is erased). Codes: VALIDATION, COMMUNITY_NOT_FOUND, CERTIFICATE_NOT_FOUND. */
    getCertificate: (input: Input<typeof getCertificate>) => getCertificate(ctx, input),
    /**
     * Certificates newest first, paged: a member's, those of members living in a grid's subtree, those issued in a year
     * (the community's time zone). Codes: VALIDATION, COMMUNITY_NOT_FOUND, MEMBER_NOT_FOUND.
     */
    listCertificates: (input: Input<typeof listCertificates>) => listCertificates(ctx, input),
    /**
     * The public check: signature valid, revoked (a certified record reversed since), the name masked (the pseudonym once
     * erased) and the signed document alone: no name, salt, member id or record id. Codes: VALIDATION,
     * COMMUNITY_NOT_FOUND, CERTIFICATE_NOT_FOUND.
     */
    verifyBySerial: (input: Input<typeof verifyBySerial>) => verifyBySerial(ctx, input),
  }
}
